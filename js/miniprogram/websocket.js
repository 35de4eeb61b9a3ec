// Seed-compatible `WebSocket` for mini-programs, built on wx.connectSocket
// (SocketTask). Apps written for im.js's wx branch install it with
// `global.WebSocket = require('./websocket')`; the SDK itself talks to
// wx.connectSocket directly and does not need it.
// Not named `WebSocket`: a top-level declaration of a name the mini-program
// module wrapper passes as a parameter is a SyntaxError.
'use strict';

var CONNECTING = 0;
var OPEN = 1;
var CLOSING = 2;
var CLOSED = 3;

function SocketTaskWebSocket(url, protocols) {
  if (!(this instanceof SocketTaskWebSocket)) throw new TypeError("Failed to construct 'WebSocket': use new");
  var self = this;
  this.url = url;
  this.protocol = '';
  this.binaryType = 'arraybuffer'; // SocketTask always delivers ArrayBuffers
  this.bufferedAmount = 0;
  this.readyState = CONNECTING;
  this.onopen = this.onmessage = this.onclose = this.onerror = null;
  var opts = { url: url };
  if (protocols) opts.protocols = typeof protocols === 'string' ? [protocols] : protocols;
  opts.fail = function (res) {
    self._fail(res);
  };
  this._task = wx.connectSocket(opts);
  if (!this._task) throw new Error('wx.connectSocket returned no SocketTask (base library < 1.7.0)');
  this._task.onOpen(function (res) {
    if (self.readyState !== CONNECTING) return;
    self.readyState = OPEN;
    call(self.onopen, { type: 'open', header: res && res.header });
  });
  this._task.onMessage(function (res) {
    if (self.readyState !== OPEN) return;
    call(self.onmessage, { type: 'message', data: res && res.data });
  });
  this._task.onError(function (res) {
    self._fail(res);
  });
  this._task.onClose(function (res) {
    self._closed((res && res.code) || 1000, (res && res.reason) || '');
  });
  function call(handler, ev) {
    if (typeof handler === 'function') handler.call(self, ev);
  }
  this._call = call;
}

SocketTaskWebSocket.CONNECTING = SocketTaskWebSocket.prototype.CONNECTING = CONNECTING;
SocketTaskWebSocket.OPEN = SocketTaskWebSocket.prototype.OPEN = OPEN;
SocketTaskWebSocket.CLOSING = SocketTaskWebSocket.prototype.CLOSING = CLOSING;
SocketTaskWebSocket.CLOSED = SocketTaskWebSocket.prototype.CLOSED = CLOSED;

SocketTaskWebSocket.prototype.send = function (data) {
  if (this.readyState === CONNECTING) throw new Error("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.");
  if (this.readyState !== OPEN) return;
  // SocketTask takes only a string or an ArrayBuffer; copy views (they may
  // point into wasm memory that changes before the send happens).
  var out = data;
  if (typeof data !== 'string') {
    if (ArrayBuffer.isView(data)) out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer;
    else out = data.slice(0);
  }
  var self = this;
  this._task.send({
    data: out,
    fail: function (res) {
      self._fail(res);
    },
  });
};

SocketTaskWebSocket.prototype.close = function (code, reason) {
  if (this.readyState === CLOSING || this.readyState === CLOSED) return;
  this.readyState = CLOSING;
  var opts = { code: code || 1000 };
  if (reason) opts.reason = reason;
  try {
    this._task.close(opts);
  } catch (_) {
    // A task that never opened may refuse close(); report the close anyway.
  }
  this._closed(opts.code, reason || '');
};

SocketTaskWebSocket.prototype._fail = function (res) {
  if (this.readyState === CLOSED) return;
  this._call(this.onerror, { type: 'error', errMsg: res && res.errMsg });
  this._closed(1006, (res && res.errMsg) || '');
};

SocketTaskWebSocket.prototype._closed = function (code, reason) {
  if (this.readyState === CLOSED) return;
  this.readyState = CLOSED;
  this._call(this.onclose, { type: 'close', code: code, reason: reason, wasClean: code === 1000 });
};

module.exports = SocketTaskWebSocket;
