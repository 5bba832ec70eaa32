/**
 * The floor: the least any reader of the CSV must do, decoding UTF-8 into JS strings in 1 MiB
 * chunks and counting line feeds. An importer is measured against this.
 */
import { createReadStream } from 'node:fs';

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: node bench/count-lines.ts FILE\n');
  process.exit(2);
}
let lines = 0;
for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
  const text = chunk as string;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
}
process.stdout.write(JSON.stringify({ lines }) + '\n');
