// The error every Promise form of the API rejects with.

/**
 * An operation's failure: `code` is the MobileIMSDK numeric code (e.g. 3 not
 * connected, 201 broken connection) or, for IMService, the failure reason
 * ('refused', 'timeout', 'disconnected', 'stopped', 'not-connected');
 * 'aborted' when an AbortSignal stopped the wait. `reason` is the same text
 * for IMService and a description for MobileIMSDK; `status` is the
 * GoBelieve server's ACK status when it refused a message.
 */
export class IMError extends Error {
  constructor(message, fields) {
    super(message);
    const f = fields || {};
    this.name = 'IMError';
    this.code = f.code;
    this.reason = f.reason;
    if (f.status !== undefined) this.status = f.status;
    if (f.cause !== undefined) this.cause = f.cause;
  }
}

/** The rejection of a wait that `signal` aborted. */
export function abortError(signal) {
  return new IMError('imsdk: the wait was aborted (the message is still tracked)', {
    code: 'aborted', reason: 'aborted', cause: signal && signal.reason,
  });
}
