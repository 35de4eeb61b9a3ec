// A page of a MobileIMSDK mini-program using the seed's IMClientManager API.
var IMClientManager = require('./imsdk').IMClientManager;

module.exports = function (cfg, report) {
  var manager = IMClientManager.getInstance({
    wsUrl: cfg.wsUrl,
    chatBaseCB: {
      onLoginOrReloginSuccessCB: function () { report('loginOk', 0); },
      onLoginOrReloginFailCB: function (code) { report('loginFail', code); },
      onLinkCloseMessageCB: function (code) { report('linkClose', code); }
    },
    chatTransDataCB: {
      onTransBufferCB: function (p) { report('data', { from: p.from, to: p.to, dataContent: p.dataContent, fp: p.fp }); },
      onTransErrorCB: function (e) { report('transError', e && e.errorCode); }
    },
    messageQoSCB: {
      handleMessageLost: function (list) { report('lost', list.length); },
      messagesBeReceivedCB: function (fp) { report('received', fp); }
    }
  });
  // Before the wasm (and the login) this cannot be written.
  manager.send({ dataContent: 'early', toId: cfg.peer, callBack: function (code) { report('earlySend', code); } });
  manager.login({
    loginUserId: cfg.uid, loginToken: 'token-' + cfg.uid, app: 'test',
    callBack: function (code) { report('loginCallBack', code); }
  });
  return {
    send: function (content, fp) {
      manager.send({ dataContent: content, toId: cfg.peer, fingerPrint: fp, callBack: function (code) { report('sendCode', code); } });
    },
    release: function () {
      manager.logout();
      manager.release();
    }
  };
};
