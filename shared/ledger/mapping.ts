/**
 * The ledger mapping file: how to read a merchant's own order export whose headers or states
 * wxrecon does not know. JSON, documented in the README:
 *
 *   { "columns": { "outTradeNo": "单据编号", "amount": "应收金额", "state": "单据状态" },
 *     "states": { "已完成": "paid", "作废": "closed" },
 *     "headerRow": 3, "sheet": "订单明细", "encoding": "gb18030" }
 */
import type { LedgerState } from '../import/types.ts';

export const LEDGER_FIELDS = ['outTradeNo', 'amount', 'amountFen', 'state', 'paidAt', 'refundAmount', 'transactionId'] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

export const LEDGER_STATES: readonly LedgerState[] = ['paid', 'unpaid', 'closed', 'refunded', 'partially_refunded'];

export interface LedgerMapping {
  columns: Partial<Record<LedgerField, string>>;
  states: Record<string, LedgerState>;
  headerRow?: number;
  sheet?: string;
  encoding?: 'utf-8' | 'gb18030';
}

export class MappingError extends Error {
  readonly code = 'invalid-mapping';
  readonly detail: string;
  constructor(detail: string) {
    super(detail);
    this.name = 'MappingError';
    this.detail = detail;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a parsed JSON value; every problem is named with its path. */
export function parseLedgerMapping(value: unknown): LedgerMapping {
  if (!isRecord(value)) throw new MappingError('the mapping must be a JSON object');
  const known = new Set(['columns', 'states', 'headerRow', 'sheet', 'encoding', '$comment']);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new MappingError(`unknown key "${key}" (allowed: ${[...known].join(', ')})`);
  }
  const mapping: LedgerMapping = { columns: {}, states: {} };
  if (value.columns !== undefined) {
    if (!isRecord(value.columns)) throw new MappingError('"columns" must be an object of field → header name');
    for (const [field, header] of Object.entries(value.columns)) {
      if (!(LEDGER_FIELDS as readonly string[]).includes(field)) {
        throw new MappingError(`columns.${field}: unknown field (allowed: ${LEDGER_FIELDS.join(', ')})`);
      }
      if (typeof header !== 'string' || header.trim() === '') throw new MappingError(`columns.${field}: must be a header name`);
      mapping.columns[field as LedgerField] = header;
    }
  }
  if (value.states !== undefined) {
    if (!isRecord(value.states)) throw new MappingError('"states" must be an object of ledger value → state');
    for (const [raw, state] of Object.entries(value.states)) {
      if (typeof state !== 'string' || !(LEDGER_STATES as readonly string[]).includes(state)) {
        throw new MappingError(`states.${raw}: must be one of ${LEDGER_STATES.join(', ')}`);
      }
      mapping.states[raw.trim()] = state as LedgerState;
    }
  }
  if (value.headerRow !== undefined) {
    if (typeof value.headerRow !== 'number' || !Number.isInteger(value.headerRow) || value.headerRow < 1) {
      throw new MappingError('"headerRow" must be a row number from 1');
    }
    mapping.headerRow = value.headerRow;
  }
  if (value.sheet !== undefined) {
    if (typeof value.sheet !== 'string') throw new MappingError('"sheet" must be a sheet name');
    mapping.sheet = value.sheet;
  }
  if (value.encoding !== undefined) {
    const e = String(value.encoding).toLowerCase();
    if (e === 'utf-8' || e === 'utf8') mapping.encoding = 'utf-8';
    else if (e === 'gbk' || e === 'gb2312' || e === 'gb18030') mapping.encoding = 'gb18030';
    else throw new MappingError('"encoding" must be utf-8, gbk or gb18030');
  }
  return mapping;
}
