// Size budget: prints the size of every shipped file (raw, gzip -9, brotli)
// and of each whole build as a page loads it (JS + wasm, each compressed on
// its own, as a server sends them), and fails when one exceeds its budget.
// Budgets are what the builds reach plus a small margin, so a new dependency,
// formatting machinery or an unminified bundle shows up here.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';

// [file, max raw bytes, max gzip bytes]: measured + 2 % (README "Build sizes"); the JS rows include the
// developer API of js/api (events, Promise forms, log, token provider, outbox: about 9 KB gzip) and, in
// each build, the JS classes over its engines (js/engine/: IMService, IMClientManager).
const FILES = [
  ['dist/npm/imsdk_bg.wasm', 118_500, 50_600],
  ['dist/npm/index.js', 79_200, 26_100],
  ['dist/npm/index.cjs', 79_900, 26_400],
  ['dist/npm/gobelieve_bg.wasm', 73_600, 32_300],
  ['dist/npm/gobelieve.js', 56_300, 19_500],
  ['dist/npm/mobileimsdk_bg.wasm', 62_100, 28_500],
  ['dist/npm/mobileimsdk.js', 54_100, 19_000],
  ['dist/script/imsdk.js', 80_100, 26_400],
  ['dist/script/gobelieve.js', 57_100, 19_800],
  ['dist/script/mobileimsdk.js', 55_000, 19_700],
  ['dist/miniprogram/imsdk_bg.wasm', 119_200, 50_800],
  ['dist/miniprogram/imsdk.js', 78_700, 26_000],
  ['dist/miniprogram-gobelieve/imsdk_bg.wasm', 73_900, 32_400],
  ['dist/miniprogram-gobelieve/imsdk.js', 55_700, 19_400],
  ['dist/miniprogram-mobileimsdk/imsdk_bg.wasm', 62_500, 28_700],
  ['dist/miniprogram-mobileimsdk/imsdk.js', 53_500, 19_300],
];

// [build, its files, max gzip bytes of the sum]: what a page downloads.
const BUILDS = [
  ['<script> both protocols', ['dist/script/imsdk.js', 'dist/script/imsdk_bg.wasm'], 77_300],
  ['<script> GoBelieve only', ['dist/script/gobelieve.js', 'dist/script/gobelieve_bg.wasm'], 52_000],
  ['<script> MobileIMSDK only', ['dist/script/mobileimsdk.js', 'dist/script/mobileimsdk_bg.wasm'], 47_900],
];

// The README's "Build sizes" rows: [build, its files as the README names them, the files].
const README_ROWS = [
  ['`<script>`, both protocols', '`dist/script/imsdk.js` + `imsdk_bg.wasm`', ['dist/script/imsdk.js', 'dist/script/imsdk_bg.wasm']],
  ['`<script>`, GoBelieve only', '`dist/script/gobelieve.js` + `gobelieve_bg.wasm`', ['dist/script/gobelieve.js', 'dist/script/gobelieve_bg.wasm']],
  ['`<script>`, MobileIMSDK only', '`dist/script/mobileimsdk.js` + `mobileimsdk_bg.wasm`', ['dist/script/mobileimsdk.js', 'dist/script/mobileimsdk_bg.wasm']],
  ['npm `imsdk`', '`dist/npm/index.js` + `imsdk_bg.wasm`', ['dist/npm/index.js', 'dist/npm/imsdk_bg.wasm']],
  ['npm `imsdk/gobelieve`', '`dist/npm/gobelieve.js` + `gobelieve_bg.wasm`', ['dist/npm/gobelieve.js', 'dist/npm/gobelieve_bg.wasm']],
  ['npm `imsdk/mobileimsdk`', '`dist/npm/mobileimsdk.js` + `mobileimsdk_bg.wasm`', ['dist/npm/mobileimsdk.js', 'dist/npm/mobileimsdk_bg.wasm']],
  ['mini-program, both', '`dist/miniprogram/imsdk.js` + `imsdk_bg.wasm` (shipped as `.br`)', ['dist/miniprogram/imsdk.js', 'dist/miniprogram/imsdk_bg.wasm']],
  ['mini-program, GoBelieve only', '`dist/miniprogram-gobelieve/`', ['dist/miniprogram-gobelieve/imsdk.js', 'dist/miniprogram-gobelieve/imsdk_bg.wasm']],
  ['mini-program, MobileIMSDK only', '`dist/miniprogram-mobileimsdk/`', ['dist/miniprogram-mobileimsdk/imsdk.js', 'dist/miniprogram-mobileimsdk/imsdk_bg.wasm']],
];

/** {raw, gzip, brotli} bytes of `file`, or null when it is missing. */
export function sizes(file) {
  if (!fs.existsSync(file)) return null;
  const buf = fs.readFileSync(file);
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The sum of sizes of `files` (each compressed on its own), or null when one is missing. */
function total(files) {
  const parts = files.map(sizes);
  if (parts.includes(null)) return null;
  return ['raw', 'gzip', 'brotli'].reduce((t, k) => ({ ...t, [k]: parts.reduce((a, p) => a + p[k], 0) }), {});
}

/** Prints the README's "Build sizes" rows as measured now (`--readme`). */
function readmeRows() {
  const n = (x) => x.toLocaleString('en-US');
  for (const [name, shown, files] of README_ROWS) {
    const s = total(files);
    if (!s) throw new Error('missing a file of ' + name + ': build first');
    console.log(`| ${name} | ${shown} | ${n(s.raw)} | ${n(s.gzip)} | ${n(s.brotli)} |`);
  }
}

function main() {
  if (process.argv.includes('--readme')) return readmeRows();
  let failed = 0;
  const row = (name, s, budget, over) => console.log(name.padEnd(44), String(s.raw).padStart(8), String(s.gzip).padStart(8),
    String(s.brotli).padStart(8), '  ' + budget + (over ? '  OVER BUDGET' : ''));
  console.log('file'.padEnd(44), 'raw'.padStart(8), 'gzip'.padStart(8), 'brotli'.padStart(8), '  budget raw/gzip');
  for (const [file, maxRaw, maxGz] of FILES) {
    const s = sizes(file);
    if (!s) {
      console.log(file.padEnd(44), 'MISSING');
      failed++;
      continue;
    }
    const over = s.raw > maxRaw || s.gzip > maxGz;
    if (over) failed++;
    row(file, s, maxRaw + '/' + maxGz, over);
  }
  console.log('\n' + 'build (JS + wasm, each compressed)'.padEnd(44), 'raw'.padStart(8), 'gzip'.padStart(8), 'brotli'.padStart(8), '  budget gzip');
  for (const [name, files, maxGz] of BUILDS) {
    const s = total(files);
    if (!s) {
      console.log(name.padEnd(44), 'MISSING');
      failed++;
      continue;
    }
    const over = s.gzip > maxGz;
    if (over) failed++;
    row(name, s, String(maxGz), over);
  }
  const checks = FILES.length + BUILDS.length;
  console.log(`${checks - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
