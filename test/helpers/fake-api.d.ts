/**
 * For renderer tests in jsdom: the browser features antd asks for that jsdom lacks, and a fake
 * `window.wxrecon` (the preload's API) whose channels are mocks; any other channel fails loudly.
 */
import { vi } from 'vitest';
import type { WxreconApi } from '../../shared/ipc/contract.ts';
import type { AppError } from '../../shared/ipc/result.ts';
export type Reply = {
    ok: true;
    value: unknown;
} | {
    ok: false;
    error: AppError;
};
export declare const ok: (value: unknown) => Reply;
export declare const fail: (error: AppError) => Reply;
export type ApiHandlers = Partial<Record<keyof WxreconApi, (req: never) => Reply | Promise<Reply>>>;
/** matchMedia, ResizeObserver, and a getComputedStyle that ignores pseudo-elements (jsdom logs "not implemented"). */
export declare function fillJsdomGaps(): void;
/** Installs the fake API; the mocks by channel, to inspect their calls. `pathForFile` is not a channel and may be given apart. */
export declare function installApi(handlers: ApiHandlers, pathForFile?: (file: object) => string): Record<string, ReturnType<typeof vi.fn>>;
