// A page of a GoBelieve mini-program: the seed's 微信小程序 snippet verbatim,
// then the seed's example flow. `report(kind, data)` hands events to the test.
var WebSocket = require('./websocket');
global.WebSocket = WebSocket;
global.ArrayBuffer = ArrayBuffer;
var IMService = require("./im");

module.exports = function (cfg, report) {
  var sent = {};
  var observer = {
    handlePeerMessage: function (msg) {
      report('peer', { sender: msg.sender, receiver: msg.receiver, content: msg.content, timestamp: msg.timestamp });
    },
    handleMessageACK: function (msg) {
      var id = typeof msg === 'object' ? msg.msgLocalID : msg;
      report('ack', { id: id, same: sent[id] === msg });
    },
    handleMessageFailure: function (msg) {
      report('failure', { id: typeof msg === 'object' ? msg.msgLocalID : msg });
    },
    onConnectState: function (state) {
      report('state', state);
    }
  };
  var im = new IMService(observer);
  im.host = cfg.host;
  im.port = cfg.port;
  im.protocol = 'ws://';
  im.accessToken = cfg.token;
  im.start();
  // connectState == STATE_CONNECTING, so this returns false (seed example).
  var r = im.sendPeerMessage({ sender: cfg.uid, receiver: cfg.peer, content: 'early', msgLocalID: 1 });
  report('early', { result: r, connecting: im.connectState == IMService.STATE_CONNECTING });
  return {
    send: function (content, id) {
      var msg = { sender: cfg.uid, receiver: cfg.peer, content: content, msgLocalID: id };
      sent[id] = msg;
      return im.sendPeerMessage(msg);
    },
    connected: function () {
      return im.connectState == IMService.STATE_CONNECTED;
    },
    stop: function () {
      im.stop();
    }
  };
};
