/**
 * Mapping a ledger whose columns wxrecon does not recognise: pick the header row among the file's
 * first rows, say which column is the order number, the amount (yuan or fen), the state, the paid
 * time, the refund and the transaction id, and what the ledger's state values mean; save it as a
 * named preset for that ledger source (the shop, the ERP…) and reuse it next time.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, AutoComplete, Button, Form, Modal, Radio, Select, Space, Table, Typography } from 'antd';
import type { FileSummary } from '../../../shared/ipc/contract.ts';
import { call } from '../api.ts';
import { useUi } from '../context.ts';

export type Mapping = { columns: Record<string, string>; states: Record<string, string>; headerRow?: number };
type Preset = { name: string; mapping: Record<string, unknown> };

const FIELDS = ['outTradeNo', 'amount', 'amountFen', 'state', 'paidAt', 'refundAmount', 'transactionId'] as const;
const STATES = ['paid', 'unpaid', 'closed', 'refunded', 'partially_refunded'] as const;

const TEXT = {
  'zh-CN': {
    title: '映射台账列', headerRow: '表头所在行', row: '第 {n} 行', preset: '使用已保存的映射', presetName: '保存为（台账来源名称）', apply: '应用映射', cancel: '取消',
    need: '至少需要商户订单号和金额两列', stateValues: '台账中的状态值', ignore: '不认（报为未知状态）', sample: '文件开头', noPreset: '还没有已保存的映射',
    fields: { outTradeNo: '商户订单号', amount: '金额（元）', amountFen: '金额（分）', state: '订单状态', paidAt: '支付时间', refundAmount: '退款金额（元）', transactionId: '微信订单号' },
    states: { paid: '已支付', unpaid: '未支付', closed: '已关闭', refunded: '已退款', partially_refunded: '部分退款' },
  },
  en: {
    title: 'Map the ledger columns', headerRow: 'Header row', row: 'row {n}', preset: 'Use a saved mapping', presetName: 'Save as (ledger source)', apply: 'Apply', cancel: 'Cancel',
    need: 'The order number and an amount are needed', stateValues: "The ledger's state values", ignore: 'none (reported as unknown)', sample: 'First rows', noPreset: 'No saved mappings yet',
    fields: { outTradeNo: 'Order no.', amount: 'Amount (yuan)', amountFen: 'Amount (fen)', state: 'State', paidAt: 'Paid time', refundAmount: 'Refund (yuan)', transactionId: 'Transaction id' },
    states: { paid: 'paid', unpaid: 'unpaid', closed: 'closed', refunded: 'refunded', partially_refunded: 'partially refunded' },
  },
} as const;

/**
 * The header row of a mapping being edited: the one it names, else the first row holding its order
 * number column (a header found by its column names, below title rows), else the first row.
 */
export function initialHeaderLine(rows: readonly { line: number; cells: string[] }[], initial: Mapping | undefined): number {
  if (typeof initial?.headerRow === 'number') return initial.headerRow;
  const key = initial?.columns.outTradeNo;
  const found = key === undefined ? undefined : rows.find((r) => r.cells.includes(key));
  return found?.line ?? rows[0]?.line ?? 1;
}

export function MappingDialog(props: { file: FileSummary; initial?: Mapping; onApply: (mapping: Mapping) => void; onCancel: () => void }) {
  const { lang } = useUi();
  const x = TEXT[lang];
  const rows = props.file.firstRows ?? [];
  const [headerLine, setHeaderLine] = useState(() => initialHeaderLine(rows, props.initial));
  const [columns, setColumns] = useState<Record<string, string>>(() => ({ ...(props.initial?.columns ?? {}) }));
  const [states, setStates] = useState<Record<string, string>>(() => ({ ...(props.initial?.states ?? {}) }));
  const [presets, setPresets] = useState<Preset[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call('mappings:list', {}).then(setPresets, () => undefined);
  }, []);

  const header = rows.find((r) => r.line === headerLine)?.cells ?? [];
  const below = rows.filter((r) => r.line > headerLine);
  // The state column's values in the rows shown, to say what each means.
  const stateValues = useMemo(() => {
    const i = columns.state === undefined ? -1 : header.indexOf(columns.state);
    if (i < 0) return [];
    // An edited mapping keeps the values it already explains, seen in these rows or not.
    return [...new Set([...below.map((r) => r.cells[i] ?? ''), ...Object.keys(props.initial?.states ?? {})].filter((v) => v !== ''))];
  }, [columns.state, headerLine, rows, props.initial]);

  const usePreset = (n: string) => {
    const p = presets.find((q) => q.name === n);
    if (p === undefined) return;
    const m = p.mapping as Mapping;
    setColumns({ ...(m.columns ?? {}) });
    setStates({ ...(m.states ?? {}) });
    if (typeof m.headerRow === 'number') setHeaderLine(m.headerRow);
    setName(n);
  };

  const apply = async () => {
    if (columns.outTradeNo === undefined || (columns.amount === undefined && columns.amountFen === undefined)) {
      setError(x.need);
      return;
    }
    // A header below title rows is named by its row; the first row is found by the column names.
    const mapping: Mapping = { columns, states: Object.fromEntries(Object.entries(states).filter(([, v]) => v !== '')), ...(headerLine !== rows[0]?.line ? { headerRow: headerLine } : {}) };
    try {
      if (name.trim() !== '') setPresets(await call('mappings:save', { name: name.trim(), mapping }));
      props.onApply(mapping);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <Modal open width={900} title={`${x.title} · ${props.file.name}`} onCancel={props.onCancel} onOk={apply} okText={x.apply} cancelText={x.cancel} okButtonProps={{ 'data-testid': 'mapping-apply' } as never}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {/* Always there (disabled while there is none), so the dialog does not move when the presets arrive. */}
        <Select placeholder={presets.length > 0 ? x.preset : x.noPreset} disabled={presets.length === 0} style={{ width: 320 }} onChange={usePreset} options={presets.map((p) => ({ value: p.name, label: p.name }))} data-testid="mapping-preset" />
        <div>
          <Typography.Text strong>{x.sample}</Typography.Text>
          <Table
            size="small"
            pagination={false}
            scroll={{ x: true }}
            rowKey={(r) => String(r.line)}
            dataSource={rows.slice(0, 8)}
            columns={[
              { title: x.headerRow, key: 'h', width: 110, render: (_, r) => <Radio checked={r.line === headerLine} onChange={() => setHeaderLine(r.line)}>{x.row.replace('{n}', String(r.line))}</Radio> },
              ...Array.from({ length: Math.min(12, Math.max(0, ...rows.map((r) => r.cells.length))) }, (_, i) => ({ title: String(i + 1), key: String(i), render: (_: unknown, r: (typeof rows)[number]) => r.cells[i] ?? '' })),
            ]}
          />
        </div>
        <Form layout="horizontal" labelCol={{ span: 6 }} wrapperCol={{ span: 12 }}>
          {FIELDS.map((f) => (
            <Form.Item key={f} label={x.fields[f]} required={f === 'outTradeNo'} style={{ marginBottom: 8 }}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                value={columns[f]}
                onChange={(v: string | undefined) => setColumns((c) => {
                  const next = { ...c };
                  if (v === undefined) delete next[f];
                  else next[f] = v;
                  return next;
                })}
                options={header.filter((h) => h !== '').map((h) => ({ value: h, label: h }))}
                data-testid={`map-${f}`}
              />
            </Form.Item>
          ))}
        </Form>
        {stateValues.length > 0 && (
          <div>
            <Typography.Text strong>{x.stateValues}</Typography.Text>
            {stateValues.map((v) => (
              <Space key={v} style={{ display: 'flex', marginTop: 6 }}>
                <Typography.Text style={{ display: 'inline-block', width: 160 }}>{v}</Typography.Text>
                <Select style={{ width: 200 }} showSearch optionFilterProp="label" value={states[v] ?? ''} onChange={(s: string) => setStates((o) => ({ ...o, [v]: s }))} data-testid={`map-state-${v}`}
                  options={[{ value: '', label: x.ignore }, ...STATES.map((s) => ({ value: s, label: x.states[s] }))]} />
              </Space>
            ))}
          </div>
        )}
        <Form.Item label={x.presetName} style={{ marginBottom: 0 }}>
          <AutoComplete value={name} onChange={setName} options={presets.map((p) => ({ value: p.name }))} style={{ width: 320 }} data-testid="mapping-name" />
        </Form.Item>
        {error !== null && <Alert type="error" showIcon message={error} />}
      </Space>
    </Modal>
  );
}
