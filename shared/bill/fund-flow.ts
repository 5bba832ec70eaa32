/**
 * Fund-flow bills (资金账单): every movement of the merchant account's balance. Recognised and
 * parsed so that a user who downloads the wrong bill is told what it is, and so that a later
 * reconciliation against bank deposits has it.
 */
import { FEN_SCALE, type MoneyFailureOut } from '../money/parse.ts';
import { findColumn, normalizeHeader } from '../import/headers.ts';
import { timeKeyToText } from '../import/time.ts';
import { cellTimeKey } from '../table/cell-time.ts';
import { DayCounter, tableResult } from '../import/totals.ts';
import type { RowCursor } from '../table/row-cursor.ts';
import type { FundFlowRow, ParseContext, ParsedTable, TableParser, Totals } from '../import/types.ts';
import { isBlankRow } from './trade-bill.ts';

const COLUMNS = {
  bookedAt: ['记账时间'],
  businessId: ['微信支付业务单号'],
  flowId: ['资金流水单号'],
  businessName: ['业务名称'],
  businessType: ['业务类型'],
  direction: ['收支类型'],
  amount: ['收支金额(元)', '收支金额'],
  balance: ['账户结余(元)', '账户结余'],
  applicant: ['资金变更提交申请人'],
  note: ['备注'],
  voucherId: ['业务凭证号'],
} as const;
type Key = keyof typeof COLUMNS;

const SUMMARY: Record<string, string> = {
  资金流水总笔数: 'count',
  收入笔数: 'incomeCount',
  收入金额: 'incomeFen',
  支出笔数: 'expenseCount',
  支出金额: 'expenseFen',
};
export const FUND_FLOW_SUMMARY_MARKER = '资金流水总笔数';

export function isFundFlowHeader(normalized: readonly string[]): boolean {
  return normalized.includes('记账时间') && (normalized.includes('资金流水单号') || normalized.includes('收支类型'));
}

export class FundFlowParser implements TableParser {
  private readonly ctx: ParseContext;
  private readonly col: Record<Key, number>;
  private readonly headerLine: number;
  private readonly width: number;
  private readonly out: MoneyFailureOut = { reason: 'empty' };
  private readonly days = new DayCounter();
  private readonly kept: FundFlowRow[] = [];
  private readonly sums: Totals = { count: 0, incomeCount: 0, incomeFen: 0, expenseCount: 0, expenseFen: 0 };
  private summaryKeys: (string | null)[] | null = null;
  private declared: Totals | undefined;
  private done = false;
  private rejected = 0;

  constructor(header: string[], headerLine: number, ctx: ParseContext) {
    this.ctx = ctx;
    this.headerLine = headerLine;
    this.width = header.length;
    const normalized = header.map(normalizeHeader);
    const col = {} as Record<Key, number>;
    for (const k of Object.keys(COLUMNS) as Key[]) col[k] = findColumn(normalized, COLUMNS[k]);
    this.col = col;
    if (col.amount < 0) ctx.warnings.addOnce('missing-column', 'amount', { column: '收支金额(元)' }, headerLine);
  }

  row(c: RowCursor): void {
    if (isBlankRow(c)) return;
    const first = c.text(0);
    if (this.summaryKeys !== null && this.declared === undefined) {
      const declared: Totals = {};
      this.summaryKeys.forEach((key, i) => {
        if (key === null) return;
        const v = c.units(i, key.endsWith('Fen') ? FEN_SCALE : 0, this.out);
        if (Number.isNaN(v)) this.ctx.warnings.add('invalid-summary-value', c.line, key, { value: c.text(i), reason: this.out.reason });
        else declared[key] = v;
      });
      this.declared = declared;
      this.done = true;
      return;
    }
    if (first.startsWith(FUND_FLOW_SUMMARY_MARKER)) {
      this.summaryKeys = [];
      for (let i = 0; i < c.count; i++) this.summaryKeys.push(SUMMARY[normalizeHeader(c.text(i))] ?? null);
      return;
    }
    if (this.done) {
      this.ctx.warnings.add('content-after-summary', c.line);
      return;
    }
    if (c.count > this.width || (this.ctx.strictFieldCount && c.count !== this.width)) {
      this.ctx.warnings.add('field-count', c.line, undefined, { expected: this.width, found: c.count });
      this.rejected++;
      return;
    }
    const col = this.col;
    const amount = col.amount >= 0 ? c.units(col.amount, FEN_SCALE, this.out) : 0;
    if (Number.isNaN(amount)) {
      this.ctx.warnings.add('invalid-amount', c.line, '收支金额(元)', { value: c.text(col.amount), reason: this.out.reason });
      this.rejected++;
      return;
    }
    const direction = col.direction >= 0 ? c.text(col.direction) : '';
    const s = this.sums;
    s.count!++;
    if (direction === '收入') {
      s.incomeCount!++;
      s.incomeFen! += amount;
    } else if (direction === '支出') {
      s.expenseCount!++;
      s.expenseFen! += amount;
    } else {
      this.ctx.warnings.addOnce('unknown-direction', direction, { value: direction }, c.line);
    }
    const timeKey = col.bookedAt >= 0 ? cellTimeKey(c, col.bookedAt, this.ctx.warnings, '记账时间') : -1;
    if (timeKey >= 0) this.days.addKey(timeKey);
    if (this.ctx.keepRows) {
      const text = (i: number) => (i >= 0 ? c.text(i) : '');
      const balance = col.balance >= 0 ? c.units(col.balance, FEN_SCALE, this.out) : Number.NaN;
      this.kept.push({
        line: c.line,
        bookedAt: timeKey >= 0 ? timeKeyToText(timeKey) : null,
        businessId: text(col.businessId),
        flowId: text(col.flowId),
        businessName: text(col.businessName),
        businessType: text(col.businessType),
        direction,
        amountFen: amount,
        balanceFen: Number.isNaN(balance) ? null : balance,
        applicant: text(col.applicant),
        note: text(col.note),
        voucherId: text(col.voucherId),
      });
    }
  }

  finish(): ParsedTable {
    const result = tableResult('fund-flow-bill', `fund-flow-${this.width}`, this.rejected, this.days, this.declared, this.sums, this.headerLine, this.ctx.warnings);
    if (this.ctx.keepRows) result.fundFlowRows = this.kept;
    return result;
  }
}
