/**
 * Every API route in one table: method, path, auth, schemas and a thin handler that calls a service.
 * The same table mounts the routes and generates /openapi.json, so the document cannot drift.
 */
import multer from '@koa/multer';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import * as api from '../../shared/api.js';
import { errorMessage } from '../../shared/errors.js';
import { WORKFLOW_PRESET_IDS } from '../../shared/presets.js';
import type { AppDeps } from '../app.js';
import { Seller } from '../db/models.js';
import { AppError } from '../errors.js';
import { imageFetchPolicy } from '../net/safe-fetch.js';
import { presentConnection, presentLedgerEntry, presentPreset, presentSeller } from '../presenters.js';
import { aiCapabilities } from '../providers/generative/index.js';
import * as accounts from '../services/accounts.js';
import * as connections from '../services/connections.js';
import * as credits from '../services/credits.js';
import * as exportsService from '../services/exports.js';
import * as jobs from '../services/jobs.js';
import { applyJob, listingHistory, revertJob } from '../services/listing.js';
import * as templates from '../services/templates.js';
import { requestLocale } from './errors.js';
import { parse } from './validate.js';

/** `optional`: anonymous callers are served too; a bearer token, when sent, must be valid. */
type Auth = 'none' | 'optional' | 'seller' | 'admin';
interface RouteDef {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  multipart?: boolean;
  idempotent?: boolean;
  rateLimited?: boolean;
  handler: (ctx: Context, deps: AppDeps) => Promise<unknown>;
}

const seller = (ctx: Context) => ctx.state.seller as Seller;
const sellerIfAny = (ctx: Context) => ctx.state.seller as Seller | undefined;
const IdParam = z.object({ id: z.uuid() });
const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });
const ProviderParam = z.object({ provider: api.ApiProvider });
const TemplateParam = z.object({ id: api.TemplateId });

function idempotencyKey(ctx: Context): string {
  const key = ctx.get('idempotency-key');
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(key)) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
  return key;
}

async function accountView(deps: AppDeps, s: Seller) {
  const locale = s.locale;
  const [balance, monthUsage, recentJobs] = await Promise.all([
    credits.balanceOf(deps.db, s.id),
    credits.monthUsage(deps.db, s.id),
    jobs.listJobs(deps.db, s.id, locale, 10),
  ]);
  return { seller: presentSeller(s), balance, monthUsage, recentJobs };
}

function sessionResponse(session: accounts.Session) {
  return {
    token: session.token,
    expiresAt: session.expiresAt.toISOString(),
    seller: presentSeller(session.seller),
  };
}

function connectedPage(ok: boolean, code?: string): string {
  const title = ok ? 'Shop connected · Toko terhubung' : 'Connection failed · Koneksi gagal';
  const en = ok
    ? 'Your shop is connected. You can close this tab and return to the seller center.'
    : errorMessage(code ?? 'INTERNAL', 'en');
  const id = ok
    ? 'Toko Anda sudah terhubung. Tutup tab ini dan kembali ke seller center.'
    : errorMessage(code ?? 'INTERNAL', 'id');
  // Only fixed strings from our own catalogue are interpolated here: no request data reaches the page.
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui;max-width:36rem;margin:4rem auto"><h1 data-testid="connect-result" data-ok="${ok}">${title}</h1><p>${id}</p><p>${en}</p></body></html>`;
}

export const ROUTES: RouteDef[] = [
  {
    method: 'post',
    path: '/v1/auth/signup',
    summary: 'Create a seller account and a session',
    auth: 'none',
    body: api.SignupBody,
    response: api.AuthResponse,
    status: 201,
    rateLimited: true,
    handler: async (ctx, deps) => {
      const body = parse(api.SignupBody, ctx.request.body);
      const session = await accounts.signUp(deps.db, {
        ...body,
        signupCredits: deps.config.SIGNUP_CREDITS,
        sessionTtlDays: deps.config.SESSION_TTL_DAYS,
      });
      return sessionResponse(session);
    },
  },
  {
    method: 'post',
    path: '/v1/auth/login',
    summary: 'Log in',
    auth: 'none',
    body: api.LoginBody,
    response: api.AuthResponse,
    rateLimited: true,
    handler: async (ctx, deps) => {
      const body = parse(api.LoginBody, ctx.request.body);
      return sessionResponse(
        await accounts.logIn(deps.db, { ...body, sessionTtlDays: deps.config.SESSION_TTL_DAYS }),
      );
    },
  },
  {
    method: 'post',
    path: '/v1/auth/logout',
    summary: 'Revoke the current session',
    auth: 'seller',
    status: 204,
    handler: async (ctx, deps) => {
      await accounts.logOut(deps.db, ctx.state.token as string);
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/v1/me',
    summary: 'Balance, tier, month usage and recent jobs',
    auth: 'seller',
    response: api.AccountView,
    handler: (ctx, deps) => accountView(deps, seller(ctx)),
  },
  {
    method: 'patch',
    path: '/v1/me/settings',
    summary: 'Update seller settings',
    auth: 'seller',
    body: api.UpdateSettingsBody,
    response: api.AccountView,
    handler: async (ctx, deps) => {
      const body = parse(api.UpdateSettingsBody, ctx.request.body);
      return accountView(deps, await accounts.updateLocale(deps.db, seller(ctx).id, body.locale));
    },
  },
  {
    method: 'get',
    path: '/v1/presets',
    summary: 'The workflow presets: names, target, price in credits and output size',
    auth: 'none',
    response: api.PresetList,
    handler: async () => ({ presets: WORKFLOW_PRESET_IDS.map(presentPreset) }),
  },
  {
    method: 'get',
    path: '/v1/templates',
    summary:
      "The template gallery, filtered; most used first, then by name. `locked` says whether the caller's plan can use each (send the bearer token to be told)",
    auth: 'optional',
    query: api.TemplateQuery,
    response: api.TemplateList,
    handler: async (ctx, deps) => ({
      templates: await templates.listTemplates(
        deps.db,
        parse(api.TemplateQuery, ctx.query),
        sellerIfAny(ctx)?.tier,
      ),
    }),
  },
  {
    method: 'get',
    path: '/v1/templates/:id',
    summary: 'One template',
    auth: 'optional',
    response: api.TemplateView,
    handler: (ctx, deps) =>
      templates.viewTemplate(deps.db, parse(TemplateParam, ctx.params).id, sellerIfAny(ctx)?.tier),
  },
  {
    method: 'get',
    path: '/v1/templates/:id/preview',
    summary: 'Preview thumbnail (WebP, 240 px wide): the template on a sample product',
    auth: 'none',
    handler: async (ctx, deps) => {
      const data = await templates.templatePreview(
        { storage: deps.storage, render: deps.pipeline.renderWorkflowPreview },
        parse(TemplateParam, ctx.params).id,
      );
      ctx.type = 'image/webp';
      // The same for everyone and it only changes with a deploy: public, a day in caches.
      ctx.set('cache-control', 'public, max-age=86400');
      return data;
    },
  },
  {
    method: 'get',
    path: '/v1/quote',
    summary: 'Price of a preset or a template in credits, and the balance',
    auth: 'seller',
    query: api.QuoteQuery,
    response: api.Quote,
    handler: (ctx, deps) =>
      jobs.quote(jobsDeps(deps), {
        sellerId: seller(ctx).id,
        tier: seller(ctx).tier,
        look: parse(api.QuoteQuery, ctx.query),
      }),
  },
  {
    method: 'post',
    path: '/v1/jobs',
    summary: 'Start an enhance job (JSON with imageUrl, or multipart with an `image` file). Charges a hold.',
    auth: 'seller',
    body: api.CreateJobBody,
    response: api.JobView,
    status: 202,
    multipart: true,
    idempotent: true,
    handler: async (ctx, deps) => {
      const key = idempotencyKey(ctx);
      const body = parse(api.CreateJobBody, ctx.request.body);
      const file = (ctx as Context & { file?: { buffer: Buffer } }).file;
      const s = seller(ctx);
      const result = await jobs.createJob(jobsDeps(deps), {
        sellerId: s.id,
        locale: s.locale,
        tier: s.tier,
        body,
        upload: file?.buffer,
        idempotencyKey: key,
      });
      ctx.status = result.status;
      return result.body;
    },
  },
  {
    method: 'get',
    path: '/v1/jobs',
    summary: 'Recent jobs',
    auth: 'seller',
    query: ListQuery,
    response: api.JobList,
    handler: async (ctx, deps) => {
      const { limit } = parse(ListQuery, ctx.query);
      return { jobs: await jobs.listJobs(deps.db, seller(ctx).id, requestLocale(ctx), limit) };
    },
  },
  {
    method: 'get',
    path: '/v1/jobs/:id',
    summary: 'Job status, progress and result',
    auth: 'seller',
    response: api.JobView,
    handler: (ctx, deps) =>
      jobs.viewJob(deps.db, seller(ctx).id, parse(IdParam, ctx.params).id, requestLocale(ctx)),
  },
  {
    method: 'get',
    path: '/v1/jobs/:id/original',
    summary: 'The source image (owner only)',
    auth: 'seller',
    handler: async (ctx, deps) => {
      const job = await jobs.findOwnJob(deps.db, seller(ctx).id, parse(IdParam, ctx.params).id);
      return sendImage(ctx, job.inputKey ? await deps.storage.get(job.inputKey) : undefined);
    },
  },
  {
    method: 'get',
    path: '/v1/jobs/:id/result',
    summary: 'The enhanced image (owner only)',
    auth: 'seller',
    handler: async (ctx, deps) => {
      const job = await jobs.findOwnJob(deps.db, seller(ctx).id, parse(IdParam, ctx.params).id);
      if (job.status !== 'succeeded' || !job.resultKey) throw new AppError('JOB_NOT_READY');
      return sendImage(ctx, await deps.storage.get(job.resultKey));
    },
  },
  {
    method: 'post',
    path: '/v1/jobs/:id/apply',
    summary: "Replace the listing image in the job's slot with the result",
    auth: 'seller',
    response: api.ApplyResponse,
    handler: async (ctx, deps) => {
      const s = seller(ctx);
      return {
        job: await applyJob(listingDeps(deps), {
          sellerId: s.id,
          jobId: parse(IdParam, ctx.params).id,
          locale: s.locale,
        }),
      };
    },
  },
  {
    method: 'post',
    path: '/v1/jobs/:id/revert',
    summary: 'Put back the image that "apply" replaced (only while our image is still in that slot)',
    auth: 'seller',
    response: api.ApplyResponse,
    handler: async (ctx, deps) => {
      const s = seller(ctx);
      return {
        job: await revertJob(listingDeps(deps), {
          sellerId: s.id,
          jobId: parse(IdParam, ctx.params).id,
          locale: s.locale,
        }),
      };
    },
  },
  {
    method: 'post',
    path: '/v1/exports',
    summary:
      'Start a ZIP export of finished photos (with metadata.json). 5 credits single format (Pay-as-you-go and up), 10 with both formats (Professional), 15 with platforms (Premium). Charges a hold.',
    auth: 'seller',
    body: api.CreateExportBody,
    response: api.ExportView,
    status: 202,
    idempotent: true,
    handler: async (ctx, deps) => {
      const key = idempotencyKey(ctx);
      const body = parse(api.CreateExportBody, ctx.request.body);
      const result = await exportsService.createExport(jobsDeps(deps), {
        seller: seller(ctx),
        body,
        idempotencyKey: key,
      });
      ctx.status = result.status;
      return result.body;
    },
  },
  {
    method: 'get',
    path: '/v1/exports/:id',
    summary: 'Export status, progress, price, photo count, size and expiry',
    auth: 'seller',
    response: api.ExportView,
    handler: (ctx, deps) =>
      exportsService.viewExport(deps.db, seller(ctx).id, parse(IdParam, ctx.params).id, requestLocale(ctx)),
  },
  {
    method: 'get',
    path: '/v1/exports/:id/download',
    summary: 'The ZIP file (owner only, streamed). 409 while it is built or when it failed, 410 once expired',
    auth: 'seller',
    handler: async (ctx, deps) => {
      const file = await exportsService.openDownload(deps, seller(ctx).id, parse(IdParam, ctx.params).id);
      ctx.type = 'application/zip';
      ctx.attachment(file.filename, { type: 'attachment' });
      ctx.length = file.bytes;
      ctx.set('cache-control', 'private, no-store');
      return file.stream;
    },
  },
  {
    method: 'get',
    path: '/v1/listings/history',
    summary: 'Every replacement and revert on one listing, newest first',
    auth: 'seller',
    query: api.ListingHistoryQuery,
    response: api.ListingHistory,
    handler: async (ctx, deps) => ({
      changes: await listingHistory(deps, {
        sellerId: seller(ctx).id,
        ...parse(api.ListingHistoryQuery, ctx.query),
      }),
    }),
  },
  {
    method: 'get',
    path: '/v1/credits/ledger',
    summary: 'Credit ledger, newest first',
    auth: 'seller',
    query: ListQuery,
    response: api.Ledger,
    handler: async (ctx, deps) => {
      const { limit } = parse(ListQuery, ctx.query);
      return { entries: (await credits.ledgerOf(deps.db, seller(ctx).id, limit)).map(presentLedgerEntry) };
    },
  },
  {
    method: 'get',
    path: '/v1/connections',
    summary: 'Connected shops',
    auth: 'seller',
    response: api.ConnectionList,
    handler: async (ctx, deps) => ({
      connections: (await connections.listConnections(deps.db, seller(ctx).id)).map(presentConnection),
    }),
  },
  {
    method: 'post',
    path: '/v1/connections/:provider/start',
    summary:
      'Begin connecting a shop (provider `shopee`, or `tiktok` for TikTok Shop and Tokopedia): returns the seller-authorization URL',
    auth: 'seller',
    response: api.StartConnectionResponse,
    handler: async (ctx, deps) => ({
      authorizeUrl: await connections.startConnection(
        listingDeps(deps),
        seller(ctx).id,
        parse(ProviderParam, ctx.params).provider,
      ),
    }),
  },
  {
    method: 'get',
    path: '/v1/connections/:provider/callback',
    summary:
      'Where the marketplace sends the seller back (Shopee: ?state&code&shop_id; TikTok Shop: ?code&state); answers an HTML page',
    auth: 'none',
    handler: async (ctx, deps) => {
      ctx.type = 'html';
      const provider = ProviderParam.safeParse(ctx.params);
      try {
        if (!provider.success) throw new AppError('NOT_FOUND');
        await connections.completeConnection(listingDeps(deps), provider.data.provider, ctx.query);
        return connectedPage(true);
      } catch (error) {
        if (!(error instanceof AppError))
          deps.logger.warn({ err: error }, 'authorization code exchange failed');
        const failure = error instanceof AppError ? error : new AppError('MARKETPLACE_UNAVAILABLE');
        ctx.status = failure.status;
        return connectedPage(false, failure.code);
      }
    },
  },
  {
    method: 'delete',
    path: '/v1/connections/:id',
    summary: 'Disconnect a shop (deletes its tokens)',
    auth: 'seller',
    status: 204,
    handler: async (ctx, deps) => {
      await connections.deleteConnection(deps.db, seller(ctx).id, parse(IdParam, ctx.params).id);
      return undefined;
    },
  },
  {
    method: 'post',
    path: '/v1/admin/credits',
    summary: "Admin: top up (positive) or correct (negative) a seller's credits",
    auth: 'admin',
    body: api.AdminCreditBody,
    response: api.LedgerEntryView,
    status: 201,
    handler: async (ctx, deps) => {
      const body = parse(api.AdminCreditBody, ctx.request.body);
      const target = await Seller.query(deps.db).findOne({ email: body.email });
      if (!target) throw new AppError('NOT_FOUND');
      const entry = await credits.addCredits(deps.db, {
        sellerId: target.id,
        amount: body.amount,
        kind: body.amount > 0 ? 'topup' : 'adjustment',
        note: body.note,
      });
      return presentLedgerEntry(entry);
    },
  },
];

function sendImage(ctx: Context, data: Buffer | undefined) {
  if (!data) throw new AppError('NOT_FOUND');
  ctx.type = data[0] === 0x89 ? 'image/png' : data[0] === 0x52 ? 'image/webp' : 'image/jpeg';
  ctx.set('cache-control', 'private, max-age=300');
  return data;
}

function jobsDeps(deps: AppDeps): jobs.JobsDeps {
  return {
    db: deps.db,
    queue: deps.queue,
    storage: deps.storage,
    logger: deps.logger,
    holdTtlMinutes: deps.config.HOLD_TTL_MINUTES,
    fetchPolicy: imageFetchPolicy(deps.config),
    inspectImage: deps.pipeline.inspectImage,
    aiEnabled: aiCapabilities(deps.config),
  };
}

function listingDeps(deps: AppDeps) {
  return {
    db: deps.db,
    cipher: deps.cipher,
    logger: deps.logger,
    publicUrl: deps.config.PUBLIC_URL,
    connectors: deps.connectors,
    storage: deps.storage,
  };
}

// ---- mounting

/** Fixed-window limiter for log-in and sign-up, per client address (in memory: one web process). */
function rateLimiter(limit: number, windowMs: number) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return (ctx: Context) => {
    const now = Date.now();
    const key = `${ctx.path}|${ctx.ip}`;
    const entry = hits.get(key);
    if (!entry || entry.resetAt <= now) {
      if (hits.size > 10_000) hits.clear();
      hits.set(key, { count: 1, resetAt: now + windowMs });
      return;
    }
    entry.count += 1;
    if (entry.count > limit) throw new AppError('RATE_LIMITED');
  };
}

export function mountRoutes(router: Router, deps: AppDeps): void {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: deps.config.MAX_UPLOAD_BYTES, files: 1, fields: 20, fieldSize: 4096, parts: 21 },
  }).single('image');
  const limitAuth = rateLimiter(20, 60_000);

  for (const route of ROUTES) {
    router[route.method](route.path, async (ctx) => {
      if (route.rateLimited) limitAuth(ctx);
      if (route.auth === 'seller') await requireSeller(ctx, deps);
      if (route.auth === 'optional' && ctx.get('authorization')) await requireSeller(ctx, deps);
      if (route.auth === 'admin') requireAdmin(ctx, deps);
      if (route.multipart && ctx.is('multipart/form-data')) await upload(ctx, async () => {});
      const result = await route.handler(ctx, deps);
      if (result === undefined) {
        ctx.status = route.status ?? 204;
        return;
      }
      // Koa reports 404 until someone sets a status: the handler may have (e.g. a replayed 202).
      if (ctx.status === 404) ctx.status = route.status ?? 200;
      ctx.body = result;
    });
  }
}

async function requireSeller(ctx: Context, deps: AppDeps) {
  const match = /^Bearer (\S+)$/.exec(ctx.get('authorization'));
  const found = match ? await accounts.authenticate(deps.db, match[1]!) : undefined;
  if (!found) throw new AppError('UNAUTHENTICATED');
  ctx.state.seller = found;
  ctx.state.token = match![1];
}

function requireAdmin(ctx: Context, deps: AppDeps) {
  const match = /^Bearer (\S+)$/.exec(ctx.get('authorization'));
  if (!match) throw new AppError('UNAUTHENTICATED');
  const expected = deps.config.ADMIN_TOKEN;
  // A seller token (or anything else) is a valid login but not an admin: 403.
  if (!expected || match[1]!.length !== expected.length || !timingSafeEqualStr(match[1]!, expected))
    throw new AppError('FORBIDDEN');
}

function timingSafeEqualStr(a: string, b: string): boolean {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// ---- OpenAPI

export function openApiDocument(): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: route.summary,
      security:
        route.auth === 'none' ? [] : route.auth === 'optional' ? [{}, { bearer: [] }] : [{ bearer: [] }],
      responses: {
        [String(route.status ?? 200)]: route.response
          ? {
              description: 'OK',
              content: {
                'application/json': {
                  schema: z.toJSONSchema(route.response, { io: 'output', unrepresentable: 'any' }),
                },
              },
            }
          : { description: 'OK' },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: z.toJSONSchema(api.ErrorBody) } },
        },
      },
    };
    const params: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.idempotent)
      params.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        schema: { type: 'string', minLength: 8, maxLength: 128 },
      });
    if (route.query) {
      const schema = z.toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, s] of Object.entries(schema.properties ?? {}))
        params.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s });
    }
    if (params.length) op.parameters = params;
    if (route.body) {
      const schema = z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' });
      op.requestBody = {
        required: true,
        content: {
          'application/json': { schema },
          ...(route.multipart ? { 'multipart/form-data': { schema } } : {}),
        },
      };
    }
    paths[path] = { ...paths[path], [route.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Lumiku Seller Studio API', version: '0.1.0' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
