/**
 * The renderer's entry. Until the app's screens land (issue 6) this is a plain first-run page:
 * with no merchant configured it runs the built-in demo through the contract — the simulator as
 * the merchant, the demo day's bill fetched through the API, reconciled, the doubtful orders
 * queried live — and lists what it found; otherwise it lists the recent workspaces. It exercises
 * every layer a real screen will use, and is what `npm start` shows.
 */
import type { EventPayload, WxreconApi } from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';
import { formatFen } from './format.ts';

declare global {
  interface Window {
    wxrecon: WxreconApi;
  }
}

const CATEGORY_ZH: Record<string, string> = {
  'missing-in-ledger': '账单有，台账无',
  'missing-in-bill': '台账有，账单无',
  'amount-mismatch': '金额不符',
  'status-mismatch': '状态不符',
  'refund-mismatch': '退款不符',
  duplicate: '重复',
  'fee-mismatch': '手续费不符',
  'cross-day': '跨日在途',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** The value, or an error shown in words and thrown on. */
function value<T>(r: Result<T>, status: HTMLElement): T {
  if (r.ok) return r.value;
  status.textContent = `出错了：${r.error.message}（${r.error.code}）`;
  status.className = 'error';
  throw new Error(r.error.code);
}

async function runDemo(api: WxreconApi, root: HTMLElement, status: HTMLElement): Promise<void> {
  status.textContent = '首次使用：正在运行内置演示（模拟器扮演微信支付）……';
  const demo = value(await api['demo:start']({}), status);
  const ws = value(await api['workspaces:create']({ name: '演示 2026-11-26', merchantId: demo.merchant.id, bills: demo.bills, ledgers: demo.ledgers }), status);
  const off = api.on('workspaces:progressed', (p: EventPayload<'workspaces:progressed'>) => {
    status.textContent = `正在核对：${{ reading: '读取文件', reconciling: '逐单核对', writing: '保存结果', done: '完成' }[p.phase]}……`;
  });
  value(await api['workspaces:reconcile']({ id: ws.id }), status);
  const offQ = api.on('queries:progressed', (p: EventPayload<'queries:progressed'>) => {
    status.textContent = `实时查询：${p.progress.done + p.progress.failed}/${p.progress.total}`;
  });
  value(await api['queries:start']({ workspaceId: ws.id }), status);
  off();
  offQ();
  await showWorkspace(api, root, status, ws.id);
}

async function showWorkspace(api: WxreconApi, root: HTMLElement, status: HTMLElement, id: string): Promise<void> {
  const detail = value(await api['workspaces:open']({ id }), status);
  const page = value(await api['workspaces:items']({ id, limit: 200 }), status);
  status.textContent = `${detail.name}：${page.total} 笔差异待处理`;
  status.className = '';
  const table = el('table');
  const head = el('tr');
  for (const h of ['类别', '商户订单号', '微信金额', '台账金额', '说明']) head.append(el('th', h));
  table.append(head);
  for (const r of page.rows) {
    const tr = el('tr', undefined, { 'data-key': r.key });
    tr.append(
      el('td', CATEGORY_ZH[r.category] ?? r.category),
      el('td', r.outTradeNo ?? '—'),
      el('td', r.billFen === null ? '—' : formatFen(r.billFen), { class: 'num' }),
      el('td', r.ledgerFen === null ? '—' : formatFen(r.ledgerFen), { class: 'num' }),
      el('td', r.explanation),
    );
    table.append(tr);
  }
  root.append(table);
}

async function start(): Promise<void> {
  const root = document.getElementById('root');
  if (root === null) return;
  const api = window.wxrecon;
  const status = el('p', '正在连接……', { id: 'status' });
  root.replaceChildren(el('h1', '微信支付对账台'), status);
  const info = value(await api['app:info']({}), status);
  const protection = { os: '系统钥匙串加密保存', weak: '本机没有钥匙串，密钥仅在本次会话中保存', unavailable: '无法加密，密钥仅在本次会话中保存' }[info.vault.protection];
  root.insertBefore(el('p', `版本 ${info.version} · 商户密钥：${protection}`, { class: 'meta' }), status);
  const merchants = value(await api['merchants:list']({}), status);
  if (merchants.length === 0 || merchants.every((m) => m.isDemo)) {
    await runDemo(api, root, status);
    return;
  }
  const recent = value(await api['workspaces:list']({}), status);
  if (recent[0] !== undefined) await showWorkspace(api, root, status, recent[0].id);
  else status.textContent = '还没有对账工作区';
}

void start().catch(() => undefined);
