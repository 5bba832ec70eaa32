/**
 * `wxrecon query --merchant FILE (--out-trade-no NO | --transaction-id ID) [--api v2|v3] [--json]`:
 * one signed live order query (contract: "`query --json`"). Exit 0 with a result (also
 * ORDER_NOT_EXIST), 2 for a bad profile or usage, 3 when WeChat Pay (or the network) fails or a
 * reply does not verify — then no trade state is printed.
 */
import type { Lang } from '../../shared/i18n/messages.ts';
import { fenToYuanText } from '../../shared/money/format.ts';
import { closePools, queryOrder, queryRefunds } from '../wechatpay/client.ts';
import { WechatPayError, type OrderRef } from '../wechatpay/order-query.ts';
import { EXIT_IO, EXIT_OK, EXIT_USAGE, loadProfile, parseOptions, requestLog, usageError, type CliIo } from './io.ts';

export const QUERY_HELP = {
  en: `Usage: wxrecon query --merchant FILE (--out-trade-no NO | --transaction-id ID) [--api v2|v3] [--json] [--lang zh-CN|en]

Asks WeChat Pay for one order's live trade state (订单查询), signed with the merchant's keys, and
believes the reply only when its signature verifies. For an order in REFUND its refunds are listed too
(退款查询, through APIv2 when the profile has the APIv2 key).

Options:
  --merchant FILE       the merchant profile (JSON, see the README)
  --out-trade-no NO     the merchant's order number
  --transaction-id ID   WeChat's transaction id (28 digits; only paid orders can be found by it)
  --api v2|v3           the protocol (default: the profile's "api")
  --json                print the result as JSON (the contract's query document)
  --verbose             log each request on stderr (no keys, signatures or Authorization headers)

Exit status: 0 answered (also when WeChat has no such order: ORDER_NOT_EXIST); 2 bad profile or usage;
3 WeChat Pay or the network failed, or the reply did not verify.
`,
  'zh-CN': `用法：wxrecon query --merchant 商户配置 (--out-trade-no 商户订单号 | --transaction-id 微信订单号) [--api v2|v3] [--json] [--lang zh-CN|en]

用商户密钥签名，向微信支付查询一笔订单的实时交易状态（订单查询）；只有应答签名验证通过才采信。

选项：
  --merchant 文件         商户配置文件（JSON，见 README）
  --out-trade-no 单号     商户订单号
  --transaction-id 单号   微信订单号（28 位；只有已支付订单能按它查到）
  --api v2|v3             接口版本（默认取配置中的 "api"）
  --json                  以 JSON 输出（契约规定的查询结果）
  --verbose               在标准错误输出记录每次请求（不含密钥、签名和 Authorization 头）

退出码：0 已得到应答（包括订单不存在 ORDER_NOT_EXIST）；2 配置或用法错误；3 微信支付或网络出错，或应答验签失败。
`,
};

export async function runQuery(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  const parsed = parseOptions(
    argv,
    { merchant: { type: 'string' }, 'out-trade-no': { type: 'string' }, 'transaction-id': { type: 'string' }, api: { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean' }, lang: { type: 'string' } },
    io,
    lang,
  );
  if (parsed === null) return EXIT_USAGE;
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length > 0) return usageError(io, lang, `unexpected argument "${parsed.positionals[0]}"`, `多余的参数“${parsed.positionals[0]}”`);
  if (typeof v.merchant !== 'string') return usageError(io, lang, 'query needs --merchant FILE', 'query 需要 --merchant 商户配置文件');
  const outTradeNo = typeof v['out-trade-no'] === 'string' ? v['out-trade-no'].trim() : undefined;
  const transactionId = typeof v['transaction-id'] === 'string' ? v['transaction-id'].trim() : undefined;
  if ((outTradeNo === undefined) === (transactionId === undefined) || outTradeNo === '' || transactionId === '') {
    return usageError(io, lang, 'give exactly one of --out-trade-no and --transaction-id', '请给出 --out-trade-no 或 --transaction-id 之一（且只给一个）');
  }
  const api = v.api;
  if (api !== undefined && api !== 'v2' && api !== 'v3') return usageError(io, lang, '--api is v2 or v3', '--api 只能是 v2 或 v3');
  const profile = await loadProfile(v.merchant, io, lang);
  if (typeof profile === 'number') return profile;
  const ref: OrderRef = outTradeNo !== undefined ? { outTradeNo } : { transactionId: transactionId! };
  try {
    const options = { ...(api === undefined ? {} : { api: api as 'v2' | 'v3' }), ...requestLog(v.verbose, io) };
    // An order WeChat calls REFUND brings its refunds (退款查询) along, when they can be listed.
    let r = await queryOrder(profile, ref, options);
    if (r.tradeState === 'REFUND') {
      const refunds = await queryRefunds(profile, r.outTradeNo, [], { ...options, api: undefined });
      if (refunds !== null) r = { ...r, refunds };
    }
    if (v.json === true) io.stdout(JSON.stringify(r, null, 2) + '\n');
    else {
      const zh = lang === 'zh-CN';
      const refunded = r.refunds === undefined ? '' : zh ? `，已退款 ${fenToYuanText(r.refunds.refundFen)} 元（${r.refunds.refunds.length} 笔退款）` : `, refunded ${fenToYuanText(r.refunds.refundFen)} (${r.refunds.refunds.length} refund${r.refunds.refunds.length === 1 ? '' : 's'})`;
      const amount = (r.totalFen === null ? '' : zh ? `，订单金额 ${fenToYuanText(r.totalFen)} 元` : `, order amount ${fenToYuanText(r.totalFen)}`) + refunded;
      io.stdout(
        zh
          ? `${r.outTradeNo || r.transactionId}：${r.tradeState}${r.tradeStateDesc ? `（${r.tradeStateDesc}）` : ''}${amount}${r.successTime ? `，支付时间 ${r.successTime}` : ''}；${r.api} 查询于 ${r.queriedAt}\n`
          : `${r.outTradeNo || r.transactionId}: ${r.tradeState}${r.tradeStateDesc ? ` (${r.tradeStateDesc})` : ''}${amount}${r.successTime ? `, paid ${r.successTime}` : ''}; ${r.api} query at ${r.queriedAt}\n`,
      );
    }
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof WechatPayError)) throw e;
    const id = e.requestId ? ` (Request-ID ${e.requestId})` : '';
    io.stderr(lang === 'zh-CN' ? `wxrecon：查询失败：${e.message}${id}\n` : `wxrecon: query failed: ${e.message}${id}\n`);
    return EXIT_IO;
  } finally {
    await closePools();
  }
}
