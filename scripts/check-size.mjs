// Size budget: prints the size of every shipped build (raw, gzip -9, brotli)
// and fails when one exceeds its budget. Budgets leave room for growth but
// catch an accidental dependency or formatting machinery (tens of KB).
import fs from 'node:fs';
import zlib from 'node:zlib';

const BUDGETS = [
  // [file, max raw bytes, max gzip bytes]
  ['pkg/web/imsdk_bg.wasm', 220_000, 95_000],
  ['dist/npm/imsdk_bg.wasm', 220_000, 95_000],
  ['dist/npm/index.js', 86_000, 20_000],
  ['dist/npm/index.cjs', 86_000, 20_000],
  ['dist/script/imsdk.js', 90_000, 22_000],
  ['dist/miniprogram/imsdk_bg.wasm', 220_000, 95_000],
  ['dist/miniprogram/imsdk.js', 96_000, 22_000],
];

let failed = 0;
console.log('file'.padEnd(34), 'raw'.padStart(9), 'gzip'.padStart(9), 'brotli'.padStart(9), '  budget raw/gzip');
for (const [file, maxRaw, maxGz] of BUDGETS) {
  if (!fs.existsSync(file)) {
    console.log(file.padEnd(34), 'MISSING');
    failed++;
    continue;
  }
  const buf = fs.readFileSync(file);
  const gz = zlib.gzipSync(buf, { level: 9 }).length;
  const br = zlib.brotliCompressSync(buf).length;
  const over = buf.length > maxRaw || gz > maxGz;
  if (over) failed++;
  console.log(
    file.padEnd(34),
    String(buf.length).padStart(9),
    String(gz).padStart(9),
    String(br).padStart(9),
    `  ${maxRaw}/${maxGz}${over ? '  OVER BUDGET' : ''}`,
  );
}
console.log(`${BUDGETS.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
