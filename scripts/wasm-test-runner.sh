#!/usr/bin/env bash
# Cargo's runner for the wasm-bindgen browser suites (scripts/test.sh sets
# CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER to this file): wasm-bindgen-test-runner,
# with up to four more tries when Chromium never started a test.
#
# Why: the runner's own HTTP server (tiny_http) reads each connection on one
# worker thread and starts with four. When Chromium opened five or six
# connections for the ~16 JS snippets the suites used to import, the
# requests on the last ones sat unread (non-zero Recv-Q on the server's
# sockets, seen with `ss`), so the page stayed at "Loading scripts..." until
# chromedriver gave up after 300 s: 2 of 3 loads of one binary, and every
# attempt of a whole stage once. The suites now import one bundled module
# (tests/support/bundle-entry.js), which ended it (0 of 6 loads of the same
# binary). The retry stays as a guard: it only runs a binary again when its
# page never started a test; a test that ran and failed fails the stage.
set -u
ATTEMPT_LIMIT_S=${WASM_TEST_ATTEMPT_LIMIT_S:-90}
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

for attempt in 1 2 3 4 5; do
  # `timeout` bounds an attempt below chromedriver's own 300 s.
  timeout --kill-after=10 "$ATTEMPT_LIMIT_S" wasm-bindgen-test-runner "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] && exit 0
  # A test started when the harness printed "running N tests" into the page.
  if grep -q 'running [0-9]* tests\?' "$out"; then exit "$rc"; fi
  printf '\n*** %s: attempt %s: the page never started a test (exit %s) ***\n\n' \
    "$(basename "${1:-wasm}")" "$attempt" "$rc" >&2
done
exit "$rc"
