#!/usr/bin/env node
// Builds the WeChat mini-program SDKs, one per build of scripts/builds.mjs
// (run from the repo root), into dist/miniprogram/ (both protocols),
// dist/miniprogram-gobelieve/ and dist/miniprogram-mobileimsdk/, each:
//   imsdk.js (CommonJS bundle), imsdk_bg.wasm (+ .br), websocket.js, and
//   im.js where the build has IMService.
// The wasm uses baseline features only (MVP + mutable-globals, no exported
// Globals) because iOS WeChat rejects newer modules; see
// shared/platform/miniprogram.md §1.3 and §4.2 for the why of each step.
//
// Flags:
//   --test-artifacts  also build what the harness's negative tests need
//                     (default-path glue, default-features wasm) into target/mp/negative/
//   --example         copy the SDK files (both protocols) into examples/miniprogram/imsdk/
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { BUILDS } from './builds.mjs';
import { glueClasses, glueExports, useGlueSnippets } from './build-glue.mjs';
import { minifyBundle } from './minify.mjs';

const root = process.cwd();
const require = createRequire(path.join(root, 'package.json'));
if (!fs.existsSync(path.join(root, 'Cargo.toml'))) fail('run from the repository root');

const args = new Set(process.argv.slice(2));
const MP = path.join(root, 'target', 'mp');
const WASM_OPT = path.join(root, 'node_modules', '.bin', 'wasm-opt');
const WASM_BINDGEN = findWasmBindgen();
const BASELINE_RUSTFLAGS = '-C target-feature=-reference-types,-multivalue,-bulk-memory,-nontrapping-fptoint,-sign-ext';
// Wrapper parameters a top-level let/const/class must not redeclare (§2.2).
const WRAPPER_NAMES = ['require', 'module', 'exports', 'window', 'document', 'frames', 'self', 'location',
  'navigator', 'localStorage', 'history', 'Caches', 'screen', 'alert', 'confirm', 'prompt', 'fetch',
  'XMLHttpRequest', 'WebSocket', 'Reporter', 'webkit', 'WeixinJSCore', 'print', 'WeixinJSBridge'];

function fail(msg) {
  console.error('build-miniprogram: ' + msg);
  process.exit(1);
}

function run(cmd, argv, env) {
  execFileSync(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

function findWasmBindgen() {
  const home = path.join(os.homedir(), '.cargo', 'bin', 'wasm-bindgen');
  return fs.existsSync(home) ? home : 'wasm-bindgen';
}

function cargoBuild(targetDir, rustflags, features = []) {
  const env = { CARGO_TARGET_DIR: targetDir };
  if (rustflags) env.RUSTFLAGS = rustflags;
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '-p', 'imsdk', ...features], env);
  return path.join(targetDir, 'wasm32-unknown-unknown', 'release', 'imsdk.wasm');
}

function bindgen(input, outDir, extra) {
  fs.rmSync(outDir, { recursive: true, force: true });
  run(WASM_BINDGEN, ['--target', 'web', '--out-name', 'imsdk', '--out-dir', outDir,
    '--remove-name-section', '--remove-producers-section', ...extra, input]);
}

// Step 4 of §4.2: drop exported Globals (iOS refuses them), pin the feature
// set (binaryen rewrites target_features to match), and refuse anything
// binaryen does not validate as baseline. Returns the removed export names.
async function pinBaseline(file) {
  const binaryen = (await import(require.resolve('binaryen'))).default;
  const mod = binaryen.readBinary(fs.readFileSync(file));
  const removed = [];
  for (let i = mod.getNumExports() - 1; i >= 0; i--) {
    const info = binaryen.getExportInfo(mod.getExportByIndex(i));
    if (info.kind === binaryen.ExternalGlobal) removed.push(info.name);
  }
  removed.forEach((name) => mod.removeExport(name));
  mod.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals);
  if (!mod.validate()) fail('the lowered wasm does not validate as MVP + mutable-globals');
  fs.writeFileSync(file, mod.emitBinary());
  mod.dispose();
  return removed;
}

// The entry reads the glue as a namespace, which would keep every export,
// including the default init path (import.meta, fetch). Re-export only what a
// mini-program uses so esbuild drops the rest. The glue must define exactly
// the build's classes.
function narrowGlue(gluePath, build) {
  const glue = fs.readFileSync(gluePath, 'utf8');
  const classes = glueClasses(glue);
  if (classes.join() !== build.classes.join()) fail(build.name + ': the glue defines [' + classes.join(', ') + '], expected [' + build.classes.join(', ') + ']');
  const file = path.join(path.dirname(gluePath), 'miniprogram-glue.js');
  fs.writeFileSync(file, 'export { ' + ['__wbg_get_imports', '__wbg_finalize_init', ...glueExports(glue)].join(', ') + " } from './imsdk.js';\n");
  return file;
}

function checkWrapperSafe(code) {
  // esbuild output is flat at top level; an indented declaration is nested.
  const re = new RegExp('^(?:let|const|class)\\s+(' + WRAPPER_NAMES.join('|') + ')\\b', 'm');
  const hit = code.match(re);
  if (hit) fail('bundle declares top-level `' + hit[0] + '`: a SyntaxError inside the mini-program module wrapper');
  if (/import\.meta|\bfetch\(/.test(code)) fail('bundle still contains the browser init path (import.meta / fetch)');
}

async function bundle(gluePath, entry) {
  const esbuild = require('esbuild');
  // A script, not a module: minifying keeps its top-level `var TextEncoder/TextDecoder` names.
  const source = fs.readFileSync(path.join(root, 'js', 'miniprogram', 'utf8-polyfill.js'), 'utf8');
  const polyfill = (await esbuild.transform(source, { minify: true, target: 'es2017' })).code;
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'js', 'miniprogram', entry)],
    bundle: true,
    minify: true,
    format: 'cjs',
    target: 'es2017',
    platform: 'neutral',
    alias: { 'imsdk-glue': gluePath },
    plugins: [useGlueSnippets(root, path.dirname(gluePath))],
    banner: { js: polyfill },
    // wasm-bindgen lists one snippet module once per import group (harmless).
    logOverride: { 'duplicate-object-key': 'silent' },
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

async function main() {
  for (const build of BUILDS) {
    const lowered = await buildOne(build);
    if (build.name === 'imsdk' && args.has('--test-artifacts')) await testArtifacts(lowered);
  }
  if (args.has('--example')) copyInto(path.join(root, BUILDS[0].miniprogram), path.join(root, 'examples', 'miniprogram', 'imsdk'));
}

// One build into its directory; returns the lowered wasm (before bindgen).
async function buildOne(build) {
  // §4.2 steps 1-3: baseline rustc flags, lower what the prebuilt std still
  // uses, then bindgen (which then emits no externref table).
  const raw = cargoBuild(MP, BASELINE_RUSTFLAGS, build.features);
  const lowered = path.join(MP, build.name + '.lowered.wasm');
  run(WASM_OPT, [raw, '-o', lowered, '--signext-lowering', '--llvm-nontrapping-fptoint-lowering',
    '--llvm-memory-copy-fill-lowering', '--mvp-features', '--enable-mutable-globals']);
  // wasm-opt keeps the target_features that the prebuilt std declares
  // (+reference-types, +multivalue); wasm-bindgen would read them and emit an
  // externref table, so pin the section to the baseline before it looks.
  await pinBaseline(lowered);
  const glueDir = path.join(MP, 'bindgen-' + build.name);
  bindgen(lowered, glueDir, ['--omit-default-module-path']);
  const wasm = path.join(glueDir, 'imsdk_bg.wasm');
  run(WASM_OPT, [wasm, '-o', wasm, '-Oz', '--mvp-features', '--enable-mutable-globals']);
  const removed = await pinBaseline(wasm);

  const gluePath = path.join(glueDir, 'imsdk.js');
  fs.appendFileSync(gluePath, '\nexport { __wbg_get_imports, __wbg_finalize_init };\n');
  const bundled = await bundle(narrowGlue(gluePath, build), build.name === 'imsdk' ? 'entry.js' : build.name + '.js');
  checkWrapperSafe(bundled);
  // The module wrapper gives the file a scope of its own, so top-level names may be renamed too
  // (terser renames no free name, such as the wrapper's); the polyfill's classes keep theirs.
  const code = await minifyBundle(bundled, { ecma: 2017, toplevel: true, reserved: ['TextEncoder', 'TextDecoder'] });

  const out = path.join(root, build.miniprogram);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'imsdk.js'), code);
  const bytes = fs.readFileSync(wasm);
  fs.writeFileSync(path.join(out, 'imsdk_bg.wasm'), bytes);
  fs.writeFileSync(path.join(out, 'imsdk_bg.wasm.br'), zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  // im.js is GoBelieve's `require("./im")` (IMService); websocket.js the seed's adapter.
  const extras = build.classes.includes('IMService') ? ['im.js', 'websocket.js'] : ['websocket.js'];
  for (const f of extras) fs.copyFileSync(path.join(root, 'js', 'miniprogram', f), path.join(out, f));

  const size = (f) => fs.statSync(path.join(out, f)).size;
  console.log(build.miniprogram + ': imsdk.js ' + size('imsdk.js') + ' B, imsdk_bg.wasm ' + size('imsdk_bg.wasm') +
    ' B, imsdk_bg.wasm.br ' + size('imsdk_bg.wasm.br') + ' B' + (removed.length ? '; removed Global exports: ' + removed.join(', ') : ''));
  return lowered;
}

// What an unadapted build looks like, so the harness can show each failure of §7.
async function testArtifacts(lowered) {
  const neg = path.join(MP, 'negative');
  // The default --target web glue (import.meta/fetch init path), bundled without the polyfill.
  const plainDir = path.join(neg, 'plain');
  bindgen(lowered, plainDir, []);
  fs.appendFileSync(path.join(plainDir, 'imsdk.js'), '\nexport { __wbg_get_imports, __wbg_finalize_init };\n');
  const esbuild = require('esbuild');
  await esbuild.build({
    stdin: { contents: "export * from 'g'; export { default } from 'g';", resolveDir: plainDir },
    alias: { g: path.join(plainDir, 'imsdk.js') },
    bundle: true, format: 'cjs', target: 'es2017', platform: 'neutral', logLevel: 'error',
    outfile: path.join(neg, 'plain.js'),
  });
  fs.copyFileSync(path.join(plainDir, 'imsdk_bg.wasm'), path.join(neg, 'plain_bg.wasm'));
  // A default-features wasm (the browser build) to be refused under iosStrict.
  const defRaw = cargoBuild(path.join(MP, 'default'), null);
  bindgen(defRaw, path.join(neg, 'default'), []);
  fs.copyFileSync(path.join(neg, 'default', 'imsdk_bg.wasm'), path.join(neg, 'default_bg.wasm'));
}

function copyInto(from, dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
}

main().catch((e) => fail(e && e.stack || String(e)));
