// Every failure the API fuzz found, as a fixed case: the call and the exact
// documented error it must give. fuzz-api.mjs runs them first, on every run.
//
// 1. on/off with an unknown event type echoed the whole value in the error
//    message (1 MB strings, a sparse array of 900,000 slots as commas), and
//    with an array holding a Symbol threw the engine's "Cannot convert a
//    Symbol value to a string" instead of the documented TypeError
//    (js/api/emitter.js; found by seed 1).
// 2. getInstance with a wsUrl that is not ws:// or wss:// repeated the whole
//    URL (4,153 characters here; 10 MB possible) and, before the wasm had
//    loaded, without redacting its credentials (js/checks.js and, then, the
//    wasm class's own check in src/web; found by seed 11 after 66,000 calls).

const huge = 'x'.repeat(1 << 20);
const sparse = [];
sparse[900000] = 1;
const listener = () => {};

/**
 * [what, (sdk, instances) => the call, the error's class, a regular expression its message must match,
 *  the class it needs (a one-protocol entry runs the cases of its class)]
 */
export const REGRESSIONS = [
  ['on(a 1 MB string)', (im) => im.on(huge, listener), TypeError, /^imsdk: unknown event type "x{40}\.\.\." \(one of /, 'IMService'],
  ['off(a 1 MB string)', (im, mgr) => mgr.off(huge, listener), TypeError, /^imsdk: unknown event type "x{40}\.\.\." \(one of /,
    'IMClientManager'],
  ['on(a sparse array of 900,001 slots)', (im) => im.on(sparse, listener), TypeError, /^imsdk: unknown event type of type object \(/,
    'IMService'],
  ['off([Symbol()])', (im, mgr) => mgr.off([Symbol('s')], listener), TypeError, /^imsdk: unknown event type of type object \(/,
    'IMClientManager'],
  ['on(Symbol())', (im) => im.on(Symbol('s'), listener), TypeError, /^imsdk: unknown event type of type symbol \(/, 'IMService'],
  ['getInstance({wsUrl: a 1 MB http URL})', (im, mgr, C) => C.IMClientManager.getInstance({ wsUrl: 'http://' + huge }), TypeError,
    /^options\.wsUrl must start with ws:\/\/ or wss:\/\/, got "http:\/\/x{57}\.\.\."$/, 'IMClientManager'],
  ['getInstance({wsUrl: an http URL with a token})', (im, mgr, C) => C.IMClientManager.getInstance({ wsUrl: 'http://u:pw@h/p?token=s3cret' }),
    TypeError, /^options\.wsUrl must start with ws:\/\/ or wss:\/\/, got "http:\/\/<redacted>@h\/p\?<redacted>"$/, 'IMClientManager'],
];

/** Runs every case on `im` (an IMService), `mgr` (an IMClientManager) and the classes `C`; returns the failures as lines. */
export function runRegressions(im, mgr, C, cases = REGRESSIONS) {
  const failures = [];
  for (const [what, call, ErrorClass, pattern] of cases) {
    let err = null;
    try {
      call(im, mgr, C);
    } catch (e) {
      err = e;
    }
    const message = err ? String(err.message) : '';
    if (!(err instanceof ErrorClass) || !pattern.test(message) || message.length > 300) {
      failures.push(`${what}: expected ${ErrorClass.name} matching ${pattern}, got ${err ? err.name + ': ' + message.slice(0, 120) : 'no error'}`);
    }
  }
  return failures;
}
