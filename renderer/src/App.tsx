/**
 * The app's frame: Ant Design in Chinese (or English), light or dark, a side menu, and the screen
 * the URL names. Shortcuts: Ctrl/⌘+N new reconciliation (also from the application menu), Ctrl/⌘+,
 * merchants, Ctrl/⌘+Shift+L language, Ctrl/⌘+Shift+D dark mode.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { ConfigProvider, Layout, Menu, Space, Spin, Switch, Button, Typography, theme } from 'antd';
import zhCNModule from 'antd/es/locale/zh_CN.js';
import enUSModule from 'antd/es/locale/en_US.js';
import type { Locale } from 'antd/es/locale/index.js';
import { MESSAGES } from './i18n.ts';
import { Ui } from './context.ts';
import { loadPrefs, savePrefs, type Prefs } from './prefs.ts';
import { go, useRoute } from './router.ts';
import { on, setApiLang } from './api.ts';

// Each screen is its own chunk, evaluated when first shown: starting on one screen does not pay
// for evaluating the others (one ~250 ms task at start on the test VM, when they were all in one).
const HomePage = lazy(() => import('./pages/HomePage.tsx').then((m) => ({ default: m.HomePage })));
const ImportPage = lazy(() => import('./pages/ImportPage.tsx').then((m) => ({ default: m.ImportPage })));
const WorkspacePage = lazy(() => import('./pages/WorkspacePage.tsx').then((m) => ({ default: m.WorkspacePage })));
const MerchantsPage = lazy(() => import('./pages/MerchantsPage.tsx').then((m) => ({ default: m.MerchantsPage })));

// antd ships its locales as ES modules in a package TypeScript reads as CommonJS: take the
// default export whichever way the bundler hands it over.
const asLocale = (m: unknown): Locale => ((m as { default?: Locale }).default ?? m) as Locale;
const zhCN = asLocale(zhCNModule);
const enUS = asLocale(enUSModule);

export function App() {
  const [prefs, setPrefs] = useState<Prefs>(loadPrefs);
  const route = useRoute();
  const t = MESSAGES[prefs.lang];
  const update = (p: Partial<Prefs>) =>
    setPrefs((old) => {
      const next = { ...old, ...p };
      savePrefs(next);
      return next;
    });
  setApiLang(prefs.lang);

  useEffect(() => {
    document.documentElement.lang = prefs.lang;
    document.title = t.appName;
  }, [prefs.lang, t.appName]);

  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      if (e.key.toLowerCase() === 'n' && !e.shiftKey) {
        e.preventDefault();
        go({ page: 'new' });
      } else if (e.key === ',') {
        e.preventDefault();
        go({ page: 'merchants' });
      } else if (e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault();
        update({ lang: prefs.lang === 'zh-CN' ? 'en' : 'zh-CN' });
      } else if (e.shiftKey && e.key.toLowerCase() === 'd') {
        e.preventDefault();
        update({ dark: !prefs.dark });
      }
    };
    addEventListener('keydown', key);
    const offMenu = on('menu:invoked', (p) => {
      if (p.command === 'new-reconciliation') go({ page: 'new' });
      if (p.command === 'open-workspace') go({ page: 'home' });
    });
    return () => {
      removeEventListener('keydown', key);
      offMenu();
    };
  }, [prefs.lang, prefs.dark]);

  const ui = useMemo(() => ({ lang: prefs.lang, t, by: prefs.by, setBy: (by: string) => update({ by }) }), [prefs.lang, prefs.by, t]);
  const selected = route.page === 'workspace' ? 'home' : route.page;

  return (
    <ConfigProvider locale={prefs.lang === 'zh-CN' ? zhCN : enUS} theme={{ zeroRuntime: true, algorithm: prefs.dark ? theme.darkAlgorithm : theme.defaultAlgorithm, token: { colorPrimary: '#07c160', borderRadius: 6 } }}>
      <Ui.Provider value={ui}>
        <Layout style={{ minHeight: '100vh' }}>
          <Layout.Sider width={176} theme={prefs.dark ? 'dark' : 'light'} style={{ borderRight: prefs.dark ? undefined : '1px solid #f0f0f0' }}>
            <div style={{ padding: '16px 16px 8px', fontWeight: 600, fontSize: 15, color: prefs.dark ? 'rgba(255, 255, 255, 0.88)' : 'rgba(0, 0, 0, 0.88)' }}>{t.appName}</div>
            <Menu
              mode="inline"
              theme={prefs.dark ? 'dark' : 'light'}
              selectedKeys={[selected]}
              items={[
                { key: 'home', label: t.home, onClick: () => go({ page: 'home' }) },
                { key: 'new', label: t.newRecon, onClick: () => go({ page: 'new' }) },
                { key: 'merchants', label: t.merchants, onClick: () => go({ page: 'merchants' }) },
              ]}
            />
          </Layout.Sider>
          <Layout style={{ minWidth: 0 }}>
            <Layout.Header style={{ background: 'transparent', height: 48, lineHeight: '48px', padding: '0 24px', display: 'flex', justifyContent: 'flex-end' }}>
              <Space>
                <Typography.Text type="secondary">{t.darkMode}</Typography.Text>
                <Switch size="small" checked={prefs.dark} onChange={(dark) => update({ dark })} aria-label={t.darkMode} />
                <Button size="small" onClick={() => update({ lang: prefs.lang === 'zh-CN' ? 'en' : 'zh-CN' })}>{t.language}</Button>
              </Space>
            </Layout.Header>
            <Layout.Content style={{ padding: '0 24px 24px', minWidth: 0 }}>
              <Suspense fallback={<Spin style={{ display: 'block', marginTop: 48 }} />}>
                {route.page === 'home' && <HomePage />}
                {route.page === 'new' && <ImportPage />}
                {route.page === 'merchants' && <MerchantsPage lang={prefs.lang} />}
                {route.page === 'workspace' && <WorkspacePage id={route.id} tab={route.tab} />}
              </Suspense>
            </Layout.Content>
          </Layout>
        </Layout>
      </Ui.Provider>
    </ConfigProvider>
  );
}
