import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Lang } from '../../shared/i18n/messages.ts';

export const EXIT_OK = 0;
export const EXIT_FAIL_ON = 1;
export const EXIT_USAGE = 2;
export const EXIT_IO = 3;

/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A one-line reason on stderr in the user's language, and the usage exit status. */
export function usageError(io: CliIo, lang: Lang, en: string, zh: string): number {
  io.stderr(`wxrecon: ${lang === 'zh-CN' ? zh : en}\n`);
  return EXIT_USAGE;
}

/** Parses options, turning node's errors into a one-line usage error (null). */
export function parseOptions(argv: string[], options: ParseArgsConfig['options'], io: CliIo, lang: Lang) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    usageError(io, lang, (e as Error).message, `参数有误：${(e as Error).message}`);
    return null;
  }
}

/** With --verbose: each HTTP exchange on stderr (the client redacts the lines). */
export function requestLog(verbose: unknown, io: CliIo): { log?: (line: string) => void } {
  return verbose === true ? { log: (line) => io.stderr(`wxrecon: ${line}\n`) } : {};
}

/** The merchant profile, or a one-line usage error naming the field at fault (the exit status). */
export async function loadProfile(path: string, io: CliIo, lang: Lang): Promise<import('../wechatpay/profile.ts').MerchantProfile | number> {
  const { ProfileError, readProfile } = await import('../wechatpay/profile.ts');
  try {
    return await readProfile(path);
  } catch (e) {
    if (e instanceof ProfileError) return usageError(io, lang, `merchant profile: ${e.message}`, `商户配置有误：${e.message}`);
    throw e;
  }
}
