// Test helpers that need the host JS environment.
export async function post(url) {
  const res = await fetch(url, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return text;
}

export async function getText(url) {
  const res = await fetch(url);
  return res.text();
}

/** A recording observer: every call is pushed to `calls` as [name, a, b]. */
export function recorder(names) {
  const calls = [];
  const obj = { calls };
  for (const n of names) obj[n] = (a, b) => calls.push([n, a, b]);
  return obj;
}

export function callsNamed(rec, name) {
  return rec.calls.filter((c) => c[0] === name);
}

export function countNamed(rec, name) {
  return rec.calls.filter((c) => c[0] === name).length;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Like `recorder`, but the methods named in `throwing` throw after recording. */
export function throwingRecorder(names, throwing) {
  const rec = recorder(names);
  for (const n of throwing) {
    const record = rec[n];
    rec[n] = (a, b) => {
      record(a, b);
      throw new Error('observer ' + n + ' throws on purpose');
    };
  }
  return rec;
}
