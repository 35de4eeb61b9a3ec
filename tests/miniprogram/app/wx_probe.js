// Direct wx / wrapper probes for the negative checks of §9.
module.exports = {
  // A bare `new WebSocket` in a module, after both ways apps try to publish one.
  newWebSocket: function (url) {
    global.WebSocket = require('./websocket');
    new WebSocket(url);
  },
  sendTypedArray: function (url, report) {
    var task = wx.connectSocket({ url: url });
    task.onOpen(function () {
      task.send({ data: new Uint8Array([1, 2, 3]), fail: function (res) { report('fail', res.errMsg); }, success: function () { report('ok'); } });
    });
    return task;
  }
};
