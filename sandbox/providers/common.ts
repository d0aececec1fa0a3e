/**
 * What the background-removal provider sandboxes share: an http server that checks the API-key header,
 * takes one multipart image, answers with a real (deterministic) matte of it, and records every call and
 * injected fault through sandbox/common. Each provider supplies its path, header and error shape.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type multer from '@koa/multer';
import { Router } from '@koa/router';
import type Koa from 'koa';
import sharp from 'sharp';
import {
  createSandboxApiApp,
  type LoggedRequest,
  type Refusal,
  type SandboxFault,
  safeEqual,
  uploadParser,
} from '../common/api.js';
import { sniffImage } from '../common/images.js';

export interface ProviderRequestLogEntry extends LoggedRequest {
  /** The error the sandbox answered, '' when it sent an image. */
  error: string;
}

export interface ProviderSandboxFault extends SandboxFault {
  /** @defaultValue 500 */
  httpStatus?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Answer with a bare gateway page instead of the provider's error body. */
  bare?: boolean;
}

export class ProviderSandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

export interface ProviderSandbox {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  requestLog: ProviderRequestLogEntry[];
  injectFault(fault: ProviderSandboxFault): void;
  close(): Promise<void>;
}

export interface ProviderProtocol {
  name: string;
  path: string;
  /** Lower-case header carrying the key. */
  keyHeader: string;
  /** Where the image comes: a multipart file part, or a base64 string in a JSON body. */
  input: { kind: 'multipart' | 'json'; field: string };
  /** The provider's error body. */
  errorBody(error: ProviderSandboxError): Record<string, unknown>;
  /** Whether the form asks for a mask rather than a cut-out. */
  wantsMask(fields: Record<string, unknown>): boolean;
  /** The key within the header's value, e.g. after fal's `Key ` scheme. @defaultValue the whole value */
  readKey?: (value: string) => string | undefined;
  /** Routes replacing the one-call route (queue APIs), behind the key check. */
  routes?: (router: Router, checkKey: Koa.Middleware) => void;
}

/** Real APIs cap uploads in the low tens of MB; the sandbox only needs working-size photos. */
const MAX_UPLOAD_BYTES = 12 * 1024 * 1024;

export async function startProviderSandbox(
  protocol: ProviderProtocol,
  options: { apiKey: string; port?: number },
): Promise<ProviderSandbox> {
  const requestLog: ProviderRequestLogEntry[] = [];
  const faults: ProviderSandboxFault[] = [];
  const router = new Router();
  const upload = uploadParser(MAX_UPLOAD_BYTES);

  const checkKey: Koa.Middleware = async (ctx, next) => {
    const header = ctx.get(protocol.keyHeader);
    const key = protocol.readKey ? protocol.readKey(header) : header;
    if (!key) throw new ProviderSandboxError('missing_key', 'API key missing', 401);
    if (!safeEqual(key, options.apiKey))
      throw new ProviderSandboxError('invalid_key', 'API key invalid', 401);
    await next();
  };

  if (protocol.routes) protocol.routes(router, checkKey);
  const { field } = protocol.input;
  const parse: Koa.Middleware =
    protocol.input.kind === 'multipart' ? upload.single(field) : (_, next) => next();
  if (!protocol.routes)
    router.post(protocol.path, checkKey, parse, async (ctx) => {
      const fields = (ctx.request.body ?? {}) as Record<string, unknown>;
      const file: multer.File | undefined = ctx.request.file;
      const value = fields[field];
      const bytes =
        protocol.input.kind === 'multipart'
          ? file?.buffer
          : typeof value === 'string'
            ? Buffer.from(value, 'base64')
            : undefined;
      if (!bytes) throw new ProviderSandboxError('missing_image', `no ${field}`, 400);
      if (!sniffImage(bytes, ['image/jpeg', 'image/png', 'image/webp'])) {
        throw new ProviderSandboxError('invalid_image', 'file is not a JPEG, PNG or WebP image', 400);
      }
      ctx.type = 'image/png';
      ctx.body = await borderMatte(bytes, protocol.wantsMask(fields)).catch(() => {
        throw new ProviderSandboxError('invalid_image', 'image could not be decoded', 400);
      });
    });

  const app = createSandboxApiApp({
    name: `${protocol.name} sandbox`,
    router,
    jsonLimit: '16mb',
    requestLog,
    faults,
    isApiError: (err): err is ProviderSandboxError => err instanceof ProviderSandboxError,
    notFound: () => new ProviderSandboxError('not_found', 'not found', 404),
    refused: (refusal: Refusal) =>
      refusal === 'file_too_large'
        ? new ProviderSandboxError('file_too_large', 'file too large', 413)
        : new ProviderSandboxError('bad_request', 'malformed request', 400),
    internal: () => new ProviderSandboxError('internal', 'internal error', 500),
    errorBody: protocol.errorBody,
    outcome: (ctx) => ({ error: ctx.status >= 400 ? `http_${ctx.status}` : '' }),
    faultAnswer: (fault) => {
      const status = fault.httpStatus ?? 500;
      const headers =
        fault.retryAfter === undefined ? undefined : { 'retry-after': String(fault.retryAfter) };
      if (fault.bare) return { status, ...(headers ? { headers } : {}) };
      const envelope = protocol.errorBody(
        new ProviderSandboxError(`http_${status}`, 'injected fault', status),
      );
      return { status, envelope, ...(headers ? { headers } : {}) };
    },
  });

  const server = http.createServer(app.callback());
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requestLog,
    injectFault: (fault) => faults.push({ ...fault }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

/**
 * A stand-in for the providers' models: alpha from each pixel's colour distance to the mean border colour
 * (product photos sit on a plain backdrop), ramped over 20–60 so edges stay soft. Deterministic.
 */
export async function borderMatte(image: Buffer, mask: boolean): Promise<Buffer> {
  const { data, info } = await sharp(image, { limitInputPixels: 40_000_000 })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const channels = info.channels;
  const border = [0, 0, 0];
  let n = 0;
  const add = (x: number, y: number): void => {
    const i = (y * width + x) * channels;
    for (let c = 0; c < 3; c++) border[c] = (border[c] ?? 0) + (data[i + c] ?? 0);
    n++;
  };
  for (let x = 0; x < width; x++) {
    add(x, 0);
    add(x, height - 1);
  }
  for (let y = 0; y < height; y++) {
    add(0, y);
    add(width - 1, y);
  }
  const mean = border.map((v) => v / n);
  const alpha = Buffer.alloc(width * height);
  for (let p = 0; p < width * height; p++) {
    const i = p * channels;
    const d = Math.hypot(
      (data[i] ?? 0) - (mean[0] ?? 0),
      (data[i + 1] ?? 0) - (mean[1] ?? 0),
      (data[i + 2] ?? 0) - (mean[2] ?? 0),
    );
    alpha[p] = Math.max(0, Math.min(255, Math.round(((d - 20) * 255) / 40)));
  }
  // b-w: libvips would otherwise promote the one band to sRGB on the way out.
  if (mask)
    return sharp(alpha, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
  return sharp(data, { raw: { width, height, channels } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}
