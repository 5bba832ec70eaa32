/**
 * The reconciliation report as an .xlsx workbook for finance staff, their manager and the auditor:
 * a summary sheet (who made it from what, control totals, per-category counts and amounts) and the
 * discrepancy list with the CSV report's columns.
 *
 * Written with exceljs's streaming writer so memory stays bounded on a 100,000-item report, into a
 * temporary file beside the target that is renamed into place only once complete and flushed, as
 * atomic-write.ts does for text reports.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Worksheet } from 'exceljs';
import { CATEGORY_LABELS, reportToCsv } from '../../shared/recon/csv-report.ts';
import { CATEGORIES } from '../../shared/recon/types.ts';
import type { Category, ReconcileItem, ReconcileReport } from '../../shared/recon/types.ts';

type Lang = 'zh-CN' | 'en';

export interface XlsxReportOptions {
  lang: Lang;
}

const MONEY_FORMAT = '#,##0.00';
/** Excel's "Text" format, so an id the user edits and re-enters is not turned into a number. */
const TEXT_FORMAT = '@';
/**
 * Rows between turns of the event loop, so the Electron main process keeps answering the window
 * while a long report is written, and the zip stream compresses as the rows come.
 */
const ROWS_PER_YIELD = 500;

const TEXT = {
  'zh-CN': {
    summarySheet: '汇总',
    detailSheet: '差异明细',
    title: '微信支付对账报告',
    made: '报告信息',
    generatedAt: '生成时间',
    tool: '生成工具',
    lang: '报告语言',
    crossDay: '跨日在途窗口（分钟）',
    tolerance: '金额容差（元）',
    inputs: '输入文件',
    inputHeaders: ['角色', '文件', 'SHA-256', '大小（字节）', '类型', '账单类型', '版式', '行数', '完整性', '起始日期', '截止日期'],
    roles: { bill: '微信账单', ledger: '台账' },
    totals: '控制总数',
    totalsHeaders: ['项目', '微信账单', '台账'],
    files: '文件数',
    rows: '行数',
    paidCount: '支付笔数',
    paidAmount: '支付金额（元）',
    refundCount: '退款笔数',
    refundAmount: '退款金额（元）',
    days: '账单日期',
    difference: '支付金额差额（微信 − 台账，元）',
    query: '实时查询',
    queried: '已查询',
    failed: '查询失败',
    categories: '差异分类',
    categoryHeaders: ['类别', '笔数', '账单金额合计（元）', '台账金额合计（元）'],
    matched: '一致（已匹配）',
    itemsTotal: '差异合计',
    extraHeaders: ['实时查询时间', '查询请求号'],
  },
  en: {
    summarySheet: 'Summary',
    detailSheet: 'Discrepancies',
    title: 'WeChat Pay reconciliation report',
    made: 'Report',
    generatedAt: 'Generated at',
    tool: 'Tool',
    lang: 'Language',
    crossDay: 'Cross-day window (minutes)',
    tolerance: 'Amount tolerance (yuan)',
    inputs: 'Input files',
    inputHeaders: ['Role', 'File', 'SHA-256', 'Size (bytes)', 'Kind', 'Bill type', 'Layout', 'Rows', 'Integrity', 'From', 'To'],
    roles: { bill: 'WeChat bill', ledger: 'Ledger' },
    totals: 'Control totals',
    totalsHeaders: ['Item', 'WeChat bill', 'Ledger'],
    files: 'Files',
    rows: 'Rows',
    paidCount: 'Paid orders',
    paidAmount: 'Paid amount (yuan)',
    refundCount: 'Refunds',
    refundAmount: 'Refund amount (yuan)',
    days: 'Bill days',
    difference: 'Paid difference (WeChat − ledger, yuan)',
    query: 'Live queries',
    queried: 'Queried',
    failed: 'Failed',
    categories: 'Discrepancies by category',
    categoryHeaders: ['Category', 'Items', 'Bill amount (yuan)', 'Ledger amount (yuan)'],
    matched: 'Matched',
    itemsTotal: 'All discrepancies',
    extraHeaders: ['live_queried_at', 'live_request_id'],
  },
} as const;

const BOLD = { bold: true };
const PLAIN = {};

/** Exact for every safe-integer fen amount: the nearest double to the 2-decimal yuan value. */
function yuan(fen: number | null | undefined): number | null {
  return fen === null || fen === undefined ? null : fen / 100;
}

/** The CSV report's header line, so both reports keep one set of column names. */
function csvHeaders(report: ReconcileReport, lang: Lang): string[] {
  const text = reportToCsv({ ...report, items: [] }, lang);
  // The CSV headers are plain words: no quoting, commas or formula characters to undo.
  return text.replace(/^\ufeff/, '').replace(/\r\n$/, '').split(',');
}

function categoryLabel(category: string, lang: Lang): string {
  return CATEGORY_LABELS[category]?.[lang] ?? category;
}

/** The column's format also applies to cells the user types into later. */
function setColumns(sheet: Worksheet, defs: { width: number; numFmt?: string }[]): void {
  sheet.columns = defs.map((d) => (d.numFmt === undefined ? { width: d.width } : { width: d.width, style: { numFmt: d.numFmt } }));
}

function boldRow(sheet: Worksheet, values: (string | number | null)[]): void {
  const row = sheet.addRow(values);
  row.font = BOLD;
  row.commit();
}

function addRow(sheet: Worksheet, values: (string | number | null)[], moneyColumns: number[] = []): void {
  const row = sheet.addRow(values);
  for (const c of moneyColumns) row.getCell(c).numFmt = MONEY_FORMAT;
  row.commit();
}

function writeSummary(sheet: Worksheet, report: ReconcileReport, lang: Lang): void {
  const t = TEXT[lang];
  const { summary, meta } = report;
  setColumns(sheet, [{ width: 34 }, { width: 40 }, { width: 24 }, { width: 24 }, { width: 12 }, { width: 12 }, { width: 16 }, { width: 10 }, { width: 12 }, { width: 12 }, { width: 12 }]);

  const title = sheet.addRow([t.title]);
  title.font = { bold: true, size: 16 };
  title.commit();
  addRow(sheet, []);

  boldRow(sheet, [t.made]);
  if (meta !== undefined) {
    addRow(sheet, [t.generatedAt, meta.generatedAt]);
    addRow(sheet, [t.tool, meta.tool]);
    addRow(sheet, [t.lang, meta.lang]);
  }
  addRow(sheet, [t.crossDay, summary.settings.crossDayWindowMinutes]);
  addRow(sheet, [t.tolerance, yuan(summary.settings.amountToleranceFen)], [2]);
  addRow(sheet, []);

  if (meta !== undefined) {
    boldRow(sheet, [t.inputs]);
    boldRow(sheet, [...t.inputHeaders]);
    for (const f of meta.inputs) {
      addRow(sheet, [
        t.roles[f.role],
        f.file,
        f.sha256,
        f.sizeBytes,
        f.kind,
        f.billType ?? null,
        f.layout ?? null,
        f.rows,
        f.integrity,
        f.dateRange?.[0] ?? null,
        f.dateRange?.[1] ?? null,
      ]);
    }
    addRow(sheet, []);
  }

  const { bill, ledger } = summary;
  boldRow(sheet, [t.totals]);
  boldRow(sheet, [...t.totalsHeaders]);
  addRow(sheet, [t.files, bill.files, ledger.files]);
  addRow(sheet, [t.rows, bill.rows, ledger.rows]);
  addRow(sheet, [t.paidCount, bill.paidCount, ledger.paidCount]);
  addRow(sheet, [t.paidAmount, yuan(bill.paidFen), yuan(ledger.paidFen)], [2, 3]);
  addRow(sheet, [t.refundCount, bill.refundCount, null]);
  addRow(sheet, [t.refundAmount, yuan(bill.refundFen), yuan(ledger.refundFen)], [2, 3]);
  addRow(sheet, [t.days, bill.days.join(', '), null]);
  const difference = sheet.addRow([t.difference, yuan(summary.differenceFen)]);
  difference.font = BOLD;
  difference.getCell(2).numFmt = MONEY_FORMAT;
  difference.commit();
  if (summary.query !== undefined) {
    addRow(sheet, [`${t.query}: ${t.queried}`, summary.query.queried]);
    addRow(sheet, [`${t.query}: ${t.failed}`, summary.query.failed]);
  }
  addRow(sheet, []);

  // Integer fen sums are exact; the division to yuan happens once per total.
  const perCategory = new Map<Category, { count: number; billFen: number; ledgerFen: number }>(CATEGORIES.map((c) => [c, { count: 0, billFen: 0, ledgerFen: 0 }]));
  for (const item of report.items) {
    let totals = perCategory.get(item.category);
    if (totals === undefined) perCategory.set(item.category, (totals = { count: 0, billFen: 0, ledgerFen: 0 }));
    totals.count++;
    totals.billFen += item.bill?.amountFen ?? 0;
    totals.ledgerFen += item.ledger?.amountFen ?? 0;
  }
  boldRow(sheet, [t.categories]);
  boldRow(sheet, [...t.categoryHeaders]);
  let billFen = 0;
  let ledgerFen = 0;
  for (const [category, totals] of perCategory) {
    billFen += totals.billFen;
    ledgerFen += totals.ledgerFen;
    addRow(sheet, [categoryLabel(category, lang), totals.count, yuan(totals.billFen), yuan(totals.ledgerFen)], [3, 4]);
  }
  const total = sheet.addRow([t.itemsTotal, report.items.length, yuan(billFen), yuan(ledgerFen)]);
  total.font = BOLD;
  total.getCell(3).numFmt = MONEY_FORMAT;
  total.getCell(4).numFmt = MONEY_FORMAT;
  total.commit();
  addRow(sheet, [t.matched, summary.counts.matched]);
}

function detailValues(item: ReconcileItem, lang: Lang): (string | number | null)[] {
  return [
    categoryLabel(item.category, lang),
    item.outTradeNo,
    item.transactionId,
    yuan(item.bill?.amountFen),
    yuan(item.ledger?.amountFen),
    item.bill?.state ?? null,
    item.ledger?.stateRaw ?? null,
    item.live?.tradeState ?? null,
    yuan(item.bill?.refundFen),
    yuan(item.ledger?.refundFen),
    item.bill?.paidAt ?? null,
    item.ledger?.paidAt ?? null,
    item.explanations[lang],
    item.suggestedAction,
    item.live?.queriedAt ?? null,
    item.live?.requestId ?? null,
  ];
}

const DETAIL_COLUMNS: { width: number; numFmt?: string }[] = [
  { width: 16 },
  { width: 26, numFmt: TEXT_FORMAT },
  { width: 32, numFmt: TEXT_FORMAT },
  { width: 14, numFmt: MONEY_FORMAT },
  { width: 14, numFmt: MONEY_FORMAT },
  { width: 12 },
  { width: 12 },
  { width: 16 },
  { width: 14, numFmt: MONEY_FORMAT },
  { width: 14, numFmt: MONEY_FORMAT },
  { width: 20 },
  { width: 20 },
  { width: 60 },
  { width: 26 },
  { width: 26 },
  { width: 36, numFmt: TEXT_FORMAT },
];

async function writeDetail(sheet: Worksheet, report: ReconcileReport, lang: Lang): Promise<void> {
  setColumns(sheet, DETAIL_COLUMNS);
  const headers = [...csvHeaders(report, lang), ...TEXT[lang].extraHeaders];
  const header = sheet.addRow(headers);
  header.font = BOLD;
  header.commit();
  // exceljs gives every cell a fresh style object and caches style ids by object identity, so
  // without sharing one object per column it re-serialises the style of each of the 1.6M cells.
  const styles = DETAIL_COLUMNS.map((d) => (d.numFmt === undefined ? PLAIN : { numFmt: d.numFmt }));
  let n = 0;
  for (const item of report.items) {
    const row = sheet.addRow(detailValues(item, lang));
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      // An empty cell with no style is left out of the XML altogether: a third of the cells.
      cell.style = cell.value === null ? PLAIN : styles[column - 1]!;
    });
    row.commit();
    if (++n % ROWS_PER_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Column letters for the autofilter range; 16 columns never pass Z. */
function columnLetter(n: number): string {
  return String.fromCharCode(64 + n);
}

export async function writeXlsxReport(path: string, report: ReconcileReport, options: XlsxReportOptions): Promise<void> {
  const { lang } = options;
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const out = createWriteStream(temp, { flags: 'wx' });
  try {
    // Fails here, before anything is written, when the folder is missing or unwritable.
    await once(out, 'open');
  } catch (e) {
    out.destroy();
    throw e;
  }
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    if (report.meta !== undefined) {
      workbook.creator = report.meta.tool;
      workbook.created = new Date(report.meta.generatedAt);
    }
    const summary = workbook.addWorksheet(TEXT[lang].summarySheet);
    writeSummary(summary, report, lang);
    summary.commit();

    const detail = workbook.addWorksheet(TEXT[lang].detailSheet, { views: [{ state: 'frozen', ySplit: 1 }] });
    detail.autoFilter = `A1:${columnLetter(DETAIL_COLUMNS.length)}1`;
    await writeDetail(detail, report, lang);
    detail.commit();

    await workbook.commit();
    if (!out.closed) await once(out, 'close');
    // fsync flushes the file, not just one descriptor, so a fresh one will do; 'r+' because
    // Windows flushes only through a handle opened for writing.
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    if (!out.closed) {
      const closed = once(out, 'close').catch(() => undefined);
      out.destroy();
      await closed;
    }
    await rm(temp, { force: true });
    throw e;
  }
}
