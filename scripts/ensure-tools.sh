#!/usr/bin/env bash
# Installs what is missing, skipping whatever is already there (CI machines may be fresh or reused).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local opts=(-y -o DPkg::Lock::Timeout=120)
  apt-get update -q || { sleep 5; apt-get update -q; }
  if ! apt-get install "${opts[@]}" "$@"; then
    log "apt-get install failed; repairing dpkg and retrying once"
    dpkg --configure -a || true
    apt-get install "${opts[@]}" -f "$@"
  fi
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# One apt transaction for everything missing: chromium for the browser suites,
# tsc to type-check the npm package's hand-written .d.ts.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/bin/tsc ] || missing+=(node-typescript)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt_install "${missing[@]}"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # No --locked: the reachable registry lacks some locked versions (toolchain P2).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.imsdk-lock 2>/dev/null)" != "$lock_sum" ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.imsdk-lock
fi

"$WASM_OPT" --version | grep -q 'version 132' || die "node_modules wasm-opt is not binaryen 132"
