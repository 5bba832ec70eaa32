/**
 * New reconciliation: pick several bills and ledgers at once (the system dialog, or a pasted path),
 * see what each file is before anything runs — kind, bill type, layout, encoding, rows, dates, the
 * summary check, every warning in plain words — choose the merchant whose live states settle doubtful
 * orders, and reconcile with a progress bar.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Collapse, Form, Input, InputNumber, Progress, Segmented, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { FileSummary, MerchantSummary, TextEncoding } from '../../../shared/ipc/contract.ts';
import { ApiError, call, pathForFile } from '../api.ts';
import { createAndReconcile } from '../actions.ts';
import { useUi } from '../context.ts';
import { phaseText } from '../i18n.ts';
import { go } from '../router.ts';
import { MappingDialog, type Mapping } from '../components/MappingDialog.tsx';

type Role = 'bill' | 'ledger';

type Warning = FileSummary['warnings'][number];

/** One line per kind of warning (a damaged 1M-row file repeats one problem on every row), with how often and where. */
export function groupWarnings(ws: readonly Warning[]): Warning[] {
  const by = new Map<string, Warning>();
  for (const w of ws) {
    const g = by.get(w.code);
    if (g === undefined) by.set(w.code, { ...w, rows: [...w.rows] });
    else {
      g.count += w.count;
      g.rows.push(...w.rows);
    }
  }
  return [...by.values()];
}

/** Where a grouped warning applies: its first rows, and how many in all when there are more. */
export function warningWhere(w: Warning, lang: 'zh-CN' | 'en'): string {
  const shown = w.rows.slice(0, 5);
  if (shown.length === 0) return w.count > 1 ? (lang === 'zh-CN' ? `（共 ${w.count} 处）` : ` (${w.count} times)`) : '';
  const more = w.count > shown.length;
  return lang === 'zh-CN'
    ? `（第 ${shown.join('、')} 行${more ? `等，共 ${w.count} 行` : ''}）`
    : ` (row${shown.length > 1 || more ? 's' : ''} ${shown.join(', ')}${more ? `… ${w.count} in all` : ''})`;
}

interface Picked {
  role: Role;
  path: string;
  summary: FileSummary | null;
  error: string | null;
  /** The encoding the user chose; null reads it as detected. */
  encoding: TextEncoding | null;
}

/** A listed file with what files:inspect said of it (its error, if any, in words). */
function withSummary(f: Picked, s: FileSummary): Picked {
  return { ...f, summary: s, error: s.error?.message ?? null };
}

/** Text files may have their encoding chosen; spreadsheets, UTF-16 and BOM-marked files say theirs. */
export function encodingChoosable(s: FileSummary | null): boolean {
  return s !== null && (s.format === 'csv' || s.format === 'tsv' || s.format === 'csv.gz') && (s.encoding === null || s.encoding === 'utf-8' || s.encoding === 'gb18030');
}

/** Where a dropped file goes: bills of any kind (a wrong kind is then said), ledgers and what is not recognised (to be mapped). */
export function roleOf(kind: FileSummary['kind']): Role {
  return kind === 'trade-bill' || kind === 'fund-flow-bill' || kind === 'personal-bill' ? 'bill' : 'ledger';
}

/** The encodings chosen, by path, as the main process takes them. */
export function encodingsOf(files: readonly Picked[]): Record<string, TextEncoding> {
  return Object.fromEntries(files.flatMap((f) => (f.encoding === null ? [] : [[f.path, f.encoding]])));
}

/** A file's first rows as read (header and first records), to see whether the text reads right. */
function FilePreview(props: { rows: NonNullable<FileSummary['firstRows']>; lineTitle: string }) {
  const width = Math.min(12, Math.max(0, ...props.rows.map((r) => r.cells.length)));
  return (
    <Table
      size="small"
      pagination={false}
      scroll={{ x: true }}
      rowKey={(r) => String(r.line)}
      dataSource={props.rows.slice(0, 8)}
      data-testid="file-preview"
      columns={[
        { title: props.lineTitle, key: 'line', width: 56, render: (_, r) => r.line },
        ...Array.from({ length: width }, (_, i) => ({ title: String(i + 1), key: String(i), ellipsis: true, render: (_: unknown, r: (typeof props.rows)[number]) => r.cells[i] ?? '' })),
      ]}
    />
  );
}

export function ImportPage() {
  const { t, lang } = useUi();
  const [files, setFiles] = useState<Picked[]>([]);
  const [merchants, setMerchants] = useState<MerchantSummary[]>([]);
  const [merchantId, setMerchantId] = useState<string | null>(null);
  const [name, setName] = useState(() => `${t.newRecon} ${new Date().toISOString().slice(0, 10)}`);
  const [window_, setWindow] = useState(30);
  const [tolerance, setTolerance] = useState(0);
  const [paths, setPaths] = useState<Record<Role, string>>({ bill: '', ledger: '' });
  const [running, setRunning] = useState<{ phase: string; percent: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [billDate, setBillDate] = useState(() => new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10));
  const [downloading, setDownloading] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [runNote, setRunNote] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [mapping4, setMapping4] = useState<FileSummary | null>(null);

  useEffect(() => {
    call('merchants:list', {}).then((m) => {
      setMerchants(m);
      if (m.length > 0) setMerchantId(m[0]!.id);
    }, () => undefined);
  }, []);

  /** What files:inspect said of files already listed, shown on their rows. */
  const showSummaries = (summaries: readonly FileSummary[]) =>
    setFiles((old) => old.map((f) => {
      const s = summaries.find((x) => x.path === f.path);
      return s === undefined ? f : withSummary(f, s);
    }));

  /** A mapping applied: every ledger read again with it. */
  const applyMapping = async (m: Mapping) => {
    setMapping(m);
    setMapping4(null);
    const ledgers = files.filter((f) => f.role === 'ledger').map((f) => f.path);
    try {
      showSummaries(await call('files:inspect', { paths: ledgers, mapping: m, encodings: encodingsOf(files) }));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const add = async (role: Role, newPaths: string[]) => {
    const fresh = newPaths.map((p) => p.trim()).filter((p) => p !== '' && !files.some((f) => f.path === p));
    if (fresh.length === 0) return;
    setFiles((old) => [...old, ...fresh.map((path) => ({ role, path, summary: null, error: null, encoding: null }))]);
    try {
      showSummaries(await call('files:inspect', { paths: fresh, ...(role === 'ledger' && mapping !== null ? { mapping } : {}) }));
    } catch (e) {
      setFiles((old) => old.map((f) => (fresh.includes(f.path) ? { ...f, error: (e as Error).message } : f)));
    }
  };

  /** A file read again in the encoding chosen for it (null: as detected). */
  const chooseEncoding = async (f: Picked, encoding: TextEncoding | null) => {
    setFiles((old) => old.map((x) => (x.path === f.path ? { ...x, encoding, summary: null, error: null } : x)));
    try {
      showSummaries(await call('files:inspect', { paths: [f.path], ...(encoding !== null ? { encodings: { [f.path]: encoding } } : {}), ...(f.role === 'ledger' && mapping !== null ? { mapping } : {}) }));
    } catch (e) {
      setFiles((old) => old.map((x) => (x.path === f.path ? { ...x, error: (e as Error).message } : x)));
    }
  };

  /** Files dropped on the page: read first, then listed as bills or ledgers by what they are. */
  const [dragging, setDragging] = useState(false);
  const drop = async (dropped: File[]) => {
    setDragging(false);
    const found = dropped.map((f) => pathForFile(f));
    const fresh = [...new Set(found.filter((p): p is string => p !== null))].filter((p) => !files.some((f) => f.path === p));
    if (found.some((p) => p === null)) setError(t.dropNoPath);
    if (fresh.length === 0) return;
    try {
      // Read as they are first: a ledger mapping applied to a bill would read it as a ledger.
      let summaries = await call('files:inspect', { paths: fresh });
      const ledgers = summaries.filter((x) => roleOf(x.kind) === 'ledger').map((x) => x.path);
      if (mapping !== null && ledgers.length > 0) {
        const mapped = await call('files:inspect', { paths: ledgers, mapping });
        summaries = summaries.map((x) => mapped.find((m) => m.path === x.path) ?? x);
      }
      setFiles((old) => [
        ...old,
        ...summaries.filter((s) => !old.some((f) => f.path === s.path)).map((s) => withSummary({ role: roleOf(s.kind), path: s.path, summary: null, error: null, encoding: null }, s)),
      ]);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const pick = async (role: Role) => {
    try {
      const r = await call('files:pick', { purpose: role, multiple: true });
      await add(role, r.paths);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  /** The day's bill through the API (the merchant chosen below): fetched, verified, added as a bill. */
  const download = async () => {
    if (merchantId === null) return;
    setDownloading(true);
    setError(null);
    setNote(null);
    try {
      const r = await call('files:download-bill', { merchantId, date: billDate, billType: 'ALL' });
      if (r.path === null) setNote(lang === 'zh-CN' ? `${billDate} 没有账单（微信支付当天无交易）` : `No bill for ${billDate} (no trades that day)`);
      else await add('bill', [r.path]);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setDownloading(false);
    }
  };

  const kindText = (s: FileSummary) => ({ 'trade-bill': t.kindTradeBill, 'fund-flow-bill': t.kindFundFlow, 'personal-bill': t.kindPersonal, ledger: t.kindLedger, unknown: t.kindUnknown }[s.kind]);
  const wrongKind = (f: Picked) => f.summary !== null && (f.role === 'bill' ? f.summary.kind !== 'trade-bill' : f.summary.kind !== 'ledger');
  const bills = files.filter((f) => f.role === 'bill');
  const ready = bills.length > 0 && files.every((f) => f.summary !== null && f.error === null && !wrongKind(f));

  const runningId = useRef<string | null>(null);
  const run = async () => {
    setError(null);
    setRunNote(null);
    setRunning({ phase: t.reading, percent: 5 });
    try {
      const id = await createAndReconcile(
        {
          name, merchantId, bills: bills.map((f) => f.path), ledgers: files.filter((f) => f.role === 'ledger').map((f) => f.path), ...(mapping !== null ? { mapping } : {}), encodings: encodingsOf(files),
          settings: { crossDayWindowMinutes: window_, amountToleranceFen: tolerance },
        },
        (p) => {
          const base = { reading: 5, reconciling: 60, writing: 80, done: 100 }[p.phase];
          // Reading moves the bar from 5 to 55 %, saving a big result from 80 to 98 %.
          const share = p.total > 0 ? (p.done / p.total) * (p.phase === 'reading' ? 50 : p.phase === 'writing' ? 18 : 0) : 0;
          setRunning({ phase: phaseText(t, p.phase), percent: Math.round(base + share) });
        },
        (id) => {
          runningId.current = id;
        },
      );
      go({ page: 'workspace', id, tab: 'items' });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'cancelled') setRunNote(t.reconcileCancelled);
      else setError((e as Error).message);
    } finally {
      runningId.current = null;
      setRunning(null);
    }
  };
  const cancelRun = () => {
    if (runningId.current !== null) void call('workspaces:cancel-reconcile', { id: runningId.current }).catch(() => undefined);
  };

  const picker = (role: Role) => (
    <Space.Compact style={{ width: '100%' }}>
      <Button onClick={() => pick(role)} data-testid={`pick-${role}`}>{t.pickFiles}</Button>
      <Input
        placeholder={t.pathPlaceholder}
        value={paths[role]}
        data-testid={`path-${role}`}
        onChange={(e) => setPaths((p) => ({ ...p, [role]: e.target.value }))}
        onPressEnter={() => {
          void add(role, [paths[role]]);
          setPaths((p) => ({ ...p, [role]: '' }));
        }}
      />
      <Button data-testid={`add-${role}`} onClick={() => {
        void add(role, [paths[role]]);
        setPaths((p) => ({ ...p, [role]: '' }));
      }}>{t.addPath}</Button>
    </Space.Compact>
  );

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t.newRecon}</Typography.Title>
      {error !== null && <Alert type="error" showIcon message={t.error} description={error} closable onClose={() => setError(null)} />}
      <Card
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          void drop([...e.dataTransfer.files]);
        }}
        style={dragging ? { outline: '2px dashed #07c160', outlineOffset: -2 } : undefined}
        data-testid="drop-zone"
      >
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }} data-testid="drop-hint">{t.dropHere}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t.bills} required>
            <Space direction="vertical" style={{ width: '100%' }}>
              {picker('bill')}
              <Space>
                <Typography.Text type="secondary">{lang === 'zh-CN' ? '或通过接口下载' : 'or download through the API'}</Typography.Text>
                <Input type="date" value={billDate} onChange={(e) => setBillDate(e.target.value)} style={{ width: 160 }} data-testid="bill-date" />
                <Button onClick={download} loading={downloading} disabled={merchantId === null} data-testid="download-bill">{lang === 'zh-CN' ? '下载当日账单' : "Download the day's bill"}</Button>
                {note !== null && <Typography.Text type="secondary" data-testid="download-note">{note}</Typography.Text>}
              </Space>
            </Space>
          </Form.Item>
          <Form.Item label={t.ledgers}>{picker('ledger')}</Form.Item>
        </Form>
        <Table<Picked>
          size="small"
          rowKey="path"
          pagination={false}
          // Bills first, then ledgers, each in the order added (a drop brings both at once).
          dataSource={[...files.filter((f) => f.role === 'bill'), ...files.filter((f) => f.role === 'ledger')]}
          locale={{ emptyText: ' ' }}
          expandable={{
            rowExpandable: (f) => (f.summary?.firstRows?.length ?? 0) > 0,
            expandedRowRender: (f) => <FilePreview rows={f.summary?.firstRows ?? []} lineTitle={t.previewLine} />,
            columnTitle: t.preview,
            columnWidth: 72,
          }}
          columns={[
            { title: t.name, key: 'name', render: (_, f) => <Tooltip title={f.path}><span>{f.summary?.name ?? f.path.split(/[\\/]/).pop()}</span></Tooltip> },
            { title: t.kind, key: 'kind', render: (_, f) => (f.summary === null ? (f.error ? '—' : t.loading) : <Tag color={wrongKind(f) ? 'red' : 'blue'}>{kindText(f.summary)}</Tag>) },
            { title: <span style={{ whiteSpace: 'nowrap' }}>{t.billType}</span>, key: 'bt', render: (_, f) => f.summary?.billType ?? '—' },
            { title: t.layout, key: 'layout', render: (_, f) => f.summary?.layout ?? '—' },
            {
              title: t.encoding, key: 'enc', render: (_, f) => (
                <Space direction="vertical" size={2}>
                  <span>{f.summary ? `${f.summary.format}${f.summary.encoding ? ` · ${f.summary.encoding}` : ''}` : '—'}</span>
                  {(encodingChoosable(f.summary) || f.encoding !== null) && (
                    <Tooltip title={t.encodingHint}>
                      <Segmented
                        size="small"
                        value={f.encoding ?? 'auto'}
                        onChange={(v) => void chooseEncoding(f, v === 'auto' ? null : (v as TextEncoding))}
                        options={[{ value: 'auto', label: t.encodingAuto }, { value: 'utf-8', label: 'UTF-8' }, { value: 'gb18030', label: t.encodingGbk }]}
                        data-testid="encoding-choice"
                      />
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            { title: <span style={{ whiteSpace: 'nowrap' }}>{t.rows}</span>, key: 'rows', align: 'right', render: (_, f) => (f.summary === null || f.summary.kind === 'unknown' ? '—' : f.summary.rows.toLocaleString()) },
            { title: t.dateRange, key: 'dates', render: (_, f) => (f.summary?.dateRange ? (f.summary.dateRange[0] === f.summary.dateRange[1] ? f.summary.dateRange[0] : `${f.summary.dateRange[0]} – ${f.summary.dateRange[1]}`) : '—') },
            { title: t.integrity, key: 'int', render: (_, f) => (f.summary === null || f.summary.kind === 'unknown' ? '—' : <Tag color={{ ok: 'green', mismatch: 'red', 'no-summary': 'default' }[f.summary.integrity]}>{{ ok: t.integrityOk, mismatch: t.integrityMismatch, 'no-summary': t.integrityNone }[f.summary.integrity]}</Tag>) },
            {
              title: t.warnings, key: 'warn', render: (_, f) => (
                <Space direction="vertical" size={0}>
                  {f.error !== null && <Typography.Text type="danger">{f.error}</Typography.Text>}
                  {/* A file that cannot be used says why once, as its error, not again as a warning. */}
                  {groupWarnings((f.summary?.warnings ?? []).filter((w) => w.code !== f.summary?.error?.code)).map((w) => (
                    <Typography.Text key={w.code} type="warning" data-testid="file-warning">{w.message}{warningWhere(w, lang)}</Typography.Text>
                  ))}
                </Space>
              ),
            },
            {
              title: '', key: 'x', render: (_, f) => (
                <Space size={0}>
                  {f.role === 'ledger' && f.summary !== null && f.summary.kind === 'unknown' && f.summary.firstRows !== null && (
                    <Button type="link" size="small" onClick={() => setMapping4(f.summary)} data-testid="map-columns">{t.mapColumns}</Button>
                  )}
                  {f.role === 'ledger' && f.summary !== null && f.summary.kind === 'ledger' && mapping !== null && f.summary.firstRows !== null && (
                    <Button type="link" size="small" onClick={() => setMapping4(f.summary)} data-testid="edit-mapping">{t.editMapping}</Button>
                  )}
                  <Button type="link" size="small" onClick={() => setFiles((old) => old.filter((x) => x.path !== f.path))}>{t.del}</Button>
                </Space>
              ),
            },
          ]}
        />
        {mapping4 !== null && <MappingDialog file={mapping4} {...(mapping !== null ? { initial: mapping } : {})} onApply={(m) => void applyMapping(m)} onCancel={() => setMapping4(null)} />}
      </Card>
      <Card>
        <Form layout="inline">
          <Form.Item label={t.name}><Input value={name} onChange={(e) => setName(e.target.value)} style={{ width: 260 }} /></Form.Item>
          <Form.Item label={t.merchant}>
            <Select
              style={{ width: 240 }}
              value={merchantId ?? ''}
              onChange={(v) => setMerchantId(v === '' ? null : v)}
              options={[...merchants.map((m) => ({ value: m.id, label: `${m.name}（${m.mchid}）` })), { value: '', label: t.noMerchant }]}
            />
          </Form.Item>
        </Form>
        <Collapse ghost items={[{ key: 's', label: t.settings, children: (
          <Form layout="inline">
            <Form.Item label={t.crossDayWindow}><InputNumber min={0} max={720} value={window_} onChange={(v) => setWindow(v ?? 30)} /></Form.Item>
            <Form.Item label={t.tolerance}><InputNumber min={0} max={100000} value={tolerance} onChange={(v) => setTolerance(v ?? 0)} /></Form.Item>
          </Form>
        ) }]} />
        <Space>
          <Button type="primary" disabled={!ready || running !== null} onClick={run} data-testid="run">{t.createAndRun}</Button>
          {running !== null && <Progress percent={running.percent} size="small" style={{ width: 240 }} format={() => running.phase} />}
          {running !== null && <Button size="small" danger onClick={cancelRun} data-testid="run-cancel">{t.cancel}</Button>}
          {running === null && runNote !== null && <Typography.Text type="secondary" data-testid="run-note">{runNote}</Typography.Text>}
        </Space>
      </Card>
    </Space>
  );
}
