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
  CreateExportBody,
  ExportView,
  JobView,
  Ledger,
  LoginBody,
  Marketplace,
  PresetId,
  PresetList,
  Quote,
  SellerView,
  SignupBody,
  TemplateId,
  TemplateView,
  UpdateSettingsBody,
} from './api.js';
import type { WorkflowPresetId } from './presets.js';

const Empty = z.strictObject({});

/** What any extension context may know about the login: never the token itself. */
export const SessionView = z.object({ loggedIn: z.boolean(), seller: SellerView.nullable() });
export type SessionView = z.infer<typeof SessionView>;

/** What a job runs, as the seller picked it: a preset or a template. */
export type Look = { kind: 'preset'; presetId: WorkflowPresetId } | { kind: 'template'; templateId: string };

/** The API's convention (POST /v1/jobs, GET /v1/quote): exactly one of presetId and templateId. */
const exactlyOneLook = {
  check: (b: { presetId?: unknown; templateId?: unknown }) =>
    (b.presetId === undefined) !== (b.templateId === undefined),
  params: { message: 'Give exactly one of presetId and templateId.', path: ['presetId'] },
};

/** A look as message fields, the way the API names them. */
export function lookFields(look: Look): { presetId: WorkflowPresetId } | { templateId: string } {
  return look.kind === 'preset' ? { presetId: look.presetId } : { templateId: look.templateId };
}

export const QuoteRequest = z
  .strictObject({ presetId: PresetId.optional(), templateId: TemplateId.optional() })
  .refine(exactlyOneLook.check, exactlyOneLook.params);

export const CreateJobRequest = z
  .strictObject({
    marketplace: Marketplace,
    productId: z.string().regex(/^\d{1,20}$/),
    slot: z.number().int().min(0).max(8),
    /** The listing image as the seller center shows it; the background downloads it (CDN hosts only). */
    imageUrl: z.url({ protocol: /^https$/ }).max(2048),
    sourceImageId: z.string().min(1).max(200).optional(),
    presetId: PresetId.optional(),
    templateId: TemplateId.optional(),
    /** One UUID per user click, sent as Idempotency-Key; reused only when retrying that same click. */
    clickId: z.uuid(),
  })
  .refine(exactlyOneLook.check, exactlyOneLook.params);
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

export const JobWithImages = z.object({
  job: JobView,
  /** Set when the job succeeded: the original and the result as data: URLs, fetched with the token. */
  beforeDataUrl: z.string().startsWith('data:image/').nullable(),
  afterDataUrl: z.string().startsWith('data:image/').nullable(),
});
export type JobWithImages = z.infer<typeof JobWithImages>;

/**
 * A gallery item as the extension shows it. `locked` is the server's own verdict for this seller (premium
 * template on a tier that may not use it) once the API sends it; until then the UI decides from the tier.
 */
export const PickerTemplate = TemplateView.extend({ locked: z.boolean().optional() });
export type PickerTemplate = z.infer<typeof PickerTemplate>;

/** POST /v1/exports as the popup asks for it: the API body plus the click's id (the Idempotency-Key). */
export const CreateExportRequest = CreateExportBody.extend({
  /** One UUID per "Create ZIP" click; the background sends it as Idempotency-Key on every retry of it. */
  clickId: z.uuid(),
});
export type CreateExportRequest = z.infer<typeof CreateExportRequest>;

export const MESSAGES = {
  'session.get': { request: Empty, response: SessionView },
  'auth.signup': { request: SignupBody, response: SessionView },
  'auth.login': { request: LoginBody, response: SessionView },
  'auth.logout': { request: Empty, response: SessionView },
  'account.get': { request: Empty, response: AccountView },
  'settings.update': { request: UpdateSettingsBody, response: AccountView },
  'quote.get': { request: QuoteRequest, response: Quote },
  /** The look picker's choices: every preset and template, at the prices jobs are charged. */
  'presets.list': { request: Empty, response: PresetList },
  'templates.list': {
    request: Empty,
    response: z.object({ templates: z.array(PickerTemplate) }),
  },
  /** A template's thumbnail as a data: URL (the page may not load images from the API origin itself). */
  'template.preview': {
    request: z.strictObject({ templateId: TemplateId }),
    response: z.object({ dataUrl: z.string().startsWith('data:image/') }),
  },
  'job.create': { request: CreateJobRequest, response: JobView },
  'job.get': { request: z.strictObject({ jobId: z.uuid() }), response: JobWithImages },
  'job.apply': { request: z.strictObject({ jobId: z.uuid(), clickId: z.uuid() }), response: JobView },
  /** Puts back the image "job.apply" replaced. Not charging; the server makes it idempotent per job. */
  'job.revert': { request: z.strictObject({ jobId: z.uuid() }), response: JobView },
  /** Opens the options page (e.g. "Reconnect shop" in the seller center); content scripts cannot do it. */
  'options.open': { request: Empty, response: z.object({ opened: z.literal(true) }) },
  /** ZIP exports (popup only): start one, watch it, and have the background download it with the token. */
  'export.create': { request: CreateExportRequest, response: ExportView },
  'export.get': { request: z.strictObject({ exportId: z.uuid() }), response: ExportView },
  /** Hands the ZIP to the browser's download manager; the answer is its download id, never a URL or token. */
  'export.download': {
    request: z.strictObject({ exportId: z.uuid() }),
    response: z.strictObject({ downloadId: z.number().int(), filename: z.string() }),
  },
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
  'presets.list',
  'templates.list',
  'template.preview',
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
