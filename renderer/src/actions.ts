/** Steps several screens take the same way. */
import type { EventPayload, Request } from '../../shared/ipc/contract.ts';
import { call, on } from './api.ts';

/** Makes a workspace and reconciles it, reporting each phase; its id. */
export async function createAndReconcile(request: Request<'workspaces:create'>, onProgress: (p: EventPayload<'workspaces:progressed'>) => void): Promise<string> {
  const off = on('workspaces:progressed', onProgress);
  try {
    const ws = await call('workspaces:create', request);
    await call('workspaces:reconcile', { id: ws.id });
    return ws.id;
  } finally {
    off();
  }
}
