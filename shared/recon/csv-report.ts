/**
 * The discrepancy list as CSV for Excel: UTF-8 with a BOM (Excel ignores the charset otherwise and
 * shows mojibake), CRLF, amounts as plain numbers, and every text cell that a spreadsheet would
 * run as a formula neutralised (OWASP CSV injection: = + - @ tab CR LF at the start).
 */
import { fenToYuanText } from '../money/format.ts';
import type { ReconcileReport } from './types.ts';

type Lang = 'zh-CN' | 'en';

const HEADERS: Record<Lang, string[]> = {
  'zh-CN': ['类别', '商户订单号', '微信订单号', '账单金额', '台账金额', '账单状态', '台账状态', '微信实时状态', '账单退款', '台账退款', '账单时间', '台账支付时间', '说明', '建议操作'],
  en: ['category', 'out_trade_no', 'transaction_id', 'bill_amount', 'ledger_amount', 'bill_state', 'ledger_state', 'live_state', 'bill_refund', 'ledger_refund', 'bill_time', 'ledger_paid_at', 'explanation', 'suggested_action'],
};

export const CATEGORY_LABELS: Record<string, { 'zh-CN': string; en: string }> = {
  'missing-in-ledger': { 'zh-CN': '账单有，台账无', en: 'missing in ledger' },
  'missing-in-bill': { 'zh-CN': '台账有，账单无', en: 'missing in bill' },
  'amount-mismatch': { 'zh-CN': '金额不符', en: 'amount mismatch' },
  'status-mismatch': { 'zh-CN': '状态不符', en: 'status mismatch' },
  'refund-mismatch': { 'zh-CN': '退款不符', en: 'refund mismatch' },
  duplicate: { 'zh-CN': '重复', en: 'duplicate' },
  'cross-day': { 'zh-CN': '跨日在途', en: 'cross-day (in transit)' },
  'fee-mismatch': { 'zh-CN': '手续费不符', en: 'fee mismatch' },
};

const FORMULA_START = /^[=+\-@\t\r\n]/;

/** A text cell: neutralised when a spreadsheet would evaluate it, quoted when it must be. */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * An id cell. Excel turns a long digit string into 4.2E+27 and keeps 15 digits, so long numeric
 * ids get WeChat's own backtick prefix, which finance users know from the bills.
 */
export function csvId(value: string | null): string {
  if (value === null) return '';
  return csvText(/^\d{12,}$/.test(value) ? '`' + value : value);
}

/** A money cell: a plain number in yuan, never quoted, so Excel sums it. */
function csvMoney(fen: number | null | undefined): string {
  return fen === null || fen === undefined ? '' : fenToYuanText(fen);
}

export function reportToCsv(report: ReconcileReport, lang: Lang): string {
  const lines = [HEADERS[lang].map(csvText).join(',')];
  for (const item of report.items) {
    lines.push(
      [
        csvText(CATEGORY_LABELS[item.category]?.[lang] ?? item.category),
        csvId(item.outTradeNo),
        csvId(item.transactionId),
        csvMoney(item.bill?.amountFen),
        csvMoney(item.ledger?.amountFen),
        csvText(item.bill?.state ?? ''),
        csvText(item.ledger?.stateRaw ?? ''),
        csvText(item.live?.tradeState ?? ''),
        csvMoney(item.bill?.refundFen),
        csvMoney(item.ledger?.refundFen),
        csvText(item.bill?.paidAt ?? ''),
        csvText(item.ledger?.paidAt ?? ''),
        csvText(item.explanations[lang]),
        csvText(item.suggestedAction),
      ].join(','),
    );
  }
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
