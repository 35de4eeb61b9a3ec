// Mini-program entry of the MobileIMSDK-only build (dist/miniprogram-mobileimsdk/imsdk.js, see sdk.js).
import * as glue from 'imsdk-glue';
import { createMiniProgramSdk } from './sdk.js';

export { DEFAULT_WASM_PATH } from './sdk.js';
export { IMError } from '../api/im-error.js';
export const { initMiniProgram, ready, IMClientManager } = createMiniProgramSdk(glue);
