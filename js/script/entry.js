// Entry of the <script> bundle with both protocols (dist/script/imsdk.js):
// the globals IMService, IMClientManager and imsdk (see define-globals.js).
import * as glue from 'imsdk-glue';
import { setWebSocketImpl } from 'imsdk-transport';
import { defineGlobals } from './define-globals.js';

defineGlobals(glue, setWebSocketImpl, 'imsdk_bg.wasm', ['IMService', 'IMClientManager']);
