// Type definitions for `imsdk/mobileimsdk`: the MobileIMSDK IMClientManager
// only, with its own wasm (mobileimsdk_bg.wasm, the default of init()). The
// declarations are those of the full package (imsdk.d.ts).
export { init, ready, setWebSocketImpl, IMClientManager, IMError } from './imsdk.js';
/** `import IMClientManager from 'imsdk/mobileimsdk'`. */
export { IMClientManager as default } from './imsdk.js';
export type {
  InitInput, WebSocketConstructor, MimErrorCodes, MimProtocalTypes, Protocal, ChatBaseCallbacks,
  ChatTransDataCallbacks, MessageQoSCallbacks, SenseMode, WSOptions, LoginArgs, SendArgs, IMErrorFields,
  IMClientManagerEvents, WaitOptions, CloseEvent, ReconnectingEvent, LogLevel, Logger, OutboxOption, OutboxStore,
  OutboxEntry, RestoredEntry, CloseInfo,
} from './imsdk.js';
