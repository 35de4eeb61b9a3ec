// Logging, one mechanism for both classes: a level (`logLevel`: 'silent' |
// 'error' | 'warn' | 'info' | 'debug', default 'warn') and an optional
// `logger(level, message, detail)` hook that replaces the console.
//
// Secrets never reach the console or the hook, at any level: every token
// the SDK is given (`accessToken`, `loginToken`, what `getToken` returns) is
// registered with `secret()` and replaced by REDACTED wherever it appears
// in a message or a detail (strings, Error messages and stacks, nested
// objects), and so is the value of any field or `key=value` / JSON pair
// whose name says token or password (a login body, a URL query).

export const LOG_LEVELS = Object.freeze(['silent', 'error', 'warn', 'info', 'debug']);
export const DEFAULT_LOG_LEVEL = 'warn';
/** What replaces a secret (the same text as the core's `redact::REDACTED`). */
export const REDACTED = '<redacted>';

const SECRET_NAME = /token|password|secret/i;
// `"loginToken":"abc"`, `\"loginToken\":\"abc\"` (JSON inside JSON), `token=abc` (a query).
const SECRET_PAIR = /((?:\\?")?\w*(?:token|password|secret)\w*(?:\\?")?\s*[:=]\s*)(\\"(?:(?!\\").)*\\"|"(?:[^"\\]|\\.)*"|[^,}&\s"\\]+)/gi;
const MAX_DEPTH = 4;
/** The shortest value `secret()` registers. */
export const MIN_SECRET_LENGTH = 4;

function rank(level) {
  return LOG_LEVELS.indexOf(level);
}

/** Throws a RangeError unless `level` is one of LOG_LEVELS. */
export function checkLogLevel(level) {
  if (rank(level) < 0) throw new RangeError('logLevel must be one of ' + LOG_LEVELS.map((l) => "'" + l + "'").join(', '));
}

/** Throws a TypeError unless `logger` is absent or a function. */
export function checkLogger(logger) {
  if (logger !== undefined && logger !== null && typeof logger !== 'function') {
    throw new TypeError('logger must be a function (level, message, detail)');
  }
}

function consoleLogger(level, message, detail) {
  try {
    if (typeof console === 'undefined' || !console) return;
    const write = console[level] || console.log;
    if (typeof write !== 'function') return;
    if (detail === undefined) write.call(console, 'imsdk: ' + message);
    else write.call(console, 'imsdk: ' + message, detail);
  } catch (_) {
    // A console that throws must not stop the SDK.
  }
}

class Log {
  /** `parent`: the log whose level and hook apply while this one has none of its own. */
  constructor(options, parent) {
    this._parent = parent || null;
    this._level = undefined;
    this._logger = undefined;
    this._secrets = [];
    this.configure(options || {});
  }

  get level() {
    if (this._level !== undefined) return this._level;
    return this._parent ? this._parent.level : DEFAULT_LOG_LEVEL;
  }

  get logger() {
    if (this._logger !== undefined) return this._logger;
    return this._parent ? this._parent.logger : null;
  }

  /** Sets `logLevel` and `logger` from `options` (each only when present), after checking them. */
  configure(options) {
    if (options.logLevel !== undefined) {
      checkLogLevel(options.logLevel);
      this._level = options.logLevel;
    }
    if (options.logger !== undefined) {
      checkLogger(options.logger);
      this._logger = options.logger || null;
    }
  }

  /**
   * Registers a value that must never be printed (a token). Values shorter
   * than MIN_SECRET_LENGTH are ignored: replacing every "t" of a test token
   * would make every line unreadable, and fields named token are redacted anyway.
   */
  secret(value) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this._secrets.includes(value)) return;
    // Longest first, so a token that contains another is replaced whole.
    this._secrets = this._secrets.concat([value]).sort((a, b) => b.length - a.length);
  }

  /** True when a message of `level` would be written. */
  enabled(level) {
    return rank(level) > 0 && rank(level) <= rank(this.level);
  }

  /** `text` with every registered secret and every token-named pair replaced. */
  redactText(text) {
    let out = String(text);
    for (const s of this._secrets) out = out.split(s).join(REDACTED);
    return out.replace(SECRET_PAIR, (_, name, value) => {
      if (value.startsWith('\\"')) return name + '\\"' + REDACTED + '\\"';
      if (value.startsWith('"')) return name + '"' + REDACTED + '"';
      return name + REDACTED;
    });
  }

  /** A copy of `value` safe to print: strings redacted, token-named fields replaced, depth bounded. */
  redact(value, depth = 0) {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[…]';
    if (value instanceof Error) {
      const copy = new Error(this.redactText(value.message));
      copy.name = value.name;
      if (value.stack) copy.stack = this.redactText(value.stack);
      if (value.code !== undefined) copy.code = value.code;
      return copy;
    }
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1));
    const copy = {};
    let keys;
    try {
      keys = Object.keys(value);
    } catch (_) {
      return '[unreadable]';
    }
    for (const k of keys) {
      let v;
      try {
        v = value[k];
      } catch (_) {
        v = '[unreadable]';
      }
      copy[k] = SECRET_NAME.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : this.redact(v, depth + 1);
    }
    return copy;
  }

  write(level, message, detail) {
    if (!this.enabled(level)) return;
    const text = this.redactText(message);
    const safe = detail === undefined ? undefined : this.redact(detail);
    const hook = this.logger;
    if (!hook) {
      consoleLogger(level, text, safe);
      return;
    }
    try {
      hook(level, text, safe);
    } catch (err) {
      // The hook itself failed: say so on the console rather than lose both.
      consoleLogger('error', 'the logger hook threw', this.redact(err));
    }
  }

  error(message, detail) {
    this.write('error', message, detail);
  }
  warn(message, detail) {
    this.write('warn', message, detail);
  }
  info(message, detail) {
    this.write('info', message, detail);
  }
  debug(message, detail) {
    this.write('debug', message, detail);
  }
}

/** A log with `options.logLevel` and `options.logger` (both optional, checked). */
export function createLog(options, parent) {
  return new Log(options, parent);
}

/** The log of messages that belong to no instance (loading the wasm), and the default of every instance. */
export const packageLog = createLog();

/** Sets the package-wide `logLevel` / `logger`, used by every instance that has none of its own. */
export function configureLogging(options) {
  packageLog.configure(options || {});
}

/** The instance's log (set by `attachLog`), else the package log. */
export function logOf(target) {
  return (target && target._log) || packageLog;
}

/** Gives `target` a log of its own from `options.logLevel` / `options.logger`, defaulting to the package log's. */
export function attachLog(target, options) {
  const log = createLog(options, packageLog);
  Object.defineProperty(target, '_log', { value: log, configurable: true });
  return log;
}
