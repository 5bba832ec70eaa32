/**
 * Workspaces as the app uses them: create from input files (hashed), reconcile on a worker with
 * progress, page through the result, record decisions, query live states as a pausable job whose
 * journal survives anything, export the report, and carry in-transit items over to later days
 * until a later bill or query settles them.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Lang } from '../../../shared/i18n/messages.ts';
import { AppFailure } from '../../../shared/ipc/result.ts';
import type { ItemRow, Resolution, ResolutionStatus, TextEncoding, WorkspaceDetail, WorkspaceSummary } from '../../../shared/ipc/contract.ts';
import type { ReconcileItem } from '../../../shared/recon/types.ts';
import type { LedgerMapping } from '../../../shared/ledger/mapping.ts';
import { sha256FileSized } from '../../report/file-hash.ts';
import { runWorker, workerUrl } from '../../worker-url.ts';
import { PauseController, runQueries, type QueryRunProgress } from '../../query-run/run.ts';
import { closeOrder, queryOrder, queryOrderForRecon } from '../../wechatpay/client.ts';
import type { MerchantProfile } from '../../wechatpay/profile.ts';
import { Workspace, type InputFile, type InTransit, type ItemQuery, type WorkspaceSettings } from './store.ts';
import type { ReconcileJobInput, ReconcileJobProgress, ReconcileJobResult } from './reconcile-job.ts';
import type { ExportJobInput, ExportView } from './export-job.ts';

/** Categories whose verdict a live trade state can settle (as `reconcile --query`). */
const LIVE_SETTLES: ReadonlySet<string> = new Set(['status-mismatch', 'missing-in-bill', 'missing-in-ledger', 'cross-day', 'refund-mismatch']);

const DAY_MS = 86_400_000;
/** WeChat's rule: an order can be closed five minutes after it was created. */
const CLOSE_MIN_AGE_MS = 5 * 60_000;

export interface WorkspaceServiceOptions {
  root: string;
  now?: () => Date;
  /** Runs a reconcile job; a worker thread by default (tests may run it in-process). */
  runJob?: (input: ReconcileJobInput, onProgress: (p: ReconcileJobProgress) => void, signal?: AbortSignal) => Promise<ReconcileJobResult>;
  /** The client profile of a merchant, from the vault. */
  profileOf: (merchantId: string) => Promise<MerchantProfile>;
  /** Writes a report; a worker by default. */
  runExport?: (input: ExportJobInput) => Promise<{ path: string; sizeBytes: number }>;
}

/** The report writer on a worker, with a small young generation (less memory for the same speed). */
export function exportInWorker(input: ExportJobInput): Promise<{ path: string; sizeBytes: number }> {
  return runWorker(workerUrl(new URL('./export-worker.ts', import.meta.url), 'export-worker'), { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 16 } }, {
    failed: (e) => new AppFailure(e.code === 'invalid-request' ? 'invalid-request' : 'io', e.message),
    exited: (code) => new AppFailure('internal', `report worker exited with code ${code}`),
  });
}

/** The default: the job on a worker, so the main process never blocks on a million rows. */
export function runJobInWorker(input: ReconcileJobInput, onProgress: (p: ReconcileJobProgress) => void, signal?: AbortSignal): Promise<ReconcileJobResult> {
  return runWorker<ReconcileJobResult, { type: 'progress'; progress: ReconcileJobProgress }>(workerUrl(new URL('./reconcile-worker.ts', import.meta.url), 'reconcile-worker'), { workerData: input }, {
    onMessage: (m) => onProgress(m.progress),
    ...(signal !== undefined ? { signal } : {}),
    aborted: () => new AppFailure('cancelled', '核对已取消，工作区保留取消前的结果'),
    failed: (e) => new AppFailure(e.code === 'import-failed' || e.code === 'not-found' || e.code === 'invalid-request' ? e.code : 'io', e.message),
    exited: (code) => new AppFailure('internal', `reconcile worker exited with code ${code}`),
  });
}

export class WorkspaceService {
  private readonly root: string;
  private readonly now: () => Date;
  private readonly runJob: NonNullable<WorkspaceServiceOptions['runJob']>;
  private readonly profileOf: WorkspaceServiceOptions['profileOf'];
  private readonly runExport: NonNullable<WorkspaceServiceOptions['runExport']>;
  /** Reconciliations under way, each with its way to stop. */
  private readonly busy = new Map<string, AbortController>();
  private readonly runs = new Map<string, { pause: PauseController; abort: AbortController }>();

  constructor(o: WorkspaceServiceOptions) {
    this.root = o.root;
    this.now = o.now ?? (() => new Date());
    this.runJob = o.runJob ?? runJobInWorker;
    this.profileOf = o.profileOf;
    this.runExport = o.runExport ?? exportInWorker;
  }

  private with<T>(id: string, fn: (w: Workspace) => T): T {
    const w = Workspace.open(this.root, id, this.now);
    try {
      return fn(w);
    } finally {
      w.close();
    }
  }

  list(): WorkspaceSummary[] {
    return Workspace.list(this.root);
  }

  async create(req: { name: string; merchantId: string | null; bills: string[]; ledgers: string[]; settings: WorkspaceSettings; mapping?: LedgerMapping | undefined; encodings?: Record<string, TextEncoding> }): Promise<WorkspaceSummary> {
    const inputs: InputFile[] = [];
    for (const [role, paths] of [['bill', req.bills], ['ledger', req.ledgers]] as const) {
      for (const path of paths) {
        let h: { sha256: string; sizeBytes: number };
        try {
          h = await sha256FileSized(path);
        } catch (e) {
          throw new AppFailure('file-unreadable', `无法读取 ${basename(path)}（${(e as NodeJS.ErrnoException).code ?? 'error'}）`);
        }
        inputs.push({ role, path, name: basename(path), sha256: h.sha256, sizeBytes: h.sizeBytes, rows: 0 });
      }
    }
    const id = randomUUID();
    const w = Workspace.create(this.root, { id, name: req.name, merchantId: req.merchantId, settings: req.settings, inputs, mapping: req.mapping ?? null, encodings: req.encodings ?? {} }, this.now);
    try {
      return w.summary();
    } finally {
      w.close();
    }
  }

  detail(id: string): WorkspaceDetail {
    return this.with(id, (w) => ({ ...w.summary(), inputs: w.inputs(), settings: w.settings(), summary: w.result() ?? null, categories: w.categoryTotals() }));
  }

  remove(id: string): boolean {
    if (this.busy.has(id) || this.runs.has(id)) throw new AppFailure('busy', '工作区正在核对或查询，请稍后再删除');
    return Workspace.remove(this.root, id);
  }

  /** In-transit items of every workspace not settled by a later one. */
  private earlierTransit(exceptId: string): { key: string; outTradeNo: string; fromWorkspace: string }[] {
    return this.inTransit().filter((t) => t.workspaceId !== exceptId).map((t) => ({ key: t.key, outTradeNo: t.outTradeNo, fromWorkspace: t.workspaceId }));
  }

  async reconcile(id: string, lang: Lang, emit: (event: string, payload: unknown) => void): Promise<WorkspaceDetail> {
    if (this.busy.has(id)) throw new AppFailure('busy', '这个工作区正在核对');
    this.detail(id);
    const abort = new AbortController();
    this.busy.set(id, abort);
    try {
      await this.runJob({ root: this.root, id, lang, earlierTransit: this.earlierTransit(id) }, (p) => emit('workspaces:progressed', { id, ...p }), abort.signal);
    } finally {
      this.busy.delete(id);
    }
    return this.detail(id);
  }

  /** Stops a reconciliation under way; the workspace keeps what it had before it began. */
  cancelReconcile(id: string): boolean {
    const run = this.busy.get(id);
    if (run === undefined) return false;
    run.abort();
    return true;
  }

  /** Days since the item's day (or the workspace's first), for in-transit items carried over. */
  private openDays(day: string | null, fallback: string): number {
    const from = Date.parse(`${day ?? fallback}T00:00:00+08:00`);
    return Number.isNaN(from) ? 0 : Math.max(0, Math.floor((this.now().getTime() - from) / DAY_MS));
  }

  items(q: ItemQuery & { id: string }): { total: number; rows: ItemRow[] } {
    return this.with(q.id, (w) => {
      const first = w.meta<string[]>('days')[0] ?? this.now().toISOString().slice(0, 10);
      return w.items(q, (day) => this.openDays(day, first));
    });
  }

  item(id: string, key: string): ReconcileItem | null {
    return this.with(id, (w) => w.item(key));
  }

  history(id: string, key: string): Resolution[] {
    return this.with(id, (w) => w.history(key));
  }

  resolve(id: string, keys: string[], r: { status: ResolutionStatus; decision: string | null; note: string; by: string }): { updated: number; locked: number } {
    return this.with(id, (w) => w.resolve(keys, r));
  }

  inTransit(): InTransit[] {
    const all = Workspace.list(this.root);
    const settled = new Set<string>();
    for (const s of all) for (const x of this.with(s.id, (w) => w.settled())) settled.add(`${x.fromWorkspace}\u0000${x.key}`);
    const out: InTransit[] = [];
    for (const s of all) {
      const first = s.days[0] ?? s.createdAtIso.slice(0, 10);
      for (const t of this.with(s.id, (w) => w.transit())) {
        if (settled.has(`${s.id}\u0000${t.key}`)) continue;
        const since = t.day ?? first;
        out.push({ key: t.key, outTradeNo: t.outTradeNo, category: t.category, reason: t.reason, sinceDay: since, openDays: this.openDays(since, first), workspaceId: s.id });
      }
    }
    return out.sort((a, b) => b.openDays - a.openDays || (a.outTradeNo < b.outTradeNo ? -1 : 1));
  }

  /** Writes the report (.xlsx) on a worker: a big report never holds up the main process. */
  async exportReport(id: string, path: string, lang: Lang, view?: ExportView): Promise<{ path: string; sizeBytes: number }> {
    this.detail(id);
    return this.runExport({ root: this.root, id, path, lang, generatedAtIso: this.now().toISOString(), ...(view !== undefined ? { view } : {}) });
  }

  // ---- Live queries: a job per workspace, pausable, cancellable, resumable from its journal.

  async startQueries(id: string, lang: Lang, emit: (event: string, payload: unknown) => void): Promise<{ progress: QueryRunProgress; cancelled: boolean; failed: number }> {
    if (this.runs.has(id)) throw new AppFailure('busy', '这个工作区的实时查询正在进行');
    // Taken before the first await, so a second start is refused rather than racing this one.
    const control = { pause: new PauseController(), abort: new AbortController() };
    this.runs.set(id, control);
    try {
      const detail = this.detail(id);
      if (detail.merchantId === null) throw new AppFailure('invalid-request', '请先为工作区选择商户，才能查询实时状态');
      const profile = await this.profileOf(detail.merchantId);
      const noLedger = detail.inputs.every((f) => f.role !== 'ledger');
      const targets = this.with(id, (w) => (noLedger ? w.orderKeys().map((o) => ({ outTradeNo: o, outRefundNos: [] as string[] })) : w.queryable(LIVE_SETTLES)));
      const refundNos = new Map(targets.map((t) => [t.outTradeNo, t.outRefundNos]));
      this.with(id, (w) => w.setState('querying'));
      const run = await runQueries(
        targets.map((t) => ({ outTradeNo: t.outTradeNo })),
        (ref, signal) => queryOrderForRecon(profile, ref.outTradeNo!, refundNos.get(ref.outTradeNo!) ?? [], signal === undefined ? {} : { signal }),
        {
          journalPath: Workspace.journalOf(this.root, id),
          requestsPerSecond: profile.requestsPerSecond,
          concurrency: profile.concurrency,
          signal: control.abort.signal,
          pause: control.pause,
          onProgress: (p) => emit('queries:progressed', { workspaceId: id, progress: p }),
        },
      );
      // Reconcile again with every answer in the journal (this run's and earlier ones').
      if (!run.cancelled) await this.reconcile(id, lang, emit);
      return { progress: run.progress, cancelled: run.cancelled, failed: run.failures.size };
    } finally {
      this.runs.delete(id);
      try {
        this.with(id, (w) => {
          if (w.summary().state === 'querying') w.setState('reconciled');
        });
      } catch {
        // The workspace is gone or unreadable: the original error says enough.
      }
    }
  }

  /**
   * 关单 for an unpaid order of this workspace's merchant: the live state is asked first (a paid
   * order is refused, a closed one needs nothing), WeChat's five-minute rule is kept when the
   * creation time is known, and the outcome is written into the item's decision history.
   */
  async closeOrder(id: string, outTradeNo: string, createdAtIso: string | undefined, by: string): Promise<{ outcome: 'closed' | 'already-closed' | 'refused-paid' | 'too-young'; tradeState: string | null }> {
    const detail = this.detail(id);
    if (detail.merchantId === null) throw new AppFailure('invalid-request', '请先为工作区选择商户');
    const profile = await this.profileOf(detail.merchantId);
    const record = (note: string) => {
      this.with(id, (w) => {
        if (w.item(outTradeNo) !== null) w.resolve([outTradeNo], { status: 'in-progress', decision: '关单', note, by });
      });
    };
    if (createdAtIso !== undefined && this.now().getTime() - Date.parse(createdAtIso) < CLOSE_MIN_AGE_MS) return { outcome: 'too-young', tradeState: null };
    const before = await queryOrder(profile, { outTradeNo });
    if (before.tradeState === 'SUCCESS' || before.tradeState === 'REFUND') return { outcome: 'refused-paid', tradeState: before.tradeState };
    if (before.tradeState === 'CLOSED' || before.tradeState === 'REVOKED') return { outcome: 'already-closed', tradeState: before.tradeState };
    await closeOrder(profile, outTradeNo);
    const after = await queryOrder(profile, { outTradeNo });
    record(`已在微信支付关单，关单后查询为 ${after.tradeState}`);
    return { outcome: 'closed', tradeState: after.tradeState };
  }

  pauseQueries(id: string, paused: boolean): { paused: boolean } {
    const run = this.runs.get(id);
    if (run === undefined) throw new AppFailure('not-found', '这个工作区没有正在进行的查询');
    if (paused) run.pause.pause();
    else run.pause.resume();
    return { paused: run.pause.paused };
  }

  cancelQueries(id: string): { cancelled: boolean } {
    const run = this.runs.get(id);
    if (run === undefined) return { cancelled: false };
    run.abort.abort();
    return { cancelled: true };
  }
}

