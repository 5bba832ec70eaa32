/** The key vault: secrets sealed before they are written, weak and missing keyrings said plainly. */
import { describe, expect, it } from 'vitest';
import { KeyVault } from '../../../electron/main/vault.ts';
import { fakeSafeStorage, memoryStore } from '../../helpers/fake-electron.ts';

const SECRET = 'Zz9-apiv3-key-0123456789abcdefgh';

describe('KeyVault', () => {
  it('seals every secret before it reaches the store, and reads it back', () => {
    const store = memoryStore();
    const v = new KeyVault(fakeSafeStorage(), store, 'linux');
    expect(v.status()).toEqual({ protection: 'os', backend: 'gnome_libsecret', sessionOnly: false });
    v.set('m1', 'apiV3Key', SECRET);
    expect(store.disk()).not.toContain(SECRET);
    expect(store.disk()).toContain('m1');
    // A fresh vault (a restart) over the same store decrypts it.
    const again = new KeyVault(fakeSafeStorage(), store, 'linux');
    expect([again.has('m1', 'apiV3Key'), again.get('m1', 'apiV3Key')]).toEqual([true, SECRET]);
    again.set('m1', 'apiV3Key', null);
    expect(again.has('m1', 'apiV3Key')).toBe(false);
  });

  it('on Linux without a keyring (basic_text) says it is weak and keeps secrets for the session only by default', () => {
    const store = memoryStore();
    const v = new KeyVault(fakeSafeStorage('basic_text'), store, 'linux');
    expect(v.status()).toEqual({ protection: 'weak', backend: 'basic_text', sessionOnly: true });
    v.set('m1', 'apiV2Key', SECRET);
    expect(v.get('m1', 'apiV2Key')).toBe(SECRET);
    expect(store.disk()).not.toContain('secrets');
    // The user may choose to write them anyway (sealed with the weak fallback), and back.
    expect(v.setSessionOnly(false).sessionOnly).toBe(false);
    expect(store.disk()).toContain('secrets');
    expect(store.disk()).not.toContain(SECRET);
    v.setSessionOnly(true);
    expect(store.disk()).not.toContain('"secrets"');
    expect(v.get('m1', 'apiV2Key')).toBe(SECRET);
    // After a restart in session-only mode the secret is gone, as promised.
    expect(new KeyVault(fakeSafeStorage('basic_text'), store, 'linux').has('m1', 'apiV2Key')).toBe(false);
  });

  it('without encryption at all nothing is written and writing cannot be turned on', () => {
    const store = memoryStore();
    const v = new KeyVault(fakeSafeStorage('unknown', false), store, 'linux');
    expect(v.status()).toMatchObject({ protection: 'unavailable', sessionOnly: true });
    v.set('m1', 'privateKeyPem', SECRET);
    expect(store.disk()).not.toContain('secrets');
    expect(() => v.setSessionOnly(false)).toThrow(expect.objectContaining({ code: 'vault-unavailable' }));
  });

  it('a ciphertext the keychain can no longer open is a clear failure, not a crash or an empty key', () => {
    const store = memoryStore();
    new KeyVault(fakeSafeStorage(), store, 'darwin').set('m1', 'apiV3Key', SECRET);
    const broken = { ...fakeSafeStorage(), decryptString: () => { throw new Error('keychain changed'); } };
    expect(() => new KeyVault(broken, store, 'darwin').get('m1', 'apiV3Key')).toThrow(expect.objectContaining({ code: 'vault-unavailable' }));
  });
});
