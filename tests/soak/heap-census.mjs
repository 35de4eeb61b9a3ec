// What the JS heap of this isolate (a worker) holds, by kind, after a full
// garbage collection (a heap snapshot collects first). The soak compares two
// censuses: the live JS objects must stay flat, while V8's compiled code and
// its metadata grow as functions tier up and then converge (issue 8 D: a
// 12-minute run of one client per protocol grew code by 443 KB in minutes
// 1-4, 151 KB in minutes 4-8 and 34 KB in minutes 8-12; objects by 0.4 KB
// after minute 4).
import v8 from 'node:v8';

/** Snapshot node types that are objects a program (the SDK, the app) can keep alive. */
const OBJECT_TYPES = new Set(['object', 'closure', 'array', 'string', 'concatenated string', 'sliced string',
  'number', 'bigint', 'symbol', 'regexp']);
/** Node types of V8's own code and metadata (bytecode, feedback, compiled code, maps, internals). */
const COMPILED_TYPES = new Set(['code', 'hidden', 'object shape']);

/**
 * Resolves to `{objects, compiled, native, other}`: self sizes in bytes of
 * the live nodes of each kind (`native`: array buffers, among them the wasm
 * memory).
 */
export async function heapCensus() {
  const chunks = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(chunk);
  const snap = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [width, typeAt, sizeAt] = [fields.length, fields.indexOf('type'), fields.indexOf('self_size')];
  const census = { objects: 0, compiled: 0, native: 0, other: 0 };
  const nodes = snap.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const kind = OBJECT_TYPES.has(type) ? 'objects' : COMPILED_TYPES.has(type) ? 'compiled' : type === 'native' ? 'native' : 'other';
    census[kind] += nodes[i + sizeAt];
  }
  return census;
}
