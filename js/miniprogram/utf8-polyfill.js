// Module-scope UTF-8 codec for WeChat mini-programs, prepended to the bundle
// as an esbuild banner. Devices have no TextEncoder/TextDecoder and the glue
// builds one at top level, so these must be `var`s in the bundle's own scope
// (globalThis may not exist, and `global` does not reach bare identifiers).
// Lenient like TextDecoder without `fatal`: bad input becomes U+FFFD.
// Always the polyfill, even where a native one exists (devtools), so devtools
// behaves like a phone.
var TextEncoder = (function () {
  function Utf8Encoder() {}
  Utf8Encoder.prototype.encoding = 'utf-8';
  Utf8Encoder.prototype.encode = function (text) {
    var s = text === undefined ? '' : String(text);
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  };
  // No encodeInto: the wasm-bindgen glue falls back to encode() + set().
  return Utf8Encoder;
})();

var TextDecoder = Utf8Decoder;

function Utf8Decoder() {}
Utf8Decoder.prototype.encoding = 'utf-8';
Utf8Decoder.prototype.decode = function (input) {
  if (input === undefined) return '';
  var b = input instanceof Uint8Array ? input
    : ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : new Uint8Array(input);
  var parts = [];
  var units = [];
  for (var i = 0; i < b.length;) {
    var c = b[i];
    var need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    var cp = need === 0 ? c : need === 1 ? c & 31 : need === 2 ? c & 15 : c & 7;
    var lo = 0x80;
    var hi = 0xbf;
    // Reject overlongs and surrogates at the second byte, as the WHATWG decoder does.
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
    else if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
    var j = 1;
    for (; need > 0 && j <= need; j++) {
      var x = b[i + j];
      if (x === undefined || x < lo || x > hi) break;
      cp = (cp << 6) | (x & 63);
      lo = 0x80;
      hi = 0xbf;
    }
    if (need < 0 || j <= need) {
      units.push(0xfffd);
      i += need < 0 ? 1 : j; // skip the maximal invalid prefix
    } else {
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023));
      } else units.push(cp);
      i += need + 1;
    }
    if (units.length > 4096) parts.push(String.fromCharCode.apply(null, units.splice(0)));
  }
  parts.push(String.fromCharCode.apply(null, units));
  return parts.join('');
};
