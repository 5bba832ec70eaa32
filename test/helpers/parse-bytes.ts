/** Runs the shared importers over bytes in chosen chunk sizes, as the Node edge does. */
import { CsvReader, type CsvEncoding } from '../../shared/table/csv.ts';
import { TableImporter } from '../../shared/import/importer.ts';
import { nodeByteDecoder } from '../../electron/import/byte-decoder.ts';
import type { LedgerMapping } from '../../shared/ledger/mapping.ts';
import type { ParsedTable } from '../../shared/import/types.ts';
import type { ImportWarning } from '../../shared/import/warnings.ts';

export interface ParseBytesOptions {
  encoding?: CsvEncoding;
  chunkSizes?: number[];
  keepRows?: boolean;
  rowDetail?: 'full' | 'lean' | 'columns';
  billBatches?: import('../../shared/import/types.ts').ParseContext['billBatches'];
  mapping?: LedgerMapping;
}

export function parseBytes(bytes: Uint8Array | string, options: ParseBytesOptions = {}): ParsedTable & { warnings: ImportWarning[] } {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const importer = new TableImporter({ keepRows: options.keepRows ?? true, rowDetail: options.rowDetail ?? 'full', strictFieldCount: true, ...(options.billBatches ? { billBatches: options.billBatches } : {}), ...(options.mapping ? { mapping: options.mapping } : {}) });
  const reader = new CsvReader((row) => importer.row(row), {
    decoder: nodeByteDecoder,
    encoding: options.encoding ?? 'utf-8',
    onEncodingSwitch: (line) => importer.warnings.addOnce('encoding-switched', 'switch', {}, line),
  });
  const sizes = options.chunkSizes ?? [data.length];
  // One reused Buffer for every chunk, overwritten between pushes: the reader (and anything it
  // caches) must copy what it keeps, never hold a view (Buffer#slice is a view).
  const scratch = Buffer.alloc(Math.max(1, ...sizes.map((n) => Math.min(n, data.length))));
  let pos = 0;
  let k = 0;
  while (pos < data.length && !reader.stopped) {
    const size = Math.min(Math.max(1, sizes[k++ % sizes.length]!), data.length - pos);
    scratch.set(data.subarray(pos, pos + size));
    reader.push(scratch.subarray(0, size));
    scratch.fill(0x23); // '#': a reader that kept a view now sees garbage
    pos += size;
  }
  if (!reader.stopped) reader.end();
  const table = importer.finish();
  return { ...table, warnings: importer.warnings.list() };
}

export function codes(warnings: readonly ImportWarning[]): string[] {
  return warnings.map((w) => w.code);
}
