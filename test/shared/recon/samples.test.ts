/** The real sample bills reconcile cleanly against ledgers built from them. */
import { describe, expect, it } from 'vitest';
import { importFile } from '../../../electron/import/read-file.ts';
import { reconcile } from '../../../shared/recon/engine.ts';
import { fenToYuanText } from '../../../shared/money/format.ts';
import { parseBytes } from '../../helpers/parse-bytes.ts';

const sample = (name: string) => new URL(`../../fixtures/samples/${name}`, import.meta.url).pathname;

describe.each([
  'wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt',
  'DERIVED_wxpay-v3-tradebill-ALL-2021-bom-crlf-reconstruction.txt',
  'wxpay-v3-tradebill-ALL-2021-testmerchant.gunsluo.txt.gz',
  'wxpay-tradebill-ALL-27col-2019-redacted.WxJava.txt',
  'wxpay-tradebill-SUCCESS-20col-2019-redacted.WxJava.txt',
])('%s', (name) => {
  it('matches a ledger made from its own rows, and finds a changed amount and a missing order', async () => {
    const bill = await importFile(sample(name), { keepRows: true });
    const rows = bill.tradeRows!.filter((r) => r.tradeState === 'SUCCESS');
    const ledgerText = (mutate: boolean) =>
      '商户订单号,订单金额,订单状态,支付时间\n' +
      rows.map((r, i) => `${r.outTradeNo},${fenToYuanText(mutate && i === 0 ? r.orderFen + 1 : r.orderFen)},已支付,${r.tradeTime}`).join('\n') + '\n';
    const input = (text: string) => ({
      bills: [{ file: name, billType: bill.billType!, rows: bill.tradeRows! }],
      ledgers: [{ file: 'ledger.csv', rows: parseBytes(text).ledgerRows! }],
    });
    const clean = reconcile(input(ledgerText(false)));
    expect(clean.items).toEqual([]);
    expect(clean.summary.counts.matched).toBe(rows.length);
    const changed = reconcile(input(ledgerText(true)));
    expect(changed.items.map((i) => i.category)).toEqual(['amount-mismatch']);
    const missing = reconcile(input(ledgerText(false).split('\n').slice(0, -2).join('\n') + '\n'));
    expect(missing.items.map((i) => i.category)).toEqual(['missing-in-ledger']);
  });
});
