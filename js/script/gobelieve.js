// Entry of the GoBelieve-only <script> bundle (dist/script/gobelieve.js with
// gobelieve_bg.wasm): the globals IMService and imsdk (see define-globals.js).
import * as glue from 'imsdk-glue';
import { setWebSocketImpl } from 'imsdk-transport';
import { defineGlobals } from './define-globals.js';

defineGlobals(glue, setWebSocketImpl, 'gobelieve_bg.wasm', ['IMService']);
