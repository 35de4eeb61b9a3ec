// Entry `imsdk/mobileimsdk` of the npm package: IMClientManager only, with a
// wasm built without GoBelieve (dist/npm/mobileimsdk.js + mobileimsdk_bg.wasm).
import * as glue from 'imsdk-glue';
import { createPackage } from './package-api.js';

export { setWebSocketImpl } from 'imsdk-transport';
export { IMError } from '../api/im-error.js';

// Written literally so bundlers see the wasm as an asset of this module.
const sdk = createPackage(glue, () => new URL('./mobileimsdk_bg.wasm', import.meta.url));

export const { init, ready, IMClientManager } = sdk;

/** `import IMClientManager from 'imsdk/mobileimsdk'`, as im.js's typings had. */
export default IMClientManager;
