/**
 * Reading the input files and reconciling them, shared by `wxrecon reconcile` and the app's
 * workspaces. Every file at once, each on its own thread; each joins the reconciliation as soon as
 * it is read (a ledger parsed first is indexed while the bill is still being read), and a big bill
 * joins in parts while it is being read. Problems are reported for the first file, in the order given.
 */
import type { Lang } from '../../shared/i18n/messages.ts';
import { renderMessage } from '../../shared/i18n/messages.ts';
import { wrongFileForLedger, wrongFileForTradeBill } from '../../shared/import/expect.ts';
import { startReconciliation, type Reconciliation } from '../../shared/recon/engine.ts';
import type { ReconcileSettings } from '../../shared/recon/types.ts';
import type { LedgerMapping } from '../../shared/ledger/mapping.ts';
import type { CsvEncoding } from '../../shared/table/csv.ts';
import type { BillColumns } from '../../shared/import/columns.ts';
import type { BillType } from '../../shared/import/types.ts';
import type { FileImport } from '../import/read-file.ts';
import { importEach } from '../import/parallel.ts';
import { sha256FileSized } from '../report/file-hash.ts';

/** A file that cannot be reconciled: unreadable (`io`) or not what it was given as (`usage`). */
export class InputProblem extends Error {
  readonly index: number;
  readonly path: string;
  readonly kind: 'io' | 'usage';
  readonly code: string;
  constructor(index: number, path: string, kind: 'io' | 'usage', code: string, message: string) {
    super(message);
    this.name = 'InputProblem';
    this.index = index;
    this.path = path;
    this.kind = kind;
    this.code = code;
  }
}

export interface ReadAndReconcileOptions {
  bills: readonly string[];
  ledgers: readonly string[];
  mapping?: LedgerMapping | undefined;
  /** The encoding chosen for a text input, by its path (ImportFileOptions.encoding). */
  encodings?: Readonly<Record<string, CsvEncoding>>;
  settings: ReconcileSettings;
  lang: Lang;
  /** Rows per part of a big bill (default 65,536). */
  batchRows?: number;
  /** A file read (for progress). */
  onFileRead?: (index: number, file: FileImport) => void;
}

export interface ReadAndReconcileResult {
  recon: Reconciliation;
  /** Bills first, then ledgers, in the order given. */
  imported: FileImport[];
  /** SHA-256 and size of each input, hashed once the first file is read and a core is free. */
  hashes: Promise<{ sha256: string; sizeBytes: number }[]>;
}

function problemOf(r: FileImport, asLedger: boolean, lang: Lang): { kind: 'io' | 'usage'; code: string; message: string } | null {
  if (r.error?.code === 'read-failed') return { kind: 'io', code: 'read-failed', message: renderMessage('read-failed', r.error.params, lang) };
  if (r.kind === 'unknown') return { kind: 'usage', code: r.error?.code ?? 'no-header', message: renderMessage(r.error?.code ?? 'no-header', r.error?.params ?? {}, lang) };
  const wrong = asLedger ? wrongFileForLedger(r.kind) : wrongFileForTradeBill(r.kind);
  return wrong === null ? null : { kind: 'usage', code: wrong, message: renderMessage(wrong, {}, lang) };
}

/** Throws InputProblem for the first file that cannot be used. */
export async function readAndReconcile(o: ReadAndReconcileOptions): Promise<ReadAndReconcileResult> {
  const encodingOf = (path: string): { encoding?: CsvEncoding } => {
    const e = o.encodings !== undefined && Object.hasOwn(o.encodings, path) ? o.encodings[path] : undefined;
    return e === undefined ? {} : { encoding: e };
  };
  const jobs = [
    ...o.bills.map((path) => ({ path, options: { keepRows: true, rowDetail: 'columns' as const, ...encodingOf(path) }, batchRows: o.batchRows ?? 65_536 })),
    ...o.ledgers.map((path) => ({ path, options: { keepRows: true, rowDetail: 'columns' as const, ...(o.mapping ? { mapping: o.mapping } : {}), ...encodingOf(path) } })),
  ];
  const parts: { columns: BillColumns; billType: BillType }[][] = jobs.map(() => []);
  const done = jobs.map(() => false);
  // Both feeds below may wait at once: wake every waiter on any news.
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  const pending = importEach(jobs, undefined, (k, columns, billType) => {
    parts[k]!.push({ columns, billType });
    wake();
  });
  pending.forEach((p, k) => {
    const settle = () => {
      done[k] = true;
      wake();
    };
    p.then((r) => {
      o.onFileRead?.(k, r);
      settle();
    }, settle);
  });
  // Hashing in the workers would lengthen the slowest of them; here it waits for a free core.
  const firstRead = Promise.race(pending.map((p) => p.then(() => undefined, () => undefined)));
  const hashes = firstRead.then(async () => {
    const out: { sha256: string; sizeBytes: number }[] = [];
    for (const job of jobs) out.push(await sha256FileSized(job.path));
    return out;
  });
  hashes.catch(() => undefined);
  // Rejections are handled below, in order; this keeps a second one from going unhandled.
  for (const p of pending) p.catch(() => undefined);
  const recon = startReconciliation(o.settings);
  let failed = false;
  const feed = async (from: number, to: number, asLedger: boolean): Promise<void> => {
    for (let k = from; k < to && !failed; k++) {
      // A bill's parts, in order, as they come; then the rest with the final result.
      let fed = 0;
      for (;;) {
        for (const part of parts[k]!.splice(0)) recon.addBill({ file: jobs[k]!.path, billType: part.billType, columns: part.columns, continuation: fed++ > 0 });
        if (done[k]) break;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      const r = await pending[k]!;
      if (failed || problemOf(r, asLedger, o.lang) !== null) {
        failed = true;
        return;
      }
      if (asLedger) recon.addLedger({ file: r.file, ...(r.ledgerColumns ? { columns: r.ledgerColumns } : { rows: [] }) });
      else recon.addBill({ file: r.file, billType: r.billType ?? 'ALL', continuation: fed > 0, ...(r.tradeColumns ? { columns: r.tradeColumns } : { rows: [] }) });
    }
  };
  let imported: FileImport[];
  try {
    await Promise.all([feed(0, o.bills.length, false), feed(o.bills.length, jobs.length, true)]);
    imported = await Promise.all(pending);
  } catch (e) {
    throw new InputProblem(-1, '', 'io', 'read-failed', renderMessage('read-failed', { reason: (e as Error).message }, o.lang));
  }
  for (let k = 0; k < imported.length; k++) {
    const p = problemOf(imported[k]!, k >= o.bills.length, o.lang);
    if (p !== null) throw new InputProblem(k, jobs[k]!.path, p.kind, p.code, p.message);
  }
  return { recon, imported, hashes };
}
