/** The UI's language and words, and the user's name for decisions, for every screen. */
import { createContext, useContext } from 'react';
import { MESSAGES, type Messages, type UiLang } from './i18n.ts';

export interface UiContext {
  lang: UiLang;
  t: Messages;
  /** Who records decisions (remembered). */
  by: string;
  setBy: (by: string) => void;
}

export const Ui = createContext<UiContext>({ lang: 'zh-CN', t: MESSAGES['zh-CN'], by: '', setBy: () => undefined });

export const useUi = (): UiContext => useContext(Ui);
