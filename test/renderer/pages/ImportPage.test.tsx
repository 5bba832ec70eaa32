// @vitest-environment jsdom
/** The new-reconciliation screen's logic: encoding chosen per file, files dropped together, a run cancelled. */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { FileSummary } from '../../../shared/ipc/contract.ts';
import { fail, fillJsdomGaps, installApi, ok, type Reply } from '../helpers/fake-api.ts';
import { ImportPage, encodingChoosable, roleOf } from '../../../renderer/src/pages/ImportPage.tsx';

beforeAll(fillJsdomGaps);
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function summary(path: string, over: Partial<FileSummary> = {}): FileSummary {
  return {
    path, name: path.split('/').pop()!, sizeBytes: 100, kind: 'trade-bill', billType: 'ALL', layout: 'v27', format: 'csv', encoding: 'utf-8', rows: 8,
    dateRange: ['2026-11-26', '2026-11-26'], integrity: 'ok', warnings: [], error: null, firstRows: [{ line: 1, cells: ['交易时间', '公众账号ID'] }], ...over,
  };
}

/** inspect as main answers it: the kind by file name, `unknown` for a GBK-guessed file unless UTF-8 is chosen. */
function inspect(req: { paths: string[]; encodings?: Record<string, string> }) {
  return ok(req.paths.map((p) => {
    if (p.includes('ledger')) return summary(p, { kind: 'ledger', billType: null, layout: 'ledger', integrity: 'no-summary' });
    if (p.includes('damaged')) {
      return req.encodings?.[p] === 'utf-8'
        ? summary(p, { warnings: [{ code: 'encoding-invalid-bytes', message: '该行有不是 UTF-8 的字节', count: 1, rows: [2] }] })
        : summary(p, { kind: 'unknown', encoding: 'gb18030', rows: 0, error: { code: 'no-header', message: '前 40 行中没有找到账单或台账的表头' } });
    }
    return summary(p);
  }));
}

const addPath = async (role: 'bill' | 'ledger', path: string) => {
  fireEvent.change(screen.getByTestId(`path-${role}`), { target: { value: path } });
  fireEvent.click(screen.getByTestId(`add-${role}`));
  await screen.findAllByText(path.split('/').pop()!);
};

describe('ImportPage', () => {
  it('reads a file again in the encoding chosen for it, and reconciles with that choice', async () => {
    const fns = installApi({ 'merchants:list': () => ok([]), 'files:inspect': inspect as never, 'workspaces:create': () => ok({ id: 'w1' }), 'workspaces:reconcile': () => ok({}) });
    render(<ImportPage />);
    await addPath('bill', '/d/damaged.csv');
    await screen.findByText('无法识别');
    expect(screen.getByTestId('run')).toHaveProperty('disabled', true);
    fireEvent.click(within(screen.getByTestId('encoding-choice')).getByText('UTF-8'));
    await screen.findByText('交易账单');
    expect(fns['files:inspect']!.mock.calls.at(-1)![0]).toMatchObject({ paths: ['/d/damaged.csv'], encodings: { '/d/damaged.csv': 'utf-8' } });
    expect(screen.getByText(/该行有不是 UTF-8 的字节（第 2 行）/)).toBeTruthy();
    await addPath('ledger', '/d/ledger.csv');
    await waitFor(() => expect(screen.getByTestId('run')).toHaveProperty('disabled', false));
    fireEvent.click(screen.getByTestId('run'));
    await waitFor(() => expect(fns['workspaces:create']).toHaveBeenCalled());
    expect(fns['workspaces:create']!.mock.calls[0]![0]).toMatchObject({ bills: ['/d/damaged.csv'], ledgers: ['/d/ledger.csv'], encodings: { '/d/damaged.csv': 'utf-8' } });
  });

  it('lists dropped files as bills or ledgers by what they are, bills first, and says when a drop has no path', async () => {
    const paths = new Map<object, string>();
    installApi({ 'merchants:list': () => ok([]), 'files:inspect': inspect as never }, (file) => paths.get(file) ?? '');
    render(<ImportPage />);
    const files = ['/d/shop-ledger.csv', '/d/bill.csv'].map((p) => {
      const f = new File(['x'], p.split('/').pop()!);
      paths.set(f, p);
      return f;
    });
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files, types: ['Files'] } });
    await screen.findByText('商户台账');
    const names = screen.getAllByRole('row').map((r) => r.textContent ?? '').filter((t) => t.includes('.csv'));
    expect(names[0]).toContain('bill.csv');
    expect(names[1]).toContain('shop-ledger.csv');
    // A drop from another app (no file on disk behind it).
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [new File(['x'], 'clip.txt')], types: ['Files'] } });
    await screen.findByText(/拖入的不是本机文件/);
  });

  it('a run cancelled while it reads: main is asked to stop, the new workspace is deleted, and the screen says so', async () => {
    let answerRun: (r: Reply) => void = () => undefined;
    const fns = installApi({
      'merchants:list': () => ok([]), 'files:inspect': inspect as never, 'workspaces:create': () => ok({ id: 'w9' }),
      'workspaces:reconcile': () => new Promise((resolve) => { answerRun = resolve; }),
      'workspaces:cancel-reconcile': () => {
        answerRun(fail({ code: 'cancelled', message: '核对已取消' }));
        return ok({ cancelled: true });
      },
      'workspaces:delete': () => ok({ deleted: true }),
    });
    render(<ImportPage />);
    await addPath('bill', '/d/bill.csv');
    await waitFor(() => expect(screen.getByTestId('run')).toHaveProperty('disabled', false));
    fireEvent.click(screen.getByTestId('run'));
    fireEvent.click(await screen.findByTestId('run-cancel'));
    await screen.findByText('核对已取消，没有保存任何结果');
    expect(fns['workspaces:cancel-reconcile']!.mock.calls[0]![0]).toEqual({ id: 'w9' });
    expect(fns['workspaces:delete']!.mock.calls[0]![0]).toEqual({ id: 'w9' });
  });
});

describe('what may be chosen and where a file goes', () => {
  it('an encoding for text files only, and never over a BOM or UTF-16', () => {
    expect(encodingChoosable(summary('a', { format: 'csv', encoding: 'gb18030' }))).toBe(true);
    expect(encodingChoosable(summary('a', { format: 'csv.gz', encoding: 'utf-8' }))).toBe(true);
    expect(encodingChoosable(summary('a', { format: 'csv', encoding: 'utf-8-bom' }))).toBe(false);
    expect(encodingChoosable(summary('a', { format: 'tsv', encoding: 'utf-16le' }))).toBe(false);
    expect(encodingChoosable(summary('a', { format: 'xlsx', encoding: null }))).toBe(false);
    expect(encodingChoosable(null)).toBe(false);
  });

  it('bills of any kind with the bills, the rest with the ledgers', () => {
    expect(['trade-bill', 'fund-flow-bill', 'personal-bill', 'ledger', 'unknown'].map((k) => roleOf(k as FileSummary['kind']))).toEqual(['bill', 'bill', 'bill', 'ledger', 'ledger']);
  });
});
