// Size budget: prints the size of every shipped file (raw, gzip -9, brotli)
// and of each whole build as a page loads it (JS + wasm, each compressed on
// its own, as a server sends them), and fails when one exceeds its budget.
// Budgets are what the builds reach plus a small margin, so a new dependency,
// formatting machinery or an unminified bundle shows up here.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { BUILDS } from './builds.mjs';

// Every shipped code file (shippedFiles below) must have a row here, and every row a file:
// [max raw bytes, max gzip bytes], measured + 2 % (README "Build sizes"). The JS rows include the
// developer API of js/api (events, Promise forms, log, token provider, outbox: about 9 KB gzip) and, in
// each build, the JS classes over its engines (js/engine/: IMService, IMClientManager).
const BUDGETS = {
  'dist/npm/imsdk_bg.wasm': [112_800, 48_400],
  'dist/npm/index.js': [80_100, 25_700],
  'dist/npm/index.cjs': [80_800, 25_900],
  'dist/npm/gobelieve_bg.wasm': [67_900, 29_600],
  'dist/npm/gobelieve.js': [58_900, 19_300],
  'dist/npm/gobelieve.cjs': [59_400, 19_500],
  'dist/npm/mobileimsdk_bg.wasm': [56_600, 26_000],
  'dist/npm/mobileimsdk.js': [56_100, 19_100],
  'dist/npm/mobileimsdk.cjs': [56_800, 19_300],
  'dist/script/imsdk.js': [81_000, 25_900],
  'dist/script/imsdk_bg.wasm': [112_800, 48_400],
  'dist/script/gobelieve.js': [59_700, 19_500],
  'dist/script/gobelieve_bg.wasm': [67_900, 29_600],
  'dist/script/mobileimsdk.js': [57_100, 19_300],
  'dist/script/mobileimsdk_bg.wasm': [56_600, 26_000],
  'dist/miniprogram/imsdk_bg.wasm': [113_300, 48_300],
  // The brotli file is what a mini-program ships (its gzip is about its raw size).
  'dist/miniprogram/imsdk_bg.wasm.br': [40_900, 40_900],
  'dist/miniprogram/imsdk.js': [79_500, 25_600],
  'dist/miniprogram/websocket.js': [3_900, 1_400],
  'dist/miniprogram/im.js': [200, 200],
  'dist/miniprogram-gobelieve/imsdk_bg.wasm': [68_100, 29_600],
  'dist/miniprogram-gobelieve/imsdk_bg.wasm.br': [25_500, 25_500],
  'dist/miniprogram-gobelieve/imsdk.js': [58_200, 19_100],
  'dist/miniprogram-gobelieve/websocket.js': [3_900, 1_400],
  'dist/miniprogram-gobelieve/im.js': [200, 200],
  'dist/miniprogram-mobileimsdk/imsdk_bg.wasm': [56_900, 26_100],
  'dist/miniprogram-mobileimsdk/imsdk_bg.wasm.br': [22_600, 22_700],
  'dist/miniprogram-mobileimsdk/imsdk.js': [55_500, 19_000],
  'dist/miniprogram-mobileimsdk/websocket.js': [3_900, 1_400],
};

// Max gzip bytes of each build's <script> JS + wasm (what a page downloads), by build name.
const SCRIPT_TOTALS = { imsdk: 73_200, gobelieve: 48_100, mobileimsdk: 45_300 };

/** The code files in the shipped directories (npm, <script>, each build's mini-program): JS, wasm, brotli wasm. */
function shippedFiles() {
  const dirs = ['dist/npm', 'dist/script', ...BUILDS.map((b) => b.miniprogram)];
  return dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d) : [])
    .filter((f) => /\.(js|cjs|wasm|br)$/.test(f))
    .map((f) => d + '/' + f));
}

/** Each build's page downloads, as [its `<script>` files, its npm entry's, its mini-program's]. */
function buildFiles(b) {
  return {
    script: ['dist/script/' + b.name + '.js', 'dist/script/' + b.name + '_bg.wasm'],
    npm: ['dist/npm/' + b.npmEntry + '.js', 'dist/npm/' + b.name + '_bg.wasm'],
    miniprogram: [b.miniprogram + '/imsdk.js', b.miniprogram + '/imsdk_bg.wasm'],
  };
}

/** The README's "Build sizes" rows: [build, its files as the README names them, the files]. */
function readmeRowsOf() {
  const code = (s) => '`' + s + '`';
  const rows = [];
  for (const b of BUILDS) {
    const f = buildFiles(b);
    rows.push(['`<script>`, ' + b.label, code(f.script[0]) + ' + ' + code(path.basename(f.script[1])), f.script]);
  }
  for (const b of BUILDS) {
    const f = buildFiles(b);
    const name = b.npmEntry === 'index' ? 'imsdk' : 'imsdk/' + b.npmEntry;
    rows.push(['npm ' + code(name), code(f.npm[0]) + ' + ' + code(path.basename(f.npm[1])), f.npm]);
  }
  for (const b of BUILDS) {
    const f = buildFiles(b);
    rows.push(['mini-program, ' + b.label, code(f.miniprogram[0]) + ' + ' + code('imsdk_bg.wasm') + ' (shipped as `.br`)', f.miniprogram]);
  }
  return rows;
}

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
  for (const [name, shown, files] of readmeRowsOf()) {
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
  const shipped = shippedFiles();
  const files = [...new Set([...Object.keys(BUDGETS), ...shipped])].sort();
  for (const file of files) {
    const s = sizes(file);
    const budget = BUDGETS[file];
    if (!s || !budget) {
      console.log(file.padEnd(44), s ? 'SHIPPED WITHOUT A BUDGET (add it to BUDGETS)' : 'MISSING');
      failed++;
      continue;
    }
    const [maxRaw, maxGz] = budget;
    const over = s.raw > maxRaw || s.gzip > maxGz;
    if (over) failed++;
    row(file, s, maxRaw + '/' + maxGz, over);
  }
  console.log('\n' + 'build (JS + wasm, each compressed)'.padEnd(44), 'raw'.padStart(8), 'gzip'.padStart(8), 'brotli'.padStart(8), '  budget gzip');
  for (const b of BUILDS) {
    const name = '<script> ' + b.label;
    const s = total(buildFiles(b).script);
    const maxGz = SCRIPT_TOTALS[b.name];
    if (!s || !maxGz) {
      console.log(name.padEnd(44), s ? 'NO BUDGET (add it to SCRIPT_TOTALS)' : 'MISSING');
      failed++;
      continue;
    }
    const over = s.gzip > maxGz;
    if (over) failed++;
    row(name, s, String(maxGz), over);
  }
  const checks = files.length + BUILDS.length;
  console.log(`${checks - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
