#!/usr/bin/env bash
# `npm start`: builds the release package and serves the demo with the dev server.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash scripts/ensure-tools.sh
bash scripts/build.sh
log "building the dev server"
cargo build -q -p imsdk-devserver --release
PORT="${PORT:-8080}"
log "starting the dev server (Ctrl-C stops it)"
if [ "$PORT" != 0 ]; then
  log "demo chat: open http://127.0.0.1:$PORT/ in two browser windows and log in as two users"
fi
exec "$ROOT/target/release/devserver" --host 127.0.0.1 --port "$PORT" --www www --static /pkg/=pkg --static /dist/=dist --mobileimsdk-accept-all
