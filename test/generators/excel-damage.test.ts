import { describe, expect, it } from 'vitest';
import {
  excelCell,
  excelCsvText,
  excelDamagedCsv,
  excelDamagedSheetRows,
  excelSerial,
} from './excel-damage.ts';
import { generateTradeBill, tradeBillLines } from './trade-bill.ts';
import { parseBytes } from '../helpers/parse-bytes.ts';

describe('excelCsvText and excelCell', () => {
  it('keeps 15 significant digits of a 28-digit id', () => {
    expect(excelCsvText('4200000925202101284997714292')).toBe('4.20000092520210E+27');
    expect(excelCell('4200000925202101284997714292')).toEqual({ kind: 'number-text', text: '4.2000009252021E+27' });
    // 29-digit refund ids, rounded half up on the 16th digit.
    expect(excelCsvText('50300806962021020105978994968')).toBe('5.03008069620210E+28');
    expect(excelCsvText('123456789012345650')).toBe('1.23456789012346E+17');
    expect(excelCsvText('999999999999999999')).toBe('1.00000000000000E+18');
    expect(excelCell('999999999999999999')).toEqual({ kind: 'number-text', text: '1E+18' });
  });

  it('drops leading zeros of an all-digit order number, keeps short numbers exact', () => {
    expect(excelCsvText('000123456789')).toBe('123456789');
    expect(excelCell('000123456789')).toEqual({ kind: 'number-text', text: '123456789' });
    expect(excelCsvText('1601959334')).toBe('1601959334');
    expect(excelCsvText('0')).toBe('0');
    expect(excelCsvText('123456789012345')).toBe('123456789012345');
  });

  it('prints amounts in General format', () => {
    expect(excelCsvText('6.00')).toBe('6');
    expect(excelCsvText('0.00')).toBe('0');
    expect(excelCsvText('-0.27000')).toBe('-0.27');
    expect(excelCsvText('0.04000')).toBe('0.04');
    expect(excelCsvText('-0.00000')).toBe('0');
    expect(excelCell('128.50')).toEqual({ kind: 'number-text', text: '128.5' });
  });

  it('leaves text alone, and times unless asked', () => {
    for (const t of ['S20210128170702357723', 'wx81be3101902f7cb2', '0.60%', '会员月卡', '', 'SUCCESS', '2021-01-28 17:07:11']) {
      expect(excelCsvText(t)).toBe(t);
    }
    expect(excelCell('')).toBeNull();
    expect(excelCsvText('2021-01-28 07:07:11', { times: 'excel-zh-cn' })).toBe('2021/1/28 7:07');
    expect(excelCell('2021-01-28 12:00:00', { times: 'excel-zh-cn' })).toEqual({ kind: 'date', serial: 44224.5 });
    expect(excelSerial(1900, 3, 1)).toBe(61);
  });
});

describe('a bill re-saved by Excel', () => {
  const options = { rows: 300, seed: 6, refundRatio: 0.1, outTradeNoFormat: 'mixed' } as const;

  it('has no backticks, and ids in scientific notation', () => {
    const csv = Buffer.from(excelDamagedCsv(tradeBillLines(options)));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(csv.includes('`')).toBe(false);
    const { truth } = generateTradeBill(options);
    expect(lines).toHaveLength(truth.lineCount);
    const details = lines.slice(1, -2).map((l) => l.split(','));
    for (const [i, row] of details.entries()) {
      expect(row).toHaveLength(27);
      expect(row[5]).toBe(excelCsvText(truth.rows[i]!.transactionId));
      expect(row[5]).toMatch(/^4\.2\d{13}E\+27$/);
    }
    expect(details.some((row) => /^\d{9,12}$/.test(row[6]!))).toBe(true);
  });

  it('gb18030 when saved as plain CSV', () => {
    const bytes = excelDamagedCsv(tradeBillLines(options), { encoding: 'gb18030' });
    const utf8 = Buffer.from(excelDamagedCsv(tradeBillLines(options))).subarray(3);
    expect(new TextDecoder('gb18030').decode(bytes)).toBe(utf8.toString('utf8'));
  });

  it('spreadsheet rows carry numbers where Excel made them', () => {
    const rows = [...excelDamagedSheetRows(tradeBillLines(options))];
    expect(rows[1]![5]).toMatchObject({ kind: 'number-text', text: expect.stringMatching(/^4\.2\d*E\+27$/) });
    expect(rows[1]![0]).toMatch(/^2021-01-28 /);
    expect(rows.at(-1)![0]).toEqual({ kind: 'number-text', text: '300' });
  });

  it('the project importer notices the damage and still totals the amounts', () => {
    const parsed = parseBytes(excelDamagedCsv(tradeBillLines(options)));
    const { truth } = generateTradeBill(options);
    expect(parsed).toMatchObject({ kind: 'trade-bill', rows: 300, integrity: 'ok' });
    expect(parsed.computed).toMatchObject(truth.computed);
    expect(parsed.warnings.map((w) => w.code)).toContain('excel-mangled-id');
  });
});
