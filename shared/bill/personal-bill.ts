/**
 * The personal 微信支付账单明细 export (CSV until mid-2025, XLSX since). Not a merchant bill: it
 * is a payer's own history. We read it so that a user who picked it by mistake is told exactly
 * what it is, and so that small merchants who take payments on a personal QR code can see it.
 */
import { FEN_SCALE, type MoneyFailureOut } from '../money/parse.ts';
import { findColumn, normalizeHeader } from '../import/headers.ts';
import { normalizeIdText } from '../import/ids.ts';
import { timeKeyToText } from '../import/time.ts';
import { cellTimeKey } from '../table/cell-time.ts';
import { DayCounter, tableResult } from '../import/totals.ts';
import { parseMoneyText } from '../money/parse.ts';
import type { RowCursor } from '../table/row-cursor.ts';
import type { ParseContext, ParsedTable, PersonalBillRow, TableParser, Totals } from '../import/types.ts';
import { isBlankRow } from './trade-bill.ts';

const COLUMNS = {
  tradeTime: ['交易时间'],
  tradeType: ['交易类型'],
  counterparty: ['交易对方'],
  goods: ['商品'],
  direction: ['收/支'],
  amount: ['金额(元)', '金额'],
  paymentMethod: ['支付方式'],
  status: ['当前状态'],
  transactionId: ['交易单号'],
  merchantOrderNo: ['商户单号'],
  note: ['备注'],
} as const;
type Key = keyof typeof COLUMNS;

export const PERSONAL_BILL_TITLE = '微信支付账单明细';

export function isPersonalBillHeader(normalized: readonly string[]): boolean {
  return normalized.includes('交易时间') && normalized.includes('交易对方') && normalized.includes('收/支');
}

/** `共43笔记录`, `收入：1笔 0.35元`, `支出：…`, `中性交易：…` from the preamble. */
export function readPersonalPreamble(lines: readonly string[]): Totals | undefined {
  const declared: Totals = {};
  const out: MoneyFailureOut = { reason: 'empty' };
  for (const raw of lines) {
    const line = raw.replace(/\s+/g, ' ').trim();
    const total = /^共\s*(\d+)\s*笔记录/.exec(line);
    if (total !== null) declared.count = Number(total[1]);
    const part = /^(收入|支出|中性交易)\s*[:：]\s*(\d+)\s*笔\s*([-\d.,]+)\s*元/.exec(line);
    if (part !== null) {
      const prefix = part[1] === '收入' ? 'income' : part[1] === '支出' ? 'expense' : 'neutral';
      const fen = parseMoneyText(part[3]!, FEN_SCALE, out);
      declared[`${prefix}Count`] = Number(part[2]);
      if (!Number.isNaN(fen)) declared[`${prefix}Fen`] = fen;
    }
  }
  return Object.keys(declared).length > 0 ? declared : undefined;
}

export class PersonalBillParser implements TableParser {
  private readonly ctx: ParseContext;
  private readonly col: Record<Key, number>;
  private readonly width: number;
  private readonly headerLine: number;
  private readonly declared: Totals | undefined;
  private readonly out: MoneyFailureOut = { reason: 'empty' };
  private readonly days = new DayCounter();
  private readonly kept: PersonalBillRow[] = [];
  private readonly sums: Totals = { count: 0, incomeCount: 0, incomeFen: 0, expenseCount: 0, expenseFen: 0, neutralCount: 0, neutralFen: 0 };
  private rejected = 0;

  constructor(header: string[], headerLine: number, preamble: readonly string[], ctx: ParseContext) {
    this.ctx = ctx;
    this.headerLine = headerLine;
    this.width = header.length;
    const normalized = header.map(normalizeHeader);
    const col = {} as Record<Key, number>;
    for (const k of Object.keys(COLUMNS) as Key[]) col[k] = findColumn(normalized, COLUMNS[k]);
    this.col = col;
    this.declared = readPersonalPreamble(preamble);
  }

  row(c: RowCursor): void {
    if (isBlankRow(c)) return;
    const col = this.col;
    // The export does not quote 交易对方, so `WALMART HONG KONG CO.,LIMITED` adds a column.
    if (c.count > this.width) {
      this.ctx.warnings.add('field-count', c.line, undefined, { expected: this.width, found: c.count });
      this.rejected++;
      return;
    }
    const amount = col.amount >= 0 ? c.units(col.amount, FEN_SCALE, this.out) : Number.NaN;
    if (Number.isNaN(amount)) {
      this.ctx.warnings.add('invalid-amount', c.line, '金额(元)', { value: col.amount >= 0 ? c.text(col.amount) : '', reason: this.out.reason });
      this.rejected++;
      return;
    }
    const direction = col.direction >= 0 ? c.text(col.direction) : '';
    const s = this.sums;
    s.count!++;
    const prefix = direction === '收入' ? 'income' : direction === '支出' ? 'expense' : 'neutral';
    s[`${prefix}Count`]!++;
    s[`${prefix}Fen`]! += amount;
    const timeKey = col.tradeTime >= 0 ? cellTimeKey(c, col.tradeTime, this.ctx.warnings, '交易时间') : -1;
    if (timeKey >= 0) this.days.addKey(timeKey);
    if (this.ctx.keepRows) {
      const text = (i: number) => (i >= 0 ? c.text(i) : '');
      const id = (i: number) => {
        const v = normalizeIdText(text(i));
        return v === '' || v === '/' ? null : v;
      };
      this.kept.push({
        line: c.line,
        tradeTime: timeKey >= 0 ? timeKeyToText(timeKey) : null,
        tradeType: text(col.tradeType),
        counterparty: text(col.counterparty),
        goods: text(col.goods),
        direction,
        amountFen: amount,
        paymentMethod: text(col.paymentMethod),
        status: text(col.status),
        transactionId: id(col.transactionId),
        merchantOrderNo: id(col.merchantOrderNo),
        note: text(col.note),
      });
    }
  }

  finish(): ParsedTable {
    const result = tableResult('personal-bill', `personal-${this.width}`, this.rejected, this.days, this.declared, this.sums, this.headerLine, this.ctx.warnings);
    if (this.ctx.keepRows) result.personalRows = this.kept;
    return result;
  }
}
