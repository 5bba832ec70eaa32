import { readFile } from 'node:fs/promises';
import { fieldLabel, renderMessage, renderWarning, type Lang } from '../../shared/i18n/messages.ts';
import { fenToYuanGrouped, milliFenToYuanText } from '../../shared/money/format.ts';
import { parseLedgerMapping, MappingError, type LedgerMapping } from '../../shared/ledger/mapping.ts';
import { importFile, type FileImport } from '../import/read-file.ts';
import { EXIT_IO, EXIT_OK, EXIT_USAGE, parseOptions, usageError, type CliIo } from './io.ts';

export const INSPECT_HELP = {
  en: `Usage: wxrecon inspect FILE… [--json] [--mapping FILE] [--lang zh-CN|en]

Detects what each file is (WeChat Pay trade bill ALL/SUCCESS/REFUND in any layout, fund-flow
bill, personal WeChat statement, or the merchant's own ledger), reads it, and checks its
summary line against its rows. Reads CSV in UTF-8 or GBK, .gz, .xlsx and .xls.

Options:
  --json            one JSON array on stdout, one object per file (see the contract)
  --mapping FILE    ledger mapping file (JSON) for ledgers with other headers or states
  --lang zh-CN|en   language of messages (default en)

Exit status: 0 every file was read; 2 a file is not a bill or ledger, or bad usage;
3 a file could not be read (I/O error).
`,
  'zh-CN': `用法：wxrecon inspect 文件… [--json] [--mapping 映射文件] [--lang zh-CN|en]

识别每个文件是什么（微信支付交易账单 ALL/SUCCESS/REFUND 各种列布局、资金账单、个人微信账单明细，
或商户自己的台账），读取内容，并用明细核对文件自带的汇总行。支持 UTF-8 或 GBK 编码的 CSV、.gz、
.xlsx 和 .xls。

选项：
  --json            在标准输出打印 JSON 数组，每个文件一个对象
  --mapping 文件    台账映射文件（JSON），用于表头或状态不同的台账
  --lang zh-CN|en   提示语言（默认 en）

退出码：0 全部读取成功；2 有文件不是账单或台账，或用法错误；3 文件读取失败。
`,
};

const KIND_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  'trade-bill': { 'zh-CN': '交易账单', en: 'trade bill' },
  'fund-flow-bill': { 'zh-CN': '资金账单', en: 'fund-flow bill' },
  'personal-bill': { 'zh-CN': '个人微信账单明细（非商户账单）', en: 'personal WeChat statement (not a merchant bill)' },
  ledger: { 'zh-CN': '台账', en: 'ledger' },
  unknown: { 'zh-CN': '无法识别', en: 'not recognised' },
};

const INTEGRITY: Record<string, { 'zh-CN': string; en: string }> = {
  ok: { 'zh-CN': '一致', en: 'ok' },
  mismatch: { 'zh-CN': '不一致', en: 'mismatch' },
  'no-summary': { 'zh-CN': '文件没有汇总行', en: 'no summary in the file' },
};

export async function loadMapping(path: string, io: CliIo, lang: Lang): Promise<LedgerMapping | number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return usageError(io, lang, `cannot read the mapping file ${path}: ${(e as Error).message}`, `无法读取映射文件 ${path}：${(e as Error).message}`);
  }
  try {
    return parseLedgerMapping(JSON.parse(text.replace(/^\ufeff/, '')));
  } catch (e) {
    const reason = e instanceof MappingError ? e.detail : (e as Error).message;
    return usageError(io, lang, renderMessage('invalid-mapping', { reason }, 'en'), renderMessage('invalid-mapping', { reason }, 'zh-CN'));
  }
}

function formatTotal(key: string, value: number | undefined): string {
  if (value === undefined) return '—';
  if (key.endsWith('MilliFen')) return milliFenToYuanText(value);
  if (key.endsWith('Fen')) return fenToYuanGrouped(value);
  return String(value);
}

/** Pads to a terminal width, counting CJK characters as two columns. */
function padDisplay(text: string, columns: number): string {
  const width = [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, columns - width));
}

function humanReport(r: FileImport, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const lines: string[] = [r.file];
  const kind = KIND_NAMES[r.kind]?.[lang] ?? r.kind;
  const parts = [kind];
  if (r.billType !== undefined) parts.push(r.billType);
  if (r.layout !== undefined) parts.push(zh ? `${r.layout} 布局` : `layout ${r.layout}`);
  parts.push([r.format, r.encoding, r.sheet !== undefined ? (zh ? `工作表“${r.sheet}”` : `sheet "${r.sheet}"`) : null].filter(Boolean).join(' '));
  lines.push('  ' + parts.join(zh ? '，' : ' · '));
  if (r.kind !== 'unknown') {
    const range = r.dateRange === null ? '' : zh ? `，${r.dateRange[0]} 至 ${r.dateRange[1]}` : `, ${r.dateRange[0]} to ${r.dateRange[1]}`;
    lines.push(zh ? `  明细 ${r.rows} 行${r.rejectedRows > 0 ? `（另有 ${r.rejectedRows} 行无法读取）` : ''}${range}` : `  ${r.rows} rows${r.rejectedRows > 0 ? ` (${r.rejectedRows} more could not be read)` : ''}${range}`);
    lines.push(`  ${zh ? '汇总核对：' : 'summary check: '}${INTEGRITY[r.integrity]?.[lang] ?? r.integrity}`);
    const keys = [...new Set([...Object.keys(r.declared ?? {}), ...Object.keys(r.computed ?? {})])];
    if (keys.length > 0) {
      lines.push(`    ${padDisplay(zh ? '项目' : 'figure', 30)}${(zh ? '汇总行' : 'declared').padStart(zh ? 13 : 16)}${(zh ? '明细合计' : 'computed').padStart(zh ? 12 : 16)}`);
      for (const key of keys) {
        const d = formatTotal(key, r.declared?.[key]);
        const c = formatTotal(key, r.computed?.[key]);
        const mark = r.declared?.[key] !== undefined && r.computed?.[key] !== undefined && r.declared[key] !== r.computed[key] ? '  ✗' : '';
        lines.push(`    ${padDisplay(fieldLabel(key, lang), 30)}${d.padStart(16)}${c.padStart(16)}${mark}`);
      }
    }
  }
  if (r.warnings.length > 0) {
    lines.push(`  ${zh ? '提示：' : 'warnings:'}`);
    for (const w of r.warnings) {
      const where = w.row !== undefined ? (zh ? `第 ${w.row} 行：` : `row ${w.row}: `) : '';
      lines.push(`    ${where}${renderWarning(w, lang)} [${w.code}]`);
    }
  }
  return lines.join('\n') + '\n';
}

/** What inspect prints for a file: the result without row records, warnings with messages. */
export function toInspectJson(r: FileImport, lang: Lang): Record<string, unknown> {
  const { tradeRows: _t, ledgerRows: _l, fundFlowRows: _f, personalRows: _p, ...rest } = r;
  return {
    ...rest,
    warnings: r.warnings.map((w) => ({
      code: w.code,
      message: renderWarning(w, lang),
      ...(w.row !== undefined ? { row: w.row } : {}),
      ...(w.column !== undefined ? { column: w.column } : {}),
      ...(w.count !== undefined ? { count: w.count } : {}),
      ...(w.params !== undefined ? { params: w.params } : {}),
    })),
  };
}

export async function runInspect(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  const parsed = parseOptions(
    argv,
    { json: { type: 'boolean' }, mapping: { type: 'string' }, lang: { type: 'string' } },
    io,
    lang,
  );
  if (parsed === null) return EXIT_USAGE;
  const values = parsed.values as { json?: boolean; mapping?: string };
  const files = parsed.positionals;
  if (files.length === 0) return usageError(io, lang, 'inspect needs at least one FILE', 'inspect 需要至少一个文件');
  let mapping: LedgerMapping | undefined;
  if (values.mapping !== undefined) {
    const m = await loadMapping(values.mapping, io, lang);
    if (typeof m === 'number') return m;
    mapping = m;
  }
  const results: FileImport[] = [];
  for (const file of files) {
    const r = await importFile(file, { keepRows: false, ...(mapping ? { mapping } : {}) });
    if (r.kind === 'personal-bill') r.warnings.unshift({ code: 'personal-bill' });
    results.push(r);
  }
  if (values.json === true) {
    io.stdout(JSON.stringify(results.map((r) => toInspectJson(r, lang)), null, 2) + '\n');
  } else {
    io.stdout(results.map((r) => humanReport(r, lang)).join('\n'));
  }
  const ioFailure = results.find((r) => r.error?.code === 'read-failed');
  if (ioFailure !== undefined) {
    io.stderr(`wxrecon: ${ioFailure.file}: ${renderMessage('read-failed', ioFailure.error!.params, lang)}\n`);
    return EXIT_IO;
  }
  const unknown = results.find((r) => r.kind === 'unknown');
  if (unknown !== undefined) {
    const code = unknown.error?.code ?? 'no-header';
    io.stderr(`wxrecon: ${unknown.file}: ${renderMessage(code, unknown.error?.params ?? {}, lang)}\n`);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
