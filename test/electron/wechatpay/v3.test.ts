import { describe, expect, it } from 'vitest';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { aeadDecrypt, aeadEncrypt, billDigestMatches, v3Authorization, v3RequestMessage, v3Sign, v3VerifyResponse } from '../../../electron/wechatpay/v3.ts';

const fixture = (name: string) => new URL(`../../fixtures/${name}`, import.meta.url).pathname;
// A public test key from WeChat Pay's Go SDK (see test/fixtures/wechatpay/PROVENANCE.md).
const TEST_KEY = createPrivateKey(readFileSync(fixture('wechatpay/public-test-rsa2048.pem')));

describe('APIv3 request signing', () => {
  it('lays out the message and the Authorization header as the reference (§6.3)', () => {
    expect(v3RequestMessage('GET', '/v3/certificates', 1624523846, 'A1B2C3D4E5F6G7', '')).toBe('GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n');
    expect(v3Authorization({ mchid: '1234567890', nonce: 'A1B2C3D4E5F6G7', timestampSec: 1624523846, serialNo: '0123456789ABC', signature: 'c2ln' })).toBe(
      'WECHATPAY2-SHA256-RSA2048 mchid="1234567890",nonce_str="A1B2C3D4E5F6G7",timestamp="1624523846",serial_no="0123456789ABC",signature="c2ln"',
    );
  });

  it('signs with SHA256withRSA exactly as WeChat Pay\'s SDK does (§6.4)', () => {
    expect(v3Sign('source', TEST_KEY)).toBe(
      'BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==',
    );
  });
});

describe('APIv3 response verification', () => {
  const wechat = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = 1_764_200_000;
  const body = '{"trade_state":"SUCCESS","transaction_id":"4200001234202311271234567890"}';
  const signed = (key = wechat.privateKey, timestamp = now, nonce = 'n0nce', text = body) => ({
    timestamp: String(timestamp),
    nonce,
    signature: v3Sign(`${timestamp}\n${nonce}\n${text}\n`, key),
  });
  const keys = { publicKey: { id: 'PUB_KEY_ID_0114232134912410000000000000', key: wechat.publicKey }, platform: new Map([['5157F09EFDC096DE15EBE81A47057A7232F1B8E1', platform.publicKey]]) };

  it('accepts WeChat\'s signature by public key id or by platform certificate serial (both during a switch)', () => {
    expect(v3VerifyResponse({ ...signed(), serial: keys.publicKey.id }, body, keys, now)).toBeNull();
    expect(v3VerifyResponse({ ...signed(platform.privateKey), serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' }, body, keys, now + 299)).toBeNull();
  });

  it('refuses a changed body, the wrong key, an unknown serial, a skewed clock, missing headers and WeChat\'s SIGNTEST probe', () => {
    const ok = { ...signed(), serial: keys.publicKey.id };
    expect(v3VerifyResponse(ok, body.replace('SUCCESS', 'NOTPAY'), keys, now)).toBe('bad-signature');
    expect(v3VerifyResponse({ ...signed(platform.privateKey), serial: keys.publicKey.id }, body, keys, now)).toBe('bad-signature');
    expect(v3VerifyResponse({ ...ok, serial: 'PUB_KEY_ID_OTHER' }, body, keys, now)).toBe('unknown-serial');
    expect(v3VerifyResponse(ok, body, keys, now + 300)).toBe('clock-skew');
    expect(v3VerifyResponse(ok, body, keys, now - 300)).toBe('clock-skew');
    expect(v3VerifyResponse({ ...ok, timestamp: '1e9' }, body, keys, now)).toBe('clock-skew');
    expect(v3VerifyResponse({ ...ok, signature: '' }, body, keys, now)).toBe('missing-headers');
    expect(v3VerifyResponse({ ...ok, signature: 'WECHATPAY/SIGNTEST/' + ok.signature }, body, keys, now)).toBe('signature-probe');
    expect(v3VerifyResponse({ ...ok, signature: 'not base64 at all' }, body, keys, now)).toBe('bad-signature');
    expect(v3VerifyResponse(ok, body, { platform: keys.platform }, now)).toBe('unknown-serial');
  });

  it('verifies with a key given as PEM too', () => {
    const pem = wechat.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(v3VerifyResponse({ ...signed(), serial: 'PUB_KEY_ID_X' }, body, { publicKey: { id: 'PUB_KEY_ID_X', key: pem } }, now)).toBeNull();
  });
});

describe('AEAD_AES_256_GCM and bill digests', () => {
  it('decrypts the reference vector (§6.5) and refuses a wrong key, tag or associated data', () => {
    const key = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
    expect(aeadDecrypt(key, 'uluk4a9R25RW', 'associatedData', 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=')).toBe('message');
    expect(() => aeadDecrypt(key.replace('a', 'b'), 'uluk4a9R25RW', 'associatedData', 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=')).toThrow();
    expect(() => aeadDecrypt(key, 'uluk4a9R25RW', 'certificate', 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=')).toThrow();
    expect(() => aeadDecrypt(key, 'uluk4a9R25RW', 'associatedData', 'AAAA')).toThrow(RangeError);
    expect(() => aeadDecrypt('short', 'uluk4a9R25RW', 'associatedData', 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=')).toThrow(RangeError);
    // The Go SDK's vector uses a 16-byte key (AES-128-GCM); it decrypts too.
    expect(aeadDecrypt('testAPIv3Key0000', 'wCq51qZv4Yfg', 'Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8', 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC')).toBe('Hello World');
  });

  it('encrypts what it decrypts (the simulator\'s certificate downloads)', () => {
    const key = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
    expect(aeadEncrypt(key, 'uluk4a9R25RW', 'associatedData', 'message')).toBe('ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB…中文\n-----END CERTIFICATE-----\n';
    expect(aeadDecrypt(key, 'n0nce12bytes', 'certificate', aeadEncrypt(key, 'n0nce12bytes', 'certificate', pem))).toBe(pem);
  });

  it('checks a downloaded bill against its SHA-1 (§6.6: the BOM+CRLF reconstruction)', () => {
    const bytes = readFileSync(fixture('samples/DERIVED_wxpay-v3-tradebill-ALL-2021-bom-crlf-reconstruction.txt'));
    expect(billDigestMatches(bytes, 'SHA1', 'dcd7ceb3d382a1181798368bb15d8437de46c00f')).toBe(true);
    expect(billDigestMatches(bytes, 'sha1', 'DCD7CEB3D382A1181798368BB15D8437DE46C00F')).toBe(true);
    expect(billDigestMatches(bytes.subarray(1), 'SHA1', 'dcd7ceb3d382a1181798368bb15d8437de46c00f')).toBe(false);
    expect(billDigestMatches(bytes, 'MD5', 'dcd7ceb3d382a1181798368bb15d8437de46c00f')).toBe(false);
    expect(billDigestMatches(bytes, 'SHA1', 'zz')).toBe(false);
  });
});
