/**
 * A column of ids (order numbers, transaction ids) kept as UTF-8 bytes in one arena, not as a
 * million strings: making, keeping and garbage-collecting a string per id cost a 1M-row bill
 * more than two seconds and about 200 MB, while nearly every id is only ever compared. Strings
 * are made on demand, for the few ids that end up in a report.
 *
 * An id is stored normalised (trimmed, backtick removed); an empty id is "no id" (null). Ids are
 * compared byte for byte, never as numbers.
 */

export interface IdColumn {
  readonly bytes: Uint8Array;
  /** Row i's id is bytes[starts[i], ends[i]); empty means null. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** idHash of each id (0 for none), when the column was built with hashes. */
  readonly hashes: Int32Array | null;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Spreads FNV-1a's result so that linear probing on its low bits does not cluster. */
function finishHash(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** The hash of an id's UTF-8 bytes (FNV-1a, mixed). */
export function idHash(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k]!, FNV_PRIME);
  return finishHash(h);
}

/** UTF-8 bytes of a string (ids are ASCII nearly always; the rest is encoded by hand, shared/ has no TextEncoder). */
export function utf8Bytes(text: string): Uint8Array {
  let ascii = true;
  for (let k = 0; k < text.length; k++) {
    if (text.charCodeAt(k) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const out = new Uint8Array(text.length);
    for (let k = 0; k < text.length; k++) out[k] = text.charCodeAt(k);
    return out;
  }
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/** The string of UTF-8 bytes written by utf8Bytes (well-formed by construction). */
export function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let k = start; k < end && ascii; k++) ascii = bytes[k]! < 0x80;
  // The usual case, an ASCII id: one call, no iterator (spreading a typed array is slow).
  if (ascii && end - start <= 4096) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  let out = '';
  let k = start;
  while (k < end) {
    const b = bytes[k]!;
    if (b < 0x80) {
      // Runs of ASCII in one call.
      let e = k + 1;
      while (e < end && bytes[e]! < 0x80 && e - k < 4096) e++;
      out += String.fromCharCode.apply(null, bytes.subarray(k, e) as unknown as number[]);
      k = e;
      continue;
    }
    let cp: number;
    if (b >= 0xf0) {
      cp = ((b & 7) << 18) | ((bytes[k + 1]! & 63) << 12) | ((bytes[k + 2]! & 63) << 6) | (bytes[k + 3]! & 63);
      k += 4;
    } else if (b >= 0xe0) {
      cp = ((b & 15) << 12) | ((bytes[k + 1]! & 63) << 6) | (bytes[k + 2]! & 63);
      k += 3;
    } else {
      cp = ((b & 31) << 6) | (bytes[k + 1]! & 63);
      k += 2;
    }
    out += String.fromCodePoint(cp);
  }
  return out;
}

/** Row i's id as a string, or null. */
export function idAt(c: IdColumn, i: number): string | null {
  const s = c.starts[i]!;
  const e = c.ends[i]!;
  return e === s ? null : utf8Text(c.bytes, s, e);
}

export function idIsNull(c: IdColumn, i: number): boolean {
  return c.ends[i] === c.starts[i];
}

/** Do two ids (possibly of different columns) have the same bytes? Two nulls are equal. */
export function idEquals(a: IdColumn, i: number, b: IdColumn, j: number): boolean {
  const as = a.starts[i]!;
  const bs = b.starts[j]!;
  const n = a.ends[i]! - as;
  if (b.ends[j]! - bs !== n) return false;
  const ab = a.bytes;
  const bb = b.bytes;
  for (let k = 0; k < n; k++) if (ab[as + k] !== bb[bs + k]) return false;
  return true;
}

export class IdColumnBuilder {
  private bytes: Uint8Array;
  private used = 0;
  private starts: Int32Array;
  private ends: Int32Array;
  private hashes: Int32Array | null;
  private n = 0;

  /** `bytesPerId`: a guess to size the arena (order numbers ~32, refund ids mostly empty). */
  constructor(initialRows = 1024, hashed = false, bytesPerId = 32) {
    const rows = Math.max(16, initialRows);
    this.bytes = new Uint8Array(Math.max(64, rows * bytesPerId));
    this.starts = new Int32Array(rows);
    this.ends = new Int32Array(rows);
    this.hashes = hashed ? new Int32Array(rows) : null;
  }

  get length(): number {
    return this.n;
  }

  private room(rowBytes: number): void {
    if (this.n === this.starts.length) {
      const rows = this.starts.length * 2;
      const starts = new Int32Array(rows);
      starts.set(this.starts);
      this.starts = starts;
      const ends = new Int32Array(rows);
      ends.set(this.ends);
      this.ends = ends;
      if (this.hashes !== null) {
        const hashes = new Int32Array(rows);
        hashes.set(this.hashes);
        this.hashes = hashes;
      }
    }
    if (this.used + rowBytes > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (this.used + rowBytes > size) size *= 2;
      if (size > 0x7fffffff) throw new RangeError('id column larger than 2 GiB');
      const bytes = new Uint8Array(size);
      bytes.set(this.bytes.subarray(0, this.used));
      this.bytes = bytes;
    }
  }

  /** Appends an id from (ASCII or UTF-8) bytes; an empty span is null. Returns the row index. */
  addBytes(src: Uint8Array, start: number, end: number): number {
    const length = end - start;
    this.room(length);
    const i = this.n++;
    const bytes = this.bytes;
    const at = this.used;
    if (this.hashes !== null) {
      let h = FNV_OFFSET;
      for (let k = 0; k < length; k++) {
        const b = src[start + k]!;
        bytes[at + k] = b;
        h = Math.imul(h ^ b, FNV_PRIME);
      }
      this.hashes[i] = length === 0 ? 0 : finishHash(h);
    } else {
      for (let k = 0; k < length; k++) bytes[at + k] = src[start + k]!;
    }
    this.starts[i] = at;
    this.ends[i] = at + length;
    this.used = at + length;
    return i;
  }

  /** Appends an id given as a string (or null). */
  add(text: string | null): number {
    if (text === null || text === '') return this.addNull();
    const b = utf8Bytes(text);
    return this.addBytes(b, 0, b.length);
  }

  addNull(): number {
    this.room(0);
    const i = this.n++;
    this.starts[i] = this.used;
    this.ends[i] = this.used;
    if (this.hashes !== null) this.hashes[i] = 0;
    return i;
  }

  /** Takes an id back (leading zeros found lost once the whole column is seen). */
  clear(i: number): void {
    this.ends[i] = this.starts[i]!;
    if (this.hashes !== null) this.hashes[i] = 0;
  }

  /** Shrunk to size; the builder must not be used afterwards. */
  finish(): IdColumn {
    // Views where little is wasted, copies where much would be.
    const fit = <T extends Uint8Array | Int32Array>(a: T, n: number): T => (n * 4 >= a.length * 3 ? a.subarray(0, n) : a.slice(0, n)) as T;
    return {
      bytes: fit(this.bytes, this.used),
      starts: fit(this.starts, this.n),
      ends: fit(this.ends, this.n),
      hashes: this.hashes === null ? null : fit(this.hashes, this.n),
    };
  }
}
