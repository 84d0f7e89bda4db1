// PNG text chunks: the exported image's link survives the round trip; hostile or foreign
// PNGs give null, never an exception.
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { crc32, isPng, PNG_KEYWORD, readPngText, withPngText } from './png';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** A valid 1×1 RGBA PNG. */
function tinyPng(): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, 1);
  dv.setUint32(4, 1);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const idat = new Uint8Array(deflateSync(Buffer.from([0, 255, 0, 0, 255])));
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('PNG text chunks', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('inserts the link after IHDR and reads it back; the image is otherwise unchanged', () => {
    const png = tinyPng();
    const link = '#v1:z:N4IgziBcoG4KYCcwEsD2A7KBGAvjoA';
    const out = withPngText(png, link);
    expect(isPng(out)).toBe(true);
    expect(out.length).toBe(png.length + 12 + PNG_KEYWORD.length + 1 + link.length);
    expect(String.fromCharCode(...out.subarray(37, 41))).toBe('tEXt');
    expect(readPngText(out)).toBe(link);
    expect(readPngText(png)).toBeNull();
    expect(readPngText(out, 'other-keyword')).toBeNull();
  });

  it('reads an uncompressed iTXt chunk with the keyword', () => {
    const png = tinyPng();
    const body = new Uint8Array([...new TextEncoder().encode(PNG_KEYWORD), 0, 0, 0, 0, 0, ...new TextEncoder().encode('#v1:j:%7B%7D é')]);
    const it = chunk('iTXt', body);
    const out = new Uint8Array([...png.subarray(0, 33), ...it, ...png.subarray(33)]);
    expect(readPngText(out)).toBe('#v1:j:%7B%7D é');
  });

  it('returns null for truncated, corrupted or foreign files', () => {
    const out = withPngText(tinyPng(), '#v1:j:x');
    for (let n = 0; n < out.length; n += 7) expect(() => readPngText(out.subarray(0, n))).not.toThrow();
    const bad = out.slice();
    bad[45] ^= 0xff; // inside the tEXt data: its CRC no longer matches
    expect(readPngText(bad)).toBeNull();
    const huge = out.slice();
    new DataView(huge.buffer).setUint32(33, 0xfffffff0);
    expect(readPngText(huge)).toBeNull();
    expect(readPngText(new TextEncoder().encode('GIF89a......'))).toBeNull();
    expect(() => withPngText(new Uint8Array(4), 'x')).toThrow(/not a PNG/);
    expect(() => withPngText(tinyPng(), 'snow ☃')).toThrow(RangeError);
  });
});
