/**
 * `wxrecon <command>`: the command line of the contract (../shared/contract.md, "Running it").
 * Exit status: 0 success, 1 problems the caller asked to fail on, 2 bad input or usage,
 * 3 a remote or I/O failure. With --json, stdout carries exactly one JSON document.
 */
import type { Lang } from '../../shared/i18n/messages.ts';
import { runInspect, INSPECT_HELP } from './inspect.ts';
import { runReconcile, RECONCILE_HELP } from './reconcile.ts';
import { runQuery, QUERY_HELP } from './query.ts';
import { runSimulate, SIMULATE_HELP } from './simulate.ts';
import { runClose, CLOSE_HELP } from './close.ts';
import { runDemo, DEMO_HELP } from './demo.ts';
import { runDownloadBill, DOWNLOAD_BILL_HELP } from './download-bill.ts';
import { EXIT_OK, EXIT_USAGE, usageError, type CliIo } from './io.ts';

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const TOP_HELP = {
  en: `wxrecon: the WeChat Pay reconciliation desk (微信支付对账台)

Usage: wxrecon <command> [options]

Commands:
  inspect FILE…     detect and parse bill or ledger files; report what was found
  reconcile         reconcile trade bills against the merchant's ledger (--bill, --ledger)
  query             one signed live order query (订单查询) with a merchant profile
  close             close a stale unpaid order at WeChat Pay (asks for confirmation unless --yes)
  download-bill     fetch a day's trade bill through the API, verify it, save the original bytes
  demo              the whole flow offline: simulator, demo bill and ledger, live queries, report
  simulate          run the built-in WeChat Pay simulator on 127.0.0.1 (writes a demo merchant profile)

Options for every command:
  --lang zh-CN|en   language of messages (default en)
  --json            print one JSON document on stdout
  -h, --help        help for a command

Exit status: 0 success, 1 problems you asked to fail on, 2 bad input or usage,
3 a remote or I/O failure.
Run \`wxrecon <command> --help\` for a command's options.
`,
  'zh-CN': `wxrecon：微信支付对账台

用法：wxrecon <命令> [选项]

命令：
  inspect 文件…     识别并解析账单或台账文件，报告读到的内容
  reconcile         按订单核对交易账单与商户台账（--bill、--ledger）
  query             用商户配置签名查询一笔订单的实时状态（订单查询）
  close             在微信支付关闭一笔未支付的订单（除非 --yes，否则要求确认）
  download-bill     通过接口下载某天的交易账单，校验后保存原始文件
  demo              离线演示完整流程：模拟器、演示账单与台账、实时查询、对账报告
  simulate          在 127.0.0.1 运行内置的微信支付模拟器（并写出演示商户配置）

通用选项：
  --lang zh-CN|en   提示语言（默认 en）
  --json            在标准输出打印一个 JSON 文档
  -h, --help        查看命令帮助

退出码：0 成功，1 发现了要求报错的问题，2 输入或用法错误，3 远程或读写失败。
`,
};

/** Each command: its help text and what runs it. */
const COMMANDS: Record<string, { help: Record<Lang, string>; run: (argv: string[], io: CliIo, lang: Lang) => Promise<number> }> = {
  inspect: { help: INSPECT_HELP, run: runInspect },
  reconcile: { help: RECONCILE_HELP, run: runReconcile },
  query: { help: QUERY_HELP, run: runQuery },
  close: { help: CLOSE_HELP, run: (argv, io, lang) => runClose(argv, io, lang) },
  'download-bill': { help: DOWNLOAD_BILL_HELP, run: runDownloadBill },
  demo: { help: DEMO_HELP, run: runDemo },
  simulate: { help: SIMULATE_HELP, run: (argv, io, lang) => runSimulate(argv, io, lang) },
};

function langOf(argv: readonly string[]): Lang {
  const i = argv.indexOf('--lang');
  const v = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice(7);
  return v?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const lang = langOf(argv);
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(TOP_HELP[lang]);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    io.stdout('wxrecon 0.1.0\n');
    return EXIT_OK;
  }
  const c = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (c === undefined) {
    return usageError(
      io,
      lang,
      `unknown command "${command}" (run wxrecon --help)`,
      `未知命令“${command}”（运行 wxrecon --help 查看可用命令）`,
    );
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(c.help[lang]);
    return EXIT_OK;
  }
  return c.run(rest, io, lang);
}
