/**
 * Log lines never carry a secret. Whatever is logged (request lines, WeChat's error messages, a
 * reply body quoted in an error) passes through here first: Authorization headers, signatures, v2
 * `sign` fields, PEM blocks, bill download tokens and payers' openids are cut out by shape, and
 * the profile's own keys (APIv2, APIv3) wherever they appear, whatever the context.
 */

const RULES: readonly [RegExp, string][] = [
  // A whole Authorization header value, from its scheme to the end of the line (its parts are quoted).
  [/WECHATPAY2-SHA256-RSA2048\s+[^\r\n]*/g, 'WECHATPAY2-SHA256-RSA2048 [redacted]'],
  [/(authorization["']?\s*[:=]\s*["']?)[^\r\n"',}]+/gi, '$1[redacted]'],
  [/(signature\s*=\s*")[^"]*/gi, '$1[redacted]'],
  [/(wechatpay-signature["']?\s*[:=]\s*["']?)[^\r\n"',}]+/gi, '$1[redacted]'],
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, '[redacted PEM]'],
  // v2: <sign>…</sign> with or without CDATA; sign=… in a query or signed string.
  [/<sign>(<!\[CDATA\[)?[^<\]]*(\]\]>)?<\/sign>/gi, '<sign>[redacted]</sign>'],
  [/(["']?\bsign["']?\s*[:=]\s*["']?)[0-9A-Fa-f]{32,64}/g, '$1[redacted]'],
  // A v3 bill download link is a 30-second capability.
  [/([?&]token=)[^&\s"']+/g, '$1[redacted]'],
  // Payers' openids, in JSON, XML or form.
  [/(["']?\b(?:sp_|sub_)?openid["']?\s*[:=]\s*["']?|<(?:sp_|sub_)?openid>(?:<!\[CDATA\[)?)[A-Za-z0-9_-]{6,64}/gi, '$1[redacted]'],
];

export function redact(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (typeof s === 'string' && s.length >= 8) out = out.split(s).join('[redacted]');
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
