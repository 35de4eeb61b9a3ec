// GoBelieve IMService in a mini-program, through the SDK in /imsdk
// (node scripts/build-miniprogram.mjs --example puts it there).
var IMService = require('../../imsdk/im');

var STATES = ['unconnected', 'connecting', 'connected', 'connect fail', 'authentication fail'];
var im = null;
var nextId = 1;

Page({
  data: { stateText: STATES[0], server: 'ws://127.0.0.1:8080', uid: '1', token: '', peer: '2', text: '你好', messages: [] },
  onServer: function (e) { this.setData({ server: e.detail.value }); },
  onUid: function (e) { this.setData({ uid: e.detail.value }); },
  onToken: function (e) { this.setData({ token: e.detail.value }); },
  onPeer: function (e) { this.setData({ peer: e.detail.value }); },
  onText: function (e) { this.setData({ text: e.detail.value }); },
  show: function (line) {
    this.setData({ messages: this.data.messages.concat([{ key: this.data.messages.length, line: line }]) });
  },
  login: function () {
    var page = this;
    if (im) im.stop();
    var m = /^(wss?:\/\/)([^:/]+)(?::(\d+))?/.exec(page.data.server);
    if (!m) return page.show('bad server address');
    im = new IMService();
    im.protocol = m[1];
    im.host = m[2];
    im.port = Number(m[3] || (m[1] === 'wss://' ? 14891 : 13891));
    im.accessToken = page.data.token;
    im.observer = {
      onConnectState: function (s) { page.setData({ stateText: STATES[s] || String(s) }); },
      handlePeerMessage: function (msg) { page.show(msg.sender + ' → me: ' + msg.content); },
      handleMessageACK: function (msg) { page.show('✓ delivered #' + msg.msgLocalID); },
      handleMessageFailure: function (msg) { page.show('✗ failed #' + msg.msgLocalID); }
    };
    im.start();
  },
  send: function () {
    if (!im) return this.show('log in first');
    var msg = { sender: Number(this.data.uid), receiver: Number(this.data.peer), content: this.data.text, msgLocalID: nextId++ };
    if (im.sendPeerMessage(msg)) this.show('me → ' + msg.receiver + ': ' + msg.content + ' (#' + msg.msgLocalID + ')');
    else this.show('not connected, not sent');
  },
  onUnload: function () {
    if (im) im.stop();
  }
});
