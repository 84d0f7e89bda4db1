// Test input: a decompression bomb for the link decoder's size bound (link.ts), written
// bit by bit in lz-string's URI-safe alphabet. Used by link.test.ts and hostile.test.ts.

/**
 * An lz-string URI-safe stream for "a" followed by `k` codes that each repeat the
 * previous entry plus one "a" (the LZW "code not yet in the dictionary" case):
 * 1 + 2 + ... + (k + 1) characters of output.
 */
export function lzBomb(k: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
  let out = '';
  let val = 0;
  let pos = 32;
  const write = (value: number, count: number) => {
    for (let i = 0; i < count; i++) {
      if ((value >> i) & 1) val |= pos;
      pos >>= 1;
      if (pos === 0) {
        out += alphabet[val];
        val = 0;
        pos = 32;
      }
    }
  };
  write(0, 2);
  write(97, 8);
  let dictSize = 4;
  let enlargeIn = 4;
  let numBits = 3;
  for (let i = 0; i < k; i++) {
    write(dictSize, numBits);
    dictSize++;
    if (--enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
  write(2, numBits);
  if (pos !== 32) out += alphabet[val];
  return out;
}
