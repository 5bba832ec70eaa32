/**
 * The discrepancy table. Its rows (up to a million) live in the main process and arrive a page at a
 * time through `fetchRows`; only the rows in view, plus a few either side, are ever in the DOM.
 *
 * Not AntD's Table: that one renders every row it is given. This component borrows antd's design
 * tokens instead, so it sits next to antd controls in light and dark mode alike.
 *
 * Browsers cap an element's height (about 33.5M px in Chromium, less in Firefox), and a spacer of
 * total × rowHeightPx stops growing there, so the last rows of a million become unreachable
 * (TanStack/virtual#460). Past MAX_SCROLL_HEIGHT_PX the spacer is capped and scrollTop maps
 * proportionally onto the full ("virtual") height; rows are placed relative to the mapped first row.
 */
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type {
  CSSProperties,
  JSX,
  KeyboardEvent as ReactKeyboardEvent,
  PointerEvent as ReactPointerEvent,
  ReactNode,
  SyntheticEvent,
} from 'react';
import { flushSync } from 'react-dom';
import { Empty, theme } from 'antd';

export interface VirtualColumn<Row> {
  key: string;
  title: ReactNode;
  widthPx: number;            // default width
  minWidthPx?: number;        // default 60
  align?: 'left' | 'right';
  render: (row: Row) => ReactNode;
}

export interface VirtualTableProps<Row> {
  columns: VirtualColumn<Row>[];
  total: number;                                               // rows in all (known up front)
  fetchRows: (offset: number, limit: number) => Promise<Row[]>; // the caller's IPC call
  rowKey: (row: Row) => string;
  /** Changing it drops every loaded page and scrolls to the top (filters or sort changed). */
  resetKey: string;
  heightPx: number;                                            // the viewport's height
  rowHeightPx?: number;                                        // default 36
  pageSize?: number;                                           // default 200
  selected?: ReadonlySet<string>;
  onSelectedChange?: (keys: Set<string>) => void;              // checkbox column shown when given
  activeKey?: string | null;
  onActivate?: (row: Row) => void;                             // click, or Enter on the focused row
  /** Column widths are remembered in localStorage under this key (and restored). */
  storageKey?: string;
  emptyText?: ReactNode;
  loadingText?: ReactNode;
  /** Called after each render of visible rows with how long it took (for the renderer benchmark). */
  onRendered?: (info: { firstRow: number; lastRow: number; ms: number }) => void;
}

/** Below Firefox's ~17.9M px limit as well as Chromium's, with room for the header. */
export const MAX_SCROLL_HEIGHT_PX = 8_000_000;

const DEFAULT_ROW_HEIGHT_PX = 36;
const DEFAULT_PAGE_SIZE = 200;
const DEFAULT_MIN_WIDTH_PX = 60;
const CHECKBOX_COLUMN_WIDTH_PX = 40;
const OVERSCAN_ROWS = 6;
/** 50 pages of 200 rows: a few screens' worth either way, bounded however far one scrolls. */
const MAX_CACHED_PAGES = 50;
/** Dragging the scrollbar across a million rows must not queue hundreds of IPC calls. */
const MAX_IN_FLIGHT = 4;
const RETRY_AFTER_MS = 1_000;
/**
 * Rows sit at (index − blockStart) × rowHeightPx inside a layer that alone moves with scrolling, so a
 * row that stays in view keeps its props and skips re-rendering until the first row leaves the block.
 */
const ROW_BLOCK = 1_024;
const NO_KEYS: ReadonlySet<string> = new Set<string>();

interface ScrollGeometry {
  capped: boolean;
  contentHeightPx: number;   // total × rowHeightPx, the height the rows would need
  spacerHeightPx: number;    // the height actually given to the DOM
  maxScrollTopPx: number;
  maxVirtualTopPx: number;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

function scrollGeometry(total: number, rowHeightPx: number, viewportHeightPx: number, maxScrollHeightPx: number): ScrollGeometry {
  const contentHeightPx = Math.max(0, total) * rowHeightPx;
  const capped = contentHeightPx > maxScrollHeightPx;
  const spacerHeightPx = capped ? maxScrollHeightPx : contentHeightPx;
  return {
    capped,
    contentHeightPx,
    spacerHeightPx,
    maxScrollTopPx: Math.max(0, spacerHeightPx - viewportHeightPx),
    maxVirtualTopPx: Math.max(0, contentHeightPx - viewportHeightPx),
  };
}

function virtualTopAt(scrollTopPx: number, geometry: ScrollGeometry): number {
  if (!geometry.capped) return clamp(scrollTopPx, 0, geometry.maxVirtualTopPx);
  if (geometry.maxScrollTopPx <= 0) return 0;
  // A zoomed window can stop a fraction of a pixel short of the end, which at this scale would
  // hide part of the last row.
  if (scrollTopPx >= geometry.maxScrollTopPx - 1) return geometry.maxVirtualTopPx;
  return clamp(scrollTopPx / geometry.maxScrollTopPx, 0, 1) * geometry.maxVirtualTopPx;
}

function scrollTopFor(virtualTopPx: number, geometry: ScrollGeometry): number {
  if (!geometry.capped) return virtualTopPx;
  if (geometry.maxVirtualTopPx <= 0) return 0;
  return (virtualTopPx / geometry.maxVirtualTopPx) * geometry.maxScrollTopPx;
}

/** Exported for tests: maps a scrollTop to the first visible row when total height exceeds the cap. */
export function firstRowAt(
  scrollTopPx: number,
  total: number,
  rowHeightPx: number,
  viewportHeightPx: number,
  maxScrollHeightPx: number = MAX_SCROLL_HEIGHT_PX,
): number {
  if (total <= 0 || rowHeightPx <= 0) return 0;
  const geometry = scrollGeometry(total, rowHeightPx, viewportHeightPx, maxScrollHeightPx);
  return Math.min(total - 1, Math.floor(virtualTopAt(scrollTopPx, geometry) / rowHeightPx));
}

interface PageEntry<Row> {
  rows: Row[];
  limit: number;
}

/** Pages of one resetKey and page size. A new store is both the reset and the staleness test. */
interface PageStore<Row> {
  resetKey: string;
  pageSize: number;
  pages: Map<number, PageEntry<Row>>;
  inFlight: Set<number>;
  /** Pages whose fetch failed; left alone until the retry timer clears the set. */
  failed: Set<number>;
}

function createStore<Row>(resetKey: string, pageSize: number): PageStore<Row> {
  return { resetKey, pageSize, pages: new Map(), inFlight: new Set(), failed: new Set() };
}

function rowAt<Row>(store: PageStore<Row>, rowIndex: number): Row | undefined {
  const page = Math.floor(rowIndex / store.pageSize);
  return store.pages.get(page)?.rows[rowIndex - page * store.pageSize];
}

function pagesCovering(fromRow: number, toRow: number, pageSize: number): number[] {
  const pages: number[] = [];
  if (toRow < fromRow) return pages;
  for (let page = Math.floor(fromRow / pageSize); page <= Math.floor(toRow / pageSize); page++) pages.push(page);
  return pages;
}

type WidthOverrides = Readonly<Record<string, number>>;

function loadWidths(storageKey: string | undefined): WidthOverrides {
  if (storageKey === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const widths: Record<string, number> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) widths[key] = value;
    }
    return widths;
  } catch {
    // A damaged entry or a storage that refuses access: fall back to the default widths.
    return {};
  }
}

function saveWidths(storageKey: string | undefined, widths: WidthOverrides): void {
  if (storageKey === undefined) return;
  try {
    localStorage.setItem(storageKey, JSON.stringify(widths));
  } catch {
    // Storage full or disabled: the widths still hold for this session.
  }
}

interface ViewState {
  resetKey: string;
  scrollTopPx: number;
  clientHeightPx: number;
  /** Set when we scrolled on purpose in capped mode: the exact virtual top the rounded scrollTop stands for. */
  anchorVirtualTopPx: number | null;
}

interface Layout {
  total: number;
  rowHeightPx: number;
  viewportHeightPx: number;
  geometry: ScrollGeometry;
  virtualTopPx: number;
  focusedRow: number | null;
  selectable: boolean;
}

// The checkboxes are plain inputs drawn like antd's: mounting antd's Checkbox in each new row cost
// more than the rest of the row (headless Chromium, wheel scrolling a million rows: median frame
// 10–11 ms with it, 4–5 ms without).
const CSS = `
.wxr-vt { outline: none; overflow-anchor: none; box-sizing: border-box; }
.wxr-vt-head { box-sizing: border-box; }
.wxr-vt-row { box-sizing: border-box; display: flex; cursor: pointer; border-bottom: var(--wxr-vt-line) solid var(--wxr-vt-split); }
.wxr-vt-row:hover { background: var(--wxr-vt-hover); }
.wxr-vt-row[aria-selected='true'] { background: var(--wxr-vt-active); }
.wxr-vt-row[aria-selected='true']:hover { background: var(--wxr-vt-active-hover); }
.wxr-vt-row[data-focused='true'] { outline: var(--wxr-vt-line) solid var(--wxr-vt-primary); outline-offset: calc(-1 * var(--wxr-vt-line)); }
.wxr-vt-cell { box-sizing: border-box; flex: none; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; padding: 0 8px; line-height: var(--wxr-vt-line-height); }
.wxr-vt-num { text-align: right; font-variant-numeric: tabular-nums; }
.wxr-vt-check { display: flex; align-items: center; justify-content: center; padding: 0; }
.wxr-vt-th { position: relative; font-weight: var(--wxr-vt-strong); color: var(--wxr-vt-heading); }
.wxr-vt-resizer { position: absolute; top: 0; right: 0; width: 8px; height: 100%; cursor: col-resize; touch-action: none; z-index: 1; }
.wxr-vt-resizer::after { content: ''; position: absolute; right: 0; top: 25%; height: 50%; width: var(--wxr-vt-line); background: var(--wxr-vt-split); }
.wxr-vt-resizer:hover::after, .wxr-vt-resizer[data-dragging='true']::after { top: 0; height: 100%; width: 2px; background: var(--wxr-vt-primary); }
.wxr-vt-bar { display: inline-block; vertical-align: middle; width: 60%; max-width: 120px; height: 0.8em; border-radius: 4px; background: var(--wxr-vt-fill); }
.wxr-vt-muted { color: var(--wxr-vt-muted); }
.wxr-vt-checkbox { appearance: none; position: relative; box-sizing: border-box; width: 16px; height: 16px; margin: 0; border: var(--wxr-vt-line) solid var(--wxr-vt-border); border-radius: 4px; background: var(--wxr-vt-bg); cursor: pointer; }
.wxr-vt-checkbox:hover:not(:disabled), .wxr-vt-checkbox:focus-visible { border-color: var(--wxr-vt-primary); }
.wxr-vt-checkbox:focus-visible { outline: 2px solid var(--wxr-vt-primary-border); outline-offset: 1px; }
.wxr-vt-checkbox:checked { background: var(--wxr-vt-primary); border-color: var(--wxr-vt-primary); }
.wxr-vt-checkbox:checked::after { content: ''; position: absolute; left: 4.5px; top: 1.5px; width: 4px; height: 8px; border: solid var(--wxr-vt-on-primary); border-width: 0 2px 2px 0; transform: rotate(45deg); }
.wxr-vt-checkbox:indeterminate::after { content: ''; position: absolute; left: 3px; top: 3px; width: 8px; height: 8px; background: var(--wxr-vt-primary); }
.wxr-vt-checkbox:disabled { cursor: not-allowed; background: var(--wxr-vt-disabled); }
`;

interface RowViewProps<Row> {
  rowIndex: number;
  row: Row | undefined;
  topPx: number;
  heightPx: number;
  domId: string;
  columns: VirtualColumn<Row>[];
  widthsPx: readonly number[];
  selectable: boolean;
  isSelected: boolean;
  isActive: boolean;
  isFocused: boolean;
  loadingText: ReactNode;
  onRowClick: (rowIndex: number) => void;
  onCheckboxToggle: (rowIndex: number) => void;
}

function stopPropagation(event: SyntheticEvent): void {
  event.stopPropagation();
}

function RowViewImpl<Row>(props: RowViewProps<Row>): JSX.Element {
  const { rowIndex, row, columns, widthsPx, domId } = props;
  const loaded = row !== undefined;
  return (
    <div
      role="row"
      id={domId}
      className="wxr-vt-row"
      aria-rowindex={rowIndex + 2}
      aria-selected={props.isActive}
      aria-busy={loaded ? undefined : true}
      data-focused={props.isFocused ? 'true' : undefined}
      style={{ position: 'absolute', left: 0, right: 0, top: props.topPx, height: props.heightPx }}
      onClick={() => props.onRowClick(rowIndex)}
    >
      {props.selectable && (
        <div
          role="gridcell"
          className="wxr-vt-cell wxr-vt-check"
          style={{ width: CHECKBOX_COLUMN_WIDTH_PX }}
          onClick={stopPropagation}
        >
          {loaded && (
            <input
              type="checkbox"
              className="wxr-vt-checkbox"
              checked={props.isSelected}
              tabIndex={-1}
              aria-labelledby={columns.length > 0 ? `${domId}-c0` : undefined}
              onChange={() => props.onCheckboxToggle(rowIndex)}
            />
          )}
        </div>
      )}
      {columns.map((column, columnIndex) => {
        let content: ReactNode;
        if (loaded) content = column.render(row);
        else if (columnIndex === 0 && props.loadingText !== undefined) content = <span className="wxr-vt-muted">{props.loadingText}</span>;
        else content = <span className="wxr-vt-bar" />;
        return (
          <div
            key={column.key}
            id={columnIndex === 0 ? `${domId}-c0` : undefined}
            role="gridcell"
            className={column.align === 'right' ? 'wxr-vt-cell wxr-vt-num' : 'wxr-vt-cell'}
            title={loaded && typeof content === 'string' ? content : undefined}
            style={{ width: widthsPx[columnIndex] }}
          >
            {content}
          </div>
        );
      })}
    </div>
  );
}

const RowView = memo(RowViewImpl) as typeof RowViewImpl;

interface DragState {
  key: string;
  pointerId: number;
  startClientX: number;
  startWidthPx: number;
  minWidthPx: number;
  widthPx: number;
}

export function VirtualTable<Row>(props: VirtualTableProps<Row>): JSX.Element {
  const renderStartedMs = performance.now();
  const { columns, resetKey, heightPx, storageKey, onSelectedChange, emptyText, loadingText } = props;
  const total = Math.max(0, Math.floor(props.total));
  const rowHeightPx = props.rowHeightPx ?? DEFAULT_ROW_HEIGHT_PX;
  const pageSize = Math.max(1, Math.floor(props.pageSize ?? DEFAULT_PAGE_SIZE));
  const selected = props.selected ?? NO_KEYS;
  const activeKey = props.activeKey ?? null;
  const selectable = onSelectedChange !== undefined;
  const { token } = theme.useToken();
  const baseId = useId();

  const propsRef = useRef(props);
  propsRef.current = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const anchorRef = useRef<{ scrollTopPx: number; virtualTopPx: number } | null>(null);
  const framePendingRef = useRef(false);
  const frameIdRef = useRef(0);
  const disposedRef = useRef(false);
  const retryTimerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const wantedRef = useRef({ renderFrom: 0, renderTo: -1, prefetchFrom: 0, prefetchTo: -1, centerRow: 0 });

  const storeRef = useRef<PageStore<Row> | null>(null);
  if (storeRef.current === null || storeRef.current.resetKey !== resetKey || storeRef.current.pageSize !== pageSize) {
    storeRef.current = createStore<Row>(resetKey, pageSize);
  }
  const store = storeRef.current;
  const [pagesVersion, bumpPagesVersion] = useReducer((n: number) => n + 1, 0);

  // --- Where we are -------------------------------------------------------------------------------

  const [viewState, setViewState] = useState<ViewState>(() => ({ resetKey, scrollTopPx: 0, clientHeightPx: 0, anchorVirtualTopPx: null }));
  // Until the reset's layout effect has moved the DOM to the top, render as if it had, so no page of
  // the old position is requested under the new key.
  const view: ViewState = viewState.resetKey === resetKey ? viewState : { ...viewState, resetKey, scrollTopPx: 0, anchorVirtualTopPx: null };
  const [focusState, setFocusState] = useState<{ resetKey: string; rowIndex: number } | null>(null);
  const focusedRow = focusState !== null && focusState.resetKey === resetKey && focusState.rowIndex < total ? focusState.rowIndex : null;
  const [hasFocus, setHasFocus] = useState(false);

  // jsdom, and the first render anywhere, know no clientHeight: the border-box height minus borders.
  const clientHeightPx = view.clientHeightPx > 0 ? view.clientHeightPx : heightPx - 2 * token.lineWidth;
  const headerHeightPx = rowHeightPx;
  const viewportHeightPx = Math.max(0, clientHeightPx - headerHeightPx);
  const geometry = scrollGeometry(total, rowHeightPx, viewportHeightPx, MAX_SCROLL_HEIGHT_PX);
  const scrollTopPx = clamp(view.scrollTopPx, 0, geometry.maxScrollTopPx);
  const virtualTopPx = clamp(view.anchorVirtualTopPx ?? virtualTopAt(scrollTopPx, geometry), 0, geometry.maxVirtualTopPx);
  const firstRow = total === 0 ? 0 : Math.min(total - 1, Math.floor(virtualTopPx / rowHeightPx));
  const lastRow = total === 0 ? -1 : clamp(Math.ceil((virtualTopPx + viewportHeightPx) / rowHeightPx) - 1, firstRow, total - 1);
  const renderFrom = Math.max(0, firstRow - OVERSCAN_ROWS);
  const renderTo = Math.min(total - 1, lastRow + OVERSCAN_ROWS);
  const visibleCount = lastRow - firstRow + 1;
  const prefetchFrom = Math.max(0, firstRow - visibleCount);
  const prefetchTo = Math.min(total - 1, lastRow + visibleCount);
  const blockStart = firstRow - (firstRow % ROW_BLOCK);
  // Row i belongs at scrollTop + (i × rowHeightPx − virtualTop) in the spacer; in uncapped mode that is
  // simply i × rowHeightPx, so native scrolling moves the rows exactly.
  const layerTopPx = scrollTopPx - virtualTopPx + blockStart * rowHeightPx;

  const layoutRef = useRef<Layout | null>(null);
  layoutRef.current = { total, rowHeightPx, viewportHeightPx, geometry, virtualTopPx, focusedRow, selectable };

  const syncFromDom = useCallback(() => {
    const element = scrollRef.current;
    if (element === null) return;
    const domScrollTopPx = element.scrollTop;
    const anchor = anchorRef.current;
    const anchorVirtualTopPx = anchor !== null && Math.abs(anchor.scrollTopPx - domScrollTopPx) < 1 ? anchor.virtualTopPx : null;
    if (anchorVirtualTopPx === null) anchorRef.current = null;
    const next: ViewState = {
      resetKey: propsRef.current.resetKey,
      scrollTopPx: domScrollTopPx,
      clientHeightPx: element.clientHeight,
      anchorVirtualTopPx,
    };
    setViewState((previous) =>
      previous.resetKey === next.resetKey &&
      previous.scrollTopPx === next.scrollTopPx &&
      previous.clientHeightPx === next.clientHeightPx &&
      previous.anchorVirtualTopPx === next.anchorVirtualTopPx
        ? previous
        : next,
    );
  }, []);

  const scheduleSync = useCallback(() => {
    if (framePendingRef.current) return;
    framePendingRef.current = true;
    frameIdRef.current = requestAnimationFrame(() => {
      framePendingRef.current = false;
      if (disposedRef.current) return;
      // Rows for the new position are committed within this frame rather than after it is painted.
      flushSync(syncFromDom);
    });
  }, [syncFromDom]);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element === null) return;
    element.scrollTop = 0;
    anchorRef.current = null;
    syncFromDom();
  }, [resetKey, syncFromDom]);

  useLayoutEffect(() => {
    syncFromDom();
  }, [heightPx, total, rowHeightPx, syncFromDom]);

  useEffect(() => {
    const element = scrollRef.current;
    if (element === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(scheduleSync);
    observer.observe(element);
    return () => observer.disconnect();
  }, [scheduleSync]);

  useEffect(() => {
    disposedRef.current = false;
    return () => {
      disposedRef.current = true;
      if (framePendingRef.current) cancelAnimationFrame(frameIdRef.current);
      framePendingRef.current = false;
      if (retryTimerRef.current !== null) clearTimeout(retryTimerRef.current);
      retryTimerRef.current = null;
    };
  }, []);

  // --- Pages --------------------------------------------------------------------------------------

  const pump = useCallback(() => {
    const current = storeRef.current;
    if (current === null || disposedRef.current) return;
    const totalRows = Math.max(0, Math.floor(propsRef.current.total));
    const wanted = wantedRef.current;
    const rendered = pagesCovering(wanted.renderFrom, Math.min(wanted.renderTo, totalRows - 1), current.pageSize);
    const ahead = pagesCovering(wanted.prefetchFrom, Math.min(wanted.prefetchTo, totalRows - 1), current.pageSize);
    for (const page of new Set([...rendered, ...ahead])) {
      if (current.inFlight.size >= MAX_IN_FLIGHT) return;
      if (current.inFlight.has(page)) continue;
      const offset = page * current.pageSize;
      const limit = Math.min(current.pageSize, totalRows - offset);
      if (limit <= 0) continue;
      const cached = current.pages.get(page);
      // A page fetched when there were fewer rows in all may be short; fetch it again.
      if (cached !== undefined && cached.limit >= limit) continue;
      if (current.failed.has(page)) continue;
      current.inFlight.add(page);
      let answer: Promise<Row[]>;
      try {
        answer = Promise.resolve(propsRef.current.fetchRows(offset, limit));
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(
        (rows) => {
          if (storeRef.current !== current || disposedRef.current) return;
          current.inFlight.delete(page);
          current.pages.set(page, { rows: rows.length > limit ? rows.slice(0, limit) : rows, limit });
          evictFarthest(current, Math.floor(wantedRef.current.centerRow / current.pageSize));
          bumpPagesVersion();
          pump();
        },
        () => {
          if (storeRef.current !== current || disposedRef.current) return;
          current.inFlight.delete(page);
          current.failed.add(page);
          // One timer for all failures: a main process that cannot answer is not asked once a frame.
          if (retryTimerRef.current === null) {
            retryTimerRef.current = setTimeout(() => {
              retryTimerRef.current = null;
              storeRef.current?.failed.clear();
              pump();
            }, RETRY_AFTER_MS);
          }
          pump();
        },
      );
    }
  }, []);

  useEffect(() => {
    wantedRef.current = { renderFrom, renderTo, prefetchFrom, prefetchTo, centerRow: Math.floor((firstRow + lastRow) / 2) };
    pump();
  }, [store, renderFrom, renderTo, prefetchFrom, prefetchTo, firstRow, lastRow, total, pump]);

  // --- Column widths ------------------------------------------------------------------------------

  const [widthState, setWidthState] = useState(() => ({ storageKey, overridesPx: loadWidths(storageKey) }));
  let overridesPx = widthState.overridesPx;
  if (widthState.storageKey !== storageKey) {
    overridesPx = loadWidths(storageKey);
    setWidthState({ storageKey, overridesPx });
  }
  const overridesRef = useRef(overridesPx);
  overridesRef.current = overridesPx;
  const widthsPx = useMemo(
    () => columns.map((column) => Math.max(column.minWidthPx ?? DEFAULT_MIN_WIDTH_PX, overridesPx[column.key] ?? column.widthPx)),
    [columns, overridesPx],
  );
  const totalWidthPx = widthsPx.reduce((sum, width) => sum + width, selectable ? CHECKBOX_COLUMN_WIDTH_PX : 0);
  const dragRef = useRef<DragState | null>(null);
  const [draggingKey, setDraggingKey] = useState<string | null>(null);

  const onResizeStart = (event: ReactPointerEvent<HTMLDivElement>, column: VirtualColumn<Row>, widthPx: number) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    // jsdom has no pointer capture; browsers all do.
    event.currentTarget.setPointerCapture?.(event.pointerId);
    dragRef.current = {
      key: column.key,
      pointerId: event.pointerId,
      startClientX: event.clientX,
      startWidthPx: widthPx,
      minWidthPx: column.minWidthPx ?? DEFAULT_MIN_WIDTH_PX,
      widthPx,
    };
    setDraggingKey(column.key);
  };
  const onResizeMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    const drag = dragRef.current;
    if (drag === null || drag.pointerId !== event.pointerId) return;
    const widthPx = Math.max(drag.minWidthPx, Math.round(drag.startWidthPx + event.clientX - drag.startClientX));
    if (widthPx === drag.widthPx) return;
    drag.widthPx = widthPx;
    setWidthState((previous) => ({ ...previous, overridesPx: { ...previous.overridesPx, [drag.key]: widthPx } }));
  };
  const onResizeEnd = (event: ReactPointerEvent<HTMLDivElement>) => {
    const drag = dragRef.current;
    if (drag === null || drag.pointerId !== event.pointerId) return;
    dragRef.current = null;
    setDraggingKey(null);
    if (event.currentTarget.hasPointerCapture?.(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
    // The dragged width is authoritative even if the last move has not been rendered yet.
    saveWidths(propsRef.current.storageKey, { ...overridesRef.current, [drag.key]: drag.widthPx });
  };
  const onResizeReset = (column: VirtualColumn<Row>) => {
    const { [column.key]: _dropped, ...rest } = overridesRef.current;
    setWidthState((previous) => ({ ...previous, overridesPx: rest }));
    saveWidths(propsRef.current.storageKey, rest);
  };

  // --- Selection, activation, keyboard ------------------------------------------------------------

  const toggleRow = useCallback((rowIndex: number) => {
    const current = storeRef.current;
    const { onSelectedChange, rowKey } = propsRef.current;
    if (current === null || onSelectedChange === undefined) return;
    const row = rowAt(current, rowIndex);
    if (row === undefined) return;
    const key = rowKey(row);
    const next = new Set(propsRef.current.selected ?? NO_KEYS);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    onSelectedChange(next);
  }, []);

  const onRowClick = useCallback((rowIndex: number) => {
    setFocusState({ resetKey: propsRef.current.resetKey, rowIndex });
    const current = storeRef.current;
    const row = current === null ? undefined : rowAt(current, rowIndex);
    if (row !== undefined) propsRef.current.onActivate?.(row);
  }, []);

  const onCheckboxToggle = useCallback(
    (rowIndex: number) => {
      setFocusState({ resetKey: propsRef.current.resetKey, rowIndex });
      toggleRow(rowIndex);
      // Keyboard navigation continues from the grid, not from a checkbox that has no keys of its own.
      scrollRef.current?.focus({ preventScroll: true });
    },
    [toggleRow],
  );

  const scrollRowIntoView = (rowIndex: number) => {
    const element = scrollRef.current;
    const layout = layoutRef.current;
    if (element === null || layout === null) return;
    const rowTopPx = rowIndex * layout.rowHeightPx;
    const rowBottomPx = rowTopPx + layout.rowHeightPx;
    let targetVirtualTopPx: number;
    if (rowTopPx < layout.virtualTopPx) targetVirtualTopPx = rowTopPx;
    else if (rowBottomPx > layout.virtualTopPx + layout.viewportHeightPx) targetVirtualTopPx = rowBottomPx - layout.viewportHeightPx;
    else return;
    targetVirtualTopPx = clamp(targetVirtualTopPx, 0, layout.geometry.maxVirtualTopPx);
    element.scrollTop = scrollTopFor(targetVirtualTopPx, layout.geometry);
    // In capped mode one scrollTop pixel spans several virtual pixels; remember the exact target so the
    // row lands flush with the edge instead of a few pixels under it.
    anchorRef.current = layout.geometry.capped ? { scrollTopPx: element.scrollTop, virtualTopPx: targetVirtualTopPx } : null;
    syncFromDom();
  };

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    // Keys typed into the header checkbox are that checkbox's own business.
    if (event.target !== event.currentTarget || event.altKey || event.metaKey) return;
    const layout = layoutRef.current;
    const current = storeRef.current;
    if (layout === null || current === null || layout.total === 0) return;
    const focused = layout.focusedRow;
    const firstFullyVisible = Math.min(layout.total - 1, Math.ceil(layout.virtualTopPx / layout.rowHeightPx));
    const base = focused ?? firstFullyVisible;
    const rowsPerPage = Math.max(1, Math.floor(layout.viewportHeightPx / layout.rowHeightPx));
    let target: number;
    switch (event.key) {
      case 'ArrowDown':
        target = focused === null ? base : focused + 1;
        break;
      case 'ArrowUp':
        target = focused === null ? base : focused - 1;
        break;
      case 'PageDown':
        target = base + rowsPerPage;
        break;
      case 'PageUp':
        target = base - rowsPerPage;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = layout.total - 1;
        break;
      case 'Enter': {
        event.preventDefault();
        const row = focused === null ? undefined : rowAt(current, focused);
        if (row !== undefined) propsRef.current.onActivate?.(row);
        return;
      }
      case ' ':
        event.preventDefault();
        if (focused !== null && layout.selectable) toggleRow(focused);
        return;
      default:
        return;
    }
    event.preventDefault();
    target = clamp(target, 0, layout.total - 1);
    setFocusState({ resetKey: propsRef.current.resetKey, rowIndex: target });
    scrollRowIntoView(target);
  };

  // The header checkbox acts on the loaded rows: those are the only keys the renderer knows. Up to
  // 10,000 of them, so they are collected when pages change, never on a scroll frame; pagesVersion
  // stands for the store's contents, which change in place, and rowKey is read from the latest props
  // because callers tend to pass a new arrow on every render.
  const loadedKeys = useMemo(() => {
    const keys: string[] = [];
    if (!selectable) return keys;
    const { rowKey } = propsRef.current;
    for (const page of store.pages.values()) for (const row of page.rows) keys.push(rowKey(row));
    return keys;
  }, [store, pagesVersion, selectable]);
  const loadedSelection = useMemo(() => {
    let selectedCount = 0;
    for (const key of loadedKeys) if (selected.has(key)) selectedCount++;
    return { keys: loadedKeys, selectedCount };
  }, [loadedKeys, selected]);
  const allLoadedSelected = loadedSelection.keys.length > 0 && loadedSelection.selectedCount === loadedSelection.keys.length;
  const someLoadedSelected = loadedSelection.selectedCount > 0 && !allLoadedSelected;
  const onHeaderCheckbox = () => {
    if (onSelectedChange === undefined) return;
    const next = new Set(selected);
    if (allLoadedSelected) for (const key of loadedSelection.keys) next.delete(key);
    else for (const key of loadedSelection.keys) next.add(key);
    onSelectedChange(next);
  };

  // --- Report how long this render took -----------------------------------------------------------

  useLayoutEffect(() => {
    if (total > 0) propsRef.current.onRendered?.({ firstRow, lastRow, ms: performance.now() - renderStartedMs });
  });

  // --- DOM ----------------------------------------------------------------------------------------

  const rowDomId = (rowIndex: number) => `${baseId}-row-${rowIndex}`;
  const rows: JSX.Element[] = [];
  for (let rowIndex = renderFrom; rowIndex <= renderTo; rowIndex++) {
    const row = rowAt(store, rowIndex);
    const key = row === undefined ? undefined : props.rowKey(row);
    rows.push(
      <RowView<Row>
        key={rowIndex}
        rowIndex={rowIndex}
        row={row}
        topPx={(rowIndex - blockStart) * rowHeightPx}
        heightPx={rowHeightPx}
        domId={rowDomId(rowIndex)}
        columns={columns}
        widthsPx={widthsPx}
        selectable={selectable}
        isSelected={key !== undefined && selected.has(key)}
        isActive={key !== undefined && key === activeKey}
        isFocused={hasFocus && focusedRow === rowIndex}
        loadingText={loadingText}
        onRowClick={onRowClick}
        onCheckboxToggle={onCheckboxToggle}
      />,
    );
  }

  const rootStyle: CSSProperties & Record<`--${string}`, string | number> = {
    height: heightPx,
    overflow: 'auto',
    position: 'relative',
    border: `${token.lineWidth}px solid ${token.colorBorderSecondary}`,
    borderRadius: token.borderRadiusLG,
    background: token.colorBgContainer,
    color: token.colorText,
    fontSize: token.fontSize,
    '--wxr-vt-line': `${token.lineWidth}px`,
    '--wxr-vt-line-height': `${rowHeightPx - token.lineWidth}px`,
    '--wxr-vt-split': token.colorBorderSecondary,
    '--wxr-vt-hover': token.controlItemBgHover,
    '--wxr-vt-active': token.controlItemBgActive,
    '--wxr-vt-active-hover': token.controlItemBgActiveHover,
    '--wxr-vt-primary': token.colorPrimary,
    '--wxr-vt-primary-border': token.colorPrimaryBorder,
    '--wxr-vt-on-primary': token.colorWhite,
    '--wxr-vt-border': token.colorBorder,
    '--wxr-vt-bg': token.colorBgContainer,
    '--wxr-vt-disabled': token.colorBgContainerDisabled,
    '--wxr-vt-fill': token.colorFillSecondary,
    '--wxr-vt-muted': token.colorTextQuaternary,
    '--wxr-vt-heading': token.colorTextHeading,
    '--wxr-vt-strong': token.fontWeightStrong,
  };
  // The header is opaque (rows scroll under it) yet tinted like antd's table header.
  const headerStyle: CSSProperties = {
    position: 'sticky',
    top: 0,
    zIndex: 2,
    width: totalWidthPx,
    minWidth: '100%',
    height: headerHeightPx,
    backgroundColor: token.colorBgContainer,
    backgroundImage: `linear-gradient(${token.colorFillAlter}, ${token.colorFillAlter})`,
    borderBottom: `${token.lineWidth}px solid ${token.colorBorderSecondary}`,
  };

  return (
    <>
      <style>{CSS}</style>
      <div
        ref={scrollRef}
        role="grid"
        className="wxr-vt"
        tabIndex={0}
        aria-rowcount={total + 1}
        aria-colcount={columns.length + (selectable ? 1 : 0)}
        aria-activedescendant={focusedRow !== null && focusedRow >= renderFrom && focusedRow <= renderTo ? rowDomId(focusedRow) : undefined}
        style={rootStyle}
        onScroll={scheduleSync}
        onKeyDown={onKeyDown}
        onFocus={(event) => setHasFocus(event.target === event.currentTarget)}
        onBlur={(event) => {
          if (event.target === event.currentTarget) setHasFocus(false);
        }}
      >
        <div role="rowgroup" className="wxr-vt-head" style={headerStyle}>
          <div role="row" aria-rowindex={1} style={{ display: 'flex', height: headerHeightPx - token.lineWidth }}>
            {selectable && (
              <div role="columnheader" className="wxr-vt-cell wxr-vt-check" style={{ width: CHECKBOX_COLUMN_WIDTH_PX }}>
                <input
                  type="checkbox"
                  className="wxr-vt-checkbox"
                  ref={(element) => {
                    if (element !== null) element.indeterminate = someLoadedSelected;
                  }}
                  checked={allLoadedSelected}
                  disabled={loadedSelection.keys.length === 0}
                  onChange={onHeaderCheckbox}
                />
              </div>
            )}
            {columns.map((column, columnIndex) => {
              const widthPx = widthsPx[columnIndex] ?? column.widthPx;
              return (
                <div
                  key={column.key}
                  role="columnheader"
                  data-column-key={column.key}
                  className={column.align === 'right' ? 'wxr-vt-cell wxr-vt-th wxr-vt-num' : 'wxr-vt-cell wxr-vt-th'}
                  title={typeof column.title === 'string' ? column.title : undefined}
                  style={{ width: widthPx }}
                >
                  {column.title}
                  <div
                    className="wxr-vt-resizer"
                    role="separator"
                    aria-orientation="vertical"
                    aria-valuenow={widthPx}
                    aria-valuemin={column.minWidthPx ?? DEFAULT_MIN_WIDTH_PX}
                    data-dragging={draggingKey === column.key ? 'true' : undefined}
                    onPointerDown={(event) => onResizeStart(event, column, widthPx)}
                    onPointerMove={onResizeMove}
                    onPointerUp={onResizeEnd}
                    onPointerCancel={onResizeEnd}
                    onDoubleClick={() => onResizeReset(column)}
                    onClick={stopPropagation}
                  />
                </div>
              );
            })}
          </div>
        </div>
        {total === 0 ? (
          <div
            style={{
              position: 'sticky',
              left: 0,
              width: '100%',
              height: viewportHeightPx,
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'center',
              color: token.colorTextTertiary,
            }}
          >
            {emptyText ?? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
          </div>
        ) : (
          <div role="rowgroup" style={{ position: 'relative', height: geometry.spacerHeightPx, width: totalWidthPx, minWidth: '100%' }}>
            {/* data-top-px: the exact offset, since jsdom's CSS serialiser keeps six significant digits. */}
            <div role="presentation" data-top-px={layerTopPx} style={{ position: 'absolute', left: 0, right: 0, top: layerTopPx }}>
              {rows}
            </div>
          </div>
        )}
      </div>
    </>
  );
}

function evictFarthest<Row>(store: PageStore<Row>, centerPage: number): void {
  while (store.pages.size > MAX_CACHED_PAGES) {
    let farthestPage = -1;
    let farthestDistance = -1;
    for (const page of store.pages.keys()) {
      const distance = Math.abs(page - centerPage);
      if (distance > farthestDistance) {
        farthestDistance = distance;
        farthestPage = page;
      }
    }
    store.pages.delete(farthestPage);
  }
}
