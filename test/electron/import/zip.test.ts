import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ImportError } from '../../../shared/errors.ts';
import { ZipArchive } from '../../../electron/import/zip.ts';
import { ZipWriter } from '../../generators/xlsx-writer.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxrecon-zip-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = '交易时间,微信订单号\n'.repeat(2000);
const BYTES = randomBytes(100_000);

async function writeSample(path: string, zip64 = false): Promise<void> {
  const zip = await ZipWriter.create(path, { zip64 });
  await zip.addEntry('a.txt', TEXT);
  await zip.addEntry('b.bin', BYTES, { method: 0 });
  await zip.addEntry('dir/中文.xml', (function* () {
    yield '<x>';
    yield '数据'.repeat(10_000);
    yield '</x>';
  })());
  await zip.addEntry('ignored', '', { rawName: Uint8Array.from([0x80, 0x61, 0xe1]) });
  await zip.addEntry('empty.txt', '');
  await zip.finish();
}

async function readText(zip: ZipArchive, name: string): Promise<string> {
  const entry = zip.get(name);
  if (entry === undefined) throw new Error(`no ${name}`);
  return (await zip.readAll(entry, 1 << 30)).toString('utf8');
}

async function failure(action: () => Promise<unknown>): Promise<ImportError> {
  try {
    await action();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error('expected an ImportError');
}

describe('ZipArchive', () => {
  it('lists entries and streams stored and deflated ones', async () => {
    const path = join(dir, 'sample.zip');
    await writeSample(path);
    const zip = await ZipArchive.open(path);
    try {
      expect(zip.entries.map((e) => [e.name, e.method, e.uncompressedSizeBytes])).toEqual([
        ['a.txt', 8, Buffer.byteLength(TEXT)],
        ['b.bin', 0, BYTES.length],
        ['dir/中文.xml', 8, 7 + 60_000],
        ['Çaß', 8, 0],
        ['empty.txt', 8, 0],
      ]);
      expect(await readText(zip, 'a.txt')).toBe(TEXT);
      expect((await zip.readAll(zip.get('b.bin')!, 1 << 20)).equals(BYTES)).toBe(true);
      expect(await readText(zip, '/DIR/中文.XML')).toBe(`<x>${'数据'.repeat(10_000)}</x>`);
      expect(await readText(zip, 'empty.txt')).toBe('');
      expect(zip.get('missing')).toBeUndefined();
    } finally {
      await zip.close();
    }
  });

  it('reads ZIP64 records, prepended data and an archive comment', async () => {
    const path64 = join(dir, 'zip64.zip');
    await writeSample(path64, true);
    const bytes = readFileSync(path64);
    const shifted = join(dir, 'shifted.zip');
    const comment = Buffer.from('PK\x05\x06 a comment that looks like an end record');
    const withComment = Buffer.from(bytes);
    withComment.writeUInt16LE(comment.length, withComment.length - 2);
    writeFileSync(shifted, Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), withComment, comment]));
    for (const path of [path64, shifted]) {
      const zip = await ZipArchive.open(path);
      try {
        expect(zip.entries.length).toBe(5);
        expect(await readText(zip, 'a.txt')).toBe(TEXT);
        expect((await zip.readAll(zip.get('b.bin')!, 1 << 20)).equals(BYTES)).toBe(true);
      } finally {
        await zip.close();
      }
    }
  });

  it('stops reading when the consumer breaks off', async () => {
    const path = join(dir, 'sample.zip');
    await writeSample(path);
    const zip = await ZipArchive.open(path);
    let pieces = 0;
    for await (const piece of zip.read(zip.get('dir/中文.xml')!, { chunkSizeBytes: 1024 })) {
      expect(piece.length).toBeGreaterThan(0);
      if (++pieces === 2) break;
    }
    expect(pieces).toBe(2);
    expect(await readText(zip, 'a.txt')).toBe(TEXT);
    await zip.close();
  });

  it('refuses what is not a zip, or a cut-off one', async () => {
    const random = join(dir, 'random.bin');
    writeFileSync(random, randomBytes(5000));
    expect((await failure(() => ZipArchive.open(random))).code).toBe('xlsx-corrupt');
    const tiny = join(dir, 'tiny.bin');
    writeFileSync(tiny, 'PK');
    expect((await failure(() => ZipArchive.open(tiny))).code).toBe('xlsx-corrupt');
    const path = join(dir, 'sample.zip');
    await writeSample(path);
    const bytes = readFileSync(path);
    const cut = join(dir, 'cut.zip');
    for (const length of [bytes.length - 10, Math.floor(bytes.length / 2), 100]) {
      writeFileSync(cut, bytes.subarray(0, length));
      expect((await failure(() => ZipArchive.open(cut))).code).toBe('xlsx-corrupt');
    }
  });

  it('stops an entry that inflates past its declared size (a zip bomb)', async () => {
    const path = join(dir, 'bomb.zip');
    const zip = await ZipWriter.create(path);
    await zip.addEntry('bomb.xml', Buffer.alloc(20 * 1024 * 1024), { declareUncompressedSizeBytes: 1000 });
    await zip.finish();
    const archive = await ZipArchive.open(path);
    let receivedBytes = 0;
    const error = await failure(async () => {
      for await (const piece of archive.read(archive.get('bomb.xml')!, { chunkSizeBytes: 16 * 1024 })) receivedBytes += piece.length;
    });
    expect(error.message).toMatch(/inflates past/);
    expect(receivedBytes).toBeLessThan(1000 + 64 * 1024 + 16 * 1024);
    await archive.close();

    const limited = await ZipArchive.open(join(dir, 'sample.zip'), { maxEntrySizeBytes: 1000 });
    expect((await failure(() => limited.readAll(limited.get('a.txt')!, 1 << 30))).message).toMatch(/limit/);
    await limited.close();
  });

  it('detects damaged data: CRC mismatch and bad deflate streams', async () => {
    const path = join(dir, 'sample.zip');
    await writeSample(path);
    const bytes = readFileSync(path);
    const zip = await ZipArchive.open(path);
    const stored = zip.get('b.bin')!;
    const deflated = zip.get('a.txt')!;
    await zip.close();

    const flipped = Buffer.from(bytes);
    const storedData = stored.localHeaderOffset + 30 + 'b.bin'.length;
    flipped[storedData + 500] = flipped[storedData + 500]! ^ 0xff;
    const deflatedData = deflated.localHeaderOffset + 30 + 'a.txt'.length;
    for (let i = 2; i < 40; i++) flipped[deflatedData + i] = 0xff;
    const damaged = join(dir, 'damaged.zip');
    writeFileSync(damaged, flipped);
    const archive = await ZipArchive.open(damaged);
    expect((await failure(() => archive.readAll(archive.get('b.bin')!, 1 << 20))).message).toMatch(/CRC/);
    expect((await failure(() => archive.readAll(archive.get('a.txt')!, 1 << 20))).code).toBe('xlsx-corrupt');
    expect(await readText(archive, 'dir/中文.xml')).toMatch(/^<x>数据/);
    await archive.close();
  });
});
