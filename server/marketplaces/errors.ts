/**
 * What the errors of every marketplace client have in common. Each marketplace subclasses these with its own
 * code field and classification (shopee/errors.ts, tiktok/errors.ts); the retry policy (http.ts) and callers
 * rely only on what is here. Messages never carry request URLs, whose query may hold tokens or secrets.
 */

/** The request and answer fields every marketplace failure reports. */
export interface AnswerFields {
  /** The marketplace's message, secrets already redacted. */
  message: string;
  requestId: string;
  httpStatus: number;
  path: string;
}

/** The marketplace answered (or a gateway in front of it did) and the answer is a failure. */
export abstract class MarketplaceApiError<Kind extends string> extends Error {
  readonly requestId: string;
  readonly httpStatus: number;
  /** The API path called (never the query, which may carry tokens or secrets). */
  readonly path: string;
  readonly kind: Kind;
  /** Worth retrying the same request later (rate limit, 5xx, the marketplace's transient codes). */
  readonly transient: boolean;

  /** `what` names the failure in the message: the marketplace's code, or the HTTP status without one. */
  protected constructor(
    marketplace: string,
    what: string,
    input: AnswerFields,
    classified: { kind: Kind; transient: boolean },
  ) {
    super(
      `${marketplace} ${input.path} failed: ${what}${input.message ? ` — ${input.message}` : ''}` +
        (input.requestId ? ` (request_id ${input.requestId})` : ''),
    );
    this.requestId = input.requestId;
    this.httpStatus = input.httpStatus;
    this.path = input.path;
    this.kind = classified.kind;
    this.transient = classified.transient;
  }
}

/** How a request without an answer failed (see `networkFailure` in http.ts). */
export interface NetworkFailure {
  /** `ECONNREFUSED`, `UND_ERR_SOCKET`, `TimeoutError`, … */
  code: string;
  timedOut: boolean;
  /**
   * False only when the request provably never left (refused connection, DNS failure): then even a
   * single-use credential is safe to send again.
   */
  mayHaveReachedServer: boolean;
}

/** No usable answer arrived: the connection failed or the request timed out. */
export abstract class MarketplaceNetworkError extends Error {
  readonly kind = 'network' as const;
  readonly transient = true;
  readonly path: string;
  readonly timedOut: boolean;
  /** See `NetworkFailure.mayHaveReachedServer`. */
  readonly mayHaveReachedServer: boolean;

  protected constructor(marketplace: string, path: string, failure: NetworkFailure) {
    super(
      `${marketplace} ${path} got no answer: ${failure.timedOut ? 'timed out' : failure.code}` +
        (failure.mayHaveReachedServer ? '' : ' (request not sent)'),
    );
    this.path = path;
    this.timedOut = failure.timedOut;
    this.mayHaveReachedServer = failure.mayHaveReachedServer;
  }
}
