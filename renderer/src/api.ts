/**
 * The only reader of `window.wxrecon` (the preload's API). Calls return the value or throw an
 * ApiError whose text is the renderer's own words for the stable code (in the UI's language),
 * with the main process's message kept as detail.
 */
import type { Channel, EventName, EventPayload, Request, Response, WxreconApi } from '../../shared/ipc/contract.ts';
import type { AppError } from '../../shared/ipc/result.ts';
import { errorText, type UiLang } from './i18n.ts';

declare global {
  interface Window {
    wxrecon: WxreconApi;
  }
}

export class ApiError extends Error {
  readonly code: AppError['code'];
  readonly detail: AppError['detail'];
  readonly serverMessage: string;
  constructor(e: AppError, lang: UiLang) {
    super(errorText(e.code, lang, e.message));
    this.name = 'ApiError';
    this.code = e.code;
    this.detail = e.detail;
    this.serverMessage = e.message;
  }
}

let currentLang: UiLang = 'zh-CN';
export function setApiLang(lang: UiLang): void {
  currentLang = lang;
}

export async function call<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C>> {
  const api = window.wxrecon;
  if (api === undefined) throw new ApiError({ code: 'internal', message: 'window.wxrecon is missing' }, currentLang);
  const r = await (api[channel] as unknown as (r: Request<C>) => Promise<import("../../shared/ipc/result.ts").Result<Response<C>>>)(request);
  if (!r.ok) throw new ApiError(r.error, currentLang);
  return r.value as Response<C>;
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.wxrecon?.on(event, listener) ?? (() => undefined);
}

/** Where a dropped file lives on disk, or null (not a file from the system, or no app around). */
export function pathForFile(file: File): string | null {
  const path = window.wxrecon?.pathForFile(file) ?? '';
  return path === '' ? null : path;
}
