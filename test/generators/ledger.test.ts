import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLedger, ledgerSheetRows, writeLedgerFile, type LedgerOptions, type LedgerState } from './ledger.ts';
import { generateTradeBill, type TradeBillOptions } from './trade-bill.ts';
import { parseBytes } from '../helpers/parse-bytes.ts';

/** RFC 4180, enough for the ledger: quoted fields with doubled quotes and commas. */
function parseCsv(text: string, eol = '\r\n'): string[][] {
  const rows: string[][] = [];
  for (const line of text.split(eol)) {
    const cells: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        for (;;) {
          const q = line.indexOf('"', i);
          value += line.slice(i, q);
          if (line[q + 1] === '"') {
            value += '"';
            i = q + 2;
          } else {
            i = q + 2;
            break;
          }
        }
        cells.push(value);
      } else {
        const comma = line.indexOf(',', i);
        const end = comma === -1 ? line.length : comma;
        cells.push(line.slice(i, end));
        i = end + 1;
      }
    }
    rows.push(cells);
  }
  if (rows.at(-1)?.join('') === '') rows.pop();
  return rows;
}

const yuanText = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** `12.34` → 1234, by string surgery (no binary float). */
function fenOf(text: string): number {
  const m = /^(\d+)\.(\d\d)$/.exec(text);
  if (!m) throw new Error(`not a yuan amount: ${text}`);
  return Number(m[1]) * 100 + Number(m[2]);
}

const billOptions: TradeBillOptions = { rows: 2000, seed: 17, refundRatio: 0.08, date: '2021-06-23' };
const bill = generateTradeBill(billOptions);
const discrepancies = {
  'missing-in-ledger': 5,
  'missing-in-bill': 4,
  'amount-mismatch': 6,
  'status-mismatch': 3,
  'refund-mismatch': 7,
  duplicate: 2,
  'cross-day': 4,
} as const;

describe('ledger CSV with planted discrepancies', () => {
  const { bytes, text, truth } = generateLedger({ rows: bill.truth.rows, date: '2021-06-23' }, { discrepancies, unpaidOrders: 6 });
  const rows = parseCsv(text);
  const header = rows[0]!;
  const data = rows.slice(1);
  const byId = new Map<string, string[][]>();
  for (const r of data) byId.set(r[0]!, [...(byId.get(r[0]!) ?? []), r]);

  const billOrders = new Map<string, { orderFen: number; refundFen: number; paidAt: string; transactionId: string; paidToday: boolean }>();
  for (const r of bill.truth.rows) {
    const o = billOrders.get(r.outTradeNo) ?? { orderFen: r.orderFen, refundFen: 0, paidAt: r.paidAt, transactionId: r.transactionId, paidToday: false };
    if (r.state === 'SUCCESS') o.paidToday = true;
    else o.refundFen += r.refundRequestFen;
    billOrders.set(r.outTradeNo, o);
  }

  it('has the contract header, UTF-8 BOM and CRLF, and the counted rows', () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(header).toEqual(['商户订单号', '订单金额', '订单状态', '支付时间', '退款金额', '微信订单号']);
    expect(truth.headerRow).toBe(1);
    expect(data).toHaveLength(truth.rowCount);
    expect(truth.rowCount).toBe(
      truth.billOrderCount - discrepancies['missing-in-ledger'] + discrepancies.duplicate + discrepancies['missing-in-bill'] + discrepancies['cross-day'] + 6,
    );
    expect(truth.unpaidOrders).toBe(6);
    expect(truth.earlierDayOrders).toBeGreaterThan(0);
  });

  it('plants exactly the asked counts, each on a distinct order', () => {
    for (const [category, n] of Object.entries(discrepancies)) {
      expect(truth.counts[category as keyof typeof discrepancies]).toBe(n);
      expect(truth.planted.filter((p) => p.category === category)).toHaveLength(n);
    }
    expect(new Set(truth.planted.map((p) => p.outTradeNo)).size).toBe(truth.planted.length);
    const paidToday = [...billOrders.values()].filter((o) => o.paidToday).length;
    expect(truth.counts.matched).toBe(paidToday - 5 - 6 - 3 - 7 - 2);
  });

  it('each planted discrepancy is what its category says', () => {
    for (const p of truth.planted) {
      const ledgerRows = byId.get(p.outTradeNo) ?? [];
      const billOrder = billOrders.get(p.outTradeNo);
      switch (p.category) {
        case 'missing-in-ledger':
          expect(billOrder?.paidToday).toBe(true);
          expect(ledgerRows).toHaveLength(0);
          break;
        case 'missing-in-bill':
        case 'cross-day':
          expect(billOrder).toBeUndefined();
          expect(ledgerRows).toHaveLength(1);
          expect(ledgerRows[0]![2]).toBe('已支付');
          expect(ledgerRows[0]![5]).toMatch(/^42000\d{23}$/);
          if (p.category === 'cross-day') {
            expect(ledgerRows[0]![3]).toMatch(/^2021-06-23 (23:59|00:00):\d\d$/);
            expect(p.successTime!.slice(0, 10)).not.toBe('2021-06-23');
          }
          break;
        case 'amount-mismatch':
          expect(ledgerRows).toHaveLength(1);
          expect(ledgerRows[0]![1]).not.toBe(yuanText(billOrder!.orderFen));
          expect(ledgerRows[0]![1]).toBe(yuanText(p.ledger!.amountFen));
          break;
        case 'status-mismatch':
          expect(ledgerRows[0]![2]).toMatch(/^(未支付|已关闭)$/);
          expect(ledgerRows[0]![3]).toBe('');
          break;
        case 'refund-mismatch':
          expect(ledgerRows[0]![4]).not.toBe(yuanText(billOrder!.refundFen));
          break;
        case 'duplicate':
          expect(ledgerRows).toHaveLength(2);
          expect(ledgerRows[0]).toEqual(ledgerRows[1]);
          break;
      }
    }
  });

  it('every other bill order appears once, exactly as the bill has it', () => {
    const planted = new Set(truth.planted.map((p) => p.outTradeNo));
    const states: Record<LedgerState, string> = { paid: '已支付', unpaid: '未支付', closed: '已关闭', refunded: '已退款', partially_refunded: '部分退款' };
    for (const [outTradeNo, o] of billOrders) {
      if (planted.has(outTradeNo)) continue;
      const state: LedgerState = o.refundFen === 0 ? 'paid' : o.refundFen === o.orderFen ? 'refunded' : 'partially_refunded';
      expect(byId.get(outTradeNo)).toEqual([[outTradeNo, yuanText(o.orderFen), states[state], o.paidAt, yuanText(o.refundFen), o.transactionId]]);
    }
    const unpaid = data.filter((r) => !billOrders.has(r[0]!) && !planted.has(r[0]!));
    expect(unpaid).toHaveLength(6);
    for (const r of unpaid) expect(r.slice(2)).toEqual([expect.stringMatching(/^(未支付|已关闭)$/), '', '0.00', '']);
  });

  it('the project importer reads it back row for row', () => {
    const parsed = parseBytes(bytes);
    expect(parsed).toMatchObject({ kind: 'ledger', rows: truth.rowCount });
    expect(parsed.ledgerRows!.map((r) => [r.outTradeNo, r.amountFen, r.state, r.paidAt, r.refundFen, r.transactionId])).toEqual(
      data.map((r) => [r[0], fenOf(r[1]!), expect.any(String), r[3] === '' ? null : r[3], fenOf(r[4]!), r[5] === '' ? null : r[5]]),
    );
  });
});

describe('ledger variants', () => {
  const source = { rows: bill.truth.rows, date: '2021-06-23' };

  it.each<LedgerOptions>([
    { headers: 'zh-alt', titleRows: 'padded', extraColumns: true },
    { headers: 'en', amountUnit: 'fen', titleRows: 'plain' },
    { headers: 'zh', states: 'wechat', encoding: 'gb18030', lineEnding: '\n' },
    { headers: 'zh', amountUnit: 'fen', excelDamage: true },
  ])('%o is read back by the project importer', (options) => {
    const { bytes, text, truth } = generateLedger(source, { ...options, discrepancies: { 'amount-mismatch': 2, duplicate: 1 }, unpaidOrders: 3 });
    if (options.encoding === 'gb18030') expect(new TextDecoder('gb18030').decode(bytes)).toBe(text);
    const lines = parseCsv(text, options.lineEnding ?? '\r\n');
    expect(lines[truth.headerRow - 1]).toEqual(truth.header);
    expect(lines.length - truth.headerRow).toBe(truth.rowCount);
    const parsed = parseBytes(bytes, { encoding: options.encoding ?? 'utf-8' });
    expect(parsed).toMatchObject({ kind: 'ledger', rows: truth.rowCount, headerRow: truth.headerRow });
    if (!options.excelDamage) {
      const planted = new Set(truth.planted.map((p) => p.outTradeNo));
      const first = bill.truth.rows.find((r) => r.state === 'SUCCESS' && !planted.has(r.outTradeNo))!;
      const row = parsed.ledgerRows!.find((r) => r.outTradeNo === first.outTradeNo)!;
      expect(row).toMatchObject({ amountFen: first.orderFen, paidAt: first.paidAt, transactionId: first.transactionId });
    } else {
      expect(parsed.warnings.map((w) => w.code)).toContain('excel-mangled-id');
    }
  });

  it('titles, headers and ISO times as asked', () => {
    const padded = generateLedger(source, { headers: 'zh-alt', titleRows: 'padded' }).text.split('\r\n');
    expect(padded.slice(0, 4)).toEqual([
      '鲜果时光商城订单导出,,,,,',
      '导出时间：2021-06-24 09:00:00,,,,,',
      ',,,,,',
      '订单编号,实付金额（元）,支付状态,付款时间,退款金额(元),交易单号',
    ]);
    const en = generateLedger(source, { headers: 'en', amountUnit: 'fen' }).text.split('\r\n');
    expect(en[0]).toBe('out_trade_no,amount_fen,status,paid_at,refund_amount,transaction_id');
    expect(en[1]).toMatch(/^[0-9a-f]{32},\d+,(paid|refunded|partially_refunded),\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00,\d+\.\d\d,42000\d{23}$/);
  });

  it('refuses more planted discrepancies than paid orders', () => {
    expect(() => generateLedger(source, { discrepancies: { 'missing-in-ledger': 1_000_000 } })).toThrow(RangeError);
  });

  it('sheet rows: numeric amounts and date cells, ids as text', () => {
    const { rows, truth } = ledgerSheetRows(source, { titleRows: 'plain', discrepancies: { 'status-mismatch': 1 } });
    expect(rows[3]).toEqual(truth.header);
    expect(rows.length - 4).toBe(truth.rowCount);
    const order = bill.truth.rows.find((r) => r.state === 'SUCCESS' && r.orderFen % 100 !== 0 && !truth.planted.some((p) => p.outTradeNo === r.outTradeNo))!;
    const row = rows.find((r) => r[0] === order.outTradeNo)!;
    expect(row[1]).toEqual({ kind: 'number-text', text: yuanText(order.orderFen).replace(/0$/, '') });
    expect(row[3]).toMatchObject({ kind: 'date' });
    expect(row[5]).toBe(order.transactionId);
  });
});

describe('writeLedgerFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxrecon-ledger-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams the same ledger as generateLedger builds from the same bill', async () => {
    const options: LedgerOptions = { discrepancies, unpaidOrders: 10, extraColumns: true, seed: 3 };
    const path = join(dir, 'ledger.csv');
    const fileTruth = await writeLedgerFile(path, { ...options, bill: billOptions });
    const { bytes, truth } = generateLedger({ rows: bill.truth.rows, date: '2021-06-23' }, options);
    expect(readFileSync(path).equals(Buffer.from(bytes))).toBe(true);
    expect(fileTruth).toEqual(truth);
  });
});
