/** Steps several screens take the same way. */
import type { EventPayload, Request } from '../../shared/ipc/contract.ts';
import { ApiError, call, on } from './api.ts';

/**
 * Makes a workspace and reconciles it, reporting each phase; its id. `onCreated` hears the id at
 * once (to cancel with). A cancelled first reconciliation leaves nothing behind: the new workspace
 * is deleted, and the `cancelled` error passed on.
 */
export async function createAndReconcile(request: Request<'workspaces:create'>, onProgress: (p: EventPayload<'workspaces:progressed'>) => void, onCreated?: (id: string) => void): Promise<string> {
  const off = on('workspaces:progressed', onProgress);
  try {
    const ws = await call('workspaces:create', request);
    onCreated?.(ws.id);
    try {
      await call('workspaces:reconcile', { id: ws.id });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'cancelled') await call('workspaces:delete', { id: ws.id }).catch(() => undefined);
      throw e;
    }
    return ws.id;
  } finally {
    off();
  }
}
