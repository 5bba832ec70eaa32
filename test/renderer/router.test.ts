// @vitest-environment jsdom
/** Screens by hash: every route survives a round trip; anything else is home. */
import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute, type Route } from '../../renderer/src/router.ts';

describe('routes', () => {
  it.each<Route>([
    { page: 'home' }, { page: 'merchants' }, { page: 'new' },
    { page: 'workspace', id: 'b3c1e0f2-aaaa', tab: 'items' }, { page: 'workspace', id: 'x y/z', tab: 'summary' }, { page: 'workspace', id: 'w', tab: 'export' },
  ])('%o round-trips', (r) => {
    expect(parseRoute(hrefOf(r))).toEqual(r);
  });

  it('takes anything unknown as home, and an unknown tab as the items', () => {
    expect(parseRoute('')).toEqual({ page: 'home' });
    expect(parseRoute('#/nowhere/at/all')).toEqual({ page: 'home' });
    expect(parseRoute('#/workspace')).toEqual({ page: 'home' });
    expect(parseRoute('#/workspace/w/evil')).toEqual({ page: 'workspace', id: 'w', tab: 'items' });
  });
});
