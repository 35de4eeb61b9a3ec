// What the bundling scripts (build-npm.mjs, build-miniprogram.mjs) need to
// know about a wasm-bindgen glue: which classes it provides, and an esbuild
// plugin that makes every import of a js/ file the glue also uses resolve to
// the glue's own copy (snippets/imsdk-<hash>/js/...), so each bundle holds
// one js/transport.js and setWebSocketImpl reaches every socket.
import fs from 'node:fs';
import path from 'node:path';

/**
 * The JS classes `glue` (the text of a glue module) provides: IMService is a
 * JS class over the `gobelieve_*` exports, IMClientManager over the `mobileimsdk_*` ones.
 */
export function glueClasses(glue) {
  const out = [];
  if (/export function gobelieve_create\b/.test(glue)) out.push('IMService');
  if (/export function mobileimsdk_create\b/.test(glue)) out.push('IMClientManager');
  return out;
}

/** The export names of `glue` a bundle may use (the classes, the engine functions and their exchange). */
export function glueExports(glue) {
  const names = [];
  for (const m of glue.matchAll(/^export (?:class|function) ([A-Za-z_$][\w$]*)/gm)) names.push(m[1]);
  return names.filter((n) => n.startsWith('gobelieve_') || n.startsWith('mobileimsdk_') || n.startsWith('engine_') || n === 'wasm_memory_bytes');
}

/** The glue's copy of `js/<name>` in `dir` (the glue's directory), or null. */
export function snippetCopy(dir, name) {
  const snippets = path.join(dir, 'snippets');
  if (!fs.existsSync(snippets)) return null;
  const hits = fs.readdirSync(snippets).map((d) => path.join(snippets, d, 'js', name)).filter((f) => fs.existsSync(f));
  if (hits.length > 1) throw new Error('more than one ' + snippets + '/*/js/' + name);
  return hits[0] || null;
}

/**
 * An esbuild plugin: `<root>/js/X` resolves to the glue's copy of it when
 * there is one, and the JS of a class the glue lacks (its facade, the
 * classes over the engines) to a stand-in, so a one-protocol bundle does not
 * ship the other protocol's JS.
 */
export function useGlueSnippets(root, glueDir) {
  const js = path.join(root, 'js') + path.sep;
  const has = glueClasses(fs.readFileSync(path.join(glueDir, 'imsdk.js'), 'utf8'));
  const absent = new Map();
  const stub = (file, instead) => absent.set(path.join(root, 'js', ...file.split('/')), path.join(root, 'js', ...instead.split('/')));
  if (!has.includes('IMService')) {
    stub('facade-gobelieve.js', 'facade-absent.js');
    stub('engine/gobelieve.js', 'engine/gobelieve-absent.js');
  }
  if (!has.includes('IMClientManager')) {
    stub('facade-mobileimsdk.js', 'facade-absent.js');
    stub('engine/mobileimsdk.js', 'engine/mobileimsdk-absent.js');
  }
  return {
    name: 'imsdk-glue-snippets',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        if (!target.startsWith(js)) return undefined;
        if (absent.has(target)) return { path: absent.get(target) };
        const copy = snippetCopy(glueDir, path.relative(path.join(root, 'js'), target));
        return copy ? { path: copy } : undefined;
      });
    },
  };
}
