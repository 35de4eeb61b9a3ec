// imsdk demo chat: one page, two protocols, no framework.
//
// The page talks to the SDK only through its public API (IMService for
// GoBelieve, IMClientManager for MobileIMSDK), so it doubles as an example of
// the developer API: events (`on('state' | 'closed' | 'reconnecting' | ...)`)
// for the link, Promise sends (`sendPeerMessageAsync`, `sendAsync`) for each
// message's outcome, and, with "Keep unsent messages" ticked, the persisted
// outbox (`outbox: 'indexeddb'`): a message sent while the server is down is
// queued, survives a reload and is sent once the server is back.
// Elements carry stable ids and data attributes for the Playwright test:
// #app[data-ready], #state[data-state], #link[data-close-code][data-reconnects],
// li.msg[data-dir][data-status].

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
  outbox: $('outbox'),
  login: $('login'),
  logout: $('logout'),
  state: $('state'),
  detail: $('error'),
  link: $('link'),
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
    // With the outbox on, a message can be written while offline: it waits in the queue.
    ui.send.disabled = !(state === 'connected' || (chat && chat.queues));
  },
  error(text) {
    ui.detail.textContent = text;
  },
  /** The `closed` event: the WebSocket close code and reason, and whether the SDK retries. */
  closed({ code, reason, willRetry }) {
    ui.link.dataset.closeCode = code === undefined ? '' : String(code);
    const why = reason ? ` "${reason}"` : '';
    ui.link.textContent = `link closed: code ${code}${why}${willRetry ? ', the SDK will reconnect' : ''}`;
  },
  /** The `reconnecting` event: which attempt, after how long a back-off wait. */
  reconnecting({ attempt, delayMs }) {
    ui.link.dataset.reconnects = String(attempt);
    const code = ui.link.dataset.closeCode;
    const wait = delayMs === null ? '' : ` after ${delayMs} ms`;
    ui.link.textContent = `reconnect attempt ${attempt}${wait}${code ? ` (last close code ${code})` : ''}`;
  },
  connected() {
    ui.link.dataset.reconnects = '0';
    ui.link.textContent = '';
  },
  incoming(from, text) {
    addRow('in', String(from), text, null);
  },
  status(row, status, detail = '') {
    row.dataset.status = status;
    row.querySelector('.status').textContent = detail ? `${status} (${detail})` : status;
  },
  /** Shows the outcome of a send's Promise on its row. */
  follow(row, outcome) {
    outcome.then(() => events.status(row, 'acknowledged'), (err) => events.status(row, 'failed', errorText(err)));
  },
};

/** An IMError as shown: "timeout", "refused 3", "code 3", "expired", ... */
function errorText(err) {
  if (!err) return '';
  if (err.status !== undefined && err.status !== null) return `${err.reason} ${err.status}`;
  if (typeof err.code === 'number') return `code ${err.code}`;
  return String(err.code || err.message);
}

// ---- GoBelieve: IMService ----

const GOBELIEVE_STATES = ['disconnected', 'connecting', 'connected', 'failed', 'auth-failed'];

function goBelieveChat() {
  let im = null;
  let me = '';
  let nextLocalId = 1;
  // The server also queues each message for its sender's other devices; a
  // sync after a reconnect can hand this page copies of what it sent itself.
  const sentHere = new Set(); // `${receiver}\n${content}`
  const onPeerMessage = (m) => {
    if (!m.isSelf) return events.incoming(m.sender, m.content);
    const key = `${m.receiver}\n${m.content}`;
    if (sentHere.delete(key)) return; // already on screen
    addRow('out', String(m.receiver), m.content, 'synced'); // sent from another device
  };
  const chat = {
    queues: false,
    start(uid, token, url, { outbox }) {
      me = uid;
      chat.queues = outbox;
      // One outbox per user, so two users in one browser keep their own queues.
      const kept = outbox ? { outbox: 'indexeddb', outboxName: `demo-${uid}` } : {};
      im = new sdk.IMService(null, { url, accessToken: token, ...kept });
      im.on('state', (d) => events.state(GOBELIEVE_STATES[d.new] || String(d.new)));
      im.on('closed', events.closed);
      im.on('reconnecting', events.reconnecting);
      im.on('connected', events.connected);
      im.on('authFailed', (d) => events.error(`the server refused the token (status ${d.code})`));
      im.on('message', (d) => d.kind === 'peer' && onPeerMessage(d.message));
      // Messages an earlier visit queued and never got acknowledged: shown again, sent when the link is up.
      im.on('restored', (d) => {
        for (const entry of d.entries) {
          const m = entry.message;
          sentHere.add(`${m.receiver}\n${m.content}`);
          events.follow(addRow('out', String(m.receiver), m.content, 'sending'), entry.done);
        }
      });
      im.start();
    },
    send(peer, text, row) {
      const msg = { sender: me, receiver: peer, content: text, msgLocalID: nextLocalId++ };
      sentHere.add(`${peer}\n${text}`);
      // Resolves on the server's ACK; rejects with an IMError (not connected, timeout, refused, ...).
      events.follow(row, im.sendPeerMessageAsync(msg));
    },
    stop() {
      im.stop(); // fails what still waits for an ACK (an outbox keeps it for the next visit)
      im.free();
      im = null;
    },
  };
  return chat;
}

// ---- MobileIMSDK: IMClientManager ----

/** Login codes of a server that was never reached (201, 202, 204): worth another try. */
const UNREACHED = new Set([201, 202, 204]);
/** The page's back-off between those first-login tries, in ms. */
const FIRST_LOGIN_RETRY_MS = [1000, 2000, 4000, 8000];

function mobileImChat() {
  let manager = null;
  let retry = null;
  // The seed's re-login starts only after a login succeeded, so a first login
  // that never reached the server (down, or the page reloaded during an
  // outage) is retried here, with back-off, until it succeeds or is refused.
  const firstLogin = (m, uid, token, attempt) => {
    m.loginAsync({ loginUserId: uid, loginToken: token }).catch((err) => {
      if (manager !== m) return; // logged out meanwhile
      if (!UNREACHED.has(err.code)) return events.state('failed', `login failed (${errorText(err)})`);
      const delayMs = FIRST_LOGIN_RETRY_MS[Math.min(attempt, FIRST_LOGIN_RETRY_MS.length) - 1];
      events.state('connecting', `the server is not reachable (code ${err.code}), trying again`);
      events.reconnecting({ attempt, delayMs });
      retry = setTimeout(() => firstLogin(m, uid, token, attempt + 1), delayMs);
    });
  };
  const chat = {
    queues: false,
    start(uid, token, url, { outbox }) {
      if (typeof sdk.IMClientManager !== 'function') {
        throw new Error('this imsdk build has no IMClientManager');
      }
      chat.queues = outbox;
      manager = sdk.IMClientManager.getInstance({
        wsUrl: url,
        logLevel: 'warn', // the default; any developer option turns the events on
        ...(outbox ? { outbox: 'indexeddb' } : {}),
        // The login state comes from the seed callbacks (IMClientManager has no 'state' event).
        chatBaseCB: {
          onLoginOrReloginSuccessCB: () => events.state('connected'),
          onLoginOrReloginFailCB: (code) => events.state('failed', `login refused (code ${code})`),
          onLinkCloseMessageCB: (code) => events.state('connecting', `link lost (code ${code}), logging in again`),
        },
      });
      manager.on('closed', events.closed);
      manager.on('reconnecting', events.reconnecting);
      manager.on('connected', events.connected);
      manager.on('kickedOut', (k) => events.state('disconnected', `kicked out (code ${k.code})`));
      manager.on('message', (d) => events.incoming(d.message.from, d.message.dataContent));
      manager.on('restored', (d) => {
        for (const entry of d.entries) {
          const m = entry.message;
          events.follow(addRow('out', String(m.toId), m.dataContent, 'sending'), entry.done);
        }
      });
      events.state('connecting');
      firstLogin(manager, uid, token, 1);
    },
    send(peer, text, row) {
      // QoS (the default): resolves on the receiver's ACK, rejects when the message is lost.
      events.follow(row, manager.sendAsync({ dataContent: text, toId: peer }));
    },
    stop() {
      clearTimeout(retry);
      manager.logout();
      manager.release(); // the next getInstance(options) builds a fresh manager
      manager = null;
    },
  };
  return chat;
}

// ---- the page ----

const chats = { gobelieve: goBelieveChat, mobileimsdk: mobileImChat };
let chat = null;

function defaultServer(protocol) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${protocol === 'mobileimsdk' ? '/websocket' : '/ws'}`;
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
  for (const el of [ui.protocol, ui.uid, ui.token, ui.server, ui.outbox, ui.login]) el.disabled = on;
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
        if (protocol !== 'mobileimsdk') throw e;
        token = 'demo';
      }
    }
    chat = chats[protocol]();
    chat.start(uid, token, ui.server.value.trim(), { outbox: ui.outbox.checked });
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
  // ?protocol=mobileimsdk&uid=1&peer=2&outbox=1 fills the forms, handy for bookmarking two windows.
  const q = new URLSearchParams(location.search);
  if (q.get('protocol') in chats) ui.protocol.value = q.get('protocol');
  ui.uid.value = q.get('uid') || '';
  ui.peer.value = q.get('peer') || '';
  ui.token.value = q.get('token') || '';
  ui.outbox.checked = q.get('outbox') === '1';
  ui.server.value = q.get('server') || defaultServer(ui.protocol.value);
}

ui.protocol.addEventListener('change', () => {
  const other = ui.protocol.value === 'mobileimsdk' ? 'gobelieve' : 'mobileimsdk';
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
