/**
 * What the window remembers between runs (language, dark mode, column widths): small, not
 * secret, so the page's own storage. A value that cannot be read falls back to the default.
 */
import type { UiLang } from './i18n.ts';

export interface Prefs {
  lang: UiLang;
  dark: boolean;
  by: string;
}

const KEY = 'wxrecon.prefs';

export function loadPrefs(): Prefs {
  // Simplified Chinese unless the user chose English: the desk is for Chinese finance staff, whose
  // machines are not always set to a Chinese locale.
  const fallback: Prefs = { lang: 'zh-CN', dark: matchMedia?.('(prefers-color-scheme: dark)').matches ?? false, by: '' };
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Prefs> | null;
    return {
      lang: v?.lang === 'en' || v?.lang === 'zh-CN' ? v.lang : fallback.lang,
      dark: typeof v?.dark === 'boolean' ? v.dark : fallback.dark,
      by: typeof v?.by === 'string' ? v.by.slice(0, 100) : '',
    };
  } catch {
    return fallback;
  }
}

export function savePrefs(p: Prefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    // Storage full or refused: the preference lasts this session.
  }
}
