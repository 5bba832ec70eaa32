/**
 * What Excel (or WPS) does to a bill when a user removes the backticks and saves again: every
 * field is re-read as if typed. Digits become numbers, so a 28-digit 微信订单号 keeps 15
 * significant digits (CSV text `4.20000092520210E+27`, XLSX `<v>4.2000009252021E+27</v>`), an
 * all-digit 商户订单号 loses its leading zeros, and amounts lose their trailing zeros (`6.00` → `6`).
 * With `times: 'excel-zh-cn'` the times also become dates (`2021/1/28 17:07` in a zh-CN CSV, a date
 * serial in XLSX), which drops the seconds.
 */
import { encodeText, type TextEncoding, type TradeBillLine } from './trade-bill.ts';
import type { XlsxCell } from './xlsx-writer.ts';

export interface ExcelDamageOptions {
  /** `keep` (default) leaves `yyyy-MM-dd HH:mm:ss` as text; `excel-zh-cn` turns times into dates. */
  times?: 'keep' | 'excel-zh-cn';
}

/** Excel keeps this many significant digits of a number. */
const EXCEL_PRECISION_DIGITS = 15;
const INTEGER = /^(-?)0*(\d+)$/;
const DECIMAL = /^(-?)(\d+)\.(\d+)$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

type Parsed =
  | { kind: 'text'; text: string }
  | { kind: 'integer'; sign: string; digits: string }
  | { kind: 'decimal'; text: string }
  | { kind: 'time'; y: number; mo: number; d: number; h: number; mi: number; s: number };

function parseTyped(text: string, options: ExcelDamageOptions): Parsed {
  let m = INTEGER.exec(text);
  if (m) return { kind: 'integer', sign: m[2] === '0' ? '' : m[1]!, digits: m[2]! };
  m = DECIMAL.exec(text);
  if (m) {
    // Excel's General format prints the shortest decimal: 6.00 → 6, -0.27000 → -0.27.
    const fraction = m[3]!.replace(/0+$/, '');
    const whole = m[2]!.replace(/^0+(?=\d)/, '');
    const isZero = /^0*$/.test(whole) && fraction === '';
    return { kind: 'decimal', text: isZero ? '0' : m[1]! + whole + (fraction === '' ? '' : '.' + fraction) };
  }
  if (options.times === 'excel-zh-cn') {
    m = TIME.exec(text);
    if (m) {
      const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
      return { kind: 'time', y, mo, d, h, mi, s };
    }
  }
  return { kind: 'text', text };
}

/**
 * Rounds a digit string to Excel's 15 significant digits (half up, on the decimal digits, so no
 * binary float is involved). Returns the 15 mantissa digits and the decimal exponent.
 */
function roundToExcelPrecision(digits: string): { mantissa: string; exponent: number } {
  let exponent = digits.length - 1;
  const kept = digits.slice(0, EXCEL_PRECISION_DIGITS).padEnd(EXCEL_PRECISION_DIGITS, '0').split('').map(Number);
  if (digits.length > EXCEL_PRECISION_DIGITS && Number(digits[EXCEL_PRECISION_DIGITS]) >= 5) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === 9) kept[i--] = 0;
    if (i >= 0) kept[i]!++;
    else {
      kept.unshift(1);
      kept.pop();
      exponent++;
    }
  }
  return { mantissa: kept.join(''), exponent };
}

/** The text a CSV save writes for a number typed as these digits. */
function integerCsvText(sign: string, digits: string): string {
  if (digits.length <= EXCEL_PRECISION_DIGITS) return sign + digits;
  const { mantissa, exponent } = roundToExcelPrecision(digits);
  return `${sign}${mantissa[0]}.${mantissa.slice(1)}E+${exponent}`;
}

/** The `<v>` text Excel stores for such a number: the shortest round-trip form. */
function integerCellText(sign: string, digits: string): string {
  if (digits.length <= EXCEL_PRECISION_DIGITS) return sign + digits;
  const { mantissa, exponent } = roundToExcelPrecision(digits);
  const fraction = mantissa.slice(1).replace(/0+$/, '');
  return `${sign}${mantissa[0]}${fraction === '' ? '' : '.' + fraction}E+${exponent}`;
}

/**
 * Excel's date serial: days since 1899-12-30 plus the fraction of the day; right from 1900-03-01 on
 * (Excel's fictional 1900-02-29 shifts earlier ones). Kept apart from shared/xlsx/serial-date.ts on
 * purpose: test data made with the reader's own conversion could not catch its mistakes.
 */
export function excelSerial(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const days = Date.UTC(y, mo - 1, d) / 86_400_000 + 25_569;
  return days + (h * 3600 + mi * 60 + s) / 86_400;
}

/** What a CSV save writes for a field whose text was typed (re-entered) into a cell. */
export function excelCsvText(text: string, options: ExcelDamageOptions = {}): string {
  const p = parseTyped(text, options);
  switch (p.kind) {
    case 'text':
    case 'decimal':
      return p.text;
    case 'integer':
      return integerCsvText(p.sign, p.digits);
    case 'time':
      return `${p.y}/${p.mo}/${p.d} ${p.h}:${String(p.mi).padStart(2, '0')}`;
  }
}

/** The cell Excel keeps for a field whose text was typed into it. */
export function excelCell(text: string, options: ExcelDamageOptions = {}): XlsxCell {
  const p = parseTyped(text, options);
  switch (p.kind) {
    case 'text':
      return text === '' ? null : text;
    case 'decimal':
      return { kind: 'number-text', text: p.text };
    case 'integer':
      return { kind: 'number-text', text: integerCellText(p.sign, p.digits) };
    case 'time':
      return { kind: 'date', serial: excelSerial(p.y, p.mo, p.d, p.h, p.mi, p.s) };
  }
}

/** Bill lines (from `tradeBillLines`) as Excel saves them to CSV: fields without backticks, re-typed. */
export function* excelDamagedCsvFields(
  lines: Iterable<TradeBillLine>,
  options: ExcelDamageOptions = {},
): Generator<string[]> {
  for (const line of lines) {
    yield line.kind === 'detail' || line.kind === 'summary' ? line.fields.map((f) => excelCsvText(f, options)) : line.fields;
  }
}

/** The same as spreadsheet rows, for writing the re-saved workbook with `writeXlsx`. */
export function* excelDamagedSheetRows(
  lines: Iterable<TradeBillLine>,
  options: ExcelDamageOptions = {},
): Generator<XlsxCell[]> {
  for (const line of lines) {
    yield line.kind === 'detail' || line.kind === 'summary' ? line.fields.map((f) => excelCell(f, options)) : line.fields;
  }
}

export interface ExcelCsvSaveOptions extends ExcelDamageOptions {
  /** `utf-8` is Excel's "CSV UTF-8" (with a BOM); `gb18030` its plain "CSV" on a Chinese Windows. */
  encoding?: TextEncoding;
}

/** A bill as Excel writes it after the backticks were removed: CRLF, and a BOM for UTF-8. */
export function excelDamagedCsv(lines: Iterable<TradeBillLine>, options: ExcelCsvSaveOptions = {}): Uint8Array {
  const encoding = options.encoding ?? 'utf-8';
  const texts: string[] = [];
  for (const fields of excelDamagedCsvFields(lines, options)) texts.push(fields.map(csvQuote).join(','));
  const body = encodeText(texts.join('\r\n') + '\r\n', encoding);
  return encoding === 'utf-8' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

/** RFC 4180 quoting, as Excel applies it: only where a field needs it. */
export function csvQuote(field: string): string {
  return /[",\r\n]/.test(field) ? '"' + field.replaceAll('"', '""') + '"' : field;
}
