/**
 * A downloaded bill saved only once it reads back as a trade bill of the type asked for whose
 * summary line agrees with its rows: written aside and renamed, so a half-written or wrong file
 * never sits under the name a scheduler or the app reads. Shared by `download-bill` and the app.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Lang } from '../../shared/i18n/messages.ts';
import { importFile, type FileImport } from '../import/read-file.ts';
import type { TradeBillType } from './bill-download.ts';

export type SavedBill = { ok: true; read: FileImport } | { ok: false; problem: string };

/** Throws only when the file cannot be written or renamed (an I/O failure); a bill that does not verify is `{ ok: false }`. */
export async function saveVerifiedBill(
  bytes: Uint8Array,
  out: string,
  billType: TradeBillType,
  lang: Lang,
  read: (path: string) => Promise<FileImport> = (path) => importFile(path, { keepRows: false }),
): Promise<SavedBill> {
  const zh = lang === 'zh-CN';
  const partial = `${out}.partial`;
  await writeFile(partial, bytes);
  const got = await read(partial).catch((e: unknown) => e as Error);
  const problem =
    got instanceof Error ? got.message
    : got.kind !== 'trade-bill' ? (zh ? `下载的内容不是交易账单（识别为 ${got.kind}）` : `what came is not a trade bill (read as ${got.kind})`)
    : got.billType !== billType ? (zh ? `下载的是 ${got.billType ?? '?'} 账单，请求的是 ${billType}` : `what came is a ${got.billType ?? '?'} bill, not ${billType}`)
    : got.integrity !== 'ok' ? (zh ? '账单汇总行与明细不一致（或缺少汇总行），文件可能不完整' : 'the summary line does not agree with the rows (or is missing): the file may be incomplete')
    : null;
  if (problem !== null || got instanceof Error) {
    await rm(partial, { force: true });
    return { ok: false, problem: problem! };
  }
  await rename(partial, out);
  return { ok: true, read: got };
}
