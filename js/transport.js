// One socket abstraction for browsers, Node and WeChat mini-programs.
//
// The classes over the engines (./engine/) open sockets only through
// `openSocket`, so they never touch the `WebSocket` global (shadowed to
// undefined inside mini-program modules) and never hand a view into wasm
// memory to a transport.
//
// Events go to one callback, `onEvent(conn, kind, data)`:
//   kind 0 open, 1 binary (data: Uint8Array), 2 text (data: string),
//   3 closed (data: {code, reason, error}). After "closed", or after
//   `close()`, a socket reports nothing more.
//
// A frame over the protocol's maximum (`maxFrame` bytes, given by the
// class) is never passed on, so it is never copied into wasm: the socket is
// closed with code 1009 ("message too big") and a reason naming both sizes,
// reported as an error close and printed as a warning.

import { warn } from './host.js';

export const EVENT_OPEN = 0;
export const EVENT_BINARY = 1;
export const EVENT_TEXT = 2;
export const EVENT_CLOSED = 3;
/** WebSocket close code for a frame over the limit. */
export const CLOSE_TOO_BIG = 1009;

let customWebSocket = null;

/** Use `impl` (a WebSocket-compatible constructor, e.g. npm `ws`) for every new socket. */
export function setWebSocketImpl(impl) {
  if (impl != null && typeof impl !== 'function') {
    throw new TypeError('WebSocket implementation must be a constructor');
  }
  customWebSocket = impl || null;
}

function globalWebSocket() {
  if (typeof WebSocket !== 'undefined') return WebSocket;
  if (typeof globalThis !== 'undefined' && globalThis.WebSocket) return globalThis.WebSocket;
  return null;
}

function wxApi() {
  return typeof wx !== 'undefined' && wx && typeof wx.connectSocket === 'function' ? wx : null;
}

/**
 * Opens a socket to `url`; `binary` selects ArrayBuffer frames; larger
 * frames than `maxFrame` bytes close it. Throws when no transport exists.
 */
export function openSocket(url, conn, binary, maxFrame, onEvent) {
  if (customWebSocket) return new WebSocketTransport(customWebSocket, url, conn, binary, maxFrame, onEvent);
  const w = wxApi();
  if (w) return new WxTransport(w, url, conn, maxFrame, onEvent);
  const Impl = globalWebSocket();
  if (Impl) return new WebSocketTransport(Impl, url, conn, binary, maxFrame, onEvent);
  throw new Error('no WebSocket implementation: pass one with setWebSocketImpl()');
}

function ignore() {}

function ownedBuffer(view) {
  // slice() copies: transports may read the buffer after send() returns.
  return view.slice().buffer;
}

/** Bytes of a text frame in UTF-8 (a lone surrogate counts 3, as its replacement). */
function textBytes(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4; // a surrogate pair
      i++;
    } else n += 3;
  }
  return n;
}

/** What both transports share: one callback, silenced after the first close. */
class Transport {
  constructor(conn, maxFrame, onEvent) {
    this.onEvent = onEvent;
    this.conn = conn;
    this.maxFrame = maxFrame;
    this.live = true;
  }
  emit(kind, data) {
    if (this.live) this.onEvent(this.conn, kind, data);
  }
  /** Passes a frame on, or closes the link when it is over the limit. */
  frame(kind, data, bytes) {
    if (bytes <= this.maxFrame) {
      this.emit(kind, data);
      return;
    }
    const reason = 'frame of ' + bytes + ' bytes over the limit of ' + this.maxFrame;
    warn('closing the connection: the server sent a ' + reason);
    this.finish({ code: CLOSE_TOO_BIG, reason, error: true });
  }
  finish(info) {
    if (!this.live) return;
    this.emit(EVENT_CLOSED, info);
    this.close();
  }
}

class WebSocketTransport extends Transport {
  constructor(Impl, url, conn, binary, maxFrame, onEvent) {
    super(conn, maxFrame, onEvent);
    const ws = new Impl(url);
    this.ws = ws;
    if (binary) ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.emit(EVENT_OPEN, undefined);
    ws.onmessage = (ev) => {
      const d = ev.data;
      if (typeof d === 'string') this.frame(EVENT_TEXT, d, textBytes(d));
      else if (d instanceof ArrayBuffer || (d && typeof d.byteLength === 'number' && !ArrayBuffer.isView(d))) this.frame(EVENT_BINARY, new Uint8Array(d), d.byteLength);
      else if (ArrayBuffer.isView(d)) this.frame(EVENT_BINARY, new Uint8Array(d.buffer, d.byteOffset, d.byteLength), d.byteLength);
    };
    ws.onerror = () => this.finish({ code: 1006, reason: 'error', error: true });
    ws.onclose = (ev) => this.finish({ code: ev && ev.code || 1005, reason: ev && ev.reason || '', error: false });
  }
  sendBytes(view) {
    this.ws.send(ownedBuffer(view));
  }
  /** Sends `view`, a view of a buffer nothing writes to again (an engine batch): no copy is needed. */
  sendOwned(view) {
    this.ws.send(view);
  }
  sendText(text) {
    this.ws.send(text);
  }
  close() {
    this.live = false;
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    try {
      ws.onopen = ws.onmessage = ws.onclose = null;
      // Not null: npm `ws` emits "error" when a connecting socket is closed,
      // and an error nobody listens to is an uncaught exception in Node.
      ws.onerror = ignore;
      ws.close(1000);
    } catch (_) {
      // Closing a socket that never opened may throw in some runtimes; it is gone either way.
    }
  }
}

class WxTransport extends Transport {
  constructor(w, url, conn, maxFrame, onEvent) {
    super(conn, maxFrame, onEvent);
    this.task = w.connectSocket({
      url,
      fail: (res) => this.finish({ code: 1006, reason: (res && res.errMsg) || 'connect failed', error: true }),
    });
    const t = this.task;
    if (!t) {
      throw new Error('wx.connectSocket returned no SocketTask');
    }
    t.onOpen(() => this.emit(EVENT_OPEN, undefined));
    t.onMessage((res) => {
      const d = res && res.data;
      if (typeof d === 'string') this.frame(EVENT_TEXT, d, textBytes(d));
      else if (d) this.frame(EVENT_BINARY, new Uint8Array(d), d.byteLength);
    });
    t.onError((res) => this.finish({ code: 1006, reason: (res && res.errMsg) || 'error', error: true }));
    t.onClose((res) => this.finish({ code: (res && res.code) || 1000, reason: (res && res.reason) || '', error: false }));
  }
  sendBytes(view) {
    // SocketTask accepts only a string or an ArrayBuffer, never a view.
    this.task.send({ data: ownedBuffer(view) });
  }
  sendOwned(view) {
    this.sendBytes(view);
  }
  sendText(text) {
    this.task.send({ data: text });
  }
  close() {
    this.live = false;
    const t = this.task;
    if (!t) return;
    this.task = null;
    try {
      t.close({ code: 1000 });
    } catch (_) {
      // A task that failed to open may refuse close(); it holds no slot then.
    }
  }
}
