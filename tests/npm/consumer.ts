// Compiled (not run) by pack.test.mjs against the installed package: the
// typings must accept the documented usage and reject obvious misuse.
import { init, ready, setWebSocketImpl, IMService, IMClientManager } from 'imsdk';
import type { IMMessage, FailureReason, OutgoingMessage, Protocal, ConnectState } from 'imsdk';

declare const WS: { new (url: string): object };
setWebSocketImpl(WS);

async function main(bytes: Uint8Array): Promise<void> {
  await init(bytes);
  await init(new URL('file:///x/imsdk_bg.wasm'));
  await ready();
  const im = new IMService({
    onConnectState(state: ConnectState) {
      if (state === IMService.STATE_CONNECTED) console.log('connected');
    },
    handlePeerMessage(msg: IMMessage) {
      const who: number | string = msg.sender;
      console.log(who, msg.content, msg.timestamp, msg.isSelf);
    },
    handleMessageACK(msg: OutgoingMessage) {
      console.log(msg.msgLocalID);
    },
    handleMessageFailure(msg: OutgoingMessage, why: FailureReason) {
      console.log(msg.msgLocalID, why.reason, why.status);
    },
  }, { host: '127.0.0.1', port: 13891, pingInterval: 60000 });
  im.accessToken = 'token';
  im.url = 'ws://127.0.0.1:1/ws';
  im.start();
  const sent: boolean = im.sendPeerMessage({ sender: 1, receiver: 2, content: 'hi', msgLocalID: 1 });
  console.log(sent, im.connectState, IMService.guid(), IMService.MESSAGE_FLAG_SELF, im.openSocketCount);
  im.stop();

  const mgr = IMClientManager.getInstance({
    wsUrl: 'ws://127.0.0.1:1/websocket',
    chatBaseCB: { onLoginOrReloginSuccessCB() {}, onKickoutCB: (k) => console.log(k.code, k.reason) },
    chatTransDataCB: { onTransBufferCB: (p: Protocal) => console.log(p.getDataContent(), p.fp, p.Qos) },
    messageQoSCB: { handleMessageLost: (lost: Protocal[]) => console.log(lost.length), messagesBeReceivedCB: (fp: string) => console.log(fp) },
    dialect: 'official',
    senseMode: 'MODE_5S',
  });
  mgr.login({ logiUserId: '1', loginToken: 't', app: 'test', callBack: (code: number) => console.log(code === IMClientManager.COMMON_CODE_OK) });
  mgr.send({ dataContent: 'x', toId: '2', Qos: true, typeu: 0, callBack: (code, p) => console.log(code, p) });
  console.log(IMClientManager.CLIENT_SDK_NO_INITIALED, IMClientManager.FROM_SERVER_TYPE_OF_KICKOUT, IMClientManager.getInitFlag());
  mgr.logout((code) => console.log(code));
  mgr.release();

  // @ts-expect-error content is required
  im.sendPeerMessage({ sender: 1, receiver: 2 });
  // @ts-expect-error connectState is read-only
  im.connectState = 2;
  // @ts-expect-error wsUrl is required
  IMClientManager.getInstance({ chatBaseCB: {} });
  // @ts-expect-error unknown dialect
  IMClientManager.getInstance({ wsUrl: 'ws://x/websocket', dialect: 'other' });
}
// The developer API (js/api): typed events, Promise forms, options.
async function developer(): Promise<void> {
  const im = new IMService(undefined, { getToken: async () => 'token', logLevel: 'debug', outbox: 'memory', outboxName: 'u1' });
  im.on('closed', (d) => { const code: number | undefined = d.code; const retry: boolean = d.willRetry; void code; void retry; });
  im.on('state', (d) => { const s: ConnectState = d.new; void s; });
  const sent = await im.sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'x', msgLocalID: 1 }, { signal: new AbortController().signal });
  const id: number | undefined = sent.msgLocalID;
  void id;
  // @ts-expect-error unknown event
  im.on('nope', () => {});
  // @ts-expect-error bad log level
  new IMService(undefined, { logLevel: 'verbose' });
  const mgr = IMClientManager.getInstance({ wsUrl: 'ws://x/websocket', outbox: { load: () => [], save() {}, remove() {} } });
  mgr.on('kickedOut', (d) => { const r: string | null = d.reason; void r; });
  await mgr.loginAsync({ loginUserId: 'u' });
  const p: Protocal = await mgr.sendAsync({ dataContent: 'x', toId: '2' });
  void p;
}
void main;
void developer;
