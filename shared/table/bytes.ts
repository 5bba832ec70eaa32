/**
 * A copy of bytes[start, end). Not `slice()`: on a Node Buffer, `slice` returns a view that shares
 * memory, and the readers reuse their chunk buffers, so a view would change under the caller.
 */
export function copyBytes(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}
