/**
 * Defaults both processes need: the contract's schemas default to them, and the renderer (which
 * does not load zod) starts its forms with them. No zod here.
 */

/** A merchant's live-query pace until someone sets it. */
export const MERCHANT_PACE_DEFAULTS = { requestsPerSecond: 20, concurrency: 8, timeoutMs: 10_000 } as const;
