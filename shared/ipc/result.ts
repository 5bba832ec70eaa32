/**
 * Every IPC reply is a Result: a value, or an error with a stable code the renderer switches on
 * and a message safe to show (in the user's language where main knows it). Stacks stay in main's log.
 */

/** Stable, kebab-case; the renderer maps each to its own words (renderer/src/api.ts). */
export const APP_ERROR_CODES = [
  'forbidden-sender',
  'unknown-channel',
  'invalid-request',
  'invalid-response',
  'not-found',
  'profile-invalid',
  'key-invalid',
  'vault-unavailable',
  'file-unreadable',
  'import-failed',
  'wechatpay-error',
  'signature-invalid',
  'clock-skew',
  'network',
  'busy',
  'cancelled',
  'io',
  'internal',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppError {
  code: AppErrorCode;
  message: string;
  /** WeChat's own code and Request-ID, when WeChat Pay answered. */
  detail?: { wechatCode?: string; requestId?: string; field?: string };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: AppErrorCode, message: string, detail?: AppError['detail']): Result<never> => ({ ok: false, error: { code, message, ...(detail ? { detail } : {}) } });

/** A thrown error that carries its code to the IPC gate. */
export class AppFailure extends Error {
  readonly code: AppErrorCode;
  readonly detail: AppError['detail'] | undefined;
  constructor(code: AppErrorCode, message: string, detail?: AppError['detail']) {
    super(message);
    this.name = 'AppFailure';
    this.code = code;
    this.detail = detail;
  }
}
