/**
 * `wxrecon simulate [--port N] [--state FILE] [--dir DIR]`: runs the built-in WeChat Pay simulator
 * on 127.0.0.1 until stopped (Ctrl+C), prints its base URL, and writes a demo merchant profile
 * (fresh keys) that `wxrecon query --merchant DIR/merchant.json` uses as it would WeChat Pay.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Lang } from '../../shared/i18n/messages.ts';
import { startSimulator, type SimOrder } from '../simulator/server.ts';
import { demoOrders, newDemoMerchant, writeDemoProfile } from '../simulator/demo-merchant.ts';
import { EXIT_IO, EXIT_OK, EXIT_USAGE, parseOptions, usageError, type CliIo } from './io.ts';

export const SIMULATE_HELP = {
  en: `Usage: wxrecon simulate [--port N] [--state FILE] [--dir DIR] [--lang zh-CN|en]

Runs the built-in WeChat Pay simulator on 127.0.0.1 until stopped (Ctrl+C). It checks request
signatures as WeChat Pay does and signs its replies. A demo merchant profile with fresh keys is
written to DIR (default ./wxrecon-simulator); use it with --merchant DIR/merchant.json.
(This release simulates order queries, in APIv2 and APIv3.)

Options:
  --port N       port to listen on (default: any free port)
  --state FILE   orders to serve: JSON {"orders":[{"outTradeNo","transactionId","tradeState","totalFen","successTime"}]}
  --dir DIR      where to write the demo merchant profile
`,
  'zh-CN': `用法：wxrecon simulate [--port 端口] [--state 文件] [--dir 目录] [--lang zh-CN|en]

在 127.0.0.1 上运行内置的微信支付模拟器，直到按 Ctrl+C 停止。它像微信支付一样校验请求签名，并对应答签名。
演示商户配置（每次新生成密钥）写入目录（默认 ./wxrecon-simulator），查询时用 --merchant 目录/merchant.json。
（本版本模拟 APIv2 与 APIv3 的订单查询。）

选项：
  --port 端口    监听端口（默认任选一个空闲端口）
  --state 文件   要提供的订单：JSON {"orders":[{"outTradeNo","transactionId","tradeState","totalFen","successTime"}]}
  --dir 目录     演示商户配置写入的位置
`,
};

const STATES = new Set(['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR', 'ACCEPT']);

/** Orders from a state file, each checked so that a typo is named, not served. */
export function ordersFromState(json: unknown): SimOrder[] {
  const list = (json as { orders?: unknown } | null)?.orders;
  if (!Array.isArray(list)) throw new Error('the state file needs {"orders": [...]}');
  return list.map((o: Record<string, unknown>, i) => {
    const where = `orders[${i}]`;
    if (typeof o.outTradeNo !== 'string' || o.outTradeNo === '') throw new Error(`${where}.outTradeNo: missing`);
    if (typeof o.tradeState !== 'string' || !STATES.has(o.tradeState)) throw new Error(`${where}.tradeState: one of ${[...STATES].join(', ')}`);
    if (typeof o.totalFen !== 'number' || !Number.isSafeInteger(o.totalFen) || o.totalFen < 0) throw new Error(`${where}.totalFen: a whole number of fen`);
    const transactionId = o.transactionId === undefined || o.transactionId === null ? null : String(o.transactionId);
    const successTime = typeof o.successTime === 'string' ? o.successTime : null;
    return { outTradeNo: o.outTradeNo, transactionId, tradeState: o.tradeState as SimOrder['tradeState'], totalFen: o.totalFen, successTime };
  });
}

export async function runSimulate(argv: string[], io: CliIo, lang: Lang, until: Promise<void> = signalled()): Promise<number> {
  const parsed = parseOptions(argv, { port: { type: 'string' }, state: { type: 'string' }, dir: { type: 'string' }, lang: { type: 'string' } }, io, lang);
  if (parsed === null) return EXIT_USAGE;
  const v = parsed.values as Record<string, string | undefined>;
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(io, lang, '--port takes 0 to 65535', '--port 须为 0 到 65535');
  let orders = demoOrders();
  if (v.state !== undefined) {
    try {
      orders = ordersFromState(JSON.parse(await readFile(v.state, 'utf8')));
    } catch (e) {
      return usageError(io, lang, `--state ${v.state}: ${(e as Error).message}`, `--state ${v.state}：${(e as Error).message}`);
    }
  }
  const demo = newDemoMerchant();
  let sim;
  try {
    sim = await startSimulator({ orders, merchant: demo.merchant, wechatpay: demo.wechatpay, port });
  } catch (e) {
    io.stderr(`wxrecon: ${(e as Error).message}\n`);
    return EXIT_IO;
  }
  const profile = await writeDemoProfile(resolve(v.dir ?? 'wxrecon-simulator'), demo, sim.baseUrl);
  io.stdout(
    lang === 'zh-CN'
      ? `微信支付模拟器：${sim.baseUrl}\n演示商户配置：${profile}\n订单 ${orders.length} 笔。试试：npx wxrecon query --merchant ${profile} --out-trade-no ${orders[0]?.outTradeNo ?? 'DEMO-1001'}\n按 Ctrl+C 停止。\n`
      : `WeChat Pay simulator: ${sim.baseUrl}\ndemo merchant profile: ${profile}\n${orders.length} orders. Try: npx wxrecon query --merchant ${profile} --out-trade-no ${orders[0]?.outTradeNo ?? 'DEMO-1001'}\nCtrl+C stops it.\n`,
  );
  await until;
  await sim.close();
  return EXIT_OK;
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
