/** A workspace's report rebuilt from its database and written as .xlsx (run on export-worker.ts). */
import { stat } from 'node:fs/promises';
import type { Lang } from '../../../shared/i18n/messages.ts';
import { AppFailure } from '../../../shared/ipc/result.ts';
import type { ReconcileItem, ReconcileReport, ReconcileSummary } from '../../../shared/recon/types.ts';
import { DECISION_STATUS_LABELS, writeXlsxReport, type ReportDecision, type XlsxReportOptions } from '../../report/xlsx-report.ts';
import { CATEGORY_LABELS } from '../../../shared/recon/csv-report.ts';
import type { ItemRow, ResolutionStatus } from '../../../shared/ipc/contract.ts';
import { itemKey, Workspace, type ItemQuery } from './store.ts';

/** The part of the result a view shows (the discrepancy table's filters and order). */
export interface ExportView {
  categories?: ItemRow['category'][];
  statuses?: ResolutionStatus[];
  search?: string;
  sort?: ItemQuery['sort'];
}

export interface ExportJobInput {
  root: string;
  id: string;
  path: string;
  lang: Lang;
  generatedAtIso: string;
  /** Only the items this view shows; the whole workspace without it. */
  view?: ExportView;
}

/** The view in words for the report's summary sheet, e.g. `类别：金额不符；状态：未处理；搜索：DEMO（3 / 7 条）`. */
export function scopeText(view: ExportView, shown: number, all: number, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const parts: string[] = [];
  if (view.categories?.length) parts.push(`${zh ? '类别' : 'categories'}${zh ? '：' : ': '}${view.categories.map((c) => CATEGORY_LABELS[c]?.[lang] ?? c).join(zh ? '、' : ', ')}`);
  if (view.statuses?.length) parts.push(`${zh ? '状态' : 'status'}${zh ? '：' : ': '}${view.statuses.map((x) => DECISION_STATUS_LABELS[lang][x]).join(zh ? '、' : ', ')}`);
  if (view.search?.trim()) parts.push(`${zh ? '搜索' : 'search'}${zh ? '：' : ': '}${view.search.trim()}`);
  const filters = parts.length > 0 ? parts.join(zh ? '；' : '; ') : zh ? '全部差异' : 'all discrepancies';
  return zh ? `当前视图（${filters}），${shown} / ${all} 条` : `Current view (${filters}), ${shown} of ${all} items`;
}

export interface WorkspaceExport {
  report: ReconcileReport;
  decisions: NonNullable<XlsxReportOptions['decisions']>;
  scope?: string;
}

/** The report as the engine made it, from the database, with the decisions; a view's items only when given one. */
export function workspaceReport(w: Workspace, lang: Lang, generatedAtIso: string, view?: ExportView): WorkspaceExport {
  const summary = w.result() as ReconcileSummary | null;
  if (summary === null) throw new AppFailure('invalid-request', '工作区还没有核对结果，请先核对');
  const items: ReconcileItem[] = [];
  const current: (ReportDecision | null)[] = [];
  const page = 5_000;
  for (let offset = 0; ; offset += page) {
    // The store reads an empty filter or a blank search as none, as the table does.
    const { rows } = w.items({ ...view, offset, limit: page, sort: view?.sort ?? 'category' });
    for (const r of rows) {
      items.push(w.item(r.key)!);
      current.push(r.resolution);
    }
    if (rows.length < page) break;
  }
  const keys = new Set(view === undefined ? [] : items.map(itemKey));
  const log = w.decisionLog().filter((d) => view === undefined || keys.has(d.key));
  const inputs = w.inputs();
  const all = view === undefined ? items.length : w.items({ offset: 0, limit: 1, sort: 'category' }).total;
  return {
    report: {
      summary,
      items,
      meta: {
        generatedAt: generatedAtIso, tool: 'wxrecon 0.1.0', lang,
        inputs: inputs.map((f) => ({ role: f.role, file: f.path, sha256: f.sha256, sizeBytes: f.sizeBytes, kind: f.role === 'bill' ? 'trade-bill' : 'ledger', rows: f.rows, integrity: 'ok', dateRange: null })),
      },
    },
    decisions: { current, log },
    ...(view !== undefined ? { scope: scopeText(view, items.length, all, lang) } : {}),
  };
}

export async function writeWorkspaceReport(input: ExportJobInput): Promise<{ path: string; sizeBytes: number }> {
  const w = Workspace.open(input.root, input.id);
  let out: WorkspaceExport;
  try {
    out = workspaceReport(w, input.lang, input.generatedAtIso, input.view);
  } finally {
    w.close();
  }
  await writeXlsxReport(input.path, out.report, { lang: input.lang, decisions: out.decisions, ...(out.scope !== undefined ? { scope: out.scope } : {}) });
  return { path: input.path, sizeBytes: (await stat(input.path)).size };
}
