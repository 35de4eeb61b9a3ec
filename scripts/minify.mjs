// The last pass over every shipped JS bundle: terser over esbuild's minified
// output. Its repeated compress passes and names given by frequency take
// about 1 KB gzip (5 %) off each bundle that esbuild's minifier leaves
// (README "Build sizes"). Only safe transforms (terser's defaults), less
// function inlining: with it, P2 and P3 (`npm run bench`) ran 4-12 % slower
// in A/B runs (single-use functions inlined into the per-message paths);
// without it the difference was within the noise, for 0.3 KB gzip more.
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.cwd(), 'package.json'));

/**
 * `code` minified by terser. `ecma` is the bundle's target year; `toplevel`
 * also renames top-level names (an ES module, or a CommonJS file, whose
 * top level is its own); a script's top level stays as it is. `reserved`
 * names are never renamed.
 */
export async function minifyBundle(code, { ecma, module = false, toplevel = module, reserved = [] }) {
  const { minify } = require('terser');
  const out = await minify(code, { ecma, module, toplevel, compress: { passes: 3, inline: false, reduce_funcs: false }, mangle: { reserved }, format: { comments: false } });
  return out.code;
}
