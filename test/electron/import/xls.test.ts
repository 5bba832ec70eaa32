import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { ImportError } from '../../../shared/errors.ts';
import { CellType } from '../../../shared/table/cells.ts';
import { readXlsWorkbook, XLS_SIZE_LIMIT_BYTES } from '../../../electron/import/xls.ts';
import { openWorkbook, type Workbook } from '../../../electron/import/xlsx.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-xls-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function book(date1904 = false): XLSX.WorkBook {
  const ws = XLSX.utils.aoa_to_sheet([
    ['交易时间', '金额', '有效'],
    ['`2021-01-28 17:07:11', 0.01, true],
    [null, 4.2000009252021e27, false],
  ]);
  ws['A4'] = { t: 'n', v: 44224.71332175926, z: 'yyyy-mm-dd hh:mm:ss' };
  ws['C4'] = { t: 'e', v: 0x07 };
  ws['!ref'] = 'A1:C5';
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, '账单');
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['x']]), 'Other');
  if (date1904) wb.Workbook = { WBProps: { date1904: true } };
  return wb;
}

async function rowsOf(workbook: Workbook, sheet: string) {
  const rows: { row: number; values: string[]; types: number[] }[] = [];
  await workbook.readSheet(sheet, (r) => void rows.push({ row: r.rowNumber, values: r.values, types: [...r.types] }));
  return rows;
}

describe('readXlsWorkbook', () => {
  it('reads a BIFF8 .xls with the same cell types as the .xlsx reader', async () => {
    const path = join(dir, 'bill.xls');
    writeFileSync(path, XLSX.write(book(), { type: 'buffer', bookType: 'biff8' }));
    const workbook = await readXlsWorkbook(path);
    expect(workbook.sheets).toEqual([{ name: '账单' }, { name: 'Other' }]);
    expect(workbook.date1904).toBe(false);
    expect(await rowsOf(workbook, '账单')).toEqual([
      { row: 1, values: ['交易时间', '金额', '有效'], types: [CellType.Text, CellType.Text, CellType.Text] },
      { row: 2, values: ['`2021-01-28 17:07:11', '0.01', 'TRUE'], types: [CellType.Text, CellType.Number, CellType.Bool] },
      { row: 3, values: ['', '4.2000009252021E+27', 'FALSE'], types: [CellType.Empty, CellType.Number, CellType.Bool] },
      { row: 4, values: ['44224.71332175926', '', '#DIV/0!'], types: [CellType.Date, CellType.Empty, CellType.Error] },
    ]);
    const stopped: number[] = [];
    await workbook.readSheet('账单', (r) => {
      stopped.push(r.rowNumber);
      return false;
    });
    expect(stopped).toEqual([1]);
    await expect(workbook.readSheet('missing', () => undefined)).rejects.toMatchObject({ code: 'xlsx-sheet-not-found' });
    await workbook.close();
  });

  it('is what openWorkbook falls back to for .xls, .xlsb and .ods', async () => {
    for (const bookType of ['biff8', 'xlsb', 'ods'] as const) {
      const path = join(dir, `fallback.${bookType}`);
      writeFileSync(path, XLSX.write(book(), { type: 'buffer', bookType }));
      const workbook = await openWorkbook(path);
      const rows = await rowsOf(workbook, '账单');
      expect(rows[1]!.values.slice(0, 2)).toEqual(['`2021-01-28 17:07:11', '0.01']);
      await workbook.close();
    }
  });

  it('refuses files over 50 MB, saying why', async () => {
    const path = join(dir, 'huge.xls');
    writeFileSync(path, XLSX.write(book(), { type: 'buffer', bookType: 'biff8' }));
    truncateSync(path, XLS_SIZE_LIMIT_BYTES + 1);
    const error = await readXlsWorkbook(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'xls-unreadable', params: { reason: 'too-large', limitMB: 50 } });
    expect((error as Error).message).toMatch(/save it as \.xlsx or CSV/);
  });

  it('refuses what SheetJS cannot read', async () => {
    const path = join(dir, 'garbage.xls');
    writeFileSync(path, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600, 0xff)]));
    await expect(readXlsWorkbook(path)).rejects.toMatchObject({ code: 'xls-unreadable' });
  });
});
