// Type definitions for imsdk (hand-written; tests/npm/pack.test.mjs checks
// that every member of the JS classes over the engines appears here and compiles them).

// ---------------------------------------------------------------- loading

/** What `init()` accepts: a URL (string or URL), a Response (or a promise of one), bytes or a compiled module. */
export type InitInput =
  | string
  | URL
  | Request
  | Response
  | PromiseLike<Response>
  | BufferSource
  | WebAssembly.Module;

/**
 * Loads the wasm. Default: `imsdk_bg.wasm` next to this module (in Node a
 * file: URL, read from disk). Idempotent: later calls return the first call's
 * promise and ignore their input. Call it before constructing a class to
 * choose the source; classes constructed earlier start the default load.
 */
export function init(input?: InitInput): Promise<void>;

/** Resolves once the wasm is loaded (starting the default load if nothing has). */
export function ready(): Promise<void>;

/** A WebSocket-compatible constructor, such as the default export of npm `ws`. */
export interface WebSocketConstructor {
  new (url: string): unknown;
}

/** Uses `impl` for every new socket (Node has no global WebSocket before v22); `null` restores the default. */
export function setWebSocketImpl(impl: WebSocketConstructor | null): void;

// ------------------------------------------------------------- IMService

/**
 * A 64-bit id: a Number below 2^53 in magnitude, else a decimal string; BigInt accepted on input.
 * A Number at or above 2^53 is refused (RangeError): it is no longer exact.
 */
export type Id = number | string;
export type IdInput = number | string | bigint;

/** `IMService.STATE_*`. */
export type ConnectState = 0 | 1 | 2 | 3 | 4;

/** What `sendPeerMessage` and `sendGroupMessage` take; the same object comes back in the ACK/failure callbacks. */
export interface OutgoingMessage {
  sender: IdInput;
  /** Peer uid, or the group id for `sendGroupMessage`. */
  receiver: IdInput;
  content: string;
  /** Seconds; the server overwrites it. An integer from -2^31 to 2^32 - 1 (NaN, Infinity, fractions throw). */
  timestamp?: number;
  /** An integer from -2^31 to 2^32 - 1. */
  msgLocalID?: number;
  [key: string]: unknown;
}

/** What `sendCustomerMessage` takes (cmd 64). */
export interface OutgoingCustomerMessage {
  senderAppID: IdInput;
  sender: IdInput;
  receiverAppID: IdInput;
  receiver: IdInput;
  content: string;
  timestamp?: number;
  [key: string]: unknown;
}

/** What `sendRTMessage` and `sendRoomMessage` take (`receiver` = room id for a room). */
export interface RelayOutgoingMessage {
  sender: IdInput;
  receiver: IdInput;
  content: string;
}

/** A received peer (cmd 4) or group (cmd 8) message. */
export interface IMMessage {
  /** The server's packet seq. */
  seq: number;
  cmd: number;
  flag: number;
  /** `(flag & MESSAGE_FLAG_SELF) !== 0`: sent by this user from another device. */
  isSelf: boolean;
  sender: Id;
  receiver: Id;
  /** Server time in seconds. */
  timestamp: number;
  content: string;
}

/** A received customer-service message (cmd 64). */
export interface CustomerMessage {
  seq: number;
  cmd: 64;
  flag: number;
  isSelf: boolean;
  senderAppID: Id;
  sender: Id;
  receiverAppID: Id;
  receiver: Id;
  timestamp: number;
  content: string;
}

/** A received real-time (cmd 17) or room (cmd 20) message. */
export interface RelayMessage {
  seq: number;
  cmd: number;
  flag: number;
  sender: Id;
  receiver: Id;
  content: string;
}

/** Why a message failed (second argument of the failure callbacks). */
export interface FailureReason {
  /** refused: the server's ACK carried a non-zero status; timeout: no ACK in time; disconnected / stopped: the link went first. */
  reason: 'refused' | 'timeout' | 'disconnected' | 'stopped';
  /** The ACK status when refused (1, 2, 3: relationship checks), else undefined. */
  status?: number;
}

/** The era-E observer: every callback optional; era-F observers take precedence for their kind. */
export interface IMServiceObserver {
  onConnectState?(state: ConnectState): void;
  handlePeerMessage?(msg: IMMessage): void;
  handleMessageACK?(msg: OutgoingMessage): void;
  handleMessageFailure?(msg: OutgoingMessage, reason: FailureReason): void;
  handleGroupMessage?(msg: IMMessage): void;
  handleGroupMessageACK?(msg: OutgoingMessage): void;
  handleGroupMessageFailure?(msg: OutgoingMessage, reason: FailureReason): void;
  handleGroupNotification?(json: string): void;
  handleCustomerMessage?(msg: CustomerMessage): void;
  handleCustomerMessageACK?(msg: OutgoingCustomerMessage): void;
  handleCustomerMessageFailure?(msg: OutgoingCustomerMessage, reason: FailureReason): void;
  handleRTMessage?(msg: RelayMessage): void;
  handleRoomMessage?(msg: RelayMessage): void;
  handleSystemMessage?(text: string): void;
  handleNotification?(text: string): void;
  saveSyncKey?(key: Id): void;
  saveSuperGroupSyncKey?(gid: Id, key: Id): void;
  handleSyncEnd?(key: Id): void;
}

export interface PeerMessageObserver {
  handlePeerMessage?(msg: IMMessage): void;
  handlePeerMessageACK?(msg: OutgoingMessage): void;
  handlePeerMessageFailure?(msg: OutgoingMessage, reason: FailureReason): void;
}
export interface GroupMessageObserver {
  handleGroupMessage?(msg: IMMessage): void;
  handleGroupMessageACK?(msg: OutgoingMessage): void;
  handleGroupMessageFailure?(msg: OutgoingMessage, reason: FailureReason): void;
  handleGroupNotification?(json: string): void;
}
export interface CustomerMessageObserver {
  handleCustomerMessage?(msg: CustomerMessage): void;
  handleCustomerMessageACK?(msg: OutgoingCustomerMessage): void;
  handleCustomerMessageFailure?(msg: OutgoingCustomerMessage, reason: FailureReason): void;
}
export interface RTMessageObserver {
  handleRTMessage?(msg: RelayMessage): void;
}
export interface RoomMessageObserver {
  handleRoomMessage?(msg: RelayMessage): void;
}
export interface SystemMessageObserver {
  handleSystemMessage?(text: string): void;
}

/** Second constructor argument: any of these properties, set before the first `start()`. */
export interface IMServiceOptions {
  host?: string;
  port?: number;
  protocol?: 'ws://' | 'wss://';
  url?: string;
  accessToken?: string;
  deviceID?: string;
  platformID?: number;
  syncKey?: IdInput;
  protocolVersion?: 1 | 2;
  ackTimeout?: number;
  pingInterval?: number;
  pongTimeout?: number;
  reconnectDelay?: number;
  reconnectMaxDelay?: number;
  connectTimeout?: number;
  /**
   * Most messages waiting for their ACK at once (1 to 10,000,000; default 10000; an option only): at
   * the bound a further send returns false and writes nothing; the waiting ones are kept.
   */
  maxPending?: number;
}

/** GoBelieve IM client with the im.js API. */
export class IMService {
  constructor(observer?: IMServiceObserver | null, options?: IMServiceOptions);

  // <generated by src/engine/js_tables.rs: IMService constants>
  static readonly STATE_UNCONNECTED: 0;
  static readonly STATE_CONNECTING: 1;
  static readonly STATE_CONNECTED: 2;
  static readonly STATE_CONNECTFAIL: 3;
  static readonly STATE_AUTHENTICATION_FAIL: 4;
  static readonly MESSAGE_FLAG_TEXT: 1;
  static readonly MESSAGE_FLAG_UNPERSISTENT: 2;
  static readonly MESSAGE_FLAG_GROUP: 4;
  static readonly MESSAGE_FLAG_SELF: 8;
  static readonly MESSAGE_FLAG_PUSH: 16;
  static readonly MESSAGE_FLAG_SUPER_GROUP: 32;
  static readonly PLATFORM_IOS: 1;
  static readonly PLATFORM_ANDROID: 2;
  static readonly PLATFORM_WEB: 3;
  static readonly PLATFORM_WIN: 4;
  static readonly PLATFORM_OSX: 5;
  // </generated>
  /** A random `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` identifier. */
  static guid(): string;

  observer: IMServiceObserver | null | undefined;
  peerMessageObserver: PeerMessageObserver | null | undefined;
  groupMessageObserver: GroupMessageObserver | null | undefined;
  customerMessageObserver: CustomerMessageObserver | null | undefined;
  rtMessageObserver: RTMessageObserver | null | undefined;
  systemMessageObserver: SystemMessageObserver | null | undefined;
  roomMessageObserver: RoomMessageObserver | null | undefined;

  /** Server host (default `imnode2.gobelieve.io`). */
  host: string;
  /** Server port (default 13891, 14891 on an https: page). */
  port: number;
  /** `'ws://'` or `'wss://'`; undefined: derived from the page. */
  protocol: 'ws://' | 'wss://' | undefined;
  /** The full WebSocket URL (default `protocol + host + ':' + port + '/ws'`); setting it overrides the three. */
  get url(): string;
  set url(value: string | null | undefined);
  /** Must be set before `start()`; changing it after an authentication failure retries. */
  accessToken: string;
  /** Default: a random GUID. */
  deviceID: string;
  /** The pre-2020 name of `deviceID`. */
  device_id: string;
  /** Default `PLATFORM_WEB` (3). */
  platformID: number;
  /** 2 (default, ACKs carry a status) or 1 for old servers. */
  protocolVersion: number;
  /** The peer-queue sync position; restore it before `start()`. */
  get syncKey(): Id;
  set syncKey(value: IdInput | null | undefined);
  /** One of the `STATE_*` values. */
  readonly connectState: ConnectState;

  /** ACK deadline per message in ms (default 5000). */
  ackTimeout: number;
  /** Time between PINGs in ms (default 180000). */
  pingInterval: number;
  /** PONG deadline in ms (default 3000). */
  pongTimeout: number;
  /** Base of the reconnect back-off in ms (default 1000). */
  reconnectDelay: number;
  /** Cap of the reconnect back-off in ms (default 60000). */
  reconnectMaxDelay: number;
  /** A socket not open within this many ms counts as failed (default 20000). */
  connectTimeout: number;

  /** Sockets currently open (diagnostics). */
  readonly openSocketCount: number;
  /** True while a timer is armed (diagnostics: none after `stop()`). */
  readonly timerArmed: boolean;
  /** True while the network/visibility listeners are registered (from `start()` to `stop()`). */
  readonly watchingEnvironment: boolean;
  /** The last connection that closed (code 1009: the server sent a frame over the protocol maximum). */
  readonly lastClose: CloseInfo | undefined;
  /** Bytes of wasm memory (diagnostics; it never shrinks); 0 before the wasm has loaded. */
  static readonly wasmMemoryBytes: number;

  /** Connects, and reconnects with back-off, until `stop()`. */
  start(): void;
  /** Closes now: pending messages fail with `stopped`, the state becomes 0. */
  stop(): void;
  /** False when not connected (nothing is queued); throws TypeError/RangeError on bad fields. */
  sendPeerMessage(msg: OutgoingMessage): boolean;
  sendGroupMessage(msg: OutgoingMessage): boolean;
  sendCustomerMessage(msg: OutgoingCustomerMessage): boolean;
  /** Not stored, not acknowledged. */
  sendRTMessage(msg: RelayOutgoingMessage): boolean;
  /** To the room entered with `enterRoom`. */
  sendRoomMessage(msg: RelayOutgoingMessage): boolean;
  /** One room at a time; re-entered after every reconnect. */
  enterRoom(roomID: IdInput): void;
  leaveRoom(roomID: IdInput): void;
  addSuperGroupSyncKey(gid: IdInput, key: IdInput | null | undefined): void;
  removeSuperGroupSyncKey(gid: IdInput): void;
  clearSuperGroupSyncKey(): void;
  /** Disconnects until `enterForeground()` (mini-programs do this on app hide by themselves). */
  enterBackground(): void;
  enterForeground(): void;
  /** `'wifi'` or `'cell'` (any case) reconnects now; anything else suspends. */
  handleConnectivityChange(reach: string): void;
  /** Stops the service, then releases the wasm object. A started service otherwise stays alive until `stop()`. */
  free(): void;
}

/** How a connection closed: the WebSocket close code and reason, and whether it was an error. */
export interface CloseInfo {
  code: number;
  reason: string;
  error: boolean;
}

// ------------------------------------------------------- IMClientManager

/** The seed's `ErrorCode` values (also static members of `IMClientManager`). */
export interface MimErrorCodes {
  // <generated by src/engine/js_tables.rs: codes>
  COMMON_CODE_OK: 0;
  COMMON_NO_LOGIN: 1;
  COMMON_UNKNOW_ERROR: 2;
  COMMON_DATA_SEND_FAILD: 3;
  COMMON_INVALID_PROTOCAL: 4;
  BREOKEN_CONNECT_TO_SERVER: 201;
  BAD_CONNECT_TO_SERVER: 202;
  CLIENT_SDK_NO_INITIALED: 203;
  LOCAL_NETWORK_NOT_WORKING: 204;
  TO_SERVER_NET_INFO_NOT_SETUP: 205;
  RESPONSE_FOR_UNLOGIN: 301;
  // </generated>
}

/** The seed's `ProtocalType` values plus the official kick-out (also static members). */
export interface MimProtocalTypes {
  // <generated by src/engine/js_tables.rs: packet types>
  FROM_CLIENT_TYPE_OF_LOGIN: 0;
  FROM_CLIENT_TYPE_OF_KEEP$ALIVE: 1;
  FROM_CLIENT_TYPE_OF_COMMON$DATA: 2;
  FROM_CLIENT_TYPE_OF_LOGOUT: 3;
  FROM_CLIENT_TYPE_OF_RECIVED: 4;
  FROM_CLIENT_TYPE_OF_ECHO: 5;
  FROM_SERVER_TYPE_OF_RESPONSE$LOGIN: 50;
  FROM_SERVER_TYPE_OF_RESPONSE$KEEP$ALIVE: 51;
  FROM_SERVER_TYPE_OF_RESPONSE$FOR$ERROR: 52;
  FROM_SERVER_TYPE_OF_RESPONSE$ECHO: 53;
  FROM_SERVER_TYPE_OF_RESPONSE$RECIVED: 54;
  FROM_SERVER_TYPE_OF_KICKOUT: 54;
  // </generated>
}

/** A MobileIMSDK packet as handed to callbacks: plain properties and the seed's accessors. */
export interface Protocal {
  bridge: boolean;
  type: number;
  dataContent: string | null;
  from: string;
  to: string;
  fp: string | null;
  /** Official name of the QoS flag. */
  QoS: boolean;
  /** The seed's name of the QoS flag. */
  Qos: boolean;
  typeu: number;
  /** Server timestamp in ms, -1 when none. */
  sm: number;
  /** The seed's name for `sm`; null when none. */
  sendTs: number | null;
  retryCount: number;
  getType(): number;
  getDataContent(): string | null;
  getFrom(): string;
  getTo(): string;
  getFp(): string | null;
  getRetryCount(): number;
  isQoS(): boolean;
  isBridge(): boolean;
  getTypeu(): number;
  /** The official wire form (JSON). */
  toGsonString(): string;
}

/** `chatBaseCB`: login results and link state. The code argument is an addition to the seed (which passed none). */
export interface ChatBaseCallbacks {
  onLoginOrReloginSuccessCB?(code?: number): void;
  onLoginOrReloginFailCB?(code?: number): void;
  /** Link lost (-1: heartbeat timeout, socket closed, kick-out; -9999: local network offline). */
  onLinkCloseMessageCB?(code?: number): void;
  /** Kicked out by another login of the same user: no automatic re-login follows. */
  onKickoutCB?(info: { code: number; reason: string | null }): void;
}

/** `chatTransDataCB`: incoming data and server errors. */
export interface ChatTransDataCallbacks {
  onTransBufferCB?(protocal: Protocal): void;
  onTransErrorCB?(error: { errorCode: number; errorMsg: string }): void;
}

/** `messageQoSCB`: the end of every QoS message sent: received or lost. */
export interface MessageQoSCallbacks {
  handleMessageLost?(lost: Protocal[]): void;
  messagesBeReceivedCB?(fingerPrint: string): void;
}

/** Server heartbeat sense mode: seconds or the official name. */
export type SenseMode = 3 | 5 | 10 | 15 | 30 | 60 | 120 | 'MODE_3S' | 'MODE_5S' | 'MODE_10S' | 'MODE_15S' | 'MODE_30S' | 'MODE_60S' | 'MODE_120S';

/** The seed's `WSOptions` plus the dialect and timing options (all ms). */
export interface WSOptions {
  /** `ws://host:port/websocket`, used verbatim. */
  wsUrl: string;
  chatBaseCB?: ChatBaseCallbacks;
  chatTransDataCB?: ChatTransDataCallbacks;
  messageQoSCB?: MessageQoSCallbacks;
  /** `'official'` (default, MobileIMSDK v6) or `'srt'` (the seed SDK's private server). */
  dialect?: 'official' | 'srt';
  /** SRT dialect only: ACK with the seed's addressing (from = original sender, to = "0"). */
  srtSeedAckAddressing?: boolean;
  /** Keep-alive timings matched to the server (default MODE_5S: 5000 / 8000). */
  senseMode?: SenseMode;
  keepAliveInterval?: number;
  keepAliveTimeout?: number;
  /** Automatic re-login period (default 3000). */
  reloginInterval?: number;
  /** QoS send daemon check period (default 5000). */
  qosCheckInterval?: number;
  /** Messages sent more recently than this are not resent yet (default 3000). */
  qosJustNow?: number;
  /** Resends before a message is reported lost (default 2). */
  qosMaxResends?: number;
  /**
   * Most QoS messages waiting for their ACK at once (1 to 10,000,000; default 10000): at the bound a
   * further QoS `send` calls back 3 and writes nothing; the waiting ones are kept.
   */
  maxPending?: number;
  connectTimeout?: number;
}

export interface LoginArgs {
  loginUserId?: string | number;
  /** The seed README's spelling, accepted as an alias of `loginUserId`. */
  logiUserId?: string | number;
  /** Optional when `getToken` is set in the options: the SDK asks for one. */
  loginToken?: string;
  app?: string;
  extra?: string;
  /** Fires once: 0 logged in, the server's refusal code, or 201/202/203/204. */
  callBack?(code: number): void;
}

export interface SendArgs {
  dataContent: string;
  toId: string | number;
  /** Default true: acknowledged and resent until received or lost. */
  Qos?: boolean;
  /** Default: a UUID when `Qos` is true. */
  fingerPrint?: string;
  typeu?: number;
  /** 0 written; 1 not logged in; 3 not connected; 4 bad argument (with an Error naming the field); 203 released; 206 the fingerPrint of a QoS message still waiting for its ACK. */
  callBack?(code: number, protocal?: Protocal | Error): void;
}

/** The MobileIMSDK client with the seed's API: a singleton until `release()`. */
export class IMClientManager {
  /**
   * With options: builds the shared manager when none exists (or after
   * `release()` / `resetInitFlag()`), else returns the existing one.
   * Without options and without an instance: throws an Error with `code` 203.
   */
  static getInstance(options?: WSOptions): IMClientManager;
  /** True while a shared instance exists and its init flag is set. */
  static getInitFlag(): boolean;

  // <generated by src/engine/js_tables.rs: IMClientManager constants>
  static readonly COMMON_CODE_OK: 0;
  static readonly COMMON_NO_LOGIN: 1;
  static readonly COMMON_UNKNOW_ERROR: 2;
  static readonly COMMON_DATA_SEND_FAILD: 3;
  static readonly COMMON_INVALID_PROTOCAL: 4;
  static readonly BREOKEN_CONNECT_TO_SERVER: 201;
  static readonly BAD_CONNECT_TO_SERVER: 202;
  static readonly CLIENT_SDK_NO_INITIALED: 203;
  static readonly LOCAL_NETWORK_NOT_WORKING: 204;
  static readonly TO_SERVER_NET_INFO_NOT_SETUP: 205;
  static readonly RESPONSE_FOR_UNLOGIN: 301;
  static readonly FROM_CLIENT_TYPE_OF_LOGIN: 0;
  static readonly FROM_CLIENT_TYPE_OF_KEEP$ALIVE: 1;
  static readonly FROM_CLIENT_TYPE_OF_COMMON$DATA: 2;
  static readonly FROM_CLIENT_TYPE_OF_LOGOUT: 3;
  static readonly FROM_CLIENT_TYPE_OF_RECIVED: 4;
  static readonly FROM_CLIENT_TYPE_OF_ECHO: 5;
  static readonly FROM_SERVER_TYPE_OF_RESPONSE$LOGIN: 50;
  static readonly FROM_SERVER_TYPE_OF_RESPONSE$KEEP$ALIVE: 51;
  static readonly FROM_SERVER_TYPE_OF_RESPONSE$FOR$ERROR: 52;
  static readonly FROM_SERVER_TYPE_OF_RESPONSE$ECHO: 53;
  static readonly FROM_SERVER_TYPE_OF_RESPONSE$RECIVED: 54;
  static readonly FROM_SERVER_TYPE_OF_KICKOUT: 54;
  // </generated>

  /** Connects and logs in; re-logins after a link loss are automatic. */
  login(args: LoginArgs): void;
  /** Sends `dataContent` to `toId`; a QoS message ends in `messagesBeReceivedCB` or `handleMessageLost`. */
  send(args: SendArgs): void;
  /** Sends the logout packet when logged in, then closes the link; the instance can log in again. */
  logout(callBack?: (code: number) => void): void;
  /** Stops every daemon, reports waiting QoS messages through `handleMessageLost`, closes the socket; the next `getInstance(options)` builds anew. */
  release(): void;
  /** Clears the init flag, so the next `getInstance(options)` builds a new manager. */
  resetInitFlag(): void;
  getBaseEventListener(): ChatBaseCallbacks | undefined;
  getTransDataListener(): ChatTransDataCallbacks | undefined;
  getMessageQoSListener(): MessageQoSCallbacks | undefined;

  /** Sockets currently open (diagnostics). */
  readonly openSocketCount: number;
  /** True while a timer is armed (diagnostics: none after logout or release). */
  readonly timerArmed: boolean;
  /** True while the network/app listeners are registered (until `release()`). */
  readonly watchingEnvironment: boolean;
  /** The last connection that closed (code 1009: the server sent a frame over the protocol maximum). */
  readonly lastClose: CloseInfo | undefined;
  /** Bytes of wasm memory (diagnostics; it never shrinks); 0 before the wasm has loaded. */
  static readonly wasmMemoryBytes: number;
  /** True after a successful login until logout, release, kick-out or a 301. */
  readonly loggedIn: boolean;
  /** True while the link is open and logged in. */
  readonly connected: boolean;
  /** True when this object is the one `getInstance()` returns. */
  readonly isSharedInstance: boolean;
  /** Releases the wasm object. */
  free(): void;
}

// ------------------------------------------ events, Promises, options (js/api)

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
/** Replaces the console; `message` and `detail` are already redacted. */
export type Logger = (level: Exclude<LogLevel, 'silent'>, message: string, detail?: unknown) => void;

/** One stored outbox entry, as a custom adapter keeps it (plain JSON). */
export interface OutboxEntry {
  id: string;
  seq: number;
  kind: string;
  message: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
}
/** A custom outbox store; each method may return a Promise. */
export interface OutboxStore {
  load(): OutboxEntry[] | Promise<OutboxEntry[]>;
  save(entry: OutboxEntry): void | Promise<void>;
  remove(id: string): void | Promise<void>;
}
export type OutboxOption = 'indexeddb' | 'wx' | 'memory' | OutboxStore;

// The options of this API, merged into both option interfaces.
export interface IMServiceOptions {
  logLevel?: LogLevel;
  logger?: Logger | null;
  /** Called for a token before the first connect when none is set, and after a refusal (with back-off). */
  getToken?: () => Promise<string>;
  /** Opt-in persisted outbox. */
  outbox?: OutboxOption;
  /** Messages the outbox holds at most (default 1,000). */
  outboxMaxEntries?: number;
  /** Milliseconds after which an unacknowledged message expires (default 24 h). */
  outboxExpiry?: number;
  /** IMService only: one outbox per name (one per user); default 'default'. */
  outboxName?: string;
}
export interface WSOptions {
  logLevel?: LogLevel;
  logger?: Logger | null;
  /** Called for a token before the first connect when none is set, and after a refusal (with back-off). */
  getToken?: () => Promise<string>;
  /** Opt-in persisted outbox. */
  outbox?: OutboxOption;
  /** Messages the outbox holds at most (default 1,000). */
  outboxMaxEntries?: number;
  /** Milliseconds after which an unacknowledged message expires (default 24 h). */
  outboxExpiry?: number;
}

/** The fields of a new `IMError`. */
export interface IMErrorFields {
  code?: number | string;
  reason?: string;
  status?: number;
  cause?: unknown;
}

/**
 * What every Promise form rejects with (beside TypeError / RangeError for a
 * bad argument); exported by every entry, so `err instanceof IMError` works.
 */
export class IMError extends Error {
  constructor(message: string, fields?: IMErrorFields);
  name: 'IMError';
  /** MobileIMSDK: the numeric code; IMService: the reason; 'aborted', 'expired', 'outbox-full', 'lost', 'not-connected'. */
  code: number | string;
  reason: string;
  /** The GoBelieve server's ACK status of a refusal. */
  status?: number;
  /** The AbortSignal's reason of an 'aborted' wait. */
  cause?: unknown;
}

/** `{signal}`: an AbortSignal stops the wait (the message stays tracked). */
export interface WaitOptions {
  signal?: AbortSignal;
}

export interface CloseEvent {
  /**
   * The WebSocket close code: the server's or the network's (1006 for a
   * dropped connection), 1009 for a frame over the protocol maximum, 1000
   * when the SDK closed the link itself (stop, timeout, refusal).
   */
  code: number | undefined;
  /** The close reason; 'closed by the client' when the SDK closed it. */
  reason: string | undefined;
  /** True when the SDK will reconnect by itself. */
  willRetry: boolean;
}
export interface ReconnectingEvent {
  /** 1 for the first attempt after a lost connection, counting up until one connects. */
  attempt: number;
  /** The back-off's wait scheduled before this attempt, in ms (an online or foreground signal may start it sooner); null when none was scheduled. */
  delayMs: number | null;
}
export interface RestoredEntry<M> {
  kind: string;
  message: M;
  /** Settles with the restored message's outcome. */
  done: Promise<M>;
}
export type MessageKind = 'peer' | 'group' | 'customer' | 'rt' | 'room' | 'system' | 'notification' | 'groupNotification';

export interface IMServiceEvents {
  state: { old: ConnectState; new: ConnectState };
  connected: Record<string, never>;
  closed: CloseEvent;
  reconnecting: ReconnectingEvent;
  /** `code`: the server's AUTH_STATUS; null when the SDK could not send the token (e.g. too long). */
  authFailed: { code: number | null };
  message: { message: unknown; kind: MessageKind };
  ack: { msgLocalID: number | undefined; message: OutgoingMessage | OutgoingCustomerMessage; kind: 'peer' | 'group' | 'customer' };
  failure: {
    msgLocalID: number | undefined; message: OutgoingMessage | OutgoingCustomerMessage; kind: 'peer' | 'group' | 'customer';
    reason: string; status?: number;
  };
  restored: { entries: RestoredEntry<OutgoingMessage | OutgoingCustomerMessage>[] };
}
export interface IMClientManagerEvents {
  connected: Record<string, never>;
  closed: CloseEvent;
  reconnecting: ReconnectingEvent;
  authFailed: { code: number };
  kickedOut: { code: number; reason: string | null };
  message: { message: Protocal };
  ack: { fp: string };
  lost: { fp: string; protocal: Protocal; reason?: 'expired' };
  restored: { entries: RestoredEntry<Record<string, unknown>>[] };
}

export interface IMService {
  on<K extends keyof IMServiceEvents>(type: K, listener: (detail: IMServiceEvents[K]) => void): this;
  off<K extends keyof IMServiceEvents>(type: K, listener: (detail: IMServiceEvents[K]) => void): this;
  /** Resolves with `msg` on its ACK; rejects with an IMError. */
  sendPeerMessageAsync<M extends OutgoingMessage>(msg: M, options?: WaitOptions): Promise<M>;
  sendGroupMessageAsync<M extends OutgoingMessage>(msg: M, options?: WaitOptions): Promise<M>;
  sendCustomerMessageAsync<M extends OutgoingCustomerMessage>(msg: M, options?: WaitOptions): Promise<M>;
}
export interface IMClientManager {
  on<K extends keyof IMClientManagerEvents>(type: K, listener: (detail: IMClientManagerEvents[K]) => void): this;
  off<K extends keyof IMClientManagerEvents>(type: K, listener: (detail: IMClientManagerEvents[K]) => void): this;
  /** Resolves with 0 once logged in; rejects with an IMError carrying the code. */
  loginAsync(args: LoginArgs, options?: WaitOptions): Promise<0>;
  /** Resolves with the sent protocal on its ACK (QoS) or after the write; rejects with an IMError. */
  sendAsync(args: SendArgs, options?: WaitOptions): Promise<Protocal>;
}
