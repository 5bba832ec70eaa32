/** Stand-ins for Electron's safeStorage and electron-store, for main-process tests (no Electron here). */
import type { SafeStorageLike, StoreLike } from '../../electron/main/vault.ts';

/** A safeStorage whose "encryption" is reversible but visibly not the plaintext, with a chosen backend. */
export function fakeSafeStorage(backend: string = 'gnome_libsecret', available = true): SafeStorageLike & { calls: number } {
  const s = {
    calls: 0,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain: string) {
      s.calls++;
      return Buffer.from(`sealed:${Buffer.from(plain, 'utf8').toString('hex').split('').reverse().join('')}`);
    },
    decryptString(b: Buffer) {
      const t = b.toString();
      if (!t.startsWith('sealed:')) throw new Error('bad ciphertext');
      return Buffer.from(t.slice(7).split('').reverse().join(''), 'hex').toString('utf8');
    },
  };
  return s;
}

/** electron-store over a Map, with what was written kept as JSON text (what would be on disk). */
export function memoryStore(): StoreLike & { disk(): string } {
  const data = new Map<string, unknown>();
  return {
    get: (k) => structuredClone(data.get(k)),
    set: (k, v) => void data.set(k, structuredClone(v)),
    delete: (k) => void data.delete(k),
    disk: () => JSON.stringify(Object.fromEntries(data)),
  };
}
