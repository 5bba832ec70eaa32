/**
 * One reconciliation: the discrepancies (a table that stays smooth with a million rows, filtered by
 * category and state, searched by order number, sorted by amount or time), a detail panel with the
 * bill, ledger and live views side by side and the decision (status, decision, required note, for
 * one item or a selection; resolved items locked with who and when), live queries with progress,
 * pause and cancel, the summary with control totals and charts, and the export.
 */
import { lazy, startTransition, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Drawer, Empty, Form, Input, Popconfirm, Progress, Radio, Row, Select, Space, Statistic, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import type { ItemRow, ItemView, ResolutionStatus, WorkspaceDetail, WorkspaceSummary } from '../../../shared/ipc/contract.ts';
import type { ReconcileItem, ReconcileSummary } from '../../../shared/recon/types.ts';
import { CATEGORIES } from '../../../shared/recon/types.ts';
import { call, on } from '../api.ts';
import { useUi } from '../context.ts';
import { format, type Messages } from '../i18n.ts';
import { formatFen } from '../format.ts';
import { isoToBeijing } from '../../../shared/import/time.ts';
import { go } from '../router.ts';
import { VirtualTable, type VirtualColumn } from '../components/VirtualTable.tsx';
import { CATEGORY_TEXT, ACTION_TEXT } from '../labels.ts';

// ECharts is the largest dependency and only the summary draws with it: fetched when first shown.
const Chart = lazy(() => import('../components/Chart.tsx').then((m) => ({ default: m.Chart })));

type Sort = 'category' | 'amount-desc' | 'amount-asc' | 'time-asc' | 'time-desc';
const STATUS_TEXT_COLORS: Record<ResolutionStatus, string> = { open: '#d48806', 'in-progress': '#1677ff', resolved: '#389e0d' };

function statusText(t: Messages, s: ResolutionStatus): string {
  return { open: t.statusOpen, 'in-progress': t.statusInProgress, resolved: t.statusResolved }[s];
}

export function WorkspacePage(props: { id: string; tab: 'items' | 'summary' | 'export' }) {
  const { t, lang } = useUi();
  const [detail, setDetail] = useState<WorkspaceDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [query, setQuery] = useState<{ done: number; total: number; failed: number; rate: number; eta: number | null; paused: boolean } | null>(null);
  const [view, setView] = useState<View>(ALL_ITEMS);

  useEffect(() => {
    let live = true;
    // A transition: building the page (tabs, table, charts) yields to the browser as it goes.
    call('workspaces:open', { id: props.id }).then((d) => live && startTransition(() => setDetail(d)), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [props.id, version]);

  // Progress comes over its own stream and can arrive after the run's answer: only while one runs.
  const running = useRef(false);
  useEffect(() => on('queries:progressed', (p) => {
    if (p.workspaceId !== props.id || !running.current) return;
    setQuery({ done: p.progress.done, total: p.progress.total, failed: p.progress.failed, rate: p.progress.ratePerSec, eta: p.progress.etaSec, paused: p.progress.paused });
  }), [props.id]);

  const runQueries = async () => {
    setError(null);
    setQuery({ done: 0, total: 0, failed: 0, rate: 0, eta: null, paused: false });
    running.current = true;
    try {
      await call('queries:start', { workspaceId: props.id, lang });
      setVersion((v) => v + 1);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      running.current = false;
      setQuery(null);
    }
  };

  if (error !== null && detail === null) return <Alert type="error" showIcon message={t.error} description={error} />;
  if (detail === null) return <Card loading />;

  const summary = detail.summary as ReconcileSummary | null;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space align="baseline" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space align="baseline">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="workspace-name">{detail.name}</Typography.Title>
          <Typography.Text type="secondary">{detail.days.join('、')}</Typography.Text>
          <Tag color={detail.openCount > 0 ? 'orange' : 'green'} data-testid="open-count">{format(t.items, { n: detail.openCount })}</Tag>
        </Space>
        <Space>
          {query === null ? (
            <Button onClick={runQueries} disabled={detail.merchantId === null} data-testid="query-live">{t.queryLive}</Button>
          ) : (
            <>
              <Progress
                percent={query.total > 0 ? Math.round(((query.done + query.failed) / query.total) * 100) : 0}
                size="small"
                style={{ width: 200 }}
                status={query.paused ? 'normal' : 'active'}
              />
              <Typography.Text type="secondary" data-testid="query-progress">
                {format(t.queryProgress, { done: query.done + query.failed, total: query.total, rate: query.rate.toFixed(1), eta: query.eta === null ? '' : format(t.etaText, { s: Math.ceil(query.eta) }) })}
              </Typography.Text>
              <Button size="small" data-testid="query-pause" onClick={() => void call(query.paused ? 'queries:resume' : 'queries:pause', { workspaceId: props.id }).then((r) => setQuery((q) => (q === null ? q : { ...q, paused: r.paused })))}>
                {query.paused ? t.resume : t.pause}
              </Button>
              <Button size="small" danger data-testid="query-cancel" onClick={() => void call('queries:cancel', { workspaceId: props.id })}>{t.cancel}</Button>
            </>
          )}
        </Space>
      </Space>
      {error !== null && <Alert type="error" showIcon message={t.error} description={error} closable onClose={() => setError(null)} />}
      <Tabs
        activeKey={props.tab}
        onChange={(k) => go({ page: 'workspace', id: props.id, tab: k as 'items' | 'summary' | 'export' })}
        items={[
          { key: 'items', label: t.discrepancies, children: <Items id={props.id} version={version} onChanged={() => setVersion((v) => v + 1)} view={view} onView={setView} /> },
          { key: 'summary', label: t.summary, children: summary === null ? <Empty /> : <SummaryView summary={summary} detail={detail} /> },
          { key: 'export', label: t.export, children: <ExportView id={props.id} name={detail.name} view={view} version={version} /> },
        ]}
      />
    </Space>
  );
}

/** What the discrepancy table shows. */
interface View {
  categories: string[];
  statuses: ResolutionStatus[];
  search: string;
  sort: Sort;
}
const ALL_ITEMS: View = { categories: [], statuses: [], search: '', sort: 'category' };

/** The view as the main process takes it (empty filters left out). */
export function viewRequest(v: View): ItemView {
  return { sort: v.sort, ...(v.categories.length > 0 ? { categories: v.categories as ItemRow['category'][] } : {}), ...(v.statuses.length > 0 ? { statuses: v.statuses } : {}), ...(v.search.trim() !== '' ? { search: v.search.trim() } : {}) };
}

function Items(props: { id: string; version: number; onChanged: () => void; view: View; onView: (v: View) => void }) {
  const { t, lang } = useUi();
  // The view (filters and order) lives in the page, so the export tab can write what the table shows.
  const { categories, statuses, search, sort } = props.view;
  const setCategories = (v: string[]) => props.onView({ ...props.view, categories: v });
  const setStatuses = (v: ResolutionStatus[]) => props.onView({ ...props.view, statuses: v });
  const setSearch = (v: string) => props.onView({ ...props.view, search: v });
  const setSort = (v: Sort) => props.onView({ ...props.view, sort: v });
  const [total, setTotal] = useState<number | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [active, setActive] = useState<ItemRow | null>(null);
  const [bulk, setBulk] = useState(false);
  const searchBox = useRef<{ focus: () => void } | null>(null);
  const filter = useMemo(() => ({ id: props.id, ...viewRequest(props.view) }), [props.id, props.view]);
  const resetKey = JSON.stringify(filter) + props.version;

  useEffect(() => {
    let live = true;
    call('workspaces:items', { ...filter, offset: 0, limit: 1 }).then((r) => live && startTransition(() => setTotal(r.total)), () => live && setTotal(0));
    return () => {
      live = false;
    };
  }, [resetKey]);

  useEffect(() => {
    // Ctrl/⌘+F: the search box; Escape closes the panel.
    const key = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchBox.current?.focus();
      }
      if (e.key === 'Escape') setActive(null);
    };
    addEventListener('keydown', key);
    return () => removeEventListener('keydown', key);
  }, []);

  const fetchRows = useCallback((offset: number, limit: number) => call('workspaces:items', { ...filter, offset, limit }).then((r) => r.rows), [resetKey]);

  const columns = useMemo((): VirtualColumn<ItemRow>[] => [
    { key: 'category', title: t.category, widthPx: 120, render: (r) => CATEGORY_TEXT[lang][r.category] ?? r.category },
    { key: 'order', title: t.orderNo, widthPx: 190, render: (r) => r.outTradeNo ?? '—' },
    { key: 'bill', title: t.billAmount, widthPx: 110, align: 'right', render: (r) => (r.billFen === null ? '—' : formatFen(r.billFen, lang)) },
    { key: 'ledger', title: t.ledgerAmount, widthPx: 110, align: 'right', render: (r) => (r.ledgerFen === null ? '—' : formatFen(r.ledgerFen, lang)) },
    { key: 'live', title: t.liveState, widthPx: 110, render: (r) => r.liveState ?? '—' },
    { key: 'time', title: t.time, widthPx: 160, render: (r) => r.time ?? '—' },
    // A plain span, not antd's Tag: each Tag costs style work per row, and rows mount on every scroll frame.
    { key: 'status', title: t.status, widthPx: 140, render: (r) => {
      const st = r.resolution?.status ?? 'open';
      return <span style={{ color: STATUS_TEXT_COLORS[st], whiteSpace: 'nowrap' }}>{statusText(t, st)}{r.openDays !== null ? ` · ${format(t.daysOpen, { n: r.openDays })}` : ''}</span>;
    } },
    { key: 'explanation', title: t.explanation, widthPx: 460, render: (r) => r.explanation },
  ], [t, lang]);

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8, minWidth: 0 }}>
      <Space wrap>
        <Select mode="multiple" allowClear placeholder={t.allCategories} style={{ minWidth: 220 }} value={categories} onChange={setCategories} data-testid="filter-category"
          options={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_TEXT[lang][c] ?? c }))} />
        <Select mode="multiple" allowClear placeholder={t.allStatuses} style={{ minWidth: 180 }} value={statuses} onChange={setStatuses}
          options={(['open', 'in-progress', 'resolved'] as const).map((s) => ({ value: s, label: statusText(t, s) }))} />
        <Input.Search ref={(r) => { searchBox.current = r; }} allowClear placeholder={t.search} style={{ width: 300 }} onSearch={setSearch} data-testid="search" />
        <Select style={{ width: 160 }} value={sort} onChange={setSort} data-testid="sort"
          options={[['category', t.sortCategory], ['amount-desc', t.sortAmountDesc], ['amount-asc', t.sortAmountAsc], ['time-asc', t.sortTimeAsc], ['time-desc', t.sortTimeDesc]].map(([value, label]) => ({ value, label }))} />
        <Typography.Text type="secondary" data-testid="items-total">{total === null ? t.loading : format(t.items, { n: total.toLocaleString() })}</Typography.Text>
        {selected.size > 0 && (
          <>
            <Typography.Text>{format(t.selected, { n: selected.size })}</Typography.Text>
            <Button size="small" type="primary" onClick={() => setBulk(true)} data-testid="resolve-selected">{t.resolveSelected}</Button>
          </>
        )}
      </Space>
      {total === 0 ? (
        <Empty description={t.empty} />
      ) : (
        <VirtualTable<ItemRow>
          columns={columns}
          total={total ?? 0}
          fetchRows={fetchRows}
          rowKey={(r) => r.key}
          resetKey={resetKey}
          heightPx={Math.max(320, innerHeight - 300)}
          selected={selected}
          onSelectedChange={setSelected}
          activeKey={active?.key ?? null}
          onActivate={setActive}
          storageKey="wxrecon.columns.items"
          emptyText={t.empty}
          loadingText={t.loading}
        />
      )}
      {active !== null && <ItemDrawer id={props.id} row={active} onClose={() => setActive(null)} onSaved={() => { setActive(null); props.onChanged(); }} />}
      {bulk && <ResolveModalAsDrawer id={props.id} keys={[...selected]} onClose={() => setBulk(false)} onSaved={() => { setBulk(false); setSelected(new Set()); props.onChanged(); }} />}
    </div>
  );
}

function side(t: Messages, lang: 'zh-CN' | 'en', title: string, fields: [string, string | null | undefined][]) {
  return (
    <Card size="small" title={title} style={{ height: '100%' }}>
      {fields.length === 0 ? <Typography.Text type="secondary">{t.none}</Typography.Text> : <Descriptions size="small" column={1} items={fields.map(([label, value], i) => ({ key: String(i), label, children: value === null || value === undefined || value === '' ? <Typography.Text type="secondary">{t.none}</Typography.Text> : value }))} />}
    </Card>
  );
}

function ItemDrawer(props: { id: string; row: ItemRow; onClose: () => void; onSaved: () => void }) {
  const { t, lang } = useUi();
  const [data, setData] = useState<{ item: ReconcileItem; history: NonNullable<ItemRow['resolution']>[] } | null>(null);
  useEffect(() => {
    let live = true;
    call('workspaces:item', { id: props.id, key: props.row.key }).then((d) => live && setData({ item: d.item as ReconcileItem, history: d.history }), () => undefined);
    return () => {
      live = false;
    };
  }, [props.row.key]);
  const item = data?.item;
  const y = (fen: number | null | undefined) => (fen === null || fen === undefined ? null : formatFen(fen, lang));
  const locked = props.row.resolution?.status === 'resolved';
  const stateLabel = lang === 'zh-CN' ? '状态' : 'State';
  const where = (file: string, line: number) => (lang === 'zh-CN' ? `${file.split(/[\\/]/).pop()} 第 ${line} 行` : `${file.split(/[\\/]/).pop()}, line ${line}`);
  const fileLabel = lang === 'zh-CN' ? '文件' : 'File';
  return (
    <Drawer open width={Math.min(900, innerWidth - 120)} title={`${CATEGORY_TEXT[lang][props.row.category] ?? props.row.category} · ${props.row.outTradeNo ?? ''}`} onClose={props.onClose} data-testid="item-drawer">
      {item === undefined ? (
        <Card loading />
      ) : (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={item.explanation} description={`${t.action}：${ACTION_TEXT[lang][item.suggestedAction] ?? item.suggestedAction}`} />
          <Row gutter={12}>
            <Col span={8}>{side(t, lang, t.billSide, item.bill === null ? [] : [
              [t.billAmount, y(item.bill.amountFen)], [t.transactionId, item.bill.transactionId], [t.time, item.bill.paidAt], [stateLabel, item.bill.state],
              [t.refundAmount, item.bill.refundFen > 0 ? y(item.bill.refundFen) : null], [fileLabel, where(item.bill.file, item.bill.line)],
            ])}</Col>
            <Col span={8}>{side(t, lang, t.ledgerSide, item.ledger === null ? [] : [
              [t.ledgerAmount, y(item.ledger.amountFen)], [stateLabel, item.ledger.stateRaw || item.ledger.state], [t.time, item.ledger.paidAt], [t.refundAmount, y(item.ledger.refundFen)],
              [fileLabel, where(item.ledger.file, item.ledger.line)],
            ])}</Col>
            <Col span={8}>{side(t, lang, t.liveSide, item.live === null ? [] : [
              [t.liveState, item.live.tradeState], [t.billAmount, y(item.live.totalFen)], [t.time, item.live.successTime],
              [t.refundAmount, item.live.refunds ? y(item.live.refunds.refundFen) : null], [t.queriedAt, item.live.queriedAt], [t.requestId, item.live.requestId],
            ])}</Col>
          </Row>
          {item.live?.tradeState === 'NOTPAY' && item.outTradeNo !== null && <CloseOrder id={props.id} outTradeNo={item.outTradeNo} onDone={props.onSaved} />}
          {(data?.history.length ?? 0) > 0 && <Timeline items={data!.history.map((h) => ({ children: `${isoToBeijing(h.atIso)} ${h.by} ${statusText(t, h.status)}${h.decision ? ` · ${h.decision}` : ''}${h.note ? `：${h.note}` : ''}` }))} />}
          {locked ? (
            <Alert type="success" showIcon message={format(t.lockedBy, { by: props.row.resolution!.by || '—', at: isoToBeijing(props.row.resolution!.atIso) })} description={props.row.resolution!.note} />
          ) : (
            <ResolveForm id={props.id} keys={[props.row.key]} initial={props.row.resolution?.status ?? 'open'} onSaved={props.onSaved} />
          )}
        </Space>
      )}
    </Drawer>
  );
}

/** 关单 for an order WeChat still has as unpaid: a stale order nobody will pay, closed so it cannot be paid later. */
function CloseOrder(props: { id: string; outTradeNo: string; onDone: () => void }) {
  const { lang, by } = useUi();
  const zh = lang === 'zh-CN';
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ type: 'success' | 'warning' | 'error'; text: string } | null>(null);
  const close = async () => {
    setBusy(true);
    try {
      const r = await call('orders:close', { workspaceId: props.id, outTradeNo: props.outTradeNo, by });
      const text = {
        closed: zh ? `已在微信支付关单，当前状态 ${r.tradeState}` : `Closed at WeChat Pay; now ${r.tradeState}`,
        'already-closed': zh ? `订单在微信支付已是 ${r.tradeState}，无需关单` : `Already ${r.tradeState} at WeChat Pay`,
        'refused-paid': zh ? `订单已支付（${r.tradeState}），不能关单` : `The order is paid (${r.tradeState}); it cannot be closed`,
        'too-young': zh ? '订单创建不足 5 分钟，微信支付暂不允许关单' : 'Less than five minutes old; WeChat Pay does not allow closing it yet',
      }[r.outcome];
      setResult({ type: r.outcome === 'closed' ? 'success' : 'warning', text });
      if (r.outcome === 'closed') setTimeout(props.onDone, 800);
    } catch (e) {
      setResult({ type: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={zh ? '在微信支付关单' : 'Close at WeChat Pay'}>
      <Space direction="vertical">
        <Typography.Text type="secondary">{zh ? '微信支付中这笔订单仍未支付。关单后用户将无法再支付；先查询实时状态，已支付的订单不会被关闭。' : 'WeChat Pay still has this order unpaid. Once closed it cannot be paid; its live state is asked first and a paid order is never closed.'}</Typography.Text>
        <Popconfirm title={zh ? `确定在微信支付关闭订单 ${props.outTradeNo}？` : `Close order ${props.outTradeNo} at WeChat Pay?`} onConfirm={() => void close()} okText={zh ? '关单' : 'Close'} cancelText={zh ? '取消' : 'Cancel'}>
          <Button danger loading={busy} data-testid="close-order">{zh ? '关单' : 'Close order'}</Button>
        </Popconfirm>
        {result !== null && <Alert type={result.type} showIcon message={result.text} data-testid="close-result" />}
      </Space>
    </Card>
  );
}

function ResolveForm(props: { id: string; keys: string[]; initial: ResolutionStatus; onSaved: () => void }) {
  const { t, by, setBy } = useUi();
  const [status, setStatus] = useState<ResolutionStatus>(props.initial === 'open' ? 'in-progress' : props.initial);
  const [decision, setDecision] = useState('');
  const [note, setNote] = useState('');
  const [who, setWho] = useState(by);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    if (status === 'resolved' && note.trim() === '') {
      setError(t.noteRequired);
      return;
    }
    setSaving(true);
    try {
      await call('workspaces:resolve', { id: props.id, keys: props.keys, status, decision: decision.trim() === '' ? null : decision.trim(), note: note.trim(), by: who.trim() });
      setBy(who.trim());
      props.onSaved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={`${t.resolve}${props.keys.length > 1 ? `（${format(t.selected, { n: props.keys.length })}）` : ''}`}>
      <Form layout="vertical">
        <Form.Item label={t.status}>
          <Radio.Group value={status} onChange={(e) => setStatus(e.target.value as ResolutionStatus)} data-testid="resolve-status"
            options={(['open', 'in-progress', 'resolved'] as const).map((s) => ({ value: s, label: statusText(t, s) }))} optionType="button" />
        </Form.Item>
        <Form.Item label={t.decision}><Input value={decision} onChange={(e) => setDecision(e.target.value)} maxLength={100} data-testid="resolve-decision" /></Form.Item>
        <Form.Item label={t.note} required={status === 'resolved'} validateStatus={error !== null ? 'error' : undefined} help={error ?? undefined}>
          <Input.TextArea rows={3} value={note} onChange={(e) => { setNote(e.target.value); setError(null); }} maxLength={2000} data-testid="resolve-note" />
        </Form.Item>
        <Form.Item label={t.by}><Input value={who} onChange={(e) => setWho(e.target.value)} maxLength={100} style={{ width: 200 }} data-testid="resolve-by" /></Form.Item>
        <Button type="primary" loading={saving} onClick={save} data-testid="resolve-save">{t.save}</Button>
      </Form>
    </Card>
  );
}

function ResolveModalAsDrawer(props: { id: string; keys: string[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useUi();
  return (
    <Drawer open width={520} title={t.resolveSelected} onClose={props.onClose}>
      <ResolveForm id={props.id} keys={props.keys} initial="open" onSaved={props.onSaved} />
    </Drawer>
  );
}

/** A row of the per-category table; amounts unknown (null) for a workspace saved before they were kept. */
type CategoryRow = { category: ItemRow['category']; count: number; billFen: number | null; ledgerFen: number | null; resolved: number | null };

export interface TrendPoint {
  day: string;
  items: number;
  open: number;
}

/**
 * The last 30 days reconciled, one point each: its discrepancies and those still open. A day
 * reconciled in several workspaces counts once, from the one updated last (a re-made day replaces
 * the first try); a workspace of several days is one point named by its first and last day.
 */
export function dailyTrend(all: readonly WorkspaceSummary[]): TrendPoint[] {
  const byDay = new Map<string, WorkspaceSummary>();
  for (const w of all) {
    if (w.days.length === 0) continue;
    const days = [...w.days].sort();
    const day = days.length === 1 ? days[0]! : `${days[0]}~${days.at(-1)}`;
    const seen = byDay.get(day);
    if (seen === undefined || seen.updatedAtIso < w.updatedAtIso) byDay.set(day, w);
  }
  return [...byDay]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(-30)
    .map(([day, w]) => ({ day, items: Object.entries(w.counts).reduce((n, [c, k]) => (c === 'matched' ? n : n + k), 0), open: w.openCount }));
}

function SummaryView(props: { summary: ReconcileSummary; detail: WorkspaceDetail }) {
  const { t, lang } = useUi();
  const s = props.summary;
  const [trend, setTrend] = useState<TrendPoint[]>([]);
  useEffect(() => {
    call('workspaces:list', {}).then((all) => setTrend(dailyTrend(all)), () => undefined);
  }, []);
  const cats = CATEGORIES.filter((c) => (s.counts[c] ?? 0) > 0);
  const dark = document.documentElement.dataset.theme === 'dark';
  const y = (fen: number) => formatFen(fen, lang);
  return (
    <Suspense fallback={<Card loading />}>
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t.controlTotals} size="small">
        <Row gutter={16}>
          <Col span={6}><Statistic title={`${t.billSide} · ${t.paidCount}`} value={s.bill.paidCount} /></Col>
          <Col span={6}><Statistic title={`${t.billSide} · ${t.paidAmount}`} value={y(s.bill.paidFen)} data-testid="bill-paid" /></Col>
          <Col span={6}><Statistic title={`${t.ledgerSide} · ${t.paidCount}`} value={s.ledger.paidCount} /></Col>
          <Col span={6}><Statistic title={`${t.ledgerSide} · ${t.paidAmount}`} value={y(s.ledger.paidFen)} /></Col>
        </Row>
        <Row gutter={16} style={{ marginTop: 12 }}>
          <Col span={6}><Statistic title={`${t.billSide} · ${t.refundAmount}`} value={y(s.bill.refundFen)} /></Col>
          <Col span={6}><Statistic title={`${t.ledgerSide} · ${t.refundAmount}`} value={y(s.ledger.refundFen)} /></Col>
          <Col span={6}><Statistic title={t.difference} value={y(s.differenceFen)} valueStyle={{ color: s.differenceFen === 0 ? undefined : '#cf1322' }} /></Col>
          <Col span={6}><Statistic title={t.matched} value={s.counts.matched ?? 0} /></Col>
        </Row>
      </Card>
      <Card title={t.byCategory} size="small">
        <Table<CategoryRow>
          size="small"
          pagination={false}
          rowKey="category"
          data-testid="category-totals"
          dataSource={props.detail.categories.length > 0 ? [...props.detail.categories as CategoryRow[]].sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category)) : cats.map((c) => ({ category: c, count: s.counts[c] ?? 0, billFen: null, ledgerFen: null, resolved: null }))}
          columns={[
            { title: t.category, key: 'c', render: (_, r) => CATEGORY_TEXT[lang][r.category] ?? r.category },
            { title: t.itemCount, key: 'n', align: 'right', render: (_, r) => r.count.toLocaleString() },
            { title: t.billAmountSum, key: 'b', align: 'right', render: (_, r) => (r.billFen === null ? '—' : y(r.billFen)) },
            { title: t.ledgerAmountSum, key: 'l', align: 'right', render: (_, r) => (r.ledgerFen === null ? '—' : y(r.ledgerFen)) },
            { title: t.statusOpen, key: 'o', align: 'right', render: (_, r) => (r.resolved === null ? '—' : (r.count - r.resolved).toLocaleString()) },
          ]}
        />
      </Card>
      <Row gutter={16}>
        <Col span={12}>
          <Card title={t.byCategoryChart} size="small">
            <Chart dark={dark} testId="chart-categories" option={{
              tooltip: {}, grid: { left: 120, right: 24, top: 8, bottom: 24 },
              xAxis: { type: 'value', minInterval: 1 }, yAxis: { type: 'category', data: cats.map((c) => CATEGORY_TEXT[lang][c] ?? c) },
              series: [{ type: 'bar', barMaxWidth: 28, data: cats.map((c) => s.counts[c] ?? 0), itemStyle: { color: '#07c160' } }],
            }} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t.trendByDay} size="small">
            <Chart dark={dark} testId="chart-trend" option={{
              tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 48, right: 16, top: 32, bottom: 24 },
              xAxis: { type: 'category', data: trend.map((x) => x.day) }, yAxis: { type: 'value', minInterval: 1 },
              series: [
                { name: t.discrepancies, type: 'bar', barMaxWidth: 36, data: trend.map((x) => x.items), itemStyle: { color: '#91d5a8' } },
                { name: t.statusOpen, type: 'bar', barMaxWidth: 36, data: trend.map((x) => x.open), itemStyle: { color: '#fa8c16' } },
              ],
            }} />
          </Card>
        </Col>
      </Row>
    </Space>
    </Suspense>
  );
}

function ExportView(props: { id: string; name: string; view: View; version: number }) {
  const { t, lang } = useUi();
  const [path, setPath] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A view shows less than the whole when it filters or searches (its order alone does not).
  const filtered = props.view.categories.length > 0 || props.view.statuses.length > 0 || props.view.search.trim() !== '';
  const [scope, setScope] = useState<'all' | 'view'>('all');
  const [counts, setCounts] = useState<{ all: number; view: number } | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([
      call('workspaces:items', { id: props.id, offset: 0, limit: 1 }),
      call('workspaces:items', { id: props.id, ...viewRequest(props.view), offset: 0, limit: 1 }),
    ]).then(([a, v]) => live && setCounts({ all: a.total, view: v.total }), () => undefined);
    return () => {
      live = false;
    };
  }, [props.id, props.view, props.version]);
  const useView = filtered && scope === 'view';
  const write = async (target: string) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('workspaces:export', { id: props.id, path: target, lang, ...(useView ? { view: viewRequest(props.view) } : {}) });
      setDone(format(t.exported, { path: r.path }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const pick = async () => {
    const r = await call('files:pick', { purpose: 'report', multiple: false, defaultName: `${props.name}${useView ? t.viewSuffix : ''}.xlsx` }).catch(() => ({ paths: [] as string[] }));
    if (r.paths[0] !== undefined) await write(r.paths[0]);
  };
  return (
    <Card size="small" title={t.exportReport}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group value={useView ? 'view' : 'all'} onChange={(e) => setScope(e.target.value as 'all' | 'view')} data-testid="export-scope"
          options={[
            { value: 'all', label: format(t.exportAll, { n: counts?.all.toLocaleString() ?? '…' }) },
            { value: 'view', label: format(t.exportView, { n: counts?.view.toLocaleString() ?? '…' }), disabled: !filtered },
          ]} />
        {!filtered && <Typography.Text type="secondary">{t.exportViewHint}</Typography.Text>}
        <Typography.Text type="secondary">{t.exportContents}</Typography.Text>
        <Space.Compact style={{ width: '100%', maxWidth: 720 }}>
          <Button type="primary" onClick={pick} loading={busy} data-testid="export-pick">{t.exportReport}</Button>
          <Input placeholder={t.pathPlaceholder} value={path} onChange={(e) => setPath(e.target.value)} data-testid="export-path" />
          <Button disabled={path.trim() === '' || busy} onClick={() => void write(path.trim())} data-testid="export-write">{t.save}</Button>
        </Space.Compact>
        {done !== null && <Alert type="success" showIcon message={done} data-testid="export-done" />}
        {error !== null && <Alert type="error" showIcon message={error} />}
      </Space>
    </Card>
  );
}
