import { extname } from 'node:path';
import { renderMessage, type Lang } from '../../shared/i18n/messages.ts';
import { runQueries } from '../query-run/run.ts';
import type { OrderRef } from '../wechatpay/order-query.ts';
import { closePools, queryOrderForRecon } from '../wechatpay/client.ts';
import type { MerchantProfile } from '../wechatpay/profile.ts';
import { CATEGORIES, type Category, type ReconcileReport } from '../../shared/recon/types.ts';
import { CATEGORY_LABELS, reportToCsv } from '../../shared/recon/csv-report.ts';
import { stateUpdates, stateUpdatesCsv } from '../../shared/recon/state-updates.ts';
import { fenToYuanGrouped } from '../../shared/money/format.ts';
import type { LedgerMapping } from '../../shared/ledger/mapping.ts';
import { InputProblem, readAndReconcile } from '../recon/read-and-reconcile.ts';
import { writeFileAtomic } from '../report/atomic-write.ts';
import type { ReportInputFile } from '../../shared/recon/types.ts';
import { loadMapping } from './inspect.ts';
import { EXIT_FAIL_ON, EXIT_IO, EXIT_OK, EXIT_USAGE, loadProfile, parseOptions, requestLog, usageError, type CliIo } from './io.ts';

/** Categories whose verdict a live trade state can settle (reconcile --query asks about these). */
const LIVE_SETTLES: ReadonlySet<Category> = new Set(['status-mismatch', 'missing-in-bill', 'missing-in-ledger', 'cross-day', 'refund-mismatch']);

/**
 * A bill read on a worker joins the reconciliation in parts of this many rows while it is read.
 * WXRECON_BILL_BATCH_ROWS overrides it (tests use small parts on small files).
 */
function billBatchRows(): number {
  const n = Number(process.env.WXRECON_BILL_BATCH_ROWS);
  return Number.isInteger(n) && n > 0 ? n : 65_536;
}

export const RECONCILE_HELP = {
  en: `Usage: wxrecon reconcile --bill FILE… [--ledger FILE…] [--mapping FILE] [--out FILE] [--json]
                         [--fail-on CATEGORY,…] [--cross-day-window MINUTES] [--tolerance-fen N]
                         [--query --merchant FILE [--journal FILE] [--verbose]] [--updates FILE] [--lang zh-CN|en]

Reconciles WeChat Pay trade bills (several days allowed) against the merchant's ledger, order by order.

Options:
  --bill FILE             a trade bill (ALL, SUCCESS or REFUND; CSV, .gz, .xlsx, .xls); repeat for several
  --ledger FILE           the merchant's order export; repeat for several
  --mapping FILE          ledger mapping file (JSON), see the README
  --out FILE              write the report: .xlsx, .csv or .json by extension
  --json                  print the report (the contract's JSON) on stdout
  --fail-on LIST          exit 1 when any item falls in these categories (comma-separated), e.g.
                          missing-in-ledger,missing-in-bill,amount-mismatch
  --cross-day-window MIN  minutes around 00:00 within which a ledger payment the bills lack is
                          in transit to the neighbouring day (default 30)
  --tolerance-fen N       ignore amount differences up to N fen (default 0)
  --query                 ask WeChat Pay for the live state of every order a live state can settle
                          (every bill order when no ledger is given), then reconcile with the answers
  --merchant FILE         the merchant profile for --query (JSON, see the README)
  --updates FILE          write the trade-state updates for the merchant's system (.csv or .xlsx): lost
                          callbacks → paid, refunds the ledger lacks, orders WeChat closed → closed
  --journal FILE          the query journal (default wxrecon-queries-<mchid>.jsonl): a run stopped
                          at any point resumes from it without asking again for final answers
  --verbose               log each request to WeChat Pay on stderr (no keys or signatures)

Categories: ${CATEGORIES.join(', ')}.
Exit status: 0 done; 1 items in a --fail-on category; 2 bad input or usage; 3 I/O failure.
`,
  'zh-CN': `用法：wxrecon reconcile --bill 账单… [--ledger 台账…] [--mapping 映射文件] [--out 文件] [--json]
                         [--fail-on 类别,…] [--cross-day-window 分钟] [--tolerance-fen 分]
                         [--query --merchant 商户配置 [--journal 文件] [--verbose]] [--updates 文件] [--lang zh-CN|en]

按订单核对微信支付交易账单（可多天）与商户台账。

选项：
  --bill 文件             交易账单（ALL、SUCCESS 或 REFUND；CSV、.gz、.xlsx、.xls），可重复
  --ledger 文件           商户台账，可重复
  --mapping 文件          台账映射文件（JSON），见 README
  --out 文件              写出报告：按扩展名 .xlsx、.csv 或 .json
  --json                  在标准输出打印报告（契约规定的 JSON）
  --fail-on 类别列表      出现这些类别的差错时退出码为 1（逗号分隔）
  --cross-day-window 分钟 日切 00:00 前后多少分钟内的台账支付视为跨日在途（默认 30）
  --tolerance-fen 分      金额差在此范围内不报（默认 0）
  --query                 向微信支付查询实时状态能判定的订单（不给台账时为全部账单订单），再按结果核对
  --merchant 文件         --query 使用的商户配置（JSON，见 README）
  --updates 文件          写出交易状态更新（.csv 或 .xlsx）供导入商户系统：回调丢失→已支付、台账缺的退款、微信已关闭→已关闭
  --journal 文件          查询日志（默认 wxrecon-queries-<商户号>.jsonl）：中断后可续查，已有最终结果不再重复查询
  --verbose               在标准错误输出记录每次请求（不含密钥和签名）

类别：${CATEGORIES.join('、')}。
退出码：0 完成；1 出现 --fail-on 指定的类别；2 输入或用法错误；3 读写失败。
`,
};

function summaryText(report: ReconcileReport, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const s = report.summary;
  const lines = [
    zh
      ? `账单：${s.bill.files} 个文件，${s.bill.rows} 行，支付 ${s.bill.paidCount} 笔 ${fenToYuanGrouped(s.bill.paidFen)} 元，退款 ${s.bill.refundCount} 笔 ${fenToYuanGrouped(s.bill.refundFen)} 元`
      : `bills: ${s.bill.files} files, ${s.bill.rows} rows, ${s.bill.paidCount} payments ${fenToYuanGrouped(s.bill.paidFen)}, ${s.bill.refundCount} refunds ${fenToYuanGrouped(s.bill.refundFen)}`,
    zh
      ? `台账：${s.ledger.files} 个文件，${s.ledger.rows} 行，已支付 ${s.ledger.paidCount} 笔 ${fenToYuanGrouped(s.ledger.paidFen)} 元`
      : `ledger: ${s.ledger.files} files, ${s.ledger.rows} rows, ${s.ledger.paidCount} paid ${fenToYuanGrouped(s.ledger.paidFen)}`,
    zh ? `支付金额差（账单 − 台账）：${fenToYuanGrouped(s.differenceFen)} 元` : `paid difference (bill − ledger): ${fenToYuanGrouped(s.differenceFen)}`,
    zh ? `一致：${s.counts.matched}` : `matched: ${s.counts.matched}`,
  ];
  for (const c of CATEGORIES) if (s.counts[c] > 0) lines.push(zh ? `${CATEGORY_LABELS[c]![lang]}（${c}）：${s.counts[c]}` : `${CATEGORY_LABELS[c]![lang]} (${c}): ${s.counts[c]}`);
  for (const item of report.items.slice(0, 50)) lines.push(`  [${item.category}] ${item.outTradeNo ?? '—'}: ${item.explanations[lang]} → ${item.suggestedAction}`);
  if (report.items.length > 50) lines.push(zh ? `  ……另有 ${report.items.length - 50} 项，见 --out 报告` : `  … ${report.items.length - 50} more in the --out report`);
  return lines.join('\n') + '\n';
}

export async function runReconcile(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      bill: { type: 'string', multiple: true },
      ledger: { type: 'string', multiple: true },
      mapping: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'fail-on': { type: 'string' },
      query: { type: 'boolean' },
      updates: { type: 'string' },
      merchant: { type: 'string' },
      journal: { type: 'string' },
      verbose: { type: 'boolean' },
      'cross-day-window': { type: 'string' },
      'tolerance-fen': { type: 'string' },
      lang: { type: 'string' },
    },
    io,
    lang,
  );
  if (parsed === null) return EXIT_USAGE;
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const bills = (v.bill as string[] | undefined) ?? [];
  const ledgers = (v.ledger as string[] | undefined) ?? [];
  if (bills.length === 0) return usageError(io, lang, 'reconcile needs at least one --bill FILE', 'reconcile 需要至少一个 --bill 账单文件');
  if (parsed.positionals.length > 0) return usageError(io, lang, `unexpected argument "${parsed.positionals[0]}" (use --bill or --ledger)`, `多余的参数“${parsed.positionals[0]}”（请用 --bill 或 --ledger）`);
  const failOn = new Set<Category>();
  for (const c of String(v['fail-on'] ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!(CATEGORIES as readonly string[]).includes(c)) return usageError(io, lang, `--fail-on: unknown category "${c}" (${CATEGORIES.join(', ')})`, `--fail-on：未知类别“${c}”（${CATEGORIES.join('、')}）`);
    failOn.add(c as Category);
  }
  const number = (name: string, fallback: number): number | null => {
    const raw = v[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= 0 ? n : null;
  };
  const windowMinutes = number('cross-day-window', 30);
  const toleranceFen = number('tolerance-fen', 0);
  if (windowMinutes === null || windowMinutes > 720) return usageError(io, lang, '--cross-day-window takes whole minutes from 0 to 720', '--cross-day-window 须为 0 到 720 的整数分钟');
  if (toleranceFen === null) return usageError(io, lang, '--tolerance-fen takes a whole number of fen', '--tolerance-fen 须为整数（分）');
  const updatesPath = v.updates as string | undefined;
  const updatesKind = updatesPath === undefined ? null : extname(updatesPath).toLowerCase();
  if (updatesKind !== null && updatesKind !== '.csv' && updatesKind !== '.xlsx') {
    return usageError(io, lang, '--updates: write .csv or .xlsx', '--updates：状态更新文件为 .csv 或 .xlsx');
  }
  // Live queries: the profile is read before any file, so a mistake in it is named at once.
  let profile: MerchantProfile | null = null;
  if (v.query === true) {
    if (typeof v.merchant !== 'string') return usageError(io, lang, '--query needs --merchant FILE', '--query 需要 --merchant 商户配置文件');
    const loaded = await loadProfile(v.merchant, io, lang);
    if (typeof loaded === 'number') return loaded;
    profile = loaded;
  } else if (v.merchant !== undefined || v.journal !== undefined) {
    return usageError(io, lang, '--merchant and --journal go with --query', '--merchant 与 --journal 需与 --query 一起使用');
  }
  const out = v.out as string | undefined;
  const outKind = out === undefined ? null : extname(out).toLowerCase();
  if (outKind !== null && outKind !== '.json' && outKind !== '.csv' && outKind !== '.xlsx') {
    return usageError(io, lang, `--out: write .xlsx, .csv or .json`, `--out：报告格式为 .xlsx、.csv 或 .json`);
  }
  let mapping: LedgerMapping | undefined;
  if (v.mapping !== undefined) {
    const m = await loadMapping(String(v.mapping), io, lang);
    if (typeof m === 'number') return m;
    mapping = m;
  }

  let read: Awaited<ReturnType<typeof readAndReconcile>>;
  try {
    read = await readAndReconcile({ bills, ledgers, mapping, settings: { crossDayWindowMinutes: windowMinutes, amountToleranceFen: toleranceFen }, lang, batchRows: billBatchRows() });
  } catch (e) {
    if (!(e instanceof InputProblem)) throw e;
    io.stderr(`wxrecon: ${e.path ? `${e.path}: ` : ''}${e.message}\n`);
    return e.kind === 'io' ? EXIT_IO : EXIT_USAGE;
  }
  const { recon, imported, hashes: hashing } = read;
  const jobs = [...bills, ...ledgers].map((path) => ({ path }));
  for (let k = 0; k < imported.length; k++) {
    if (imported[k]!.integrity === 'mismatch') {
      io.stderr(`wxrecon: ${jobs[k]!.path}: ${lang === 'zh-CN' ? '汇总行与明细不一致，文件可能不完整（继续核对）' : 'the summary line does not match the rows; the file may be incomplete (reconciling anyway)'}\n`);
    }
  }
  let report = recon.finish(lang);
  if (profile !== null) {
    // Ask WeChat Pay about the orders whose verdict a live state can settle (every bill order when
    // there is no ledger), then reconcile again with the answers.
    const keys = ledgers.length === 0 ? recon.orderKeys() : [...new Set(report.items.filter((i) => i.outTradeNo !== null && LIVE_SETTLES.has(i.category)).map((i) => i.outTradeNo!))];
    const journalPath = typeof v.journal === 'string' ? v.journal : `wxrecon-queries-${profile.mchid}.jsonl`;
    let lastShown = 0;
    let lastAnswered = -1;
    // The refund numbers the bill shows, for v3 refund queries of orders WeChat calls REFUND.
    const refundNos = new Map<string, string[]>();
    for (const item of report.items) {
      const nos = (item.bill?.refunds ?? []).map((r) => r.outRefundNo).filter((n): n is string => n !== null && n !== '');
      if (item.outTradeNo !== null && nos.length > 0) refundNos.set(item.outTradeNo, nos);
    }
    const ask = (ref: OrderRef, signal?: AbortSignal) => queryOrderForRecon(profile!, ref.outTradeNo!, refundNos.get(ref.outTradeNo!) ?? [], { ...(signal === undefined ? {} : { signal }), ...requestLog(v.verbose, io) });
    const run = await runQueries(keys.map((outTradeNo) => ({ outTradeNo })), ask, {
      journalPath,
      requestsPerSecond: profile.requestsPerSecond,
      concurrency: profile.concurrency,
      onProgress: (p) => {
        const t = performance.now();
        const answered = p.done + p.failed;
        if ((t - lastShown < 1000 && answered < p.total) || answered === lastAnswered) return;
        lastShown = t;
        lastAnswered = answered;
        const eta = p.etaSec === null ? '' : lang === 'zh-CN' ? `，预计还需 ${Math.ceil(p.etaSec)} 秒` : `, about ${Math.ceil(p.etaSec)} s left`;
        io.stderr(lang === 'zh-CN' ? `实时查询：${p.done + p.failed}/${p.total}（失败 ${p.failed}，${p.ratePerSec.toFixed(1)} 笔/秒${eta}）\n` : `live queries: ${p.done + p.failed}/${p.total} (${p.failed} failed, ${p.ratePerSec.toFixed(1)}/s${eta})\n`);
      },
    }).finally(() => closePools());
    report = recon.finish(lang, run.live);
    report.summary.query = { queried: run.live.size, failed: run.failures.size };
    for (const [key, f] of run.failures) io.stderr(`wxrecon: ${key}: ${lang === 'zh-CN' ? '查询失败' : 'query failed'}: ${f.message}\n`);
  }
  let hashes: { sha256: string; sizeBytes: number }[];
  try {
    hashes = await hashing;
  } catch (e) {
    io.stderr(`wxrecon: ${renderMessage('read-failed', { reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message }, lang)}\n`);
    return EXIT_IO;
  }
  const inputs: ReportInputFile[] = imported.map((f, k) => ({
    role: k < bills.length ? ('bill' as const) : ('ledger' as const),
    file: f.file,
    sha256: hashes[k]!.sha256,
    sizeBytes: f.sizeBytes,
    kind: f.kind,
    ...(f.billType !== undefined ? { billType: f.billType } : {}),
    ...(f.layout !== undefined ? { layout: f.layout } : {}),
    rows: f.rows,
    integrity: f.integrity,
    dateRange: f.dateRange,
  }));
  const changed = imported.findIndex((f, k) => hashes[k]!.sizeBytes !== f.sizeBytes);
  if (changed >= 0) {
    // The hash would not be of the bytes that were reconciled.
    io.stderr(`wxrecon: ${jobs[changed]!.path}: ${lang === 'zh-CN' ? '文件在读取期间被修改，请在文件不再变化后重新核对' : 'the file changed while it was being read; reconcile again once it no longer changes'}\n`);
    return EXIT_IO;
  }
  report.meta = { generatedAt: new Date().toISOString(), tool: 'wxrecon 0.1.0', lang, inputs };
  if (out !== undefined) {
    try {
      if (outKind === '.xlsx') await (await import('../report/xlsx-report.ts')).writeXlsxReport(out, report, { lang });
      else await writeFileAtomic(out, outKind === '.csv' ? reportToCsv(report, lang) : JSON.stringify(report, null, 2) + '\n');
    } catch (e) {
      io.stderr(`wxrecon: ${out}: ${(e as Error).message}\n`);
      return EXIT_IO;
    }
  }
  if (updatesPath !== undefined) {
    const updates = stateUpdates(report);
    try {
      if (updatesKind === '.xlsx') await (await import('../report/xlsx-report.ts')).writeStateUpdatesXlsx(updatesPath, updates, lang, report.meta.generatedAt);
      else await writeFileAtomic(updatesPath, stateUpdatesCsv(updates));
    } catch (e) {
      io.stderr(`wxrecon: ${updatesPath}: ${(e as Error).message}\n`);
      return EXIT_IO;
    }
    io.stderr(lang === 'zh-CN' ? `交易状态更新：${updates.length} 笔，已写入 ${updatesPath}\n` : `state updates: ${updates.length}, written to ${updatesPath}\n`);
  }
  if (v.json === true) io.stdout(JSON.stringify(report, null, 2) + '\n');
  else io.stdout(summaryText(report, lang));
  return report.items.some((i) => failOn.has(i.category)) ? EXIT_FAIL_ON : EXIT_OK;
}
