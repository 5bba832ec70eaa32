/**
 * `wxrecon download-bill` against the simulator: both protocols, gzip or plain, every bill type, a
 * service provider, a merchant on platform certificates; a day without trades, a bill not made
 * yet; and the checks that make an unsigned download trustworthy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../electron/cli/main.ts';
import { startSimulator, type Simulator } from '../../../electron/simulator/server.ts';
import { newDemoMerchant, writeDemoProfile, type DemoMerchantOptions } from '../../../electron/simulator/demo-merchant.ts';
import { demoOrders } from '../../../electron/simulator/demo-data.ts';
import { simTradeBill } from '../../../electron/simulator/bill.ts';
import { buildV3BillDownload, interpretV2DownloadBill, interpretV3BillDownload } from '../../../electron/wechatpay/bill-download.ts';
import { v2Xml } from '../../../electron/wechatpay/v2.ts';

let dir: string;
const sims: Simulator[] = [];
const profiles: Record<string, string> = {};

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-dlbill-'));
  const kinds: Record<string, DemoMerchantOptions> = { direct: {}, partner: { partner: true }, certificates: { certificates: true } };
  for (const [name, opts] of Object.entries(kinds)) {
    const demo = newDemoMerchant(opts);
    const sim = await startSimulator({ orders: demoOrders(), merchant: demo.merchant, ...(demo.wechatpay ? { wechatpay: demo.wechatpay } : {}), ...(demo.platformCertificates ? { platformCertificates: demo.platformCertificates } : {}) });
    sims.push(sim);
    profiles[`${name}-v3`] = await writeDemoProfile(join(dir, `${name}-v3`), demo, sim.baseUrl, 'v3');
    profiles[`${name}-v2`] = await writeDemoProfile(join(dir, `${name}-v2`), demo, sim.baseUrl, 'v2');
  }
});

afterAll(async () => {
  for (const s of sims) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const expected = (billType: 'ALL' | 'SUCCESS' | 'REFUND', date: string, api: 'v2' | 'v3', sub: string | null = null) =>
  simTradeBill(demoOrders(), { date, billType, appid: 'wx0000000000000001', mchid: sub === null ? '1900000001' : '1900000100', subMchid: sub, bom: api === 'v3' })!;

describe('wxrecon download-bill', () => {
  it.each([
    ['v3', false], ['v3', true], ['v2', false], ['v2', true],
  ] as const)('%s (plain: %s) saves the bill byte for byte and says what it checked', async (api, plain) => {
    const out = join(dir, `bill-${api}-${plain}.csv`);
    const r = await run(['download-bill', '--merchant', profiles[`direct-${api}`]!, '--date', '2026-11-26', '--out', out, '--json', ...(plain ? ['--plain'] : [])]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.toString('utf8')).toBe(expected('ALL', '2026-11-26', api));
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ date: '2026-11-26', billType: 'ALL', api, exists: true, rows: 8, integrity: 'ok', compressed: !plain, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    if (api === 'v3') expect(doc).toMatchObject({ hashType: 'SHA1', hashValue: createHash('sha1').update(bytes).digest('hex') });
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it.each(['SUCCESS', 'REFUND'] as const)('fetches the %s bill in its own layout', async (type) => {
    const out = join(dir, `bill-${type}.csv`);
    const r = await run(['download-bill', '--merchant', profiles['direct-v3']!, '--date', '2026-11-26', '--type', type, '--out', out, '--lang', 'zh-CN']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^已保存 2026-11-26 .+账单.+SHA1 校验通过/);
    expect(readFileSync(out, 'utf8')).toBe(expected(type, '2026-11-26', 'v3'));
    expect(readFileSync(out, 'utf8')).toContain(type === 'REFUND' ? '`RDEMO-1002' : '`DEMO-1009');
  });

  it.each(['partner', 'certificates'])('works for a %s merchant too, in both protocols', async (kind) => {
    for (const api of ['v3', 'v2'] as const) {
      const out = join(dir, `bill-${kind}-${api}.csv`);
      const r = await run(['download-bill', '--merchant', profiles[`${kind}-${api}`]!, '--date', '2026-11-26', '--out', out]);
      expect(r.stderr).toBe('');
      expect(readFileSync(out, 'utf8')).toBe(expected('ALL', '2026-11-26', api, kind === 'partner' ? '1900000109' : null));
    }
  });

  it('a day without trades is an answer (exit 0), and nothing is saved', async () => {
    for (const api of ['v3', 'v2'] as const) {
      const out = join(dir, `none-${api}.csv`);
      const r = await run(['download-bill', '--merchant', profiles[`direct-${api}`]!, '--date', '2026-11-20', '--out', out, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ date: '2026-11-20', billType: 'ALL', api, exists: false, reason: 'NO_BILL_EXIST' });
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a bill not made yet (today) fails with the time to come back, in the user\'s language', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const api of ['v3', 'v2'] as const) {
      const r = await run(['download-bill', '--merchant', profiles[`direct-${api}`]!, '--date', today, '--out', join(dir, 'today.csv'), '--lang', 'zh-CN']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('尚未生成，请在次日 10 点后再下载');
    }
  });

  it('refuses bad usage with one line', async () => {
    expect((await run(['download-bill', '--merchant', profiles['direct-v3']!, '--date', '2026-02-30', '--out', 'x'])).code).toBe(2);
    expect((await run(['download-bill', '--merchant', profiles['direct-v3']!, '--date', '2026-11-26', '--type', 'FUND', '--out', 'x'])).code).toBe(2);
    expect((await run(['download-bill', '--merchant', profiles['direct-v3']!, '--date', '2026-11-26'])).code).toBe(2);
  });

  it('a signed ticket changed on the way is refused before anything is downloaded', async () => {
    sims[0]!.faults.tamper = true;
    try {
      const r = await run(['download-bill', '--merchant', profiles['direct-v3']!, '--date', '2026-11-26', '--out', join(dir, 'tampered.csv')]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('RESPONSE_NOT_VERIFIED');
      expect(existsSync(join(dir, 'tampered.csv'))).toBe(false);
    } finally {
      sims[0]!.faults.tamper = false;
    }
  });
});

describe('the checks of a downloaded bill', () => {
  const text = '\ufeff交易时间,公众账号ID\r\n`2026-11-26 10:00:00,`wx1\r\n';
  const ticket = { hashType: 'SHA1', hashValue: createHash('sha1').update(text).digest('hex'), downloadUrl: 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc' };
  const reply = (bytes: Uint8Array, status = 200) => ({ status, headers: {}, body: '', bytes });

  it('v3: the SHA-1 is of the unzipped bytes; a bill that differs by one byte or is cut off is refused', () => {
    expect(Buffer.from(interpretV3BillDownload(reply(gzipSync(text)), ticket, true)).toString('utf8')).toBe(text);
    expect(() => interpretV3BillDownload(reply(Buffer.from(text.replace('10:00', '10:01'))), ticket, false)).toThrow(expect.objectContaining({ code: 'BILL_HASH_MISMATCH' }));
    const gz = gzipSync(text);
    expect(() => interpretV3BillDownload(reply(gz.subarray(0, gz.length - 9)), ticket, true)).toThrow(expect.objectContaining({ code: 'BILL_CORRUPT' }));
  });

  it('v3: the Authorization header is never sent to a host other than the profile\'s', () => {
    const cred = { mchid: '1900000001', certSerialNo: 'AB', privateKey: newDemoMerchant().merchantPrivateKey };
    expect(buildV3BillDownload(cred, ticket, 'https://api.mch.weixin.qq.com', 1, 'n').path).toBe('/v3/billdownload/file?token=abc');
    expect(() => buildV3BillDownload(cred, { ...ticket, downloadUrl: 'https://evil.example/v3/billdownload/file?token=abc' }, 'https://api.mch.weixin.qq.com', 1, 'n')).toThrow(/another host/);
  });

  it('v2: WeChat\'s error XML is told from a bill, plain or where a gzip was asked for', () => {
    const xml = (msg: string) => Buffer.from(v2Xml({ return_code: 'FAIL', return_msg: msg, error_code: '20002' }));
    expect(() => interpretV2DownloadBill(reply(xml('No Bill Exist')), true)).toThrow(expect.objectContaining({ code: 'NO_BILL_EXIST' }));
    expect(() => interpretV2DownloadBill(reply(xml('NO Bill Exist')), false)).toThrow(expect.objectContaining({ code: 'NO_BILL_EXIST' }));
    expect(() => interpretV2DownloadBill(reply(xml('Bill Creating')), false)).toThrow(expect.objectContaining({ code: 'BILL_CREATING' }));
    expect(() => interpretV2DownloadBill(reply(xml('SYSTEMERROR')), false)).toThrow(expect.objectContaining({ code: 'SYSTEMERROR', retryable: true }));
    expect(() => interpretV2DownloadBill(reply(Buffer.from('<html>502</html>')), false)).toThrow(expect.objectContaining({ code: 'RESPONSE_INVALID' }));
    expect(Buffer.from(interpretV2DownloadBill(reply(Buffer.from(text)), false)).toString('utf8')).toBe(text);
  });
});
