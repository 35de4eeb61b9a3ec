//! The loopback-only test API (JSON responses). See the README of the
//! dev server for the routes; the harnesses depend on them.

use crate::config::GroupSpec;
use crate::conn::Out;
use crate::flood::Flood;
use crate::http::{RequestHead, Response};
use crate::mobileimsdk::hub::MobileimsdkHub;
use crate::server::App;
use imsdk::core::gobelieve::codec::Body;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

static TOKENS_MINTED: AtomicU64 = AtomicU64::new(0);

type Query = HashMap<String, String>;

fn bad(msg: &str) -> Response {
    Response::json(400, &json!({ "error": msg }))
}

fn ok(value: serde_json::Value) -> Response {
    Response::json(200, &value)
}

fn num<T: std::str::FromStr>(q: &Query, key: &str) -> Result<Option<T>, Response> {
    match q.get(key) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| bad(&format!("{key} is not a number"))),
    }
}

fn required<T: std::str::FromStr>(q: &Query, key: &str) -> Result<T, Response> {
    num(q, key)?.ok_or_else(|| bad(&format!("{key} is required")))
}

fn id_list(q: &Query, key: &str) -> Result<Vec<i64>, Response> {
    let Some(v) = q.get(key) else {
        return Ok(Vec::new());
    };
    v.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| bad(&format!("{key}: bad id {s:?}")))
        })
        .collect()
}

fn flag(q: &Query, key: &str) -> bool {
    matches!(q.get(key).map(String::as_str), Some("1" | "true"))
}

/// Handles one API request.
pub fn handle(app: &App, head: &RequestHead) -> Response {
    let q = head.query();
    route(app, head.path(), &q).unwrap_or_else(|r| r)
}

fn route(app: &App, path: &str, q: &Query) -> Result<Response, Response> {
    let gobelieve = || app.gobelieve.lock().unwrap_or_else(|e| e.into_inner());
    let mobileimsdk = || app.mobileimsdk.lock().unwrap_or_else(|e| e.into_inner());
    let proto = q.get("proto").map(String::as_str);
    Ok(match path {
        "/api/stats" => {
            ok(json!({ "gobelieve": gobelieve().stats(), "mobileimsdk": mobileimsdk().stats() }))
        }
        "/api/token" => {
            let uid: i64 = required(q, "uid")?;
            let appid = num(q, "appid")?.unwrap_or(app.cfg.gobelieve_appid);
            let n = TOKENS_MINTED.fetch_add(1, Ordering::Relaxed);
            let token = format!("t{uid}-{n}-{:x}", crate::clock::now_ms());
            gobelieve().add_token(token.clone(), appid, uid);
            mobileimsdk()
                .extra_tokens
                .insert(token.clone(), uid.to_string());
            ok(json!({ "token": token, "uid": uid, "appid": appid }))
        }
        "/api/group" => {
            let spec = GroupSpec {
                gid: required(q, "gid")?,
                members: id_list(q, "members")?,
                super_group: flag(q, "super"),
                muted: id_list(q, "muted")?,
            };
            gobelieve().set_group(&spec);
            ok(json!({ "gid": spec.gid }))
        }
        "/api/fault/drop" => {
            let n = match proto {
                Some("gobelieve") => gobelieve().drop_connections(num(q, "uid")?),
                Some("mobileimsdk") => {
                    mobileimsdk().drop_connections(q.get("uid").map(String::as_str))
                }
                _ => return Err(bad("proto must be gobelieve or mobileimsdk")),
            };
            ok(json!({ "dropped": n }))
        }
        "/api/fault/stall" | "/api/fault/delay" => {
            let ms = Duration::from_millis(required(q, "ms")?);
            let out = move || match path {
                "/api/fault/stall" => Out::Stall(ms),
                _ => Out::Delay(ms),
            };
            let n = match proto {
                Some("gobelieve") => gobelieve().signal(num(q, "uid")?, out),
                Some("mobileimsdk") => mobileimsdk().signal(q.get("uid").map(String::as_str), out),
                _ => return Err(bad("proto must be gobelieve or mobileimsdk")),
            };
            ok(json!({ "links": n, "ms": ms.as_millis() as u64 }))
        }
        "/api/fault/pings" => {
            let answer = flag(q, "answer");
            match proto {
                Some("gobelieve") => gobelieve().answer_pings = answer,
                Some("mobileimsdk") => mobileimsdk().answer_keep_alive = answer,
                _ => return Err(bad("proto must be gobelieve or mobileimsdk")),
            }
            ok(json!({ "answer": answer }))
        }
        "/api/fault/restart" => {
            let down_ms: u64 = num(q, "down_ms")?.unwrap_or(0);
            *app.refuse_ws_until
                .lock()
                .unwrap_or_else(|e| e.into_inner()) =
                Some(Instant::now() + Duration::from_millis(down_ms));
            let n = gobelieve().drop_connections(None) + mobileimsdk().drop_connections(None);
            ok(json!({ "dropped": n, "down_ms": down_ms }))
        }
        "/api/fault/duplicate" => {
            let uid = q.get("uid").ok_or_else(|| bad("uid is required"))?;
            match proto {
                Some("gobelieve") => gobelieve().duplicate_next(required(q, "uid")?),
                None | Some("mobileimsdk") => mobileimsdk().duplicate_next(uid),
                _ => return Err(bad("proto must be gobelieve or mobileimsdk")),
            }
            ok(json!({ "uid": uid }))
        }
        "/api/fault/flood" => {
            let flood = Flood::parse(
                q.get("kind").map_or("", String::as_str),
                required(q, "count")?,
                num(q, "page")?.unwrap_or(10),
            )
            .map_err(|e| bad(&e))?;
            let uid = q.get("uid").ok_or_else(|| bad("uid is required"))?;
            let from = q.get("from").map_or("0", String::as_str);
            let (links, frames) = match proto {
                Some("gobelieve") => {
                    let appid = num(q, "appid")?.unwrap_or(app.cfg.gobelieve_appid);
                    let from = from.parse().map_err(|_| bad("from is not a number"))?;
                    gobelieve().flood(appid, required(q, "uid")?, from, flood)
                }
                Some("mobileimsdk") => {
                    let frames = mobileimsdk().flood(uid, from, flood);
                    (usize::from(frames > 0), frames)
                }
                _ => return Err(bad("proto must be gobelieve or mobileimsdk")),
            };
            ok(json!({ "links": links, "frames": frames }))
        }
        "/api/fault/withhold_acks" => {
            if proto != Some("gobelieve") {
                return Err(bad("proto must be gobelieve"));
            }
            let on = flag(q, "on");
            gobelieve().withhold_acks = on;
            ok(json!({ "withhold": on }))
        }
        "/api/gobelieve/inject" => {
            let uid: i64 = required(q, "uid")?;
            let appid = num(q, "appid")?.unwrap_or(app.cfg.gobelieve_appid);
            let text = q.get("text").cloned().unwrap_or_default();
            let body = match q.get("kind").map(String::as_str) {
                Some("system") => Body::System(text),
                Some("notification") => Body::Notification(text),
                Some("group_notification") => Body::GroupNotification(text),
                Some("raw") => {
                    let bytes = decode_hex(q.get("hex").map_or("", String::as_str))
                        .ok_or_else(|| bad("hex is not hex"))?;
                    return Ok(ok(
                        json!({ "delivered": gobelieve().inject_raw(appid, uid, bytes) }),
                    ));
                }
                _ => {
                    return Err(bad(
                        "kind must be system, notification, group_notification or raw",
                    ))
                }
            };
            ok(json!({ "delivered": gobelieve().inject(appid, uid, body) }))
        }
        "/api/mobileimsdk/kickout" => {
            let uid = q.get("uid").ok_or_else(|| bad("uid is required"))?;
            let code = num(q, "code")?.unwrap_or(1);
            ok(json!({ "kicked": mobileimsdk().kickout(uid, code) }))
        }
        "/api/mobileimsdk/raw" => {
            let uid = q.get("uid").ok_or_else(|| bad("uid is required"))?;
            let text = q.get("text").map_or("", String::as_str);
            ok(json!({ "sent": mobileimsdk().send_raw(uid, text) }))
        }
        "/api/mobileimsdk/send" => {
            let to = q.get("to").ok_or_else(|| bad("to is required"))?;
            let from = q.get("from").map_or("0", String::as_str);
            let data = q.get("data").map_or("", String::as_str);
            let qos = q.get("qos").is_none_or(|v| v == "1" || v == "true");
            let typeu = num(q, "typeu")?.unwrap_or(-1);
            let fp = MobileimsdkHub::send_from_server(&app.mobileimsdk, from, to, data, qos, typeu);
            ok(json!({ "sent": fp.is_some(), "fp": fp }))
        }
        _ => Response::json(404, &json!({ "error": "no such API" })),
    })
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::decode_hex;

    #[test]
    fn hex() {
        assert_eq!(decode_hex("00ff 10"), Some(vec![0, 255, 16]));
        assert_eq!(decode_hex("0"), None);
        assert_eq!(decode_hex("zz"), None);
    }
}
