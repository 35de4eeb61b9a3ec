// Entry of the MobileIMSDK-only <script> bundle (dist/script/mobileimsdk.js
// with mobileimsdk_bg.wasm): the globals IMClientManager and imsdk (see define-globals.js).
import * as glue from 'imsdk-glue';
import { setWebSocketImpl } from 'imsdk-transport';
import { defineGlobals } from './define-globals.js';

defineGlobals(glue, setWebSocketImpl, 'mobileimsdk_bg.wasm', ['IMClientManager']);
