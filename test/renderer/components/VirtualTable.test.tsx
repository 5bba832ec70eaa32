// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import {
  firstRowAt,
  MAX_SCROLL_HEIGHT_PX,
  VirtualTable,
  type VirtualColumn,
  type VirtualTableProps,
} from '../../../renderer/src/components/VirtualTable.tsx';

interface Item {
  id: string;
  name: string;
  amountFen: number;
}

const ROW_HEIGHT_PX = 36;
// jsdom has no layout, so the table falls back to heightPx minus its two 1px borders, minus the
// 36px header: 398 leaves a 360px body, exactly ten rows.
const HEIGHT_PX = 398;
const VIEWPORT_HEIGHT_PX = 360;
const VISIBLE_ROWS = 10;
const OVERSCAN_ROWS = 6;

const columns: VirtualColumn<Item>[] = [
  { key: 'name', title: '名称', widthPx: 200, minWidthPx: 80, render: (row) => row.name },
  { key: 'amount', title: '金额', widthPx: 120, align: 'right', render: (row) => String(row.amountFen) },
];

function makeRows(offset: number, limit: number, prefix = 'row'): Item[] {
  return Array.from({ length: limit }, (_, i) => ({ id: `k${offset + i}`, name: `${prefix}-${offset + i}`, amountFen: offset + i }));
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets every settled fetch run its continuation and React commit what it set. */
async function flush(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

function renderTable(overrides: Partial<VirtualTableProps<Item>> & { fetchRows: VirtualTableProps<Item>['fetchRows'] }) {
  const props: VirtualTableProps<Item> = {
    columns,
    total: 100,
    rowKey: (row) => row.id,
    resetKey: 'a',
    heightPx: HEIGHT_PX,
    rowHeightPx: ROW_HEIGHT_PX,
    ...overrides,
  };
  const result = render(<VirtualTable {...props} />);
  const grid = result.container.querySelector<HTMLElement>('[role="grid"]');
  if (grid === null) throw new Error('no grid');
  return {
    ...result,
    grid,
    props,
    rerenderWith: (more: Partial<VirtualTableProps<Item>>) => result.rerender(<VirtualTable {...props} {...more} />),
  };
}

function bodyRows(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>('[role="row"]')].filter((row) => Number(row.getAttribute('aria-rowindex')) >= 2);
}

function rowIndexOf(row: HTMLElement): number {
  return Number(row.getAttribute('aria-rowindex')) - 2;
}

function rowByIndex(container: HTMLElement, rowIndex: number): HTMLElement | undefined {
  return bodyRows(container).find((row) => rowIndexOf(row) === rowIndex);
}

/** A row's top in the spacer's coordinates, the same space as the container's scrollTop. */
function contentTopPx(row: HTMLElement): number {
  const layer = row.parentElement;
  if (layer === null) throw new Error('row outside its layer');
  // The layer's offset reaches millions of pixels, more digits than jsdom's style serialiser keeps.
  return Number(layer.dataset['topPx']) + Number.parseFloat(row.style.top);
}

function spacerOf(grid: HTMLElement): HTMLElement {
  const spacer = grid.querySelector<HTMLElement>('[role="rowgroup"]:not(.wxr-vt-head)');
  if (spacer === null) throw new Error('no spacer');
  return spacer;
}

function scrollTo(grid: HTMLElement, scrollTopPx: number): void {
  grid.scrollTop = scrollTopPx;
  fireEvent.scroll(grid);
}

beforeEach(() => {
  // jsdom's own frames arrive ~16 ms later; running them at once keeps the tests deterministic.
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    callback(performance.now());
    return 1;
  });
  vi.stubGlobal('cancelAnimationFrame', () => {});
  localStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('firstRowAt', () => {
  it('is scrollTop / rowHeight while the rows fit under the cap', () => {
    const total = 1_000;
    const maxScrollTopPx = total * ROW_HEIGHT_PX - VIEWPORT_HEIGHT_PX;
    for (const scrollTopPx of [0, 1, 35, 36, 37, 3_600, 17_999, maxScrollTopPx]) {
      expect(firstRowAt(scrollTopPx, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX)).toBe(Math.floor(scrollTopPx / ROW_HEIGHT_PX));
    }
    expect(firstRowAt(maxScrollTopPx, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX)).toBe(990);
  });

  it('is 0 for no rows', () => {
    expect(firstRowAt(500, 0, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX)).toBe(0);
  });

  it('reaches both ends of a million rows, which exceed the cap', () => {
    const total = 1_000_000;
    expect(total * ROW_HEIGHT_PX).toBeGreaterThan(MAX_SCROLL_HEIGHT_PX);
    const maxScrollTopPx = MAX_SCROLL_HEIGHT_PX - VIEWPORT_HEIGHT_PX;
    expect(firstRowAt(0, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX)).toBe(0);
    expect(firstRowAt(maxScrollTopPx, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX)).toBe(total - VISIBLE_ROWS);
    // A zoomed window may stop half a pixel short; the last row must still be in view.
    expect(firstRowAt(maxScrollTopPx - 0.5, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX)).toBe(total - VISIBLE_ROWS);
    expect(firstRowAt(maxScrollTopPx / 2, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX)).toBe(Math.floor((total * ROW_HEIGHT_PX - VIEWPORT_HEIGHT_PX) / 2 / ROW_HEIGHT_PX));
  });

  it('is monotonic over the whole capped range', () => {
    const total = 1_000_000;
    const maxScrollTopPx = MAX_SCROLL_HEIGHT_PX - VIEWPORT_HEIGHT_PX;
    let previous = -1;
    let increases = 0;
    for (let scrollTopPx = 0; scrollTopPx <= maxScrollTopPx; scrollTopPx += 997) {
      const row = firstRowAt(scrollTopPx, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX);
      expect(row).toBeGreaterThanOrEqual(previous);
      if (row > previous) increases++;
      previous = row;
    }
    expect(increases).toBeGreaterThan(8_000);
  });

  it('honours a custom cap', () => {
    // 100 rows × 10 px = 1,000 px under a 500 px cap with a 100 px viewport: 400 px of scroll map onto 900.
    expect(firstRowAt(200, 100, 10, 100, 500)).toBe(45);
    expect(firstRowAt(400, 100, 10, 100, 500)).toBe(90);
  });
});

describe('VirtualTable with a million rows', () => {
  const total = 1_000_000;
  const never = () => new Promise<Item[]>(() => {});

  it('renders only the visible rows plus overscan', () => {
    const { container, grid } = renderTable({ total, fetchRows: never });
    expect(grid.getAttribute('aria-rowcount')).toBe(String(total + 1));
    const rows = bodyRows(container);
    expect(rows).toHaveLength(VISIBLE_ROWS + OVERSCAN_ROWS);
    expect(rows.map(rowIndexOf)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(spacerOf(grid).style.height).toBe(`${MAX_SCROLL_HEIGHT_PX}px`);
    // The header shares the scroll container (so it follows horizontal scrolling) and sticks to its top.
    const headerGroup = grid.querySelector<HTMLElement>('.wxr-vt-head')!;
    expect(headerGroup.style.position).toBe('sticky');
    expect(headerGroup.style.top).toBe('0px');
    expect(headerGroup.querySelectorAll('[role="columnheader"]')).toHaveLength(2);
  });

  it('shows the last row flush with the bottom at the largest scrollTop', () => {
    const { container, grid } = renderTable({ total, fetchRows: never });
    const maxScrollTopPx = MAX_SCROLL_HEIGHT_PX - VIEWPORT_HEIGHT_PX;
    scrollTo(grid, maxScrollTopPx);
    const rows = bodyRows(container);
    expect(rows).toHaveLength(VISIBLE_ROWS + OVERSCAN_ROWS);
    expect(rows.map(rowIndexOf)).toEqual(Array.from({ length: 16 }, (_, i) => total - 16 + i));
    const last = rowByIndex(container, total - 1)!;
    expect(last.getAttribute('aria-rowindex')).toBe(String(total + 1));
    expect(contentTopPx(last) + ROW_HEIGHT_PX).toBe(MAX_SCROLL_HEIGHT_PX);
    expect(contentTopPx(rowByIndex(container, total - VISIBLE_ROWS)!)).toBe(maxScrollTopPx);
  });

  it('places rows without gaps around the mapped first row in the middle', () => {
    const { container, grid } = renderTable({ total, fetchRows: never });
    const scrollTopPx = 4_000_000;
    scrollTo(grid, scrollTopPx);
    const first = firstRowAt(scrollTopPx, total, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX);
    expect(first).toBeGreaterThan(500_000);
    const rows = bodyRows(container);
    expect(rows.length).toBeLessThanOrEqual(VISIBLE_ROWS + 1 + 2 * OVERSCAN_ROWS);
    const firstRow = rowByIndex(container, first)!;
    expect(contentTopPx(firstRow)).toBeLessThanOrEqual(scrollTopPx);
    expect(contentTopPx(firstRow) + ROW_HEIGHT_PX).toBeGreaterThan(scrollTopPx);
    for (let i = 1; i < rows.length; i++) {
      expect(rowIndexOf(rows[i]!)).toBe(rowIndexOf(rows[i - 1]!) + 1);
      expect(contentTopPx(rows[i]!) - contentTopPx(rows[i - 1]!)).toBe(ROW_HEIGHT_PX);
    }
    // The rows cover the viewport down to its bottom edge.
    const lastRendered = rows[rows.length - 1]!;
    expect(contentTopPx(lastRendered) + ROW_HEIGHT_PX).toBeGreaterThanOrEqual(scrollTopPx + VIEWPORT_HEIGHT_PX);
  });

  it('End moves focus to the last row and scrolls to the end; a step back lands flush', () => {
    const { container, grid } = renderTable({ total, fetchRows: never });
    act(() => grid.focus());
    fireEvent.keyDown(grid, { key: 'End' });
    expect(grid.scrollTop).toBe(MAX_SCROLL_HEIGHT_PX - VIEWPORT_HEIGHT_PX);
    const last = rowByIndex(container, total - 1)!;
    expect(grid.getAttribute('aria-activedescendant')).toBe(last.id);
    expect(contentTopPx(last) + ROW_HEIGHT_PX).toBe(MAX_SCROLL_HEIGHT_PX);

    fireEvent.keyDown(grid, { key: 'Home' });
    expect(grid.scrollTop).toBe(0);
    // Home focused row 0. Row 10 is just below the viewport: stepping onto it scrolls it in, flush
    // with the bottom, although one scrollTop pixel stands for ~4.5 virtual pixels here.
    for (let i = 0; i < 9; i++) fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(grid.scrollTop).toBe(0);
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    const tenth = rowByIndex(container, 10)!;
    expect(grid.getAttribute('aria-activedescendant')).toBe(tenth.id);
    expect(grid.scrollTop).toBeGreaterThan(0);
    expect(grid.scrollTop).toBeLessThan(ROW_HEIGHT_PX);
    expect(contentTopPx(tenth) + ROW_HEIGHT_PX).toBeCloseTo(grid.scrollTop + VIEWPORT_HEIGHT_PX, 6);
  });

  it('lands a keyboard-focused row flush although the browser rounds scrollTop', () => {
    // 700,001 rows: one scrollTop pixel stands for ~3.15 virtual pixels, so rounding shows.
    const { container, grid } = renderTable({ total: 700_001, fetchRows: never });
    let storedScrollTopPx = 0;
    Object.defineProperty(grid, 'scrollTop', {
      configurable: true,
      get: () => storedScrollTopPx,
      set: (value: number) => {
        storedScrollTopPx = Math.round(value);
      },
    });
    act(() => grid.focus());
    // The first ArrowDown focuses row 0, ten more reach row 10, just below the viewport.
    for (let i = 0; i < 11; i++) fireEvent.keyDown(grid, { key: 'ArrowDown' });
    const tenth = rowByIndex(container, 10)!;
    expect(grid.getAttribute('aria-activedescendant')).toBe(tenth.id);
    expect(grid.scrollTop).toBe(11); // 36 virtual px ≈ 11.43 scrollTop px, rounded
    expect(contentTopPx(tenth) + ROW_HEIGHT_PX).toBeCloseTo(grid.scrollTop + VIEWPORT_HEIGHT_PX, 6);
    expect(contentTopPx(rowByIndex(container, 1)!)).toBeCloseTo(grid.scrollTop, 6);

    // Scrolling by hand maps proportionally again.
    scrollTo(grid, 12);
    const first = firstRowAt(12, 700_001, ROW_HEIGHT_PX, VIEWPORT_HEIGHT_PX);
    expect(first).toBe(1);
    const virtualTopPx = (12 * (700_001 * ROW_HEIGHT_PX - VIEWPORT_HEIGHT_PX)) / (MAX_SCROLL_HEIGHT_PX - VIEWPORT_HEIGHT_PX);
    expect(virtualTopPx).toBeCloseTo(37.8, 1);
    expect(contentTopPx(rowByIndex(container, first)!)).toBeCloseTo(12 - (virtualTopPx - ROW_HEIGHT_PX), 6);
  });
});

describe('VirtualTable pages', () => {
  it('requests pages aligned to pageSize, once while in flight, and keeps them', async () => {
    const answers = new Map<number, Deferred<Item[]>>();
    const fetchRows = vi.fn((offset: number, limit: number) => {
      const answer = deferred<Item[]>();
      answers.set(offset, answer);
      void limit;
      return answer.promise;
    });
    const { container, grid } = renderTable({ total: 10_000, pageSize: 200, fetchRows });
    expect(fetchRows.mock.calls).toEqual([[0, 200]]);

    scrollTo(grid, 1_000 * ROW_HEIGHT_PX);
    // Rows 994–1015 are rendered (overscan), so page 4 (800–999) is needed as well as page 5.
    expect(fetchRows.mock.calls).toEqual([[0, 200], [800, 200], [1_000, 200]]);
    scrollTo(grid, 1_000 * ROW_HEIGHT_PX + 100);
    scrollTo(grid, 1_000 * ROW_HEIGHT_PX - 50);
    scrollTo(grid, 1_000 * ROW_HEIGHT_PX);
    expect(fetchRows).toHaveBeenCalledTimes(3);

    await act(async () => answers.get(1_000)!.resolve(makeRows(1_000, 200)));
    expect(rowByIndex(container, 1_000)!.textContent).toContain('row-1000');
    expect(rowByIndex(container, 1_000)!.getAttribute('aria-busy')).toBeNull();

    scrollTo(grid, 1_050 * ROW_HEIGHT_PX);
    scrollTo(grid, 1_000 * ROW_HEIGHT_PX);
    expect(fetchRows).toHaveBeenCalledTimes(3);
    for (const [offset] of fetchRows.mock.calls) expect(offset % 200).toBe(0);
  });

  it('asks only for the rows that exist on the last page', () => {
    const fetchRows = vi.fn(() => new Promise<Item[]>(() => {}));
    const { grid } = renderTable({ total: 10_050, pageSize: 200, fetchRows });
    scrollTo(grid, 10_050 * ROW_HEIGHT_PX - VIEWPORT_HEIGHT_PX);
    expect(fetchRows.mock.calls).toEqual([[0, 200], [10_000, 50]]);
  });

  it('shows placeholders until the page arrives', async () => {
    const answer = deferred<Item[]>();
    const { container } = renderTable({ total: 100, fetchRows: () => answer.promise, loadingText: '加载中…' });
    const rows = bodyRows(container);
    expect(rows).toHaveLength(VISIBLE_ROWS + OVERSCAN_ROWS);
    for (const row of rows) {
      expect(row.getAttribute('aria-busy')).toBe('true');
      expect(row.textContent).toBe('加载中…');
      expect(row.querySelectorAll('.wxr-vt-bar')).toHaveLength(1);
    }
    await act(async () => answer.resolve(makeRows(0, 100)));
    const loaded = bodyRows(container);
    expect(loaded[0]!.getAttribute('aria-busy')).toBeNull();
    expect(loaded[0]!.querySelector('[role="gridcell"]')!.textContent).toBe('row-0');
    expect(container.querySelectorAll('.wxr-vt-bar')).toHaveLength(0);
  });

  it('ignores an answer that arrives after resetKey changed, and scrolls to the top', async () => {
    const answers: Deferred<Item[]>[] = [];
    const fetchRows = vi.fn(() => {
      const answer = deferred<Item[]>();
      answers.push(answer);
      return answer.promise;
    });
    const { container, grid, rerenderWith } = renderTable({ total: 1_000, fetchRows });
    await act(async () => answers[0]!.resolve(makeRows(0, 200, 'old')));
    scrollTo(grid, 600 * ROW_HEIGHT_PX);
    expect(fetchRows).toHaveBeenCalledTimes(3); // pages 0, 2 and 3: rows 594–615 straddle 2 and 3
    expect(fetchRows.mock.calls.slice(1)).toEqual([[400, 200], [600, 200]]);

    rerenderWith({ resetKey: 'b' });
    expect(grid.scrollTop).toBe(0);
    expect(fetchRows.mock.calls.slice(3)).toEqual([[0, 200]]);
    // The dropped page 0 is not shown under the new key, only placeholders.
    expect(rowByIndex(container, 0)!.getAttribute('aria-busy')).toBe('true');

    // Answers for the old key arrive late, one for a page the new key is also waiting for.
    await act(async () => {
      answers[1]!.resolve(makeRows(400, 200, 'old'));
      answers[2]!.resolve(makeRows(600, 200, 'old'));
    });
    expect(rowByIndex(container, 0)!.getAttribute('aria-busy')).toBe('true');
    await act(async () => answers[3]!.resolve(makeRows(0, 200, 'new')));
    expect(rowByIndex(container, 0)!.textContent).toContain('new-0');
    expect(container.textContent).not.toContain('old-');

    // Scrolling back finds pages 2 and 3 empty: the late answers did not fill the new store.
    scrollTo(grid, 600 * ROW_HEIGHT_PX);
    expect(fetchRows.mock.calls.slice(4)).toEqual([[400, 200], [600, 200]]);
  });

  it('ignores a stale answer even when it arrives after the fresh one', async () => {
    const answers: Deferred<Item[]>[] = [];
    const fetchRows = vi.fn(() => {
      const answer = deferred<Item[]>();
      answers.push(answer);
      return answer.promise;
    });
    const { container, rerenderWith } = renderTable({ total: 1_000, fetchRows });
    rerenderWith({ resetKey: 'b' });
    expect(fetchRows).toHaveBeenCalledTimes(2);
    await act(async () => answers[1]!.resolve(makeRows(0, 200, 'new')));
    await act(async () => answers[0]!.resolve(makeRows(0, 200, 'old')));
    expect(rowByIndex(container, 0)!.textContent).toContain('new-0');
    expect(container.textContent).not.toContain('old-');
  });

  it('keeps at most 50 pages, evicting the farthest', async () => {
    const fetchRows = vi.fn(async (offset: number, limit: number) => makeRows(offset, limit));
    const { grid } = renderTable({ total: 100_000, pageSize: 200, fetchRows });
    await flush();
    for (let page = 1; page < 60; page++) {
      scrollTo(grid, page * 200 * ROW_HEIGHT_PX);
      await flush();
    }
    const callsFor = (offset: number) => fetchRows.mock.calls.filter(([o]) => o === offset).length;
    expect(callsFor(0)).toBe(1);
    expect(callsFor(58 * 200)).toBe(1);
    // Page 58 is among the last 50 and still cached; page 0 was evicted and is fetched again.
    scrollTo(grid, 58 * 200 * ROW_HEIGHT_PX + 50 * ROW_HEIGHT_PX);
    await flush();
    expect(callsFor(58 * 200)).toBe(1);
    scrollTo(grid, 0);
    await flush();
    expect(callsFor(0)).toBe(2);
  });

  it('retries a page whose fetch failed, after a pause rather than at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const fetchRows = vi
        .fn<(offset: number, limit: number) => Promise<Item[]>>()
        .mockRejectedValueOnce(new Error('main process busy'))
        .mockImplementation(async (offset, limit) => makeRows(offset, limit));
      const { container } = renderTable({ total: 100, fetchRows });
      await act(async () => {
        await vi.advanceTimersByTimeAsync(0);
      });
      expect(fetchRows).toHaveBeenCalledTimes(1);
      expect(rowByIndex(container, 0)!.getAttribute('aria-busy')).toBe('true');
      await act(async () => {
        await vi.advanceTimersByTimeAsync(999);
      });
      expect(fetchRows).toHaveBeenCalledTimes(1);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1);
      });
      expect(fetchRows).toHaveBeenCalledTimes(2);
      expect(fetchRows.mock.calls[1]).toEqual([0, 100]);
      expect(rowByIndex(container, 0)!.textContent).toContain('row-0');
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the empty text and fetches nothing when there are no rows', () => {
    const fetchRows = vi.fn(() => Promise.resolve<Item[]>([]));
    const { container, grid } = renderTable({ total: 0, fetchRows, emptyText: '没有差异' });
    expect(container.textContent).toContain('没有差异');
    expect(bodyRows(container)).toHaveLength(0);
    expect(grid.getAttribute('aria-rowcount')).toBe('1');
    expect(fetchRows).not.toHaveBeenCalled();
  });
});

describe('VirtualTable interaction', () => {
  async function loadedTable(extra: Partial<VirtualTableProps<Item>> = {}) {
    const fetchRows = vi.fn(async (offset: number, limit: number) => makeRows(offset, limit));
    const table = renderTable({ total: 100, fetchRows, ...extra });
    await flush();
    return table;
  }

  it('moves the focused row with the keyboard, activates with Enter and selects with Space', async () => {
    const onActivate = vi.fn();
    const onSelectedChange = vi.fn();
    const { container, grid } = await loadedTable({ onActivate, onSelectedChange });
    expect(grid.tabIndex).toBe(0);
    act(() => grid.focus());
    const focusedId = () => grid.getAttribute('aria-activedescendant');

    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(focusedId()).toBe(rowByIndex(container, 0)!.id);
    expect(rowByIndex(container, 0)!.getAttribute('data-focused')).toBe('true');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(focusedId()).toBe(rowByIndex(container, 1)!.id);
    expect(rowByIndex(container, 0)!.getAttribute('data-focused')).toBeNull();

    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(onActivate).toHaveBeenCalledTimes(1);
    expect(onActivate.mock.calls[0]![0]).toMatchObject({ id: 'k1', name: 'row-1' });

    fireEvent.keyDown(grid, { key: ' ' });
    expect(onSelectedChange).toHaveBeenCalledTimes(1);
    expect([...(onSelectedChange.mock.calls[0]![0] as Set<string>)]).toEqual(['k1']);

    fireEvent.keyDown(grid, { key: 'End' });
    expect(focusedId()).toBe(rowByIndex(container, 99)!.id);
    expect(grid.scrollTop).toBe(100 * ROW_HEIGHT_PX - VIEWPORT_HEIGHT_PX);

    fireEvent.keyDown(grid, { key: 'Home' });
    expect(focusedId()).toBe(rowByIndex(container, 0)!.id);
    expect(grid.scrollTop).toBe(0);

    fireEvent.keyDown(grid, { key: 'PageDown' });
    expect(focusedId()).toBe(rowByIndex(container, 10)!.id);
    expect(grid.scrollTop).toBe(11 * ROW_HEIGHT_PX - VIEWPORT_HEIGHT_PX);

    fireEvent.keyDown(grid, { key: 'PageUp' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(focusedId()).toBe(rowByIndex(container, 0)!.id);
    expect(grid.scrollTop).toBe(0);
  });

  it('passes the selected set through with Space toggling a key off', async () => {
    const onSelectedChange = vi.fn();
    const { grid } = await loadedTable({ onSelectedChange, selected: new Set(['k0', 'k5']) });
    act(() => grid.focus());
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: ' ' });
    expect([...(onSelectedChange.mock.calls[0]![0] as Set<string>)]).toEqual(['k5']);
  });

  it('activates a clicked row; its checkbox selects without activating', async () => {
    const onActivate = vi.fn();
    const onSelectedChange = vi.fn();
    const { container } = await loadedTable({ onActivate, onSelectedChange });
    fireEvent.click(rowByIndex(container, 3)!.querySelector('[role="gridcell"]:nth-child(2)')!);
    expect(onActivate).toHaveBeenCalledTimes(1);
    expect(onActivate.mock.calls[0]![0]).toMatchObject({ id: 'k3' });

    fireEvent.click(rowByIndex(container, 4)!.querySelector('input[type="checkbox"]')!);
    expect(onActivate).toHaveBeenCalledTimes(1);
    expect(onSelectedChange).toHaveBeenCalledTimes(1);
    expect([...(onSelectedChange.mock.calls[0]![0] as Set<string>)]).toEqual(['k4']);
  });

  it('selects and deselects the loaded rows from the header checkbox', async () => {
    const onSelectedChange = vi.fn();
    const { container, rerenderWith } = await loadedTable({ onSelectedChange });
    const headerCheckbox = () => container.querySelector<HTMLInputElement>('[role="columnheader"] input[type="checkbox"]')!;
    fireEvent.click(headerCheckbox());
    const all = onSelectedChange.mock.calls[0]![0] as Set<string>;
    expect(all.size).toBe(100);
    expect(all.has('k0') && all.has('k99')).toBe(true);

    rerenderWith({ onSelectedChange, selected: new Set(['k3']) });
    expect(headerCheckbox().checked).toBe(false);
    expect(headerCheckbox().indeterminate).toBe(true);
    rerenderWith({ onSelectedChange, selected: all });
    expect(headerCheckbox().checked).toBe(true);
    expect(headerCheckbox().indeterminate).toBe(false);
    fireEvent.click(headerCheckbox());
    expect((onSelectedChange.mock.calls[1]![0] as Set<string>).size).toBe(0);
  });

  it('marks the active row aria-selected', async () => {
    const { container } = await loadedTable({ activeKey: 'k2' });
    expect(rowByIndex(container, 2)!.getAttribute('aria-selected')).toBe('true');
    expect(rowByIndex(container, 1)!.getAttribute('aria-selected')).toBe('false');
    expect(container.querySelectorAll('[role="row"][aria-selected="true"]')).toHaveLength(1);
  });

  it('gives text cells a title and right-aligned cells tabular numerals', async () => {
    const { container } = await loadedTable();
    const cells = rowByIndex(container, 7)!.querySelectorAll<HTMLElement>('[role="gridcell"]');
    expect(cells[0]!.title).toBe('row-7');
    expect(cells[1]!.classList.contains('wxr-vt-num')).toBe(true);
    expect(cells[0]!.classList.contains('wxr-vt-num')).toBe(false);
    expect(container.querySelector('style')!.textContent).toMatch(/\.wxr-vt-num \{ text-align: right; font-variant-numeric: tabular-nums; \}/);
  });

  it('reports each render of visible rows', async () => {
    const onRendered = vi.fn<(info: { firstRow: number; lastRow: number; ms: number }) => void>();
    const { grid } = await loadedTable({ onRendered });
    expect(onRendered).toHaveBeenCalled();
    expect(onRendered.mock.lastCall![0]).toMatchObject({ firstRow: 0, lastRow: 9 });
    scrollTo(grid, 50 * ROW_HEIGHT_PX);
    const info = onRendered.mock.lastCall![0];
    expect(info.firstRow).toBe(50);
    expect(info.lastRow).toBe(59);
    expect(info.ms).toBeGreaterThanOrEqual(0);
  });
});

describe('VirtualTable column widths', () => {
  const header = (container: HTMLElement, key: string) => container.querySelector<HTMLElement>(`[data-column-key="${key}"]`)!;
  const never = () => new Promise<Item[]>(() => {});

  it('restores widths from localStorage, clamped at minWidthPx', () => {
    localStorage.setItem('vt-widths', JSON.stringify({ name: 10, amount: 150, gone: 300 }));
    const { container } = renderTable({ fetchRows: never, storageKey: 'vt-widths' });
    expect(header(container, 'name').style.width).toBe('80px');
    expect(header(container, 'amount').style.width).toBe('150px');
    const cells = bodyRows(container)[0]!.querySelectorAll<HTMLElement>('[role="gridcell"]');
    expect(cells[0]!.style.width).toBe('80px');
    expect(cells[1]!.style.width).toBe('150px');
  });

  it('falls back to the default widths when the stored value is damaged', () => {
    localStorage.setItem('vt-widths', '{not json');
    const { container } = renderTable({ fetchRows: never, storageKey: 'vt-widths' });
    expect(header(container, 'name').style.width).toBe('200px');
    expect(header(container, 'amount').style.width).toBe('120px');
  });

  it('resizes by dragging the header edge, clamps at the minimum and remembers the width', () => {
    const { container, unmount } = renderTable({ fetchRows: never, storageKey: 'vt-widths' });
    const resizer = header(container, 'amount').querySelector<HTMLElement>('[role="separator"]')!;
    fireEvent.pointerDown(resizer, { pointerId: 1, button: 0, clientX: 500 });
    fireEvent.pointerMove(resizer, { pointerId: 1, clientX: 530 });
    expect(header(container, 'amount').style.width).toBe('150px');
    fireEvent.pointerMove(resizer, { pointerId: 1, clientX: 300 });
    expect(header(container, 'amount').style.width).toBe('60px');
    fireEvent.pointerMove(resizer, { pointerId: 1, clientX: 470 });
    fireEvent.pointerUp(resizer, { pointerId: 1, clientX: 470 });
    expect(header(container, 'amount').style.width).toBe('90px');
    expect(JSON.parse(localStorage.getItem('vt-widths')!)).toEqual({ amount: 90 });
    // Moves after the pointer is released change nothing.
    fireEvent.pointerMove(resizer, { pointerId: 1, clientX: 900 });
    expect(header(container, 'amount').style.width).toBe('90px');

    unmount();
    const again = renderTable({ fetchRows: never, storageKey: 'vt-widths' });
    expect(header(again.container, 'amount').style.width).toBe('90px');
  });
});
