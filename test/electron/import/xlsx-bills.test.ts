/**
 * Bills and ledgers as finance users hand them over after Excel or WPS: re-saved as .xlsx, with
 * ids turned into numbers and times into date cells. Generated here so the fixtures are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../../../electron/import/read-file.ts';
import { writeXlsx, ZipWriter, type XlsxCell } from '../../generators/xlsx-writer.ts';
import { dateTimeToSerial } from '../../../shared/xlsx/serial-date.ts';

const sample = (name: string) => new URL(`../../fixtures/samples/${name}`, import.meta.url).pathname;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-xlsx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The gunsluo bill's lines as cells, exactly as Excel keeps backticked text. */
function billLines(): string[][] {
  const text = readFileSync(sample('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt'), 'utf8');
  return text.trimEnd().split('\n').map((l) => l.split(','));
}

describe('bills re-saved as .xlsx', () => {
  it('a bill opened in Excel and saved as .xlsx reads like the original', async () => {
    const p = join(dir, 'resaved.xlsx');
    await writeXlsx(p, [{ name: 'Sheet1', rows: billLines() }]);
    const r = await importFile(p, { keepRows: true });
    expect(r).toMatchObject({ kind: 'trade-bill', billType: 'ALL', layout: 'v27', format: 'xlsx', sheet: 'Sheet1', rows: 3, integrity: 'ok' });
    expect(r.warnings).toEqual([]);
    expect(r.tradeRows![0]).toMatchObject({ transactionId: '4200000925202101284997714292', outTradeNo: 'S20210128170702357723', orderFen: 1 });
  });

  it('ids Excel turned into numbers are flagged, never matched; amounts and date cells still read', async () => {
    const lines = billLines();
    const header = lines[0]!;
    const col = (name: string) => header.indexOf(name);
    const damaged: XlsxCell[][] = [header];
    for (const line of lines.slice(1, 4)) {
      const cells: XlsxCell[] = line.map((f) => f.replace(/^`/, ''));
      // What Excel does to an unprotected bill: ids and amounts become numbers, times dates.
      cells[col('微信订单号')] = { kind: 'number-text', text: '4.2000009252021E+27' };
      cells[col('订单金额')] = Number(String(cells[col('订单金额')]));
      cells[col('应结订单金额')] = 0.01;
      cells[col('交易时间')] = { kind: 'date', serial: dateTimeToSerial(String(cells[col('交易时间')]))! };
      damaged.push(cells);
    }
    damaged.push(lines[4]!, lines[5]!);
    const p = join(dir, 'damaged.xlsx');
    await writeXlsx(p, [{ name: '账单', rows: damaged }]);
    const r = await importFile(p, { keepRows: true });
    expect(r).toMatchObject({ kind: 'trade-bill', rows: 3, integrity: 'ok', dateRange: ['2021-01-28', '2021-01-28'] });
    const mangled = r.warnings.filter((w) => w.code === 'excel-mangled-id');
    expect(mangled.map((w) => [w.row, w.column, w.params!.damage])).toEqual([
      [2, '微信订单号', 'scientific'],
      [3, '微信订单号', 'scientific'],
      [4, '微信订单号', 'scientific'],
    ]);
    expect(r.warnings.map((w) => w.code)).toContain('backticks-missing');
    expect(r.tradeRows!.map((t) => t.transactionId)).toEqual([null, null, null]);
    expect(r.tradeRows![0]).toMatchObject({ tradeTime: '2021-01-28 17:07:11', orderFen: 1, settlementFen: 1, outTradeNo: 'S20210128170702357723' });
  });

  it('picks the sheet that holds the bill', async () => {
    const p = join(dir, 'two-sheets.xlsx');
    await writeXlsx(p, [{ name: '说明', rows: [['这是说明页'], ['没有数据']] }, { name: '交易账单', rows: billLines() }]);
    const r = await importFile(p);
    expect(r).toMatchObject({ kind: 'trade-bill', sheet: '交易账单', rows: 3 });
    expect(r.warnings.map((w) => w.code)).toContain('other-sheets');
  });
});

describe('the personal statement as .xlsx', () => {
  it('reads the 2025-style sheet with numeric amounts and its preamble totals', async () => {
    const r = await importFile(sample('wechat-personal-bill-2019-xlsx-converted.double-entry-generator.xlsx'), {
      keepRows: true,
      mapping: { columns: {}, states: {}, sheet: 'Sheet1' },
    });
    expect(r).toMatchObject({ kind: 'personal-bill', sheet: 'Sheet1', headerRow: 18 });
    expect(r.declared).toMatchObject({ count: 10, incomeCount: 1, incomeFen: 35 });
    expect(r.personalRows![0]).toMatchObject({ amountFen: 2816, direction: '支出', transactionId: '3985734', tradeTime: '2019-09-26 12:45:27' });
  });
  it('finds it on the first sheet when no sheet is named', async () => {
    const r = await importFile(sample('wechat-personal-bill-2019-xlsx-converted.double-entry-generator.xlsx'));
    expect(r).toMatchObject({ kind: 'personal-bill', sheet: 'example-wechat-records' });
  });
});

describe('ledgers as .xlsx', () => {
  it('finds the header under title rows and flags numeric order numbers Excel rounded', async () => {
    const p = join(dir, 'ledger.xlsx');
    await writeXlsx(p, [
      {
        name: '订单',
        rows: [
          ['某某商城订单导出'],
          [null],
          ['订单编号', '实付金额(元)', '订单状态', '付款时间'],
          ['A0001', 19.99, '已支付', { kind: 'date', serial: dateTimeToSerial('2026-11-26 23:59:58')! }],
          [{ kind: 'number-text', text: '2021012817070230' }, 5, '待支付', null],
          [{ kind: 'number-text', text: '202101281707' }, 5, '已支付', null],
        ],
      },
    ]);
    const r = await importFile(p, { keepRows: true });
    expect(r).toMatchObject({ kind: 'ledger', headerRow: 3, rows: 3 });
    expect(r.ledgerRows!.map((l) => [l.outTradeNo, l.amountFen, l.state, l.paidAt])).toEqual([
      ['A0001', 1999, 'paid', '2026-11-26 23:59:58'],
      [null, 500, 'unpaid', null],
      ['202101281707', 500, 'paid', null],
    ]);
    expect(r.warnings.find((w) => w.code === 'excel-mangled-id')).toMatchObject({ row: 5, params: { damage: 'precision-lost' } });
  });
});

describe('broken workbooks', () => {
  it('a zip that is not a workbook, and a truncated workbook', async () => {
    const zipPath = join(dir, 'bills.zip');
    const zip = await ZipWriter.create(zipPath, {});
    await zip.addEntry('bill.csv', 'a,b\n');
    await zip.finish();
    expect((await importFile(zipPath)).error?.code).toBe('zip-not-workbook');
    const good = join(dir, 'good.xlsx');
    await writeXlsx(good, [{ name: 'S', rows: billLines() }]);
    const bytes = readFileSync(good);
    const cut = join(dir, 'cut.xlsx');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await importFile(cut)).error?.code).toBe('xlsx-corrupt');
  });
});

describe('row reuse', () => {
  it('gives the same cells whether the reader reuses its row arrays or not', async () => {
    const { openWorkbook } = await import('../../../electron/import/xlsx.ts');
    const p = join(dir, 'reuse.xlsx');
    await writeXlsx(p, [{ name: 'S', rows: [['a', null, 'c'], [1, 2], [null, null, null, 'd'], ['only']] }]);
    const read = async (reuseRows: boolean) => {
      const wb = await openWorkbook(p);
      const rows: string[][] = [];
      await wb.readSheet('S', (r) => void rows.push(r.values.slice(0, r.count ?? r.values.length).map((v, i) => `${r.types[i]}:${v}`)), { reuseRows });
      await wb.close();
      return rows;
    };
    expect(await read(true)).toEqual(await read(false));
  });
});
