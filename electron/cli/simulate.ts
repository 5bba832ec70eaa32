/**
 * `wxrecon simulate [--port N] [--state FILE] [--dir DIR]`: runs the built-in WeChat Pay simulator
 * on 127.0.0.1 until stopped (Ctrl+C), prints its base URL, and writes a demo merchant profile
 * (fresh keys) that `wxrecon query --merchant DIR/merchant.json` uses as it would WeChat Pay.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Lang } from '../../shared/i18n/messages.ts';
import { startSimulator, type SimFaults, type SimOrder } from '../simulator/server.ts';
import { demoOrders, newDemoMerchant, writeDemoProfile } from '../simulator/demo-merchant.ts';
import { EXIT_IO, EXIT_OK, EXIT_USAGE, parseOptions, usageError, type CliIo } from './io.ts';

export const SIMULATE_HELP = {
  en: `Usage: wxrecon simulate [--port N] [--state FILE] [--dir DIR] [--partner] [--certificates] [--api v2|v3]
                        [--latency-ms N] [--error-rate R] [--gateway-error-rate R] [--truncate-rate R] [--qps N]
                        [--lang zh-CN|en]

Runs the built-in WeChat Pay simulator on 127.0.0.1 until stopped (Ctrl+C). It answers order queries,
closes, refund queries, trade bill downloads (v2 downloadbill; v3 tradebill and its download) and v3
platform certificates, in APIv2 and APIv3; it checks request signatures as WeChat Pay does and signs its
replies. A demo merchant profile with fresh keys is written to DIR (default ./wxrecon-simulator); use it
with --merchant DIR/merchant.json. The demo orders' bills are those of 2026-11-26 and 2026-11-27.

Options:
  --port N                 port to listen on (default: any free port)
  --state FILE             orders to serve: JSON {"orders":[{"outTradeNo","transactionId","tradeState","totalFen",
                           "successTime","refunds":[{"outRefundNo","refundId","refundFen","status","successTime"}]}]}
  --dir DIR                where to write the demo merchant profile
  --partner                a service provider (1900000100) acting for sub-merchant 1900000109 (partner paths)
  --certificates           sign with a platform certificate instead of the WeChat Pay public key (the
                           profile then has no public key; the client downloads the certificates)
  --api v2|v3              the protocol the written profile asks with (default v3)
  --latency-ms N           wait N ms before each reply
  --error-rate R           answer this share of calls with SYSTEM_ERROR (0 to 1)
  --gateway-error-rate R   answer this share with a bare 502 page
  --truncate-rate R        cut this share of replies off midway
  --qps N                  answer FREQUENCY_LIMITED above N requests a second
`,
  'zh-CN': `用法：wxrecon simulate [--port 端口] [--state 文件] [--dir 目录] [--partner] [--certificates] [--api v2|v3]
                        [--latency-ms 毫秒] [--error-rate 比例] [--gateway-error-rate 比例] [--truncate-rate 比例] [--qps 次数]
                        [--lang zh-CN|en]

在 127.0.0.1 上运行内置的微信支付模拟器，直到按 Ctrl+C 停止。它提供订单查询、关单、退款查询、交易账单下载
（v2 downloadbill；v3 申请账单与下载）和 v3 平台证书，支持 APIv2 与 APIv3；像微信支付一样校验请求签名，并对应答签名。
演示商户配置（每次新生成密钥）写入目录（默认 ./wxrecon-simulator），使用时给 --merchant 目录/merchant.json。
演示订单的账单日期为 2026-11-26 和 2026-11-27。

选项：
  --port 端口              监听端口（默认任选一个空闲端口）
  --state 文件             要提供的订单（JSON，格式见英文帮助）
  --dir 目录               演示商户配置写入的位置
  --partner                服务商（1900000100）代特约商户 1900000109 调用（服务商接口）
  --certificates           用平台证书而非微信支付公钥签名（配置中不含公钥，客户端用 APIv3 密钥下载平台证书）
  --api v2|v3              写出的配置使用的接口版本（默认 v3）
  --latency-ms 毫秒        每次应答前等待
  --error-rate 比例        以该比例返回 SYSTEM_ERROR（0 到 1）
  --gateway-error-rate 比例 以该比例返回网关 502 页面
  --truncate-rate 比例     以该比例在中途截断应答
  --qps 次数               每秒超过该次数时返回 FREQUENCY_LIMITED
`,
};

const REFUND_STATES = new Set(['SUCCESS', 'PROCESSING', 'CLOSED', 'ABNORMAL']);
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
    const refundList = o.refunds ?? [];
    if (!Array.isArray(refundList)) throw new Error(`${where}.refunds: a list`);
    const refunds = refundList.map((r: Record<string, unknown>, k) => {
      const at = `${where}.refunds[${k}]`;
      if (typeof r.outRefundNo !== 'string' || r.outRefundNo === '') throw new Error(`${at}.outRefundNo: missing`);
      if (typeof r.refundFen !== 'number' || !Number.isSafeInteger(r.refundFen) || r.refundFen <= 0) throw new Error(`${at}.refundFen: a whole number of fen above 0`);
      if (typeof r.status !== 'string' || !REFUND_STATES.has(r.status)) throw new Error(`${at}.status: one of ${[...REFUND_STATES].join(', ')}`);
      return { outRefundNo: r.outRefundNo, refundId: r.refundId === undefined || r.refundId === null ? null : String(r.refundId), refundFen: r.refundFen, status: r.status, successTime: typeof r.successTime === 'string' ? r.successTime : null, ...(typeof r.createTime === 'string' ? { createTime: r.createTime } : {}) };
    });
    return { outTradeNo: o.outTradeNo, transactionId, tradeState: o.tradeState as SimOrder['tradeState'], totalFen: o.totalFen, successTime, ...(refunds.length > 0 ? { refunds } : {}) };
  });
}

export async function runSimulate(argv: string[], io: CliIo, lang: Lang, until: Promise<void> = signalled()): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      port: { type: 'string' }, state: { type: 'string' }, dir: { type: 'string' }, lang: { type: 'string' }, partner: { type: 'boolean' }, certificates: { type: 'boolean' }, api: { type: 'string' },
      'latency-ms': { type: 'string' }, 'error-rate': { type: 'string' }, 'gateway-error-rate': { type: 'string' }, 'truncate-rate': { type: 'string' }, qps: { type: 'string' },
    },
    io,
    lang,
  );
  if (parsed === null) return EXIT_USAGE;
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(io, lang, '--port takes 0 to 65535', '--port 须为 0 到 65535');
  if (v.api !== undefined && v.api !== 'v2' && v.api !== 'v3') return usageError(io, lang, '--api is v2 or v3', '--api 只能是 v2 或 v3');
  const faults: SimFaults = {};
  const number = (flag: string, max: number): number | undefined | null => {
    const text = v[flag];
    if (text === undefined) return undefined;
    const n = Number(text);
    return typeof text === 'string' && text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= max ? n : null;
  };
  for (const [flag, key, max] of [['latency-ms', 'latencyMs', 600_000], ['error-rate', 'errorRate', 1], ['gateway-error-rate', 'gatewayErrorRate', 1], ['truncate-rate', 'truncateRate', 1], ['qps', 'qps', 1_000_000]] as const) {
    const n = number(flag, max);
    if (n === null) return usageError(io, lang, `--${flag} takes a number from 0 to ${max}`, `--${flag} 须为 0 到 ${max} 的数`);
    if (n !== undefined) faults[key] = n;
  }
  let orders = demoOrders();
  if (typeof v.state === 'string') {
    try {
      orders = ordersFromState(JSON.parse(await readFile(v.state, 'utf8')));
    } catch (e) {
      return usageError(io, lang, `--state ${v.state}: ${(e as Error).message}`, `--state ${v.state}：${(e as Error).message}`);
    }
  }
  const demo = newDemoMerchant({ partner: v.partner === true, certificates: v.certificates === true });
  let sim;
  try {
    sim = await startSimulator({
      orders, merchant: demo.merchant, port, faults,
      ...(demo.wechatpay ? { wechatpay: demo.wechatpay } : {}), ...(demo.platformCertificates ? { platformCertificates: demo.platformCertificates } : {}),
    });
  } catch (e) {
    io.stderr(`wxrecon: ${(e as Error).message}\n`);
    return EXIT_IO;
  }
  const profile = await writeDemoProfile(resolve(typeof v.dir === 'string' ? v.dir : 'wxrecon-simulator'), demo, sim.baseUrl, v.api === 'v2' ? 'v2' : 'v3');
  const first = orders[0]?.outTradeNo ?? 'DEMO-1001';
  io.stdout(
    lang === 'zh-CN'
      ? `微信支付模拟器：${sim.baseUrl}\n演示商户配置：${profile}\n订单 ${orders.length} 笔。试试：\n  npx wxrecon query --merchant ${profile} --out-trade-no ${first}\n  npx wxrecon download-bill --merchant ${profile} --date 2026-11-26 --out 账单.csv\n按 Ctrl+C 停止。\n`
      : `WeChat Pay simulator: ${sim.baseUrl}\ndemo merchant profile: ${profile}\n${orders.length} orders. Try:\n  npx wxrecon query --merchant ${profile} --out-trade-no ${first}\n  npx wxrecon download-bill --merchant ${profile} --date 2026-11-26 --out bill.csv\nCtrl+C stops it.\n`,
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
