/**
 * `wxrecon demo [--out FILE] [--dir DIR]`: the whole flow offline in one command. The simulator
 * plays WeChat Pay for a demo merchant; the demo day's trade bill is downloaded from it through the
 * API (as `download-bill` does: signed, SHA-1 checked) and the shop's ledger written; they are
 * reconciled, the doubtful orders queried live (signed, verified), and the report and the
 * trade-state updates written, as a finance user would get them on a real morning.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Lang } from '../../shared/i18n/messages.ts';
import { startSimulator } from '../simulator/server.ts';
import { newDemoMerchant, writeDemoProfile } from '../simulator/demo-merchant.ts';
import { DEMO_DATE, demoBillCsv, demoLedgerCsv, demoOrders } from '../simulator/demo-data.ts';
import { runDownloadBill } from './download-bill.ts';
import { EXIT_USAGE, parseOptions, type CliIo } from './io.ts';
import { runReconcile } from './reconcile.ts';

export const DEMO_HELP = {
  en: `Usage: wxrecon demo [--out FILE] [--dir DIR] [--lang zh-CN|en]

Runs the whole flow offline: the built-in simulator plays WeChat Pay for a demo merchant, a demo day's
trade bill is downloaded from it through the API and the shop's ledger written to DIR (default
./wxrecon-demo), reconciled, the doubtful orders
queried live, and the report (default DIR/对账报告.xlsx, or FILE: .xlsx, .csv or .json) and the
trade-state updates (DIR/状态更新.csv) written.
`,
  'zh-CN': `用法：wxrecon demo [--out 文件] [--dir 目录] [--lang zh-CN|en]

离线演示完整流程：内置模拟器扮演微信支付，通过接口为演示商户下载一天的交易账单，并在目录（默认 ./wxrecon-demo）写出商城台账，
完成核对，对存疑订单做实时查询，并写出对账报告（默认 目录/对账报告.xlsx，或 --out 指定 .xlsx、.csv、.json）
和交易状态更新（目录/状态更新.csv）。
`,
};

export async function runDemo(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  const parsed = parseOptions(argv, { out: { type: 'string' }, dir: { type: 'string' }, lang: { type: 'string' } }, io, lang);
  if (parsed === null) return EXIT_USAGE;
  const v = parsed.values as Record<string, string | undefined>;
  const dir = resolve(v.dir ?? 'wxrecon-demo');
  await mkdir(dir, { recursive: true });
  const zh = lang === 'zh-CN';
  const bill = join(dir, zh ? '微信账单-2026-11-26.csv' : 'wechat-bill-2026-11-26.csv');
  const ledger = join(dir, zh ? '商城订单-2026-11-26.csv' : 'shop-orders-2026-11-26.csv');
  const out = v.out ?? join(dir, zh ? '对账报告.xlsx' : 'reconciliation-report.xlsx');
  const updates = join(dir, zh ? '状态更新.csv' : 'state-updates.csv');
  await writeFile(ledger, demoLedgerCsv());
  const demo = newDemoMerchant();
  const sim = await startSimulator({ orders: demoOrders(), merchant: demo.merchant, wechatpay: demo.wechatpay! });
  try {
    const profile = await writeDemoProfile(join(dir, 'merchant'), demo, sim.baseUrl);
    io.stdout(zh ? `演示：微信支付模拟器 ${sim.baseUrl}，账单与台账写入 ${dir}\n\n` : `demo: WeChat Pay simulator at ${sim.baseUrl}; bill and ledger in ${dir}\n\n`);
    // The bill comes through the API as on a real morning; should this machine's clock say the demo
    // day's bill is not made yet, the same bill is written directly so the demo still runs.
    const quiet: CliIo = { stdout: io.stdout, stderr: () => undefined };
    if ((await runDownloadBill(['--merchant', profile, '--date', DEMO_DATE, '--out', bill], quiet, lang)) !== 0) await writeFile(bill, demoBillCsv());
    const code = await runReconcile(['--bill', bill, '--ledger', ledger, '--query', '--merchant', profile, '--journal', join(dir, 'queries.jsonl'), '--out', out, '--updates', updates], io, lang);
    io.stdout(zh ? `\n报告：${out}\n交易状态更新：${updates}\n` : `\nreport: ${out}\nstate updates: ${updates}\n`);
    return code;
  } finally {
    await sim.close();
  }
}
