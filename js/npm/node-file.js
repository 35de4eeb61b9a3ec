// Reads a local wasm file in Node. Kept out of reach of bundlers: the module
// name is computed, so browser builds neither resolve nor include `fs`.

/** Resolves to the bytes of a file: URL or a file path. */
export async function readLocal(urlOrPath) {
  const fs = await nodeFs();
  return fs.readFile(urlOrPath);
}

function nodeFs() {
  // Node >= 20.16 has getBuiltinModule; older 20.x need the dynamic import.
  const p = typeof process !== 'undefined' ? process : null;
  if (p && typeof p.getBuiltinModule === 'function') return Promise.resolve(p.getBuiltinModule('fs/promises'));
  const name = ['node:fs', 'promises'].join('/');
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}
