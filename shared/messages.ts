/**
 * The extension's internal message map: every request a content script, the popup or the options page
 * sends to the background worker, and what comes back. The background is the only place that holds the
 * API token and talks to the API; it parses every request with these strict schemas before acting
 * (security.md, "Extension (Chrome MV3)").
 */
import { z } from 'zod';
import {
  AccountView,
  ApiProvider,
  ConnectionList,
  JobView,
  Ledger,
  LoginBody,
  Marketplace,
  PresetId,
  Quote,
  SellerView,
  SignupBody,
  UpdateSettingsBody,
} from './api.js';

const Empty = z.strictObject({});

/** What any extension context may know about the login: never the token itself. */
export const SessionView = z.object({ loggedIn: z.boolean(), seller: SellerView.nullable() });
export type SessionView = z.infer<typeof SessionView>;

export const CreateJobRequest = z.strictObject({
  marketplace: Marketplace,
  productId: z.string().regex(/^\d{1,20}$/),
  slot: z.number().int().min(0).max(8),
  /** The listing image as the seller center shows it; the background downloads it (CDN hosts only). */
  imageUrl: z.url({ protocol: /^https$/ }).max(2048),
  sourceImageId: z.string().min(1).max(200).optional(),
  presetId: PresetId,
  /** One UUID per user click, sent as Idempotency-Key; reused only when retrying that same click. */
  clickId: z.uuid(),
});
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

export const JobWithImages = z.object({
  job: JobView,
  /** Set when the job succeeded: the original and the result as data: URLs, fetched with the token. */
  beforeDataUrl: z.string().startsWith('data:image/').nullable(),
  afterDataUrl: z.string().startsWith('data:image/').nullable(),
});
export type JobWithImages = z.infer<typeof JobWithImages>;

export const MESSAGES = {
  'session.get': { request: Empty, response: SessionView },
  'auth.signup': { request: SignupBody, response: SessionView },
  'auth.login': { request: LoginBody, response: SessionView },
  'auth.logout': { request: Empty, response: SessionView },
  'account.get': { request: Empty, response: AccountView },
  'settings.update': { request: UpdateSettingsBody, response: AccountView },
  'quote.get': { request: z.strictObject({ presetId: PresetId }), response: Quote },
  'job.create': { request: CreateJobRequest, response: JobView },
  'job.get': { request: z.strictObject({ jobId: z.uuid() }), response: JobWithImages },
  'job.apply': { request: z.strictObject({ jobId: z.uuid(), clickId: z.uuid() }), response: JobView },
  /** Puts back the image "job.apply" replaced. Not charging; the server makes it idempotent per job. */
  'job.revert': { request: z.strictObject({ jobId: z.uuid() }), response: JobView },
  /** Opens the options page (e.g. "Reconnect shop" in the seller center); content scripts cannot do it. */
  'options.open': { request: Empty, response: z.object({ opened: z.literal(true) }) },
  'ledger.get': { request: Empty, response: Ledger },
  'connections.list': { request: Empty, response: ConnectionList },
  'connections.start': {
    /** The seller API to authorize: `tiktok` covers TikTok Shop and Tokopedia (shared/marketplaces.ts). */
    request: z.strictObject({ provider: ApiProvider }),
    // Opened in a new tab by the options page, so only web URLs (never javascript: or data:).
    response: z.object({ authorizeUrl: z.url({ protocol: /^https?$/ }) }),
  },
  'connections.delete': {
    request: z.strictObject({ connectionId: z.uuid() }),
    response: z.object({ deleted: z.literal(true) }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type MessageType = keyof typeof MESSAGES;
export const MESSAGE_TYPES = Object.keys(MESSAGES) as [MessageType, ...MessageType[]];

/** What the sender passes (before defaults and transforms). */
export type MessageInput<K extends MessageType> = z.input<(typeof MESSAGES)[K]['request']>;
/** What the background's handler receives (after parsing). */
export type MessageRequest<K extends MessageType> = z.output<(typeof MESSAGES)[K]['request']>;
export type MessageData<K extends MessageType> = z.output<(typeof MESSAGES)[K]['response']>;

/**
 * The only messages a content script may send. A seller-center page is less trusted than our own pages
 * (developer.chrome.com/docs/extensions/develop/concepts/messaging): no login, logout or shop connections.
 * Job messages are further limited to the sender's own marketplace by the background's handlers.
 */
export const CONTENT_SCRIPT_MESSAGES = [
  'session.get',
  'account.get',
  'quote.get',
  'job.create',
  'job.get',
  'job.apply',
  'job.revert',
  'options.open',
] as const satisfies readonly MessageType[];

export function isContentScriptMessage(type: MessageType): boolean {
  return (CONTENT_SCRIPT_MESSAGES as readonly MessageType[]).includes(type);
}

/** The envelope on the wire; the payload is parsed separately with the schema of its type. */
export const MessageEnvelope = z.strictObject({ type: z.enum(MESSAGE_TYPES), payload: z.unknown() });

export const MessageErrorBody = z.object({ code: z.string(), message: z.string() });
export type MessageErrorBody = z.infer<typeof MessageErrorBody>;

export type MessageResult<T> = { ok: true; data: T } | { ok: false; error: MessageErrorBody };

export function messageResultSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: MessageErrorBody }),
  ]);
}
