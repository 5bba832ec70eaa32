/**
 * `wxrecon download-bill --merchant FILE --date YYYY-MM-DD [--type ALL|SUCCESS|REFUND] [--api v2|v3]
 * --out FILE [--plain] [--json]`: fetches a day's trade bill through the API, verifies it (v3: the
 * SHA-1 WeChat signed; both: it reads as a trade bill of that type whose summary agrees with its
 * rows), and saves the original bytes. The file appears only once whole (written aside, renamed).
 * No bill that day (no trades) is an answer: exit 0, no file.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Lang } from '../../shared/i18n/messages.ts';
import { saveVerifiedBill } from '../wechatpay/save-bill.ts';
import { closePools, downloadBill } from '../wechatpay/client.ts';
import { BILL_NOT_READY, NO_BILL, type TradeBillType } from '../wechatpay/bill-download.ts';
import { WechatPayError } from '../wechatpay/order-query.ts';
import { EXIT_IO, EXIT_OK, EXIT_USAGE, loadProfile, parseOptions, requestLog, usageError, type CliIo } from './io.ts';

export const DOWNLOAD_BILL_HELP = {
  en: `Usage: wxrecon download-bill --merchant FILE --date YYYY-MM-DD [--type ALL|SUCCESS|REFUND] [--api v2|v3] --out FILE [--plain] [--json] [--lang zh-CN|en]

Fetches a day's trade bill (交易账单) through the WeChat Pay API, verifies it and saves the original bytes.
APIv3 checks the SHA-1 WeChat Pay signed for the bill; both protocols check that the file reads as a
trade bill of that type whose summary line agrees with its rows. WeChat makes a day's bill from 09:00
the next day: fetch it after 10:00. Only the last three months can be fetched.

Options:
  --merchant FILE   the merchant profile (JSON, see the README)
  --date DATE       the bill's day, YYYY-MM-DD (Beijing time)
  --type TYPE       ALL (default), SUCCESS or REFUND
  --api v2|v3       the protocol (default: the profile's "api")
  --out FILE        where to save the bill
  --plain           ask for the bill uncompressed (default: gzip on the way, saved unzipped)
  --json            print what was saved as JSON
  --verbose         log each request on stderr (no keys, signatures, tokens or Authorization headers)

Exit status: 0 saved (or WeChat has no bill for that day: no trades; nothing is saved); 2 bad usage or
profile; 3 WeChat Pay or the network failed, the bill is not made yet, or it did not verify.
`,
  'zh-CN': `用法：wxrecon download-bill --merchant 商户配置 --date YYYY-MM-DD [--type ALL|SUCCESS|REFUND] [--api v2|v3] --out 文件 [--plain] [--json] [--lang zh-CN|en]

通过微信支付接口下载某一天的交易账单，校验后按原始字节保存。
APIv3 校验微信支付签名给出的账单 SHA-1；两种接口都会检查文件确为该类型的交易账单、汇总行与明细一致。
微信支付次日 9 点起生成前一天的账单，请在 10 点后下载；只能下载最近三个月的账单。

选项：
  --merchant 文件   商户配置文件（JSON，见 README）
  --date 日期       账单日期 YYYY-MM-DD（北京时间）
  --type 类型       ALL（默认）、SUCCESS 或 REFUND
  --api v2|v3       接口版本（默认取配置中的 "api"）
  --out 文件        账单保存位置
  --plain           不压缩传输（默认 GZIP 传输，解压后保存）
  --json            以 JSON 输出保存结果
  --verbose         在标准错误输出记录每次请求（不含密钥、签名、令牌和 Authorization 头）

退出码：0 已保存（或微信支付当天没有账单：当天无交易，不保存文件）；2 用法或配置错误；3 微信支付或网络出错、账单尚未生成或校验未通过。
`,
};

/** A real calendar day, YYYY-MM-DD. */
function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export async function runDownloadBill(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  const zh = lang === 'zh-CN';
  const parsed = parseOptions(
    argv,
    { merchant: { type: 'string' }, date: { type: 'string' }, type: { type: 'string' }, api: { type: 'string' }, out: { type: 'string' }, plain: { type: 'boolean' }, json: { type: 'boolean' }, verbose: { type: 'boolean' }, lang: { type: 'string' } },
    io,
    lang,
  );
  if (parsed === null) return EXIT_USAGE;
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length > 0) return usageError(io, lang, `unexpected argument "${parsed.positionals[0]}"`, `多余的参数“${parsed.positionals[0]}”`);
  if (typeof v.merchant !== 'string') return usageError(io, lang, 'download-bill needs --merchant FILE', 'download-bill 需要 --merchant 商户配置文件');
  if (typeof v.date !== 'string' || !isDay(v.date)) return usageError(io, lang, '--date takes a day as YYYY-MM-DD', '--date 须为日期 YYYY-MM-DD');
  if (typeof v.out !== 'string' || v.out === '') return usageError(io, lang, 'download-bill needs --out FILE', 'download-bill 需要 --out 保存文件');
  const billType = (v.type ?? 'ALL') as string;
  if (billType !== 'ALL' && billType !== 'SUCCESS' && billType !== 'REFUND') return usageError(io, lang, '--type is ALL, SUCCESS or REFUND', '--type 只能是 ALL、SUCCESS 或 REFUND');
  const api = v.api;
  if (api !== undefined && api !== 'v2' && api !== 'v3') return usageError(io, lang, '--api is v2 or v3', '--api 只能是 v2 或 v3');
  const profile = await loadProfile(v.merchant, io, lang);
  if (typeof profile === 'number') return profile;
  const out = resolve(v.out);
  const date = v.date;

  let bill;
  try {
    bill = await downloadBill(profile, { date, billType: billType as TradeBillType, gzip: v.plain !== true }, { ...(api === undefined ? {} : { api }), ...requestLog(v.verbose, io) });
  } catch (e) {
    if (!(e instanceof WechatPayError)) throw e;
    if (e.code === NO_BILL) {
      if (v.json === true) io.stdout(JSON.stringify({ date, billType, api: api ?? profile.api, exists: false, reason: NO_BILL }, null, 2) + '\n');
      else io.stdout(zh ? `${date} 没有${billType}账单（微信支付当天无交易），未保存文件\n` : `No ${billType} bill for ${date} (no trades that day at WeChat Pay); nothing saved\n`);
      return EXIT_OK;
    }
    const id = e.requestId ? ` (Request-ID ${e.requestId})` : '';
    const why = e.code === BILL_NOT_READY ? (zh ? `${date} 的账单尚未生成，请在次日 10 点后再下载` : `the bill of ${date} is not made yet; fetch it after 10:00 the next day`) : e.message;
    io.stderr(zh ? `wxrecon：下载账单失败：${why}${id}\n` : `wxrecon: bill download failed: ${why}${id}\n`);
    return EXIT_IO;
  } finally {
    await closePools();
  }

  let saved;
  try {
    saved = await saveVerifiedBill(bill.bytes, out, billType as TradeBillType, lang);
  } catch (e) {
    io.stderr(`wxrecon: ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return EXIT_IO;
  }
  if (!saved.ok) {
    io.stderr(zh ? `wxrecon：账单校验未通过：${saved.problem}\n` : `wxrecon: the bill did not verify: ${saved.problem}\n`);
    return EXIT_IO;
  }
  const read = saved.read;
  const sha256 = createHash('sha256').update(bill.bytes).digest('hex');
  const doc = {
    date, billType, api: bill.api, exists: true, file: out, sizeBytes: bill.bytes.length, sha256,
    ...(bill.hash !== null ? { hashType: bill.hash.type, hashValue: bill.hash.value } : {}),
    rows: read.rows, integrity: read.integrity, compressed: bill.compressed,
  };
  if (v.json === true) io.stdout(JSON.stringify(doc, null, 2) + '\n');
  else {
    const check = bill.hash !== null ? (zh ? `，${bill.hash.type} 校验通过` : `, ${bill.hash.type} verified`) : '';
    io.stdout(zh ? `已保存 ${date} ${billType} 账单：${out}（${doc.rows} 行，汇总一致${check}）\n` : `Saved the ${billType} bill of ${date}: ${out} (${doc.rows} rows, summary agrees${check})\n`);
  }
  return EXIT_OK;
}
