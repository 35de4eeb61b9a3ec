#!/usr/bin/env bash
# Release build of the browser/Node package: pkg/web (ES module glue + optimised wasm).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log "building the release wasm"
cargo build --release --target wasm32-unknown-unknown -p imsdk --lib
rm -rf pkg/web
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-name imsdk --out-dir pkg/web target/wasm32-unknown-unknown/release/imsdk.wasm
# Only npm binaryen: Debian's wasm-opt 108 silently breaks wasm-bindgen output (toolchain P6).
"$WASM_OPT" -Oz pkg/web/imsdk_bg.wasm -o pkg/web/imsdk_bg.wasm
log "pkg/web: $(stat -c %s pkg/web/imsdk_bg.wasm) bytes wasm, $(gzip -9c pkg/web/imsdk_bg.wasm | wc -c) gzipped"
# The npm package (dist/npm) and the <script> bundle (dist/script) from pkg/web.
node scripts/build-npm.mjs
