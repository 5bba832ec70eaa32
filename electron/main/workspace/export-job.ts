/** A workspace's report rebuilt from its database and written as .xlsx (run on export-worker.ts). */
import { stat } from 'node:fs/promises';
import type { Lang } from '../../../shared/i18n/messages.ts';
import { AppFailure } from '../../../shared/ipc/result.ts';
import type { ReconcileItem, ReconcileReport, ReconcileSummary } from '../../../shared/recon/types.ts';
import { writeXlsxReport } from '../../report/xlsx-report.ts';
import { Workspace } from './store.ts';

export interface ExportJobInput {
  root: string;
  id: string;
  path: string;
  lang: Lang;
  generatedAtIso: string;
}

/** The whole report, as the engine made it, from the database. */
export function workspaceReport(w: Workspace, lang: Lang, generatedAtIso: string): ReconcileReport {
  const summary = w.result() as ReconcileSummary | null;
  if (summary === null) throw new AppFailure('invalid-request', '工作区还没有核对结果，请先核对');
  const items: ReconcileItem[] = [];
  const page = 5_000;
  for (let offset = 0; ; offset += page) {
    const { rows } = w.items({ offset, limit: page, sort: 'category' });
    for (const r of rows) items.push(w.item(r.key)!);
    if (rows.length < page) break;
  }
  const inputs = w.inputs();
  return {
    summary,
    items,
    meta: {
      generatedAt: generatedAtIso, tool: 'wxrecon 0.1.0', lang,
      inputs: inputs.map((f) => ({ role: f.role, file: f.path, sha256: f.sha256, sizeBytes: f.sizeBytes, kind: f.role === 'bill' ? 'trade-bill' : 'ledger', rows: f.rows, integrity: 'ok', dateRange: null })),
    },
  };
}

export async function writeWorkspaceReport(input: ExportJobInput): Promise<{ path: string; sizeBytes: number }> {
  const w = Workspace.open(input.root, input.id);
  let report: ReconcileReport;
  try {
    report = workspaceReport(w, input.lang, input.generatedAtIso);
  } finally {
    w.close();
  }
  await writeXlsxReport(input.path, report, { lang: input.lang });
  return { path: input.path, sizeBytes: (await stat(input.path)).size };
}
