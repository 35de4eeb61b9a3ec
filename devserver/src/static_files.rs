//! Static file serving from the configured mounts, with no path traversal.

use crate::config::Mount;
use crate::http::{percent_decode, Response};
use std::path::{Component, Path, PathBuf};

/// Content type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "br" => "application/x-brotli",
        "d.ts" | "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path to a file under the longest matching mount, refusing
/// any `..`, absolute or odd component (and anything that escapes through a
/// symlink).
pub fn resolve(mounts: &[Mount], url_path: &str) -> Option<PathBuf> {
    let mount = mounts
        .iter()
        .filter(|m| url_path.starts_with(&m.prefix) || url_path == m.prefix.trim_end_matches('/'))
        .max_by_key(|m| m.prefix.len())?;
    let rest = url_path.get(mount.prefix.len()..).unwrap_or("");
    let decoded = String::from_utf8(percent_decode(rest, false)).ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let rel = Path::new(&decoded);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let root = mount.dir.canonicalize().ok()?;
    let mut file = root.join(rel).canonicalize().ok()?;
    if !file.starts_with(&root) {
        return None;
    }
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

/// Serves a GET/HEAD for `url_path`, or 404.
pub fn serve(mounts: &[Mount], url_path: &str) -> Response {
    match resolve(mounts, url_path).and_then(|f| Some((std::fs::read(&f).ok()?, f))) {
        Some((body, file)) => Response {
            status: 200,
            content_type: content_type(&file),
            body,
        },
        None => Response::text(404, "not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal_and_serves_index() {
        let dir = std::env::temp_dir().join(format!("devserver-static-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "hi").unwrap();
        std::fs::write(dir.join("sub/a.wasm"), "w").unwrap();
        let mounts = &[Mount {
            prefix: "/".into(),
            dir: dir.clone(),
        }];
        assert!(resolve(mounts, "/").unwrap().ends_with("index.html"));
        assert!(resolve(mounts, "/sub/a.wasm").is_some());
        assert!(resolve(mounts, "/../etc/passwd").is_none());
        assert!(resolve(mounts, "/sub/%2e%2e/%2e%2e/etc/passwd").is_none());
        assert!(resolve(mounts, "/nope").is_none());
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.mjs")),
            "text/javascript; charset=utf-8"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
