/**
 * No log line carries a secret: the redaction rules on hostile text, and every command that talks
 * to WeChat Pay run with --verbose against the simulator, its whole output searched for key material.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact } from '../../../electron/log/redact.ts';
import { main } from '../../../electron/cli/main.ts';
import { startSimulator, type Simulator } from '../../../electron/simulator/server.ts';
import { newDemoMerchant, writeDemoProfile, type DemoMerchant } from '../../../electron/simulator/demo-merchant.ts';
import { demoLedgerCsv, demoOrders, demoBillCsv } from '../../../electron/simulator/demo-data.ts';
import { writeFileSync } from 'node:fs';

describe('redact', () => {
  const key = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
  it.each([
    ['an Authorization header', 'authorization: WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="N",timestamp="1",serial_no="S",signature="QUJD+/=="', ['QUJD', 'nonce_str="N"']],
    ['a signature field', 'Wechatpay-Signature: c2lnbmF0dXJl+/==', ['c2lnbmF0dXJl']],
    ['a PEM key', 'key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----', ['MIIEvQ']],
    ['a v2 sign', '<xml><sign><![CDATA[0123456789ABCDEF0123456789ABCDEF]]></sign></xml> and sign=0123456789abcdef0123456789abcdef', ['0123456789ABCDEF', '0123456789abcdef']],
    ['a bill download token', 'GET /v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO', ['6XIv5TUP']],
    ['a payer openid', '{"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}} <sub_openid><![CDATA[oUpF8uMuAJO_M2pxb1Q9zNjWeS6o]]>', ['oUpF8uMu']],
    ['the APIv2 key anywhere', `stringSignTemp=appid=wx1&key=${key}`, [key]],
  ])('cuts %s out', (_, text, secrets) => {
    const out = redact(text, [key]);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain('[redacted');
  });

  it('leaves what a finance user needs to see', () => {
    const line = 'GET /v3/pay/transactions/out-trade-no/DEMO-1001?mchid=1900000001 → 200 in 12 ms (Request-ID 08F1C4E5A2B3)';
    expect(redact(line, [key])).toBe(line);
  });
});

describe('--verbose logs requests and nothing secret', () => {
  let dir: string;
  let sim: Simulator;
  let demo: DemoMerchant;
  let profile: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxrecon-redact-'));
    demo = newDemoMerchant();
    sim = await startSimulator({ orders: demoOrders(), merchant: demo.merchant, wechatpay: demo.wechatpay! });
    profile = await writeDemoProfile(dir, demo, sim.baseUrl);
    writeFileSync(join(dir, 'bill.csv'), demoBillCsv());
    writeFileSync(join(dir, 'ledger.csv'), demoLedgerCsv());
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('query, close, download-bill and reconcile --query, in both protocols', async () => {
    let all = '';
    const io = { stdout: (t: string) => (all += t), stderr: (t: string) => (all += t) };
    for (const api of ['v3', 'v2']) {
      await main(['query', '--merchant', profile, '--out-trade-no', 'DEMO-1001', '--api', api, '--verbose'], io);
      await main(['download-bill', '--merchant', profile, '--date', '2026-11-26', '--out', join(dir, `b-${api}.csv`), '--api', api, '--verbose'], io);
      await main(['close', '--merchant', profile, '--out-trade-no', api === 'v3' ? 'DEMO-1003' : 'DEMO-1006', '--yes', '--api', api, '--record', join(dir, 'closes.jsonl'), '--verbose'], io);
    }
    await main(['reconcile', '--bill', join(dir, 'bill.csv'), '--ledger', join(dir, 'ledger.csv'), '--query', '--merchant', profile, '--journal', join(dir, 'q.jsonl'), '--verbose'], io);
    expect(all).toMatch(/GET \/v3\/pay\/transactions\/out-trade-no\/DEMO-1001\?mchid=1900000001 → 200 in \d+ ms \(Request-ID \w+\)/);
    expect(all).toMatch(/POST \/pay\/orderquery → 200/);
    expect(all).toMatch(/GET \/v3\/billdownload\/file\?token=\[redacted\] → 200/);
    const pem = readFileSync(join(dir, 'apiclient_key.pem'), 'utf8').split('\n')[1]!;
    for (const secret of [demo.merchant.apiV2Key, demo.merchant.apiV3Key!, pem.slice(0, 24), 'WECHATPAY2-SHA256-RSA2048 mchid', 'signature=', 'oDemoUser']) {
      expect(all).not.toContain(secret);
    }
  });
});
