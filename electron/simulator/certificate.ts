/**
 * Platform certificates (平台证书) for the simulator's certificate mode: a minimal X.509 v3
 * certificate in DER, written by hand because Node can read and verify certificates but not make
 * them, and the simulator must not need openssl on a finance user's machine. Just what WeChat's
 * certificates carry that a client looks at: serial, issuer and subject, validity, an RSA key,
 * signed SHA256withRSA by the issuer's key. Node's X509Certificate reads the result.
 */
import { createPublicKey, createSign, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** A positive INTEGER from hex (a leading 00 when the top bit is set). */
function integerHex(hex: string): Buffer {
  let bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1]! < 0x80) bytes = bytes.subarray(1);
  if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** UTCTime for years before 2050, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

function name(parts: Record<string, string>): Buffer {
  const OIDS: Record<string, string> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
  return seq(...Object.entries(parts).map(([k, v]) => set(seq(oid(OIDS[k]!), k === 'C' ? tlv(0x13, Buffer.from(v)) : tlv(0x0c, Buffer.from(v, 'utf8'))))));
}

const SHA256_WITH_RSA = () => seq(oid('1.2.840.113549.1.1.11'), tlv(0x05));

export interface CertificateSpec {
  /** Hex, as WeChat prints platform certificate serials. */
  serialHex: string;
  subject: Record<string, string>;
  issuer: Record<string, string>;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  /** The issuer's key (the certificate's own private key for a self-signed one). */
  signingKey: KeyObject;
}

/** The certificate as PEM. */
export function makeCertificate(spec: CertificateSpec): string {
  const publicKey = spec.publicKey.type === 'private' ? createPublicKey(spec.publicKey) : spec.publicKey;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    integerHex(spec.serialHex),
    SHA256_WITH_RSA(),
    name(spec.issuer),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spki,
  );
  const signature = createSign('RSA-SHA256').update(tbs).sign(spec.signingKey);
  const der = seq(tbs, SHA256_WITH_RSA(), tlv(0x03, Buffer.from([0]), signature));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
