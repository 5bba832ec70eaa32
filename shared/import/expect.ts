/**
 * What a command that needs a merchant trade bill says when it is given something else. A
 * finance user who exported their personal WeChat statement, or downloaded the fund-flow bill,
 * must be told what they picked and what to get instead.
 */
import type { FileKind } from './types.ts';

export type WrongFileCode = 'personal-bill' | 'fund-flow-not-trade-bill' | 'ledger-not-trade-bill' | 'not-a-trade-bill';

export function wrongFileForTradeBill(kind: FileKind): WrongFileCode | null {
  switch (kind) {
    case 'trade-bill':
      return null;
    case 'personal-bill':
      return 'personal-bill';
    case 'fund-flow-bill':
      return 'fund-flow-not-trade-bill';
    case 'ledger':
      return 'ledger-not-trade-bill';
    default:
      return 'not-a-trade-bill';
  }
}

export function wrongFileForLedger(kind: FileKind): 'trade-bill-not-ledger' | 'personal-bill' | 'not-a-ledger' | null {
  if (kind === 'ledger') return null;
  if (kind === 'trade-bill' || kind === 'fund-flow-bill') return 'trade-bill-not-ledger';
  if (kind === 'personal-bill') return 'personal-bill';
  return 'not-a-ledger';
}
