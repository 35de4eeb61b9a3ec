#!/usr/bin/env node
// Builds the WeChat mini-program SDK into dist/miniprogram/ (run from the repo root):
//   imsdk.js (CommonJS bundle), imsdk_bg.wasm (+ .br), im.js, websocket.js.
// The wasm uses baseline features only (MVP + mutable-globals, no exported
// Globals) because iOS WeChat rejects newer modules; see
// shared/platform/miniprogram.md §1.3 and §4.2 for the why of each step.
//
// Flags:
//   --test-artifacts  also build what the harness's negative tests need
//                     (default-path glue, default-features wasm) into target/mp/negative/
//   --example         copy the SDK files into examples/miniprogram/imsdk/
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const root = process.cwd();
const require = createRequire(path.join(root, 'package.json'));
if (!fs.existsSync(path.join(root, 'Cargo.toml'))) fail('run from the repository root');

const args = new Set(process.argv.slice(2));
const MP = path.join(root, 'target', 'mp');
const OUT = path.join(root, 'dist', 'miniprogram');
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

function cargoBuild(targetDir, rustflags) {
  const env = { CARGO_TARGET_DIR: targetDir };
  if (rustflags) env.RUSTFLAGS = rustflags;
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '-p', 'imsdk'], env);
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
// mini-program uses so esbuild drops the rest.
function narrowGlue(gluePath) {
  const glue = fs.readFileSync(gluePath, 'utf8');
  const classes = ['IMService', 'IMClientManager'].filter((c) => new RegExp('export class ' + c + '\\b').test(glue));
  const file = path.join(path.dirname(gluePath), 'miniprogram-glue.js');
  fs.writeFileSync(file, 'export { ' + ['__wbg_get_imports', '__wbg_finalize_init', ...classes].join(', ') + " } from './imsdk.js';\n");
  if (classes.length < 2) console.warn('build-miniprogram: the wasm exports only [' + classes.join(', ') + '] of IMService, IMClientManager');
  return file;
}

function checkWrapperSafe(code) {
  // esbuild output is flat at top level; an indented declaration is nested.
  const re = new RegExp('^(?:let|const|class)\\s+(' + WRAPPER_NAMES.join('|') + ')\\b', 'm');
  const hit = code.match(re);
  if (hit) fail('bundle declares top-level `' + hit[0] + '`: a SyntaxError inside the mini-program module wrapper');
  if (/import\.meta|\bfetch\(/.test(code)) fail('bundle still contains the browser init path (import.meta / fetch)');
}

async function bundle(gluePath) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'js', 'miniprogram', 'entry.js')],
    bundle: true,
    format: 'cjs',
    target: 'es2017',
    platform: 'neutral',
    alias: { 'imsdk-glue': gluePath },
    banner: { js: fs.readFileSync(path.join(root, 'js', 'miniprogram', 'utf8-polyfill.js'), 'utf8') },
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

async function main() {
  // §4.2 steps 1-3: baseline rustc flags, lower what the prebuilt std still
  // uses, then bindgen (which then emits no externref table).
  const raw = cargoBuild(MP, BASELINE_RUSTFLAGS);
  const lowered = path.join(MP, 'imsdk.lowered.wasm');
  run(WASM_OPT, [raw, '-o', lowered, '--signext-lowering', '--llvm-nontrapping-fptoint-lowering',
    '--llvm-memory-copy-fill-lowering', '--mvp-features', '--enable-mutable-globals']);
  // wasm-opt keeps the target_features that the prebuilt std declares
  // (+reference-types, +multivalue); wasm-bindgen would read them and emit an
  // externref table, so pin the section to the baseline before it looks.
  await pinBaseline(lowered);
  const glueDir = path.join(MP, 'bindgen');
  bindgen(lowered, glueDir, ['--omit-default-module-path']);
  const wasm = path.join(glueDir, 'imsdk_bg.wasm');
  run(WASM_OPT, [wasm, '-o', wasm, '-Oz', '--mvp-features', '--enable-mutable-globals']);
  const removed = await pinBaseline(wasm);

  const gluePath = path.join(glueDir, 'imsdk.js');
  fs.appendFileSync(gluePath, '\nexport { __wbg_get_imports, __wbg_finalize_init };\n');
  const code = await bundle(narrowGlue(gluePath));
  checkWrapperSafe(code);

  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'imsdk.js'), code);
  const bytes = fs.readFileSync(wasm);
  fs.writeFileSync(path.join(OUT, 'imsdk_bg.wasm'), bytes);
  fs.writeFileSync(path.join(OUT, 'imsdk_bg.wasm.br'), zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  for (const f of ['im.js', 'websocket.js']) fs.copyFileSync(path.join(root, 'js', 'miniprogram', f), path.join(OUT, f));

  if (args.has('--test-artifacts')) await testArtifacts(lowered);
  if (args.has('--example')) copyInto(path.join(root, 'examples', 'miniprogram', 'imsdk'));

  const size = (f) => fs.statSync(path.join(OUT, f)).size;
  console.log('dist/miniprogram: imsdk.js ' + size('imsdk.js') + ' B, imsdk_bg.wasm ' + size('imsdk_bg.wasm') +
    ' B, imsdk_bg.wasm.br ' + size('imsdk_bg.wasm.br') + ' B' + (removed.length ? '; removed Global exports: ' + removed.join(', ') : ''));
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

function copyInto(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(OUT)) fs.copyFileSync(path.join(OUT, f), path.join(dir, f));
}

main().catch((e) => fail(e && e.stack || String(e)));
