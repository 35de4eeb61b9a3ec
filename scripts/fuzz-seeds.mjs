// Writes the seed corpora of the decoder fuzz targets into fuzz/corpus/<target>/:
// - frames laid out by hand from the protocol specs (../shared/protocol/*.md),
//   independently of the Rust codec, including inputs at and just over the
//   32 KiB (GoBelieve body) and 64 KiB (MobileIMSDK frame) limits;
// - the frames a running dev server really sends (two users log in and chat
//   on each protocol), captured over WebSocket.
// Seeds are named spec-* and devserver-*; rerunning replaces them.
//
// Usage: node scripts/fuzz-seeds.mjs   (builds the dev server if it is missing)
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import WebSocket from "ws";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CORPUS = join(ROOT, "fuzz", "corpus");
const GOBELIEVE_MAX_BODY = 32768; // a body must be shorter than this
const MOBILEIMSDK_MAX_FRAME = 65536;
const PACKET = 4 << 1; // mobileimsdk_protocal: read the text as a Protocal

const seeds = new Map(); // target -> [name, bytes]
function seed(target, name, data) {
  if (!seeds.has(target)) seeds.set(target, []);
  seeds.get(target).push([name, Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8")]);
}

// ---- GoBelieve: 12-byte header {length i32, seq i32, cmd, version, flag, 0} ----
const i32 = (n) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const i64 = (n) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; };
const u8 = (n) => Buffer.from([n]);
const utf8 = (s) => Buffer.from(s, "utf8");
function gobelieveFrame(seq, cmd, version, flag, body) {
  return Buffer.concat([i32(body.length), i32(seq), Buffer.from([cmd, version, flag, 0]), body]);
}
const imBody = (v, sender, receiver, ts, msgid, text) =>
  Buffer.concat([i64(sender), i64(receiver), ...(v === 0 ? [] : [i32(ts)]), i32(msgid), utf8(text)]);

function gobelieveSpecSeeds() {
  const t = "gobelieve_frame";
  for (const v of [0, 1, 2]) {
    seed(t, `spec-im-v${v}`, gobelieveFrame(7, 4, v, 0, imBody(v, 1, 2, 1700000000, 5, "hello")));
    seed(t, `spec-group-im-v${v}`, gobelieveFrame(8, 8, v, 0x04, imBody(v, 1, 100, 1700000000, 6, "hi group")));
  }
  seed(t, "spec-auth-status-ok", gobelieveFrame(1, 3, 2, 0, i32(0)));
  seed(t, "spec-auth-status-refused", gobelieveFrame(1, 3, 2, 0, i32(1)));
  seed(t, "spec-ack-v1", gobelieveFrame(2, 5, 1, 0, i32(3)));
  seed(t, "spec-ack-v2-status", gobelieveFrame(2, 5, 2, 0, Buffer.concat([i32(3), u8(64)])));
  seed(t, "spec-group-notification", gobelieveFrame(3, 7, 2, 0, utf8('{"create":{"group_id":1,"master":1,"members":[1,2]}}')));
  seed(t, "spec-ping", gobelieveFrame(4, 13, 2, 0, Buffer.alloc(0)));
  seed(t, "spec-pong", gobelieveFrame(4, 14, 2, 0, Buffer.alloc(0)));
  seed(t, "spec-auth-token", gobelieveFrame(1, 15, 2, 0, Buffer.concat([u8(3), u8(5), utf8("token"), u8(3), utf8("dev")])));
  seed(t, "spec-auth-token-overrun", gobelieveFrame(1, 15, 2, 0, Buffer.from([3, 9, 0x61, 0])));
  seed(t, "spec-rt", gobelieveFrame(5, 17, 2, 0, Buffer.concat([i64(1), i64(2), utf8("rt")])));
  seed(t, "spec-enter-room", gobelieveFrame(5, 18, 2, 0, i64(9)));
  seed(t, "spec-leave-room", gobelieveFrame(5, 19, 2, 0, i64(9)));
  seed(t, "spec-room-im", gobelieveFrame(5, 20, 2, 0, Buffer.concat([i64(1), i64(9), utf8("room")])));
  seed(t, "spec-system", gobelieveFrame(5, 21, 2, 0, utf8("system text")));
  seed(t, "spec-unread-count", gobelieveFrame(5, 22, 2, 0, i32(3)));
  seed(t, "spec-legacy-24", gobelieveFrame(5, 24, 2, 0, Buffer.alloc(0)));
  for (const [cmd, name] of [[26, "sync"], [27, "sync-begin"], [28, "sync-end"], [29, "sync-notify"], [34, "sync-key"]]) {
    seed(t, `spec-${name}`, gobelieveFrame(6, cmd, 2, 0, i64(2n ** 53n + 1n)));
  }
  for (const [cmd, name] of [[30, "sync-group"], [31, "sync-group-begin"], [32, "sync-group-end"], [33, "sync-group-notify"], [35, "group-sync-key"]]) {
    seed(t, `spec-${name}`, gobelieveFrame(6, cmd, 2, 0x20, Buffer.concat([i64(100), i64(12)])));
  }
  seed(t, "spec-metadata", gobelieveFrame(9, 37, 2, 0, Buffer.concat([i64(12), i64(11), Buffer.alloc(16)])));
  seed(t, "spec-notification", gobelieveFrame(9, 36, 2, 0, utf8('{"kind":"n"}')));
  seed(t, "spec-customer", gobelieveFrame(9, 64, 2, 0,
    Buffer.concat([i64(7), i64(1), i64(7), i64(2), i32(1700000000), utf8('{"text":"cs"}')])));
  // Limits: the largest body allowed, the first refused, a negative length, short and truncated frames.
  const maxText = "x".repeat(GOBELIEVE_MAX_BODY - 1 - 24);
  seed(t, "spec-im-max-body", gobelieveFrame(10, 4, 2, 0, imBody(2, 1, 2, 0, 1, maxText)));
  seed(t, "spec-im-over-limit", gobelieveFrame(10, 4, 2, 0, imBody(2, 1, 2, 0, 1, maxText + "x")));
  seed(t, "spec-negative-length", Buffer.concat([i32(-1), i32(1), Buffer.from([4, 2, 0, 0])]));
  seed(t, "spec-short-header", Buffer.from([0, 0, 0]));
  seed(t, "spec-truncated", gobelieveFrame(1, 4, 2, 0, imBody(2, 1, 2, 0, 1, "cut")).subarray(0, 20));
  seed(t, "spec-invalid-utf8", gobelieveFrame(1, 21, 2, 0, Buffer.from([0xff, 0xfe, 0xc3])));
}

// ---- MobileIMSDK: one Protocal JSON per text frame ----
const protocal = (o, dialect = "official") => {
  const base = { bridge: false, type: 0, dataContent: null, from: "0", to: "1", fp: null };
  const p = { ...base, ...o };
  return dialect === "official"
    ? JSON.stringify({ ...p, QoS: o.QoS ?? false, typeu: o.typeu ?? -1, sm: o.sm ?? -1 })
    : JSON.stringify({ ...p, Qos: o.QoS ?? false, typeu: o.typeu ?? -1, retryCount: 0, sendTs: null });
};

function mobileimsdkSpecSeeds() {
  const texts = [
    ["keepalive-response", protocal({ type: 51, dataContent: "{}" })],
    ["login-response-ok", protocal({ type: 50, dataContent: '{"code":0,"firstLoginTime":1700000000000}' })],
    ["login-response-refused", protocal({ type: 50, dataContent: '{"code":1,"firstLoginTime":-1}' })],
    ["data-qos", protocal({ type: 2, dataContent: "hello", from: "2", fp: "6b1c4f0e-0d3b-4a8e-9a5e-3c1f2b7d9e11", QoS: true, typeu: 0, sm: 1700000000000 })],
    ["ack", protocal({ type: 4, dataContent: "6b1c4f0e-0d3b-4a8e-9a5e-3c1f2b7d9e11", from: "2" })],
    ["error-301", protocal({ type: 52, dataContent: '{"errorCode":301,"errorMsg":"{}"}' })],
    ["kickout", protocal({ type: 54, dataContent: '{"code":1,"reason":"duplicate login"}' })],
    ["echo-response", protocal({ type: 53, dataContent: "echo" })],
    ["gson-lenient", '{"type":"2","QoS":"true","dataContent":12,"from":7,"to":"1","fp":"f","typeu":"3","sm":"-1"}'],
    ["missing-keys", '{"type":2}'],
    ["srt-login", protocal({ type: 0, dataContent: '{"loginUserId":"1","loginToken":"token","extra":null,"app":"appName"}', from: "1", to: "0" }, "srt")],
    ["srt-ack-54", protocal({ type: 54, dataContent: "fp-1", from: "2" }, "srt")],
  ];
  // Data packets whose frame is exactly at and just over the 64 KiB limit.
  const frameOf = (n) => protocal({ type: 2, dataContent: "y".repeat(n), from: "2", fp: "f", QoS: true, typeu: 0 });
  const overhead = frameOf(0).length;
  texts.push(["data-at-limit", frameOf(MOBILEIMSDK_MAX_FRAME - overhead)]);
  texts.push(["data-over-limit", frameOf(MOBILEIMSDK_MAX_FRAME - overhead + 1)]);
  const json = [
    ["nesting-64", "[".repeat(64) + "]".repeat(64)],
    ["nesting-65", "[".repeat(65) + "]".repeat(65)],
    ["numbers", "[0,-0,1e3,-1.5E-7,9007199254740993,9223372036854775807,9223372036854775808,1e400,0.1]"],
    ["escapes", '["\\u0041\\ud83d\\ude00\\ud800x\\udc00","\\b\\f\\n\\r\\t\\/\\\\\\""]'],
    ["object-dup-keys", '{"a":1,"a":{"b":[true,false,null]}}'],
    ["whitespace", ' \t\r\n{ "k" : [ ] } \n'],
    ["bad-trailing", "{} x"],
    ["bad-control", '"a\u0001b"'],
  ];
  for (const [name, text] of [...texts, ...json]) seed("mobileimsdk_json", `spec-${name}`, text);
  // mobileimsdk_protocal's first byte: bit 0 the dialect (1 = SRT), the rest the reader
  // (0 PLoginInfo, 1 PLoginInfoResponse, 2 PErrorResponse, 3 PKickoutInfo, 4 Protocal).
  for (const [name, text] of texts) {
    seed("mobileimsdk_protocal", `spec-${name}`, Buffer.concat([u8(PACKET | (name.startsWith("srt") ? 1 : 0)), utf8(text)]));
  }
  const bodies = [
    ["login", 0, '{"loginUserId":"1","loginToken":"t","extra":"x","firstLoginTime":0}'],
    ["login-response", 1, '{"code":0,"firstLoginTime":5}'],
    ["error", 2, '{"errorCode":301,"errorMsg":"m"}'],
    ["kickout", 3, '{"code":101,"reason":"admin"}'],
  ];
  for (const [name, reader, body] of bodies) {
    seed("mobileimsdk_protocal", `spec-body-${name}`, Buffer.concat([u8(reader << 1), utf8(body)]));
  }
}

// ---- the dev server's real frames ----
async function startDevserver() {
  const bin = join(ROOT, "target", "debug", "devserver");
  if (!existsSync(bin)) execFileSync("cargo", ["build", "-p", "imsdk-devserver"], { cwd: ROOT, stdio: "inherit" });
  const child = spawn(bin, ["--host", "127.0.0.1", "--port", "0", "--exit-on-stdin-close",
    "--token", "ta=1", "--token", "tb=2", "--mobileimsdk-accept-all"], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", resolve);
    child.once("exit", () => reject(new Error("devserver exited early")));
    setTimeout(() => reject(new Error("devserver did not start within 30 s")), 30000);
  });
  const url = /listening on (http:\/\/\S+)/.exec(line)[1].replace("http", "ws");
  return { url, stop: () => child.kill() };
}

function connect(url, onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = "nodebuffer";
    ws.on("message", (data, isBinary) => onFrame(isBinary ? data : data.toString("utf8")));
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

const wait = (what, cond, ms = 5000) => new Promise((resolve, reject) => {
  const deadline = Date.now() + ms;
  const poll = () => cond() ? resolve() : Date.now() > deadline ? reject(new Error(`timed out: ${what}`)) : setTimeout(poll, 10);
  poll();
});

async function devserverSeeds() {
  const server = await startDevserver();
  try {
    // GoBelieve: two users authenticate, sync, and exchange a peer message and its ACK.
    const gobelieve = { a: [], b: [] };
    const a = await connect(`${server.url}/ws`, (f) => gobelieve.a.push(f));
    const b = await connect(`${server.url}/ws`, (f) => gobelieve.b.push(f));
    const auth = (tok) => Buffer.concat([u8(3), u8(tok.length), utf8(tok), u8(3), utf8("dev")]);
    a.send(gobelieveFrame(1, 15, 2, 0, auth("ta")));
    b.send(gobelieveFrame(1, 15, 2, 0, auth("tb")));
    a.send(gobelieveFrame(2, 26, 2, 0, i64(0)));
    b.send(gobelieveFrame(2, 26, 2, 0, i64(0)));
    await wait("GoBelieve auth", () => gobelieve.a.length > 0 && gobelieve.b.length > 0);
    a.send(gobelieveFrame(3, 4, 2, 0, imBody(2, 1, 2, 0, 1, '{"text":"hello from the seed script"}')));
    a.send(gobelieveFrame(4, 13, 2, 0, Buffer.alloc(0)));
    await wait("GoBelieve delivery", () => gobelieve.b.some((f) => f[8] === 4) && gobelieve.a.some((f) => f[8] === 5));
    b.send(gobelieveFrame(3, 26, 2, 0, i64(0)));
    await new Promise((r) => setTimeout(r, 200));
    a.close(); b.close();
    [...gobelieve.a, ...gobelieve.b].forEach((f, i) => seed("gobelieve_frame", `devserver-${i}`, f));

    // MobileIMSDK: two users log in and exchange a QoS message, its ACK and a keep-alive.
    const mobileimsdk = { a: [], b: [] };
    const ma = await connect(`${server.url}/websocket`, (f) => mobileimsdk.a.push(f));
    const mb = await connect(`${server.url}/websocket`, (f) => mobileimsdk.b.push(f));
    const login = (uid) => protocal({ type: 0, dataContent: JSON.stringify({ loginUserId: uid, loginToken: "t", extra: null, firstLoginTime: 0 }), from: uid, to: "0" });
    ma.send(login("1"));
    mb.send(login("2"));
    await wait("MobileIMSDK login", () => mobileimsdk.a.length > 0 && mobileimsdk.b.length > 0);
    ma.send(protocal({ type: 2, dataContent: "hello from the seed script", from: "1", to: "2", fp: "seed-fp-1", QoS: true, typeu: 0 }));
    ma.send(protocal({ type: 1, dataContent: "{}", from: "1", to: "0" }));
    await wait("MobileIMSDK delivery", () => mobileimsdk.b.some((f) => f.includes('"type":2')) && mobileimsdk.a.length > 2);
    ma.close(); mb.close();
    [...mobileimsdk.a, ...mobileimsdk.b].forEach((f, i) => {
      seed("mobileimsdk_json", `devserver-${i}`, f);
      seed("mobileimsdk_protocal", `devserver-${i}`, Buffer.concat([u8(PACKET), utf8(f)]));
    });
  } finally {
    server.stop();
  }
}

gobelieveSpecSeeds();
mobileimsdkSpecSeeds();
await devserverSeeds();
for (const [target, list] of seeds) {
  const dir = join(CORPUS, target);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (/^(spec|devserver)-/.test(f)) rmSync(join(dir, f));
  for (const [name, data] of list) writeFileSync(join(dir, name), data);
  console.log(`${target}: ${list.length} seeds`);
}
process.exit(0);
