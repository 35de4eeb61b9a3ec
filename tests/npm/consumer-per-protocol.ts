// Compiled (not run) by pack.test.mjs against the installed package: the
// one-protocol entries type their own class and none of the other.
import { init, ready, setWebSocketImpl, IMService } from 'imsdk/gobelieve';
import type { IMMessage, IMServiceOptions } from 'imsdk/gobelieve';
import * as mobileimsdkModule from 'imsdk/mobileimsdk';
import DefaultService, { IMError } from 'imsdk/gobelieve';
import DefaultManager, { IMError as MobileimsdkError } from 'imsdk/mobileimsdk';
import type { Protocal, WSOptions } from 'imsdk/mobileimsdk';
// @ts-expect-error imsdk/gobelieve has no IMClientManager
import { IMClientManager } from 'imsdk/gobelieve';
// @ts-expect-error imsdk/mobileimsdk has no IMService
import { IMService as NoService } from 'imsdk/mobileimsdk';

declare const WS: { new (url: string): object };

async function gobelieve(options: IMServiceOptions): Promise<void> {
  setWebSocketImpl(WS);
  await init(new URL('file:///x/gobelieve_bg.wasm'));
  await ready();
  const im = new IMService({ handlePeerMessage: (m: IMMessage) => console.log(m.content) }, options);
  console.log(im.sendPeerMessage({ sender: 1, receiver: 2, content: 'hi', msgLocalID: 1 }), IMService.STATE_CONNECTED);
}

async function mobileimsdk(options: WSOptions): Promise<void> {
  mobileimsdkModule.setWebSocketImpl(WS);
  await mobileimsdkModule.init();
  const mgr = mobileimsdkModule.IMClientManager.getInstance({
    ...options,
    chatTransDataCB: { onTransBufferCB: (p: Protocal) => console.log(p.getDataContent()) },
  });
  mgr.login({ loginUserId: '1', loginToken: 't', callBack: (code: number) => console.log(code) });
  console.log(mobileimsdkModule.IMClientManager.COMMON_CODE_OK, IMClientManager, NoService);
}

// The default exports are the classes themselves; IMError is a class to test with instanceof.
async function defaults(): Promise<void> {
  const im: IMService = new DefaultService(null, { url: 'ws://127.0.0.1:1/ws' });
  try {
    await im.sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'hi' });
  } catch (e) {
    if (e instanceof IMError) {
      const code: number | string = e.code;
      const reason: string = e.reason;
      console.log(code, reason, e.status, e.name === 'IMError');
    }
  }
  const mgr: mobileimsdkModule.IMClientManager = DefaultManager.getInstance({ wsUrl: 'ws://127.0.0.1:1/websocket' });
  const made = new MobileimsdkError('imsdk: made here', { code: 3, reason: 'not connected' });
  console.log(mgr.isSharedInstance, made instanceof Error);
}

gobelieve({ url: 'ws://127.0.0.1:1/ws' });
defaults();
mobileimsdk({ wsUrl: 'ws://127.0.0.1:1/websocket' });
