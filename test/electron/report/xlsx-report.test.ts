import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { writeXlsxReport } from '../../../electron/report/xlsx-report.ts';
import { openWorkbook } from '../../../electron/import/xlsx.ts';
import { openZip } from '../../../electron/import/zip.ts';
import { reconcile } from '../../../shared/recon/engine.ts';
import type { LedgerRow } from '../../../shared/import/types.ts';
import type { LiveState, ReconcileReport } from '../../../shared/recon/types.ts';
import { nextLine, paidRow } from '../../helpers/recon-rows.ts';

const pay = paidRow;
function led(outTradeNo: string, amountFen: number, state: LedgerRow['state'] = 'paid', over: Partial<LedgerRow> = {}): LedgerRow {
  return { line: nextLine(), outTradeNo, amountFen, state, stateRaw: state, paidAt: '2026-11-26 12:00:01', refundFen: null, transactionId: null, ...over };
}

const TXN = '4200001234202611270000000001';

function sampleReport(): ReconcileReport {
  const live = new Map<string, LiveState>([
    ['B1', { outTradeNo: 'B1', transactionId: TXN, tradeState: 'SUCCESS', totalFen: 123456, successTime: '2026-11-26T12:00:00+08:00', queriedAt: '2026-11-27T09:30:00+08:00', requestId: 'req-1' }],
  ]);
  const report = reconcile({
    bills: [{ file: 'bill-1126.csv', billType: 'ALL', rows: [pay('A1', 1999), pay('B1', 123456, { transactionId: TXN }), pay('C1', 1000), pay('=HYPERLINK("x")', 500)] }],
    ledgers: [{ file: 'ledger.csv', rows: [led('A1', 1999), led('C1', 990), led('D1', 700)] }],
    live,
  });
  report.meta = {
    generatedAt: '2026-11-27T01:30:00.000Z',
    tool: 'wxrecon 0.1.0',
    lang: 'zh-CN',
    inputs: [
      { role: 'bill', file: 'bill-1126.csv', sha256: 'ab'.repeat(32), sizeBytes: 1234, kind: 'trade-bill', billType: 'ALL', layout: 'v3-27', rows: 4, integrity: 'ok', dateRange: ['2026-11-26', '2026-11-26'] },
      { role: 'ledger', file: 'ledger.csv', sha256: 'cd'.repeat(32), sizeBytes: 321, kind: 'ledger', rows: 3, integrity: 'no-summary', dateRange: null },
    ],
  };
  return report;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxrecon-xlsx-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readPart(path: string, name: string): Promise<string> {
  const zip = await openZip(path);
  try {
    const entry = zip.get(name);
    if (entry === undefined) throw new Error(`no ${name}`);
    return (await zip.readAll(entry, 64 * 1024 * 1024)).toString('utf8');
  } finally {
    await zip.close();
  }
}

describe('writeXlsxReport', () => {
  it('writes the summary and the discrepancy list, with numbers as numbers and ids as text', async () => {
    const report = sampleReport();
    const path = join(dir, 'report.xlsx');
    await writeXlsxReport(path, report, { lang: 'zh-CN' });
    expect(await readdir(dir)).toEqual(['report.xlsx']);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['汇总', '差异明细']);

    const detail = wb.getWorksheet('差异明细')!;
    const header = detail.getRow(1);
    expect(header.getCell(1).value).toBe('类别');
    expect(header.getCell(14).value).toBe('建议操作');
    expect(header.getCell(16).value).toBe('查询请求号');
    for (let c = 1; c <= 16; c++) expect(header.getCell(c).font?.bold).toBe(true);
    expect(detail.rowCount).toBe(1 + report.items.length);

    const rows = new Map<string, ExcelJS.Row>();
    detail.eachRow((row, n) => {
      if (n > 1) rows.set(String(row.getCell(2).value), row);
    });
    const b1 = rows.get('B1');
    // B1 has no ledger row: missing in ledger, with the 28-digit id intact as a string.
    expect(b1?.getCell(1).value).toBe('账单有，台账无');
    expect(b1?.getCell(3).value).toBe(TXN);
    expect(b1?.getCell(4).value).toBe(1234.56);
    expect(b1?.getCell(4).numFmt).toBe('#,##0.00');
    expect(b1?.getCell(8).value).toBe('SUCCESS');
    expect(b1?.getCell(16).value).toBe('req-1');
    const c1 = rows.get('C1');
    expect([c1?.getCell(4).value, c1?.getCell(5).value]).toEqual([10, 9.9]);
    expect(c1?.getCell(5).numFmt).toBe('#,##0.00');
    expect(c1?.getCell(13).value).toBe(report.items.find((i) => i.outTradeNo === 'C1')!.explanations['zh-CN']);
    const formula = rows.get('=HYPERLINK("x")');
    expect(formula?.getCell(2).type).toBe(ExcelJS.ValueType.String);

    const summary = wb.getWorksheet('汇总')!;
    const cells = new Map<string, ExcelJS.Row>();
    summary.eachRow((row) => cells.set(String(row.getCell(1).value), row));
    expect(summary.getRow(1).getCell(1).value).toBe('微信支付对账报告');
    expect(cells.get('生成时间')?.getCell(2).value).toBe('2026-11-27T01:30:00.000Z');
    expect(cells.get('微信账单')?.getCell(11).value).toBe('ab'.repeat(32));
    const paid = cells.get('支付金额（元）')!;
    expect([paid.getCell(2).value, paid.getCell(3).value]).toEqual([report.summary.bill.paidFen / 100, report.summary.ledger.paidFen / 100]);
    expect(paid.getCell(2).numFmt).toBe('#,##0.00');
    expect(cells.get('支付金额差额（微信 − 台账，元）')?.getCell(2).value).toBe(report.summary.differenceFen / 100);
    const amountMismatch = cells.get('金额不符')!;
    expect([amountMismatch.getCell(2).value, amountMismatch.getCell(3).value, amountMismatch.getCell(4).value]).toEqual([1, 10, 9.9]);
    expect(amountMismatch.getCell(3).numFmt).toBe('#,##0.00');
    expect(cells.get('一致（已匹配）')?.getCell(2).value).toBe(report.summary.counts.matched);

    const sheet2 = await readPart(path, 'xl/worksheets/sheet2.xml');
    expect(sheet2).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"[^>]*\/>/);
    expect(sheet2).toContain(`<autoFilter ref="A1:P${report.items.length + 1}"/>`);
    // Text, not a formula: an inline string holding the text, and no <f> anywhere.
    expect(sheet2).toMatch(/<c r="B2"[^>]* t="inlineStr"><is><t>=HYPERLINK\("x"\)<\/t><\/is><\/c>/);
    expect(sheet2).not.toMatch(/<f[ >]/);
  });

  it('keeps hostile text exact (markup, control characters, spaces, line breaks, emoji) and is read the same by SheetJS', async () => {
    const report = sampleReport();
    const hostile = ' <b>&amp; "x"\u0001\tend\n第二行 😀 ';
    const item = report.items.find((i) => i.ledger !== null)!;
    item.ledger!.stateRaw = hostile;
    const path = join(dir, 'hostile.xlsx');
    await writeXlsxReport(path, report, { lang: 'zh-CN' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const detail = wb.getWorksheet('差异明细')!;
    expect(detail.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const values: unknown[] = [];
    detail.eachRow((row) => values.push(row.getCell(7).value));
    // exceljs leaves OOXML's _xHHHH_ escape of a control character undone; Excel and SheetJS undo it.
    expect(values).toContain(hostile.replace('\u0001', '_x0001_'));
    const XLSX = await import('xlsx');
    const book = XLSX.read(await readFile(path), { type: 'buffer', cellStyles: true });
    expect(book.SheetNames).toEqual(['汇总', '差异明细']);
    const rows = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets['差异明细']!, { header: 1, raw: true });
    expect(rows).toHaveLength(report.items.length + 1);
    expect(rows.some((r) => r[6] === hostile)).toBe(true);
    expect(rows.find((r) => r[1] === 'B1')?.[2]).toBe(TXN);
  });

  it('reads back through the project reader with ids and formula-like text unchanged', async () => {
    const path = join(dir, 'report.xlsx');
    await writeXlsxReport(path, sampleReport(), { lang: 'zh-CN' });
    const wb = await openWorkbook(path);
    try {
      expect(wb.sheets.map((s) => s.name)).toEqual(['汇总', '差异明细']);
      const values: string[][] = [];
      await wb.readSheet('差异明细', (row) => {
        values.push(row.values.slice());
      });
      expect(values.find((v) => v[1] === 'B1')?.[2]).toBe(TXN);
      expect(values.some((v) => v[1] === '=HYPERLINK("x")')).toBe(true);
    } finally {
      await wb.close();
    }
  });

  it('writes English sheets, headers and explanations with lang en, and a summary without meta', async () => {
    const report = sampleReport();
    delete report.meta;
    const path = join(dir, 'report-en.xlsx');
    await writeXlsxReport(path, report, { lang: 'en' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Summary', 'Discrepancies']);
    const detail = wb.getWorksheet('Discrepancies')!;
    expect(detail.getRow(1).getCell(2).value).toBe('out_trade_no');
    expect(detail.getRow(2).getCell(13).value).toBe(report.items[0]!.explanations.en);
    const labels: unknown[] = [];
    wb.getWorksheet('Summary')!.eachRow((row) => labels.push(row.getCell(1).value));
    expect(labels).not.toContain('Input files');
    expect(labels).toContain('Paid difference (WeChat − ledger, yuan)');
  });

  it('replaces an existing report only when the new one is complete', async () => {
    const path = join(dir, 'report.xlsx');
    await writeXlsxReport(path, sampleReport(), { lang: 'zh-CN' });
    await writeXlsxReport(path, sampleReport(), { lang: 'en' });
    expect(await readdir(dir)).toEqual(['report.xlsx']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Summary', 'Discrepancies']);
  });

  it('rejects a path in a missing folder and leaves nothing behind', async () => {
    await expect(writeXlsxReport(join(dir, 'missing', 'report.xlsx'), sampleReport(), { lang: 'zh-CN' })).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the temporary file when writing fails midway', async () => {
    const report = sampleReport();
    // A failure after the temporary file exists: the first detail row cannot be built.
    Object.defineProperty(report.items[0]!, 'explanations', {
      get() {
        throw new Error('boom');
      },
    });
    const path = join(dir, 'report.xlsx');
    await expect(writeXlsxReport(path, report, { lang: 'zh-CN' })).rejects.toThrow('boom');
    expect(await readdir(dir)).toEqual([]);
  });
});
