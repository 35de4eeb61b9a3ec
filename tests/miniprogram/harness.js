// A fake WeChat mini-program runtime in Node (shared/platform/miniprogram.md §9):
// a fresh V8 realm without the globals a phone lacks, the module wrapper that
// shadows browser names, WXWebAssembly that only takes package paths, and a
// `wx` whose sockets (backed by npm `ws`) enforce the real limits.
'use strict';
const vm = require('vm');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const WS = require('ws');

const PROFILES = {
  ios: { platform: 'ios' },
  android: { platform: 'android' },
  'old-ios': { platform: 'ios', finalizationRegistry: false, globalThis: false },
  devtools: { platform: 'devtools', textCodec: true },
};
// Parameters of the mini-program module factory (§2.2); the loader passes
// only the first four, so the rest are `undefined` inside every module.
const WRAPPER_PARAMS = ['require', 'module', 'exports', 'global', 'window', 'document', 'frames', 'self',
  'location', 'navigator', 'localStorage', 'history', 'Caches', 'screen', 'alert', 'confirm', 'prompt',
  'fetch', 'XMLHttpRequest', 'WebSocket', 'Reporter', 'webkit', 'WeixinJSCore'];
const MAX_SOCKETS = 5;
const STORAGE_KEY_LIMIT = 1024 * 1024;
const STORAGE_TOTAL_LIMIT = 10 * 1024 * 1024;

/**
 * Options: root (package folder), profile ('ios' | 'android' | 'old-ios' |
 * 'devtools'), iosStrict, allowWs (the devtools "skip domain check" switch),
 * bareInstance (WXWebAssembly resolves to the instance alone), quiet,
 * storage (a Map: wx local storage shared by harnesses, as it outlives an app kill).
 */
function createHarness(options) {
  const opts = Object.assign({ profile: 'ios', quiet: true }, options);
  const profile = Object.assign({}, PROFILES[opts.profile]);
  if (!profile.platform) throw new Error('unknown profile ' + opts.profile);
  const root = path.resolve(opts.root);
  const h = { profile: opts.profile, warnings: [], errors: [], logs: [] };

  const ctx = vm.createContext({});
  const inCtx = (code) => vm.runInContext(code, ctx);
  const realWasm = inCtx('WebAssembly');
  inCtx('delete globalThis.WebAssembly');
  if (profile.finalizationRegistry === false) inCtx('delete globalThis.FinalizationRegistry; delete globalThis.WeakRef');
  const g = inCtx('globalThis');
  const CtxPromise = inCtx('Promise');
  const CtxU8 = inCtx('Uint8Array');
  const CtxJSON = inCtx('JSON');
  const later = (f) => setImmediate(f);

  // Timers: numeric ids like a device; a throwing callback is logged, as there.
  const timers = new Map();
  let nextTimer = 1;
  const guard = (where, f, args) => {
    try {
      f(...args);
    } catch (e) {
      h.errors.push(e);
      if (!opts.quiet) console.error('[mp] uncaught in ' + where + ':', e);
    }
  };
  g.setTimeout = (f, ms, ...a) => {
    const id = nextTimer++;
    timers.set(id, setTimeout(() => { timers.delete(id); guard('setTimeout', f, a); }, ms));
    return id;
  };
  g.setInterval = (f, ms, ...a) => {
    const id = nextTimer++;
    timers.set(id, setInterval(() => guard('setInterval', f, a), ms));
    return id;
  };
  g.clearTimeout = g.clearInterval = (id) => {
    const t = timers.get(id);
    if (t) { clearTimeout(t); clearInterval(t); timers.delete(id); }
  };
  const log = (level) => (...a) => {
    h.logs.push([level].concat(a));
    if (!opts.quiet || level === 'error') (opts.quiet ? () => {} : console[level])('[mp ' + level + ']', ...a);
  };
  g.console = { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') };
  if (profile.textCodec) {
    g.TextEncoder = TextEncoder;
    g.TextDecoder = TextDecoder;
  }

  // ---- WXWebAssembly ----
  g.WXWebAssembly = {
    instantiate(p, imports) {
      return new CtxPromise((resolve, reject) => {
        if (typeof p !== 'string') throw new TypeError('WXWebAssembly.instantiate: first argument must be a package path string');
        const file = path.join(root, p.replace(/^\/+/, ''));
        if (!/\.wasm(\.br)?$/.test(p) || !file.startsWith(root) || !fs.existsSync(file)) throw new Error('WXWebAssembly.instantiate: no file ' + p + ' in the package');
        let bytes = fs.readFileSync(file);
        if (p.endsWith('.br')) bytes = zlib.brotliDecompressSync(bytes);
        const mod = new realWasm.Module(bytes);
        if (profile.platform === 'ios') {
          const problems = iosProblems(realWasm, mod);
          if (problems.length) {
            h.warnings.push(p + ': ' + problems.join('; '));
            if (opts.iosStrict) throw new realWasm.CompileError('invalid wasm file (' + problems.join('; ') + ')');
          }
        }
        realWasm.instantiate(mod, imports).then((instance) => resolve(opts.bareInstance ? instance : { instance, module: mod }), reject);
      });
    },
    Memory: realWasm.Memory,
    Table: realWasm.Table,
    Global: realWasm.Global,
    Instance: realWasm.Instance,
  };

  // ---- wx ----
  const listeners = { show: [], hide: [], net: [] };
  const network = { isConnected: true, networkType: 'wifi' };
  let hidden = false;
  const tasks = new Set();
  const storage = opts.storage || new Map();
  const call = (f, res) => { if (typeof f === 'function') guard('wx callback', f, [res]); };
  const done = (o, ok, errMsg) => later(() => {
    const res = { errMsg };
    call(ok ? o && o.success : o && o.fail, res);
    call(o && o.complete, res);
  });
  const on = (list) => (f) => { list.push(f); };
  const off = (list) => (f) => { const i = list.indexOf(f); if (i >= 0) list.splice(i, 1); };

  function connectSocket(o) {
    const task = makeTask();
    const url = String(o && o.url);
    const refuse = (why) => { done(o, false, 'connectSocket:fail ' + why); return task; };
    if (!/^wss:\/\//.test(url) && !(opts.allowWs && /^ws:\/\//.test(url))) return refuse('invalid url "' + url + '"');
    if (!network.isConnected) return refuse('network is down');
    if (hidden) return refuse('network api interrupted in suspend state');
    if (tasks.size >= MAX_SOCKETS) return refuse('exceed max task count');
    tasks.add(task);
    const ws = new WS(url, o.protocols || []);
    task.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.on('open', () => task.emit('open', { header: {} }));
    ws.on('message', (data, isBinary) => {
      // Binary frames as an ArrayBuffer of the app's own realm (instanceof must hold there).
      const res = isBinary ? new CtxU8(new Uint8Array(data)).buffer : Buffer.from(data).toString('utf8');
      task.emit('message', { data: res });
    });
    ws.on('error', (e) => task.emit('error', { errMsg: String(e && e.message) }));
    ws.on('close', (code, reason) => {
      tasks.delete(task);
      if (task.interrupted) task.emit('close', { code: 1000, reason: 'interrupted' });
      else task.emit('close', { code, reason: reason.toString() });
    });
    done(o, true, 'connectSocket:ok');
    return task;
  }
  function makeTask() {
    const handlers = { open: [], message: [], error: [], close: [] };
    const task = {
      ws: null,
      interrupted: false,
      emit(kind, res) { if (!task.closedEmitted) handlers[kind].slice().forEach((f) => call(f, res)); if (kind === 'close') task.closedEmitted = true; },
      onOpen: on(handlers.open), onMessage: on(handlers.message), onError: on(handlers.error), onClose: on(handlers.close),
      send(o) {
        const d = o && o.data;
        const isBuffer = Object.prototype.toString.call(d) === '[object ArrayBuffer]';
        if (typeof d !== 'string' && !isBuffer) return done(o, false, 'sendSocketMessage:fail parameter error: parameter.data should be String or ArrayBuffer');
        if (!task.ws || task.ws.readyState !== WS.OPEN) return done(o, false, 'sendSocketMessage:fail SocketTask.readyState is not OPEN');
        task.ws.send(isBuffer ? Buffer.from(new Uint8Array(d).slice()) : d, { binary: isBuffer });
        done(o, true, 'sendSocketMessage:ok');
      },
      close(o) {
        const reason = (o && o.reason) || '';
        if (Buffer.byteLength(reason) > 123) return done(o, false, 'closeSocket:fail reason too long');
        if (task.ws) {
          if (task.ws.readyState === WS.CONNECTING) task.ws.terminate();
          else task.ws.close((o && o.code) || 1000, reason);
        }
        done(o, true, 'closeSocket:ok');
      },
    };
    return task;
  }

  const storageSize = () => Array.from(storage.entries()).reduce((n, [k, v]) => n + k.length + v.length, 0);
  g.wx = {
    connectSocket,
    onAppShow: on(listeners.show), offAppShow: off(listeners.show),
    onAppHide: on(listeners.hide), offAppHide: off(listeners.hide),
    onNetworkStatusChange: on(listeners.net), offNetworkStatusChange: off(listeners.net),
    getNetworkType(o) { later(() => { call(o && o.success, { networkType: network.networkType, errMsg: 'getNetworkType:ok' }); call(o && o.complete, {}); }); },
    getSystemInfoSync: () => ({ platform: profile.platform, SDKVersion: '3.4.0', system: profile.platform === 'ios' ? 'iOS 15.0' : 'Android 12' }),
    setStorageSync(key, data) {
      const json = JSON.stringify(data);
      if (Buffer.byteLength(json) > STORAGE_KEY_LIMIT) throw new Error('setStorageSync:fail entry size limit reached');
      const prev = storage.get(key) || '';
      if (storageSize() - prev.length + json.length > STORAGE_TOTAL_LIMIT) throw new Error('setStorageSync:fail exceed storage max size 10MB');
      storage.set(key, json);
    },
    getStorageSync: (key) => (storage.has(key) ? CtxJSON.parse(storage.get(key)) : ''),
    removeStorageSync: (key) => { storage.delete(key); },
    getStorageInfoSync: () => ({ keys: Array.from(storage.keys()), currentSize: Math.ceil(storageSize() / 1024), limitSize: 10240 }),
  };
  if (profile.globalThis === false) inCtx('delete globalThis.globalThis');

  // ---- module loader reproducing the wrapper ----
  const cache = new Map();
  const fakeGlobal = inCtx('({})'); // `global` on a device: a plain object without builtins
  function load(file) {
    if (cache.has(file)) return cache.get(file).exports;
    const src = fs.readFileSync(file, 'utf8');
    const module = inCtx('({ exports: {} })');
    cache.set(file, module);
    const factory = new vm.Script('(function (' + WRAPPER_PARAMS.join(', ') + ') {"use strict";\n' + src + '\n})', {
      filename: path.relative(root, file),
    }).runInContext(ctx);
    const req = (spec) => load(resolve(path.dirname(file), spec));
    factory.call(undefined, req, module, module.exports, fakeGlobal);
    return module.exports;
  }
  function resolve(dir, spec) {
    const base = spec.startsWith('/') ? path.join(root, spec) : path.resolve(dir, spec);
    for (const f of [base, base + '.js', path.join(base, 'index.js')]) if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
    throw new Error("module '" + spec + "' is not defined");
  }

  h.require = (file) => load(resolve(root, file.startsWith('/') ? file : '/' + file));
  h.evaluate = (code) => inCtx(code);
  h.global = g;
  h.appShow = () => { hidden = false; listeners.show.slice().forEach((f) => call(f, { path: 'pages/index/index', scene: 1001, query: {} })); };
  h.appHide = () => { hidden = true; listeners.hide.slice().forEach((f) => call(f, {})); };
  h.interruptSockets = () => tasks.forEach((t) => { t.interrupted = true; if (t.ws) t.ws.terminate(); });
  h.setNetwork = (isConnected, networkType) => {
    network.isConnected = !!isConnected;
    network.networkType = isConnected ? networkType || 'wifi' : 'none';
    if (!isConnected) h.interruptSockets();
    listeners.net.slice().forEach((f) => call(f, { isConnected: network.isConnected, networkType: network.networkType }));
  };
  h.openSocketCount = () => tasks.size;
  h.listenerCount = () => listeners.show.length + listeners.hide.length + listeners.net.length;
  h.dispose = () => {
    timers.forEach((t) => { clearTimeout(t); clearInterval(t); });
    timers.clear();
    tasks.forEach((t) => t.ws && t.ws.terminate());
  };
  return h;
}

// Conservative stand-in for WeChat's iOS validator: no exported Globals and
// no post-MVP feature other than mutable-globals in target_features.
function iosProblems(realWasm, mod) {
  const problems = [];
  const globals = realWasm.Module.exports(mod).filter((e) => e.kind === 'global').map((e) => e.name);
  if (globals.length) problems.push('exports Globals ' + globals.join(', '));
  const extra = realWasm.Module.customSections(mod, 'target_features').flatMap(targetFeatures)
    .filter((f) => f.startsWith('+') && f !== '+mutable-globals');
  if (extra.length) problems.push('uses ' + extra.join(' '));
  return problems;
}

/** Parses a target_features custom section into entries like "+sign-ext". */
function targetFeatures(section) {
  const b = new Uint8Array(section);
  let i = 0;
  const leb = () => { let r = 0; let s = 0; let x; do { x = b[i++]; r |= (x & 127) << s; s += 7; } while (x & 128 && i < b.length); return r >>> 0; };
  const out = [];
  for (let n = leb(); n > 0 && i < b.length; n--) {
    const prefix = String.fromCharCode(b[i++]);
    const len = leb();
    out.push(prefix + Buffer.from(b.subarray(i, i + len)).toString('utf8'));
    i += len;
  }
  return out;
}

module.exports = { createHarness, PROFILES, WRAPPER_PARAMS, targetFeatures };
