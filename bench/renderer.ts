/**
 * `node bench/renderer.ts [ITEMS]`: the app's discrepancy table with a workspace of ITEMS items
 * (default 1,000,000), in Debian's Chromium through the loopback bridge against the real handlers,
 * as a user meets it: the time to the first rows painted, to a filtered, a sorted and a searched
 * table, the frame times while scrolling with the wheel and while dragging to the end, and the
 * longest task that blocked the page's thread throughout (the target: none over 100 ms). The
 * workspace is made once and kept in bench/.data. Prints one JSON object, with a timeline of when
 * each action began and when each long task fell; WXRECON_PROFILE=1 also prints where the page's
 * CPU went while scrolling (a sampled profile).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES } from '../shared/recon/types.ts';
import { Workspace } from '../electron/main/workspace/store.ts';
import { createMainServices } from '../electron/main/handlers.ts';
import { startLoopbackBridge } from '../electron/dev/loopback-bridge.ts';
import { syntheticReport } from './workspace-items.ts';
import { fakeSafeStorage, memoryStore } from '../test/helpers/fake-electron.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { ensureBuilt, ROOT } from '../test/helpers/build.ts';

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } }

/** For each task over 50 ms on the page's main thread: its length and the events nested in it, by total time. */
function longTaskAnatomy(trace: { traceEvents: TraceEvent[] }): string {
  const events = trace.traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (main === undefined) return 'no renderer main thread in the trace';
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur! > 50_000);
  return tasks.map((task) => {
    const inside = new Map<string, number>();
    for (const e of onMain) {
      if (e === task || e.ts < task.ts || e.ts + e.dur! > task.ts + task.dur!) continue;
      inside.set(e.name, (inside.get(e.name) ?? 0) + e.dur!);
    }
    const top = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ');
    return `task ${(task.dur! / 1000).toFixed(1)} ms: ${top}`;
  }).join('\n');
}

const n = Number(process.argv[2] ?? 1_000_000);
const user = join(ROOT, 'bench', '.data', `renderer-${n}`);
const id = `bench${n}`;
const root = join(user, 'workspaces');
if (!existsSync(Workspace.fileOf(root, id))) {
  mkdirSync(root, { recursive: true });
  const w = Workspace.create(root, { id, name: `${n.toLocaleString()} 条差异`, merchantId: null, settings: { crossDayWindowMinutes: 30, amountToleranceFen: 0 }, inputs: [] });
  w.saveResult(syntheticReport(n), new Map(CATEGORIES.map((c, i) => [c, i])));
  w.close();
}
await ensureBuilt();
const services = createMainServices({ userDataDir: user, store: memoryStore(), safeStorage: fakeSafeStorage(), platform: 'linux', version: '0.1.0', isPackaged: false, lang: () => 'zh-CN' });
const bridge = await startLoopbackBridge({ handlers: services.handlers, rendererDir: join(ROOT, 'out/renderer') });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await page.addInitScript(bridge.script);
  // Long tasks (over 50 ms) on the page's thread, from the first script on.
  await page.addInitScript(() => {
    const g = globalThis as unknown as { __long: { at: number; ms: number }[] };
    g.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) g.__long.push({ at: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true } as unknown as PerformanceObserverInit);
  });
  const rowLoaded = '[role="row"][aria-rowindex="2"] [role="gridcell"]:nth-child(3)';
  const started = Date.now();
  await page.goto(`${bridge.url}/#/workspace/${id}/items`);
  await page.waitForFunction((sel) => {
    const cell = document.querySelector(sel);
    return cell !== null && /WX\d{12}/.test(cell.textContent ?? '');
  }, rowLoaded, { timeout: 60_000 });
  const firstPaintMs = Date.now() - started;
  const paintedAt = await page.evaluate(() => performance.now());

  /** Time from an action to the table's first row showing an order number that matches `pattern` (and not `unlike`). */
  const marks: Record<string, number> = {};
  const timed = async (act: () => Promise<void>, pattern: string, unlike = '^$', label = '') => {
    if (label !== '') marks[label] = await page.evaluate(() => performance.now());
    const before = Date.now();
    await act();
    await page.waitForFunction(([sel, p, u]) => {
      const m = /WX\d{12}/.exec(document.querySelector(sel!)?.textContent ?? '');
      return m !== null && new RegExp(p!).test(m[0]) && !new RegExp(u!).test(m[0]);
    }, [rowLoaded, pattern, unlike], { timeout: 60_000 });
    return Date.now() - before;
  };
  const input = page.getByTestId('search').locator('input');
  const target = `WX${String(n - 7).padStart(12, '0')}`;
  const searchMs = await timed(async () => {
    await input.fill(target);
    await input.press('Enter');
  }, `^${target}$`, '^$', 'search');
  await input.fill('');
  await input.press('Enter');
  await page.waitForFunction(() => /WX000000000000/.test(document.querySelector('[role="row"][aria-rowindex="2"]')?.textContent ?? ''));
  const sortMs = await timed(async () => {
    await page.getByTestId('sort').click();
    await page.getByText('金额从大到小').click();
  }, '^WX', '^WX000000000000$', 'sort');
  // Refund differences are every eighth item from the fifth (WX…4, WX…12, …).
  const filterMs = await timed(async () => {
    await page.getByTestId('filter-category').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '退款不符' }).click();
    await page.keyboard.press('Escape');
  }, '^WX', '^WX000000000000$', 'filter');
  marks.scroll = await page.evaluate(() => performance.now());
  // Frame times while wheeling through the table, and while jumping to its end (keyboard End).
  // Focus without clicking: a click on a row opens its detail, measured on its own below.
  await page.evaluate(() => (document.querySelector('[role="grid"]') as HTMLElement).focus());
  const cdp = process.env.WXRECON_PROFILE ? await page.context().newCDPSession(page) : null;
  // WXRECON_TRACE=1: what the long tasks while scrolling were made of (script, style, layout, paint…).
  if (process.env.WXRECON_TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute'] });
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const frames = await page.evaluate(async () => {
    const grid = document.querySelector('[role="grid"]') as HTMLElement;
    const deltas: number[] = [];
    let last = performance.now();
    let going = true;
    const tick = (t: number) => {
      deltas.push(t - last);
      last = t;
      if (going) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    for (let i = 0; i < 120; i++) {
      grid.dispatchEvent(new WheelEvent('wheel', { deltaY: 240, bubbles: true }));
      grid.scrollTop += 240;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
    }
    going = false;
    return deltas.slice(1);
  });
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((sid, i) => {
      const node = byId.get(sid)!;
      const k = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
      self.set(k, (self.get(k) ?? 0) + (deltas[i] ?? 0));
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    process.stderr.write([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${((v / total) * 100).toFixed(1)}% ${k}`).join('\n') + '\n');
  }
  if (process.env.WXRECON_TRACE) process.stderr.write(longTaskAnatomy(JSON.parse((await browser.stopTracing()).toString('utf8'))) + '\n');
  marks.end = await page.evaluate(() => performance.now());
  await page.keyboard.press('End');
  await page.waitForTimeout(1500);
  const endShown = await page.evaluate(() => document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount'));
  // The detail panel of a row: opened by a click, shown when its explanation is there.
  marks.detail = await page.evaluate(() => performance.now());
  const detailStarted = Date.now();
  await page.locator('[role="row"][aria-rowindex]').nth(3).click();
  await page.getByTestId('item-drawer').getByText('WX', { exact: false }).first().waitFor({ timeout: 30_000 });
  const detailMs = Date.now() - detailStarted;
  await page.waitForTimeout(800);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(800);
  marks.done = await page.evaluate(() => performance.now());
  const longTasks = await page.evaluate(() => (globalThis as unknown as { __long: { at: number; ms: number }[] }).__long);
  const loading = longTasks.filter((x) => x.at < paintedAt).map((x) => x.ms);
  const using = longTasks.filter((x) => x.at >= paintedAt).map((x) => x.ms);
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
  process.stdout.write(JSON.stringify({
    items: n, firstPaintMs, searchMs, sortMs, filterMs, detailMs,
    scrollFrameMs: { p50: pct(0.5), p95: pct(0.95), max: pct(1), frames: frames.length },
    // Loading the page (parsing the bundle, first styles) and using it, apart.
    // Where the long tasks fell, against when each action began (page clock, ms).
    timeline: { paintedAt: Math.round(paintedAt), ...Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, Math.round(v)])), longTasks: longTasks.filter((x) => x.at >= paintedAt).map((x) => [Math.round(x.at), Math.round(x.ms)]) },
    longestTaskWhileLoadingMs: Math.round(Math.max(0, ...loading)), longestTaskWhileUsingMs: Math.round(Math.max(0, ...using)), longTasksWhileUsing: using.length, ariaRowCount: Number(endShown),
    // The longest task after each action began (until the next one did).
    longestTaskByActionMs: Object.fromEntries(Object.entries(marks).map(([k, at]) => {
      const next = Math.min(...Object.values(marks).filter((v) => v > at), Infinity);
      return [k, Math.round(Math.max(0, ...longTasks.filter((x) => x.at >= at && x.at < next).map((x) => x.ms)))];
    })),
  }) + '\n');
} finally {
  await browser.close();
  await bridge.close();
  await services.shutdown();
}
