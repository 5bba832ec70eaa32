/**
 * The reconciliation report as an .xlsx workbook for finance staff, their manager and the auditor:
 * a summary sheet (who made it from what, control totals, per-category counts and amounts) and the
 * discrepancy list with the CSV report's columns: frozen bold header, autofilter, money as numbers
 * in `#,##0.00`, ids as text, column widths.
 *
 * Written as SpreadsheetML directly, streaming the rows through deflate into the zip
 * (zip-writer.ts), into a temporary file beside the target that is flushed and renamed into place
 * only once complete. Why not exceljs, which can do all of this: its streaming writer builds an
 * object per row and cell and needed 3.5–5.5 s and ~390 MB for a 100,000-item report here; this
 * writer needs a fraction of both. SheetJS community edition cannot freeze panes or bold text.
 * The part set is what Excel itself writes for such a workbook (checked by reading the result
 * back with exceljs, SheetJS and the project's own reader in the tests).
 */
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { escapeXmlAttribute, escapeXmlText } from '../../shared/xlsx/xml-text.ts';
import { CATEGORY_LABELS, reportToCsv } from '../../shared/recon/csv-report.ts';
import type { ReconcileItem, ReconcileReport } from '../../shared/recon/types.ts';
import { ZipWriter } from './zip-writer.ts';
import { isoToBeijing } from '../../shared/import/time.ts';
import { categoryTotals } from '../../shared/recon/category-totals.ts';
import { STATE_UPDATE_COLUMNS, type StateUpdate } from '../../shared/recon/state-updates.ts';

type Lang = 'zh-CN' | 'en';

/** A decision on an item, as the app records it (workspace exports only). */
export interface ReportDecision {
  status: 'open' | 'in-progress' | 'resolved';
  decision: string | null;
  note: string;
  by: string;
  atIso: string;
}

/** A decision's status in words, in the report and wherever a report describes what it holds. */
export const DECISION_STATUS_LABELS = {
  'zh-CN': { open: '未处理', 'in-progress': '处理中', resolved: '已处理' },
  en: { open: 'open', 'in-progress': 'in progress', resolved: 'resolved' },
} as const;

export interface XlsxReportOptions {
  lang: Lang;
  /**
   * From the app: each item's current decision (aligned with report.items; null when none), shown
   * in five more detail columns, and every decision ever recorded, in a sheet of its own.
   */
  decisions?: { current: readonly (ReportDecision | null)[]; log: readonly (ReportDecision & { outTradeNo: string | null; key: string })[] };
  /** What part of the result this is, when not all of it (the filters of the view exported). */
  scope?: string;
}

/** Bytes of sheet XML gathered into one chunk for deflate; between chunks the event loop turns. */
const CHUNK_BYTES = 256 * 1024;

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
    inputHeaders: ['角色', '文件', '大小（字节）', '类型', '账单类型', '版式', '行数', '完整性', '起始日期', '截止日期', 'SHA-256'],
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
    decisionHeaders: ['处理状态', '处理决定', '处理说明', '处理人', '处理时间'],
    statuses: DECISION_STATUS_LABELS['zh-CN'],
    logSheet: '处理记录',
    logHeaders: ['商户订单号', '差异键', '处理状态', '处理决定', '处理说明', '处理人', '处理时间'],
    scope: '导出范围',
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
    inputHeaders: ['Role', 'File', 'Size (bytes)', 'Kind', 'Bill type', 'Layout', 'Rows', 'Integrity', 'From', 'To', 'SHA-256'],
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
    decisionHeaders: ['resolution_status', 'decision', 'decision_note', 'decided_by', 'decided_at'],
    statuses: DECISION_STATUS_LABELS.en,
    logSheet: 'Decision log',
    logHeaders: ['out_trade_no', 'item_key', 'resolution_status', 'decision', 'decision_note', 'decided_by', 'decided_at'],
    scope: 'Scope',
  },
} as const;

// ---- Styles: indexes into cellXfs of styles.xml below.
const S_PLAIN = 0;
const S_BOLD = 1;
const S_MONEY = 2;
const S_TEXT = 3;
const S_TITLE = 4;
const S_BOLD_MONEY = 5;
const MONEY_FORMAT_ID = 164;
const TEXT_FORMAT_ID = 165;

function stylesXml(lang: Lang): string {
  // 等线 is the default font of Chinese Excel; Calibri of the others.
  const font = lang === 'zh-CN' ? '<name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/>' : '<name val="Calibri"/><family val="2"/><scheme val="minor"/>';
  return (
    XML_DECLARATION +
    `<styleSheet xmlns="${NS_MAIN}">` +
    `<numFmts count="2"><numFmt numFmtId="${MONEY_FORMAT_ID}" formatCode="#,##0.00"/><numFmt numFmtId="${TEXT_FORMAT_ID}" formatCode="@"/></numFmts>` +
    `<fonts count="3"><font><sz val="11"/>${font}</font><font><b/><sz val="11"/>${font}</font><font><b/><sz val="16"/>${font}</font></fonts>` +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="6">' +
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
    `<xf numFmtId="${MONEY_FORMAT_ID}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
    `<xf numFmtId="${TEXT_FORMAT_ID}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
    `<xf numFmtId="${MONEY_FORMAT_ID}" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>` +
    '</cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  );
}

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

type Cell = string | number | null;

/** Column letters: 1 → A, 27 → AA. */
function columnName(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}
const COLUMN_NAMES = Array.from({ length: 32 }, (_, i) => columnName(i + 1));

/**
 * Sheet XML written as UTF-8 bytes straight into chunk buffers: tags and numbers byte by byte,
 * text through one encode call. Building a string per row and encoding it made about four times
 * the garbage, and Node then grew the young generation by ~100 MB.
 */
class XmlBytes {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private readonly full: Buffer[] = [];

  /** Makes sure the next `bytes` bytes fit; the writes below do not check. */
  room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  /** ASCII only (tags, numbers, attribute values we make). */
  ascii(s: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  /** Already escaped text: ASCII byte by byte, the rest in one encode call. */
  escaped(e: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < e.length; i++) {
      const code = e.charCodeAt(i);
      if (code >= 0x80) {
        this.pos = pos + buf.write(i === 0 ? e : e.slice(i), pos, 'utf8');
        return;
      }
      buf[pos++] = code;
    }
    this.pos = pos;
  }

  /** The chunks filled so far (and, with `all`, the one being filled). */
  take(all = false): Buffer[] {
    if (all && this.pos > 0) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
      this.pos = 0;
    }
    return this.full.splice(0);
  }
}

/** Leading or trailing white space, or a line break: the text needs xml:space="preserve". */
function needsPreserve(v: string): boolean {
  return v.length > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32 || v.indexOf('\n') >= 0);
}

/** Bytes a cell's markup takes besides its content (the longest form: inline text, preserved space). */
const CELL_MARKUP_BYTES = 96;

/** One row of cells; `styles[i]` per cell (0 leaves the attribute out). Empty cells are left out. */
function writeRow(w: XmlBytes, rowNumber: number, cells: readonly Cell[], styles: readonly number[]): void {
  const r = String(rowNumber);
  w.room(32);
  w.ascii('<row r="');
  w.ascii(r);
  w.ascii('">');
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v === null || v === undefined) continue;
    const s = styles[i] ?? 0;
    if (typeof v === 'number') {
      const n = String(v);
      w.room(CELL_MARKUP_BYTES + n.length);
      w.ascii('<c r="');
      w.ascii(COLUMN_NAMES[i]!);
      w.ascii(r);
      w.ascii(STYLE_ATTR[s]!);
      w.ascii('><v>');
      w.ascii(n);
      w.ascii('</v></c>');
    } else {
      const e = escapeXmlText(v);
      // A UTF-16 unit takes at most 3 bytes of UTF-8.
      w.room(CELL_MARKUP_BYTES + 3 * e.length);
      w.ascii('<c r="');
      w.ascii(COLUMN_NAMES[i]!);
      w.ascii(r);
      w.ascii(STYLE_ATTR[s]!);
      // Inline text is text, never a formula, whatever it begins with.
      w.ascii(needsPreserve(v) ? ' t="inlineStr"><is><t xml:space="preserve">' : ' t="inlineStr"><is><t>');
      w.escaped(e);
      w.ascii('</t></is></c>');
    }
  }
  w.room(8);
  w.ascii('</row>');
}
const STYLE_ATTR = ['"', '" s="1"', '" s="2"', '" s="3"', '" s="4"', '" s="5"'];

interface SheetSpec {
  widths: readonly number[];
  /** Default style per column (also applies to what the user types later). */
  columnStyles?: readonly number[];
  /** Freeze the first row and filter on it. */
  header?: { lastRow: number };
  selected?: boolean;
}

async function* sheetXml(spec: SheetSpec, rows: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncGenerator<string | Buffer> {
  const cols = spec.widths
    .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}"${spec.columnStyles?.[i] ? ` style="${spec.columnStyles[i]}"` : ''} customWidth="1"/>`)
    .join('');
  const view = spec.header
    ? `<sheetView workbookViewId="0"${spec.selected ? ' tabSelected="1"' : ''}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>`
    : `<sheetView workbookViewId="0"${spec.selected ? ' tabSelected="1"' : ''}/>`;
  yield XML_DECLARATION + `<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>`;
  for await (const chunk of rows) yield chunk;
  const last = COLUMN_NAMES[spec.widths.length - 1]!;
  yield '</sheetData>' + (spec.header ? `<autoFilter ref="A1:${last}${spec.header.lastRow}"/>` : '') + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
}

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

/** The summary sheet's rows as [cells, styles]. */
function summaryRows(report: ReconcileReport, lang: Lang, scope?: string): [Cell[], number[]][] {
  const t = TEXT[lang];
  const { summary, meta } = report;
  const rows: [Cell[], number[]][] = [];
  const add = (cells: Cell[], styles: number[] = []) => rows.push([cells, styles]);
  const bold = (cells: Cell[]) => add(cells, cells.map(() => S_BOLD));
  const money = (...columns: number[]) => {
    const styles: number[] = [];
    for (const c of columns) styles[c - 1] = S_MONEY;
    return styles;
  };

  add([t.title], [S_TITLE]);
  add([]);
  bold([t.made]);
  if (meta !== undefined) {
    add([t.generatedAt, meta.generatedAt]);
    add([t.tool, meta.tool]);
    add([t.lang, meta.lang]);
  }
  add([t.crossDay, summary.settings.crossDayWindowMinutes]);
  add([t.tolerance, yuan(summary.settings.amountToleranceFen)], money(2));
  if (scope !== undefined) add([t.scope, scope], [S_BOLD, S_BOLD]);
  add([]);

  if (meta !== undefined) {
    bold([t.inputs]);
    bold([...t.inputHeaders]);
    for (const f of meta.inputs) {
      add([t.roles[f.role], f.file, f.sizeBytes, f.kind, f.billType ?? null, f.layout ?? null, f.rows, f.integrity, f.dateRange?.[0] ?? null, f.dateRange?.[1] ?? null, f.sha256]);
    }
    add([]);
  }

  const { bill, ledger } = summary;
  bold([t.totals]);
  bold([...t.totalsHeaders]);
  add([t.files, bill.files, ledger.files]);
  add([t.rows, bill.rows, ledger.rows]);
  add([t.paidCount, bill.paidCount, ledger.paidCount]);
  add([t.paidAmount, yuan(bill.paidFen), yuan(ledger.paidFen)], money(2, 3));
  add([t.refundCount, bill.refundCount, null]);
  add([t.refundAmount, yuan(bill.refundFen), yuan(ledger.refundFen)], money(2, 3));
  add([t.days, bill.days.join(', '), null]);
  add([t.difference, yuan(summary.differenceFen)], [S_BOLD, S_BOLD_MONEY]);
  if (summary.query !== undefined) {
    add([`${t.query}: ${t.queried}`, summary.query.queried]);
    add([`${t.query}: ${t.failed}`, summary.query.failed]);
  }
  add([]);

  // Integer fen sums are exact; the division to yuan happens once per total.
  const perCategory = categoryTotals(report.items);
  bold([t.categories]);
  bold([...t.categoryHeaders]);
  let billFen = 0;
  let ledgerFen = 0;
  for (const [category, totals] of perCategory) {
    billFen += totals.billFen;
    ledgerFen += totals.ledgerFen;
    add([categoryLabel(category, lang), totals.count, yuan(totals.billFen), yuan(totals.ledgerFen)], money(3, 4));
  }
  add([t.itemsTotal, report.items.length, yuan(billFen), yuan(ledgerFen)], [S_BOLD, S_BOLD, S_BOLD_MONEY, S_BOLD_MONEY]);
  add([t.matched, summary.counts.matched]);
  return rows;
}

function detailValues(item: ReconcileItem, lang: Lang): Cell[] {
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

/** Wide enough for what each column holds: out_trade_no up to 32 characters, 28-digit transaction ids. */
const DETAIL_WIDTHS = [16, 34, 31, 14, 14, 12, 12, 16, 14, 14, 20, 20, 60, 26, 26, 36];
const DETAIL_STYLES = [S_PLAIN, S_TEXT, S_TEXT, S_MONEY, S_MONEY, S_PLAIN, S_PLAIN, S_PLAIN, S_MONEY, S_MONEY, S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN, S_TEXT];

/** A decision's five cells (status, decision, note, by, at in Beijing time, as the app shows it). */
function decisionValues(d: ReportDecision | null, lang: Lang): Cell[] {
  if (d === null) return [TEXT[lang].statuses.open, null, null, null, null];
  return [TEXT[lang].statuses[d.status], d.decision, d.note === '' ? null : d.note, d.by === '' ? null : d.by, isoToBeijing(d.atIso)];
}
const DECISION_WIDTHS = [10, 18, 40, 12, 20];
const DECISION_STYLES = [S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN];

/** The detail sheet's rows as UTF-8 chunks, handed on as each chunk fills. */
async function* detailRows(report: ReconcileReport, lang: Lang, decisions?: XlsxReportOptions['decisions']): AsyncGenerator<Buffer> {
  const w = new XmlBytes();
  const headers = [...csvHeaders(report, lang), ...TEXT[lang].extraHeaders, ...(decisions ? TEXT[lang].decisionHeaders : [])];
  writeRow(w, 1, headers, headers.map(() => S_BOLD));
  const styles = decisions ? [...DETAIL_STYLES, ...DECISION_STYLES] : DETAIL_STYLES;
  let row = 1;
  for (const item of report.items) {
    const values = detailValues(item, lang);
    if (decisions) values.push(...decisionValues(decisions.current[row - 1] ?? null, lang));
    writeRow(w, ++row, values, styles);
    // The consumer (deflate, then the file) takes each chunk on a later turn of the event loop,
    // so the Electron main process keeps answering the window while this runs.
    for (const chunk of w.take()) yield chunk;
  }
  for (const chunk of w.take(true)) yield chunk;
}

interface WorkbookSheet {
  name: string;
  spec: SheetSpec;
  rows: AsyncIterable<string | Buffer> | Iterable<string | Buffer>;
}

interface WorkbookMeta {
  title: string;
  creator: string;
  /** ISO 8601. */
  created: string;
  lang: Lang;
}

function workbookParts(sheets: readonly WorkbookSheet[], meta: WorkbookMeta): Record<string, string> {
  const overrides = sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${CT}.spreadsheetml.worksheet+xml"/>`).join('');
  const filters = sheets
    .map((sheet, i) =>
      sheet.spec.header === undefined
        ? ''
        : `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${escapeXmlText(`'${sheet.name.replaceAll("'", "''")}'!$A$1:$${COLUMN_NAMES[sheet.spec.widths.length - 1]}$${sheet.spec.header.lastRow}`)}</definedName>`,
    )
    .join('');
  return {
    '[Content_Types].xml':
      XML_DECLARATION +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      `<Override PartName="/xl/workbook.xml" ContentType="${CT}.spreadsheetml.sheet.main+xml"/>${overrides}` +
      `<Override PartName="/xl/styles.xml" ContentType="${CT}.spreadsheetml.styles+xml"/>` +
      '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
      `<Override PartName="/docProps/app.xml" ContentType="${CT}.extended-properties+xml"/></Types>`,
    '_rels/.rels':
      XML_DECLARATION +
      `<Relationships xmlns="${NS_PKG_REL}">` +
      `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>` +
      `<Relationship Id="rId2" Type="${NS_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>` +
      `<Relationship Id="rId3" Type="${NS_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`,
    'docProps/core.xml':
      XML_DECLARATION +
      '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<dc:title>${escapeXmlText(meta.title)}</dc:title><dc:creator>${escapeXmlText(meta.creator)}</dc:creator>` +
      `<dcterms:created xsi:type="dcterms:W3CDTF">${escapeXmlText(meta.created)}</dcterms:created></cp:coreProperties>`,
    'docProps/app.xml': XML_DECLARATION + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>wxrecon</Application></Properties>`,
    'xl/workbook.xml':
      XML_DECLARATION +
      `<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>` +
      sheets.map((sheet, i) => `<sheet name="${escapeXmlAttribute(sheet.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
      `</sheets>${filters === '' ? '' : `<definedNames>${filters}</definedNames>`}</workbook>`,
    'xl/_rels/workbook.xml.rels':
      XML_DECLARATION +
      `<Relationships xmlns="${NS_PKG_REL}">` +
      sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
      `<Relationship Id="rId${sheets.length + 1}" Type="${NS_REL}/styles" Target="styles.xml"/></Relationships>`,
    'xl/styles.xml': stylesXml(meta.lang),
  };
}

/** Writes a workbook to a temporary file beside `path`, flushes it, and renames it into place. */
async function writeWorkbook(path: string, sheets: readonly WorkbookSheet[], meta: WorkbookMeta): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  // Fails here, before anything is written, when the folder is missing or unwritable.
  // Level 3: within a tenth of level 6's size, and deflate keeps pace with the rows.
  const zip = await ZipWriter.create(temp, { exclusive: true, level: 3 });
  try {
    const parts = workbookParts(sheets, meta);
    for (const name of ['[Content_Types].xml', '_rels/.rels', 'docProps/core.xml', 'docProps/app.xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml']) {
      await zip.addEntry(name, parts[name]!);
    }
    for (const [i, sheet] of sheets.entries()) await zip.addEntry(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(sheet.spec, sheet.rows));
    // Flushed to disk before the rename, so a crash never leaves a half report under the name.
    await zip.finish({ sync: true });
    await rename(temp, path);
  } catch (e) {
    await zip.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
}

export async function writeXlsxReport(path: string, report: ReconcileReport, options: XlsxReportOptions): Promise<void> {
  const { lang } = options;
  const t = TEXT[lang];
  const summary = new XmlBytes();
  summaryRows(report, lang, options.scope).forEach(([cells, styles], i) => writeRow(summary, i + 1, cells, styles));
  const { decisions } = options;
  const sheets: WorkbookSheet[] = [
    { name: t.summarySheet, spec: { widths: [34, 40, 18, 18, 12, 12, 12, 12, 12, 12, 68], selected: true }, rows: summary.take(true) },
    {
      name: t.detailSheet,
      spec: decisions
        ? { widths: [...DETAIL_WIDTHS, ...DECISION_WIDTHS], columnStyles: [...DETAIL_STYLES, ...DECISION_STYLES], header: { lastRow: report.items.length + 1 } }
        : { widths: DETAIL_WIDTHS, columnStyles: DETAIL_STYLES, header: { lastRow: report.items.length + 1 } },
      rows: detailRows(report, lang, decisions),
    },
  ];
  if (decisions) {
    // Every decision as recorded, oldest first: the trail an auditor follows.
    const log = new XmlBytes();
    const logStyles = [S_TEXT, S_TEXT, ...DECISION_STYLES];
    writeRow(log, 1, [...t.logHeaders], t.logHeaders.map(() => S_BOLD));
    decisions.log.forEach((d, i) => writeRow(log, i + 2, [d.outTradeNo, d.key, ...decisionValues(d, lang)], logStyles));
    sheets.push({ name: t.logSheet, spec: { widths: [34, 40, ...DECISION_WIDTHS], columnStyles: logStyles, header: { lastRow: decisions.log.length + 1 } }, rows: log.take(true) });
  }
  await writeWorkbook(
    path,
    sheets,
    { title: t.title, creator: report.meta?.tool ?? 'wxrecon', created: report.meta?.generatedAt ?? new Date(0).toISOString(), lang },
  );
}

/** The state-update list (shared/recon/state-updates.ts) as a one-sheet workbook, ids as text. */
export async function writeStateUpdatesXlsx(path: string, updates: readonly StateUpdate[], lang: Lang, generatedAt: string): Promise<void> {
  const w = new XmlBytes();
  const headers = [...STATE_UPDATE_COLUMNS];
  writeRow(w, 1, headers, headers.map(() => S_BOLD));
  const styles = [S_TEXT, S_TEXT, S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN, S_PLAIN];
  updates.forEach((u, i) => writeRow(w, i + 2, [u.outTradeNo, u.transactionId, u.ledgerState, u.newState, u.amountFen, u.refundFen, u.wechatState, u.successTime, u.reason], styles));
  await writeWorkbook(
    path,
    [{ name: lang === 'zh-CN' ? '交易状态更新' : 'State updates', spec: { widths: [34, 31, 14, 18, 12, 12, 16, 26, 80], columnStyles: styles, header: { lastRow: updates.length + 1 }, selected: true }, rows: w.take(true) }],
    { title: lang === 'zh-CN' ? '交易状态更新' : 'Trade state updates', creator: 'wxrecon', created: generatedAt, lang },
  );
}
