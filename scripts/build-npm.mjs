#!/usr/bin/env node
// Builds, from pkg/web (scripts/build.sh) and pkg-template/, run from the repo root:
//   dist/npm/     the publishable npm package: index.js (ES module, glue and
//                 facades bundled), index.cjs (the same as CommonJS, for Node's
//                 require), imsdk_bg.wasm, imsdk.d.ts, package.json, README.md
//   dist/script/  the <script> bundle: imsdk.js (IIFE defining the globals) and imsdk_bg.wasm
// One bundle per output (esbuild) so the glue and our entry share one copy of
// js/transport.js: setWebSocketImpl must reach the transport the wasm uses.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = process.cwd();
const require = createRequire(path.join(root, 'package.json'));
const WEB = path.join(root, 'pkg', 'web');
const TEMPLATE = path.join(root, 'pkg-template');

function fail(msg) {
  console.error('build-npm: ' + msg);
  process.exit(1);
}

// wasm-bindgen puts js/*.js under snippets/imsdk-<hash>/js/; find this build's copy.
function snippet(name) {
  const dir = path.join(WEB, 'snippets');
  const hits = fs.existsSync(dir) ? fs.readdirSync(dir).map((d) => path.join(dir, d, 'js', name)).filter((f) => fs.existsSync(f)) : [];
  if (hits.length !== 1) fail('expected one pkg/web/snippets/*/js/' + name + ', found ' + hits.length);
  return hits[0];
}

async function bundle(entry, format, outfile, extra = {}) {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format,
    // Old enough for every browser with WebAssembly + ES modules; iife for old script-tag pages too.
    target: format === 'esm' ? 'es2020' : 'es2017',
    platform: 'neutral',
    alias: { 'imsdk-glue': path.join(WEB, 'imsdk.js'), 'imsdk-transport': snippet('transport.js') },
    // The glue's own default-path branch (import.meta.url) is dead in the iife: the entry always passes a URL.
    // duplicate-object-key: wasm-bindgen lists one snippet module once per import group (harmless).
    logOverride: { 'duplicate-object-key': 'silent', ...(format === 'iife' ? { 'empty-import-meta': 'silent' } : {}) },
    legalComments: 'none',
    outfile,
    logLevel: 'warning',
    ...extra,
  });
}

function packageJson() {
  const pkg = JSON.parse(fs.readFileSync(path.join(TEMPLATE, 'package.json'), 'utf8'));
  const missing = pkg.files.filter((f) => !fs.existsSync(path.join(root, 'dist', 'npm', f)));
  if (missing.length) fail('package.json "files" names missing files: ' + missing.join(', '));
  return JSON.stringify(pkg, null, 2) + '\n';
}

async function main() {
  if (!fs.existsSync(path.join(WEB, 'imsdk_bg.wasm'))) fail('pkg/web is not built: run scripts/build.sh');
  const npm = path.join(root, 'dist', 'npm');
  const script = path.join(root, 'dist', 'script');
  for (const d of [npm, script]) {
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { recursive: true });
  }
  await bundle('js/npm/index.js', 'esm', path.join(npm, 'index.js'));
  // Node-only (package.json maps it under the "node" + "require" conditions): import.meta.url becomes this file's URL.
  await bundle('js/npm/index.js', 'cjs', path.join(npm, 'index.cjs'), {
    define: { 'import.meta.url': '__imsdk_module_url' },
    banner: { js: "const __imsdk_module_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  for (const f of ['imsdk.d.ts', 'README.md']) fs.copyFileSync(path.join(TEMPLATE, f), path.join(npm, f));
  fs.copyFileSync(path.join(WEB, 'imsdk_bg.wasm'), path.join(npm, 'imsdk_bg.wasm'));
  fs.writeFileSync(path.join(npm, 'package.json'), packageJson());

  await bundle('js/script/entry.js', 'iife', path.join(script, 'imsdk.js'));
  fs.copyFileSync(path.join(WEB, 'imsdk_bg.wasm'), path.join(script, 'imsdk_bg.wasm'));

  const size = (f) => fs.statSync(f).size;
  console.log('dist/npm: index.js ' + size(path.join(npm, 'index.js')) + ' B; dist/script: imsdk.js ' +
    size(path.join(script, 'imsdk.js')) + ' B; imsdk_bg.wasm ' + size(path.join(npm, 'imsdk_bg.wasm')) + ' B');
}

main().catch((e) => fail((e && e.stack) || String(e)));
