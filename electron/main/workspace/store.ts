/**
 * A workspace (one reconciliation) on disk: its inputs with their hashes, settings, the result, the
 * query journal and every resolution decision, saved as work happens and surviving a crash or a
 * power cut at any moment.
 *
 * Storage: one SQLite database per workspace, through Node's built-in `node:sqlite` (no native
 * module to rebuild for Electron; Electron ships it since 37). Why SQLite: a million-row result
 * must open, filter, sort, search and page fast without loading it whole, which an index does and
 * a JSON file cannot; every change is a transaction in a write-ahead log with `synchronous=FULL`,
 * which is the write-then-rename-plus-journal guarantee done by a tool proven at it — a kill or a
 * power cut leaves the last committed state, never half of one. Resolutions are kept by item key
 * in their own table (with a history), so reconciling again keeps every decision.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ReconcileItem, ReconcileReport } from '../../../shared/recon/types.ts';
import type { LedgerMapping } from '../../../shared/ledger/mapping.ts';
import { categoryTotals } from '../../../shared/recon/category-totals.ts';
import { NON_FINAL_LIVE_STATES } from '../../../shared/recon/types.ts';
import { AppFailure } from '../../../shared/ipc/result.ts';
import type { InTransitSchema, ItemRow, Resolution, ResolutionStatus, TextEncoding, WorkspaceSummary } from '../../../shared/ipc/contract.ts';
import type { z } from 'zod';

export type InTransit = z.output<typeof InTransitSchema>;

export interface InputFile {
  role: 'bill' | 'ledger';
  path: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  rows: number;
}

export interface WorkspaceSettings {
  crossDayWindowMinutes: number;
  amountToleranceFen: number;
}

export interface ItemQuery {
  offset: number;
  limit: number;
  categories?: readonly string[] | undefined;
  statuses?: readonly ResolutionStatus[] | undefined;
  search?: string | undefined;
  sort: 'category' | 'amount-desc' | 'amount-asc' | 'time-asc' | 'time-desc';
}

const SCHEMA_VERSION = 1;
/** Items written between progress reports while saving a result. */
const PROGRESS_EVERY = 50_000;

/** The table's orders and lookups: by category (the report's order), amount, time, order number, transaction id. */
const INDEXES = `
  CREATE INDEX IF NOT EXISTS items_category ON items (rank, seq);
  CREATE INDEX IF NOT EXISTS items_amount ON items (amount_fen);
  CREATE INDEX IF NOT EXISTS items_time ON items (time);
  CREATE INDEX IF NOT EXISTS items_order ON items (out_trade_no);
  CREATE INDEX IF NOT EXISTS items_txn ON items (transaction_id);
  CREATE INDEX IF NOT EXISTS items_transit ON items (transit) WHERE transit IS NOT NULL;`;
const SUFFIX = '.wxrecon.sqlite';

/** The stable key of an item: its order number, or the row a keyless item comes from. */
export function itemKey(item: ReconcileItem): string {
  if (item.outTradeNo !== null) return item.outTradeNo;
  const at = item.bill ?? item.ledger;
  return `row:${at?.file ?? '?'}:${at?.line ?? 0}`;
}

/** Why an item is still in transit (it may settle itself later), or null. */
export function transitReason(item: ReconcileItem): InTransit['reason'] | null {
  if (item.category === 'cross-day') return 'cross-day';
  if (item.live !== null && NON_FINAL_LIVE_STATES.has(item.live.tradeState)) return 'not-final';
  if (item.bill?.refunds.some((r) => r.status === 'PROCESSING') === true && item.live?.refunds === undefined) return 'refund-processing';
  return null;
}

function dayOfItem(item: ReconcileItem): string | null {
  const t = item.bill?.paidAt ?? item.ledger?.paidAt ?? item.live?.successTime ?? null;
  return t === null ? null : t.slice(0, 10);
}

export class Workspace {
  readonly id: string;
  private readonly db: DatabaseSync;
  private readonly now: () => Date;
  private readonly stmt: Record<string, StatementSync> = {};

  private constructor(id: string, db: DatabaseSync, now: () => Date) {
    this.id = id;
    this.db = db;
    this.now = now;
  }

  static fileOf(root: string, id: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppFailure('invalid-request', 'bad workspace id');
    return join(root, `${id}${SUFFIX}`);
  }

  private static connect(path: string): DatabaseSync {
    const db = new DatabaseSync(path);
    // WAL + FULL: a committed transaction survives a power cut; a torn one is rolled back on open.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    return db;
  }

  static create(root: string, init: { id: string; name: string; merchantId: string | null; settings: WorkspaceSettings; inputs: InputFile[]; mapping?: LedgerMapping | null; encodings?: Record<string, TextEncoding> }, now: () => Date = () => new Date()): Workspace {
    mkdirSync(root, { recursive: true });
    const db = Workspace.connect(Workspace.fileOf(root, init.id));
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS inputs (role TEXT NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, rows INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS items (
        key TEXT NOT NULL UNIQUE, seq INTEGER PRIMARY KEY, category TEXT NOT NULL, rank INTEGER NOT NULL, out_trade_no TEXT, transaction_id TEXT,
        bill_fen INTEGER, ledger_fen INTEGER, amount_fen INTEGER, live_state TEXT, time TEXT, explanation TEXT NOT NULL,
        suggested_action TEXT NOT NULL, transit TEXT, day TEXT);
      -- The whole item (bill, ledger and live views) apart, so scans of the table stay small.
      CREATE TABLE IF NOT EXISTS details (seq INTEGER PRIMARY KEY, detail TEXT NOT NULL);
      ${INDEXES}
      CREATE TABLE IF NOT EXISTS resolutions (key TEXT PRIMARY KEY, status TEXT NOT NULL, decision TEXT, note TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS resolution_log (id INTEGER PRIMARY KEY, key TEXT NOT NULL, status TEXT NOT NULL, decision TEXT, note TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS carried (key TEXT NOT NULL, from_workspace TEXT NOT NULL, PRIMARY KEY (key, from_workspace));
      CREATE TABLE IF NOT EXISTS orders (key TEXT PRIMARY KEY) WITHOUT ROWID;
    `);
    const w = new Workspace(init.id, db, now);
    const at = now().toISOString();
    w.tx(() => {
      w.setMeta({ version: SCHEMA_VERSION, id: init.id, name: init.name, merchantId: init.merchantId, createdAtIso: at, updatedAtIso: at, settings: init.settings, state: 'new', days: [], counts: {}, summary: null, mapping: init.mapping ?? null, encodings: init.encodings ?? {} });
      w.db.exec('DELETE FROM inputs');
      const ins = w.db.prepare('INSERT INTO inputs VALUES (?, ?, ?, ?, ?, ?)');
      for (const f of init.inputs) ins.run(f.role, f.path, f.name, f.sha256, f.sizeBytes, f.rows);
    });
    return w;
  }

  static open(root: string, id: string, now: () => Date = () => new Date()): Workspace {
    const path = Workspace.fileOf(root, id);
    const gone = () => new AppFailure('not-found', '找不到这个工作区（文件不存在或已损坏）');
    // Opening a database that is not there would create it.
    if (!existsSync(path)) throw gone();
    let db: DatabaseSync | null = null;
    try {
      db = Workspace.connect(path);
      const version = db.prepare("SELECT value FROM meta WHERE key = 'version'").get() as { value: string } | undefined;
      if (version === undefined) throw new Error('no meta');
      // A database from before an index was added gets it on first open (once; a no-op after).
      db.exec(INDEXES);
    } catch {
      try {
        db?.close();
      } catch {
        // Already unusable.
      }
      throw gone();
    }
    return new Workspace(id, db, now);
  }

  /** Every workspace under `root`, newest first; one that cannot be read is skipped, not fatal. */
  static list(root: string): WorkspaceSummary[] {
    let names: string[];
    try {
      names = readdirSync(root).filter((n) => n.endsWith(SUFFIX));
    } catch {
      return [];
    }
    const out: WorkspaceSummary[] = [];
    for (const n of names) {
      try {
        const w = Workspace.open(root, n.slice(0, -SUFFIX.length));
        try {
          out.push(w.summary());
        } finally {
          w.close();
        }
      } catch {
        // A damaged file does not hide the others.
      }
    }
    return out.sort((a, b) => (a.updatedAtIso < b.updatedAtIso ? 1 : a.updatedAtIso > b.updatedAtIso ? -1 : 0));
  }

  static remove(root: string, id: string): boolean {
    const path = Workspace.fileOf(root, id);
    let found = false;
    for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}.queries.jsonl`]) {
      try {
        rmSync(p);
        found = true;
      } catch {
        // Not there.
      }
    }
    return found;
  }

  /** The query journal beside the database (the query run's own crash-safe format). */
  static journalOf(root: string, id: string): string {
    return `${Workspace.fileOf(root, id)}.queries.jsonl`;
  }

  close(): void {
    this.db.close();
  }

  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = fn();
      this.db.exec('COMMIT');
      return r;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  private prepared(sql: string): StatementSync {
    return (this.stmt[sql] ??= this.db.prepare(sql));
  }

  private setMeta(values: Record<string, unknown>): void {
    const put = this.prepared('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    for (const [k, v] of Object.entries(values)) put.run(k, JSON.stringify(v));
  }

  meta<T = unknown>(key: string): T {
    const row = this.prepared('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return (row === undefined ? null : JSON.parse(row.value)) as T;
  }

  inputs(): InputFile[] {
    return (this.prepared('SELECT role, path, name, sha256, size_bytes AS sizeBytes, rows FROM inputs').all() as unknown as InputFile[]).map((r) => ({ ...r }));
  }

  /** Rows read from each input, in the order the inputs were given (known once they are read). */
  setInputRows(rows: readonly number[]): void {
    this.tx(() => {
      const all = this.db.prepare('SELECT rowid AS id FROM inputs ORDER BY rowid').all() as { id: number }[];
      const put = this.prepared('UPDATE inputs SET rows = ? WHERE rowid = ?');
      all.forEach((r, k) => put.run(rows[k] ?? 0, r.id));
    });
  }

  settings(): WorkspaceSettings {
    return this.meta<WorkspaceSettings>('settings');
  }

  /** Each category's items, amounts on both sides, and how many are resolved (decisions counted live). */
  categoryTotals(): { category: ItemRow['category']; count: number; billFen: number; ledgerFen: number; resolved: number }[] {
    const totals = this.meta<Record<string, { count: number; billFen: number; ledgerFen: number }> | null>('categoryTotals') ?? {};
    const resolved = new Map((this.prepared("SELECT i.category AS c, COUNT(*) AS n FROM resolutions r JOIN items i ON i.key = r.key WHERE r.status = 'resolved' GROUP BY i.category").all() as { c: string; n: number }[]).map((r) => [r.c, Number(r.n)]));
    return Object.entries(totals).map(([category, t]) => ({ category: category as ItemRow['category'], ...t, resolved: resolved.get(category) ?? 0 }));
  }

  summary(): WorkspaceSummary {
    // Items less those resolved: proportional to the decisions, not to a million items.
    const resolved = this.prepared("SELECT COUNT(*) AS n FROM resolutions r JOIN items i ON i.key = r.key WHERE r.status = 'resolved'").get() as { n: number };
    const open = { n: Number(this.meta<number | null>('itemCount') ?? 0) - Number(resolved.n) };
    return {
      id: this.id,
      name: this.meta<string>('name'),
      merchantId: this.meta<string | null>('merchantId'),
      createdAtIso: this.meta<string>('createdAtIso'),
      updatedAtIso: this.meta<string>('updatedAtIso'),
      days: this.meta<string[]>('days'),
      state: this.meta<WorkspaceSummary['state']>('state'),
      counts: this.meta<Record<string, number>>('counts'),
      openCount: Number(open.n),
    };
  }

  setState(state: WorkspaceSummary['state']): void {
    this.tx(() => this.setMeta({ state, updatedAtIso: this.now().toISOString() }));
  }

  /**
   * Replaces the result in one transaction: the items, the summary, the days. Decisions stay (they
   * are keyed by the item), and so stay locked ones.
   */
  saveResult(report: ReconcileReport, categoryRank: ReadonlyMap<string, number>, onProgress?: (done: number, total: number) => void): void {
    // The result can always be made again from the inputs, so its bulk write may skip the fsync
    // of FULL (WAL stays consistent: a power cut can only undo it whole); decisions keep FULL.
    // The secondary indexes are built once after the rows rather than kept up row by row.
    this.db.exec('PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072');
    try {
      this.saveResultRows(report, categoryRank, onProgress);
    } finally {
      this.db.exec('PRAGMA synchronous = FULL; PRAGMA cache_size = -2000');
    }
  }

  private saveResultRows(report: ReconcileReport, categoryRank: ReadonlyMap<string, number>, onProgress?: (done: number, total: number) => void): void {
    this.tx(() => {
      this.db.exec('DROP INDEX IF EXISTS items_category; DROP INDEX IF EXISTS items_amount; DROP INDEX IF EXISTS items_time; DROP INDEX IF EXISTS items_order; DROP INDEX IF EXISTS items_txn; DROP INDEX IF EXISTS items_transit;');
      this.db.exec('DELETE FROM items; DELETE FROM details;');
      const ins = this.prepared('INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const det = this.prepared('INSERT INTO details VALUES (?, ?)');
      report.items.forEach((item, seq) => {
        const billFen = item.bill?.amountFen ?? null;
        const ledgerFen = item.ledger?.amountFen ?? null;
        const time = item.bill?.paidAt ?? item.ledger?.paidAt ?? (item.live?.successTime ? item.live.successTime.slice(0, 19).replace('T', ' ') : null);
        ins.run(
          itemKey(item), seq, item.category, categoryRank.get(item.category) ?? 99, item.outTradeNo, item.transactionId, billFen, ledgerFen, billFen ?? ledgerFen,
          item.live?.tradeState ?? null, time, item.explanation, item.suggestedAction, transitReason(item), dayOfItem(item),
        );
        // What the columns hold is left out of the detail (item() puts it back): a million items write ~15 % less.
        const { category: _c, outTradeNo: _o, transactionId: _t, explanation: _e, suggestedAction: _s, ...rest } = item;
        det.run(seq, JSON.stringify(rest));
        if ((seq + 1) % PROGRESS_EVERY === 0) onProgress?.(seq + 1, report.items.length);
      });
      this.db.exec(INDEXES);
      // Per category: how many and how much on each side, summed once here; the categories with items.
      const byCategory = [...categoryTotals(report.items)].filter(([, t]) => t.count > 0);
      this.setMeta({ summary: report.summary, counts: report.summary.counts, days: report.summary.bill.days, state: 'reconciled', updatedAtIso: this.now().toISOString(), itemCount: report.items.length, categoryTotals: Object.fromEntries(byCategory) });
    });
  }

  result(): unknown {
    return this.meta('summary');
  }

  item(key: string): ReconcileItem | null {
    const row = this.prepared('SELECT i.category, i.out_trade_no, i.transaction_id, i.explanation, i.suggested_action, d.detail FROM items i JOIN details d ON d.seq = i.seq WHERE i.key = ?').get(key) as
      | { category: ReconcileItem['category']; out_trade_no: string | null; transaction_id: string | null; explanation: string; suggested_action: ReconcileItem['suggestedAction']; detail: string }
      | undefined;
    if (row === undefined) return null;
    // The columns complete the stored detail (which leaves them out; older workspaces kept them in it).
    return { ...(JSON.parse(row.detail) as ReconcileItem), category: row.category, outTradeNo: row.out_trade_no, transactionId: row.transaction_id, explanation: row.explanation, suggestedAction: row.suggested_action };
  }

  /** A page of items; `openDaysOf(day)` says how long an in-transit item (only those) has been open. */
  items(q: ItemQuery, openDaysOf: (day: string | null) => number | null = () => null): { total: number; rows: ItemRow[] } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.categories !== undefined && q.categories.length > 0) {
      // By rank, which the category index starts with.
      const ranks = [...new Set(q.categories)].map((c) => this.rankOf(c));
      where.push(`i.rank IN (${ranks.map(() => '?').join(',')})`);
      args.push(...ranks);
    }
    if (q.statuses !== undefined && q.statuses.length > 0) {
      const s = q.statuses.filter((x) => x !== 'open');
      const parts = s.length > 0 ? [`r.status IN (${s.map(() => '?').join(',')})`] : [];
      if (q.statuses.includes('open')) parts.push('r.status IS NULL', "r.status = 'open'");
      where.push(`(${parts.join(' OR ')})`);
      args.push(...s);
    }
    const search = q.search?.trim() ?? '';
    // The unfiltered table in the report's order is rows seq = offset … offset + limit: a jump
    // to the middle of a million items costs a page, not the rows before it.
    if (where.length === 0 && search === '' && q.sort === 'category') {
      const total = this.meta<number | null>('itemCount') ?? (this.prepared('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
      return { total: Number(total), rows: this.page('WHERE i.seq >= ?', 'i.seq', [q.offset], q.limit, 0, openDaysOf) };
    }
    const order = { category: 'i.rank, i.seq', 'amount-desc': 'i.amount_fen DESC NULLS LAST, i.seq', 'amount-asc': 'i.amount_fen ASC NULLS LAST, i.seq', 'time-asc': 'i.time ASC NULLS LAST, i.seq', 'time-desc': 'i.time DESC NULLS LAST, i.seq' }[q.sort];
    // Counting needs the decisions only when they are filtered on.
    const countFrom = q.statuses !== undefined && q.statuses.length > 0 ? 'FROM items i LEFT JOIN resolutions r ON r.key = i.key' : 'FROM items i';
    /** The filters plus, when searching, one way of matching the search text. */
    const run = (match: { sql: string; args: string[] } | null) => {
      const clauses = match === null ? where : [...where, match.sql];
      const all = match === null ? args : [...args, ...match.args];
      const sql = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
      const total = Number((this.db.prepare(`SELECT COUNT(*) AS n ${countFrom} ${sql}`).get(...all) as { n: number }).n);
      return { total, rows: total === 0 ? [] : this.page(sql, order, all, q.limit, q.offset, openDaysOf) };
    };
    if (search === '') return run(null);
    // An order number or transaction id as typed from its start: a range on their indexes, so a
    // search in a million items is a lookup, not a scan (ids are text; no wildcards exist).
    const to = `${search}\uffff`;
    const found = run({ sql: '((i.out_trade_no >= ? AND i.out_trade_no < ?) OR (i.transaction_id >= ? AND i.transaction_id < ?))', args: [search, to, search, to] });
    if (found.total > 0 || search.length < 3) return found;
    // Nothing starts with it: the end or middle of a number, as people also type them (a scan).
    const needle = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return run({ sql: "(i.out_trade_no LIKE ? ESCAPE '\\' OR i.transaction_id LIKE ? ESCAPE '\\')", args: [needle, needle] });
  }

  private rankOf(category: string): number {
    const row = this.prepared('SELECT rank FROM items WHERE category = ? LIMIT 1').get(category) as { rank: number } | undefined;
    return row?.rank ?? -1;
  }

  private page(whereSql: string, order: string, args: (string | number)[], limit: number, offset: number, openDaysOf: (day: string | null) => number | null): ItemRow[] {
    const rows = this.db.prepare(`SELECT i.key, i.transit, i.day, i.category, i.out_trade_no, i.transaction_id, i.bill_fen, i.ledger_fen, i.live_state, i.time, i.explanation, i.suggested_action, r.status, r.decision, r.note, r.by, r.at FROM items i LEFT JOIN resolutions r ON r.key = i.key ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...args, limit, offset) as Record<string, string | number | null>[];
    return rows.map((r) => ({
        key: String(r.key), category: r.category as ItemRow['category'], outTradeNo: r.out_trade_no as string | null, transactionId: r.transaction_id as string | null,
        billFen: r.bill_fen as number | null, ledgerFen: r.ledger_fen as number | null, liveState: r.live_state as string | null, time: r.time as string | null,
        explanation: String(r.explanation), suggestedAction: String(r.suggested_action),
        resolution: r.status === null ? null : { status: r.status as ResolutionStatus, decision: r.decision as string | null, note: String(r.note), by: String(r.by), atIso: String(r.at) },
        // Only for the rows on the page: in transit here, so carried over until settled.
        openDays: r.transit === null ? null : openDaysOf(r.day as string | null),
      }));
  }

  /**
   * Records a decision for items. A resolved item is locked (who and when stay as they were); a
   * decision that resolves needs a note, so the auditor can read why.
   */
  resolve(keys: readonly string[], r: Omit<Resolution, 'atIso'>): { updated: number; locked: number } {
    if (r.status === 'resolved' && r.note.trim() === '') throw new AppFailure('invalid-request', '标记为已处理需要填写处理说明', { field: 'note' });
    const at = this.now().toISOString();
    return this.tx(() => {
      const exists = this.prepared('SELECT 1 AS x FROM items WHERE key = ?');
      const current = this.prepared('SELECT status FROM resolutions WHERE key = ?');
      const put = this.prepared('INSERT INTO resolutions (key, status, decision, note, by, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET status = excluded.status, decision = excluded.decision, note = excluded.note, by = excluded.by, at = excluded.at');
      const log = this.prepared('INSERT INTO resolution_log (key, status, decision, note, by, at) VALUES (?, ?, ?, ?, ?, ?)');
      let updated = 0;
      let locked = 0;
      for (const key of new Set(keys)) {
        if (exists.get(key) === undefined) continue;
        const c = current.get(key) as { status: string } | undefined;
        if (c?.status === 'resolved') {
          locked++;
          continue;
        }
        put.run(key, r.status, r.decision, r.note, r.by, at);
        log.run(key, r.status, r.decision, r.note, r.by, at);
        updated++;
      }
      this.setMeta({ updatedAtIso: at });
      return { updated, locked };
    });
  }

  /** Every decision recorded, oldest first, with its item's order number (null once the item is gone). */
  decisionLog(): (Resolution & { key: string; outTradeNo: string | null })[] {
    return (this.prepared('SELECT l.key, i.out_trade_no AS outTradeNo, l.status, l.decision, l.note, l.by, l.at AS atIso FROM resolution_log l LEFT JOIN items i ON i.key = l.key ORDER BY l.id').all() as unknown as (Resolution & { key: string; outTradeNo: string | null })[]).map((r) => ({ ...r }));
  }

  history(key: string): Resolution[] {
    return (this.prepared('SELECT status, decision, note, by, at AS atIso FROM resolution_log WHERE key = ? ORDER BY id').all(key) as unknown as Resolution[]).map((r) => ({ ...r }));
  }

  /** Items still in transit here, not resolved: what carries over to a later day. */
  transit(): { key: string; outTradeNo: string; category: ItemRow['category']; reason: InTransit['reason']; day: string | null }[] {
    return (this.prepared("SELECT i.key, i.out_trade_no AS outTradeNo, i.category, i.transit AS reason, i.day FROM items i INDEXED BY items_transit LEFT JOIN resolutions r ON r.key = i.key WHERE i.transit IS NOT NULL AND i.out_trade_no IS NOT NULL AND (r.status IS NULL OR r.status != 'resolved')").all() as unknown as { key: string; outTradeNo: string; category: ItemRow['category']; reason: InTransit['reason']; day: string | null }[]).map((r) => ({ ...r }));
  }

  /** Every order key of the inputs (kept when there is no ledger: then every order may be queried). */
  saveOrderKeys(keys: readonly string[]): void {
    this.tx(() => {
      this.db.exec('DELETE FROM orders');
      const put = this.prepared('INSERT OR IGNORE INTO orders (key) VALUES (?)');
      for (const k of keys) put.run(k);
    });
  }

  orderKeys(): string[] {
    return (this.prepared('SELECT key FROM orders').all() as { key: string }[]).map((r) => r.key);
  }

  /** Items whose verdict a live state can settle, with the refund numbers their bill rows show. */
  queryable(categories: ReadonlySet<string>): { outTradeNo: string; outRefundNos: string[] }[] {
    const out: { outTradeNo: string; outRefundNos: string[] }[] = [];
    for (const r of this.prepared('SELECT i.category, i.out_trade_no AS o, d.detail FROM items i JOIN details d ON d.seq = i.seq WHERE i.out_trade_no IS NOT NULL').all() as { category: string; o: string; detail: string }[]) {
      if (!categories.has(r.category)) continue;
      const item = JSON.parse(r.detail) as ReconcileItem;
      out.push({ outTradeNo: r.o, outRefundNos: (item.bill?.refunds ?? []).map((x) => x.outRefundNo).filter((x): x is string => x !== null && x !== '') });
    }
    return out;
  }

  /** Records that this workspace settled an earlier one's in-transit item (its order showed up settled here). */
  markSettled(entries: readonly { key: string; fromWorkspace: string }[]): void {
    this.tx(() => {
      const put = this.prepared('INSERT OR IGNORE INTO carried (key, from_workspace) VALUES (?, ?)');
      for (const e of entries) put.run(e.key, e.fromWorkspace);
    });
  }

  settled(): { key: string; fromWorkspace: string }[] {
    return (this.prepared('SELECT key, from_workspace AS fromWorkspace FROM carried').all() as unknown as { key: string; fromWorkspace: string }[]).map((r) => ({ ...r }));
  }

  /** Is this order in this workspace's result at all, and is it still in transit here? */
  orderState(outTradeNo: string): 'absent' | 'transit' | 'listed' {
    const row = this.prepared('SELECT transit FROM items WHERE out_trade_no = ?').get(outTradeNo) as { transit: string | null } | undefined;
    return row === undefined ? 'absent' : row.transit !== null ? 'transit' : 'listed';
  }
}
