/**
 * How fast, and in how much memory, electron/import/xlsx.ts reads a WeChat bill re-saved as
 * .xlsx. Writes a bill-like sheet (27 text columns, every value backtick-prefixed, as Excel keeps
 * the CSV's text) with the test writer, then reads it in a fresh child process so that the
 * figures are those of a whole import: wall time and peak RSS.
 *
 *   node bench/xlsx-read.ts [rows=100000] [--inline] [--keep] [--runs=3] [--file=bill.xlsx]
 *
 * --inline writes inline strings instead of shared strings (as some non-Excel tools do);
 * --keep leaves the .xlsx in the temp directory; --file reads an existing workbook instead of
 * writing one. The child keeps four fields of every row, as the bill parser does, so that values
 * pinning their source bytes would show up as memory.
 *
 * Whole-process time includes Node stripping the TypeScript of the modules, about 0.25 s on
 * the 2-core test machine; with NODE_COMPILE_CACHE set to a directory it is cached after the
 * first run (the packaged app ships JavaScript and never pays it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorkbook } from '../electron/import/xlsx.ts';
import { writeXlsx, type XlsxCell } from '../test/generators/xlsx-writer.ts';

const HEADER = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型',
  '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额',
  '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注',
];

function* billRows(count: number): Generator<XlsxCell[]> {
  yield HEADER;
  const start = Date.UTC(2021, 0, 1);
  for (let i = 0; i < count; i++) {
    const time = new Date(start + i * 7_000).toISOString().replace('T', ' ').slice(0, 19);
    const amount = ((i % 9_999) + 1) / 100;
    const refund = i % 20 === 0;
    yield [
      `\`${time}`,
      '`wx2421b1c4370ec43b',
      '`10000100',
      '`0',
      '`',
      `\`42000009252021012849${String(97714292 + i).padStart(8, '0')}`,
      `\`MO${time.replace(/\D/g, '')}${String(i).padStart(7, '0')}`,
      `\`oUpF8uMuAJO_M2pxb1Q9zN${String(i % 50_000).padStart(6, '0')}`,
      '`JSAPI',
      refund ? '`REFUND' : '`SUCCESS',
      i % 3 === 0 ? '`CMB_DEBIT' : '`OTHERS',
      '`CNY',
      `\`${amount.toFixed(2)}`,
      '`0.00',
      refund ? `\`50300000092021012800${String(i).padStart(8, '0')}` : '`0',
      refund ? `\`RF${String(i).padStart(10, '0')}` : '`0',
      refund ? `\`${amount.toFixed(2)}` : '`0.00',
      '`0.00',
      refund ? '`ORIGINAL' : '`',
      refund ? '`SUCCESS' : '`',
      `\`测试商品${i % 200}`,
      '`附加数据',
      `\`${(amount * 0.006).toFixed(5)}`,
      '`0.60%',
      `\`${amount.toFixed(2)}`,
      refund ? `\`${amount.toFixed(2)}` : '`0.00',
      '`',
    ];
  }
  yield ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'];
  yield [`\`${count}`, '`0.00', '`0.00', '`0.00', '`0.00', '`0.00', '`0.00'];
}

async function child(path: string): Promise<void> {
  const startedMs = performance.now();
  const workbook = await openWorkbook(path);
  const times: string[] = [];
  const ids: string[] = [];
  const orders: string[] = [];
  const amounts: string[] = [];
  let rows = 0;
  await workbook.readSheet(workbook.sheets[0]?.name ?? '', (row) => {
    rows++;
    times.push(row.values[0] ?? '');
    ids.push(row.values[5] ?? '');
    orders.push(row.values[6] ?? '');
    amounts.push(row.values[12] ?? '');
  });
  await workbook.close();
  const elapsedMs = performance.now() - startedMs;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({ rows, readMs: Math.round(elapsedMs), maxRssMB: Math.round(maxRssMB), kept: ids.length + times.length + orders.length + amounts.length }),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] ?? '');
  const rowCount = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
  const inline = args.includes('--inline');
  const runsArg = args.find((a) => a.startsWith('--runs='));
  const runCount = runsArg === undefined ? 3 : Number(runsArg.slice(7));
  const fileArg = args.find((a) => a.startsWith('--file='));
  const dir = mkdtempSync(join(tmpdir(), 'wxrecon-bench-'));
  const path = fileArg === undefined ? join(dir, `bill-${rowCount}.xlsx`) : fileArg.slice(7);
  try {
    let startedMs = performance.now();
    if (fileArg === undefined) {
      await writeXlsx(path, [{ name: 'Sheet1', rows: billRows(rowCount) }], { sharedStrings: !inline });
      const writeMs = performance.now() - startedMs;
      const sizeMB = statSync(path).size / 1024 / 1024;
      console.log(`wrote ${rowCount} rows × 27 columns (${inline ? 'inline' : 'shared'} strings): ${sizeMB.toFixed(1)} MB in ${(writeMs / 1000).toFixed(1)} s`);
    }

    // Other work shares this machine's two cores, so the child runs several times; the best
    // run is the machine's figure, the median what to expect.
    const runs: { wallMs: number; readMs: number; maxRssMB: number }[] = [];
    for (let run = 0; run < runCount; run++) {
      startedMs = performance.now();
      const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path], { encoding: 'utf8' });
      const wallMs = performance.now() - startedMs;
      if (result.status !== 0) throw new Error(`child failed: ${result.stderr}`);
      const figures = JSON.parse(result.stdout) as { rows: number; readMs: number; maxRssMB: number };
      runs.push({ wallMs, readMs: figures.readMs, maxRssMB: figures.maxRssMB });
      console.log(
        `read ${figures.rows} rows: ${(wallMs / 1000).toFixed(2)} s wall (whole process), ${(figures.readMs / 1000).toFixed(2)} s in openWorkbook + readSheet, peak RSS ${figures.maxRssMB} MB`,
      );
    }
    const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
    const best = sorted[0]!;
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `best ${(best.wallMs / 1000).toFixed(2)} s / ${best.maxRssMB} MB, median ${(median.wallMs / 1000).toFixed(2)} s / ${median.maxRssMB} MB over ${runs.length} runs`,
    );
  } finally {
    if (args.includes('--keep')) console.log(`kept ${path}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
