// Structural check of the hand-written imsdk.d.ts: every member that
// wasm-bindgen generated for a class (pkg/web/imsdk.d.ts) must be declared in
// the class of the same name, so a new Rust method cannot ship untyped.

/** Maps each `class Name { ... }` of a .d.ts text to the set of its member names. */
export function classMembers(source) {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out = new Map();
  const re = /\bclass\s+(\w+)[^{]*\{/g;
  let m;
  while ((m = re.exec(text))) {
    const body = matchBraces(text, re.lastIndex - 1);
    out.set(m[1], memberNames(body));
  }
  return out;
}

/** Returns the text inside the braces opening at `open`. */
function matchBraces(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced braces');
}

function memberNames(body) {
  const names = new Set();
  // Top-level lines only: drop nested type literals first.
  let depth = 0;
  let line = '';
  for (const ch of body) {
    if (ch === '{') depth++;
    if (depth === 0) line += ch;
    if (ch === '}') depth--;
  }
  for (const l of line.split(/[;\n]/)) {
    const hit = l.trim().match(/^(?:(?:static|readonly|get|set)\s+)*([\w$]+)\s*[(:<?]/);
    if (hit) names.add(hit[1]);
  }
  return names;
}

/** `Class.member` names present in `generated` but missing from `hand`. */
export function missingMembers(generated, hand) {
  const want = classMembers(generated);
  const have = classMembers(hand);
  const missing = [];
  for (const [cls, members] of want) {
    const h = have.get(cls) || new Set();
    if (!have.has(cls)) missing.push(cls + ' (class)');
    for (const name of members) if (!h.has(name)) missing.push(cls + '.' + name);
  }
  return missing;
}

/** Names with a setter (`set name(`) in `class cls` of a generated .d.ts. */
export function setterNames(source, cls) {
  const open = source.search(new RegExp('\\bclass\\s+' + cls + '\\b[^{]*\\{'));
  if (open < 0) return [];
  const body = matchBraces(source, source.indexOf('{', open));
  return [...body.matchAll(/^\s*set\s+([\w$]+)\s*\(/gm)].map((m) => m[1]);
}
