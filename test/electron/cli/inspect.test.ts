import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { main } from '../../../electron/cli/main.ts';

const sample = (name: string) => new URL(`../../fixtures/samples/${name}`, import.meta.url).pathname;
const BILL = sample('wxpay-v3-tradebill-ALL-27col-2021-testmerchant.gunsluo.txt');

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('wxrecon inspect', () => {
  it('--json prints exactly one JSON document with one object per file, as the contract shows', async () => {
    const r = await run('inspect', BILL, sample('wxpay-v3-fundflowbill-Basic-11col-2021-testmerchant.gunsluo.txt'), '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc).toHaveLength(2);
    expect(doc[0]).toMatchObject({
      file: BILL, kind: 'trade-bill', billType: 'ALL', layout: 'v27', encoding: 'utf-8', rows: 3,
      dateRange: ['2021-01-28', '2021-01-28'],
      declared: { count: 3, settlementTotalFen: 3, refundTotalFen: 0, feeTotalMilliFen: 0, orderTotalFen: 3, refundRequestTotalFen: 0 },
      computed: { count: 3, settlementTotalFen: 3, refundTotalFen: 0, feeTotalMilliFen: 0, orderTotalFen: 3, refundRequestTotalFen: 0 },
      integrity: 'ok', warnings: [],
    });
    expect(doc[1]).toMatchObject({ kind: 'fund-flow-bill', integrity: 'mismatch' });
    expect(doc[1].warnings[0]).toEqual(expect.objectContaining({ code: 'summary-mismatch', message: expect.stringContaining('incomplete') }));
    expect(doc[0]).not.toHaveProperty('tradeRows');
  });

  it('writes messages in Chinese with --lang zh-CN', async () => {
    const r = await run('inspect', sample('wxpay-tradebill-ALL-27col-2019-redacted.WxJava.txt'), '--json', '--lang', 'zh-CN');
    const [file] = JSON.parse(r.stdout);
    expect(file.warnings[0].message).toContain('文件不完整或被修改过');
    const human = await run('inspect', BILL, '--lang', 'zh-CN');
    expect(human.stdout).toContain('交易账单');
    expect(human.stdout).toContain('汇总核对');
  });

  it('exits 2 with a one-line reason when a file is not a bill, still printing the JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-cli-'));
    const png = join(dir, 'receipt.png');
    writeFileSync(png, Buffer.from('89504e470d0a1a0a', 'hex'));
    const r = await run('inspect', BILL, png, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)[1]).toMatchObject({ kind: 'unknown', error: { code: 'image-file' } });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const zh = await run('inspect', png, '--lang', 'zh-CN');
    expect(zh.stderr).toContain('这是图片');
  });

  it('tells a personal statement apart from a merchant bill', async () => {
    const r = await run('inspect', sample('wechat-personal-bill-2019-csv.double-entry-generator.csv'), '--json');
    const [file] = JSON.parse(r.stdout);
    expect(file.kind).toBe('personal-bill');
    expect(file.warnings[0].code).toBe('personal-bill');
  });

  it('usage errors exit 2', async () => {
    expect((await run('inspect')).code).toBe(2);
    expect((await run('inspect', '--bogus', BILL)).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const bad = join(mkdtempSync(join(tmpdir(), 'wxrecon-map-')), 'm.json');
    writeFileSync(bad, '{"columns":{"orderNo":"x"}}');
    const r = await run('inspect', BILL, '--mapping', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('columns.orderNo');
  });

  it('--help describes the command', async () => {
    const r = await run('inspect', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--mapping');
  });

  it('runs as `npx wxrecon` through the bin script', () => {
    const r = spawnSync('npx', ['wxrecon', 'inspect', BILL, '--json'], { encoding: 'utf8', cwd: new URL('../../..', import.meta.url).pathname });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)[0].rows).toBe(3);
  });

  it('stops quietly when the reader closes the pipe early (`wxrecon … | head`)', async () => {
    const bin = new URL('../../../bin/wxrecon.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'inspect', BILL, BILL, BILL, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(status).toBe(0);
  });
});

describe('wxrecon inspect totals', () => {
  it('names every total in the reader\'s language, ledgers included (no raw field keys)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxrecon-inspect-labels-'));
    const ledger = join(dir, 'ledger.csv');
    writeFileSync(ledger, '商户订单号,订单金额,订单状态,退款金额\nA1,1.00,已支付,0.00\nA2,2.00,待支付,0.00\n');
    for (const lang of ['zh-CN', 'en']) {
      const r = await run('inspect', ledger, BILL, '--lang', lang);
      expect(r.code).toBe(0);
      // File paths are in the output, and a temporary folder's random name may look like a field key.
      expect(r.stdout.replace(/\S*\/\S*/g, '<path>'), lang).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b/);
    }
  });
});
