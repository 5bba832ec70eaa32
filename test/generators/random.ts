/**
 * A small seeded PRNG (mulberry32) for test data. Generators must be reproducible from a seed so a
 * failing property test or a cached benchmark file can be rebuilt byte for byte; Math.random cannot.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.#state = seed >>> 0;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). Only for probabilities and shapes, never for amounts. */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [min, max], both inclusive. Spans up to 2^53 are exact enough for test data. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`bad range [${min}, ${max}]`);
    }
    const span = max - min + 1;
    if (span <= 4294967296) return min + Math.floor(this.next() * span);
    // Two draws give 53 bits, which covers any safe-integer span.
    const high = this.uint32() >>> 11;
    const low = this.uint32();
    return min + Math.floor(((high * 4294967296 + low) / 9007199254740992) * span);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks from a weighted table. */
  weighted<T>(table: WeightedTable<T>): T {
    return table.pick(this.next());
  }

  /** `length` decimal digits (leading zeros allowed). */
  digits(length: number): string {
    let out = '';
    while (out.length < length) out += String(this.uint32() % 1_000_000_000).padStart(9, '0');
    return out.slice(0, length);
  }

  /** `length` characters from `alphabet` (at most 64 symbols). */
  string(length: number, alphabet: string): string {
    let out = '';
    // Two symbols per draw from a table of pairs: ids are most of a bill's generation time.
    const pairs = pairTable(alphabet);
    const n = alphabet.length * alphabet.length;
    for (let i = 0; i + 1 < length; i += 2) out += pairs[this.uint32() % n];
    if (length % 2 === 1) out += alphabet[this.uint32() % alphabet.length];
    return out;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    for (let i = 0; i + 1 < length; i += 2) out += HEX_PAIRS[this.uint32() & 0xff];
    if (length % 2 === 1) out += HEX_PAIRS[this.uint32() & 0xff]![1];
    return out;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A child generator whose stream does not depend on how many draws this one has made later. */
  fork(salt: number): SeededRandom {
    return new SeededRandom((this.uint32() ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
  }
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const pairTables = new Map<string, string[]>();

function pairTable(alphabet: string): string[] {
  let table = pairTables.get(alphabet);
  if (table === undefined) {
    if (alphabet.length > 64) throw new RangeError('alphabets of at most 64 symbols');
    table = [];
    for (const a of alphabet) for (const b of alphabet) table.push(a + b);
    pairTables.set(alphabet, table);
  }
  return table;
}

/** Items with integer weights, cumulated once: `new WeightedTable([[item, weight], …])`. */
export class WeightedTable<T> {
  readonly #items: T[];
  readonly #bounds: number[];

  constructor(choices: readonly (readonly [T, number])[]) {
    if (choices.length === 0) throw new RangeError('a weighted table needs items');
    let total = 0;
    const bounds: number[] = [];
    for (const [, weight] of choices) bounds.push((total += weight));
    this.#items = choices.map(([item]) => item);
    this.#bounds = bounds.map((b) => b / total);
  }

  /** The item for a uniform `u` in [0, 1). */
  pick(u: number): T {
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length - 1; i++) if (u < bounds[i]!) return this.#items[i]!;
    return this.#items[this.#items.length - 1]!;
  }
}

/**
 * Chooses exactly `wanted` of `population` items in one pass without knowing them in advance
 * (Knuth's selection sampling). Call `take()` once per item, in order.
 */
export class SelectionSampler {
  #wantedLeft: number;
  #populationLeft: number;
  readonly #random: SeededRandom;

  constructor(random: SeededRandom, wanted: number, population: number) {
    if (wanted > population) throw new RangeError(`cannot choose ${wanted} of ${population}`);
    this.#random = random;
    this.#wantedLeft = wanted;
    this.#populationLeft = population;
  }

  take(): boolean {
    if (this.#populationLeft <= 0) return false;
    const chosen = this.#random.next() * this.#populationLeft < this.#wantedLeft;
    this.#populationLeft--;
    if (chosen) this.#wantedLeft--;
    return chosen;
  }
}
