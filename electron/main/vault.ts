/**
 * The merchant key vault. Every secret (APIv2 key, APIv3 key, the API private key) is encrypted
 * with Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet) before it is written to the
 * store; electron-store's own `encryptionKey` is obfuscation, not security (its README says so).
 * On Linux without a keyring safeStorage falls back to a hard-coded password (`basic_text`): that
 * is said plainly (`protection: 'weak'`) and secrets are then kept for this session only unless the
 * user asks otherwise. Secret values never leave the main process: callers learn `has…`, not values.
 */
import { AppFailure } from '../../shared/ipc/result.ts';
import type { VaultStatus } from '../../shared/ipc/contract.ts';

/** Electron's safeStorage, reduced to what the vault uses (tests pass a fake). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only (Electron ≥ 27): `basic_text` means no keyring. */
  getSelectedStorageBackend?(): string;
}

/** electron-store's surface the app uses (a Map in tests). */
export interface StoreLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export const SECRET_NAMES = ['apiV2Key', 'apiV3Key', 'privateKeyPem'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const STORE_KEY = 'secrets';
const SESSION_ONLY_KEY = 'vault.sessionOnly';

type Sealed = Record<string, Partial<Record<SecretName, string>>>;

export class KeyVault {
  private readonly safe: SafeStorageLike;
  private readonly store: StoreLike;
  private readonly platform: string;
  /** Secrets held for this session (always; the store has them sealed unless session-only). */
  private readonly memory = new Map<string, string>();

  constructor(safe: SafeStorageLike, store: StoreLike, platform: string) {
    this.safe = safe;
    this.store = store;
    this.platform = platform;
  }

  private backend(): string {
    if (!this.safe.isEncryptionAvailable()) return 'unavailable';
    return this.safe.getSelectedStorageBackend?.() ?? (this.platform === 'darwin' ? 'keychain' : this.platform === 'win32' ? 'dpapi' : 'unknown');
  }

  status(): VaultStatus {
    const backend = this.backend();
    const protection = backend === 'unavailable' ? 'unavailable' : backend === 'basic_text' ? 'weak' : 'os';
    const chosen = this.store.get(SESSION_ONLY_KEY);
    // Without real protection the safe default is not to write secrets at all.
    const sessionOnly = protection === 'unavailable' ? true : typeof chosen === 'boolean' ? chosen : protection === 'weak';
    return { protection, backend, sessionOnly };
  }

  /** Keep secrets in memory only (removing any written), or write them sealed from now on. */
  setSessionOnly(sessionOnly: boolean): VaultStatus {
    const before = this.status();
    if (!sessionOnly && before.protection === 'unavailable') throw new AppFailure('vault-unavailable', '本机无法加密保存密钥，只能在本次会话中使用');
    this.store.set(SESSION_ONLY_KEY, sessionOnly);
    if (sessionOnly) {
      // Bring every sealed secret into memory, then remove them from disk.
      for (const [id, names] of Object.entries(this.sealed())) for (const name of Object.keys(names) as SecretName[]) this.get(id, name);
      this.store.delete(STORE_KEY);
    } else {
      for (const [k, v] of this.memory) {
        const [id, name] = splitKey(k);
        this.seal(id, name, v);
      }
    }
    return this.status();
  }

  private sealed(): Sealed {
    const v = this.store.get(STORE_KEY);
    return v !== null && typeof v === 'object' ? (v as Sealed) : {};
  }

  private seal(merchantId: string, name: SecretName, value: string | null): void {
    const all = this.sealed();
    const entry = { ...(all[merchantId] ?? {}) };
    if (value === null) delete entry[name];
    else entry[name] = this.safe.encryptString(value).toString('base64');
    if (Object.keys(entry).length === 0) delete all[merchantId];
    else all[merchantId] = entry;
    this.store.set(STORE_KEY, all);
  }

  set(merchantId: string, name: SecretName, value: string | null): void {
    const k = `${merchantId}\u0000${name}`;
    if (value === null) this.memory.delete(k);
    else this.memory.set(k, value);
    if (this.status().sessionOnly) {
      if (value === null) this.seal(merchantId, name, null);
      return;
    }
    this.seal(merchantId, name, value);
  }

  get(merchantId: string, name: SecretName): string | null {
    const k = `${merchantId}\u0000${name}`;
    const held = this.memory.get(k);
    if (held !== undefined) return held;
    const sealed = this.sealed()[merchantId]?.[name];
    if (sealed === undefined) return null;
    if (!this.safe.isEncryptionAvailable()) throw new AppFailure('vault-unavailable', '密钥已加密保存，但本机当前无法解密（系统钥匙串不可用）');
    let value: string;
    try {
      value = this.safe.decryptString(Buffer.from(sealed, 'base64'));
    } catch {
      throw new AppFailure('vault-unavailable', '无法解密已保存的密钥（系统钥匙串已更换？），请重新导入');
    }
    this.memory.set(k, value);
    return value;
  }

  has(merchantId: string, name: SecretName): boolean {
    return this.memory.has(`${merchantId}\u0000${name}`) || this.sealed()[merchantId]?.[name] !== undefined;
  }

  forget(merchantId: string): void {
    for (const name of SECRET_NAMES) this.set(merchantId, name, null);
  }
}

function splitKey(k: string): [string, SecretName] {
  const i = k.indexOf('\u0000');
  return [k.slice(0, i), k.slice(i + 1) as SecretName];
}
