import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseV2Xml, v2Sign, v2SignString, v2Verify, v2Xml, V2XmlError } from '../../../electron/wechatpay/v2.ts';

// ../shared/reference/wechatpay-api.md §6.1–6.2 (WeChat's own example, also in WxJava's SignUtilsTest).
const VECTOR = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
const KEY = '192006250b4c09247ec02edce69f6a2d';

describe('APIv2 signatures', () => {
  it('match the reference vectors: stringA, MD5 and HMAC-SHA256 (over stringA with &key=)', () => {
    expect(v2SignString(VECTOR)).toBe('appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA');
    expect(v2Sign(VECTOR, KEY)).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(v2Sign(VECTOR, KEY, 'HMAC-SHA256')).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
  });

  it('leave out sign and empty fields, keep sign_type, sort by name in ASCII order (case-sensitive)', () => {
    expect(v2SignString({ b: '2', A: '1', a: '', sign: 'X', sign_type: 'MD5', _z: '3' })).toBe('A=1&_z=3&b=2&sign_type=MD5');
  });

  it('verify by the signature length, and refuse any change, a wrong key or a malformed sign', () => {
    for (const type of ['MD5', 'HMAC-SHA256'] as const) {
      const signed = { ...VECTOR, sign: v2Sign(VECTOR, KEY, type) };
      expect(v2Verify(signed, KEY)).toBe(true);
      expect(v2Verify({ ...signed, sign: signed.sign.toLowerCase() }, KEY)).toBe(true);
      expect(v2Verify({ ...signed, body: 'tesT' }, KEY)).toBe(false);
      expect(v2Verify({ ...signed, extra_field_wechat_added: '1' }, KEY)).toBe(false);
      expect(v2Verify(signed, KEY.replace('1', '2'))).toBe(false);
    }
    expect(v2Verify({ ...VECTOR }, KEY)).toBe(false);
    expect(v2Verify({ ...VECTOR, sign: 'not-hex' }, KEY)).toBe(false);
    expect(v2Verify({ ...VECTOR, sign: '9A0A8659F005D6984697E2CA0A9CF3B' }, KEY)).toBe(false);
  });
});

describe('APIv2 XML', () => {
  it('keeps every value as the text it was: a 28-digit transaction id, a 0-led order number, 1e5', () => {
    const f = parseV2Xml(
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><transaction_id><![CDATA[4200001234202301011234567890]]></transaction_id>' +
        '<out_trade_no>0012345678901234</out_trade_no><openid>1e5</openid><total_fee>101</total_fee><attach><![CDATA[]]></attach></xml>',
    );
    expect(f).toEqual({ return_code: 'SUCCESS', transaction_id: '4200001234202301011234567890', out_trade_no: '0012345678901234', openid: '1e5', total_fee: '101', attach: '' });
  });

  it('round-trips any field values through v2Xml, CDATA terminators and markup included (property)', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/);
    const text = fc.string({ unit: fc.constantFrom('a', '1', ' ', '<', '>', '&', ']', '"', "'", '中', '😀', '\n') });
    fc.assert(
      fc.property(fc.dictionary(name, text, { maxKeys: 8 }), (fields) => {
        expect(parseV2Xml(v2Xml(fields))).toEqual(fields);
      }),
    );
  });

  it('unescapes the predefined entities and character references in text, and nothing else', () => {
    expect(parseV2Xml('<xml><a>1 &lt; 2 &amp;&amp; &#x4E2D;&#25991; &quot;x&apos;</a></xml>')).toEqual({ a: '1 < 2 && 中文 "x\'' });
    expect(() => parseV2Xml('<xml><a>&nbsp;</a></xml>')).toThrow(V2XmlError);
    expect(() => parseV2Xml('<xml><a>a & b</a></xml>')).toThrow(V2XmlError);
  });

  it('refuses what is not a flat WeChat reply: DOCTYPE/entities, nested or repeated fields, no root, not XML', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><xml><x>&b;</x></xml>';
    for (const bad of [bomb, '<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml/>', '<xml><a><b>1</b></a></xml>', '<xml><a>1</a><a>2</a></xml>', '<root><a>1</a></root>', 'No Bill Exist', '<xml><__proto__>1</__proto__></xml>']) {
      expect(() => parseV2Xml(bad), bad).toThrow(V2XmlError);
    }
    expect(parseV2Xml('<xml></xml>')).toEqual({});
  });

  it('signs what it parsed: a reply built, signed and parsed back verifies', () => {
    const reply = { return_code: 'SUCCESS', result_code: 'SUCCESS', trade_state: 'SUCCESS', transaction_id: '4200001234202301011234567890', nonce_str: 'n1' };
    const body = v2Xml({ ...reply, sign: v2Sign(reply, KEY, 'HMAC-SHA256') });
    expect(v2Verify(parseV2Xml(body), KEY)).toBe(true);
  });
});
