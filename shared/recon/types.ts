/**
 * The reconciliation report of the contract (../shared/contract.md, "`reconcile` report"). Field
 * names here are what scripts read: add, never rename.
 */
import type { BillType, LedgerRow, LedgerState, TradeBillRow } from '../import/types.ts';
import type { BillColumns, LedgerColumns } from '../import/columns.ts';

export const CATEGORIES = [
  'missing-in-ledger',
  'missing-in-bill',
  'amount-mismatch',
  'status-mismatch',
  'refund-mismatch',
  'duplicate',
  'cross-day',
  /** An extension of the contract's list: the bill's own fee disagrees with its rate. */
  'fee-mismatch',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** WeChat's trade_state, or ORDER_NOT_EXIST when WeChat has no such order. */
export type LiveTradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | 'ACCEPT' | 'ORDER_NOT_EXIST';

/** NOTPAY, USERPAYING and ACCEPT can still change; the rest are final. */
export const NON_FINAL_LIVE_STATES: ReadonlySet<LiveTradeState> = new Set(['NOTPAY', 'USERPAYING', 'ACCEPT']);

/** One refund of an order as a signed refund query (退款查询) returned it. */
export interface LiveRefund {
  outRefundNo: string;
  refundId: string | null;
  refundFen: number;
  /** WeChat's status as given: SUCCESS, PROCESSING, CLOSED/REFUNDCLOSE, ABNORMAL/CHANGE. */
  status: string;
  /** ISO 8601 with +08:00, once it succeeded. */
  successTime: string | null;
}

/** What refund queries found of an order WeChat calls REFUND. */
export interface LiveRefunds {
  refunds: LiveRefund[];
  /** The refunds that succeeded, in fen: money that has left the merchant. */
  refundFen: number;
  /**
   * Every refund of the order is listed (v2 refundquery lists an order's refunds); false when only
   * the refunds whose numbers were known could be asked about (v3 queries refunds one by one).
   */
  complete: boolean;
}

/** One order's live state, as a signed query returned it (issue 4 supplies these). */
export interface LiveState {
  outTradeNo: string;
  transactionId: string | null;
  tradeState: LiveTradeState;
  totalFen: number | null;
  /** ISO 8601 with offset, e.g. `2026-11-27T00:00:03+08:00`; null when unpaid. */
  successTime: string | null;
  queriedAt: string;
  requestId?: string;
  /** For REFUND, when the refunds could be queried. */
  refunds?: LiveRefunds;
}

export interface ReconcileSettings {
  /**
   * Minutes either side of a bill day's 00:00 boundary within which a ledger payment the bill
   * lacks is taken as belonging to the neighbouring day (在途), not as missing.
   */
  crossDayWindowMinutes: number;
  /** Differences up to this many fen are not reported as amount or refund mismatches. */
  amountToleranceFen: number;
}

export const DEFAULT_SETTINGS: ReconcileSettings = { crossDayWindowMinutes: 30, amountToleranceFen: 0 };

/** A bill as columns (what importFile gives with rowDetail 'columns') or, for small inputs, rows. */
export interface BillInput {
  file: string;
  billType: BillType;
  /** More rows of the bill added just before: one file read in parts; counted as one file. */
  continuation?: boolean;
  columns?: BillColumns;
  rows?: readonly TradeBillRow[];
}

export interface LedgerInput {
  file: string;
  columns?: LedgerColumns;
  rows?: readonly LedgerRow[];
}

export interface ReconcileInput {
  bills: readonly BillInput[];
  ledgers: readonly LedgerInput[];
  /** Live states by out_trade_no, when queried. */
  live?: ReadonlyMap<string, LiveState>;
  settings?: Partial<ReconcileSettings>;
}

export interface BillRefundView {
  refundId: string | null;
  outRefundNo: string | null;
  /** 申请退款金额 (or 退款金额 where the layout has no request column). */
  amountFen: number;
  /** The bill's refund status: a snapshot taken when the bill was made. */
  status: string;
  at: string | null;
  file: string;
  line: number;
}

export interface BillView {
  amountFen: number;
  settlementFen: number | null;
  couponFen: number | null;
  state: string;
  paidAt: string | null;
  transactionId: string | null;
  refunds: BillRefundView[];
  refundFen: number;
  file: string;
  line: number;
}

export interface LedgerView {
  amountFen: number | null;
  state: LedgerState;
  stateRaw: string;
  paidAt: string | null;
  refundFen: number | null;
  transactionId: string | null;
  file: string;
  line: number;
}

export interface LiveView {
  tradeState: LiveTradeState;
  totalFen: number | null;
  successTime: string | null;
  queriedAt: string;
  requestId?: string;
  refunds?: LiveRefunds;
}

/** Suggested actions (documented in the README). */
export type SuggestedAction =
  | 'add-payment-to-ledger'
  | 'mark-ledger-paid'
  | 'mark-ledger-unpaid'
  | 'check-ledger-payment'
  | 'wait-for-next-bill'
  | 'add-bill-for-day'
  | 'correct-ledger-amount'
  | 'record-refund-in-ledger'
  | 'check-ledger-refund'
  | 'resolve-duplicate'
  | 'requery-later'
  | 'check-fee-with-wechat'
  | 'redownload-original-file';

export interface ReconcileItem {
  category: Category;
  outTradeNo: string | null;
  transactionId: string | null;
  bill: BillView | null;
  ledger: LedgerView | null;
  live: LiveView | null;
  /** The explanation in the report's language; both languages in `explanations`. */
  explanation: string;
  explanations: { 'zh-CN': string; en: string };
  suggestedAction: SuggestedAction;
  /** Every source row behind this item, so each row is accounted for exactly once. */
  billRows?: { file: string; line: number }[];
  ledgerRows?: { file: string; line: number }[];
}

export interface ReconcileSummary {
  bill: { files: number; rows: number; paidCount: number; paidFen: number; refundCount: number; refundFen: number; days: string[] };
  ledger: { files: number; rows: number; paidCount: number; paidFen: number; refundFen: number };
  /** Items per category, and matched orders. */
  counts: Record<Category | 'matched', number>;
  /** Paid on WeChat minus paid in the ledger: the figure a finance manager asks for first. */
  differenceFen: number;
  query?: { queried: number; failed: number };
  settings: ReconcileSettings;
}

export interface ReportInputFile {
  role: 'bill' | 'ledger';
  file: string;
  /** SHA-256 of the file's bytes as read, so an auditor can tie the report to its inputs. */
  sha256: string;
  sizeBytes: number;
  kind: string;
  billType?: BillType;
  layout?: string;
  rows: number;
  integrity: string;
  dateRange: [string, string] | null;
}

/** Who made the report from what, and when; added at the edge (the engine itself is pure). */
export interface ReportMeta {
  generatedAt: string;
  tool: string;
  lang: 'zh-CN' | 'en';
  inputs: ReportInputFile[];
}

export interface ReconcileReport {
  summary: ReconcileSummary;
  items: ReconcileItem[];
  meta?: ReportMeta;
}
