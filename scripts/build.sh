#!/usr/bin/env bash
# Release builds of the browser/Node package, one wasm per build of scripts/builds.mjs:
#   pkg/web              both protocols (default features)
#   pkg/web-gobelieve    IMService only   (--no-default-features --features gobelieve)
#   pkg/web-mobileimsdk  IMClientManager only
# each the ES module glue + the optimised wasm; then the npm package (dist/npm)
# and the <script> bundles (dist/script) from them (scripts/build-npm.mjs).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A second -Oz pass saves ~0.3 %; other binaryen flags measured (README "Build sizes") save < 1 %.
WASM_OPT_FLAGS=(-Oz -Oz)

# build_variant OUT_DIR [cargo feature args...]
build_variant() {
  local out="$1"; shift
  log "building the release wasm for $out ${*:-(default features)}"
  cargo build --release --target wasm32-unknown-unknown -p imsdk --lib "$@"
  rm -rf "$out"
  # No default wasm location in the glue: every entry passes the wasm, and a bundler that saw
  # new URL('imsdk_bg.wasm', import.meta.url) would emit the full build's wasm beside a one-protocol entry's own.
  wasm-bindgen --target web --omit-default-module-path --remove-name-section --remove-producers-section \
    --out-name imsdk --out-dir "$out" target/wasm32-unknown-unknown/release/imsdk.wasm
  # Only npm binaryen: Debian's wasm-opt 108 silently breaks wasm-bindgen output (toolchain P6).
  "$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$out/imsdk_bg.wasm" -o "$out/imsdk_bg.wasm"
  log "$out: $(stat -c %s "$out/imsdk_bg.wasm") bytes wasm, $(gzip -9c "$out/imsdk_bg.wasm" | wc -c) gzipped"
}

# One line per build of scripts/builds.mjs: its pkg dir, then its cargo feature arguments.
while read -r -a variant; do
  build_variant "${variant[@]}"
done < <(node --input-type=module -e \
  "import { BUILDS } from './scripts/builds.mjs'; for (const b of BUILDS) console.log([b.pkg, ...b.features].join(' '));")
node scripts/build-npm.mjs
