import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PauseController, readJournal, runQueries } from '../../../electron/query-run/run.ts';
import { WechatPayError, type OrderQueryResult, type OrderRef } from '../../../electron/wechatpay/order-query.ts';

const result = (outTradeNo: string, tradeState: OrderQueryResult['tradeState']): OrderQueryResult => ({
  outTradeNo, transactionId: tradeState === 'SUCCESS' ? `42000${outTradeNo.padStart(23, '0')}` : null, tradeState, tradeStateDesc: '', totalFen: 100, payerTotalFen: null,
  successTime: tradeState === 'SUCCESS' ? '2026-11-26T12:00:00+08:00' : null, api: 'v3', queriedAt: '2026-11-27T09:30:00+08:00', requestId: `r-${outTradeNo}`,
});
const refs = (n: number): OrderRef[] => Array.from({ length: n }, (_, i) => ({ outTradeNo: `K${i}` }));
const workdir = () => mkdtempSync(join(tmpdir(), 'wxrecon-run-'));

describe('query runs', () => {
  it('pauses between queries (those in flight finish and are kept) and goes on where it was on resume', async () => {
    const dir = workdir();
    const pause = new PauseController();
    const asked: string[] = [];
    const seen: { paused: boolean; done: number }[] = [];
    let release!: () => void;
    const reachedTen = new Promise<void>((r) => (release = r));
    const running = runQueries(refs(30), async (ref) => {
      asked.push(ref.outTradeNo!);
      if (asked.length === 10) {
        pause.pause();
        release();
      }
      await new Promise((r) => setTimeout(r, 2));
      return result(ref.outTradeNo!, 'SUCCESS');
    }, { journalPath: join(dir, 'j.jsonl'), requestsPerSecond: 10_000, concurrency: 3, pause, onProgress: (p) => seen.push({ paused: p.paused, done: p.done }) });
    await reachedTen;
    await new Promise((r) => setTimeout(r, 100));
    // Held: the two others in flight when it paused may finish; nothing new starts.
    const askedWhilePaused = asked.length;
    expect(askedWhilePaused).toBeLessThanOrEqual(12);
    await new Promise((r) => setTimeout(r, 100));
    expect(asked.length).toBe(askedWhilePaused);
    expect(seen.some((p) => p.paused)).toBe(true);
    pause.resume();
    const r = await running;
    expect(asked.sort()).toEqual(refs(30).map((x) => x.outTradeNo).sort());
    expect(r.progress).toMatchObject({ done: 30, paused: false });
    rmSync(dir, { recursive: true, force: true });
  });

  it('a paused run can still be cancelled', async () => {
    const dir = workdir();
    const pause = new PauseController();
    pause.pause();
    const controller = new AbortController();
    const running = runQueries(refs(5), async (ref) => result(ref.outTradeNo!, 'SUCCESS'), { journalPath: join(dir, 'j.jsonl'), requestsPerSecond: 100, concurrency: 2, pause, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const r = await running;
    expect([r.cancelled, r.progress.done]).toEqual([true, 0]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every order exactly once, journals each answer, and reports progress', async () => {
    const dir = workdir();
    const asked: string[] = [];
    const progress: number[] = [];
    const r = await runQueries([...refs(50), { outTradeNo: 'K3' }], async (ref) => {
      asked.push(ref.outTradeNo!);
      return result(ref.outTradeNo!, Number(ref.outTradeNo!.slice(1)) % 3 === 0 ? 'NOTPAY' : 'SUCCESS');
    }, { journalPath: join(dir, 'j.jsonl'), requestsPerSecond: 10_000, concurrency: 8, onProgress: (p) => progress.push(p.done) });
    expect(asked.sort()).toEqual(refs(50).map((x) => x.outTradeNo).sort());
    expect(r.live.size).toBe(50);
    expect(r.live.get('K1')).toMatchObject({ tradeState: 'SUCCESS', requestId: 'r-K1', queriedAt: '2026-11-27T09:30:00+08:00' });
    expect(r.progress).toMatchObject({ total: 50, done: 50, failed: 0, reused: 0 });
    expect(progress.at(-1)).toBe(50);
    expect(readFileSync(join(dir, 'j.jsonl'), 'utf8').trim().split('\n')).toHaveLength(50);
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes from its journal: final answers are reused, NOTPAY is asked again, a torn last line is ignored', async () => {
    const dir = workdir();
    const journal = join(dir, 'j.jsonl');
    writeFileSync(journal, [JSON.stringify({ key: 'o:K0', result: result('K0', 'SUCCESS') }), JSON.stringify({ key: 'o:K1', result: result('K1', 'NOTPAY') }), JSON.stringify({ key: 'o:K2', error: { code: 'X', message: 'x' } })].join('\n') + '\n');
    appendFileSync(journal, '{"key":"o:K3","result":{"outTra');
    const asked: string[] = [];
    const r = await runQueries(refs(5), async (ref) => (asked.push(ref.outTradeNo!), result(ref.outTradeNo!, 'CLOSED')), { journalPath: journal, requestsPerSecond: 1000, concurrency: 2 });
    expect(asked.sort()).toEqual(['K1', 'K2', 'K3', 'K4']);
    expect(r.progress.reused).toBe(1);
    expect(r.live.get('K0')!.tradeState).toBe('SUCCESS');
    expect(r.live.get('K1')!.tradeState).toBe('CLOSED');
    expect((await readJournal(journal)).get('o:K1')).toMatchObject({ result: { tradeState: 'CLOSED' } });
    rmSync(dir, { recursive: true, force: true });
  });

  it('slows down when WeChat says FREQUENCY_LIMITED instead of failing, and records real failures', async () => {
    const dir = workdir();
    let limited = 0;
    const r = await runQueries(refs(20), async (ref) => {
      if (ref.outTradeNo === 'K5' && limited++ < 2) throw new WechatPayError('FREQUENCY_LIMITED', '频率超限', { rateLimited: true, httpStatus: 429 });
      if (ref.outTradeNo === 'K7') throw new WechatPayError('NO_AUTH', '商户无权限', { httpStatus: 403 });
      return result(ref.outTradeNo!, 'SUCCESS');
    }, { journalPath: join(dir, 'j.jsonl'), requestsPerSecond: 500, concurrency: 4 });
    expect(limited).toBe(3);
    expect(r.live.has('K5')).toBe(true);
    expect(r.failures.get('K7')).toEqual({ code: 'NO_AUTH', message: 'NO_AUTH: 商户无权限' });
    expect(r.progress).toMatchObject({ done: 19, failed: 1 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps to the configured rate', async () => {
    const dir = workdir();
    const started = performance.now();
    await runQueries(refs(30), async (ref) => result(ref.outTradeNo!, 'SUCCESS'), { journalPath: join(dir, 'j.jsonl'), requestsPerSecond: 100, concurrency: 8 });
    // 30 queries at 100/s with a bucket of 10: at least ~0.2 s; generous upper bound for a busy machine.
    expect(performance.now() - started).toBeGreaterThan(180);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops when cancelled, keeping what it has, and a later run finishes the rest', async () => {
    const dir = workdir();
    const journal = join(dir, 'j.jsonl');
    const controller = new AbortController();
    const first = await runQueries(refs(40), async (ref) => {
      if (ref.outTradeNo === 'K9') controller.abort();
      return result(ref.outTradeNo!, 'SUCCESS');
    }, { journalPath: journal, requestsPerSecond: 10_000, concurrency: 1, signal: controller.signal });
    expect(first.cancelled).toBe(true);
    expect(first.live.size).toBeLessThan(40);
    const asked: string[] = [];
    const second = await runQueries(refs(40), async (ref) => (asked.push(ref.outTradeNo!), result(ref.outTradeNo!, 'SUCCESS')), { journalPath: journal, requestsPerSecond: 10_000, concurrency: 4 });
    expect(second.live.size).toBe(40);
    expect(asked.length + second.progress.reused).toBe(40);
    expect(second.progress.reused).toBe(first.live.size);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a query run against the simulator with faults', () => {
  it.each(['v3', 'v2'] as const)('%s: a tenth of requests failing, some replies cut off, a QPS limit; every order answered exactly once in the journal', async (api) => {
    const { startSimulator } = await import('../../../electron/simulator/server.ts');
    const { newDemoMerchant, writeDemoProfile } = await import('../../../electron/simulator/demo-merchant.ts');
    const { readProfile } = await import('../../../electron/wechatpay/profile.ts');
    const { closePools, queryOrder } = await import('../../../electron/wechatpay/client.ts');
    const dir = workdir();
    const demo = newDemoMerchant();
    const orders = Array.from({ length: 240 }, (_, i) => ({ outTradeNo: `F${i}`, transactionId: i % 2 === 0 ? `42000000012026112600${String(i).padStart(8, '0')}` : null, tradeState: (i % 2 === 0 ? 'SUCCESS' : 'NOTPAY') as 'SUCCESS' | 'NOTPAY', totalFen: 100 + i, successTime: i % 2 === 0 ? '2026-11-26T12:00:00+08:00' : null }));
    const sim = await startSimulator({ orders, merchant: demo.merchant, wechatpay: demo.wechatpay, faults: { errorRate: 0.1, truncateRate: 0.05, qps: 150, seed: 7 } });
    try {
      const profile = await readProfile(await writeDemoProfile(dir, demo, sim.baseUrl, api));
      const journal = join(dir, 'j.jsonl');
      const r = await runQueries(orders.map((o) => ({ outTradeNo: o.outTradeNo })), (ref, signal) => queryOrder(profile, ref, { backoffMs: 5, ...(signal ? { signal } : {}) }), { journalPath: journal, requestsPerSecond: 400, concurrency: 8 });
      expect(sim.stats.faults).toBeGreaterThan(20);
      expect([...r.failures.values()].slice(0, 3)).toEqual([]);
      expect(r.live.size).toBe(240);
      const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; result?: { tradeState: string; totalFen: number } });
      expect(lines).toHaveLength(240);
      expect(new Set(lines.map((l) => l.key)).size).toBe(240);
      expect(lines.every((l) => l.result !== undefined)).toBe(true);
      expect(r.live.get('F10')).toMatchObject({ tradeState: 'SUCCESS', totalFen: 110 });
      expect(r.live.get('F11')).toMatchObject({ tradeState: 'NOTPAY', totalFen: 111 });
    } finally {
      await closePools();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
