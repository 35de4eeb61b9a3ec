# Shared shell helpers for the build, test and start scripts. Source it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
WASM_BINDGEN_VERSION=0.2.130
WASM_OPT="$ROOT/node_modules/.bin/wasm-opt"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Starts the dev server on a free loopback port with extra args "$@".
# Sets DEVSERVER_PID and DEVSERVER_URL; the caller's trap must call stop_devserver.
start_devserver() {
  local bin="$ROOT/target/debug/devserver" out
  [ -x "$bin" ] || die "devserver is not built"
  out="$(mktemp)"
  # A coprocess reads its stdin from this shell: if the harness dies, the
  # server sees end-of-file and exits (--exit-on-stdin-close), so none leaks.
  coproc DEVSERVER_PROC { exec "$bin" --host 127.0.0.1 --port 0 --exit-on-stdin-close "$@" > "$out"; }
  DEVSERVER_PID=$DEVSERVER_PROC_PID
  local deadline=$((SECONDS + 30))
  while ! grep -q 'listening on' "$out"; do
    kill -0 "$DEVSERVER_PID" 2>/dev/null || die "devserver exited early"
    [ $SECONDS -lt $deadline ] || die "devserver did not start within 30 s"
    sleep 0.1
  done
  DEVSERVER_URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out" | head -n1)"
  rm -f "$out"
  export DEVSERVER_URL
}

stop_devserver() {
  if [ -n "${DEVSERVER_PID:-}" ]; then
    kill "$DEVSERVER_PID" 2>/dev/null || true
    wait "$DEVSERVER_PID" 2>/dev/null || true
    DEVSERVER_PID=
  fi
}
