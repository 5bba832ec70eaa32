import { describe, expect, it } from 'vitest';
import { wrongFileForLedger, wrongFileForTradeBill } from '../../../shared/import/expect.ts';
import { hasMessage, renderMessage } from '../../../shared/i18n/messages.ts';
import { readFileSync } from 'node:fs';

describe('a file given where a merchant trade bill is expected', () => {
  it('names a personal statement as such, in both languages', () => {
    const code = wrongFileForTradeBill('personal-bill')!;
    expect(code).toBe('personal-bill');
    expect(renderMessage(code, {}, 'zh-CN')).toContain('个人微信支付账单明细');
    expect(renderMessage(code, {}, 'en')).toContain('personal WeChat Pay statement');
  });
  it('accepts a trade bill and names the other kinds', () => {
    expect(wrongFileForTradeBill('trade-bill')).toBeNull();
    expect(wrongFileForTradeBill('fund-flow-bill')).toBe('fund-flow-not-trade-bill');
    expect(wrongFileForTradeBill('ledger')).toBe('ledger-not-trade-bill');
    expect(wrongFileForLedger('trade-bill')).toBe('trade-bill-not-ledger');
    expect(wrongFileForLedger('ledger')).toBeNull();
  });
});

describe('messages', () => {
  it('every code the sources emit has words in both languages', () => {
    const sources = ['shared/bill/trade-bill.ts', 'shared/bill/fund-flow.ts', 'shared/bill/personal-bill.ts', 'shared/ledger/ledger.ts',
      'shared/import/importer.ts', 'shared/import/totals.ts', 'shared/import/warnings.ts', 'shared/table/csv.ts', 'electron/import/read-file.ts', 'shared/import/expect.ts'];
    const codes = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
      for (const m of text.matchAll(/(?:add|addOnce|fail)\(\s*(?:base,\s*)?'([a-z0-9-]+)'/g)) codes.add(m[1]!);
      for (const m of text.matchAll(/new ImportError\('([a-z0-9-]+)'/g)) codes.add(m[1]!);
      for (const m of text.matchAll(/return '([a-z]+(?:-[a-z]+)+)';/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(30);
    codes.delete('no-summary'); // an integrity value, not a message
    const missing = [...codes].filter((c) => !hasMessage(c));
    expect(missing).toEqual([]);
  });
});
