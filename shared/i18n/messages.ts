/**
 * Every message a finance user may see about a file, in Simplified Chinese and English, keyed by
 * the stable codes the importers emit. The words say what happened and what to do about it.
 */
import type { ImportWarning } from '../import/warnings.ts';
import { fenToYuanText, milliFenToYuanText } from '../money/format.ts';

export type Lang = 'zh-CN' | 'en';

type Params = Readonly<Record<string, string | number>>;
type Entry = { 'zh-CN': string; en: string };

const DAMAGE: Record<string, Entry> = {
  scientific: { 'zh-CN': '被改成了科学计数法', en: 'was turned into scientific notation' },
  'precision-lost': { 'zh-CN': '超过 15 位的数字被表格软件截断', en: 'lost its digits beyond the 15th' },
  'leading-zeros-lost': { 'zh-CN': '开头的 0 被去掉了', en: 'lost its leading zeros' },
};

const FIELD_NAMES: Record<string, Entry> = {
  count: { 'zh-CN': '总笔数', en: 'count' },
  settlementTotalFen: { 'zh-CN': '应结订单总金额', en: 'settlement total' },
  refundTotalFen: { 'zh-CN': '退款总金额', en: 'refund total' },
  rechargeCouponRefundTotalFen: { 'zh-CN': '充值券退款总金额', en: 'recharge-coupon refund total' },
  couponRefundTotalFen: { 'zh-CN': '代金券退款总金额', en: 'coupon refund total' },
  feeTotalMilliFen: { 'zh-CN': '手续费总金额', en: 'fee total' },
  orderTotalFen: { 'zh-CN': '订单总金额', en: 'order total' },
  refundRequestTotalFen: { 'zh-CN': '申请退款总金额', en: 'refund request total' },
  incomeCount: { 'zh-CN': '收入笔数', en: 'income count' },
  incomeFen: { 'zh-CN': '收入金额', en: 'income' },
  expenseCount: { 'zh-CN': '支出笔数', en: 'expense count' },
  expenseFen: { 'zh-CN': '支出金额', en: 'expense' },
  neutralCount: { 'zh-CN': '中性交易笔数', en: 'neutral count' },
  neutralFen: { 'zh-CN': '中性交易金额', en: 'neutral amount' },
  amountTotalFen: { 'zh-CN': '金额合计', en: 'amount total' },
  paidCount: { 'zh-CN': '已支付笔数', en: 'paid count' },
  paidFen: { 'zh-CN': '已支付金额', en: 'paid amount' },
};

const MONEY_REASON: Record<string, Entry> = {
  'not-a-number': { 'zh-CN': '不是数字', en: 'not a number' },
  'too-precise': { 'zh-CN': '小数位数超出，无法精确表示', en: 'has more decimals than the amount allows' },
  'too-large': { 'zh-CN': '数值过大', en: 'too large' },
  empty: { 'zh-CN': '为空', en: 'empty' },
};

const MESSAGES: Record<string, Entry> = {
  // Warnings
  'more-rows': { 'zh-CN': '另有 {count} 行存在同类问题（{of}），未逐行列出', en: '{count} more rows have the same problem ({of})' },
  'unknown-column': { 'zh-CN': '未知列“{column}”：已保留，但不参与对账', en: 'Unknown column "{column}": kept, not used for reconciliation' },
  'unknown-layout': { 'zh-CN': '账单列布局（{columns} 列）与已知格式不完全一致，已按列名读取', en: 'The column layout ({columns} columns) is not one WeChat is known to use; columns were read by name' },
  'missing-column': { 'zh-CN': '缺少“{column}”列', en: 'Column "{column}" is missing' },
  'content-after-summary': { 'zh-CN': '汇总行之后还有内容，已忽略', en: 'Content after the summary lines was ignored' },
  'unknown-summary-column': { 'zh-CN': '汇总行中有未知字段“{column}”', en: 'Unknown summary field "{column}"' },
  'invalid-summary-value': { 'zh-CN': '汇总行的“{column}”无法读取：“{value}”{reason}', en: 'Summary field "{column}" cannot be read: "{value}" is {reason}' },
  'invalid-amount': { 'zh-CN': '“{column}”的值“{value}”{reason}，该行未计入合计', en: '"{column}" value "{value}" is {reason}; the row is left out of the totals' },
  'excel-mangled-id': {
    'zh-CN': '“{column}”的值“{value}”{damage}，不能用于匹配。请重新下载原始账单，或在表格软件中把该列设为“文本”后再导出',
    en: '"{column}" value "{value}" {damage} and cannot be matched. Download the original file again, or set the column to Text in the spreadsheet before exporting',
  },
  'field-count': { 'zh-CN': '该行有 {found} 个字段，表头有 {expected} 个：该行未读取（不会错位读取）', en: 'This row has {found} fields where the header has {expected}; it was not read (never shifted)' },
  'backticks-missing': {
    'zh-CN': '账单字段缺少微信账单特有的 ` 前缀，说明文件被表格软件改动过；长单号可能已损坏',
    en: 'Bill fields lack the backtick prefix WeChat writes, so the file went through a spreadsheet program; long ids may be damaged',
  },
  'invalid-time': { 'zh-CN': '“{column}”的时间“{value}”无法识别', en: '"{column}" time "{value}" cannot be read' },
  'time-precision-lost': { 'zh-CN': '“{column}”的时间“{value}”缺少秒，可能被表格软件改过格式', en: '"{column}" time "{value}" has no seconds; a spreadsheet program may have reformatted it' },
  'unknown-trade-state': { 'zh-CN': '未知的交易状态“{value}”：已保留，请核实', en: 'Unknown trade state "{value}": kept; please check it' },
  'ids-not-all-checked': { 'zh-CN': '转换过的单号太多，只检查了前 {checked} 个是否丢失开头的 0', en: 'Only the first {checked} converted ids were checked for lost leading zeros' },
  'summary-mismatch': {
    'zh-CN': '汇总行的{field}为 {declared}，明细合计为 {computed}：文件不完整或被修改过',
    en: 'The summary says {field} is {declared}, the rows add up to {computed}: the file is incomplete or was edited',
  },
  'unknown-direction': { 'zh-CN': '未知的收支类型“{value}”', en: 'Unknown direction "{value}"' },
  'mapping-column-missing': { 'zh-CN': '映射文件指定的列“{column}”（{field}）在表头中不存在', en: 'The mapping names column "{column}" for {field}, but the header has no such column' },
  'ledger-no-amount': { 'zh-CN': '台账没有金额列（可识别：订单金额、金额、实付金额、支付金额、金额(分)），无法核对金额', en: 'The ledger has no amount column (recognised: 订单金额, 金额, 实付金额, 支付金额, amount, 金额(分)); amounts cannot be checked' },
  'ledger-no-state': { 'zh-CN': '台账没有状态列，所有订单按“已支付”处理', en: 'The ledger has no state column; every order is taken as paid' },
  'ledger-missing-key': { 'zh-CN': '该行没有订单号，未读取', en: 'This row has no order number and was not read' },
  'ledger-amount-conflict': { 'zh-CN': '金额(分)为 {fen}，元金额换算为 {yuanFen} 分，两者不一致，以“分”列为准', en: 'The fen column says {fen}, the yuan column {yuanFen} fen; the fen column is used' },
  'unknown-ledger-state': {
    'zh-CN': '无法识别的订单状态“{value}”：请在映射文件的 states 中说明它的含义',
    en: 'Unrecognised order state "{value}": say what it means in the mapping file\'s "states"',
  },
  'ledger-total-row': { 'zh-CN': '合计行已识别，用于核对金额总数，不作为订单', en: 'A total row was found; it is used to check the amount total, not read as an order' },
  'title-rows-skipped': { 'zh-CN': '表头上方的 {rows} 行标题已跳过', en: '{rows} title rows above the header were skipped' },
  'encoding-guessed': { 'zh-CN': '文件不是 UTF-8 编码，已按 GBK/GB18030 读取（Excel 或 WPS 另存的 CSV 常见）', en: 'The file is not UTF-8; it was read as GBK/GB18030 (typical of a CSV re-saved by Excel or WPS)' },
  'encoding-switched': { 'zh-CN': '从该行起出现非 UTF-8 内容，已改按 GBK/GB18030 读取', en: 'Non-UTF-8 bytes from this row on; the file is read as GBK/GB18030' },
  'encoding-invalid-bytes': { 'zh-CN': '该行有不是 UTF-8 的字节，已显示为 �：这个文件可能是 GBK 编码，请在预览中改选编码', en: 'This row has bytes that are not UTF-8 (shown as �): the file may be GBK; choose the encoding in the preview' },
  'other-sheets': { 'zh-CN': '已读取工作表“{sheet}”，其他工作表未读取：{others}', en: 'Read sheet "{sheet}"; other sheets were not read: {others}' },
  'gzip-trailing-data': { 'zh-CN': '压缩文件末尾有多余数据，已忽略', en: 'Extra data after the compressed bill was ignored' },
  'personal-bill': {
    'zh-CN': '这是个人微信支付账单明细（微信 App 导出），不是商户交易账单。请登录商户平台下载“交易账单”，或用 API 下载',
    en: 'This is a personal WeChat Pay statement (exported from the WeChat app), not a merchant trade bill. Download the trade bill from the merchant platform or through the API',
  },
  'fund-flow-not-trade-bill': {
    'zh-CN': '这是资金账单，不是交易账单。对账需要商户平台的“交易账单”',
    en: 'This is a fund-flow bill, not a trade bill. Reconciliation needs the trade bill',
  },
  'ledger-not-trade-bill': {
    'zh-CN': '这是商户自己的台账，不是微信支付交易账单。请把它作为台账导入（--ledger）',
    en: 'This is the merchant\'s own ledger, not a WeChat Pay trade bill. Import it as the ledger (--ledger)',
  },
  'not-a-trade-bill': { 'zh-CN': '这不是微信支付交易账单', en: 'This is not a WeChat Pay trade bill' },
  'trade-bill-not-ledger': {
    'zh-CN': '这是微信支付的账单，不是商户自己的台账。请把它作为账单导入（--bill）',
    en: 'This is a WeChat Pay bill, not the merchant\'s ledger. Import it as the bill (--bill)',
  },
  'not-a-ledger': { 'zh-CN': '这不是可识别的台账', en: 'This is not a ledger wxrecon recognises' },
  // Errors: the file could not be read at all
  'no-header': { 'zh-CN': '前 {rows} 行中没有找到账单或台账的表头，这不是可识别的账单或台账', en: 'No bill or ledger header in the first {rows} rows: this is not a bill or ledger wxrecon recognises' },
  'no-rows': { 'zh-CN': '文件中没有任何内容行', en: 'The file has no rows' },
  'line-too-long': { 'zh-CN': '第 {line} 行超过 {maxBytes} 字节，不是账单或台账的行', en: 'Line {line} is longer than {maxBytes} bytes: not a bill or ledger row' },
  'too-many-fields': { 'zh-CN': '第 {line} 行超过 {max} 个字段，不是账单或台账', en: 'Line {line} has more than {max} fields: not a bill or ledger' },
  'file-not-found': { 'zh-CN': '找不到文件', en: 'File not found' },
  'not-a-file': { 'zh-CN': '这不是一个文件（可能是文件夹）', en: 'Not a file (a folder?)' },
  'empty-file': { 'zh-CN': '文件是空的（0 字节）。空账单日微信返回的是“No Bill Exist”，不是空文件', en: 'The file is empty (0 bytes)' },
  'binary-file': { 'zh-CN': '这是二进制文件，不是文本账单或表格', en: 'This is a binary file, not a text bill or spreadsheet' },
  'image-file': { 'zh-CN': '这是图片（{format}），不是账单', en: 'This is an image ({format}), not a bill' },
  'pdf-file': { 'zh-CN': '这是 PDF 文件。请下载 CSV 或 Excel 格式的账单', en: 'This is a PDF. Download the bill as CSV or Excel' },
  'archive-file': { 'zh-CN': '这是压缩包（{format}），请先解压，再导入里面的账单文件', en: 'This is an archive ({format}); extract it and import the bill inside' },
  'zip-not-workbook': { 'zh-CN': '这是 ZIP 压缩包，不是 Excel 工作簿。请先解压，再导入里面的账单文件', en: 'This is a zip archive, not an Excel workbook; extract it and import the bill inside' },
  'xlsx-corrupt': { 'zh-CN': 'Excel 文件已损坏，无法读取（{part}）', en: 'The Excel file is damaged and cannot be read ({part})' },
  'xlsx-encrypted': { 'zh-CN': 'Excel 文件设置了打开密码。请在 Excel 中取消密码后另存，再导入', en: 'The workbook is password-protected. Remove the password in Excel, save, and import again' },
  'xlsx-sheet-not-found': { 'zh-CN': '工作簿中没有名为“{sheet}”的工作表', en: 'The workbook has no sheet named "{sheet}"' },
  'xls-unreadable': { 'zh-CN': '无法读取旧版 .xls 文件：{reason}。请在 Excel 中另存为 .xlsx 或 CSV', en: 'Cannot read the legacy .xls file: {reason}. Save it as .xlsx or CSV in Excel' },
  'gzip-corrupt': { 'zh-CN': '.gz 压缩文件已损坏或不完整', en: 'The .gz file is damaged or incomplete' },
  'read-failed': { 'zh-CN': '读取文件失败：{reason}', en: 'Reading the file failed: {reason}' },
  'invalid-mapping': { 'zh-CN': '映射文件有误：{reason}', en: 'The mapping file is invalid: {reason}' },
  'file-too-large': { 'zh-CN': '文件超过 {maxBytes} 字节，无法读取', en: 'The file is larger than {maxBytes} bytes' },
};

/** Figures named by a `field` ending in Fen or MilliFen are money: show them in yuan. */
function figure(field: string | number | undefined, v: string | number): string {
  if (typeof v !== 'number' || typeof field !== 'string') return String(v);
  if (field.endsWith('MilliFen')) return milliFenToYuanText(v);
  if (field.endsWith('Fen')) return fenToYuanText(v);
  return String(v);
}

function fill(template: string, params: Params, lang: Lang): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = params[key];
    if (v === undefined) return '';
    if (key === 'declared' || key === 'computed') return figure(params.field, v);
    if (key === 'damage') return DAMAGE[String(v)]?.[lang] ?? String(v);
    if (key === 'field') return FIELD_NAMES[String(v)]?.[lang] ?? String(v);
    if (key === 'reason') return MONEY_REASON[String(v)]?.[lang] ?? String(v);
    return String(v);
  });
}

/** A totals key (`settlementTotalFen`) as a finance user calls it. */
export function fieldLabel(key: string, lang: Lang): string {
  return FIELD_NAMES[key]?.[lang] ?? key;
}

export function hasMessage(code: string): boolean {
  return code in MESSAGES;
}

/** The message for a code; an unknown code still reads sensibly. */
export function renderMessage(code: string, params: Params, lang: Lang): string {
  const entry = MESSAGES[code];
  if (entry === undefined) return code;
  return fill(entry[lang], params, lang);
}

export function renderWarning(w: ImportWarning, lang: Lang): string {
  const params: Record<string, string | number> = { ...(w.params ?? {}) };
  if (w.column !== undefined && params.column === undefined) params.column = w.column;
  if (w.count !== undefined) params.count = w.count;
  return renderMessage(w.code, params, lang);
}
