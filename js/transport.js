// One socket abstraction for browsers, Node and WeChat mini-programs.
//
// The Rust web layer opens sockets only through `openSocket`, so it never
// touches the `WebSocket` global (shadowed to undefined inside mini-program
// modules) and never hands a view into wasm memory to a transport.
//
// Events go to one callback, `onEvent(conn, kind, data)`:
//   kind 0 open, 1 binary (data: Uint8Array), 2 text (data: string),
//   3 closed (data: {code, reason, error}). After "closed", or after
//   `close()`, a socket reports nothing more.

export const EVENT_OPEN = 0;
export const EVENT_BINARY = 1;
export const EVENT_TEXT = 2;
export const EVENT_CLOSED = 3;

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

/** Opens a socket to `url`; `binary` selects ArrayBuffer frames. Throws when no transport exists. */
export function openSocket(url, conn, binary, onEvent) {
  if (customWebSocket) return new WebSocketTransport(customWebSocket, url, conn, binary, onEvent);
  const w = wxApi();
  if (w) return new WxTransport(w, url, conn, onEvent);
  const Impl = globalWebSocket();
  if (Impl) return new WebSocketTransport(Impl, url, conn, binary, onEvent);
  throw new Error('no WebSocket implementation: pass one with setWebSocketImpl()');
}

function ownedBuffer(view) {
  // slice() copies: transports may read the buffer after send() returns.
  return view.slice().buffer;
}

/** What both transports share: one callback, silenced after the first close. */
class Transport {
  constructor(conn, onEvent) {
    this.onEvent = onEvent;
    this.conn = conn;
    this.live = true;
  }
  emit(kind, data) {
    if (this.live) this.onEvent(this.conn, kind, data);
  }
  finish(info) {
    if (!this.live) return;
    this.emit(EVENT_CLOSED, info);
    this.close();
  }
}

class WebSocketTransport extends Transport {
  constructor(Impl, url, conn, binary, onEvent) {
    super(conn, onEvent);
    const ws = new Impl(url);
    this.ws = ws;
    if (binary) ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.emit(EVENT_OPEN, undefined);
    ws.onmessage = (ev) => {
      const d = ev.data;
      if (typeof d === 'string') this.emit(EVENT_TEXT, d);
      else if (d instanceof ArrayBuffer || (d && typeof d.byteLength === 'number' && !ArrayBuffer.isView(d))) this.emit(EVENT_BINARY, new Uint8Array(d));
      else if (ArrayBuffer.isView(d)) this.emit(EVENT_BINARY, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    };
    ws.onerror = () => this.finish({ code: 1006, reason: 'error', error: true });
    ws.onclose = (ev) => this.finish({ code: ev && ev.code || 1005, reason: ev && ev.reason || '', error: false });
  }
  sendBytes(view) {
    this.ws.send(ownedBuffer(view));
  }
  sendText(text) {
    this.ws.send(text);
  }
  close() {
    this.live = false;
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(1000);
    } catch (_) {
      // Closing a socket that never opened may throw in some runtimes; it is gone either way.
    }
  }
}

class WxTransport extends Transport {
  constructor(w, url, conn, onEvent) {
    super(conn, onEvent);
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
      if (typeof d === 'string') this.emit(EVENT_TEXT, d);
      else if (d) this.emit(EVENT_BINARY, new Uint8Array(d));
    });
    t.onError((res) => this.finish({ code: 1006, reason: (res && res.errMsg) || 'error', error: true }));
    t.onClose((res) => this.finish({ code: (res && res.code) || 1000, reason: (res && res.reason) || '', error: false }));
  }
  sendBytes(view) {
    // SocketTask accepts only a string or an ArrayBuffer, never a view.
    this.task.send({ data: ownedBuffer(view) });
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
