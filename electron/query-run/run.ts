/**
 * A query run: thousands of live order queries as a job, not a loop. Bounded concurrency, a
 * token-bucket rate (the profile's `requestsPerSecond`) that halves (at most once a second) while
 * WeChat answers FREQUENCY_LIMITED and creeps back, progress events, cancel through an AbortSignal, and an
 * append-only journal (JSON lines) so that a run killed at any moment resumes without asking again
 * for what it already has and without losing an answer. Final states found in the journal are
 * reused with the time they were seen; NOTPAY, USERPAYING and ACCEPT are asked again.
 */
import { appendFile, open, readFile } from 'node:fs/promises';
import type { LiveState } from '../../shared/recon/types.ts';
import { NON_FINAL_LIVE_STATES } from '../../shared/recon/types.ts';
import { WechatPayError, type OrderQueryResult, type OrderRef } from '../wechatpay/order-query.ts';

export interface QueryRunProgress {
  /** Held by a PauseController: nothing new is asked until it resumes. */
  paused: boolean;
  total: number;
  done: number;
  failed: number;
  /** Answers taken from the journal of an earlier run. */
  reused: number;
  /** Queries per second over the last few seconds. */
  ratePerSec: number;
  etaSec: number | null;
}

export interface QueryRunOptions {
  /** The journal file; created if missing, appended to, read on start to resume. */
  journalPath: string;
  requestsPerSecond: number;
  concurrency: number;
  signal?: AbortSignal;
  /** Pause and resume (the app's button); queries already in flight finish and are recorded. */
  pause?: PauseController;
  onProgress?: (p: QueryRunProgress) => void;
  /** Milliseconds clock (tests). */
  nowMs?: () => number;
}

export interface QueryRunResult {
  live: Map<string, LiveState>;
  failures: Map<string, { code: string; message: string }>;
  cancelled: boolean;
  progress: QueryRunProgress;
}

/** Holds a run between queries; `resume()` lets it go on where it was. */
export class PauseController {
  private waiting: { promise: Promise<void>; release: () => void } | null = null;
  private readonly listeners = new Set<() => void>();

  get paused(): boolean {
    return this.waiting !== null;
  }

  pause(): void {
    if (this.waiting !== null) return;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.waiting = { promise, release };
    for (const l of this.listeners) l();
  }

  resume(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.release();
    for (const l of this.listeners) l();
  }

  /** Resolves at once when running, else when resumed. */
  async whileRunning(): Promise<void> {
    while (this.waiting !== null) await this.waiting.promise;
  }

  /** Called on every pause and resume (the run reports progress then). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Times an order whose failure may pass (network, 5xx, SYSTEM_ERROR) is queued again, after the client's own retries. */
const MAX_REQUEUES = 5;

type JournalLine = { key: string; result: OrderQueryResult } | { key: string; error: { code: string; message: string } };

const keyOf = (ref: OrderRef): string => (ref.outTradeNo !== undefined ? `o:${ref.outTradeNo}` : `t:${ref.transactionId}`);

function toLive(r: OrderQueryResult): LiveState {
  return { outTradeNo: r.outTradeNo, transactionId: r.transactionId, tradeState: r.tradeState, totalFen: r.totalFen, successTime: r.successTime, queriedAt: r.queriedAt, ...(r.requestId !== undefined ? { requestId: r.requestId } : {}), ...(r.refunds !== undefined ? { refunds: r.refunds } : {}) };
}

async function readJournalText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** The journal's answers by key; a torn last line (a crash mid-write) is left out, later lines win. */
export async function readJournal(path: string): Promise<Map<string, JournalLine>> {
  return parseJournal(await readJournalText(path));
}

/** Every answer a journal holds, as live states by order number (what a reconciliation takes). */
export async function liveStatesFromJournal(path: string): Promise<Map<string, LiveState>> {
  const live = new Map<string, LiveState>();
  for (const [key, entry] of await readJournal(path)) if ('result' in entry) live.set(entry.result.outTradeNo || key.slice(2), toLive(entry.result));
  return live;
}

function parseJournal(text: string): Map<string, JournalLine> {
  const out = new Map<string, JournalLine>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as JournalLine;
      if (typeof entry.key === 'string') out.set(entry.key, entry);
    } catch {
      // Only the last line can be torn; it is asked again.
    }
  }
  return out;
}

/** A token bucket whose rate can be lowered while WeChat asks to slow down. */
class RateLimiter {
  private tokens = 1;
  private last: number;
  rate: number;
  private readonly maxRate: number;
  private readonly now: () => number;

  constructor(rate: number, now: () => number) {
    this.rate = rate;
    this.maxRate = rate;
    this.now = now;
    this.last = now();
  }

  /** Waits for a token. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(Math.max(1, this.rate / 10), this.tokens + ((t - this.last) / 1000) * this.rate);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      if (signal?.aborted) return;
      await new Promise((r) => setTimeout(r, Math.max(1, ((1 - this.tokens) / this.rate) * 1000)));
    }
  }

  private lastSlowDown = -Infinity;

  /**
   * WeChat asked to slow down: halve the rate, at most once a second (the workers that were
   * already in flight all hear the same answer; counting each would collapse the rate).
   */
  slowDown(): void {
    const t = this.now();
    if (t - this.lastSlowDown < 1000) return;
    this.lastSlowDown = t;
    this.rate = Math.max(1, this.rate / 2);
  }

  /** Creeps back towards the configured rate, by 1 % per answer. */
  recover(): void {
    this.rate = Math.min(this.maxRate, this.rate * 1.01);
  }
}

export async function runQueries(refs: readonly OrderRef[], query: (ref: OrderRef, signal?: AbortSignal) => Promise<OrderQueryResult>, options: QueryRunOptions): Promise<QueryRunResult> {
  const now = options.nowMs ?? (() => performance.now());
  const text = await readJournalText(options.journalPath);
  const journal = parseJournal(text);
  // A run killed mid-write left a torn last line: end it, so the next answer starts a line of its
  // own instead of being glued to the fragment and lost with it. (Also: a journal that cannot be
  // written stops the run before it asks anything.)
  const handle = await open(options.journalPath, 'a');
  try {
    if (text.length > 0 && !text.endsWith('\n')) await handle.write('\n');
  } finally {
    await handle.close();
  }
  const cancelled = () => options.signal?.aborted === true;
  const live = new Map<string, LiveState>();
  const failures = new Map<string, { code: string; message: string }>();
  const progress: QueryRunProgress = { paused: options.pause?.paused ?? false, total: refs.length, done: 0, failed: 0, reused: 0, ratePerSec: 0, etaSec: null };
  const todo: OrderRef[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const key = keyOf(ref);
    if (seen.has(key)) {
      progress.total--;
      continue;
    }
    seen.add(key);
    const earlier = journal.get(key);
    if (earlier !== undefined && 'result' in earlier && !NON_FINAL_LIVE_STATES.has(earlier.result.tradeState)) {
      live.set(earlier.result.outTradeNo || key.slice(2), toLive(earlier.result));
      progress.done++;
      progress.reused++;
    } else todo.push(ref);
  }
  const limiter = new RateLimiter(options.requestsPerSecond, now);
  const recent: number[] = [];
  const report = () => {
    const t = now();
    while (recent.length > 0 && t - recent[0]! > 5000) recent.shift();
    progress.ratePerSec = recent.length / Math.max(1, Math.min(5, (t - (recent[0] ?? t)) / 1000 || 1));
    const remaining = progress.total - progress.done - progress.failed;
    progress.paused = options.pause?.paused ?? false;
    progress.etaSec = progress.ratePerSec > 0 && !progress.paused ? remaining / progress.ratePerSec : null;
    options.onProgress?.({ ...progress });
  };
  report();
  const unsubscribe = options.pause?.onChange(report);
  // While cancelled, a paused run must not wait for a resume that will not come.
  const whileRunning = async () => {
    // An abort that came first would never fire the listener below.
    if (options.pause === undefined || !options.pause.paused || options.signal?.aborted) return;
    await Promise.race([options.pause.whileRunning(), new Promise<void>((r) => options.signal?.addEventListener('abort', () => r(), { once: true }))]);
  };
  // One writer at a time, in completion order: each answer is on disk before it counts as done.
  let writing: Promise<void> = Promise.resolve();
  const record = (line: JournalLine) => (writing = writing.then(() => appendFile(options.journalPath, JSON.stringify(line) + '\n')));

  const retries = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !cancelled()) {
      const ref = todo[next++]!;
      const key = keyOf(ref);
      for (;;) {
        await whileRunning();
        await limiter.take(options.signal);
        if (cancelled()) {
          next = todo.length;
          return;
        }
        try {
          const r = await query(ref, options.signal);
          await record({ key, result: r });
          live.set(r.outTradeNo || key.slice(2), toLive(r));
          progress.done++;
          limiter.recover();
          break;
        } catch (e) {
          if (e instanceof WechatPayError && e.rateLimited) {
            // Slow the whole run down and ask again, rather than fail the order.
            limiter.slowDown();
            continue;
          }
          if (e instanceof WechatPayError && e.code === 'ABORTED') return;
          if (e instanceof WechatPayError && e.retryable && (retries.get(key) ?? 0) < MAX_REQUEUES) {
            // The client already retried; a failure that may pass goes to the back of the queue.
            retries.set(key, (retries.get(key) ?? 0) + 1);
            todo.push(ref);
            break;
          }
          const error = { code: e instanceof WechatPayError ? e.code : 'ERROR', message: (e as Error).message };
          await record({ key, error });
          failures.set(key.slice(2), error);
          progress.failed++;
          break;
        }
      }
      recent.push(now());
      report();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, todo.length)) }, worker));
  } finally {
    unsubscribe?.();
  }
  await writing;
  report();
  return { live, failures, cancelled: cancelled(), progress };
}
