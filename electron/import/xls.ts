/**
 * Legacy binary workbooks (.xls, BIFF) and the other formats SheetJS knows (.xlsb, .ods), read
 * whole into memory by SheetJS. That is only reasonable for small files: SheetJS needs several
 * times the file size in memory and truncates big sheets, so anything over 50 MB is refused with
 * the advice to save as .xlsx or CSV, which stream.
 */
import { readFile, stat } from 'node:fs/promises';
import * as XLSX from 'xlsx';
import { ImportError } from '../../shared/errors.ts';
import { CellType, type SheetRow } from '../../shared/table/cells.ts';
import { dateTimeToSerial } from '../../shared/xlsx/serial-date.ts';
import { isBuiltInDateFormat } from '../../shared/xlsx/styles.ts';
import type { Workbook } from './xlsx.ts';

export const XLS_SIZE_LIMIT_BYTES = 50 * 1024 * 1024;

/** Excel's error codes as BIFF stores them, for cells SheetJS gives no text for. */
const ERROR_TEXT: Record<number, string> = {
  0x00: '#NULL!',
  0x07: '#DIV/0!',
  0x0f: '#VALUE!',
  0x17: '#REF!',
  0x1d: '#NAME?',
  0x24: '#NUM!',
  0x2a: '#N/A',
  0x2b: '#GETTING_DATA',
};

let codepagesLoaded = false;

export async function readXlsWorkbook(path: string): Promise<Workbook> {
  const sizeBytes = (await stat(path)).size;
  if (sizeBytes > XLS_SIZE_LIMIT_BYTES) {
    throw new ImportError(
      'xls-unreadable',
      { reason: 'too-large', sizeMB: Math.ceil(sizeBytes / 1024 / 1024), limitMB: XLS_SIZE_LIMIT_BYTES / 1024 / 1024 },
      'this workbook format is read whole into memory, which is only done up to 50 MB; save it as .xlsx or CSV',
    );
  }
  if (!codepagesLoaded) {
    // BIFF5 (Excel 95) text is in the system code page, e.g. GBK (936) on Chinese Windows.
    XLSX.set_cptable(await import('xlsx/dist/cpexcel.full.mjs'));
    codepagesLoaded = true;
  }
  let book: XLSX.WorkBook;
  try {
    book = XLSX.read(await readFile(path), {
      type: 'buffer',
      dense: true,
      raw: true,
      cellDates: false,
      cellNF: true,
      WTF: false,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|encrypt/i.test(message)) throw new ImportError('xlsx-encrypted', {}, message);
    throw new ImportError('xls-unreadable', { reason: 'unreadable' }, message);
  }
  const date1904 = book.Workbook?.WBProps?.date1904 === true;
  return {
    sheets: book.SheetNames.map((name) => ({ name })),
    date1904,
    async readSheet(name: string, onRow: (row: SheetRow) => void | boolean): Promise<void> {
      const sheetName = book.SheetNames.find((n) => n === name) ?? book.SheetNames.find((n) => n.toLocaleLowerCase() === name.toLocaleLowerCase());
      const sheet = sheetName === undefined ? undefined : book.Sheets[sheetName];
      if (sheet === undefined) throw new ImportError('xlsx-sheet-not-found', { sheet: name }, `no sheet named ${JSON.stringify(name)}`);
      const data = (sheet['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
      for (let r = 0; r < data.length; r++) {
        const cells = data[r];
        if (cells === undefined) continue;
        const values: string[] = [];
        const types: number[] = [];
        for (let c = 0; c < cells.length; c++) {
          const cell = cells[c];
          const converted = cell === undefined ? undefined : convertCell(cell, date1904);
          if (converted === undefined) continue;
          while (values.length < c) {
            values.push('');
            types.push(CellType.Empty);
          }
          values.push(converted[0]);
          types.push(converted[1]);
        }
        if (onRow({ rowNumber: r + 1, values, types: Uint8Array.from(types) }) === false) return;
      }
    },
    async close(): Promise<void> {},
  };
}

function convertCell(cell: XLSX.CellObject, date1904: boolean): [string, CellType] | undefined {
  const v = cell.v;
  switch (cell.t) {
    case 'n': {
      if (typeof v !== 'number') return undefined;
      // The text Excel would store in .xlsx (`4.2000009252021E+27`), not JS's `4.2000009252021e+27`.
      const text = String(v).replace('e', 'E');
      return [text, isDateFormat(cell.z) ? CellType.Date : CellType.Number];
    }
    case 's':
      return v === undefined ? undefined : [String(v), CellType.Text];
    case 'b':
      return [v === true ? 'TRUE' : 'FALSE', CellType.Bool];
    case 'e':
      return [cell.w ?? (typeof v === 'number' ? ERROR_TEXT[v] : undefined) ?? '#N/A', CellType.Error];
    case 'd': {
      if (!(v instanceof Date)) return [String(v), CellType.Text];
      const serial = dateTimeToSerial(v.toISOString(), date1904);
      return serial === null ? [v.toISOString(), CellType.Text] : [String(serial), CellType.Date];
    }
    default:
      return undefined;
  }
}

function isDateFormat(format: string | number | undefined): boolean {
  if (format === undefined) return false;
  if (typeof format === 'number') return isBuiltInDateFormat(format);
  return XLSX.SSF.is_date(format) === true;
}
