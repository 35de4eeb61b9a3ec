// The classes of one build without the ready facade, over their own copy of
// the glue (scripts/build-npm.mjs writes it as pkg/web*/classes.js): what the
// suites compare the facade against (tests/support/npm-page.html loadRaw).
import * as glue from 'imsdk-glue';
import { noteExports } from './exchange.js';
import { defineIMService } from './gobelieve.js';
import { defineIMClientManager } from './mobileimsdk.js';

/** The glue's init, noting the memory the classes read batches from. */
export default (input) => glue.default(input).then((exports) => noteExports(glue, exports));
export const IMService = typeof glue.gobelieve_create === 'function' ? defineIMService(glue) : undefined;
export const IMClientManager = typeof glue.mobileimsdk_create === 'function' ? defineIMClientManager(glue) : undefined;
