/** `wxrecon demo`: the whole flow offline finds exactly the story the demo day tells. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../electron/cli/main.ts';

describe('wxrecon demo', () => {
  it('reconciles the demo day with live queries and writes the report and the state updates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-demo-'));
    try {
      let stdout = '';
      const code = await main(['demo', '--dir', dir, '--out', join(dir, 'report.json')], { stdout: (t) => (stdout += t), stderr: () => undefined });
      expect(code).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      expect(report.items.map((i: { category: string; outTradeNo: string }) => `${i.category} ${i.outTradeNo}`).sort()).toEqual([
        'amount-mismatch DEMO-1008', 'cross-day DEMO-1005', 'missing-in-bill DEMO-1004', 'missing-in-ledger DEMO-1009', 'status-mismatch DEMO-1007', 'status-mismatch DEMO-1011',
      ]);
      // DEMO-1010's refund is missing from the bill (WeChat finished it after midnight); the refund
      // query shows the ledger's 30.00 is right, so it matches.
      expect(report.summary.counts.matched).toBe(5);
      expect(report.summary.query).toEqual({ queried: 6, failed: 0 });
      expect(report.meta.inputs.map((f: { integrity: string }) => f.integrity)).toEqual(['ok', 'no-summary']);
      const updates = readFileSync(join(dir, 'state-updates.csv'), 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(',').slice(0, 8).join(','));
      expect(updates).toEqual([
        'DEMO-1004,,已支付,closed,12000,,CLOSED,',
        'DEMO-1007,4200000001202611260000000007,待支付,paid,4500,,SUCCESS,2026-11-26T16:45:30+08:00',
        // The lost callback of an order refunded the next morning: straight to refunded, with the refund.
        'DEMO-1011,4200000001202611260000000011,待支付,refunded,2000,2000,REFUND,2026-11-27T09:12:30+08:00',
      ]);
      expect(existsSync(join(dir, 'merchant', 'merchant.json'))).toBe(true);
      expect(stdout).toContain('report:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
