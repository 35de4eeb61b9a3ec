// imsdk demo chat: one page, two protocols, no framework.
//
// The page talks to the SDK only through its public API (IMService for
// GoBelieve, IMClientManager for MobileIMSDK), so it doubles as an example.
// Elements carry stable ids and data attributes for the Playwright test:
// #app[data-ready], #state[data-state], li.msg[data-dir][data-status].

// The npm package (dist/npm, built by `npm run build`), imported without a bundler.
import * as sdk from '/dist/npm/index.js';

const $ = (id) => document.getElementById(id);
const ui = {
  app: $('app'),
  loginForm: $('login-form'),
  protocol: $('protocol'),
  uid: $('uid'),
  token: $('token'),
  server: $('server'),
  login: $('login'),
  logout: $('logout'),
  state: $('state'),
  detail: $('error'),
  sendForm: $('send-form'),
  peer: $('peer'),
  text: $('text'),
  send: $('send'),
  messages: $('messages'),
};

/** What the chat adapters report back to the page. */
const events = {
  state(state, detail = '') {
    ui.state.dataset.state = state;
    ui.state.textContent = state;
    ui.detail.textContent = detail;
    ui.send.disabled = state !== 'connected';
  },
  error(text) {
    ui.detail.textContent = text;
  },
  incoming(from, text) {
    addRow('in', String(from), text, null);
  },
  status(row, status, detail = '') {
    row.dataset.status = status;
    row.querySelector('.status').textContent = detail ? `${status} (${detail})` : status;
  },
};

// ---- GoBelieve: IMService, the im.js API ----

const GB_STATES = ['disconnected', 'connecting', 'connected', 'failed', 'auth-failed'];

function goBelieveChat() {
  let im = null;
  let me = '';
  let nextLocalId = 1;
  const rows = new Map(); // msgLocalID -> outgoing row
  // The server also queues each message for its sender's other devices; a
  // sync after a reconnect can hand this page copies of what it sent itself.
  const sentHere = new Set(); // `${receiver}\n${content}`
  const onPeerMessage = (m) => {
    if (!m.isSelf) return events.incoming(m.sender, m.content);
    const key = `${m.receiver}\n${m.content}`;
    if (sentHere.delete(key)) return; // already on screen
    addRow('out', String(m.receiver), m.content, 'synced'); // sent from another device
  };
  const settle = (msg, status, detail) => {
    const row = msg && rows.get(msg.msgLocalID);
    if (!row) return;
    rows.delete(msg.msgLocalID);
    events.status(row, status, detail);
  };
  return {
    start(uid, token, url) {
      me = uid;
      im = new sdk.IMService({
        onConnectState: (s) => events.state(GB_STATES[s] || String(s)),
        handlePeerMessage: onPeerMessage,
        // The SDK hands back the very object given to sendPeerMessage.
        handleMessageACK: (m) => settle(m, 'acknowledged'),
        handleMessageFailure: (m, why) => settle(m, 'failed', failureText(why)),
      });
      im.url = url;
      im.accessToken = token;
      im.start();
    },
    send(peer, text, row) {
      const msg = { sender: me, receiver: peer, content: text, msgLocalID: nextLocalId++ };
      rows.set(msg.msgLocalID, row);
      sentHere.add(`${peer}\n${text}`);
      let sent = false;
      try {
        sent = im.sendPeerMessage(msg);
      } catch (e) {
        return settle(msg, 'failed', e.message);
      }
      if (!sent) settle(msg, 'failed', 'not connected');
    },
    stop() {
      im.stop(); // fails what still waits for an ACK
      im.free();
      im = null;
    },
  };
}

/** `{reason, status}` as shown: "timeout", "refused 3", ... */
function failureText(why) {
  if (!why) return '';
  return why.status === undefined || why.status === null ? why.reason : `${why.reason} ${why.status}`;
}

// ---- MobileIMSDK: IMClientManager, the seed API ----

function mobileImChat() {
  let manager = null;
  const rows = new Map(); // fingerprint -> outgoing row
  const settle = (fp, status, detail) => {
    const row = rows.get(fp);
    if (!row) return;
    rows.delete(fp);
    events.status(row, status, detail);
  };
  return {
    start(uid, token, url) {
      if (typeof sdk.IMClientManager !== 'function') {
        throw new Error('this imsdk build has no IMClientManager');
      }
      manager = sdk.IMClientManager.getInstance({
        wsUrl: url,
        chatBaseCB: {
          onLoginOrReloginSuccessCB: () => events.state('connected'),
          onLoginOrReloginFailCB: (code) => events.state('failed', `login refused (code ${code})`),
          onLinkCloseMessageCB: (code) => events.state('connecting', `link lost (code ${code}), logging in again`),
          onKickoutCB: (k) => events.state('disconnected', `kicked out (code ${k.code})`),
        },
        chatTransDataCB: {
          onTransBufferCB: (p) => events.incoming(p.from, p.dataContent),
          onTransErrorCB: (e) => events.error(`server error ${e.errorCode}: ${e.errorMsg}`),
        },
        messageQoSCB: {
          messagesBeReceivedCB: (fp) => settle(fp, 'acknowledged'),
          handleMessageLost: (lost) => lost.forEach((p) => settle(p.fp, 'failed', 'lost')),
        },
      });
      events.state('connecting');
      manager.login({
        loginUserId: uid,
        loginToken: token,
        callBack: (code) => {
          if (code !== 0) events.state('failed', `login failed (code ${code})`);
        },
      });
    },
    send(peer, text, row) {
      const fp = fingerprint();
      rows.set(fp, row);
      manager.send({
        dataContent: text,
        toId: peer,
        Qos: true,
        fingerPrint: fp,
        // 0 = written; the server's ACK then arrives as messagesBeReceivedCB(fp).
        callBack: (code, p) => {
          if (code !== 0) settle(fp, 'failed', p instanceof Error ? p.message : `code ${code}`);
        },
      });
    },
    stop() {
      manager.logout();
      manager.release(); // the next getInstance(options) builds a fresh manager
      manager = null;
    },
  };
}

/** A random version-4-style UUID; crypto.randomUUID needs a secure context. */
function fingerprint() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- the page ----

const chats = { gobelieve: goBelieveChat, mim: mobileImChat };
let chat = null;

function defaultServer(protocol) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${protocol === 'mim' ? '/websocket' : '/ws'}`;
}

/** Asks the dev server for a token (GoBelieve; MobileIMSDK accepts it too). */
async function mintToken(uid) {
  const res = await fetch(`/api/token?uid=${encodeURIComponent(uid)}`, { method: 'POST' });
  if (!res.ok) throw new Error(`token request failed: HTTP ${res.status}`);
  return (await res.json()).token;
}

function addRow(dir, who, text, status) {
  const row = document.createElement('li');
  row.className = `msg ${dir}`;
  row.dataset.dir = dir;
  row.dataset[dir === 'out' ? 'peer' : 'from'] = who;
  const head = document.createElement('span');
  head.className = 'who';
  head.textContent = dir === 'out' ? `to ${who}` : `from ${who}`;
  const body = document.createElement('span');
  body.className = 'body';
  body.textContent = text;
  row.append(head, body);
  if (status) {
    const s = document.createElement('span');
    s.className = 'status';
    row.append(s);
    events.status(row, status);
  }
  ui.messages.append(row);
  row.scrollIntoView({ block: 'nearest' });
  return row;
}

function setLoggedIn(on) {
  for (const el of [ui.protocol, ui.uid, ui.token, ui.server, ui.login]) el.disabled = on;
  ui.logout.disabled = !on;
}

async function logIn(event) {
  event.preventDefault();
  const protocol = ui.protocol.value;
  const uid = ui.uid.value.trim();
  if (protocol === 'gobelieve' && !/^\d+$/.test(uid)) {
    return events.error('a GoBelieve user id is a number');
  }
  setLoggedIn(true);
  try {
    let token = ui.token.value.trim();
    if (!token) {
      events.state('connecting', 'asking the dev server for a token');
      try {
        token = await mintToken(uid);
      } catch (e) {
        // A real MobileIMSDK server may accept any token; GoBelieve needs one.
        if (protocol !== 'mim') throw e;
        token = 'demo';
      }
    }
    chat = chats[protocol]();
    chat.start(uid, token, ui.server.value.trim());
  } catch (e) {
    chat = null;
    setLoggedIn(false);
    events.state('disconnected', e.message);
  }
}

function logOut() {
  if (chat) chat.stop();
  chat = null;
  setLoggedIn(false);
  events.state('disconnected');
}

function sendMessage(event) {
  event.preventDefault();
  const peer = ui.peer.value.trim();
  const text = ui.text.value;
  if (!chat || !peer || !text) return;
  const row = addRow('out', peer, text, 'sending');
  chat.send(peer, text, row);
  ui.text.value = '';
  ui.text.focus();
}

function prefill() {
  // ?protocol=mim&uid=1&peer=2 fills the forms, handy for bookmarking two windows.
  const q = new URLSearchParams(location.search);
  if (q.get('protocol') in chats) ui.protocol.value = q.get('protocol');
  ui.uid.value = q.get('uid') || '';
  ui.peer.value = q.get('peer') || '';
  ui.server.value = q.get('server') || defaultServer(ui.protocol.value);
}

ui.protocol.addEventListener('change', () => {
  const other = ui.protocol.value === 'mim' ? 'gobelieve' : 'mim';
  // Follow the protocol unless the user typed a server of their own.
  if (ui.server.value === defaultServer(other)) ui.server.value = defaultServer(ui.protocol.value);
});
ui.loginForm.addEventListener('submit', logIn);
ui.logout.addEventListener('click', logOut);
ui.sendForm.addEventListener('submit', sendMessage);
window.addEventListener('pagehide', logOut);

prefill();
try {
  await sdk.init(); // loads imsdk_bg.wasm next to index.js
  ui.app.dataset.ready = '1';
  ui.login.disabled = false;
} catch (e) {
  ui.app.dataset.ready = 'error';
  events.state('disconnected', `the SDK failed to load: ${e.message}`);
}
