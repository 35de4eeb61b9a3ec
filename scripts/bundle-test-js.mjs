// Bundles tests/support/bundle-entry.js into target/wasm-test-js/support.js,
// the one JS module the wasm-bindgen suites import (see that file for why).
// scripts/test.sh runs it before anything compiles the wasm32 test targets.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = createRequire(path.join(ROOT, 'package.json'))('esbuild');
const outfile = path.join(ROOT, 'target', 'wasm-test-js', 'support.js');
await esbuild.build({
  entryPoints: [path.join(ROOT, 'tests', 'support', 'bundle-entry.js')],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  outfile,
  logLevel: 'warning',
});
console.log('wrote ' + path.relative(ROOT, outfile));
