/** Category and suggested-action names as finance staff say them, in both languages. */
import type { UiLang } from './i18n.ts';
import { CATEGORY_LABELS } from '../../shared/recon/csv-report.ts';

/** The report's own category names (shared with the CSV and Excel reports), capitalised for the English screen. */
export const CATEGORY_TEXT: Record<UiLang, Record<string, string>> = {
  'zh-CN': Object.fromEntries(Object.entries(CATEGORY_LABELS).map(([c, l]) => [c, l['zh-CN']])),
  en: Object.fromEntries(Object.entries(CATEGORY_LABELS).map(([c, l]) => [c, l.en.charAt(0).toUpperCase() + l.en.slice(1)])),
};

export const ACTION_TEXT: Record<UiLang, Record<string, string>> = {
  'zh-CN': {
    'add-payment-to-ledger': '在台账中补录这笔支付', 'mark-ledger-paid': '补单：台账改为已支付', 'mark-ledger-unpaid': '台账改为未支付（微信未收款）',
    'check-ledger-payment': '核对台账中的这笔支付', 'wait-for-next-bill': '等待下一日账单（在途）', 'add-bill-for-day': '导入该日的账单后再核对',
    'correct-ledger-amount': '更正台账金额', 'record-refund-in-ledger': '在台账中记录退款', 'check-ledger-refund': '核对台账中的退款',
    'resolve-duplicate': '核实是否重复收款或重复记账', 'requery-later': '稍后再查询实时状态', 'check-fee-with-wechat': '向微信支付核实手续费',
    'redownload-original-file': '重新下载原始文件',
  },
  en: {
    'add-payment-to-ledger': 'Add the payment to the ledger', 'mark-ledger-paid': 'Mark paid in the ledger (lost callback)', 'mark-ledger-unpaid': 'Mark unpaid in the ledger',
    'check-ledger-payment': 'Check the payment in the ledger', 'wait-for-next-bill': "Wait for the next day's bill", 'add-bill-for-day': "Add that day's bill",
    'correct-ledger-amount': 'Correct the ledger amount', 'record-refund-in-ledger': 'Record the refund in the ledger', 'check-ledger-refund': 'Check the refund in the ledger',
    'resolve-duplicate': 'Check for a double payment or entry', 'requery-later': 'Query again later', 'check-fee-with-wechat': 'Check the fee with WeChat Pay',
    'redownload-original-file': 'Download the original file again',
  },
};
