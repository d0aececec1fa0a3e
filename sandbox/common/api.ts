/**
 * The plumbing both sandbox APIs share: every call recorded in the request log, every failure answered in
 * the marketplace's envelope, injected faults, and the body parsers. What an envelope, an error code or a
 * fault's answer looks like belongs to each marketplace (shopee/api.ts, tiktok/api.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import multer from '@koa/multer';
import type { Router } from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';

/** What every request-log entry holds; each marketplace adds the outcome of the answer. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** When a fault strikes; each marketplace adds what the faulty answer holds. */
export interface SandboxFault {
  /** The path to affect: exact, or a pattern for paths with ids. */
  path: string | RegExp;
  /** How many matching requests get the fault. @defaultValue 1 */
  times?: number;
  /** Wait this long before answering (to exercise client timeouts). @defaultValue 0 */
  delayMs?: number;
  /** Run the real handler first (its state changes stick), then answer with the fault: a lost response. */
  afterHandling?: boolean;
}

/** A fault's answer: the marketplace's envelope, or without one a gateway's bare HTML error page. */
export interface FaultAnswer {
  status: number;
  envelope?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** What a sandbox hands its API app besides state and credentials; index.ts exposes both arrays to tests. */
export interface SandboxApiWiring<Entry extends LoggedRequest, Fault extends SandboxFault> {
  /** Every call and its outcome, appended as answered. */
  requestLog: Entry[];
  /** Pending faults; `injectFault` adds to them and matching calls use them up. */
  faults: Fault[];
  logger?: Logger | undefined;
}

/** A request the body parsers refused before any route ran. */
export type Refusal = 'file_too_large' | 'bad_multipart' | 'bad_body';

export interface SandboxApiOptions<E extends { httpStatus: number }, O extends object, F extends SandboxFault>
  extends SandboxApiWiring<LoggedRequest & O, F> {
  /** Starts the log messages, e.g. `shopee sandbox`. */
  name: string;
  router: Router;
  /** The marketplace's own API errors; anything else thrown is a refusal or a bug. */
  isApiError(err: unknown): err is E;
  /** The answer to a path no route serves. */
  notFound(): E;
  refused(refusal: Refusal): E;
  /** The answer to a bug (HTTP 500), which is also logged. */
  internal(): E;
  /** A failure in the marketplace's envelope. */
  errorBody(error: E): Record<string, unknown>;
  /** What the request log records of an answer besides method, path and status. */
  outcome(ctx: Koa.Context): O;
  faultAnswer(fault: F): FaultAnswer;
  /** Largest JSON body (APIs that take base64 images need more). @defaultValue '1mb' */
  jsonLimit?: string;
}

export function createSandboxApiApp<
  E extends { httpStatus: number },
  O extends object,
  F extends SandboxFault,
>(options: SandboxApiOptions<E, O, F>): Koa {
  const app = new Koa();
  app.use(envelopeAndLog(options));
  app.use(injectFaults(options.faults, options.faultAnswer));
  app.use(
    bodyParser({ enableTypes: ['json', 'form'], jsonLimit: options.jsonLimit ?? '1mb', formLimit: '64kb' }),
  );
  app.use(options.router.routes());
  return app;
}

/** Outermost: every call is logged, and every failure leaves in the marketplace's envelope. */
function envelopeAndLog<E extends { httpStatus: number }, O extends object, F extends SandboxFault>(
  options: SandboxApiOptions<E, O, F>,
): Koa.Middleware {
  const { name, logger } = options;
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw options.notFound();
    } catch (err) {
      const refusal = refusalOf(err);
      const apiError = options.isApiError(err) ? err : refusal ? options.refused(refusal) : undefined;
      if (!apiError) logger?.error({ err, path: ctx.path }, `${name}: unexpected error`);
      const e = apiError ?? options.internal();
      ctx.status = e.httpStatus;
      ctx.body = options.errorBody(e);
    }
    const outcome = options.outcome(ctx);
    options.requestLog.push({ method: ctx.method, path: ctx.path, ...outcome, status: ctx.status });
    // Queries carry tokens, signs and secrets: only method, path and outcome are logged.
    const fields: Record<string, unknown> = {
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      ...outcome,
    };
    logger?.debug(fields, `${name} api`);
  };
}

/** Injected faults, for timeout/429/5xx/lost-response tests. */
function injectFaults<F extends SandboxFault>(
  faults: F[],
  answer: (fault: F) => FaultAnswer,
): Koa.Middleware {
  return async (ctx, next) => {
    const matches = (f: F): boolean =>
      (typeof f.path === 'string' ? f.path === ctx.path : f.path.test(ctx.path)) && (f.times ?? 1) > 0;
    const index = faults.findIndex(matches);
    const fault = faults[index];
    if (!fault) return next();
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(index, 1);
    if (fault.afterHandling) {
      try {
        await next();
      } catch {
        // The real outcome is discarded: the client only ever sees the fault.
      }
    }
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    const { status, envelope, headers } = answer(fault);
    ctx.status = status;
    for (const [key, value] of Object.entries(headers ?? {})) ctx.set(key, value);
    if (envelope === undefined) {
      ctx.type = 'html';
      ctx.body = `<html><body>${status} Bad Gateway</body></html>`;
    } else {
      ctx.body = envelope;
    }
  };
}

/** Which body parser refused the request, if one did. */
function refusalOf(err: unknown): Refusal | undefined {
  const limit = multerLimit(err);
  if (limit === 'LIMIT_FILE_SIZE') return 'file_too_large';
  if (limit) return 'bad_multipart';
  return isBodyParseError(err) ? 'bad_body' : undefined;
}

/** multer's limit errors carry a `LIMIT_*` code. */
function multerLimit(err: unknown): string | undefined {
  return err instanceof Error &&
    'code' in err &&
    typeof err.code === 'string' &&
    err.code.startsWith('LIMIT_')
    ? err.code
    : undefined;
}

/** The body parser refuses with a 4xx http-error. */
function isBodyParseError(err: unknown): boolean {
  return (
    err instanceof Error &&
    'status' in err &&
    typeof err.status === 'number' &&
    err.status >= 400 &&
    err.status < 500
  );
}

/** Multipart parsing for an upload endpoint: one file of at most `maxBytes` and a few fields, in memory. */
export function uploadParser(maxBytes: number): multer.Instance {
  return multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 },
  });
}

/** Compares a sign or secret a caller sent with the expected one in constant time. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
