#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every check and suite.
# Any failure exits non-zero; a summary of the stages is printed either way.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RESULTS=()
finish() {
  local rc=$?
  stop_devserver
  printf '\n==== summary ====\n' >&2
  printf '%s\n' "${RESULTS[@]}" >&2
  if [ $rc -eq 0 ]; then echo "ALL PASSED" >&2; else echo "FAILED (exit $rc)" >&2; fi
}
trap finish EXIT

stage() {
  local name="$1"; shift
  log "$name"
  local t0=$SECONDS
  if "$@"; then
    RESULTS+=("ok    $name ($((SECONDS - t0)) s)")
  else
    RESULTS+=("FAIL  $name ($((SECONDS - t0)) s)")
    exit 1
  fi
}

stage "install missing tools" bash scripts/ensure-tools.sh
stage "cargo fmt --check" cargo fmt --all -- --check
stage "clippy (host)" cargo clippy --workspace --all-targets -- -D warnings
# The wasm32 test targets import this one module (tests/support/bundle-entry.js says why).
stage "the wasm-bindgen suites' JS module (esbuild)" node scripts/bundle-test-js.mjs
stage "clippy (wasm32)" cargo clippy -p imsdk --target wasm32-unknown-unknown --all-targets -- -D warnings
# The shipped libraries are no_std (feature lean, scripts/builds.mjs): each protocol set as it ships.
for features in gobelieve,mobileimsdk gobelieve mobileimsdk; do
  stage "clippy (wasm32, shipped no_std lib: $features)" cargo clippy -p imsdk --target wasm32-unknown-unknown --lib \
    --no-default-features --features "$features,lean" -- -D warnings
done
stage "host tests (core, dev server)" cargo test --workspace
stage "engine batch: the JS reader decodes what the Rust writer writes (Node)" node tests/engine/batch.test.mjs
stage "engine commands: the JS writer writes what the Rust reader decodes (Node)" node tests/engine/command.test.mjs
stage "engine exchange: staged inputs and in-place batches, across memory growth (Node)" node tests/engine/exchange.test.mjs
stage "GoBelieve engine commands: the JS writer writes what the Rust reader decodes (Node)" node tests/engine/gobelieve-command.test.mjs
# Every fuzz target for a few seconds from its committed corpus (build cached in fuzz/target).
stage "fuzz smoke (cargo-fuzz, every target 4 s)" bash -c \
  'cargo fmt --manifest-path fuzz/Cargo.toml -- --check && node scripts/fuzz.mjs --smoke --seconds 4'
stage "release builds (pkg/web*, dist/npm, dist/script)" bash scripts/build.sh
stage "build the dev server" cargo build -p imsdk-devserver
# /dist, /tests and /test-output: the npm and script-tag suites (tests/support/node-env.mjs STATIC_MOUNTS).
mkdir -p dist test-output
start_devserver --www www --static /pkg/=pkg --static /dist/=dist --static /tests/=tests --static /test-output/=test-output \
  --mobileimsdk-accept-all
log "dev server at $DEVSERVER_URL"
# The browser suites read the server's address at compile time (toolchain P14).
export IM_DEVSERVER_URL="$DEVSERVER_URL" WASM_BINDGEN_TEST_TIMEOUT=180
stage "npm package (every entry): pack, offline install, Node, esbuild, types" node tests/npm/pack.test.mjs
stage "npm package (every entry): browser ESM import without a bundler (headless Chromium)" node tests/npm/browser.test.mjs
stage "script tags (every build): the seed's example page, MobileIMSDK pages (headless Chromium)" node tests/script-tag/seed-example.test.mjs
stage "transport: closing a connecting socket never throws in Node" node tests/transport/close-connecting.test.mjs
stage "developer API on its own: emitter, Promise forms, log (Node)" node tests/devx/api.test.mjs
stage "token provider: 10 min of refused tokens on a fake clock, calls bounded (Node)" node tests/devx/token-provider.test.mjs
stage "persisted outbox: order, restore, outcomes, bound, expiry, O(log n) work per message, seeded random runs; memory, custom and wx stores (Node)" node tests/devx/outbox.test.mjs
stage "persisted outbox: IndexedDB store across page reloads (headless Chromium)" node tests/devx/indexeddb.test.mjs
# Installs webpack and Vite from the npm registry only when tests/bundlers/package-lock.json changed.
stage "bundlers: webpack 5 and Vite apps on every entry, each emitting its own wasm only (headless Chromium), Node require()" node tests/bundlers/bundlers.test.mjs
stage "ready facade vs the wasm classes: members, defaults, argument errors (headless Chromium)" node tests/facade/parity.test.mjs
for entry in gobelieve mobileimsdk; do
  stage "ready facade vs its wasm class on the one-protocol entry dist/npm/$entry.js (headless Chromium)" env IMSDK_ENTRY=$entry node tests/facade/parity.test.mjs
done
stage "IMService maxPending: checked, bounds the messages in flight before and after loading (Node, npm package)" node tests/facade/max-pending.test.mjs
stage "IMService maxPending on the GoBelieve-only entry dist/npm/gobelieve.js (Node)" env IMSDK_ENTRY=gobelieve node tests/facade/max-pending.test.mjs
stage "developer API on both classes: events, Promise forms, getToken, log redaction, outbox across an outage (Node, npm package)" node tests/devx/e2e.test.mjs
for entry in gobelieve mobileimsdk; do
  stage "developer API e2e on the one-protocol entry dist/npm/$entry.js (Node)" env IMSDK_ENTRY=$entry node tests/devx/e2e.test.mjs
done
stage "bad-input matrix, both classes, before and after loading (headless Chromium)" node tests/bad-input/matrix.test.mjs
for entry in gobelieve mobileimsdk; do
  stage "bad-input matrix on the one-protocol entry dist/npm/$entry.js (headless Chromium)" env IMSDK_ENTRY=$entry node tests/bad-input/matrix.test.mjs
done
stage "JS API fuzz: 20,000 hostile calls on every member of both classes, each instance still delivers (Node, npm package)" \
  node tests/fuzz-api/fuzz-api.mjs --runs 20000
for entry in gobelieve mobileimsdk; do
  stage "JS API fuzz on the one-protocol entry dist/npm/$entry.js: 10,000 hostile calls on its class" \
    env IMSDK_ENTRY=$entry node tests/fuzz-api/fuzz-api.mjs --runs 10000 --seed 2
done
stage "throwing observers, garbage collection, oversized frames (headless Chromium)" node tests/resilience/resilience.test.mjs
stage "long life: 1,000 cycles of each lifecycle, no leaks, flat memory (headless Chromium)" node tests/long-life/cycles.test.mjs
for entry in gobelieve mobileimsdk; do
  stage "resilience and long life on the one-protocol entry dist/npm/$entry.js (headless Chromium)" \
    env IMSDK_ENTRY=$entry sh -c 'node tests/resilience/resilience.test.mjs && node tests/long-life/cycles.test.mjs'
done
# Through scripts/wasm-test-runner.sh: a page Chromium never started is tried again (up to 5 times).
stage "wasm-bindgen tests (headless Chromium)" env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$ROOT/scripts/wasm-test-runner.sh" \
  cargo test -p imsdk --target wasm32-unknown-unknown
for protocol in gobelieve mobileimsdk; do
  stage "wasm-bindgen tests, $protocol-only build (headless Chromium)" \
    env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$ROOT/scripts/wasm-test-runner.sh" \
    cargo test -p imsdk --target wasm32-unknown-unknown --no-default-features --features "$protocol"
done
stage "mini-program bundles (every build, baseline wasm) and test builds" node scripts/build-miniprogram.mjs --test-artifacts
stage "mini-program runtime emulation, every build (Node harness)" node tests/miniprogram/run.js
stage "demo page: two users chat in Chromium (Playwright)" node tests/demo/demo.test.mjs
# Both start dev servers of their own (their restart faults would disturb the shared one).
# 10,000 messages, going on until at least 3 faults fired (1,000 were over before the first one).
stage "chaos: 10,000 messages per protocol through random faults (Node, npm package)" \
  node scripts/chaos.mjs --messages 10000 --seed 1 --min-faults 3
stage "chaos on the one-protocol builds (dist/npm/gobelieve.js, mobileimsdk.js): 10,000 messages each" \
  node scripts/chaos.mjs --messages 10000 --seed 2 --build own --min-faults 3
stage "soak smoke: 4 clients per protocol for 0.3 min with faults" node scripts/soak.mjs --minutes 0.3 --clients 4
stage "flood: wasm memory of both classes under 8 MiB against a hostile server (Node, npm package)" node tests/flood/flood.test.mjs
stage "flood on the one-protocol builds (dist/npm/gobelieve.js, mobileimsdk.js): the same ceiling" node tests/flood/flood.test.mjs --build own
# Its own dev server (P5 restarts it); P2, P3 and P4 runs of a few hundred messages, P5 and P7 once.
stage "bench smoke: every figure of npm run bench once, small counts" node scripts/bench.mjs --smoke
stage "size budget of every shipped build" node scripts/check-size.mjs
