/**
 * The one IPC contract between the renderer and the main process: each channel's request and
 * response schema, and the events main sends. The preload builds one method per channel from this
 * table; main validates every request against it (and, in tests, every response). No response
 * carries a secret: the renderer learns `hasApiV3Key: true`, never the key.
 */
import { z } from 'zod';
import { CATEGORIES } from '../recon/types.ts';
import type { CHANNEL_NAMES, EVENT_NAMES } from './names.ts';
import { MERCHANT_PACE_DEFAULTS } from './defaults.ts';

// ---- Building blocks

/** Ids are text, always (a 28-digit transaction id is not a number). */
const Id = z.string().min(1).max(128);
const Mchid = z.string().regex(/^\d{6,12}$/, 'a merchant id is 6 to 12 digits');
/** Integer fen: a safe integer, never a float. */
const Fen = z.number().int().refine(Number.isSafeInteger, 'not a safe integer');
const FilePath = z.string().min(1).max(4096);
const Lang = z.enum(['zh-CN', 'en']);

export const VaultStatusSchema = z.object({
  /** Where secrets are encrypted: the OS keychain/DPAPI/libsecret, a weak Linux fallback, or nowhere. */
  protection: z.enum(['os', 'weak', 'unavailable']),
  /** Electron's name for it (keychain, dpapi, gnome_libsecret, kwallet5, basic_text, …). */
  backend: z.string(),
  /** Secrets are kept in memory for this session only (never written). */
  sessionOnly: z.boolean(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

/** What the renderer may know of a merchant profile: which secrets are set, never their values. */
export const MerchantSummarySchema = z.object({
  id: Id,
  name: z.string().max(200),
  mchid: Mchid,
  appid: z.string().nullable(),
  api: z.enum(['v2', 'v3']),
  signType: z.enum(['MD5', 'HMAC-SHA256']),
  baseUrl: z.string(),
  spMchid: Mchid.nullable(),
  subMchid: Mchid.nullable(),
  subAppid: z.string().nullable(),
  certSerialNo: z.string().nullable(),
  wechatpayPublicKeyId: z.string().nullable(),
  platformCertificateSerials: z.array(z.string()),
  hasApiV2Key: z.boolean(),
  hasApiV3Key: z.boolean(),
  hasPrivateKey: z.boolean(),
  hasWechatpayPublicKey: z.boolean(),
  requestsPerSecond: z.number().positive(),
  concurrency: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
  /** The built-in simulator's demo merchant. */
  isDemo: z.boolean(),
});
export type MerchantSummary = z.infer<typeof MerchantSummarySchema>;

/** A profile as the renderer edits it; secrets are write-only (absent: keep; null: remove). */
export const MerchantInputSchema = z.object({
  id: Id.optional(),
  name: z.string().trim().min(1).max(200),
  mchid: Mchid,
  appid: z.string().trim().max(64).nullable().default(null),
  api: z.enum(['v2', 'v3']).default('v3'),
  signType: z.enum(['MD5', 'HMAC-SHA256']).default('MD5'),
  baseUrl: z.string().trim().default('https://api.mch.weixin.qq.com'),
  spMchid: Mchid.nullable().default(null),
  subMchid: Mchid.nullable().default(null),
  subAppid: z.string().trim().max(64).nullable().default(null),
  certSerialNo: z.string().trim().regex(/^[0-9A-Fa-f]{8,40}$/, 'the certificate serial is hexadecimal').nullable().default(null),
  wechatpayPublicKeyId: z.string().trim().regex(/^PUB_KEY_ID_\w+$/, 'starts with PUB_KEY_ID_').nullable().default(null),
  apiV2Key: z.string().nullable().optional(),
  apiV3Key: z.string().nullable().optional(),
  requestsPerSecond: z.number().positive().max(10_000).default(MERCHANT_PACE_DEFAULTS.requestsPerSecond),
  concurrency: z.number().int().positive().max(256).default(MERCHANT_PACE_DEFAULTS.concurrency),
  timeoutMs: z.number().int().positive().max(600_000).default(MERCHANT_PACE_DEFAULTS.timeoutMs),
});
export type MerchantInput = z.input<typeof MerchantInputSchema>;

export const KeyFileKindSchema = z.enum(['private-key', 'wechatpay-public-key', 'platform-certificate']);

export const ConnectionTestSchema = z.object({
  ok: z.boolean(),
  /** What failed, in a word the renderer can explain: signature, clock, merchant, network, key, … */
  problem: z.enum(['none', 'request-signature-refused', 'reply-not-verified', 'clock-skew', 'merchant-id', 'network', 'profile-incomplete', 'other']),
  message: z.string(),
  wechatCode: z.string().nullable(),
  requestId: z.string().nullable(),
  latencyMs: z.number().nonnegative(),
  api: z.enum(['v2', 'v3']),
});
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;

export const FileSummarySchema = z.object({
  path: FilePath,
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  kind: z.enum(['trade-bill', 'fund-flow-bill', 'personal-bill', 'ledger', 'unknown']),
  billType: z.enum(['ALL', 'SUCCESS', 'REFUND']).nullable(),
  layout: z.string().nullable(),
  format: z.string(),
  encoding: z.string().nullable(),
  rows: z.number().int().nonnegative(),
  dateRange: z.tuple([z.string(), z.string()]).nullable(),
  integrity: z.enum(['ok', 'mismatch', 'no-summary']),
  /** Warnings in the requested language, each with its stable code. */
  warnings: z.array(z.object({ code: z.string(), message: z.string(), count: z.number().int(), /** Lines (rows) it concerns, when it is about rows. */ rows: z.array(z.number().int().positive()).default([]) })),
  /** A file that cannot be used at all: why (the import error's code and words). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /**
   * The file's first rows: an unrecognised file's, to map its columns by hand; a recognised one's
   * title rows, header and first records, to see whether the text reads right and to edit a mapping.
   */
  firstRows: z.array(z.object({ line: z.number().int().positive(), cells: z.array(z.string()) })).nullable(),
});

/**
 * The text encoding chosen for a CSV/TSV input, by path, over what its first bytes suggest (a BOM
 * still wins). Spreadsheets and UTF-16 text have no such choice.
 */
export const TextEncodingSchema = z.enum(['utf-8', 'gb18030']);
export type TextEncoding = z.infer<typeof TextEncodingSchema>;
export const EncodingChoicesSchema = z.record(z.string().min(1).max(4096), TextEncodingSchema).refine((r) => Object.keys(r).length <= 100, 'at most 100 files');

/** A ledger mapping (the README's mapping file), checked in main by parseLedgerMapping. */
export const MappingSchema = z.record(z.string(), z.unknown());
export const MappingPresetSchema = z.object({ name: z.string().trim().min(1).max(100), mapping: MappingSchema });
export type FileSummary = z.infer<typeof FileSummarySchema>;

export const ResolutionStatusSchema = z.enum(['open', 'in-progress', 'resolved']);
export type ResolutionStatus = z.infer<typeof ResolutionStatusSchema>;

export const ResolutionSchema = z.object({
  status: ResolutionStatusSchema,
  decision: z.string().max(100).nullable(),
  note: z.string().max(2000),
  by: z.string().max(100),
  atIso: z.string(),
});
export type Resolution = z.infer<typeof ResolutionSchema>;

export const SettingsSchema = z.object({
  crossDayWindowMinutes: z.number().int().min(0).max(720).default(30),
  amountToleranceFen: Fen.min(0).max(100_000).default(0),
});

export const WorkspaceSummarySchema = z.object({
  id: Id,
  name: z.string(),
  merchantId: Id.nullable(),
  createdAtIso: z.string(),
  updatedAtIso: z.string(),
  /** Days the bills cover. */
  days: z.array(z.string()),
  state: z.enum(['new', 'reconciled', 'querying']),
  counts: z.record(z.string(), z.number().int()),
  /** Items not yet resolved. */
  openCount: z.number().int().nonnegative(),
});
export type WorkspaceSummary = z.infer<typeof WorkspaceSummarySchema>;

export const InputFileSchema = z.object({
  role: z.enum(['bill', 'ledger']),
  path: FilePath,
  name: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
});

export const WorkspaceDetailSchema = WorkspaceSummarySchema.extend({
  inputs: z.array(InputFileSchema),
  settings: SettingsSchema,
  /** The reconciliation's summary (control totals), once reconciled. */
  summary: z.unknown().nullable(),
  /** Per category: items, amounts on each side (fen), and how many are resolved. */
  categories: z.array(z.object({ category: z.enum(CATEGORIES), count: z.number().int(), billFen: Fen, ledgerFen: Fen, resolved: z.number().int() })),
});
export type WorkspaceDetail = z.infer<typeof WorkspaceDetailSchema>;

/** One discrepancy as the table shows it; `key` is stable across reopenings. */
export const ItemRowSchema = z.object({
  key: z.string(),
  category: z.enum(CATEGORIES),
  outTradeNo: z.string().nullable(),
  transactionId: z.string().nullable(),
  billFen: Fen.nullable(),
  ledgerFen: Fen.nullable(),
  liveState: z.string().nullable(),
  time: z.string().nullable(),
  explanation: z.string(),
  suggestedAction: z.string(),
  resolution: ResolutionSchema.nullable(),
  /** In-transit items carried over from an earlier day: how many days it has been open. */
  openDays: z.number().int().nonnegative().nullable(),
});
export type ItemRow = z.infer<typeof ItemRowSchema>;

export const ItemQuerySchema = z.object({
  id: Id,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(5_000).default(200),
  categories: z.array(z.enum(CATEGORIES)).optional(),
  statuses: z.array(ResolutionStatusSchema).optional(),
  search: z.string().max(128).optional(),
  sort: z.enum(['category', 'amount-desc', 'amount-asc', 'time-asc', 'time-desc']).default('category'),
});

/** What the discrepancy table shows: its filters and order (an export of the current view). */
export const ItemViewSchema = ItemQuerySchema.pick({ categories: true, statuses: true, search: true, sort: true }).strict();
export type ItemView = z.input<typeof ItemViewSchema>;

export const InTransitSchema = z.object({
  key: z.string(),
  outTradeNo: z.string(),
  category: z.enum(CATEGORIES),
  reason: z.enum(['cross-day', 'not-final', 'refund-processing']),
  sinceDay: z.string(),
  openDays: z.number().int().nonnegative(),
  workspaceId: Id,
});

export const QueryProgressSchema = z.object({
  paused: z.boolean(),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  reused: z.number().int(),
  ratePerSec: z.number(),
  etaSec: z.number().nullable(),
});

// ---- The channels

const Empty = z.object({}).strict();
const ById = z.object({ id: Id }).strict();

export const channels = {
  'app:info': { request: Empty, response: z.object({ version: z.string(), platform: z.string(), lang: Lang, isPackaged: z.boolean(), vault: VaultStatusSchema }) },
  'vault:status': { request: Empty, response: VaultStatusSchema },
  'vault:set-session-only': { request: z.object({ sessionOnly: z.boolean() }).strict(), response: VaultStatusSchema },

  'merchants:list': { request: Empty, response: z.array(MerchantSummarySchema) },
  'merchants:save': { request: MerchantInputSchema, response: MerchantSummarySchema },
  'merchants:delete': { request: ById, response: z.object({ deleted: z.boolean() }) },
  'merchants:import-key-file': { request: z.object({ id: Id, kind: KeyFileKindSchema, path: FilePath }).strict(), response: MerchantSummarySchema },
  'merchants:test-connection': { request: ById, response: ConnectionTestSchema },
  /** The demo: the built-in simulator as the merchant, and a demo day's bill (fetched through the API) and ledger. */
  'demo:start': { request: Empty, response: z.object({ merchant: MerchantSummarySchema, bills: z.array(FilePath), ledgers: z.array(FilePath) }) },

  /** The system's file dialog (open: bills, ledgers, key files; save: the report). Empty when cancelled. */
  'files:pick': { request: z.object({ purpose: z.enum(['bill', 'ledger', 'key', 'report']), multiple: z.boolean().default(false), defaultName: z.string().max(200).optional() }).strict(), response: z.object({ paths: z.array(FilePath) }) },
  /** A day's trade bill fetched through the API (verified, saved under the user's data folder); null path when WeChat has no bill that day. */
  'files:download-bill': {
    request: z.object({ merchantId: Id, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'), billType: z.enum(['ALL', 'SUCCESS', 'REFUND']).default('ALL') }).strict(),
    response: z.object({ path: FilePath.nullable(), rows: z.number().int().nonnegative(), hashChecked: z.boolean() }),
  },
  'files:inspect': { request: z.object({ paths: z.array(FilePath).min(1).max(50), lang: Lang.default('zh-CN'), mapping: MappingSchema.optional(), encodings: EncodingChoicesSchema.default({}) }).strict(), response: z.array(FileSummarySchema) },
  /** Ledger mappings saved by name, one per ledger source (the shop, the ERP…). */
  'mappings:list': { request: Empty, response: z.array(MappingPresetSchema) },
  'mappings:save': { request: MappingPresetSchema.strict(), response: z.array(MappingPresetSchema) },
  'mappings:delete': { request: z.object({ name: z.string().min(1).max(100) }).strict(), response: z.array(MappingPresetSchema) },

  'workspaces:list': { request: Empty, response: z.array(WorkspaceSummarySchema) },
  'workspaces:create': {
    request: z.object({ name: z.string().trim().min(1).max(200), merchantId: Id.nullable().default(null), bills: z.array(FilePath).min(1).max(50), ledgers: z.array(FilePath).max(50).default([]), mapping: MappingSchema.optional(), encodings: EncodingChoicesSchema.default({}), settings: SettingsSchema.default({ crossDayWindowMinutes: 30, amountToleranceFen: 0 }) }).strict(),
    response: WorkspaceSummarySchema,
  },
  'workspaces:open': { request: ById, response: WorkspaceDetailSchema },
  'workspaces:reconcile': { request: z.object({ id: Id, lang: Lang.default('zh-CN') }).strict(), response: WorkspaceDetailSchema },
  /** Stops a reconciliation under way (its reply is then the error `cancelled`); the workspace keeps its previous result. */
  'workspaces:cancel-reconcile': { request: ById, response: z.object({ cancelled: z.boolean() }) },
  /** One item whole (bill, ledger and live views) with its decisions' history, for the detail panel. */
  'workspaces:item': { request: z.object({ id: Id, key: z.string().min(1).max(300) }).strict(), response: z.object({ item: z.unknown(), history: z.array(ResolutionSchema) }) },
  'workspaces:items': { request: ItemQuerySchema, response: z.object({ total: z.number().int(), rows: z.array(ItemRowSchema) }) },
  'workspaces:resolve': {
    request: z.object({ id: Id, keys: z.array(z.string()).min(1).max(1_000_000), status: ResolutionStatusSchema, decision: z.string().max(100).nullable().default(null), note: z.string().max(2000).default(''), by: z.string().max(100).default('') }).strict(),
    response: z.object({ updated: z.number().int(), locked: z.number().int() }),
  },
  /** The report as .xlsx, with the decisions and their log; only the items of `view` (the table's filters) when given. */
  'workspaces:export': { request: z.object({ id: Id, path: FilePath, lang: Lang.default('zh-CN'), view: ItemViewSchema.optional() }).strict(), response: z.object({ path: FilePath, sizeBytes: z.number().int() }) },
  'workspaces:in-transit': { request: Empty, response: z.array(InTransitSchema) },
  'workspaces:delete': { request: ById, response: z.object({ deleted: z.boolean() }) },

  /** 关单: close an unpaid order at WeChat Pay — asked first, refused when paid or younger than five minutes, recorded. */
  'orders:close': {
    request: z.object({ workspaceId: Id, outTradeNo: z.string().min(1).max(64), createdAtIso: z.string().max(40).optional(), by: z.string().max(100).default('') }).strict(),
    response: z.object({ outcome: z.enum(['closed', 'already-closed', 'refused-paid', 'too-young']), tradeState: z.string().nullable() }),
  },
  'queries:start': { request: z.object({ workspaceId: Id, lang: Lang.default('zh-CN') }).strict(), response: z.object({ progress: QueryProgressSchema, cancelled: z.boolean(), failed: z.number().int() }) },
  'queries:pause': { request: z.object({ workspaceId: Id }).strict(), response: z.object({ paused: z.boolean() }) },
  'queries:resume': { request: z.object({ workspaceId: Id }).strict(), response: z.object({ paused: z.boolean() }) },
  'queries:cancel': { request: z.object({ workspaceId: Id }).strict(), response: z.object({ cancelled: z.boolean() }) },
} as const;

export type Channel = keyof typeof channels;
export type Request<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ParsedRequest<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type Response<C extends Channel> = z.output<(typeof channels)[C]['response']>;

export const CHANNELS = Object.keys(channels) as Channel[];

// The preload's name lists (names.ts) must be exactly these tables' keys: a channel added to one
// and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelNamesMatch: Same<(typeof CHANNEL_NAMES)[number], Channel> = true;
void channelNamesMatch;

// ---- Events main sends (topic:past-tense)

export const events = {
  'workspaces:progressed': z.object({ id: Id, phase: z.enum(['reading', 'reconciling', 'writing', 'done']), done: z.number(), total: z.number() }),
  'queries:progressed': z.object({ workspaceId: Id, progress: QueryProgressSchema }),
  /** An application-menu command (new reconciliation, open workspace, about). */
  'menu:invoked': z.object({ command: z.enum(['new-reconciliation', 'open-workspace', 'about']) }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
export const EVENTS = Object.keys(events) as EventName[];
const eventNamesMatch: Same<(typeof EVENT_NAMES)[number], EventName> = true;
void eventNamesMatch;

/** The window API the preload exposes (`window.wxrecon`), derived from the tables. */
export type WxreconApi = {
  [C in Channel]: (request: Request<C>) => Promise<import('./result.ts').Result<Response<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Where a file dropped on the window lives (Electron's webUtils.getPathForFile): the page gets
   * a File, never its path, and main reads files by path. Empty for anything not a dropped file.
   */
  pathForFile(file: object): string;
};
