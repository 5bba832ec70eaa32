/** The hand-written X.509 encoder, read back by Node (and so by OpenSSL underneath). */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { makeCertificate } from '../../../electron/simulator/certificate.ts';

const ca = generateKeyPairSync('rsa', { modulusLength: 2048 });
const leaf = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('makeCertificate', () => {
  it('makes a certificate Node reads: serial, names in Chinese, validity, key, issuer signature', () => {
    const pem = makeCertificate({
      serialHex: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', subject: { C: 'CN', O: '财付通支付科技有限公司', CN: '财付通支付科技有限公司' }, issuer: { C: 'CN', CN: 'Tenpay.com Root CA' },
      notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2060-06-30T12:00:00Z'), publicKey: leaf.publicKey, signingKey: ca.privateKey,
    });
    const c = new X509Certificate(pem);
    expect(c.serialNumber).toBe('5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
    expect(c.subject).toContain('O=财付通支付科技有限公司');
    expect(c.issuer).toContain('CN=Tenpay.com Root CA');
    // UTCTime before 2050, GeneralizedTime after.
    expect(new Date(c.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(c.validTo).toISOString()).toBe('2060-06-30T12:00:00.000Z');
    expect(c.publicKey.export({ type: 'spki', format: 'der' })).toEqual(leaf.publicKey.export({ type: 'spki', format: 'der' }));
    expect(c.verify(ca.publicKey)).toBe(true);
    expect(c.verify(leaf.publicKey)).toBe(false);
  });

  it('keeps a serial with the top bit set positive (a leading zero byte), and a private key given as the subject key works', () => {
    const c = new X509Certificate(makeCertificate({ serialHex: 'F0', subject: { CN: 'x' }, issuer: { CN: 'x' }, notBefore: new Date(0), notAfter: new Date('2030-01-01'), publicKey: leaf.privateKey, signingKey: leaf.privateKey }));
    expect(c.serialNumber.replace(/^0+/, '')).toBe('F0');
    expect(c.verify(leaf.publicKey)).toBe(true);
  });
});
