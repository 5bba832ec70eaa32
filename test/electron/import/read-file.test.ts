import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { importFile } from '../../../electron/import/read-file.ts';

const samples = new URL('../../fixtures/samples/', import.meta.url);
const sample = (name: string) => new URL(name, samples).pathname;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

describe('every sample parses with the right kind, type, layout, rows and integrity', () => {
  it.each([
    ['wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt', { kind: 'trade-bill', billType: 'ALL', layout: 'v27', rows: 3, integrity: 'ok', encoding: 'utf-8', format: 'csv' }],
    ['DERIVED_wxpay-v3-tradebill-ALL-2021-bom-crlf-reconstruction.txt', { kind: 'trade-bill', billType: 'ALL', layout: 'v27', rows: 3, integrity: 'ok', encoding: 'utf-8-bom' }],
    ['wxpay-v3-tradebill-ALL-2021-testmerchant.gunsluo.txt.gz', { kind: 'trade-bill', billType: 'ALL', layout: 'v27', rows: 3, integrity: 'ok', format: 'csv.gz' }],
    ['wxpay-tradebill-ALL-27col-2019-redacted.WxJava.txt', { kind: 'trade-bill', billType: 'ALL', layout: 'v27', rows: 1, integrity: 'mismatch' }],
    ['wxpay-tradebill-SUCCESS-20col-2019-redacted.WxJava.txt', { kind: 'trade-bill', billType: 'SUCCESS', layout: 'v20', rows: 1, integrity: 'mismatch' }],
    ['wxpay-tradebill-REFUND-29col-2019-redacted.WxJava.txt', { kind: 'trade-bill', billType: 'REFUND', layout: 'v29', rows: 1, integrity: 'mismatch' }],
    ['wxpay-v3-fundflowbill-Basic-11col-2021-testmerchant.gunsluo.txt', { kind: 'fund-flow-bill', rows: 2, integrity: 'mismatch' }],
    ['wxpay-v3-fundflowbill-2021-testmerchant.gunsluo.txt.gz', { kind: 'fund-flow-bill', rows: 2, integrity: 'mismatch', format: 'csv.gz' }],
    ['wechat-personal-bill-2019-csv.double-entry-generator.csv', { kind: 'personal-bill', integrity: 'mismatch' }],
  ])('%s', async (name, expected) => {
    const r = await importFile(sample(name));
    expect(r).toMatchObject(expected);
    expect(r.error).toBeUndefined();
  });

  it('the BOM+CRLF reconstruction is the exact file WeChat hashed', () => {
    const bytes = readFileSync(sample('DERIVED_wxpay-v3-tradebill-ALL-2021-bom-crlf-reconstruction.txt'));
    expect(createHash('sha1').update(bytes).digest('hex')).toBe('dcd7ceb3d382a1181798368bb15d8437de46c00f');
  });

  it('the gzip sample is the LF text byte for byte', () => {
    const plain = readFileSync(sample('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt'));
    const gz = readFileSync(sample('wxpay-v3-tradebill-ALL-2021-testmerchant.gunsluo.txt.gz'));
    expect(Buffer.compare(gunzipSync(gz), plain)).toBe(0);
  });
});

describe('re-saved and re-encoded bills', () => {
  const text = readFileSync(sample('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt'), 'utf8');

  it('reads a GBK CSV (as Excel/WPS save it) and says the encoding was guessed', async () => {
    const p = write('gbk.csv', iconv.encode(text.replace(/\n/g, '\r\n'), 'gbk'));
    const r = await importFile(p);
    expect(r).toMatchObject({ kind: 'trade-bill', encoding: 'gb18030', rows: 3, integrity: 'ok' });
    expect(r.warnings.map((w) => w.code)).toContain('encoding-guessed');
  });

  it('reads a gzip of a GB18030 bill', async () => {
    const p = write('gbk.csv.gz', gzipSync(iconv.encode(text, 'gb18030')));
    expect(await importFile(p)).toMatchObject({ kind: 'trade-bill', format: 'csv.gz', encoding: 'gb18030', rows: 3 });
  });

  it('reads UTF-16 "Unicode text" with tabs, as Excel saves it', async () => {
    const tsv = '\ufeff' + text.replace(/,/g, '\t');
    const p = write('unicode.txt', iconv.encode(tsv, 'utf-16le', { addBOM: false }));
    expect(await importFile(p)).toMatchObject({ kind: 'trade-bill', encoding: 'utf-16le', format: 'tsv', rows: 3, integrity: 'ok' });
  });

  it('honours a mapping file encoding', async () => {
    const p = write('ledger-gbk.csv', iconv.encode('订单号,金额,状态\nA1,1.00,已支付\n', 'gbk'));
    const r = await importFile(p, { mapping: { columns: {}, states: {}, encoding: 'gb18030' } });
    expect(r).toMatchObject({ kind: 'ledger', encoding: 'gb18030', rows: 1 });
    expect(r.warnings.map((w) => w.code)).not.toContain('encoding-guessed');
  });
});

describe('an encoding chosen for the file', () => {
  const text = readFileSync(sample('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt'), 'utf8');
  const bytes = Buffer.from(text, 'utf8');
  // A UTF-8 bill with one damaged byte in the first record's product name: the first bytes are not
  // UTF-8, so detection says GBK and the Chinese header reads as nonsense.
  const damaged = (() => {
    const lines = text.split('\n');
    const at = Buffer.byteLength(lines[0]! + '\n', 'utf8') + Buffer.byteLength(lines[1]!.slice(0, lines[1]!.indexOf('for testing') + 3), 'utf8');
    const out = Buffer.from(bytes);
    out[at] = 0xff;
    return out;
  })();

  it('a damaged UTF-8 bill is not recognised as detected, and reads when UTF-8 is chosen, the bad line named', async () => {
    const p = write('damaged-utf8.csv', damaged);
    const guessed = await importFile(p, { sampleRows: 5 });
    expect(guessed).toMatchObject({ kind: 'unknown', encoding: 'gb18030' });
    expect(guessed.error?.code).toBe('no-header');
    // What the preview shows: the header as GBK makes of it, not 交易时间.
    expect(guessed.firstRows?.[0]?.cells[0]).not.toBe('交易时间');

    const chosen = await importFile(p, { encoding: 'utf-8', sampleRows: 5, keepRows: true });
    expect(chosen).toMatchObject({ kind: 'trade-bill', encoding: 'utf-8', rows: 3, integrity: 'ok' });
    const codes = chosen.warnings.map((w) => w.code);
    expect(codes).not.toContain('encoding-guessed');
    expect(codes).not.toContain('encoding-switched');
    expect(chosen.warnings.filter((w) => w.code === 'encoding-invalid-bytes')).toEqual([{ code: 'encoding-invalid-bytes', row: 2 }]);
    expect(chosen.firstRows?.[0]?.cells[0]).toBe('交易时间');
    expect(chosen.firstRows?.[1]?.cells.join(',')).toContain('\ufffd');
  });

  it('without a choice the same damage mid-file switches to GBK and says so', async () => {
    // Far enough down that the first chunk read (1 MB) is clean UTF-8.
    const headerBytes = Buffer.byteLength(text.split('\n')[0]! + '\n', 'utf8');
    const late = Buffer.concat([damaged.subarray(0, headerBytes), Buffer.from(`${' '.repeat(63)}\n`.repeat(20_000)), damaged.subarray(headerBytes)]);
    const r = await importFile(write('late-damage.csv', late), { keepRows: true });
    expect(r).toMatchObject({ kind: 'trade-bill', encoding: 'utf-8', rows: 3 });
    expect(r.warnings.map((w) => w.code)).toContain('encoding-switched');
  });

  it('GBK chosen for a GBK bill: read as GBK, no guess to report', async () => {
    const p = write('gbk-chosen.csv', iconv.encode(text, 'gbk'));
    const r = await importFile(p, { encoding: 'gb18030' });
    expect(r).toMatchObject({ kind: 'trade-bill', encoding: 'gb18030', rows: 3, integrity: 'ok' });
    expect(r.warnings.map((w) => w.code)).not.toContain('encoding-guessed');
  });

  it('GBK chosen for a UTF-8 bill by mistake: not recognised, and the first rows show why', async () => {
    const r = await importFile(write('utf8-as-gbk.csv', bytes), { encoding: 'gb18030', sampleRows: 5 });
    expect(r.kind).toBe('unknown');
    expect(r.encoding).toBe('gb18030');
    expect(r.firstRows?.length).toBeGreaterThan(0);
    expect(r.firstRows?.[0]?.cells[0]).not.toBe('交易时间');
  });

  it('a BOM wins over the choice: it is certain', async () => {
    const r = await importFile(sample('DERIVED_wxpay-v3-tradebill-ALL-2021-bom-crlf-reconstruction.txt'), { encoding: 'gb18030' });
    expect(r).toMatchObject({ kind: 'trade-bill', encoding: 'utf-8-bom', rows: 3, integrity: 'ok' });
  });

  it('a choice over a mapping\'s encoding, and a spreadsheet ignores it', async () => {
    const p = write('ledger-gbk-2.csv', iconv.encode('订单号,金额,状态\nA1,1.00,已支付\n', 'gbk'));
    const r = await importFile(p, { mapping: { columns: {}, states: {}, encoding: 'utf-8' }, encoding: 'gb18030' });
    expect(r).toMatchObject({ kind: 'ledger', encoding: 'gb18030', rows: 1 });
  });

  it('a recognised file gives its header and first records only when asked', async () => {
    const p = sample('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt');
    expect((await importFile(p)).firstRows).toBeUndefined();
    const r = await importFile(p, { sampleRows: 2 });
    expect(r.firstRows?.map((x) => x.line)).toEqual([1, 2, 3]);
    expect(r.firstRows?.[0]?.cells[0]).toBe('交易时间');
  });
});

describe('files that are not bills get a specific error and no crash', () => {
  it.each([
    ['image.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'image-file'],
    ['photo.jpg', Buffer.from('ffd8ffe000104a464946', 'hex'), 'image-file'],
    ['doc.pdf', Buffer.from('%PDF-1.7\n'), 'pdf-file'],
    ['archive.rar', Buffer.from('Rar!\x1a\x07\x00'), 'archive-file'],
    ['empty.csv', Buffer.alloc(0), 'empty-file'],
    ['random.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), 'binary-file'],
    ['notes.txt', Buffer.from('Dear team,\nplease find the figures attached.\n'.repeat(30)), 'no-header'],
    ['blank.csv', Buffer.from('\r\n,,,\r\n\r\n'), 'no-rows'],
    ['bad.gz', Buffer.from('1f8b0800000000000003ffffffff', 'hex'), 'gzip-corrupt'],
  ])('%s → %s', async (name, data, code) => {
    const r = await importFile(write(name, data));
    expect(r.kind).toBe('unknown');
    expect(r.error?.code).toBe(code);
    expect(r.warnings.map((w) => w.code)).toContain(code);
  });

  it('a missing file and a folder', async () => {
    expect((await importFile(join(dir, 'nope.csv'))).error?.code).toBe('file-not-found');
    mkdirSync(join(dir, 'folder'));
    expect((await importFile(join(dir, 'folder'))).error?.code).toBe('not-a-file');
  });

  it('a 500 MB single line stops after the first megabytes', async () => {
    const p = join(dir, 'one-line.csv');
    const fd = openSync(p, 'w');
    const block = Buffer.alloc(8 << 20, 'x,');
    for (let written = 0; written < 500 << 20; written += block.length) writeSync(fd, block);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const r = await importFile(p);
    expect(r.error?.code).toBe('line-too-long');
    // It must not have read (let alone buffered) the whole file.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 << 20);
    rmSync(p);
  });
});
