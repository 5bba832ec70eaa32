/**
 * The one gate every IPC message passes (architecture §9): the sender frame is checked (top frame,
 * served from our own origin), the channel must be in the contract, the payload is parsed by its
 * schema, the handler runs, and whatever happens comes back as a Result with a stable code. No
 * handler touches ipcMain. The same dispatcher serves the test-only loopback bridge, so end-to-end
 * tests exercise exactly this code.
 */
import { channels, type Channel, type ParsedRequest, type Response } from '../../../shared/ipc/contract.ts';
import { AppFailure, fail, ok, type AppErrorCode, type Result } from '../../../shared/ipc/result.ts';
import { ImportError } from '../../../shared/errors.ts';
import { WechatPayError } from '../../wechatpay/order-query.ts';
import { ProfileError } from '../../wechatpay/profile.ts';
import { redact } from '../../log/redact.ts';

/** What a handler gets besides its request: the clock, the caller's frame, progress events. */
export interface HandlerContext {
  now: () => Date;
  /** Sends an event to the window that made the call. */
  emit: (event: string, payload: unknown) => void;
}

export type Handlers = { [C in Channel]: (request: ParsedRequest<C>, ctx: HandlerContext) => Promise<Response<C>> };

/** The sender as Electron describes it (`event.senderFrame`), reduced to what the gate reads. */
export interface SenderFrame {
  url: string;
  /** Null for the top frame; a sub-frame (an iframe) is never trusted. */
  parent: unknown | null;
}

export interface DispatchOptions {
  isTrustedUrl: (url: string) => boolean;
  log?: (line: string) => void;
  now?: () => Date;
}

export type Dispatch = (channel: string, frame: SenderFrame | null, payload: unknown, emit: HandlerContext['emit']) => Promise<Result<unknown>>;

const WECHAT_CODES: Record<string, AppErrorCode> = {
  RESPONSE_NOT_VERIFIED: 'signature-invalid',
  SIGN_ERROR: 'signature-invalid',
  NETWORK: 'network',
  TIMEOUT: 'network',
  ABORTED: 'cancelled',
  PROFILE_INCOMPLETE: 'profile-invalid',
};

/** Any thrown error as a Result with a stable code; the stack stays in the log. */
export function failureOf(e: unknown, log?: (line: string) => void): Result<never> {
  if (e instanceof AppFailure) return fail(e.code, e.message, e.detail);
  if (e instanceof ProfileError) return fail('profile-invalid', e.message, { field: e.field });
  if (e instanceof ImportError) return fail('import-failed', e.message, { wechatCode: e.code });
  if (e instanceof WechatPayError) {
    return fail(WECHAT_CODES[e.code] ?? 'wechatpay-error', redact(e.message), { wechatCode: e.code, ...(e.requestId ? { requestId: e.requestId } : {}) });
  }
  log?.(redact(`internal error: ${(e as Error)?.stack ?? String(e)}`));
  return fail('internal', 'internal error');
}

export function createDispatch(handlers: Handlers, options: DispatchOptions): Dispatch {
  const now = options.now ?? (() => new Date());
  return async (channel, frame, payload, emit) => {
    if (frame === null || frame.parent !== null || !options.isTrustedUrl(frame.url)) {
      options.log?.(`refused ${channel} from ${frame === null ? 'a gone frame' : frame.parent !== null ? 'a sub-frame' : redact(frame.url)}`);
      return fail('forbidden-sender', 'this caller may not use the app API');
    }
    if (!Object.hasOwn(channels, channel)) return fail('unknown-channel', `no such channel: ${channel.slice(0, 64)}`);
    const c = channel as Channel;
    const parsed = channels[c].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail('invalid-request', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`, { field: issue?.path.join('.') ?? '' });
    }
    try {
      const handler = handlers[c] as (request: unknown, ctx: HandlerContext) => Promise<unknown>;
      const value = await handler(parsed.data, { now, emit });
      // Every reply is what its schema lets through, and nothing more: a field a handler adds by
      // mistake (a key, a PEM) is dropped here rather than sent to the renderer.
      const checked = channels[c].response.safeParse(value);
      if (!checked.success) {
        options.log?.(`response of ${channel} does not match its schema: ${checked.error.issues[0]?.path.join('.')} ${checked.error.issues[0]?.message}`);
        return fail('invalid-response', `the reply of ${channel} broke the contract`);
      }
      return ok(checked.data);
    } catch (e) {
      return failureOf(e, options.log);
    }
  };
}

/** Electron's ipcMain, reduced to what registration uses (tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: SenderFrame | null; sender: { send(channel: string, payload: unknown): void } }, payload?: unknown) => Promise<unknown>): void;
}

/** One `ipcMain.handle` per channel of the contract, each through the gate. */
export function registerIpc(ipcMain: IpcMainLike, handlers: Handlers, options: DispatchOptions): Dispatch {
  const dispatch = createDispatch(handlers, options);
  for (const channel of Object.keys(channels)) {
    ipcMain.handle(channel, (event, payload) => dispatch(channel, event.senderFrame, payload, (name, body) => event.sender.send(name, body)));
  }
  return dispatch;
}
