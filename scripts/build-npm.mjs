#!/usr/bin/env node
// Builds, from pkg/web* (scripts/build.sh) and pkg-template/, run from the repo root:
//   dist/npm/     the publishable npm package, one entry per build:
//                   index.js + imsdk_bg.wasm              `imsdk` (both protocols)
//                   gobelieve.js + gobelieve_bg.wasm      `imsdk/gobelieve`
//                   mobileimsdk.js + mobileimsdk_bg.wasm  `imsdk/mobileimsdk`
//                 with a .d.ts and a CommonJS twin each (index.cjs, gobelieve.cjs,
//                 mobileimsdk.cjs, for Node's require), package.json and README.md
//   dist/script/  the <script> bundles (IIFEs defining the globals), each with its wasm:
//                 imsdk.js + imsdk_bg.wasm, gobelieve.js + gobelieve_bg.wasm, mobileimsdk.js + mobileimsdk_bg.wasm
// One bundle per output (esbuild, then terser: scripts/minify.mjs) so the glue and our entry share
// one copy of js/transport.js: setWebSocketImpl must reach the transport the wasm uses.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BUILDS } from './builds.mjs';
import { glueClasses, snippetCopy, useGlueSnippets } from './build-glue.mjs';
import { minifyBundle } from './minify.mjs';

const root = process.cwd();
const require = createRequire(path.join(root, 'package.json'));
const TEMPLATE = path.join(root, 'pkg-template');


function fail(msg) {
  console.error('build-npm: ' + msg);
  process.exit(1);
}

// The transport the glue uses (a wasm-bindgen snippet copy), else js/transport.js (a build whose wasm opens no socket).
function transport(web) {
  return snippetCopy(web, 'transport.js') || path.join(root, 'js', 'transport.js');
}

async function bundle(entry, web, format, outfile, extra = {}) {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format,
    minify: true,
    // Old enough for every browser with WebAssembly + ES modules; iife for old script-tag pages too.
    target: format === 'esm' ? 'es2020' : 'es2017',
    platform: 'neutral',
    alias: { 'imsdk-glue': path.join(web, 'imsdk.js'), 'imsdk-transport': transport(web) },
    plugins: [useGlueSnippets(root, web)],
    // The glue's own default-path branch (import.meta.url) is dead in the iife: the entry always passes a URL.
    // duplicate-object-key: wasm-bindgen lists one snippet module once per import group (harmless).
    logOverride: { 'duplicate-object-key': 'silent', ...(format === 'iife' ? { 'empty-import-meta': 'silent' } : {}) },
    legalComments: 'none',
    outfile,
    logLevel: 'warning',
    ...extra,
  });
  if (extra.minify === false) return;
  const code = fs.readFileSync(outfile, 'utf8');
  const es = format === 'esm' ? { ecma: 2020, module: true } : format === 'cjs' ? { ecma: 2017, toplevel: true } : { ecma: 2017 };
  fs.writeFileSync(outfile, await minifyBundle(code, es));
}

function packageJson() {
  const pkg = JSON.parse(fs.readFileSync(path.join(TEMPLATE, 'package.json'), 'utf8'));
  const missing = pkg.files.filter((f) => !fs.existsSync(path.join(root, 'dist', 'npm', f)));
  if (missing.length) fail('package.json "files" names missing files: ' + missing.join(', '));
  return JSON.stringify(pkg, null, 2) + '\n';
}

// A wasm-bindgen glue provides exactly the classes of its build's features.
function checkClasses(build) {
  const has = glueClasses(fs.readFileSync(path.join(root, build.pkg, 'imsdk.js'), 'utf8'));
  if (has.join() !== build.classes.join()) fail(build.pkg + ' defines [' + has.join(', ') + '], expected [' + build.classes.join(', ') + ']');
}

async function main() {
  const npm = path.join(root, 'dist', 'npm');
  const script = path.join(root, 'dist', 'script');
  for (const d of [npm, script]) {
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { recursive: true });
  }
  const size = (f) => fs.statSync(f).size;
  for (const build of BUILDS) {
    const web = path.join(root, build.pkg);
    if (!fs.existsSync(path.join(web, 'imsdk_bg.wasm'))) fail(build.pkg + ' is not built: run scripts/build.sh');
    checkClasses(build);
    const wasm = path.join(web, 'imsdk_bg.wasm');
    await bundle('js/npm/' + build.npmEntry + '.js', web, 'esm', path.join(npm, build.npmEntry + '.js'));
    // Node-only (package.json maps it under the "node" + "require" conditions): import.meta.url becomes this file's URL.
    await bundle('js/npm/' + build.npmEntry + '.js', web, 'cjs', path.join(npm, build.npmEntry + '.cjs'), {
      define: { 'import.meta.url': '__imsdk_module_url' },
      banner: { js: "const __imsdk_module_url = require('node:url').pathToFileURL(__filename).href;" },
    });
    fs.copyFileSync(wasm, path.join(npm, build.name + '_bg.wasm'));
    fs.copyFileSync(path.join(TEMPLATE, build.name + '.d.ts'), path.join(npm, build.name + '.d.ts'));
    // The classes without the facade, next to the glue (tests/support/npm-page.html loadRaw).
    await bundle('js/engine/raw-classes.js', web, 'esm', path.join(web, 'classes.js'), {
      minify: false, logOverride: { 'import-is-undefined': 'silent', 'duplicate-object-key': 'silent' },
    });
    const scriptEntry = build.name === 'imsdk' ? 'entry' : build.name;
    await bundle('js/script/' + scriptEntry + '.js', web, 'iife', path.join(script, build.name + '.js'));
    fs.copyFileSync(wasm, path.join(script, build.name + '_bg.wasm'));
    console.log(build.name.padEnd(12) + ' npm ' + build.npmEntry + '.js ' + size(path.join(npm, build.npmEntry + '.js')) +
      ' B; script ' + build.name + '.js ' + size(path.join(script, build.name + '.js')) + ' B; wasm ' + size(wasm) + ' B');
  }
  fs.copyFileSync(path.join(TEMPLATE, 'README.md'), path.join(npm, 'README.md'));
  fs.writeFileSync(path.join(npm, 'package.json'), packageJson());
}

main().catch((e) => fail((e && e.stack) || String(e)));
