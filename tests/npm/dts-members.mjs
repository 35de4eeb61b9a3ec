// Structural check of the hand-written imsdk.d.ts: every public member of the
// JS classes over the engines (js/engine/) must be declared in the class of
// the same name, so a new member cannot ship untyped.

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

/** The public member names of class `C` (prototype and static; `_` names are internal). */
function jsMembers(C) {
  const names = new Set();
  for (const o of [C.prototype, C]) {
    for (const k of Object.getOwnPropertyNames(o)) {
      if (!['constructor', 'length', 'name', 'prototype'].includes(k) && !k.startsWith('_')) names.add(k);
    }
  }
  return names;
}

/** `Class.member` names of the classes `classes` ({name: class}) missing from the .d.ts text `hand`. */
export function missingMembers(classes, hand) {
  const have = classMembers(hand);
  const missing = [];
  for (const [cls, C] of Object.entries(classes)) {
    const h = have.get(cls) || new Set();
    if (!have.has(cls)) missing.push(cls + ' (class)');
    for (const name of jsMembers(C)) if (!h.has(name)) missing.push(cls + '.' + name);
  }
  return missing;
}

/** Names of the accessors with a setter on the prototype of class `C`. */
export function setterNames(C) {
  return Object.getOwnPropertyNames(C.prototype).filter((k) => {
    const d = Object.getOwnPropertyDescriptor(C.prototype, k);
    return d && typeof d.set === 'function';
  });
}
