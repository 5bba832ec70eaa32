import type { RowCursor } from './row-cursor.ts';
import { copyBytes } from './bytes.ts';

/**
 * Columns with few distinct values (trade states, merchant ids, ledger states like 已支付):
 * decoded once per distinct value and then recognised by comparing bytes, so a 1M-row file does
 * not make 1M copies of `SUCCESS`. The same value always comes back as the same string, so
 * callers can detect a change with `!==`.
 */
export class LowVarietyDecoder {
  private readonly caches: string[][] = [];
  /** The bytes each cached value was decoded from, for non-ASCII values (已支付 in UTF-8 or GBK). */
  private readonly rawBytes: Uint8Array[][] = [];
  private readonly maxPerColumn: number;

  constructor(maxPerColumn = 16) {
    this.maxPerColumn = maxPerColumn;
  }

  get(c: RowCursor, i: number): string {
    if (i < 0) return '';
    const span = c.asciiSpan(i);
    if (span === null) return c.text(i);
    let cache = this.caches[i];
    let raws = this.rawBytes[i];
    if (cache === undefined || raws === undefined) {
      cache = [];
      raws = [];
      this.caches[i] = cache;
      this.rawBytes[i] = raws;
    }
    const { bytes, start, end } = span;
    const n = end - start;
    for (let j = 0; j < raws.length; j++) {
      const raw = raws[j]!;
      if (raw.length !== n) continue;
      let k = 0;
      while (k < n && raw[k] === bytes[start + k]) k++;
      if (k === n) return cache[j]!;
    }
    const v = c.text(i);
    if (cache.length < this.maxPerColumn) {
      cache.push(v);
      raws.push(copyBytes(bytes, start, end));
    }
    return v;
  }
}
