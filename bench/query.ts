/**
 * `node bench/query.ts [ORDERS]`: live-query throughput against the simulator, which runs in a
 * child process (its own core), as WeChat Pay would be another machine. Signed and verified
 * queries in v3 and v2 with no rate limit (default 20,000 orders each), then the rate limiter's
 * accuracy at 50 requests/s. Prints one JSON object.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

if (process.argv[2] === '--server') {
  // The child: the simulator with N paid orders and a demo profile; prints "baseUrl profilePath".
  const { startSimulator } = await import('../electron/simulator/server.ts');
  const { newDemoMerchant, writeDemoProfile } = await import('../electron/simulator/demo-merchant.ts');
  const n = Number(process.argv[3]);
  const dir = process.argv[4]!;
  const orders = Array.from({ length: n }, (_, i) => ({ outTradeNo: `Q${i}`, transactionId: `42000000012026112600${String(i).padStart(8, '0')}`, tradeState: 'SUCCESS' as const, totalFen: 100 + (i % 1000), successTime: '2026-11-26T12:00:00+08:00' }));
  const demo = newDemoMerchant();
  const sim = await startSimulator({ orders, merchant: demo.merchant, wechatpay: demo.wechatpay! });
  const profile = await writeDemoProfile(dir, demo, sim.baseUrl);
  process.stdout.write(`${sim.baseUrl} ${profile}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
} else {
  const n = Number(process.argv[2] ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), 'wxrecon-bench-query-'));
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--server', String(n), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const [, profilePath] = line.split(' ');
    const { readProfile } = await import('../electron/wechatpay/profile.ts');
    const { closePools, queryOrder } = await import('../electron/wechatpay/client.ts');
    const { runQueries } = await import('../electron/query-run/run.ts');
    const base = await readProfile(profilePath!);
    const out: Record<string, unknown> = { orders: n };
    for (const api of ['v3', 'v2'] as const) {
      const profile = { ...base, api, concurrency: 64 };
      const refs = Array.from({ length: n }, (_, i) => ({ outTradeNo: `Q${i}` }));
      // Warm the connections and the code paths.
      for (let i = 0; i < 200; i++) await queryOrder(profile, refs[i]!);
      const cpu = process.cpuUsage();
      const started = performance.now();
      let next = 0;
      let wrong = 0;
      await Promise.all(Array.from({ length: 64 }, async () => {
        while (next < n) {
          const ref = refs[next++]!;
          const r = await queryOrder(profile, ref);
          if (r.tradeState !== 'SUCCESS' || r.outTradeNo !== ref.outTradeNo) wrong++;
        }
      }));
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      out[api] = { queriesPerSec: Math.round(n / (wallMs / 1000)), wallMs: Math.round(wallMs), clientCpuUsPerQuery: Math.round((used.user + used.system) / n), wrong };
    }
    // The rate limiter: 50 requests/s through a query run.
    const rateN = 250;
    const started = performance.now();
    const run = await runQueries(Array.from({ length: rateN }, (_, i) => ({ outTradeNo: `Q${i}` })), (ref) => queryOrder(base, ref), { journalPath: join(dir, 'rate.jsonl'), requestsPerSecond: 50, concurrency: 8 });
    const seconds = (performance.now() - started) / 1000;
    // The bucket starts with 5 tokens (a tenth of a second's worth): the first ones are free.
    out.rateLimit = { configuredPerSec: 50, achievedPerSec: +((rateN - 5) / seconds).toFixed(2), answered: run.live.size };
    await closePools();
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    child.stdin!.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
