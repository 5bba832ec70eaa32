/**
 * The main process's side of every channel of the contract, over the vault, the merchant
 * repository and the workspaces. Electron itself is not imported here: index.ts passes in its
 * safeStorage and electron-store, tests pass fakes, and the loopback bridge serves these same
 * handlers to a browser.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Lang } from '../../shared/i18n/messages.ts';
import { renderMessage, renderWarning } from '../../shared/i18n/messages.ts';
import type { ImportWarning } from '../../shared/import/warnings.ts';
import { parseLedgerMapping, type LedgerMapping } from '../../shared/ledger/mapping.ts';
import { MerchantInputSchema, type FileSummary, type TextEncoding } from '../../shared/ipc/contract.ts';
import { importInWorker } from '../import/parallel.ts';
import { startSimulator, type SimFaults, type Simulator } from '../simulator/server.ts';
import { newDemoMerchant } from '../simulator/demo-merchant.ts';
import { DEMO_DATE, demoBillCsv, demoLedgerCsv, demoOrders } from '../simulator/demo-data.ts';
import { closePools, downloadBill } from '../wechatpay/client.ts';
import { BILL_NOT_READY, NO_BILL } from '../wechatpay/bill-download.ts';
import { saveVerifiedBill } from '../wechatpay/save-bill.ts';
import { WechatPayError } from '../wechatpay/order-query.ts';
import { createPublicKey } from 'node:crypto';
import type { Handlers } from './ipc/register.ts';
import { AppFailure } from '../../shared/ipc/result.ts';
import { MerchantRepository } from './merchants.ts';
import { KeyVault, type SafeStorageLike, type StoreLike } from './vault.ts';
import { WorkspaceService, type WorkspaceServiceOptions } from './workspace/service.ts';

export interface MainDeps {
  userDataDir: string;
  store: StoreLike;
  safeStorage: SafeStorageLike;
  platform: string;
  version: string;
  isPackaged: boolean;
  lang: () => Lang;
  now?: () => Date;
  runJob?: WorkspaceServiceOptions['runJob'];
  /** Faults for the demo simulator (tests: a slow one, to pause or cancel a query run). */
  demoFaults?: SimFaults;
  /** The system's file dialogs (Electron's `dialog`); absent, picking returns nothing. */
  pickFiles?: (purpose: 'bill' | 'ledger' | 'key' | 'report', multiple: boolean, defaultName?: string) => Promise<string[]>;
}

export interface MainServices {
  handlers: Handlers;
  vault: KeyVault;
  merchants: MerchantRepository;
  workspaces: WorkspaceService;
  /** Stops the demo simulator and closes connections (app quit, tests). */
  shutdown(): Promise<void>;
}

/** The demo merchant keeps one id, so its workspaces stay attached to it across restarts. */
const DEMO_ID = 'demo';

export function createMainServices(deps: MainDeps): MainServices {
  const now = deps.now ?? (() => new Date());
  const vault = new KeyVault(deps.safeStorage, deps.store, deps.platform);
  const merchants = new MerchantRepository(deps.store, vault, now);
  const workspaces = new WorkspaceService({ root: join(deps.userDataDir, 'workspaces'), now, profileOf: (id) => merchants.profile(id), ...(deps.runJob ? { runJob: deps.runJob } : {}) });
  let simulator: Promise<Simulator> | null = null;

  const mappingOf = (raw: Record<string, unknown> | undefined): LedgerMapping | undefined => {
    if (raw === undefined) return undefined;
    try {
      return parseLedgerMapping(raw);
    } catch (e) {
      throw new AppFailure('invalid-request', `列映射有误：${(e as Error).message}`, { field: 'mapping' });
    }
  };
  // Own keys only: a path is never looked up on the object's prototype.
  const choiceFor = (choices: Record<string, TextEncoding>, path: string): TextEncoding | undefined => (Object.hasOwn(choices, path) ? choices[path] : undefined);
  const presets = (): { name: string; mapping: Record<string, unknown> }[] => {
    const v = deps.store.get('mappings');
    return Array.isArray(v) ? (v as { name: string; mapping: Record<string, unknown> }[]) : [];
  };

  const inspect = async (path: string, lang: Lang, mapping: LedgerMapping | undefined, encoding: TextEncoding | undefined): Promise<FileSummary> => {
    // A few records after the header come back too, so the preview shows whether the text reads right.
    const r = await importInWorker({ path, options: { keepRows: false, sampleRows: 5, ...(mapping ? { mapping } : {}), ...(encoding ? { encoding } : {}) } });
    return {
      path, name: basename(path), sizeBytes: r.sizeBytes, kind: r.kind, billType: r.billType ?? null, layout: r.layout ?? null, format: r.format, encoding: r.encoding,
      rows: r.rows, dateRange: r.dateRange, integrity: r.integrity,
      // A roll-up of rows not listed one by one counts under the code it rolls up.
      warnings: [...(r.kind === 'personal-bill' ? [{ code: 'personal-bill' } as ImportWarning] : []), ...r.warnings].map((w) => ({
        code: w.code === 'more-rows' && w.params?.of !== undefined ? String(w.params.of) : w.code, message: renderWarning(w, lang), count: w.count ?? 1, rows: w.row !== undefined ? [w.row] : [],
      })),
      error: r.kind === 'unknown' || r.error?.code === 'read-failed' ? { code: r.error?.code ?? 'no-header', message: renderMessage(r.error?.code ?? 'no-header', r.error?.params ?? {}, lang) } : null,
      firstRows: r.firstRows ?? null,
    };
  };

  const startDemo = async () => {
    const demo = newDemoMerchant();
    // A fresh simulator per app session: its keys are made anew, so the demo profile is too.
    simulator ??= startSimulator({ orders: demoOrders(), merchant: demo.merchant, wechatpay: demo.wechatpay!, ...(deps.demoFaults ? { faults: deps.demoFaults } : {}) });
    let sim: Simulator;
    try {
      sim = await simulator;
    } catch (e) {
      simulator = null;
      throw e;
    }
    return { sim, demo };
  };
  let demoState: Awaited<ReturnType<typeof startDemo>> | null = null;

  const handlers: Handlers = {
    'app:info': async () => ({ version: deps.version, platform: deps.platform, lang: deps.lang(), isPackaged: deps.isPackaged, vault: vault.status() }),
    'vault:status': async () => vault.status(),
    'vault:set-session-only': async (r) => vault.setSessionOnly(r.sessionOnly),

    'merchants:list': async () => merchants.list(),
    'merchants:save': async (r) => merchants.save(r),
    'merchants:delete': async (r) => ({ deleted: merchants.delete(r.id) }),
    'merchants:import-key-file': async (r) => merchants.importKeyFile(r.id, r.kind, r.path),
    'merchants:test-connection': async (r) => merchants.testConnection(r.id),

    'demo:start': async () => {
      demoState ??= await startDemo();
      const { sim, demo } = demoState;
      const m = demo.merchant;
      merchants.save(MerchantInputSchema.parse({
        id: merchants.list().some((x) => x.id === DEMO_ID) ? DEMO_ID : undefined, name: '演示商户（模拟器）', mchid: m.mchid, appid: m.appid, api: 'v3', baseUrl: sim.baseUrl,
        certSerialNo: m.certSerialNo, wechatpayPublicKeyId: demo.wechatpay!.id, apiV2Key: m.apiV2Key, apiV3Key: m.apiV3Key, requestsPerSecond: 50,
      }), { id: DEMO_ID, isDemo: true });
      const stored = merchants.stored(DEMO_ID);
      merchants.importKeyText(stored, 'private-key', demo.merchantPrivateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      const summary = merchants.importKeyText(merchants.stored(DEMO_ID), 'wechatpay-public-key', createPublicKey(demo.wechatpay!.privateKey).export({ type: 'spki', format: 'pem' }) as string);
      const dir = join(deps.userDataDir, 'demo');
      await mkdir(dir, { recursive: true });
      const bill = join(dir, `微信账单-${DEMO_DATE}.csv`);
      const ledger = join(dir, `商城订单-${DEMO_DATE}.csv`);
      // The bill comes through the API as on a real morning (SHA-1 checked); the ledger is the shop's export.
      try {
        const got = await downloadBill(await merchants.profile(DEMO_ID), { date: DEMO_DATE, billType: 'ALL' });
        await writeFile(bill, got.bytes);
      } catch {
        await writeFile(bill, demoBillCsv());
      }
      await writeFile(ledger, demoLedgerCsv());
      return { merchant: summary, bills: [bill], ledgers: [ledger] };
    },

    'files:pick': async (r) => ({ paths: deps.pickFiles === undefined ? [] : await deps.pickFiles(r.purpose, r.multiple, r.defaultName) }),
    'files:download-bill': async (r) => {
      const profile = await merchants.profile(r.merchantId);
      let got;
      try {
        got = await downloadBill(profile, { date: r.date, billType: r.billType });
      } catch (e) {
        if (e instanceof WechatPayError && e.code === NO_BILL) return { path: null, rows: 0, hashChecked: false };
        if (e instanceof WechatPayError && e.code === BILL_NOT_READY) throw new AppFailure('wechatpay-error', `${r.date} 的账单尚未生成，请在次日 10 点后再下载`, { wechatCode: e.code });
        throw e;
      }
      const dir = join(deps.userDataDir, 'bills', merchants.stored(r.merchantId).mchid);
      await mkdir(dir, { recursive: true });
      const path = join(dir, `微信账单-${r.billType}-${r.date}.csv`);
      const saved = await saveVerifiedBill(got.bytes, path, r.billType, deps.lang(), (p) => importInWorker({ path: p, options: { keepRows: false } }));
      if (!saved.ok) throw new AppFailure('import-failed', saved.problem);
      return { path, rows: saved.read.rows, hashChecked: got.hash !== null };
    },
    'files:inspect': async (r) => {
      const mapping = mappingOf(r.mapping);
      return Promise.all(r.paths.map((p) => inspect(p, r.lang, mapping, choiceFor(r.encodings, p))));
    },
    'mappings:list': async () => presets(),
    'mappings:save': async (r) => {
      mappingOf(r.mapping);
      const next = [...presets().filter((p) => p.name !== r.name), { name: r.name, mapping: r.mapping }].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
      deps.store.set('mappings', next);
      return next;
    },
    'mappings:delete': async (r) => {
      const next = presets().filter((p) => p.name !== r.name);
      deps.store.set('mappings', next);
      return next;
    },

    'workspaces:list': async () => workspaces.list(),
    'workspaces:create': async (r) => {
      const inputs = new Set([...r.bills, ...r.ledgers]);
      const stray = Object.keys(r.encodings).find((p) => !inputs.has(p));
      if (stray !== undefined) throw new AppFailure('invalid-request', `编码选择所指的文件不在本次核对中：${basename(stray)}`, { field: 'encodings' });
      // Every own key is now one of the inputs: the choices go on as they are.
      return workspaces.create({ ...r, mapping: mappingOf(r.mapping) });
    },
    'workspaces:open': async (r) => workspaces.detail(r.id),
    'workspaces:reconcile': async (r, ctx) => workspaces.reconcile(r.id, r.lang, ctx.emit),
    'workspaces:cancel-reconcile': async (r) => ({ cancelled: workspaces.cancelReconcile(r.id) }),
    'workspaces:item': async (r) => {
      const item = workspaces.item(r.id, r.key);
      if (item === null) throw new AppFailure('not-found', '没有这一条差异');
      return { item, history: workspaces.history(r.id, r.key) };
    },
    'workspaces:items': async (r) => workspaces.items(r),
    'workspaces:resolve': async (r) => workspaces.resolve(r.id, r.keys, { status: r.status, decision: r.decision, note: r.note, by: r.by }),
    'workspaces:export': async (r) => workspaces.exportReport(r.id, r.path, r.lang, r.view),
    'workspaces:in-transit': async () => workspaces.inTransit(),
    'workspaces:delete': async (r) => ({ deleted: workspaces.remove(r.id) }),

    'orders:close': async (r) => workspaces.closeOrder(r.workspaceId, r.outTradeNo, r.createdAtIso, r.by),
    'queries:start': async (r, ctx) => workspaces.startQueries(r.workspaceId, r.lang, ctx.emit),
    'queries:pause': async (r) => workspaces.pauseQueries(r.workspaceId, true),
    'queries:resume': async (r) => workspaces.pauseQueries(r.workspaceId, false),
    'queries:cancel': async (r) => workspaces.cancelQueries(r.workspaceId),
  };

  return {
    handlers, vault, merchants, workspaces,
    shutdown: async () => {
      await closePools();
      if (simulator !== null) await (await simulator).close();
    },
  };
}
