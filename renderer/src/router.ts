/**
 * Screens by the URL's hash (#/, #/merchants, #/new, #/workspace/<id>/<tab>): a reload keeps the
 * screen, and the app:// page never navigates away (the main process refuses that anyway).
 */
import { useMemo, useSyncExternalStore } from 'react';

export type Route =
  | { page: 'home' }
  | { page: 'merchants' }
  | { page: 'new' }
  | { page: 'workspace'; id: string; tab: 'items' | 'summary' | 'export' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  if (parts[0] === 'merchants') return { page: 'merchants' };
  if (parts[0] === 'new') return { page: 'new' };
  if (parts[0] === 'workspace' && parts[1] !== undefined) {
    const tab = parts[2] === 'summary' || parts[2] === 'export' ? parts[2] : 'items';
    return { page: 'workspace', id: parts[1], tab };
  }
  return { page: 'home' };
}

export function hrefOf(r: Route): string {
  switch (r.page) {
    case 'home':
      return '#/';
    case 'merchants':
      return '#/merchants';
    case 'new':
      return '#/new';
    case 'workspace':
      return `#/workspace/${encodeURIComponent(r.id)}/${r.tab}`;
  }
}

export function go(r: Route): void {
  location.hash = hrefOf(r);
}

export function useRoute(): Route {
  // The hash is the store: a change between the first render and the subscription (a first render
  // that waits for a screen's code) is still seen, which useState + an effect would miss.
  const hash = useSyncExternalStore(subscribeHash, () => location.hash);
  return useMemo(() => parseRoute(hash), [hash]);
}

function subscribeHash(onChange: () => void): () => void {
  addEventListener('hashchange', onChange);
  return () => removeEventListener('hashchange', onChange);
}
