// The one JS module of the wasm-bindgen suites. scripts/bundle-test-js.mjs
// bundles it (with everything it imports) into target/wasm-test-js/support.js,
// which tests/support/*.rs import. One module, not one snippet per JS file:
// wasm-bindgen-test-runner's server (tiny_http) serves a connection per
// worker thread and starts with four, so when Chromium opened five or six
// connections for the ~16 snippet imports, the requests on the last ones
// sat unread (Recv-Q of the server's sockets) and the page never left
// "Loading scripts...".
export { defineIMService } from '../../js/engine/gobelieve.js';
export { defineIMClientManager } from '../../js/engine/mobileimsdk.js';
export { MOBILEIMSDK_CONSTANTS } from '../../js/engine/mobileimsdk-codes.js';
export * from './http.js';
