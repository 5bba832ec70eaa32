/**
 * `wxrecon close --merchant FILE --out-trade-no NO [--yes] [--created-at TIME] [--api v2|v3]`:
 * closes a stale unpaid order at WeChat Pay (关单). The order's live state is asked first: a paid
 * order is refused here, a closed one needs nothing; WeChat's own five-minute rule is checked when
 * the creation time is given. Nothing is sent without a confirmation (`--yes`, or typing yes), and
 * every outcome is appended to a record file (`--record`, default wxrecon-closes-<mchid>.jsonl).
 */
import { appendFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Lang } from '../../shared/i18n/messages.ts';
import { parseBeijingTime } from '../../shared/import/time.ts';
import { closeOrder, closePools, queryOrder } from '../wechatpay/client.ts';
import { WechatPayError } from '../wechatpay/order-query.ts';
import { EXIT_IO, EXIT_OK, EXIT_USAGE, loadProfile, parseOptions, requestLog, usageError, type CliIo } from './io.ts';

export const CLOSE_HELP = {
  en: `Usage: wxrecon close --merchant FILE --out-trade-no NO [--yes] [--created-at TIME] [--api v2|v3] [--record FILE] [--verbose] [--lang zh-CN|en]

Closes an unpaid order at WeChat Pay (关单), so it can no longer be paid. Its live state is asked first:
a paid order is refused, a closed one needs nothing. WeChat allows closing only five minutes after the
order was created: give --created-at to have that checked here. Asks for confirmation unless --yes.
Every outcome is appended to the record file (default wxrecon-closes-<mchid>.jsonl).

Exit status: 0 closed (or nothing to close); 2 refused (paid, too young, not confirmed) or bad usage;
3 WeChat Pay or the network failed, or a reply did not verify.
`,
  'zh-CN': `用法：wxrecon close --merchant 商户配置 --out-trade-no 商户订单号 [--yes] [--created-at 时间] [--api v2|v3] [--record 文件] [--verbose] [--lang zh-CN|en]

在微信支付关闭一笔未支付订单（关单），此后该订单无法再支付。先查询实时状态：已支付的订单拒绝关闭，已关闭的无需操作。
微信支付要求订单创建 5 分钟后才能关单：给出 --created-at 即在本地先检查。除非给出 --yes，否则会要求确认。
每次结果都追加记录到记录文件（默认 wxrecon-closes-<商户号>.jsonl）。

退出码：0 已关闭（或无需关闭）；2 拒绝执行（已支付、创建不足 5 分钟、未确认）或用法错误；3 微信支付或网络出错，或应答验签失败。
`,
};

/** WeChat's rule: an order can be closed five minutes after it was created. */
export const CLOSE_MIN_AGE_MS = 5 * 60_000;

export async function runClose(argv: string[], io: CliIo, lang: Lang, now: () => Date = () => new Date()): Promise<number> {
  const zh = lang === 'zh-CN';
  const parsed = parseOptions(
    argv,
    { merchant: { type: 'string' }, 'out-trade-no': { type: 'string' }, yes: { type: 'boolean' }, 'created-at': { type: 'string' }, api: { type: 'string' }, record: { type: 'string' }, verbose: { type: 'boolean' }, lang: { type: 'string' } },
    io,
    lang,
  );
  if (parsed === null) return EXIT_USAGE;
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (typeof v.merchant !== 'string') return usageError(io, lang, 'close needs --merchant FILE', 'close 需要 --merchant 商户配置文件');
  const outTradeNo = typeof v['out-trade-no'] === 'string' ? v['out-trade-no'].trim() : '';
  if (outTradeNo === '') return usageError(io, lang, 'close needs --out-trade-no NO', 'close 需要 --out-trade-no 商户订单号');
  const api = v.api;
  if (api !== undefined && api !== 'v2' && api !== 'v3') return usageError(io, lang, '--api is v2 or v3', '--api 只能是 v2 或 v3');
  if (typeof v['created-at'] === 'string') {
    const t = parseBeijingTime(v['created-at']);
    if (t === null) return usageError(io, lang, `--created-at: not a time: ${v['created-at']}`, `--created-at：无法识别的时间：${v['created-at']}`);
    const createdMs = Date.parse(`${t.text.replace(' ', 'T')}+08:00`);
    if (now().getTime() - createdMs < CLOSE_MIN_AGE_MS) {
      return usageError(io, lang, 'the order is less than five minutes old; WeChat Pay does not allow closing it yet', '订单创建不足 5 分钟，微信支付暂不允许关单，请稍后再试');
    }
  }
  const profile = await loadProfile(v.merchant, io, lang);
  if (typeof profile === 'number') return profile;
  const recordPath = typeof v.record === 'string' ? v.record : `wxrecon-closes-${profile.mchid}.jsonl`;
  const record = (entry: Record<string, unknown>) => appendFile(recordPath, JSON.stringify({ outTradeNo, at: now().toISOString(), ...entry }) + '\n');
  const options = { ...(api === undefined ? {} : { api: api as 'v2' | 'v3' }), ...requestLog(v.verbose, io) };
  try {
    const before = await queryOrder(profile, { outTradeNo }, options);
    if (before.tradeState === 'SUCCESS' || before.tradeState === 'REFUND') {
      await record({ outcome: 'refused', wechatState: before.tradeState });
      return usageError(io, lang, `${outTradeNo} is paid (${before.tradeState}); a paid order is not closed`, `${outTradeNo} 已支付（${before.tradeState}），已支付的订单不能关单`);
    }
    if (before.tradeState === 'CLOSED' || before.tradeState === 'REVOKED' || before.tradeState === 'ORDER_NOT_EXIST') {
      await record({ outcome: 'nothing-to-do', wechatState: before.tradeState });
      io.stdout(zh ? `${outTradeNo}：微信支付状态为 ${before.tradeState}，无需关单\n` : `${outTradeNo}: WeChat Pay says ${before.tradeState}; nothing to close\n`);
      return EXIT_OK;
    }
    if (v.yes !== true) {
      if (!process.stdin.isTTY) return usageError(io, lang, 'closing needs confirmation: add --yes', '关单需要确认：请加上 --yes');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(zh ? `确认在微信支付关闭订单 ${outTradeNo}（当前 ${before.tradeState}）？关闭后无法再支付。输入 yes 确认：` : `Close order ${outTradeNo} (now ${before.tradeState}) at WeChat Pay? It can no longer be paid. Type yes to confirm: `);
      rl.close();
      if (answer.trim().toLowerCase() !== 'yes') {
        await record({ outcome: 'not-confirmed', wechatState: before.tradeState });
        return usageError(io, lang, 'not confirmed; nothing was sent', '未确认，未发送关单请求');
      }
    }
    await closeOrder(profile, outTradeNo, options);
    // Ask again: the record says what WeChat now says, not what was hoped.
    const after = await queryOrder(profile, { outTradeNo }, options);
    await record({ outcome: 'closed', wechatStateBefore: before.tradeState, wechatState: after.tradeState, ...(after.requestId ? { requestId: after.requestId } : {}) });
    io.stdout(zh ? `${outTradeNo}：已关单（微信支付状态 ${after.tradeState}）\n` : `${outTradeNo}: closed (WeChat Pay now says ${after.tradeState})\n`);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof WechatPayError)) throw e;
    await record({ outcome: 'error', code: e.code, message: e.message, ...(e.requestId ? { requestId: e.requestId } : {}) }).catch(() => undefined);
    io.stderr(zh ? `wxrecon：关单失败：${e.message}\n` : `wxrecon: close failed: ${e.message}\n`);
    return EXIT_IO;
  } finally {
    await closePools();
  }
}
