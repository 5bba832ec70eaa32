/**
 * The merchant's own order ledger (台账), one row per order, built from a generated bill's truth,
 * with planted discrepancies that its own truth records per contract category. Header names and
 * state words are those ../shared/contract.md says must be recognised without a mapping file.
 */
import { open } from 'node:fs/promises';
import { fenToYuanText } from '../../shared/money/format.ts';
import { csvQuote, excelCell, excelCsvText } from './excel-damage.ts';
import { SeededRandom, SelectionSampler } from './random.ts';
import {
  billTimeOf,
  dayNumberOf,
  encodeText,
  isoDateOf,
  makeOutTradeNo,
  makeTransactionId,
  resolveTradeBillOptions,
  tradeBillRecords,
  type OrderIdContext,
  type OutTradeNoFormat,
  type TextEncoding,
  type TradeBillOptions,
  type TradeBillRecord,
} from './trade-bill.ts';
import type { XlsxCell } from './xlsx-writer.ts';
import { CATEGORIES, type Category } from '../../shared/recon/types.ts';

/** What a ledger can disagree on: the contract's categories (fees are the bill's own matter). */
export type LedgerCategory = Exclude<Category, 'fee-mismatch'>;

export const LEDGER_CATEGORIES: readonly LedgerCategory[] = CATEGORIES.filter((c): c is LedgerCategory => c !== 'fee-mismatch');

export type LedgerState = 'paid' | 'unpaid' | 'closed' | 'refunded' | 'partially_refunded';

export interface LedgerOptions {
  seed?: number;
  /** Header words: `zh` 商户订单号,订单金额,…; `zh-alt` 订单编号,实付金额（元）,…; `en` out_trade_no,amount,…. */
  headers?: 'zh' | 'zh-alt' | 'en';
  /** `fen` writes the amount as integer fen under 订单金额(分) / 金额(分) / amount_fen. */
  amountUnit?: 'yuan' | 'fen';
  /** State words; default follows `headers` (zh 已支付…, zh-alt 支付成功…, en paid…). */
  states?: 'zh' | 'zh-alt' | 'en' | 'wechat';
  /** Rows above the header: `XX商城订单导出`, `导出时间：…`, a blank row; `padded` fills them with commas. */
  titleRows?: 'none' | 'plain' | 'padded';
  /** Adds 商品/收货人/备注 columns, whose values need CSV quoting (commas, quotes). */
  extraColumns?: boolean;
  encoding?: TextEncoding;
  /** UTF-8 BOM, default true for utf-8. */
  bom?: boolean;
  lineEnding?: '\r\n' | '\n';
  /** How many of each category to plant. Bill-side ones pick distinct paid orders. */
  discrepancies?: Partial<Record<LedgerCategory, number>>;
  /** Ledger-only unpaid or closed orders: normal noise, not a discrepancy (default 0). */
  unpaidOrders?: number;
  /**
   * Orders the bill only refunds (paid on an earlier day): listed with their earlier payment time
   * and the refund (default true), as a ledger exported by "orders changed that day" has them.
   */
  includeEarlierDayOrders?: boolean;
  /** The ledger went through Excel: long ids as `4.20000092520210E+27`, leading zeros and trailing decimal zeros gone. */
  excelDamage?: boolean;
}

export interface LedgerSide {
  amountFen: number;
  state: LedgerState;
  refundFen: number;
  paidAt: string | null;
}

export interface BillSide {
  orderFen: number;
  refundFen: number;
  paidAt: string;
}

export interface PlantedDiscrepancy {
  category: LedgerCategory;
  outTradeNo: string;
  bill: BillSide | null;
  ledger: LedgerSide | null;
  /** cross-day only: when WeChat really recorded the payment, on the neighbouring day. */
  successTime?: string;
}

export interface LedgerTruth {
  /** Data rows (title rows and the header not counted). */
  rowCount: number;
  /** 1-based line (or sheet row) of the header. */
  headerRow: number;
  header: string[];
  /** Distinct orders in the bill rows. */
  billOrderCount: number;
  /** Per category, plus `matched`: paid bill orders the ledger agrees with. */
  counts: Record<LedgerCategory | 'matched', number>;
  planted: PlantedDiscrepancy[];
  /** Orders the bill only refunds (paid before the bill day), and whether the ledger lists them. */
  earlierDayOrders: number;
  earlierDayOrdersListed: boolean;
  /** Ledger-only unpaid/closed orders (not discrepancies). */
  unpaidOrders: number;
  encoding: 'utf-8-bom' | 'utf-8' | 'gb18030';
  byteLength: number;
}

export interface GeneratedLedger {
  bytes: Uint8Array;
  text: string;
  truth: LedgerTruth;
}

/** One order of the bill, as the ledger needs it. */
interface BillOrder {
  outTradeNo: string;
  transactionId: string;
  orderFen: number;
  paidAt: string;
  /** Sum of 申请退款金额 over the bill's refund rows. */
  refundFen: number;
  /** The bill has the payment row (paid on the bill day). */
  hasPayment: boolean;
}

interface LedgerRow {
  outTradeNo: string;
  amountFen: number;
  state: LedgerState;
  paidAt: string | null;
  refundFen: number;
  transactionId: string;
}

function billOrdersOf(records: Iterable<TradeBillRecord>): Map<string, BillOrder> {
  const orders = new Map<string, BillOrder>();
  for (const r of records) {
    let order = orders.get(r.outTradeNo);
    if (order === undefined) {
      order = {
        outTradeNo: r.outTradeNo,
        transactionId: r.transactionId,
        orderFen: r.orderFen,
        paidAt: r.paidAt,
        refundFen: 0,
        hasPayment: false,
      };
      orders.set(r.outTradeNo, order);
    }
    if (r.state === 'SUCCESS') order.hasPayment = true;
    else order.refundFen += r.refundRequestFen;
  }
  return orders;
}

function stateOf(amountFen: number, refundFen: number): LedgerState {
  return refundFen === 0 ? 'paid' : refundFen >= amountFen ? 'refunded' : 'partially_refunded';
}

// ------------------------------------------------------------------------------------------------
// Planting

interface ResolvedLedgerOptions {
  seed: number;
  headers: 'zh' | 'zh-alt' | 'en';
  amountUnit: 'yuan' | 'fen';
  states: 'zh' | 'zh-alt' | 'en' | 'wechat';
  titleRows: 'none' | 'plain' | 'padded';
  extraColumns: boolean;
  encoding: TextEncoding;
  bom: boolean;
  lineEnding: '\r\n' | '\n';
  discrepancies: Record<LedgerCategory, number>;
  unpaidOrders: number;
  includeEarlierDayOrders: boolean;
  excelDamage: boolean;
}

function resolveLedgerOptions(options: LedgerOptions): ResolvedLedgerOptions {
  const encoding = options.encoding ?? 'utf-8';
  const bom = options.bom ?? encoding === 'utf-8';
  if (bom && encoding !== 'utf-8') throw new RangeError('a BOM is only written for utf-8');
  const headers = options.headers ?? 'zh';
  const discrepancies = Object.fromEntries(LEDGER_CATEGORIES.map((c) => [c, options.discrepancies?.[c] ?? 0])) as Record<
    LedgerCategory,
    number
  >;
  for (const [c, n] of Object.entries(discrepancies)) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`discrepancies.${c} must be a count, got ${n}`);
  }
  return {
    seed: options.seed ?? 1,
    headers,
    amountUnit: options.amountUnit ?? 'yuan',
    states: options.states ?? headers,
    titleRows: options.titleRows ?? 'none',
    extraColumns: options.extraColumns ?? false,
    encoding,
    bom,
    lineEnding: options.lineEnding ?? '\r\n',
    discrepancies,
    unpaidOrders: options.unpaidOrders ?? 0,
    includeEarlierDayOrders: options.includeEarlierDayOrders ?? true,
    excelDamage: options.excelDamage ?? false,
  };
}

/** Categories planted on orders the bill has; the rest add ledger-only rows. */
const ON_BILL_ORDERS: readonly LedgerCategory[] = [
  'missing-in-ledger',
  'amount-mismatch',
  'status-mismatch',
  'refund-mismatch',
  'duplicate',
];

type ExtraKind = 'missing-in-bill' | 'cross-day' | 'unpaid';

const DAY_SECONDS = 86_400;

function detectIdFormat(sample: string | undefined): Exclude<OutTradeNoFormat, 'mixed'> {
  if (sample === undefined || sample.length === 32) return 'hex32';
  if (sample.startsWith('S')) return 'timestamp';
  if (sample.startsWith('000')) return 'zero-padded';
  return 'digits';
}

/**
 * The ledger rows, in bill order with ledger-only rows spread among them, and the truth. Pure: the
 * same orders and options give the same rows.
 */
function* ledgerRows(
  orders: Map<string, BillOrder>,
  billDay: number,
  o: ResolvedLedgerOptions,
  truth: LedgerTruth,
): Generator<LedgerRow> {
  const random = new SeededRandom(o.seed);
  const pickRandom = random.fork(1);
  const eligible = truth.billOrderCount - truth.earlierDayOrders;
  const onBill = ON_BILL_ORDERS.flatMap((c) => Array<LedgerCategory>(o.discrepancies[c]).fill(c));
  if (onBill.length > eligible) {
    throw new RangeError(`cannot plant ${onBill.length} discrepancies on ${eligible} paid orders`);
  }
  random.shuffle(onBill);
  const targets = new SelectionSampler(random.fork(2), onBill.length, eligible);
  let nextTarget = 0;

  const extras: ExtraKind[] = random.shuffle([
    ...Array<ExtraKind>(o.discrepancies['missing-in-bill']).fill('missing-in-bill'),
    ...Array<ExtraKind>(o.discrepancies['cross-day']).fill('cross-day'),
    ...Array<ExtraKind>(o.unpaidOrders).fill('unpaid'),
  ]);
  const listed = [...orders.values()].filter((order) => order.hasPayment || o.includeEarlierDayOrders);
  const slots = new SelectionSampler(random.fork(3), extras.length, listed.length + extras.length);
  let nextExtra = 0;
  const ids: OrderIdContext = { random: random.fork(4), salt: random.uint32() };
  const idFormat = detectIdFormat(orders.keys().next().value);
  let extraCounter = 0x8000_0000;

  const counts = truth.counts;
  const planted = truth.planted;

  const makeExtra = (kind: ExtraKind): LedgerRow => {
    let second = pickRandom.int(3600, DAY_SECONDS - 3600);
    let successTime: string | undefined;
    if (kind === 'cross-day') {
      // Recorded by the merchant just inside the bill day, paid at WeChat just across the boundary.
      if (pickRandom.chance(0.5)) {
        second = pickRandom.int(DAY_SECONDS - 60, DAY_SECONDS - 1);
        successTime = billTimeOf(billDay + 1, pickRandom.int(0, 30));
      } else {
        second = pickRandom.int(0, 59);
        successTime = billTimeOf(billDay - 1, pickRandom.int(DAY_SECONDS - 30, DAY_SECONDS - 1));
      }
    }
    let outTradeNo: string;
    do outTradeNo = makeOutTradeNo(idFormat, extraCounter++, billDay, second, ids);
    while (orders.has(outTradeNo));
    const amountFen = pickRandom.int(1, 50_000);
    if (kind === 'unpaid') {
      truth.unpaidOrders++;
      return { outTradeNo, amountFen, state: pickRandom.chance(0.6) ? 'unpaid' : 'closed', paidAt: null, refundFen: 0, transactionId: '' };
    }
    const successDay = successTime === undefined ? billDay : dayNumberOf(successTime.slice(0, 10));
    const row: LedgerRow = {
      outTradeNo,
      amountFen,
      state: 'paid',
      paidAt: billTimeOf(billDay, second),
      refundFen: 0,
      transactionId: makeTransactionId(extraCounter, successDay, ids),
    };
    counts[kind]++;
    planted.push({
      category: kind,
      outTradeNo,
      bill: null,
      ledger: sideOf(row),
      ...(successTime === undefined ? {} : { successTime }),
    });
    return row;
  };

  const emitExtras = function* (): Generator<LedgerRow> {
    while (slots.take()) yield makeExtra(extras[nextExtra++]!);
  };

  for (const order of listed) {
    yield* emitExtras();
    const row: LedgerRow = {
      outTradeNo: order.outTradeNo,
      amountFen: order.orderFen,
      state: stateOf(order.orderFen, order.refundFen),
      paidAt: order.paidAt,
      refundFen: order.refundFen,
      transactionId: order.transactionId,
    };
    if (!order.hasPayment) {
      yield row;
      continue;
    }
    const category = targets.take() ? onBill[nextTarget++]! : null;
    const bill: BillSide = { orderFen: order.orderFen, refundFen: order.refundFen, paidAt: order.paidAt };
    switch (category) {
      case null:
        counts.matched++;
        yield row;
        continue;
      case 'missing-in-ledger':
        planted.push({ category, outTradeNo: order.outTradeNo, bill, ledger: null });
        break;
      case 'amount-mismatch': {
        const delta = pickRandom.int(1, Math.max(1, Math.floor(order.orderFen / 10)));
        row.amountFen = order.orderFen > delta && pickRandom.chance(0.5) ? order.orderFen - delta : order.orderFen + delta;
        row.state = stateOf(row.amountFen, row.refundFen);
        planted.push({ category, outTradeNo: order.outTradeNo, bill, ledger: sideOf(row) });
        yield row;
        break;
      }
      case 'status-mismatch':
        // A lost payment callback: the ledger never learned the order was paid.
        row.state = pickRandom.chance(0.7) ? 'unpaid' : 'closed';
        row.paidAt = null;
        row.refundFen = 0;
        row.transactionId = '';
        planted.push({ category, outTradeNo: order.outTradeNo, bill, ledger: sideOf(row) });
        yield row;
        break;
      case 'refund-mismatch':
        if (order.refundFen > 0) {
          // The ledger missed the refund, or recorded another amount.
          row.refundFen = pickRandom.chance(0.5) ? 0 : order.refundFen > 1 ? order.refundFen - 1 : 0;
        } else {
          row.refundFen = pickRandom.chance(0.5) ? order.orderFen : pickRandom.int(1, order.orderFen);
        }
        row.state = stateOf(row.amountFen, row.refundFen);
        planted.push({ category, outTradeNo: order.outTradeNo, bill, ledger: sideOf(row) });
        yield row;
        break;
      case 'duplicate':
        planted.push({ category, outTradeNo: order.outTradeNo, bill, ledger: sideOf(row) });
        yield row;
        yield { ...row };
        break;
      default:
        throw new Error(`not an on-bill category: ${category}`);
    }
    counts[category]++;
  }
  yield* emitExtras();
}

function sideOf(row: LedgerRow): LedgerSide {
  return { amountFen: row.amountFen, state: row.state, refundFen: row.refundFen, paidAt: row.paidAt };
}

// ------------------------------------------------------------------------------------------------
// Rendering

const STATE_WORDS: Record<ResolvedLedgerOptions['states'], Record<LedgerState, string>> = {
  zh: { paid: '已支付', unpaid: '未支付', closed: '已关闭', refunded: '已退款', partially_refunded: '部分退款' },
  'zh-alt': { paid: '支付成功', unpaid: '待支付', closed: '已取消', refunded: '已退款', partially_refunded: '部分退款' },
  en: { paid: 'paid', unpaid: 'unpaid', closed: 'closed', refunded: 'refunded', partially_refunded: 'partially_refunded' },
  // WeChat's own words have no partial refund; such systems write REFUND.
  wechat: { paid: 'SUCCESS', unpaid: 'NOTPAY', closed: 'CLOSED', refunded: 'REFUND', partially_refunded: 'REFUND' },
};

function headerOf(o: ResolvedLedgerOptions): string[] {
  const fen = o.amountUnit === 'fen';
  const base =
    o.headers === 'zh'
      ? ['商户订单号', fen ? '订单金额(分)' : '订单金额', '订单状态', '支付时间', '退款金额', '微信订单号']
      : o.headers === 'zh-alt'
        ? ['订单编号', fen ? '金额(分)' : '实付金额（元）', '支付状态', '付款时间', '退款金额(元)', '交易单号']
        : ['out_trade_no', fen ? 'amount_fen' : 'amount', 'status', 'paid_at', 'refund_amount', 'transaction_id'];
  if (!o.extraColumns) return base;
  return [...base, ...(o.headers === 'en' ? ['product', 'customer', 'note'] : ['商品', '收货人', '备注'])];
}

const PRODUCTS = ['草莓蛋糕, 6寸', '拿铁 "大杯"', '会员月卡', '水果拼盘,加冰', 'T恤 (白, XL)', '洗车服务'];
const CUSTOMERS = ['张三', '李四', '王五', 'Zhao, Liu', '陈小姐'];
const NOTES = ['', '', '', '请尽快发货', '送货前电话联系, 谢谢', '备注含"引号"'];

function titleTexts(billDay: number): string[] {
  return ['鲜果时光商城订单导出', `导出时间：${isoDateOf(billDay + 1)} 09:00:00`, ''];
}

/** Cell texts of one row, before Excel or CSV quoting. */
function rowTexts(row: LedgerRow, o: ResolvedLedgerOptions, random: SeededRandom): string[] {
  const paidAt =
    row.paidAt === null ? '' : o.headers === 'en' ? row.paidAt.replace(' ', 'T') + '+08:00' : row.paidAt;
  const texts = [
    row.outTradeNo,
    o.amountUnit === 'fen' ? String(row.amountFen) : fenToYuanText(row.amountFen),
    STATE_WORDS[o.states][row.state],
    paidAt,
    fenToYuanText(row.refundFen),
    row.transactionId,
  ];
  if (o.extraColumns) texts.push(random.pick(PRODUCTS), random.pick(CUSTOMERS), random.pick(NOTES));
  return texts;
}


function emptyTruth(o: ResolvedLedgerOptions, orders: Map<string, BillOrder>): LedgerTruth {
  return {
    rowCount: 0,
    headerRow: o.titleRows === 'none' ? 1 : titleTexts(0).length + 1,
    header: headerOf(o),
    billOrderCount: orders.size,
    counts: { matched: 0, ...(Object.fromEntries(LEDGER_CATEGORIES.map((c) => [c, 0])) as Record<LedgerCategory, number>) },
    planted: [],
    earlierDayOrders: [...orders.values()].filter((order) => !order.hasPayment).length,
    earlierDayOrdersListed: o.includeEarlierDayOrders,
    unpaidOrders: 0,
    encoding: o.encoding === 'gb18030' ? 'gb18030' : o.bom ? 'utf-8-bom' : 'utf-8',
    byteLength: 0,
  };
}

/** Text lines of the CSV ledger, header and title rows included. */
function* ledgerCsvLines(
  orders: Map<string, BillOrder>,
  billDay: number,
  o: ResolvedLedgerOptions,
  truth: LedgerTruth,
): Generator<string> {
  const header = headerOf(o);
  if (o.titleRows !== 'none') {
    const padding = o.titleRows === 'padded' ? ','.repeat(header.length - 1) : '';
    for (const t of titleTexts(billDay)) yield t + padding;
  }
  yield header.map(csvQuote).join(',');
  const extraRandom = new SeededRandom(o.seed ^ 0x51ed);
  for (const row of ledgerRows(orders, billDay, o, truth)) {
    truth.rowCount++;
    const texts = rowTexts(row, o, extraRandom);
    // Excel re-reads every cell; the times stay text here so only ids and amounts change.
    yield (o.excelDamage ? texts.map((t) => excelCsvText(t)) : texts).map(csvQuote).join(',');
  }
}

function billDayOf(records: readonly TradeBillRecord[], date: string | undefined): number {
  if (date !== undefined) return dayNumberOf(date);
  const first = records.find((r) => r.state === 'SUCCESS') ?? records[0];
  return dayNumberOf((first?.refundSucceededAt ?? first?.time ?? '2021-01-28').slice(0, 10));
}

export interface LedgerSource {
  /** The bill's rows, e.g. `generateTradeBill(…).truth.rows`. */
  rows: readonly TradeBillRecord[];
  /** The bill day; taken from the rows when absent. */
  date?: string;
}

/** A CSV ledger in memory for a generated bill. */
export function generateLedger(bill: LedgerSource, options: LedgerOptions = {}): GeneratedLedger {
  const o = resolveLedgerOptions(options);
  const orders = billOrdersOf(bill.rows);
  const truth = emptyTruth(o, orders);
  const lines = [...ledgerCsvLines(orders, billDayOf(bill.rows, bill.date), o, truth)];
  const text = lines.join(o.lineEnding) + o.lineEnding;
  const body = encodeText(text, o.encoding);
  const bytes = o.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  truth.byteLength = bytes.length;
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), text, truth };
}

/**
 * The ledger as spreadsheet rows for `writeXlsx`: amounts and times are numeric cells as an export
 * to Excel makes them, ids are text unless `excelDamage` turned them into numbers.
 */
export function ledgerSheetRows(bill: LedgerSource, options: LedgerOptions = {}): { rows: XlsxCell[][]; truth: LedgerTruth } {
  const o = resolveLedgerOptions(options);
  const orders = billOrdersOf(bill.rows);
  const truth = emptyTruth(o, orders);
  const billDay = billDayOf(bill.rows, bill.date);
  const rows: XlsxCell[][] = [];
  if (o.titleRows !== 'none') for (const t of titleTexts(billDay)) rows.push(t === '' ? [] : [t]);
  rows.push(headerOf(o));
  const extraRandom = new SeededRandom(o.seed ^ 0x51ed);
  for (const row of ledgerRows(orders, billDay, o, truth)) {
    truth.rowCount++;
    const texts = rowTexts(row, o, extraRandom);
    const cells: XlsxCell[] = texts.map((t) => (t === '' ? null : t));
    cells[0] = o.excelDamage ? excelCell(row.outTradeNo) : row.outTradeNo;
    cells[1] = o.amountUnit === 'fen' ? row.amountFen : excelCell(texts[1]!);
    cells[3] = row.paidAt === null ? null : excelCell(row.paidAt, { times: 'excel-zh-cn' });
    cells[4] = excelCell(texts[4]!);
    cells[5] = row.transactionId === '' ? null : o.excelDamage ? excelCell(row.transactionId) : row.transactionId;
    rows.push(cells);
  }
  return { rows, truth };
}

/** Lines per write, about 1–2 MB of text. */
const LINES_PER_CHUNK = 16_384;

/**
 * Streams the ledger of the bill `options.bill` describes to disk. The bill is regenerated from its
 * options (never read back), so it must be given exactly as it was written.
 */
export async function writeLedgerFile(path: string, options: LedgerOptions & { bill: TradeBillOptions }): Promise<LedgerTruth> {
  const o = resolveLedgerOptions(options);
  const billOptions = resolveTradeBillOptions(options.bill);
  const orders = billOrdersOf(tradeBillRecords(options.bill));
  const truth = emptyTruth(o, orders);
  const file = await open(path, 'w');
  try {
    let byteLength = 0;
    const write = async (text: string): Promise<void> => {
      const bytes = encodeText(text, o.encoding);
      await file.write(bytes);
      byteLength += bytes.length;
    };
    if (o.bom) {
      await file.write(Uint8Array.of(0xef, 0xbb, 0xbf));
      byteLength += 3;
    }
    let pending: string[] = [];
    for (const line of ledgerCsvLines(orders, billOptions.day, o, truth)) {
      pending.push(line);
      if (pending.length >= LINES_PER_CHUNK) {
        await write(pending.join(o.lineEnding) + o.lineEnding);
        pending = [];
      }
    }
    if (pending.length > 0) await write(pending.join(o.lineEnding) + o.lineEnding);
    truth.byteLength = byteLength;
  } finally {
    await file.close();
  }
  return truth;
}
