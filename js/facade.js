// "Ready facades": plain JS classes with the IMService / IMClientManager
// surface that exist synchronously, before the wasm has loaded, and forward
// to the wasm objects once it has. Needed wherever loading is asynchronous
// but the API is not: `require("./im")` in a mini-program, a <script> tag.
//
// Before ready:
// - every argument is checked at once with the wasm's own rules and errors
//   (./checks.js): a bad property, option or call throws where it was written;
// - property writes are remembered and replayed; reads give the value written
//   or the wasm's default;
// - `start()`, `login()` and the other void calls are queued, at most
//   QUEUED_CALLS_LIMIT per instance (one more throws a RangeError and is not
//   queued); a `stop()` cancels a queued `start()`;
// - sends fail the way they do while connecting (IMService returns false,
//   IMClientManager calls back 3).
// If a replayed call still fails once the wasm is there, the instance is
// dead: the failure is printed with the call that caused it, `ready()`
// rejects with it, and every later use of the instance throws it.
// No Proxy (missing on old WeChat clients), so the surface is listed here;
// tests/facade/parity.test.mjs checks it member by member against the wasm
// classes, so nothing needs forwarding by discovery.
//
// Each class's facade is a module of its own (./facade-gobelieve.js,
// ./facade-mobileimsdk.js); a one-protocol bundle replaces the other by
// ./facade-absent.js (scripts/build-glue.mjs), so it does not ship it.

import { report } from './facade-shared.js';
import { createGobelieveFacade } from './facade-gobelieve.js';
import { createMobileimsdkFacade } from './facade-mobileimsdk.js';

export { QUEUED_CALLS_LIMIT } from './facade-shared.js';
export { FACADE_PROPERTIES } from './facade-gobelieve.js';

/**
 * Returns `{IMService, IMClientManager, ready}` (a class is undefined in a
 * bundle without its protocol). `load()` must return a Promise of the glue
 * module; it is called once, on the first call that needs the wasm (or on
 * `ready()`).
 */
export function createFacades(load) {
  let glue = null;
  let loading = null;
  let replayFailure = null;
  const waiting = [];

  function ready() {
    if (!loading) {
      loading = Promise.resolve().then(load).then((g) => {
        glue = g;
        waiting.splice(0).forEach((f) => f(g));
        return g;
      });
      loading.catch((e) => report('loading the wasm failed', e));
    }
    return loading.then((g) => {
      if (replayFailure) throw replayFailure;
      return g;
    });
  }
  function whenReady(f) {
    if (glue) f(glue);
    else {
      waiting.push(f);
      ready().catch(() => {});
    }
  }
  function wasmClass(name) {
    const C = glue && glue[name];
    if (typeof C !== 'function') throw new Error('imsdk: the wasm module exports no ' + name);
    return C;
  }
  /** Builds the wasm object of `facade` and replays its queued calls; a failure kills the facade. */
  function bind(facade, cls, make) {
    let step = cls + ' construction';
    try {
      const real = make();
      facade._real = real;
      for (const [m, a] of facade._calls.splice(0)) {
        step = cls + '.' + m + '()';
        real[m](...a);
      }
    } catch (e) {
      const err = new Error('imsdk: ' + step + ' failed when replayed after the wasm loaded: ' + ((e && e.message) || e));
      err.cause = e;
      facade._failed = err;
      facade._calls.length = 0;
      if (!replayFailure) replayFailure = err;
      report(step + ' failed when replayed', e);
    }
  }

  const ctx = { whenReady, bind, wasmClass, loaded: () => glue };
  return { IMService: createGobelieveFacade(ctx), IMClientManager: createMobileimsdkFacade(ctx), ready };
}
