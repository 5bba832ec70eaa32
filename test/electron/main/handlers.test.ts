/**
 * Every channel through the real gate and handlers, as the window would call them: the demo from
 * first run to an exported report, a merchant configured by hand, and a scan of everything that
 * crossed IPC and everything written outside the vault for key material.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMainServices, type MainServices } from '../../../electron/main/handlers.ts';
import { createDispatch, type Dispatch } from '../../../electron/main/ipc/register.ts';
import { isTrustedUrl } from '../../../electron/main/security.ts';
import { runReconcileJob } from '../../../electron/main/workspace/reconcile-job.ts';
import { newDemoMerchant } from '../../../electron/simulator/demo-merchant.ts';
import { startSimulator, type Simulator } from '../../../electron/simulator/server.ts';
import { demoLedgerCsv, demoOrders } from '../../../electron/simulator/demo-data.ts';
import { fakeSafeStorage, memoryStore } from '../../helpers/fake-electron.ts';

const TOP = { url: 'app://wxrecon/index.html', parent: null };
let dir: string;
let services: MainServices;
let dispatch: Dispatch;
let store: ReturnType<typeof memoryStore>;
const wire: string[] = [];
const events: [string, unknown][] = [];

async function call<T = any>(channel: string, payload: unknown = {}): Promise<T> {
  const r = await dispatch(channel, TOP, payload, (e, p) => {
    events.push([e, p]);
    wire.push(JSON.stringify(p));
  });
  wire.push(JSON.stringify(r));
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
}

/** Every file under a folder, as text. */
function allFiles(root: string): string {
  let out = '';
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    out += statSync(p).isDirectory() ? allFiles(p) : readFileSync(p).toString('latin1');
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-main-'));
  store = memoryStore();
  services = createMainServices({ userDataDir: dir, store, safeStorage: fakeSafeStorage(), platform: 'linux', version: '0.1.0', isPackaged: false, lang: () => 'zh-CN', runJob: runReconcileJob });
  dispatch = createDispatch(services.handlers, { isTrustedUrl });
});
afterAll(async () => {
  await services.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the main process handlers, end to end', () => {
  it('runs the demo from first run to an exported report', async () => {
    expect(await call('app:info')).toMatchObject({ version: '0.1.0', lang: 'zh-CN', vault: { protection: 'os' } });
    expect(await call('workspaces:list')).toEqual([]);
    const demo = await call('demo:start');
    expect(demo.merchant).toMatchObject({ id: 'demo', isDemo: true, hasPrivateKey: true, hasApiV3Key: true, hasWechatpayPublicKey: true });
    expect(await call('merchants:test-connection', { id: 'demo' })).toMatchObject({ ok: true, problem: 'none' });
    const files = await call('files:inspect', { paths: [...demo.bills, ...demo.ledgers] });
    expect(files.map((f: { kind: string; integrity: string }) => [f.kind, f.integrity])).toEqual([['trade-bill', 'ok'], ['ledger', 'no-summary']]);
    const ws = await call('workspaces:create', { name: '演示 2026-11-26', merchantId: 'demo', bills: demo.bills, ledgers: demo.ledgers });
    const reconciled = await call('workspaces:reconcile', { id: ws.id });
    expect(reconciled.openCount).toBe(7);
    expect(events.some(([e]) => e === 'workspaces:progressed')).toBe(true);
    const q = await call('queries:start', { workspaceId: ws.id });
    expect(q).toMatchObject({ cancelled: false, failed: 0 });
    expect(events.some(([e]) => e === 'queries:progressed')).toBe(true);
    const page = await call('workspaces:items', { id: ws.id, limit: 50 });
    expect(page.total).toBe(6);
    expect(await call('workspaces:resolve', { id: ws.id, keys: ['DEMO-1008'], status: 'resolved', decision: 'corrected', note: '已更正台账', by: '张会计' })).toEqual({ updated: 1, locked: 0 });
    const out = await call('workspaces:export', { id: ws.id, path: join(dir, '对账报告.xlsx') });
    expect(out.sizeBytes).toBeGreaterThan(1000);
    expect((await call('workspaces:list'))[0]).toMatchObject({ id: ws.id, openCount: 5 });
    expect((await call('workspaces:in-transit')).map((t: { outTradeNo: string }) => t.outTradeNo)).toEqual(['DEMO-1005']);
  });

  it('reads a file in the encoding chosen for it, in the preview and in the reconciliation', async () => {
    const demo = await call('demo:start');
    // The shop's export with a remarks column, one damaged byte in a remark, and no BOM: its first
    // bytes are not UTF-8, so it is taken for GBK and its header is not recognised.
    const lines = demoLedgerCsv().replace(/^\ufeff/, '').split('\r\n').map((l, i) => (l === '' ? l : i === 0 ? `${l},备注` : i === 1 ? `${l},加急\u0001` : `${l},`));
    const bytes = Buffer.from(lines.join('\r\n'), 'utf8');
    bytes[bytes.indexOf(1)] = 0xff;
    const ledger = join(dir, 'damaged-ledger.csv');
    writeFileSync(ledger, bytes);
    const [guessed] = await call('files:inspect', { paths: [ledger] });
    expect(guessed).toMatchObject({ kind: 'unknown', encoding: 'gb18030' });
    expect(guessed.firstRows[0].cells[0]).not.toBe('商户订单号');
    const [chosen] = await call('files:inspect', { paths: [ledger], encodings: { [ledger]: 'utf-8' } });
    expect(chosen).toMatchObject({ kind: 'ledger', encoding: 'utf-8', rows: 10, error: null });
    expect(chosen.firstRows[0].cells[0]).toBe('商户订单号');
    expect(chosen.warnings.map((w: { code: string }) => w.code)).toContain('encoding-invalid-bytes');

    await expect(call('workspaces:create', { name: 'x', bills: demo.bills, ledgers: [ledger], encodings: { [join(dir, 'other.csv')]: 'utf-8' } })).rejects.toMatchObject({ code: 'invalid-request', detail: { field: 'encodings' } });
    await expect(call('workspaces:create', { name: 'x', bills: demo.bills, encodings: { [ledger]: 'big5' } })).rejects.toMatchObject({ code: 'invalid-request' });
    const without = await call('workspaces:create', { name: '未选编码', merchantId: 'demo', bills: demo.bills, ledgers: [ledger] });
    await expect(call('workspaces:reconcile', { id: without.id })).rejects.toMatchObject({ message: expect.stringContaining('damaged-ledger.csv') });
    const ws = await call('workspaces:create', { name: '选了 UTF-8', merchantId: 'demo', bills: demo.bills, ledgers: [ledger], encodings: { [ledger]: 'utf-8' } });
    expect((await call('workspaces:reconcile', { id: ws.id })).openCount).toBe(7);
    await call('workspaces:delete', { id: without.id });
    await call('workspaces:delete', { id: ws.id });
  });

  it('configures a merchant by hand and names what is wrong', async () => {
    const m = await call('merchants:save', { name: '门店一', mchid: '1900000002', api: 'v2', appid: 'wx1', apiV2Key: 'k'.repeat(32) });
    expect(m).toMatchObject({ hasApiV2Key: true, hasApiV3Key: false, api: 'v2' });
    writeFileSync(join(dir, 'not-a-key.pem'), 'hello');
    await expect(call('merchants:import-key-file', { id: m.id, kind: 'private-key', path: join(dir, 'not-a-key.pem') })).rejects.toMatchObject({ code: 'key-invalid', detail: { field: 'not-pem' } });
    await expect(call('merchants:save', { name: 'x', mchid: '1900000002', apiV3Key: 'short' })).rejects.toMatchObject({ code: 'key-invalid' });
    expect((await call('merchants:list')).map((x: { id: string }) => x.id)).toContain(m.id);
    expect(await call('merchants:delete', { id: m.id })).toEqual({ deleted: true });
  });

  it('never sends a secret over IPC, nor writes one outside the vault', async () => {
    // A real merchant's keys too, configured through the channels (not only the demo's).
    const real = newDemoMerchant();
    const sim: Simulator = await startSimulator({ orders: demoOrders(), merchant: real.merchant, wechatpay: real.wechatpay! });
    try {
      const keyFile = join(dir, 'apiclient_key.pem');
      writeFileSync(keyFile, real.merchantPrivateKey.export({ type: 'pkcs8', format: 'pem' }));
      const m = await call('merchants:save', { name: '真实商户', mchid: real.merchant.mchid, appid: real.merchant.appid, baseUrl: sim.baseUrl, certSerialNo: real.merchant.certSerialNo, wechatpayPublicKeyId: real.wechatpay!.id, apiV2Key: real.merchant.apiV2Key, apiV3Key: real.merchant.apiV3Key });
      await call('merchants:import-key-file', { id: m.id, kind: 'private-key', path: keyFile });
      await call('merchants:list');
      await call('merchants:test-connection', { id: m.id });
      rmSync(keyFile);
      const pemBody = (k: import('node:crypto').KeyObject) => String(k.export({ type: 'pkcs8', format: 'pem' })).split('\n').slice(1, -2).join('');
      const secrets = [real.merchant.apiV2Key, real.merchant.apiV3Key!, pemBody(real.merchantPrivateKey)];
      const vaultText = JSON.stringify(store.get('secrets'));
      const outside = store.disk().replace(vaultText, '') + allFiles(dir);
      const sent = wire.join('\n');
      for (const s of secrets) {
        for (const piece of [s, s.slice(0, 24), s.slice(-24)]) {
          expect(sent, 'over IPC').not.toContain(piece);
          expect(outside, 'outside the vault').not.toContain(piece);
        }
      }
      expect(sent).toContain('"hasApiV3Key":true');
    } finally {
      await sim.close();
    }
  });
});
