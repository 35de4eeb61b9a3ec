// Closing a socket that is still connecting must not crash a Node app: npm
// `ws` then emits "error" ("closed before the connection was established"),
// and an EventEmitter with no error listener throws it as an uncaught
// exception (seen killing chaos/soak workers).
import net from 'node:net';
import WebSocket from 'ws';
import { openSocket, setWebSocketImpl } from '../../js/transport.js';

// A TCP server that accepts and never answers the handshake.
const sockets = [];
const server = net.createServer((s) => sockets.push(s));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `ws://127.0.0.1:${server.address().port}/ws`;

const uncaught = [];
process.on('uncaughtException', (e) => uncaught.push(String(e)));
setWebSocketImpl(WebSocket);
const events = [];
const n = 20;
for (let i = 0; i < n; i++) {
  const t = openSocket(url, i, true, 1 << 16, (conn, kind) => events.push([conn, kind]));
  // Wait until the TCP connection is accepted, so ws is mid-handshake.
  const deadline = Date.now() + 5000;
  while (sockets.length <= i && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  t.close();
}
// ws reports the abort on a later tick; give it a bounded number of turns.
for (let i = 0; i < 50 && uncaught.length === 0; i++) await new Promise((r) => setImmediate(r));
sockets.forEach((s) => s.destroy());
server.close();
setWebSocketImpl(null);

const ok = uncaught.length === 0 && events.length === 0 && sockets.length === n;
console.log(`${ok ? 'PASS' : 'FAIL'}    closing ${n} connecting sockets: ${uncaught.length} uncaught errors, ${events.length} events after close, ${sockets.length} accepted`);
if (uncaught.length) console.log('  first: ' + uncaught[0]);
process.exit(ok ? 0 : 1);
