/**
 * Format-exact WeChat Pay trade bills (交易账单) that know their own truth.
 *
 * The byte format follows ../shared/reference/wechatpay-api.md §4: a plain header line, detail rows
 * whose every field carries a backtick prefix (an empty field is a lone backtick), the summary header
 * `总交易单数,…` and one backticked summary row; v3 downloads are UTF-8 with a BOM and CRLF line ends.
 * Row semantics follow §4.5: in an ALL bill a refund is its own row dated at the refund time with
 * 应结订单金额/订单金额 0.00 and a negative fee; a REFUND bill dates rows at the original payment.
 *
 * Every generated value is a pure function of the options, so the same options always give the same
 * bytes, whether the bill is built in memory or streamed to disk.
 */
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { fenToYuanText, milliFenToYuanText } from '../../shared/money/format.ts';
import { SeededRandom, SelectionSampler, WeightedTable } from './random.ts';

export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND';
/** `current` = 27/20/29 columns; `legacy` = 24/18/26; `legacy-redpacket` = legacy with 企业红包 names. */
export type TradeBillLayout = 'current' | 'legacy' | 'legacy-redpacket';
export type OutTradeNoFormat = 'hex32' | 'timestamp' | 'digits' | 'zero-padded' | 'mixed';
export type TextEncoding = 'utf-8' | 'gb18030';
export type SummaryMode = 'correct' | 'none' | 'truncated';

export interface TradeBillOptions {
  /** Detail rows in the file (default 100). */
  rows?: number;
  seed?: number;
  /** The bill day, YYYY-MM-DD, Beijing time (default 2021-01-28). */
  date?: string;
  billType?: TradeBillType;
  layout?: TradeBillLayout;
  /** 商户号 is the service provider's, 特约商户号/子商户号 a sub-merchant's; a direct merchant has `0`. */
  serviceProvider?: boolean;
  /** ALL bills: the share of rows that are refunds (default 0.02). */
  refundRatio?: number;
  /** Share of refunds whose order was paid before the bill day (default 0.2; REFUND bills: 0.5). */
  crossDayRefundRatio?: number;
  /** Share of payments with a coupon (default 0.05); current layout: half 代金券, half 免充值券. */
  couponRatio?: number;
  /** Default `hex32`. `digits` (18 digits) and `zero-padded` are the ones Excel damages. */
  outTradeNoFormat?: OutTradeNoFormat;
  /** Fees with sub-fen precision (`0.03600`) instead of whole fen (`0.04000`, as seen in samples). */
  subFenFees?: boolean;
  /** UTF-8 BOM (default true for utf-8; not allowed with gb18030). */
  bom?: boolean;
  lineEnding?: '\r\n' | '\n';
  /** Line ending after the last line (default true). */
  finalNewline?: boolean;
  /** `gb18030` is what Excel/WPS write when a user re-saves the CSV on a Chinese Windows. */
  encoding?: TextEncoding;
  /** `truncated`: the summary declares the totals of more rows than the file holds. */
  summary?: SummaryMode;
}

/**
 * One detail row, as semantic values. Amounts are integers: fen, fees in 0.001 fen. The order-level
 * fields (`orderFen`, `settlementFen`, `couponFen`, `paidAt`) describe the order even on refund
 * rows, where the bill itself prints 0.00; `printedFields` shows what the file says.
 */
export interface TradeBillRecord {
  state: 'SUCCESS' | 'REFUND';
  /** 交易时间 as printed: payment time, or the refund time on an ALL bill's refund row. */
  time: string;
  /** When the order was paid (may be days before the bill day for a refund). */
  paidAt: string;
  refundRequestedAt: string | null;
  refundSucceededAt: string | null;
  appId: string;
  mchId: string;
  /** 特约商户号 / 子商户号; `0` for a direct merchant. */
  subMchId: string;
  deviceInfo: string;
  transactionId: string;
  outTradeNo: string;
  openId: string;
  tradeType: string;
  bank: string;
  currency: string;
  /** The order's 订单金额 (total_fee). */
  orderFen: number;
  /** The order's 应结订单金额: 订单金额 minus a 免充值券. */
  settlementFen: number;
  /** 代金券金额 of the order. */
  couponFen: number;
  couponKind: 'none' | 'recharge' | 'no-recharge';
  refundId: string | null;
  outRefundNo: string | null;
  /** 申请退款金额 (refund_fee); 0 on payment rows. */
  refundRequestFen: number;
  /** 退款金额 (settlement_refund_fee): the request minus the 免充值券 share. */
  refundFen: number;
  /** 充值券退款金额: the 代金券 share of the refund. */
  rechargeCouponRefundFen: number;
  /** The share of the refund any coupon covered (legacy 代金券或立减优惠退款金额). */
  couponRefundFen: number;
  refundType: string;
  refundStatus: string;
  body: string;
  attach: string;
  /** 手续费 as printed: negative on refund rows. */
  feeMilliFen: number;
  /** 费率, e.g. `0.60%`. */
  rate: string;
  rateNote: string;
}

export interface CurrentSummaryTotals {
  count: number;
  settlementTotalFen: number;
  refundTotalFen: number;
  rechargeCouponRefundTotalFen: number;
  feeTotalMilliFen: number;
  orderTotalFen: number;
  refundRequestTotalFen: number;
}

export interface LegacySummaryTotals {
  count: number;
  orderTotalFen: number;
  refundTotalFen: number;
  couponRefundTotalFen: number;
  feeTotalMilliFen: number;
}

export type TradeBillTotals = CurrentSummaryTotals | LegacySummaryTotals;

/** Totals recomputed from rows: a layout without a summed column (SUCCESS bills) omits that total. */
export type ComputedTotals = Partial<CurrentSummaryTotals> | Partial<LegacySummaryTotals>;

export interface TradeBillFileTruth {
  billType: TradeBillType;
  layout: TradeBillLayout;
  /** The bill day the options asked for. */
  date: string;
  header: string[];
  /** Detail rows present in the file. */
  rowCount: number;
  /** Text lines: header, details, summary header and row. */
  lineCount: number;
  /** Totals recomputed from the rows present (= the contract's `computed`). */
  computed: ComputedTotals;
  /** The summary line's values (= the contract's `declared`), null without a summary. */
  declared: TradeBillTotals | null;
  integrity: 'ok' | 'mismatch' | 'no-summary';
  /** First and last date of 交易时间 among the rows (REFUND bills: payment dates), null if empty. */
  dateRange: [string, string] | null;
  /** As the contract names it: `utf-8-bom`, `utf-8` or `gb18030`. */
  encoding: 'utf-8-bom' | 'utf-8' | 'gb18030';
  lineEnding: '\r\n' | '\n';
  byteLength: number;
}

export interface TradeBillTruth extends TradeBillFileTruth {
  rows: TradeBillRecord[];
}

export interface GeneratedTradeBill {
  bytes: Uint8Array;
  /** The text before encoding (BOM excluded). */
  text: string;
  truth: TradeBillTruth;
}

export interface TradeBillLine {
  kind: 'header' | 'detail' | 'summary-header' | 'summary';
  /** Field texts without backticks. */
  fields: string[];
}

// ------------------------------------------------------------------------------------------------
// Time, Beijing wall clock as plain integers: the bill never carries an offset, so no Date zone maths.

const DAY_MS = 86_400_000;
const DAY_SECONDS = 86_400;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

export function dayNumberOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`date must be YYYY-MM-DD, got ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const day = ms / DAY_MS;
  if (isoDateOf(day) !== date) throw new RangeError(`no such date: ${date}`);
  return day;
}

const isoDates = new Map<number, string>();

export function isoDateOf(dayNumber: number): string {
  let iso = isoDates.get(dayNumber);
  if (iso === undefined) {
    // Formatting a Date per row was the generator's top cost; a bill touches a few dozen days.
    iso = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    isoDates.set(dayNumber, iso);
  }
  return iso;
}

/** `yyyy-MM-dd HH:mm:ss` */
export function billTimeOf(dayNumber: number, secondOfDay: number): string {
  return `${isoDateOf(dayNumber)} ${clockOf(secondOfDay)}`;
}

function clockOf(secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  return `${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[secondOfDay % 60]}`;
}

const compactDates = new Map<number, string>();

function compactDate(dayNumber: number): string {
  let compact = compactDates.get(dayNumber);
  if (compact === undefined) {
    compact = isoDateOf(dayNumber).replaceAll('-', '');
    compactDates.set(dayNumber, compact);
  }
  return compact;
}

// ------------------------------------------------------------------------------------------------
// Ids. Uniqueness comes from a counter pushed through a bijection, so a million rows never collide
// and no set of seen ids is needed.

/**
 * A bijection on 32-bit integers (Wellons' lowbias32 after a salt), so distinct counters give
 * distinct, random-looking ids. As decimal it fills 10 digits.
 */
export function hash32(counter: number, salt: number): number {
  let x = (counter ^ salt) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function hashDigits10(counter: number, salt: number): string {
  return String(hash32(counter, salt)).padStart(10, '0');
}

/** A bijection on [0, 10^digits) for digits ≤ 9: merchants' own sequence-like numbers. */
function affineDigits(counter: number, digits: number, salt: number): string {
  const modulus = 10 ** digits;
  return String(((counter % modulus) * 7_919 + ((salt >>> 0) % modulus)) % modulus).padStart(digits, '0');
}

function scrambleHex8(counter: number, salt: number): string {
  return hash32(counter, salt).toString(16).padStart(8, '0');
}

const OPENID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export interface OrderIdContext {
  random: SeededRandom;
  salt: number;
}

/** 商户订单号 in one of the merchant formats seen in the wild. `counter` must be unique per order. */
export function makeOutTradeNo(
  format: Exclude<OutTradeNoFormat, 'mixed'>,
  counter: number,
  paidDay: number,
  paidSecond: number,
  ctx: OrderIdContext,
): string {
  switch (format) {
    case 'hex32':
      return ctx.random.hex(24) + scrambleHex8(counter, ctx.salt);
    case 'timestamp':
      return 'S' + compactDate(paidDay) + clockOf(paidSecond).replaceAll(':', '') + affineDigits(counter, 7, ctx.salt);
    case 'digits':
      return compactDate(paidDay) + hashDigits10(counter, ctx.salt);
    case 'zero-padded':
      return '000' + affineDigits(counter, 9, ctx.salt);
  }
}

/** 微信订单号: 28 digits, `42000` + 5 digits + payment date + 10 digits. */
export function makeTransactionId(counter: number, paidDay: number, ctx: OrderIdContext): string {
  return '42000' + '00' + String(ctx.random.int(800, 999)) + compactDate(paidDay) + hashDigits10(counter, ctx.salt ^ 0x1e1e1e);
}

// ------------------------------------------------------------------------------------------------
// Columns: each layout is one table of (header, printed value), so a header can never drift from
// the value under it.

interface ColumnSpec {
  header: string;
  value: (r: TradeBillRecord) => string;
}

const yuan = fenToYuanText;
const isRefund = (r: TradeBillRecord): boolean => r.state === 'REFUND';

function commonHead(subMchHeader: string): ColumnSpec[] {
  return [
    { header: '交易时间', value: (r) => r.time },
    { header: '公众账号ID', value: (r) => r.appId },
    { header: '商户号', value: (r) => r.mchId },
    { header: subMchHeader, value: (r) => r.subMchId },
    { header: '设备号', value: (r) => r.deviceInfo },
    { header: '微信订单号', value: (r) => r.transactionId },
    { header: '商户订单号', value: (r) => r.outTradeNo },
    { header: '用户标识', value: (r) => r.openId },
    { header: '交易类型', value: (r) => r.tradeType },
    { header: '交易状态', value: (r) => r.state },
    { header: '付款银行', value: (r) => r.bank },
    { header: '货币种类', value: (r) => r.currency },
  ];
}

const refundTimes: ColumnSpec[] = [
  { header: '退款申请时间', value: (r) => r.refundRequestedAt ?? '' },
  { header: '退款成功时间', value: (r) => r.refundSucceededAt ?? '' },
];
const refundNumbers: ColumnSpec[] = [
  { header: '微信退款单号', value: (r) => r.refundId ?? '0' },
  { header: '商户退款单号', value: (r) => r.outRefundNo ?? '0' },
];
const refundState: ColumnSpec[] = [
  { header: '退款类型', value: (r) => r.refundType },
  { header: '退款状态', value: (r) => r.refundStatus },
];
const goods: ColumnSpec[] = [
  { header: '商品名称', value: (r) => r.body },
  { header: '商户数据包', value: (r) => r.attach },
  { header: '手续费', value: (r) => milliFenToYuanText(r.feeMilliFen) },
  { header: '费率', value: (r) => r.rate },
];

function currentColumns(billType: TradeBillType): ColumnSpec[] {
  const amounts: ColumnSpec[] = [
    { header: '应结订单金额', value: (r) => (isRefund(r) ? '0.00' : yuan(r.settlementFen)) },
    { header: '代金券金额', value: (r) => (isRefund(r) ? '0.00' : yuan(r.couponFen)) },
  ];
  const refunds: ColumnSpec[] = [
    ...refundNumbers,
    { header: '退款金额', value: (r) => yuan(r.refundFen) },
    { header: '充值券退款金额', value: (r) => yuan(r.rechargeCouponRefundFen) },
    ...refundState,
  ];
  const orderTotal: ColumnSpec = { header: '订单金额', value: (r) => (isRefund(r) ? '0.00' : yuan(r.orderFen)) };
  const refundRequest: ColumnSpec = { header: '申请退款金额', value: (r) => yuan(r.refundRequestFen) };
  const rateNote: ColumnSpec = { header: '费率备注', value: (r) => r.rateNote };
  const head = commonHead('特约商户号');
  switch (billType) {
    case 'ALL':
      return [...head, ...amounts, ...refunds, ...goods, orderTotal, refundRequest, rateNote];
    case 'SUCCESS':
      return [...head, ...amounts, ...goods, orderTotal, rateNote];
    case 'REFUND':
      return [...head, ...amounts, ...refundTimes, ...refunds, ...goods, orderTotal, refundRequest, rateNote];
  }
}

function legacyColumns(billType: TradeBillType, redPacket: boolean): ColumnSpec[] {
  const couponName = redPacket ? '企业红包金额' : '代金券或立减优惠金额';
  const couponRefundName = redPacket ? '企业红包退款金额' : '代金券或立减优惠退款金额';
  const amounts: ColumnSpec[] = [
    { header: '总金额', value: (r) => (isRefund(r) ? '0.00' : yuan(r.orderFen)) },
    { header: couponName, value: (r) => (isRefund(r) ? '0.00' : yuan(r.couponFen)) },
  ];
  const refunds: ColumnSpec[] = [
    ...refundNumbers,
    { header: '退款金额', value: (r) => yuan(r.refundRequestFen) },
    { header: couponRefundName, value: (r) => yuan(r.couponRefundFen) },
    ...refundState,
  ];
  const head = commonHead('子商户号');
  switch (billType) {
    case 'ALL':
      return [...head, ...amounts, ...refunds, ...goods];
    case 'SUCCESS':
      return [...head, ...amounts, ...goods];
    case 'REFUND':
      return [...head, ...amounts, ...refundTimes, ...refunds, ...goods];
  }
}

function columnsFor(layout: TradeBillLayout, billType: TradeBillType): ColumnSpec[] {
  return layout === 'current' ? currentColumns(billType) : legacyColumns(billType, layout === 'legacy-redpacket');
}

/** The exact header line fields of a layout and bill type. */
export function tradeBillHeader(layout: TradeBillLayout, billType: TradeBillType): string[] {
  return columnsFor(layout, billType).map((c) => c.header);
}

// Summary: (header, truth key, unit, per-row contribution). The contribution is what the row prints,
// so the declared totals are the sum of the printed values by construction.
interface SummarySpec {
  header: string;
  key: string;
  /** The detail column the total sums; null for the row count. */
  column: string | null;
  unit: 'count' | 'fen' | 'milli-fen';
  value: (r: TradeBillRecord) => number;
}

const CURRENT_SUMMARY: SummarySpec[] = [
  { header: '总交易单数', key: 'count', column: null, unit: 'count', value: () => 1 },
  { header: '应结订单总金额', key: 'settlementTotalFen', column: '应结订单金额', unit: 'fen', value: (r) => (isRefund(r) ? 0 : r.settlementFen) },
  { header: '退款总金额', key: 'refundTotalFen', column: '退款金额', unit: 'fen', value: (r) => r.refundFen },
  { header: '充值券退款总金额', key: 'rechargeCouponRefundTotalFen', column: '充值券退款金额', unit: 'fen', value: (r) => r.rechargeCouponRefundFen },
  { header: '手续费总金额', key: 'feeTotalMilliFen', column: '手续费', unit: 'milli-fen', value: (r) => r.feeMilliFen },
  { header: '订单总金额', key: 'orderTotalFen', column: '订单金额', unit: 'fen', value: (r) => (isRefund(r) ? 0 : r.orderFen) },
  { header: '申请退款总金额', key: 'refundRequestTotalFen', column: '申请退款金额', unit: 'fen', value: (r) => r.refundRequestFen },
];

function legacySummary(redPacket: boolean): SummarySpec[] {
  return [
    { header: '总交易单数', key: 'count', column: null, unit: 'count', value: () => 1 },
    { header: '总交易额', key: 'orderTotalFen', column: '总金额', unit: 'fen', value: (r) => (isRefund(r) ? 0 : r.orderFen) },
    { header: '总退款金额', key: 'refundTotalFen', column: '退款金额', unit: 'fen', value: (r) => r.refundRequestFen },
    {
      header: redPacket ? '总企业红包退款金额' : '总代金券或立减优惠退款金额',
      key: 'couponRefundTotalFen',
      column: redPacket ? '企业红包退款金额' : '代金券或立减优惠退款金额',
      unit: 'fen',
      value: (r) => r.couponRefundFen,
    },
    { header: '手续费总金额', key: 'feeTotalMilliFen', column: '手续费', unit: 'milli-fen', value: (r) => r.feeMilliFen },
  ];
}

function summaryFor(layout: TradeBillLayout): SummarySpec[] {
  return layout === 'current' ? CURRENT_SUMMARY : legacySummary(layout === 'legacy-redpacket');
}

class TotalsAccumulator {
  readonly #specs: SummarySpec[];
  readonly #sums: number[];

  constructor(specs: SummarySpec[]) {
    this.#specs = specs;
    this.#sums = specs.map(() => 0);
  }

  add(r: TradeBillRecord): void {
    for (let i = 0; i < this.#specs.length; i++) this.#sums[i]! += this.#specs[i]!.value(r);
  }

  totals(): TradeBillTotals {
    const out: Record<string, number> = {};
    this.#specs.forEach((s, i) => (out[s.key] = this.#sums[i]!));
    return out as unknown as TradeBillTotals;
  }

  /** Only the totals whose column the layout has. */
  computedFrom(columns: readonly ColumnSpec[]): ComputedTotals {
    const headers = new Set(columns.map((c) => c.header));
    const out: Record<string, number> = {};
    this.#specs.forEach((s, i) => {
      if (s.column === null || headers.has(s.column)) out[s.key] = this.#sums[i]!;
    });
    return out;
  }

  printed(): string[] {
    return this.#specs.map((s, i) => {
      const v = this.#sums[i]!;
      return s.unit === 'count' ? String(v) : s.unit === 'fen' ? yuan(v) : milliFenToYuanText(v);
    });
  }
}

// ------------------------------------------------------------------------------------------------
// The row model.

interface ResolvedOptions {
  rows: number;
  seed: number;
  date: string;
  day: number;
  billType: TradeBillType;
  layout: TradeBillLayout;
  serviceProvider: boolean;
  refundRatio: number;
  crossDayRefundRatio: number;
  couponRatio: number;
  outTradeNoFormat: OutTradeNoFormat;
  subFenFees: boolean;
  bom: boolean;
  lineEnding: '\r\n' | '\n';
  finalNewline: boolean;
  encoding: TextEncoding;
  summary: SummaryMode;
}

function ratio(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be within [0, 1], got ${v}`);
  return v;
}

export function resolveTradeBillOptions(options: TradeBillOptions = {}): ResolvedOptions {
  const rows = options.rows ?? 100;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  const encoding = options.encoding ?? 'utf-8';
  const bom = options.bom ?? encoding === 'utf-8';
  if (bom && encoding !== 'utf-8') throw new RangeError('a BOM is only written for utf-8');
  const date = options.date ?? '2021-01-28';
  const billType = options.billType ?? 'ALL';
  return {
    rows,
    seed: options.seed ?? 1,
    date,
    day: dayNumberOf(date),
    billType,
    layout: options.layout ?? 'current',
    serviceProvider: options.serviceProvider ?? false,
    refundRatio: ratio('refundRatio', options.refundRatio, 0.02),
    crossDayRefundRatio: ratio('crossDayRefundRatio', options.crossDayRefundRatio, billType === 'REFUND' ? 0.5 : 0.2),
    couponRatio: ratio('couponRatio', options.couponRatio, 0.05),
    outTradeNoFormat: options.outTradeNoFormat ?? 'hex32',
    subFenFees: options.subFenFees ?? false,
    bom,
    lineEnding: options.lineEnding ?? '\r\n',
    finalNewline: options.finalNewline ?? true,
    encoding,
    summary: options.summary ?? 'correct',
  };
}

const BODIES = [
  '草莓蛋糕6寸', '芒果千层', '会员月卡', '会员年卡', '视频VIP会员', '拿铁 大杯', '美式咖啡', '外卖订单',
  '停车缴费', '充电费', '电影票2张', '景区门票', '课程报名费', '话费充值', '商城订单', '早餐套餐A',
  '牛肉面（加蛋）', '水果拼盘', '洗车服务', '家政保洁2小时', '小程序商城-订单支付', '扫码点餐-12桌', '自助洗衣',
  '充电宝租借', '酒店押金', '快递运费',
];
const ATTACHES = ['', '', '', '', 'store=SH001', 'store=BJ017', '门店:徐汇店', 'channel=miniapp', 'coupon_batch=8812', 'from=h5'];
const BANKS = new WeightedTable<string>([
  ['OTHERS', 30], ['CFT', 25], ['ICBC_DEBIT', 8], ['CCB_DEBIT', 7], ['CMB_CREDIT', 6], ['CMB_DEBIT', 5],
  ['ABC_DEBIT', 5], ['BOC_CREDIT', 3], ['PSBC_DEBIT', 3], ['SPDB_CREDIT', 2], ['CMBC_DEBIT', 1],
]);
const TRADE_TYPES = new WeightedTable<string>([['JSAPI', 50], ['NATIVE', 15], ['APP', 15], ['MWEB', 8], ['MICROPAY', 12]]);
const RATE_BASIS_POINTS = new WeightedTable<number>([[60, 85], [38, 8], [100, 4], [20, 3]]);
const PRICE_POINTS_FEN = [1, 100, 990, 1500, 1990, 2500, 2990, 3900, 4990, 6800, 9900, 12800, 19900, 29900, 59900];
const AMOUNT_RANGES_FEN = new WeightedTable<readonly [number, number]>([
  [[1, 99], 5],
  [[100, 999], 25],
  [[1_000, 9_999], 40],
  [[10_000, 99_999], 25],
  [[100_000, 500_000], 5],
]);
const ID_FORMATS = new WeightedTable<Exclude<OutTradeNoFormat, 'mixed'>>([['hex32', 5], ['timestamp', 3], ['digits', 1], ['zero-padded', 1]]);

function rateText(basisPoints: number): string {
  return `${Math.floor(basisPoints / 100)}.${TWO_DIGITS[basisPoints % 100]}%`;
}

/** The fee in 0.001 fen on an amount, rounded half up to whole fen unless sub-fen fees are asked for. */
function feeMilliFenOf(amountFen: number, basisPoints: number, subFen: boolean): number {
  // amountFen × bp / 10000 fen = amountFen × bp / 10 milli-fen; integers throughout.
  const scaled = amountFen * basisPoints;
  if (subFen) return Math.floor((scaled + 5) / 10);
  return Math.floor((scaled + 5000) / 10000) * 1000;
}

/** An order the model may still refund on the bill day. */
interface OpenOrder {
  base: TradeBillRecord;
  paidDay: number;
  paidSecond: number;
  rateBasisPoints: number;
  refundedFen: number;
  couponRefundedFen: number;
}

/** Refunds of same-day orders pick among the last this many payments, which bounds memory. */
const OPEN_ORDER_WINDOW = 1024;

class TradeBillModel {
  readonly #o: ResolvedOptions;
  readonly #random: SeededRandom;
  readonly #ids: OrderIdContext;
  readonly #appId: string;
  readonly #mchId: string;
  readonly #subMchIds: string[];
  readonly #openIdPrefix: string;
  readonly #regulars: string[];
  readonly #open: OpenOrder[] = [];
  #openNext = 0;
  #orderCounter = 0;
  #refundCounter = 0;

  constructor(o: ResolvedOptions) {
    this.#o = o;
    const setup = new SeededRandom(o.seed);
    this.#random = setup.fork(1);
    this.#ids = { random: setup.fork(2), salt: setup.uint32() };
    this.#appId = 'wx' + setup.hex(16);
    this.#mchId = String(setup.int(1_230_000_000, 1_699_999_999));
    this.#subMchIds = o.serviceProvider
      ? Array.from({ length: 4 }, () => String(setup.int(1_500_000_000, 1_699_999_999)))
      : ['0'];
    this.#openIdPrefix = 'o' + setup.string(5, OPENID_ALPHABET);
    this.#regulars = Array.from({ length: 500 }, () => this.#openIdPrefix + setup.string(22, OPENID_ALPHABET));
  }

  /** `total` detail records; the bill prints the first `rows` of them. */
  *records(total: number): Generator<TradeBillRecord> {
    const o = this.#o;
    const r = this.#random;
    const refunds =
      o.billType === 'ALL' ? new SelectionSampler(r.fork(3), Math.round(total * o.refundRatio), total) : null;
    for (let i = 0; i < total; i++) {
      // Times advance through the day with some disorder, as in real bills.
      const second = Math.min(DAY_SECONDS - 1, Math.max(0, Math.floor(((2 * i + 1) * 43_200) / total) + r.int(-120, 120)));
      if (o.billType === 'SUCCESS' || (o.billType === 'ALL' && !refunds!.take())) {
        yield this.#payment(second);
      } else {
        yield this.#refund(second);
      }
    }
  }

  #payment(second: number): TradeBillRecord {
    const order = this.#newOrder(this.#o.day, second);
    const slot = this.#openNext++ % OPEN_ORDER_WINDOW;
    this.#open[slot] = order;
    return order.base;
  }

  #newOrder(paidDay: number, paidSecond: number): OpenOrder {
    const o = this.#o;
    const r = this.#random;
    const counter = this.#orderCounter++;
    const format = o.outTradeNoFormat === 'mixed' ? r.weighted(ID_FORMATS) : o.outTradeNoFormat;
    const tradeType = r.weighted(TRADE_TYPES);
    const orderFen = this.#orderAmount();
    let couponFen = 0;
    let couponKind: TradeBillRecord['couponKind'] = 'none';
    if (orderFen >= 2 && r.chance(o.couponRatio)) {
      couponFen = r.int(1, Math.min(orderFen - 1, 5000));
      // Legacy layouts predate 免充值券; their coupons settle like 代金券.
      couponKind = o.layout === 'current' && r.chance(0.5) ? 'no-recharge' : 'recharge';
    }
    const settlementFen = couponKind === 'no-recharge' ? orderFen - couponFen : orderFen;
    const rateBasisPoints = r.weighted(RATE_BASIS_POINTS);
    const paidAt = billTimeOf(paidDay, paidSecond);
    const base: TradeBillRecord = {
      state: 'SUCCESS',
      time: paidAt,
      paidAt,
      refundRequestedAt: null,
      refundSucceededAt: null,
      appId: this.#appId,
      mchId: this.#mchId,
      subMchId: this.#subMchIds.length === 1 ? this.#subMchIds[0]! : r.pick(this.#subMchIds),
      deviceInfo: tradeType === 'MICROPAY' ? 'POS' + r.digits(3) : '',
      transactionId: makeTransactionId(counter, paidDay, this.#ids),
      outTradeNo: makeOutTradeNo(format, counter, paidDay, paidSecond, this.#ids),
      openId: r.chance(0.3) ? r.pick(this.#regulars) : this.#openIdPrefix + r.string(22, OPENID_ALPHABET),
      tradeType,
      bank: r.weighted(BANKS),
      currency: 'CNY',
      orderFen,
      settlementFen,
      couponFen,
      couponKind,
      refundId: null,
      outRefundNo: null,
      refundRequestFen: 0,
      refundFen: 0,
      rechargeCouponRefundFen: 0,
      couponRefundFen: 0,
      refundType: '',
      refundStatus: '',
      body: r.pick(BODIES),
      attach: r.pick(ATTACHES),
      feeMilliFen: feeMilliFenOf(settlementFen, rateBasisPoints, o.subFenFees),
      rate: rateText(rateBasisPoints),
      rateNote: '',
    };
    return { base, paidDay, paidSecond, rateBasisPoints, refundedFen: 0, couponRefundedFen: 0 };
  }

  #orderAmount(): number {
    const r = this.#random;
    if (r.chance(0.45)) return r.pick(PRICE_POINTS_FEN);
    const [low, high] = r.weighted(AMOUNT_RANGES_FEN);
    return r.int(low, high);
  }

  #refund(second: number): TradeBillRecord {
    const o = this.#o;
    const r = this.#random;
    let order: OpenOrder | null = null;
    let refundSecond = second;
    if (o.billType === 'ALL' && !r.chance(o.crossDayRefundRatio)) {
      // A refund of an order paid earlier today; give up after a few picks and refund an older order.
      const available = Math.min(this.#openNext, OPEN_ORDER_WINDOW);
      for (let attempt = 0; attempt < 4 && available > 0 && order === null; attempt++) {
        const candidate = this.#open[r.int(0, available - 1)]!;
        const at = Math.max(second, candidate.paidSecond + r.int(5, 900));
        if (candidate.refundedFen < candidate.base.orderFen && at < DAY_SECONDS) {
          order = candidate;
          refundSecond = at;
        }
      }
    }
    if (order === null) {
      // REFUND bills may refund an order paid earlier the same day; ALL bills' cross-day ones are older.
      const sameDay = o.billType === 'REFUND' && second >= 600 && r.chance(0.5);
      const paidDay = sameDay ? o.day : o.day - r.int(1, 30);
      const paidSecond = sameDay ? r.int(0, second - 600) : r.int(0, DAY_SECONDS - 1);
      order = this.#newOrder(paidDay, paidSecond);
    }
    return this.#refundRow(order, refundSecond);
  }

  #refundRow(order: OpenOrder, refundSecond: number): TradeBillRecord {
    const o = this.#o;
    const r = this.#random;
    const base = order.base;
    const remaining = base.orderFen - order.refundedFen;
    const requestFen = remaining === 1 || r.chance(0.7) ? remaining : r.int(1, remaining - 1);
    // The coupon covers its share of each refund; the last refund takes whatever is left of it.
    const couponRefundFen =
      base.couponFen === 0
        ? 0
        : requestFen === remaining
          ? base.couponFen - order.couponRefundedFen
          : Math.min(base.couponFen - order.couponRefundedFen, Math.floor((requestFen * base.couponFen) / base.orderFen));
    order.refundedFen += requestFen;
    order.couponRefundedFen += couponRefundFen;
    const refundFen = base.couponKind === 'no-recharge' ? requestFen - couponRefundFen : requestFen;
    const refundCounter = this.#refundCounter++;
    const succeededAt = billTimeOf(o.day, refundSecond);
    const paidSecondsBefore = (o.day - order.paidDay) * DAY_SECONDS + refundSecond - order.paidSecond;
    const requestedSecond = refundSecond - r.int(0, Math.min(120, paidSecondsBefore - 1));
    const requestedAt =
      requestedSecond >= 0 ? billTimeOf(o.day, requestedSecond) : billTimeOf(o.day - 1, DAY_SECONDS + requestedSecond);
    return {
      ...base,
      state: 'REFUND',
      time: o.billType === 'REFUND' ? base.paidAt : succeededAt,
      refundRequestedAt: requestedAt,
      refundSucceededAt: succeededAt,
      refundId:
        '50' + r.pick(['300', '000', '301']) + r.digits(5) + compactDate(o.day) + r.digits(1) + hashDigits10(refundCounter, this.#ids.salt ^ 0x5a5a5a),
      outRefundNo:
        base.outTradeNo.length === 32
          ? this.#ids.random.hex(24) + scrambleHex8(refundCounter, ~this.#ids.salt)
          : 'RF' + compactDate(o.day) + hashDigits10(refundCounter, this.#ids.salt ^ 0x3c3c3c),
      refundRequestFen: requestFen,
      refundFen,
      rechargeCouponRefundFen: base.couponKind === 'recharge' ? couponRefundFen : 0,
      couponRefundFen,
      refundType: r.chance(0.9) ? 'ORIGINAL' : 'BALANCE',
      refundStatus: 'SUCCESS',
      feeMilliFen: -feeMilliFenOf(refundFen, order.rateBasisPoints, o.subFenFees),
    };
  }
}

/** Rows the model makes: a truncated bill's summary also counts rows the file no longer holds. */
function generatedRowCount(o: ResolvedOptions): number {
  return o.summary === 'truncated' ? o.rows + Math.max(1, Math.ceil(o.rows / 20)) : o.rows;
}

// ------------------------------------------------------------------------------------------------
// Lines: one session turns records into header, detail and summary lines and keeps the truth.

class TradeBillSession {
  readonly options: ResolvedOptions;
  readonly #columns: ColumnSpec[];
  readonly #summary: SummarySpec[];
  readonly #computed: TotalsAccumulator;
  readonly #declared: TotalsAccumulator;
  readonly #rows: TradeBillRecord[] | null;
  #rowCount = 0;
  #lineCount = 0;
  #firstDate: string | null = null;
  #lastDate: string | null = null;

  constructor(options: ResolvedOptions, collectRows: boolean) {
    this.options = options;
    this.#columns = columnsFor(options.layout, options.billType);
    this.#summary = summaryFor(options.layout);
    this.#computed = new TotalsAccumulator(this.#summary);
    this.#declared = new TotalsAccumulator(this.#summary);
    this.#rows = collectRows ? [] : null;
  }

  /** Lines of the bill. `source` replaces the model with explicit records (not with `truncated`). */
  *lines(source?: Iterable<TradeBillRecord>): Generator<TradeBillLine> {
    const o = this.options;
    let records: Iterable<TradeBillRecord>;
    let present = o.rows;
    if (source) {
      if (o.summary === 'truncated') throw new RangeError('a truncated summary needs generated rows');
      records = source;
      present = Number.POSITIVE_INFINITY;
    } else {
      records = new TradeBillModel(o).records(generatedRowCount(o));
    }
    this.#lineCount++;
    yield { kind: 'header', fields: this.#columns.map((c) => c.header) };
    let index = 0;
    for (const record of records) {
      this.#declared.add(record);
      if (index++ >= present) continue;
      this.#computed.add(record);
      this.#rows?.push(record);
      this.#rowCount++;
      this.#lineCount++;
      const date = record.time.slice(0, 10);
      if (this.#firstDate === null || date < this.#firstDate) this.#firstDate = date;
      if (this.#lastDate === null || date > this.#lastDate) this.#lastDate = date;
      const fields = new Array<string>(this.#columns.length);
      for (let c = 0; c < fields.length; c++) fields[c] = this.#columns[c]!.value(record);
      yield { kind: 'detail', fields };
    }
    if (o.summary !== 'none') {
      this.#lineCount += 2;
      yield { kind: 'summary-header', fields: this.#summary.map((s) => s.header) };
      yield { kind: 'summary', fields: this.#declared.printed() };
    }
  }

  truth(byteLength: number): TradeBillFileTruth {
    const o = this.options;
    const computed = this.#computed.computedFrom(this.#columns);
    const declared = o.summary === 'none' ? null : this.#declared.totals();
    return {
      billType: o.billType,
      layout: o.layout,
      date: o.date,
      header: this.#columns.map((c) => c.header),
      rowCount: this.#rowCount,
      lineCount: this.#lineCount,
      computed,
      declared,
      integrity: declared === null ? 'no-summary' : sameTotals(declared, computed) ? 'ok' : 'mismatch',
      dateRange: this.#firstDate === null ? null : [this.#firstDate, this.#lastDate!],
      encoding: o.encoding === 'gb18030' ? 'gb18030' : o.bom ? 'utf-8-bom' : 'utf-8',
      lineEnding: o.lineEnding,
      byteLength,
    };
  }

  collectedRows(): TradeBillRecord[] {
    return this.#rows ?? [];
  }
}

function sameTotals(declared: TradeBillTotals, computed: ComputedTotals): boolean {
  const d = declared as unknown as Record<string, number>;
  return Object.entries(computed).every(([k, v]) => d[k] === v);
}

/** A bill line as text: detail and summary rows carry a backtick before every field. */
export function lineText(line: TradeBillLine): string {
  return line.kind === 'header' || line.kind === 'summary-header' ? line.fields.join(',') : '`' + line.fields.join(',`');
}

const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

export function encodeText(text: string, encoding: TextEncoding): Buffer {
  return encoding === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');
}

function render(session: TradeBillSession, source?: Iterable<TradeBillRecord>): GeneratedTradeBill {
  const o = session.options;
  const texts: string[] = [];
  for (const line of session.lines(source)) texts.push(lineText(line));
  const text = texts.join(o.lineEnding) + (o.finalNewline && texts.length > 0 ? o.lineEnding : '');
  const body = encodeText(text, o.encoding);
  const bytes = o.bom ? Buffer.concat([UTF8_BOM, body]) : body;
  const truth: TradeBillTruth = { ...session.truth(bytes.length), rows: session.collectedRows() };
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), text, truth };
}

/** A whole bill in memory, with every row's truth. */
export function generateTradeBill(options: TradeBillOptions = {}): GeneratedTradeBill {
  return render(new TradeBillSession(resolveTradeBillOptions(options), true));
}

/**
 * A bill made of the given records: for reproducing a known file exactly. Options that shape the
 * generated rows (rows, seed, ratios) are ignored; `summary: 'truncated'` is refused.
 */
export function formatTradeBill(records: readonly TradeBillRecord[], options: TradeBillOptions = {}): GeneratedTradeBill {
  return render(new TradeBillSession(resolveTradeBillOptions({ ...options, rows: records.length }), true), records);
}

/** The records a bill with these options holds, streamed, without formatting any text. */
export function* tradeBillRecords(options: TradeBillOptions = {}): Generator<TradeBillRecord> {
  const o = resolveTradeBillOptions(options);
  let index = 0;
  for (const record of new TradeBillModel(o).records(generatedRowCount(o))) {
    if (index++ >= o.rows) break;
    yield record;
  }
}

/**
 * The bill as spreadsheet rows, as Excel keeps them after opening the CSV: one cell per field, the
 * backticks still in the text. `onDone` receives the truth once the rows have been consumed.
 */
export function* tradeBillSheetRows(
  options: TradeBillOptions = {},
  onDone?: (truth: TradeBillFileTruth) => void,
): Generator<string[]> {
  const session = new TradeBillSession(resolveTradeBillOptions(options), false);
  for (const line of session.lines()) {
    yield line.kind === 'header' || line.kind === 'summary-header' ? line.fields : line.fields.map((f) => '`' + f);
  }
  onDone?.(session.truth(0));
}

/** Lines of the bill without backticks, e.g. to feed the Excel-damage helpers. */
export function* tradeBillLines(options: TradeBillOptions = {}): Generator<TradeBillLine> {
  yield* new TradeBillSession(resolveTradeBillOptions(options), false).lines();
}

/** Lines per write: about 1 MB of text at the usual 270 bytes a row; larger chunks only grow the heap. */
const LINES_PER_CHUNK = 4_096;

/** Streams a bill to disk in large chunks; memory stays flat for any row count. */
export async function writeTradeBillFile(path: string, options: TradeBillOptions = {}): Promise<TradeBillFileTruth> {
  const o = resolveTradeBillOptions(options);
  const session = new TradeBillSession(o, false);
  const file = await open(path, 'w');
  let byteLength = 0;
  try {
    if (o.bom) {
      await file.write(UTF8_BOM);
      byteLength += UTF8_BOM.length;
    }
    let pending: string[] = [];
    let first = true;
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const text = (first ? '' : o.lineEnding) + pending.join(o.lineEnding);
      first = false;
      pending = [];
      const bytes = encodeText(text, o.encoding);
      await file.write(bytes);
      byteLength += bytes.length;
    };
    for (const line of session.lines()) {
      pending.push(lineText(line));
      if (pending.length >= LINES_PER_CHUNK) await flush();
    }
    await flush();
    if (o.finalNewline && !first) {
      const bytes = encodeText(o.lineEnding, o.encoding);
      await file.write(bytes);
      byteLength += bytes.length;
    }
  } finally {
    await file.close();
  }
  return session.truth(byteLength);
}
