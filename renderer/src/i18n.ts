/**
 * The UI's words, Simplified Chinese by default and English, and the words for each stable error
 * code the main process answers with. Components take `t` from useI18n(); nothing else translates.
 */
import type { AppErrorCode } from '../../shared/ipc/result.ts';

export type UiLang = 'zh-CN' | 'en';

const zh = {
  appName: '微信支付对账台',
  home: '首页', merchants: '商户', newRecon: '新建对账', workspace: '对账工作区',
  darkMode: '深色模式', language: 'English',
  recent: '最近的对账', noRecent: '还没有对账工作区', inTransit: '在途事项', noTransit: '没有在途事项',
  openDemo: '打开演示', demoTitle: '第一次使用？', demoText: '用内置模拟器扮演微信支付，体验从下载账单、核对、实时查询到导出报告的完整流程，无需任何密钥。',
  open: '打开', del: '删除', daysOpen: '已挂 {n} 天', since: '自 {d}',
  reasonCrossDay: '跨日在途', reasonNotFinal: '状态未最终确定', reasonRefundProcessing: '退款处理中',
  bills: '微信账单', ledgers: '商户台账', pickFiles: '选择文件…', addPath: '添加', pathPlaceholder: '或粘贴文件路径',
  inspect: '识别', kind: '类型', billType: '账单类型', layout: '版式', encoding: '编码', rows: '行数', dateRange: '日期', integrity: '汇总核对', warnings: '提示',
  integrityOk: '一致', integrityMismatch: '不一致', integrityNone: '无汇总行',
  encodingAuto: '自动', encodingGbk: 'GBK', encodingChosen: '已指定', encodingHint: '文字是乱码？换一种编码再看预览', preview: '内容预览', previewLine: '行', editMapping: '编辑映射', mapColumns: '映射列', reconcileCancelled: '核对已取消，没有保存任何结果',
  dropHere: '把微信账单和商户台账拖到这里，可一次拖入多个，自动识别哪个是账单、哪个是台账', dropNoPath: '拖入的不是本机文件，请用“选择文件…”',
  kindTradeBill: '交易账单', kindFundFlow: '资金账单', kindPersonal: '个人账单（不是商户账单）', kindLedger: '商户台账', kindUnknown: '无法识别',
  name: '名称', merchant: '商户', noMerchant: '不查询实时状态', settings: '设置', crossDayWindow: '日切窗口（分钟）', tolerance: '金额容差（分）',
  createAndRun: '开始核对', reading: '读取文件', reconciling: '逐单核对', writing: '保存结果', done: '完成',
  discrepancies: '差异', summary: '汇总', export: '导出', queryLive: '查询实时状态', pause: '暂停', resume: '继续', cancel: '取消',
  queryProgress: '实时查询 {done}/{total}，{rate} 笔/秒{eta}', etaText: '，约 {s} 秒',
  category: '类别', orderNo: '商户订单号', transactionId: '微信订单号', billAmount: '微信金额', ledgerAmount: '台账金额', liveState: '实时状态', time: '时间', explanation: '说明', action: '建议', status: '处理状态',
  search: '搜索订单号或微信订单号', allCategories: '全部类别', allStatuses: '全部状态',
  sortCategory: '按类别', sortAmountDesc: '金额从大到小', sortAmountAsc: '金额从小到大', sortTimeAsc: '时间从早到晚', sortTimeDesc: '时间从晚到早',
  statusOpen: '未处理', statusInProgress: '处理中', statusResolved: '已处理',
  resolve: '处理', decision: '处理决定', note: '处理说明', noteRequired: '标记为已处理需要填写处理说明', by: '处理人', save: '保存', lockedBy: '已由 {by} 于 {at} 处理',
  selected: '已选 {n} 项', resolveSelected: '批量处理',
  billSide: '微信账单', ledgerSide: '商户台账', liveSide: '实时查询', queriedAt: '查询时间', requestId: 'Request-ID', none: '无',
  controlTotals: '控制总额', paidCount: '支付笔数', paidAmount: '支付金额', refundCount: '退款笔数', refundAmount: '退款金额', difference: '支付金额差（账单 − 台账）', matched: '一致',
  itemCount: '笔数', billAmountSum: '微信金额合计', ledgerAmountSum: '台账金额合计', trendByDay: '各日差异与未处理', byCategoryChart: '各类差异笔数',
  byCategory: '各类差异', exportReport: '导出对账报告（Excel）', exported: '已导出：{path}',
  exportAll: '整个工作区（{n} 条差异）', exportView: '仅当前视图（按差异页的筛选、搜索和排序，{n} 条）', exportViewHint: '在“差异”页筛选或搜索后，可以只导出当前视图。',
  exportContents: '报告含汇总（控制总额、各类差异）、差异明细（含处理状态、决定、说明、处理人和时间）和全部处理记录。', viewSuffix: '（当前视图）',
  items: '{n} 条', empty: '没有差异', loading: '加载中…',
  merchantName: '商户名称', mchid: '商户号', appid: 'AppID', api: '接口版本', baseUrl: '接口地址', certSerialNo: '商户证书序列号', publicKeyId: '微信支付公钥 ID',
  apiV2Key: 'APIv2 密钥', apiV3Key: 'APIv3 密钥', privateKey: '商户 API 私钥', publicKey: '微信支付公钥', platformCert: '平台证书', importKey: '导入…', keySet: '已设置', keyNotSet: '未设置',
  spMchid: '服务商商户号', subMchid: '特约商户号', testConnection: '测试连接', connectionOk: '连接正常', addMerchant: '添加商户', edit: '编辑', demoMerchant: '演示商户',
  vaultWeak: '本机没有系统钥匙串：密钥只在本次运行中保存，关闭后需重新输入。', vaultOs: '密钥由系统钥匙串加密保存。', vaultNone: '本机无法加密保存密钥，只能在本次运行中使用。',
  error: '出错了',
};

export type Messages = typeof zh;

const en: Messages = {
  appName: 'WeChat Pay reconciliation desk',
  home: 'Home', merchants: 'Merchants', newRecon: 'New reconciliation', workspace: 'Workspace',
  darkMode: 'Dark mode', language: '中文',
  recent: 'Recent reconciliations', noRecent: 'No workspaces yet', inTransit: 'In transit', noTransit: 'Nothing in transit',
  openDemo: 'Open the demo', demoTitle: 'First time here?', demoText: 'The built-in simulator plays WeChat Pay: download a bill, reconcile, query live states and export the report, with no keys.',
  open: 'Open', del: 'Delete', daysOpen: 'open {n} {n|day|days}', since: 'since {d}',
  reasonCrossDay: 'Cross-day', reasonNotFinal: 'State not final', reasonRefundProcessing: 'Refund processing',
  bills: 'WeChat bills', ledgers: 'Ledgers', pickFiles: 'Choose files…', addPath: 'Add', pathPlaceholder: 'or paste a file path',
  inspect: 'Detected', kind: 'Kind', billType: 'Bill type', layout: 'Layout', encoding: 'Encoding', rows: 'Rows', dateRange: 'Dates', integrity: 'Summary check', warnings: 'Warnings',
  integrityOk: 'agrees', integrityMismatch: 'disagrees', integrityNone: 'no summary line',
  encodingAuto: 'Auto', encodingGbk: 'GBK', encodingChosen: 'chosen', encodingHint: 'Garbled text? Try another encoding and look at the preview', preview: 'Preview', previewLine: 'Line', editMapping: 'Edit mapping', mapColumns: 'Map columns', reconcileCancelled: 'Reconciliation cancelled; nothing was saved',
  dropHere: 'Drop WeChat bills and ledgers here, several at once: each is recognised as a bill or a ledger', dropNoPath: 'What was dropped is not a file on this computer; use "Choose files…"',
  kindTradeBill: 'Trade bill', kindFundFlow: 'Fund-flow bill', kindPersonal: 'Personal statement (not a merchant bill)', kindLedger: 'Ledger', kindUnknown: 'Not recognised',
  name: 'Name', merchant: 'Merchant', noMerchant: 'No live queries', settings: 'Settings', crossDayWindow: 'Cut-off window (minutes)', tolerance: 'Amount tolerance (fen)',
  createAndRun: 'Reconcile', reading: 'Reading files', reconciling: 'Reconciling', writing: 'Saving', done: 'Done',
  discrepancies: 'Discrepancies', summary: 'Summary', export: 'Export', queryLive: 'Query live states', pause: 'Pause', resume: 'Resume', cancel: 'Cancel',
  queryProgress: 'Live queries {done}/{total}, {rate}/s{eta}', etaText: ', about {s} s left',
  category: 'Category', orderNo: 'Order no.', transactionId: 'Transaction id', billAmount: 'WeChat amount', ledgerAmount: 'Ledger amount', liveState: 'Live state', time: 'Time', explanation: 'Explanation', action: 'Suggested action', status: 'Status',
  search: 'Search order no. or transaction id', allCategories: 'All categories', allStatuses: 'All statuses',
  sortCategory: 'By category', sortAmountDesc: 'Amount, largest first', sortAmountAsc: 'Amount, smallest first', sortTimeAsc: 'Time, earliest first', sortTimeDesc: 'Time, latest first',
  statusOpen: 'Open', statusInProgress: 'In progress', statusResolved: 'Resolved',
  resolve: 'Resolve', decision: 'Decision', note: 'Note', noteRequired: 'Resolving needs a note', by: 'By', save: 'Save', lockedBy: 'Resolved by {by} at {at}',
  selected: '{n} selected', resolveSelected: 'Resolve selected',
  billSide: 'WeChat bill', ledgerSide: 'Ledger', liveSide: 'Live query', queriedAt: 'Queried at', requestId: 'Request-ID', none: 'none',
  controlTotals: 'Control totals', paidCount: 'Payments', paidAmount: 'Paid', refundCount: 'Refunds', refundAmount: 'Refunded', difference: 'Paid difference (bill − ledger)', matched: 'Matched',
  itemCount: 'Items', billAmountSum: 'WeChat amount', ledgerAmountSum: 'Ledger amount', trendByDay: 'Discrepancies and open items by day', byCategoryChart: 'Items by category',
  byCategory: 'Discrepancies by category', exportReport: 'Export the report (Excel)', exported: 'Exported: {path}',
  exportAll: 'The whole workspace ({n} {n|discrepancy|discrepancies})', exportView: 'The current view only (the filters, search and order of the Discrepancies tab: {n})', exportViewHint: 'Filter or search on the Discrepancies tab to export only what it shows.',
  exportContents: 'The report has the summary (control totals, discrepancies by category), the discrepancies with their status, decision, note, who and when, and every decision recorded.', viewSuffix: ' (view)',
  items: '{n} {n|item|items}', empty: 'No discrepancies', loading: 'Loading…',
  merchantName: 'Name', mchid: 'Merchant id', appid: 'AppID', api: 'API version', baseUrl: 'API base URL', certSerialNo: 'Certificate serial', publicKeyId: 'WeChat Pay public key id',
  apiV2Key: 'APIv2 key', apiV3Key: 'APIv3 key', privateKey: 'API private key', publicKey: 'WeChat Pay public key', platformCert: 'Platform certificate', importKey: 'Import…', keySet: 'set', keyNotSet: 'not set',
  spMchid: 'Service provider id', subMchid: 'Sub-merchant id', testConnection: 'Test connection', connectionOk: 'Connection works', addMerchant: 'Add merchant', edit: 'Edit', demoMerchant: 'Demo merchant',
  vaultWeak: 'No system keychain on this machine: keys are kept for this session only and must be entered again after closing.', vaultOs: 'Keys are encrypted by the system keychain.', vaultNone: 'Keys cannot be encrypted here: they are kept for this session only.',
  error: 'Error',
};

export const MESSAGES: Record<UiLang, Messages> = { 'zh-CN': zh, en };

/** The words for a reconciliation's phase (the progress of reading, reconciling, saving). */
export function phaseText(t: Messages, phase: 'reading' | 'reconciling' | 'writing' | 'done'): string {
  return { reading: t.reading, reconciling: t.reconciling, writing: t.writing, done: t.done }[phase];
}

/** A message with `{name}` filled in. */
/**
 * Fills `{name}` from params; `{name|one|other}` picks the word for the number (English plurals:
 * `{n} {n|item|items}`). A number may come formatted (`1,000`).
 */
export function format(text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)(?:\|([^|}]*)\|([^|}]*))?\}/g, (whole, k: string, one: string | undefined, other: string | undefined) => {
    const value = params[k];
    if (value === undefined) return whole;
    if (one === undefined) return String(value);
    return Number(String(value).replace(/,/g, '')) === 1 ? one : (other ?? one);
  });
}

const ERRORS: Record<AppErrorCode, { 'zh-CN': string; en: string }> = {
  'forbidden-sender': { 'zh-CN': '这个页面无权调用应用', en: 'This page may not use the app' },
  'unknown-channel': { 'zh-CN': '应用版本不一致，请重启应用', en: 'The app is out of step with itself; restart it' },
  'invalid-request': { 'zh-CN': '填写的内容有误', en: 'Something entered is not valid' },
  'invalid-response': { 'zh-CN': '应用内部出错，请重启后再试', en: 'An internal error; restart and try again' },
  'not-found': { 'zh-CN': '找不到要找的内容', en: 'Not found' },
  'profile-invalid': { 'zh-CN': '商户配置有误', en: 'The merchant profile is not valid' },
  'key-invalid': { 'zh-CN': '密钥或证书有误', en: 'The key or certificate is not valid' },
  'vault-unavailable': { 'zh-CN': '无法读取加密保存的密钥', en: 'The saved keys cannot be read' },
  'file-unreadable': { 'zh-CN': '无法读取文件', en: 'The file cannot be read' },
  'import-failed': { 'zh-CN': '文件无法导入', en: 'The file cannot be imported' },
  'wechatpay-error': { 'zh-CN': '微信支付返回错误', en: 'WeChat Pay answered with an error' },
  'signature-invalid': { 'zh-CN': '签名验证失败', en: 'A signature did not verify' },
  'clock-skew': { 'zh-CN': '本机时间与微信支付相差过大，请校准系统时间', en: "This computer's clock is off; set it right" },
  network: { 'zh-CN': '网络不通，请检查网络后重试', en: 'The network failed; check it and try again' },
  busy: { 'zh-CN': '正在进行中，请稍候', en: 'Busy; wait a moment' },
  cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  io: { 'zh-CN': '读写文件失败', en: 'Reading or writing a file failed' },
  internal: { 'zh-CN': '应用内部出错', en: 'An internal error' },
};

/** The UI's words for an error code, with the main process's specific message after them. */
export function errorText(code: AppErrorCode, lang: UiLang, detail: string): string {
  const words = ERRORS[code]?.[lang] ?? code;
  return detail && detail !== words ? `${words}：${detail}` : words;
}
