// IMService's constants and defaults (the values of src/core/gobelieve:
// ConnectState, command.rs MESSAGE_FLAG_* / PLATFORM_*, config.rs), read by
// the JS class (./gobelieve.js) and by the ready facade before the wasm has
// loaded.

export const GOBELIEVE_STATES = Object.freeze({
  STATE_UNCONNECTED: 0, STATE_CONNECTING: 1, STATE_CONNECTED: 2, STATE_CONNECTFAIL: 3, STATE_AUTHENTICATION_FAIL: 4,
});

/** Every static constant of IMService (e.g. `im.platformID = IMService.PLATFORM_ANDROID`). */
export const GOBELIEVE_CONSTANTS = Object.freeze(Object.assign({
  MESSAGE_FLAG_TEXT: 1, MESSAGE_FLAG_UNPERSISTENT: 2, MESSAGE_FLAG_GROUP: 4, MESSAGE_FLAG_SELF: 8,
  MESSAGE_FLAG_PUSH: 16, MESSAGE_FLAG_SUPER_GROUP: 32,
  PLATFORM_IOS: 1, PLATFORM_ANDROID: 2, PLATFORM_WEB: 3, PLATFORM_WIN: 4, PLATFORM_OSX: 5,
}, GOBELIEVE_STATES));

/** The defaults of the properties (`host`, `port`, `url` are derived: gobelieveEndpoint). */
export const GOBELIEVE_DEFAULTS = Object.freeze({
  protocol: undefined, accessToken: '', platformID: 3, protocolVersion: 2, syncKey: 0,
  ackTimeout: 5000, pingInterval: 180000, pongTimeout: 3000, reconnectDelay: 1000, reconnectMaxDelay: 60000,
  connectTimeout: 20000,
});

export const GOBELIEVE_DEFAULT_HOST = 'imnode2.gobelieve.io';

/** The largest frame: the 12-byte header and a body below MAX_BODY_LEN (32768). */
export const GOBELIEVE_MAX_FRAME = 12 + 32768 - 1;

/**
 * The endpoint property `name` ('host', 'port', 'url') given what was set
 * (`e.host`, `e.port`, `e.protocol`, `e.url`; undefined when unset) and
 * whether the page is https: (then wss:// and port 14891).
 */
export function gobelieveEndpoint(e, name, secure) {
  const host = e.host !== undefined ? e.host : GOBELIEVE_DEFAULT_HOST;
  const port = e.port !== undefined ? e.port : secure ? 14891 : 13891;
  if (name === 'host') return host;
  if (name === 'port') return port;
  if (e.url !== undefined) return e.url;
  return (e.protocol !== undefined ? e.protocol : secure ? 'wss://' : 'ws://') + host + ':' + port + '/ws';
}
