/**
 * The contract's channel and event names alone, without their schemas: the sandboxed preload
 * builds the bridge from these and must not carry zod (it can require nothing but electron).
 * contract.ts checks, at compile time, that these lists and its tables name the same things.
 */
export const CHANNEL_NAMES = [
  'app:info', 'vault:status', 'vault:set-session-only',
  'merchants:list', 'merchants:save', 'merchants:delete', 'merchants:import-key-file', 'merchants:test-connection',
  'demo:start', 'files:pick', 'files:download-bill', 'files:inspect', 'mappings:list', 'mappings:save', 'mappings:delete',
  'workspaces:list', 'workspaces:create', 'workspaces:open', 'workspaces:reconcile', 'workspaces:cancel-reconcile', 'workspaces:item', 'workspaces:items', 'workspaces:resolve', 'workspaces:export', 'workspaces:in-transit', 'workspaces:delete',
  'orders:close', 'queries:start', 'queries:pause', 'queries:resume', 'queries:cancel',
] as const;

export const EVENT_NAMES = ['workspaces:progressed', 'queries:progressed', 'menu:invoked'] as const;
