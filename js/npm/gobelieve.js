// Entry `imsdk/gobelieve` of the npm package: IMService only, with a wasm
// built without MobileIMSDK (dist/npm/gobelieve.js + gobelieve_bg.wasm).
import * as glue from 'imsdk-glue';
import { createPackage } from './package-api.js';

export { setWebSocketImpl } from 'imsdk-transport';
export { IMError } from '../api/im-error.js';

// Written literally so bundlers see the wasm as an asset of this module.
const sdk = createPackage(glue, () => new URL('./gobelieve_bg.wasm', import.meta.url));

export const { init, ready, IMService } = sdk;

/** `import IMService from 'imsdk/gobelieve'`, as im.js's typings had. */
export default IMService;
