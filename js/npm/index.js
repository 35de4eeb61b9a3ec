// Entry `imsdk` of the npm package, both protocols (bundled with the
// wasm-bindgen glue into dist/npm/index.js by scripts/build-npm.mjs).
// `imsdk/gobelieve` and `imsdk/mobileimsdk` are the one-protocol entries.
import * as glue from 'imsdk-glue';
import { createPackage } from './package-api.js';

// The snippet copy the glue itself imports: one module, one WebSocket setting.
export { setWebSocketImpl } from 'imsdk-transport';
// What the Promise forms reject with, for `err instanceof IMError`.
export { IMError } from '../api/im-error.js';

// Written literally so bundlers (webpack 5, Vite, Parcel) see the wasm as an asset of this module.
const sdk = createPackage(glue, () => new URL('./imsdk_bg.wasm', import.meta.url));

export const { init, ready, IMService, IMClientManager } = sdk;
