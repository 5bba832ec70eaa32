import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reconcile, startReconciliation } from '../../../shared/recon/engine.ts';
import type { LedgerRow, TradeBillRow } from '../../../shared/import/types.ts';
import type { BillInput, LiveState, ReconcileInput } from '../../../shared/recon/types.ts';

let line = 1;
/** WeChat's fee at 0.60%: settlement × rate, half up to the fen. */
const fee60 = (settlementFen: number) => Math.floor((2 * settlementFen * 60 + 10_000) / 20_000) * 1000;

function pay(outTradeNo: string, orderFen: number, tradeTime = '2026-11-26 12:00:00', over: Partial<TradeBillRow> = {}): TradeBillRow {
  line++;
  const settlementFen = over.settlementFen ?? orderFen;
  return {
    line, tradeTime, appId: 'wx1', mchId: '1900000001', subMchId: '0', deviceInfo: '', transactionId: `42000${outTradeNo.padStart(23, '0')}`,
    outTradeNo, openId: 'o', tradeType: 'JSAPI', tradeState: 'SUCCESS', bankType: 'CMC', currency: 'CNY', settlementFen: orderFen,
    orderFen, couponFen: 0, refundId: null, outRefundNo: null, refundFen: 0, couponRefundFen: 0, refundType: '', refundStatus: '',
    refundAppliedAt: null, refundSucceededAt: null, body: '', attach: '', feeMilliFen: fee60(settlementFen), rate: '0.60%', refundRequestFen: 0, rateNote: '', ...over,
  };
}
function refund(outTradeNo: string, fen: number, refundId: string, tradeTime = '2026-11-26 15:00:00'): TradeBillRow {
  return pay(outTradeNo, 0, tradeTime, { tradeState: 'REFUND', settlementFen: 0, refundId, outRefundNo: `R${refundId}`, refundFen: fen, refundRequestFen: fen, refundStatus: 'SUCCESS' });
}
function led(outTradeNo: string | null, amountFen: number, state: LedgerRow['state'] = 'paid', paidAt: string | null = '2026-11-26 12:00:01', over: Partial<LedgerRow> = {}): LedgerRow {
  line++;
  return { line, outTradeNo, amountFen, state, stateRaw: state, paidAt, refundFen: null, transactionId: null, ...over };
}
const bill = (rows: TradeBillRow[], file = 'bill-1126.csv', billType: BillInput['billType'] = 'ALL'): BillInput => ({ file, billType, rows });
const ledger = (rows: LedgerRow[]) => ({ file: 'ledger.csv', rows });
const live = (outTradeNo: string, tradeState: LiveState['tradeState'], successTime: string | null = null): [string, LiveState] => [
  outTradeNo,
  { outTradeNo, transactionId: null, tradeState, totalFen: null, successTime, queriedAt: '2026-11-27T09:30:00+08:00', requestId: 'req-1' },
];

function only(input: ReconcileInput) {
  const r = reconcile(input);
  return { r, cats: r.items.map((i) => [i.category, i.outTradeNo, i.suggestedAction]) };
}

describe('reconcile', () => {
  it('matches agreeing orders, including a 免充值券 order whose settlement is below the order amount', () => {
    const { r } = only({ bills: [bill([pay('A1', 1999), pay('A2', 150, undefined, { settlementFen: 50, couponFen: 100 })])], ledgers: [ledger([led('A1', 1999), led('A2', 150)])] });
    expect(r.items).toEqual([]);
    expect(r.summary.counts.matched).toBe(2);
    expect(r.summary).toMatchObject({ bill: { paidCount: 2, paidFen: 2149 }, ledger: { paidCount: 2, paidFen: 2149 }, differenceFen: 0 });
  });

  it('finds one-sided orders, a lost callback and a wrong amount, with figures in the explanation', () => {
    const { r, cats } = only({
      bills: [bill([pay('B1', 500), pay('B2', 800), pay('B3', 1000), pay('B5', 150, undefined, { settlementFen: 50, couponFen: 100 })])],
      ledgers: [ledger([led('B2', 800, 'unpaid', null), led('B3', 990), led('B4', 700), led('B5', 50)])],
    });
    expect(cats).toEqual([
      ['missing-in-ledger', 'B1', 'add-payment-to-ledger'],
      ['missing-in-bill', 'B4', 'check-ledger-payment'],
      ['amount-mismatch', 'B3', 'correct-ledger-amount'],
      ['amount-mismatch', 'B5', 'correct-ledger-amount'],
      ['status-mismatch', 'B2', 'mark-ledger-paid'],
    ]);
    const b3 = r.items.find((i) => i.outTradeNo === 'B3')!;
    expect(b3.explanations['zh-CN']).toBe('订单金额不符：微信 10.00，台账 9.90，相差 0.10');
    expect(r.items.find((i) => i.outTradeNo === 'B5')!.explanations['zh-CN']).toContain('免充值券 1.00');
    expect(r.summary.differenceFen).toBe(2450 - 1740);
  });

  it('treats a payment near midnight as in transit, and matches it once the next day is given', () => {
    const ledgerRows = [led('C1', 100, 'paid', '2026-11-26 23:59:58'), led('C2', 100, 'paid', '2026-11-26 22:00:00')];
    const day1 = bill([pay('C0', 100)]);
    const { cats } = only({ bills: [day1], ledgers: [ledger(ledgerRows)] });
    // Items come sorted by category (the contract's order), then order number.
    expect(cats).toEqual([
      ['missing-in-ledger', 'C0', 'add-payment-to-ledger'],
      ['missing-in-bill', 'C2', 'check-ledger-payment'],
      ['cross-day', 'C1', 'wait-for-next-bill'],
    ]);
    const day2 = bill([pay('C1', 100, '2026-11-27 00:00:03')], 'bill-1127.csv');
    const both = reconcile({ bills: [day1, day2], ledgers: [ledger(ledgerRows)] });
    expect(both.items.map((i) => i.outTradeNo)).not.toContain('C1');
    // A payment the ledger puts just after midnight, outside the only bill's day, is in transit too.
    const early = reconcile({ bills: [day1], ledgers: [ledger([led('C0', 100), led('C3', 100, 'paid', '2026-11-27 00:10:00')])] });
    expect(early.items.map((i) => [i.category, i.outTradeNo])).toEqual([['cross-day', 'C3']]);
    // Far from the boundary on another day: the bill of that day is missing.
    const far = reconcile({ bills: [day1], ledgers: [ledger([led('C0', 100), led('C4', 100, 'paid', '2026-11-28 12:00:00')])] });
    expect(far.items[0]).toMatchObject({ category: 'missing-in-bill', suggestedAction: 'add-bill-for-day' });
  });

  it('reconciles partial and multiple refunds of one order (1:N), and counts a refund shown in two bills once', () => {
    const all = bill([pay('D1', 1000), refund('D1', 300, 'r1'), refund('D1', 200, 'r2'), pay('D2', 500), refund('D2', 500, 'r3')]);
    const refundBill = bill([refund('D1', 300, 'r1'), refund('D1', 200, 'r2')], 'refund-1126.csv', 'REFUND');
    const ok = reconcile({ bills: [all, refundBill], ledgers: [ledger([led('D1', 1000, 'partially_refunded', undefined, { refundFen: 500 }), led('D2', 500, 'refunded')])] });
    expect(ok.items).toEqual([]);
    expect(ok.summary.bill).toMatchObject({ refundCount: 3, refundFen: 1000 });
    const bad = reconcile({ bills: [all], ledgers: [ledger([led('D1', 1000, 'partially_refunded', undefined, { refundFen: 300 }), led('D2', 500, 'paid')])] });
    expect(bad.items.map((i) => [i.category, i.outTradeNo, i.suggestedAction])).toEqual([
      ['refund-mismatch', 'D1', 'record-refund-in-ledger'],
      ['refund-mismatch', 'D2', 'record-refund-in-ledger'],
    ]);
    expect(bad.items[0]!.explanations.en).toBe('Refunds differ: bill 5.00 (2 refunds), ledger 3.00');
  });

  it('a refund today of an order paid on an earlier day matches the ledger without calling the order missing', () => {
    const r = reconcile({ bills: [bill([pay('E0', 100), refund('E1', 400, 'r9')])], ledgers: [ledger([led('E0', 100), led('E1', 400, 'refunded', '2026-11-20 10:00:00')])] });
    expect(r.items).toEqual([]);
  });

  it('reports duplicates on either side, never merging them; the same payment in ALL and SUCCESS bills is one', () => {
    const p = pay('F1', 100);
    const success = bill([p], 'success-1126.csv', 'SUCCESS');
    const r = reconcile({
      bills: [bill([p, pay('F2', 100), pay('F2', 100, '2026-11-26 13:00:00', { transactionId: '4200000000000000000000000099' })]), success],
      ledgers: [ledger([led('F1', 100), led('F2', 100), led('F3', 100), led('F3', 100)])],
    });
    expect(r.items.map((i) => [i.category, i.outTradeNo])).toEqual([['duplicate', 'F2'], ['duplicate', 'F3']]);
    expect(r.items[1]!.ledgerRows).toHaveLength(2);
    expect(r.summary.counts.matched).toBe(1);
  });

  it('uses live states: a ledger that is wrong, a state not final yet, a refund after the bill, a lost callback outside the bills', () => {
    const r = reconcile({
      bills: [bill([pay('G0', 100), pay('G3', 300)])],
      ledgers: [ledger([led('G0', 100), led('G1', 100), led('G2', 100), led('G3', 300), led('G4', 100, 'unpaid', null), led('G5', 100, 'paid', '2026-11-26 23:58:00')])],
      live: new Map([
        live('G1', 'CLOSED'), live('G2', 'USERPAYING'), live('G3', 'REFUND', '2026-11-26T12:00:00+08:00'),
        live('G4', 'SUCCESS', '2026-11-25T10:00:00+08:00'), live('G5', 'SUCCESS', '2026-11-26T16:00:30Z'),
      ]),
    });
    expect(r.items.map((i) => [i.category, i.outTradeNo, i.suggestedAction])).toEqual([
      ['missing-in-bill', 'G1', 'mark-ledger-unpaid'],
      ['missing-in-bill', 'G2', 'requery-later'],
      ['status-mismatch', 'G4', 'mark-ledger-paid'],
      ['refund-mismatch', 'G3', 'record-refund-in-ledger'],
      ['cross-day', 'G5', 'wait-for-next-bill'],
    ]);
    expect(r.items.find((i) => i.outTradeNo === 'G1')!.live).toMatchObject({ tradeState: 'CLOSED', requestId: 'req-1' });
    expect(r.summary.query).toEqual({ queried: 5, failed: 0 });
  });

  it('without a ledger, reports where the live state contradicts the bill', () => {
    const r = reconcile({ bills: [bill([pay('H1', 100), pay('H2', 100), pay('H3', 100)])], ledgers: [], live: new Map([live('H1', 'SUCCESS'), live('H2', 'REFUND')]) });
    expect(r.items.map((i) => [i.category, i.outTradeNo])).toEqual([['refund-mismatch', 'H2']]);
    expect(r.summary.counts.matched).toBe(2);
  });

  it('checks the bill\'s fee against its rate, half up to the fen', () => {
    expect(fee60(600)).toBe(4000); // 6.00 × 0.60% = 0.036 → 0.04, as the WxJava sample shows
    const r = reconcile({
      bills: [bill([pay('J1', 600), pay('J2', 600, undefined, { feeMilliFen: 3000 }), pay('J3', 1, undefined, { rate: '1.00%', feeMilliFen: 0 })])],
      ledgers: [ledger([led('J1', 600), led('J2', 600), led('J3', 1)])],
    });
    expect(r.items.map((i) => [i.category, i.outTradeNo, i.suggestedAction])).toEqual([['fee-mismatch', 'J2', 'check-fee-with-wechat']]);
    expect(r.items[0]!.explanations['zh-CN']).toBe('手续费不符：应结 6.00 × 费率 0.60% = 0.04，账单手续费 3.000 分');
  });

  it('rows whose ids a spreadsheet damaged are items, not silently dropped', () => {
    const r = reconcile({ bills: [bill([pay('I1', 100), { ...pay('x', 200), outTradeNo: null }])], ledgers: [ledger([led('I1', 100), led(null, 300)])] });
    expect(r.items.map((i) => [i.category, i.suggestedAction])).toEqual([
      ['missing-in-ledger', 'redownload-original-file'],
      ['missing-in-bill', 'redownload-original-file'],
    ]);
  });

  it('accounts for every row once, and does not depend on row order or on how a day is split into files (property)', () => {
    const orders = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 30 }).map((ids) => ids.map((n) => `K${n}`));
    fc.assert(
      fc.property(orders, fc.array(fc.nat(4), { minLength: 30, maxLength: 30 }), fc.integer({ min: 1, max: 4 }), fc.nat(1000), (keys, kinds, parts, seed) => {
        const billRows: TradeBillRow[] = [];
        const ledgerRows: LedgerRow[] = [];
        keys.forEach((k, i) => {
          const kind = kinds[i]!;
          if (kind !== 1) billRows.push(pay(k, 100 + i));
          if (kind !== 2) ledgerRows.push(led(k, kind === 3 ? 99 + i : 100 + i, kind === 4 ? 'unpaid' : 'paid'));
        });
        const base = reconcile({ bills: [bill(billRows)], ledgers: [ledger(ledgerRows)] });
        // Shuffle deterministically and split the bill into several files.
        const shuffled = [...billRows].sort((a, b) => ((a.line * 7919 + seed) % 101) - ((b.line * 7919 + seed) % 101));
        const split: BillInput[] = Array.from({ length: parts }, (_, j) => bill(shuffled.filter((_, i) => i % parts === j), `part${j}.csv`));
        const other = reconcile({ bills: split, ledgers: [ledger([...ledgerRows].reverse())] });
        const strip = (r: typeof base) => r.items.map((i) => [i.category, i.outTradeNo, i.explanation]);
        expect(strip(other)).toEqual(strip(base));
        expect(other.summary.counts).toEqual(base.summary.counts);
        const accounted = Object.values(base.summary.counts).reduce((a, b) => a + b, 0);
        expect(accounted).toBe(keys.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('reconcile fast path', () => {
  it('decides exactly as the full rules do, whatever the mix of refunds, ids, fees, tolerances and live states (property)', () => {
    const liveStates: LiveState['tradeState'][] = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'USERPAYING', 'ORDER_NOT_EXIST'];
    const order = fc.record({
      billKind: fc.constantFrom('none', 'pay', 'pay-refund', 'pay-2refunds', 'refund-only', 'pay-twice', 'pay-bad-fee', 'pay-legacy'),
      ledgerKind: fc.constantFrom('none', 'paid', 'unpaid', 'refunded', 'partial', 'twice', 'other-tx', 'no-amount'),
      delta: fc.integer({ min: -3, max: 3 }),
      live: fc.option(fc.constantFrom(...liveStates), { freq: 4 }),
    });
    fc.assert(
      fc.property(fc.array(order, { minLength: 1, maxLength: 25 }), fc.nat(3), fc.boolean(), (orders, tolerance, withLedger) => {
        const billRows: TradeBillRow[] = [];
        const ledgerRows: LedgerRow[] = [];
        const states: [string, LiveState][] = [];
        orders.forEach((o, i) => {
          const k = `F${i}`;
          const amount = 1000 + i;
          if (o.billKind === 'pay' || o.billKind.startsWith('pay-')) {
            billRows.push(pay(k, amount, '2026-11-26 12:00:00', o.billKind === 'pay-bad-fee' ? { feeMilliFen: 1 } : o.billKind === 'pay-legacy' ? { settlementFen: null, rate: '' } : {}));
          }
          if (o.billKind === 'pay-twice') billRows.push(pay(k, amount, '2026-11-26 12:00:09', { transactionId: `4200${i}`.padEnd(28, '9') }));
          if (o.billKind === 'pay-refund' || o.billKind === 'refund-only') billRows.push(refund(k, 300, `50${i}`));
          if (o.billKind === 'pay-2refunds') billRows.push(refund(k, 300, `51${i}`), refund(k, 200, `52${i}`));
          const lAmount = amount + o.delta;
          if (o.ledgerKind === 'paid' || o.ledgerKind === 'twice') ledgerRows.push(led(k, lAmount));
          if (o.ledgerKind === 'twice') ledgerRows.push(led(k, lAmount));
          if (o.ledgerKind === 'unpaid') ledgerRows.push(led(k, lAmount, 'unpaid', null));
          if (o.ledgerKind === 'refunded') ledgerRows.push(led(k, lAmount, 'refunded'));
          if (o.ledgerKind === 'partial') ledgerRows.push(led(k, lAmount, 'partially_refunded', '2026-11-26 12:00:01', { refundFen: 300 + o.delta }));
          if (o.ledgerKind === 'other-tx') ledgerRows.push(led(k, lAmount, 'paid', '2026-11-26 12:00:01', { transactionId: '4'.repeat(28) }));
          if (o.ledgerKind === 'no-amount') ledgerRows.push(led(k, null as unknown as number));
          if (o.live !== null) states.push(live(k, o.live, o.live === 'SUCCESS' || o.live === 'REFUND' ? '2026-11-26T12:00:00+08:00' : null));
        });
        const input: ReconcileInput = {
          bills: [bill(billRows)],
          ledgers: withLedger ? [ledger(ledgerRows)] : [],
          live: new Map(states),
          settings: { amountToleranceFen: tolerance },
        };
        expect(reconcile(input)).toEqual(reconcile(input, 'en', { fastPath: false }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('startReconciliation', () => {
  it('gives the same report whether ledgers arrive before, between or after the bills (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), fc.integer({ min: -2, max: 2 })), { minLength: 1, maxLength: 40 }), fc.nat(2), (orders, where) => {
        const billRows: TradeBillRow[] = [];
        const ledgerRows: LedgerRow[] = [];
        orders.forEach(([kind, delta], i) => {
          const k = `S${i % 17}`;
          if (kind !== 1) billRows.push(pay(k, 500 + i, '2026-11-26 23:50:00'));
          if (kind === 3) billRows.push(refund(k, 100, `R${i}`));
          if (kind !== 2) ledgerRows.push(led(k, 500 + i + delta, kind === 4 ? 'unpaid' : 'paid', '2026-11-26 23:55:00'));
        });
        const half = Math.floor(billRows.length / 2);
        const bills = [bill(billRows.slice(0, half), 'a.csv'), bill(billRows.slice(half), 'b.csv')];
        const ledgerInput = ledger(ledgerRows);
        const base = reconcile({ bills, ledgers: [ledgerInput] });
        const r = startReconciliation({});
        if (where === 0) r.addLedger(ledgerInput);
        r.addBill(bills[0]!);
        if (where === 1) r.addLedger(ledgerInput);
        r.addBill(bills[1]!);
        if (where === 2) r.addLedger(ledgerInput);
        expect(r.finish('en')).toEqual(base);
      }),
      { numRuns: 200 },
    );
  });
});

describe('startReconciliation: finishing again with live states', () => {
  it('gives the plain report again, then the live-refined one, and lists every order number once', () => {
    const r = startReconciliation({});
    r.addBill(bill([pay('P1', 100), pay('P2', 200)]));
    r.addLedger(ledger([led('P1', 100, 'unpaid', null), led('L1', 300)]));
    const plain = r.finish('en');
    expect(r.finish('en')).toEqual(plain);
    const refined = r.finish('en', new Map([live('P1', 'SUCCESS', '2026-11-26T12:00:00+08:00'), live('L1', 'CLOSED')]));
    expect(refined.items.find((i) => i.outTradeNo === 'L1')!.suggestedAction).toBe('mark-ledger-unpaid');
    expect(refined.items.find((i) => i.outTradeNo === 'P1')!.live!.tradeState).toBe('SUCCESS');
    expect(r.finish('en')).toEqual(plain);
    expect(r.orderKeys()).toEqual(['P1', 'P2', 'L1']);
  });
});
