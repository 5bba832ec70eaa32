import type { ImportWarning } from './warnings.ts';

export type FileKind = 'trade-bill' | 'fund-flow-bill' | 'personal-bill' | 'ledger' | 'unknown';
export type BillType = 'ALL' | 'SUCCESS' | 'REFUND';
export type Integrity = 'ok' | 'mismatch' | 'no-summary';

/** Totals as the file declares them or as recomputed from its rows; keys per kind and layout. */
export type Totals = Record<string, number>;

/** One trade-bill detail row. Money in integer fen; the fee in integer 0.001 fen. */
export interface TradeBillRow {
  line: number;
  /** Beijing time `YYYY-MM-DD HH:mm:ss`; null when the cell was not a readable time. */
  tradeTime: string | null;
  appId: string;
  mchId: string;
  /** 特约商户号 / 子商户号; `0` or empty for a direct merchant. */
  subMchId: string;
  deviceInfo: string;
  /** null when empty or damaged by a spreadsheet program (see warnings). */
  transactionId: string | null;
  outTradeNo: string | null;
  openId: string;
  tradeType: string;
  tradeState: string;
  bankType: string;
  currency: string;
  /** 应结订单金额 (current layouts only). */
  settlementFen: number | null;
  /** 订单金额, or 总金额 in legacy layouts. */
  orderFen: number;
  /** 代金券金额, 代金券或立减优惠金额 or 企业红包金额. */
  couponFen: number | null;
  refundId: string | null;
  outRefundNo: string | null;
  refundFen: number | null;
  /** 充值券退款金额, or 代金券或立减优惠退款金额 / 企业红包退款金额 in legacy layouts. */
  couponRefundFen: number | null;
  refundType: string;
  refundStatus: string;
  refundAppliedAt: string | null;
  refundSucceededAt: string | null;
  body: string;
  attach: string;
  feeMilliFen: number;
  rate: string;
  /** 申请退款金额 (current ALL and REFUND layouts). */
  refundRequestFen: number | null;
  rateNote: string;
  /** Columns the layout does not know, kept by header name. */
  extra?: Record<string, string>;
}

export type LedgerState = 'paid' | 'unpaid' | 'closed' | 'refunded' | 'partially_refunded' | 'unknown';

export interface LedgerRow {
  line: number;
  outTradeNo: string | null;
  amountFen: number | null;
  state: LedgerState;
  /** The state as the ledger wrote it. */
  stateRaw: string;
  /** Beijing time `YYYY-MM-DD HH:mm:ss`. */
  paidAt: string | null;
  refundFen: number | null;
  transactionId: string | null;
  extra?: Record<string, string>;
}

export interface FundFlowRow {
  line: number;
  bookedAt: string | null;
  businessId: string;
  flowId: string;
  businessName: string;
  businessType: string;
  /** 收入 or 支出 */
  direction: string;
  amountFen: number;
  balanceFen: number | null;
  applicant: string;
  note: string;
  voucherId: string;
}

export interface PersonalBillRow {
  line: number;
  tradeTime: string | null;
  tradeType: string;
  counterparty: string;
  goods: string;
  /** 收入, 支出 or `/` (neutral) */
  direction: string;
  amountFen: number;
  paymentMethod: string;
  status: string;
  transactionId: string | null;
  merchantOrderNo: string | null;
  note: string;
}

/** What a parser made of one file. */
export interface ParsedTable {
  kind: FileKind;
  billType?: BillType;
  layout?: string;
  /** Detail rows read (header, summary and blank lines excluded). */
  rows: number;
  /** Rows that could not be read and are left out of `computed` (each has a warning). */
  rejectedRows: number;
  dateRange: [string, string] | null;
  /** Rows per Beijing calendar day, so several days in one file stay apart. */
  days: Record<string, number>;
  declared?: Totals;
  computed?: Totals;
  integrity: Integrity;
  headerRow?: number;
  /** Distinct merchant ids in a trade bill: `mchId` or `mchId/subMchId` for service providers. */
  merchants?: string[];
  tradeRows?: TradeBillRow[];
  /** With rowDetail 'columns': what reconciliation reads, column-wise. */
  tradeColumns?: import('./columns.ts').BillColumns;
  ledgerColumns?: import('./columns.ts').LedgerColumns;
  ledgerRows?: LedgerRow[];
  fundFlowRows?: FundFlowRow[];
  personalRows?: PersonalBillRow[];
  /** An unrecognised file's first rows (cells), so its columns can be mapped by hand. */
  firstRows?: { line: number; cells: string[] }[];
}

export interface ParseContext {
  warnings: import('./warnings.ts').WarningCollector;
  /** Keep row records (reconciliation) or only count and total them (inspect). */
  keepRows: boolean;
  /**
   * With keepRows: `lean` leaves out what reconciliation never reads and what costs most memory
   * at a million rows (商品名称, 商户数据包, 用户标识, a ledger's extra columns); `full` keeps all;
   * `columns` keeps what the engine reads as typed columns instead of row objects (trade bills
   * and ledgers; see import/columns.ts).
   */
  rowDetail?: 'full' | 'lean' | 'columns';
  /** CSV rows must have exactly the header's field count; spreadsheets drop trailing empties. */
  strictFieldCount: boolean;
  /** The text's size in bytes when known, so columns are allocated once at about the right size. */
  sizeHintBytes?: number;
  /**
   * With rowDetail 'columns', a trade bill's columns handed over in parts of about this many rows
   * as they are read (the rest, with any late corrections, stays in `tradeColumns`), so that a
   * consumer can start on them while the file is still being parsed.
   */
  billBatches?: { rows: number; onBatch: (columns: import('./columns.ts').BillColumns, billType: BillType) => void };
}

export interface TableParser {
  row(cursor: import('../table/row-cursor.ts').RowCursor): void;
  finish(): ParsedTable;
}

export type { ImportWarning };
