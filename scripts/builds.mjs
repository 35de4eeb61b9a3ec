// The shipped builds, one per protocol set, shared by the build scripts,
// scripts/check-size.mjs and scripts/bench.mjs.
//   name      file stem of its npm and <script> outputs (imsdk.js, gobelieve_bg.wasm, ...)
//   features  cargo feature arguments of its wasm (each with `lean`: the shipped wasm is no_std, src/lib.rs)
//   pkg       the wasm-bindgen output scripts/build.sh writes for it
//   npmEntry  its module in dist/npm (package.json "exports": ".", "./gobelieve", "./mobileimsdk")
//   miniprogram  its mini-program directory (same file names in each, so apps copy one into /imsdk)
//   classes   the JS classes its wasm defines (and no other)
//   label     what it holds, as the README's size table and check-size.mjs name it
export const BUILDS = [
  { name: 'imsdk', features: ['--features', 'lean'], pkg: 'pkg/web', npmEntry: 'index', miniprogram: 'dist/miniprogram',
    classes: ['IMService', 'IMClientManager'], label: 'both protocols' },
  { name: 'gobelieve', features: ['--no-default-features', '--features', 'gobelieve,lean'], pkg: 'pkg/web-gobelieve',
    npmEntry: 'gobelieve', miniprogram: 'dist/miniprogram-gobelieve', classes: ['IMService'], label: 'GoBelieve only' },
  { name: 'mobileimsdk', features: ['--no-default-features', '--features', 'mobileimsdk,lean'], pkg: 'pkg/web-mobileimsdk',
    npmEntry: 'mobileimsdk', miniprogram: 'dist/miniprogram-mobileimsdk', classes: ['IMClientManager'], label: 'MobileIMSDK only' },
];

export const ALL_CLASSES = ['IMService', 'IMClientManager'];

/** The build named `name` (imsdk, gobelieve, mobileimsdk); throws on an unknown name. */
export function build(name) {
  const b = BUILDS.find((x) => x.name === name);
  if (!b) throw new Error('unknown build ' + JSON.stringify(name) + ' (one of ' + BUILDS.map((x) => x.name).join(', ') + ')');
  return b;
}
