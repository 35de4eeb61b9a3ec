// Type definitions for `imsdk/gobelieve`: the GoBelieve IMService only, with
// its own wasm (gobelieve_bg.wasm, the default of init()). The declarations
// are those of the full package (imsdk.d.ts).
export { init, ready, setWebSocketImpl, IMService } from './imsdk.js';
export type {
  InitInput, WebSocketConstructor, Id, IdInput, ConnectState, OutgoingMessage, OutgoingCustomerMessage,
  RelayOutgoingMessage, IMMessage, CustomerMessage, RelayMessage, FailureReason, IMServiceObserver,
  PeerMessageObserver, GroupMessageObserver, CustomerMessageObserver, RTMessageObserver, RoomMessageObserver,
  SystemMessageObserver, IMServiceOptions,
} from './imsdk.js';
