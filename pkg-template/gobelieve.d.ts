// Type definitions for `imsdk/gobelieve`: the GoBelieve IMService only, with
// its own wasm (gobelieve_bg.wasm, the default of init()). The declarations
// are those of the full package (imsdk.d.ts).
export { init, ready, setWebSocketImpl, IMService, IMError } from './imsdk.js';
/** `import IMService from 'imsdk/gobelieve'`. */
export { IMService as default } from './imsdk.js';
export type {
  InitInput, WebSocketConstructor, Id, IdInput, ConnectState, OutgoingMessage, OutgoingCustomerMessage,
  RelayOutgoingMessage, IMMessage, CustomerMessage, RelayMessage, FailureReason, IMServiceObserver,
  PeerMessageObserver, GroupMessageObserver, CustomerMessageObserver, RTMessageObserver, RoomMessageObserver,
  SystemMessageObserver, IMServiceOptions, IMErrorFields, IMServiceEvents, WaitOptions, CloseEvent, ReconnectingEvent,
  LogLevel, Logger, OutboxOption, OutboxStore, OutboxEntry, RestoredEntry, MessageKind, CloseInfo,
} from './imsdk.js';
