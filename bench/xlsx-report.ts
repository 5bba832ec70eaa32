/**
 * `node bench/xlsx-report.ts [ITEMS]`: writeXlsxReport on a synthetic report (default 100,000
 * items), measured in a fresh child process so its peak RSS is the write's alone plus the report
 * in memory. Prints one JSON object: write wall time, RSS once the report is built, peak RSS, and
 * the file size. Targets: < 3 s and < 300 MB for 100,000 items.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeXlsxReport } from '../electron/report/xlsx-report.ts';
import { CATEGORIES, DEFAULT_SETTINGS } from '../shared/recon/types.ts';
import type { Category, ReconcileItem, ReconcileReport } from '../shared/recon/types.ts';

const MiB = 1024 * 1024;

function syntheticReport(n: number): ReconcileReport {
  const items: ReconcileItem[] = [];
  const counts = Object.fromEntries([...CATEGORIES, 'matched'].map((c) => [c, 0])) as Record<Category | 'matched', number>;
  for (let i = 0; i < n; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    counts[category]++;
    const outTradeNo = `ORD2026112600${String(i).padStart(8, '0')}`;
    const transactionId = `42000012342026112${String(i).padStart(11, '0')}`;
    const billFen = 100 + ((i * 7919) % 500_000);
    const ledgerFen = category === 'amount-mismatch' ? billFen - 10 : billFen;
    const zh = `订单金额不符：微信 ${(billFen / 100).toFixed(2)}，台账 ${(ledgerFen / 100).toFixed(2)}`;
    items.push({
      category,
      outTradeNo,
      transactionId,
      bill: category === 'missing-in-bill' ? null : { amountFen: billFen, settlementFen: billFen, couponFen: 0, state: 'SUCCESS', paidAt: '2026-11-26 12:00:00', transactionId, refunds: [], refundFen: 0, file: 'bill.csv', line: i + 2 },
      ledger: category === 'missing-in-ledger' ? null : { amountFen: ledgerFen, state: 'paid', stateRaw: '已支付', paidAt: '2026-11-26 12:00:01', refundFen: null, transactionId: null, file: 'ledger.csv', line: i + 2 },
      live: i % 10 === 0 ? { tradeState: 'SUCCESS', totalFen: billFen, successTime: '2026-11-26T12:00:00+08:00', queriedAt: '2026-11-27T09:30:00+08:00', requestId: `req-${i}` } : null,
      explanation: zh,
      explanations: { 'zh-CN': zh, en: `Order amount differs: WeChat ${billFen}, ledger ${ledgerFen}` },
      suggestedAction: 'correct-ledger-amount',
    });
  }
  return {
    summary: {
      bill: { files: 1, rows: n, paidCount: n, paidFen: 0, refundCount: 0, refundFen: 0, days: ['2026-11-26'] },
      ledger: { files: 1, rows: n, paidCount: n, paidFen: 0, refundFen: 0 },
      counts,
      differenceFen: 0,
      settings: DEFAULT_SETTINGS,
    },
    items,
    meta: { generatedAt: new Date().toISOString(), tool: 'wxrecon bench', lang: 'zh-CN', inputs: [] },
  };
}

if (process.argv[2] === '--child') {
  const n = Number(process.argv[3]);
  const path = process.argv[4]!;
  const report = syntheticReport(n);
  const reportRssMiB = process.memoryUsage().rss / MiB;
  const started = performance.now();
  await writeXlsxReport(path, report, { lang: 'zh-CN' });
  const writeMs = performance.now() - started;
  process.stdout.write(
    JSON.stringify({ items: n, writeMs: Math.round(writeMs), reportRssMiB: Math.round(reportRssMiB), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), fileMiB: +(statSync(path).size / MiB).toFixed(1) }) + '\n',
  );
} else {
  const n = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'wxrecon-bench-xlsx-'));
  try {
    const started = performance.now();
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n), join(dir, 'report.xlsx')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const wallMs = performance.now() - started;
    if (child.status !== 0) {
      process.stderr.write(`bench/xlsx-report: child exited ${child.status}\n`);
      process.exit(1);
    }
    const result = JSON.parse(child.stdout) as Record<string, number>;
    process.stdout.write(JSON.stringify({ ...result, childWallMs: Math.round(wallMs) }) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
