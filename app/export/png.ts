// PNG text chunks: the exported image of the stage carries the run's link in a tEXt
// chunk (keyword "xen-smp-playground", like Excalidraw's scene chunk), so dropping the
// image on the playground reopens the run. Reading also accepts an uncompressed iTXt
// chunk with the same keyword. Pure byte work; never throws on hostile input.

export const PNG_KEYWORD = 'xen-smp-playground';
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError('tEXt holds Latin-1 text only');
    out[i] = c;
  }
  return out;
}

/** A copy of the PNG with a tEXt chunk `keyword\0text` inserted right after IHDR. */
export function withPngText(png: Uint8Array, text: string, keyword = PNG_KEYWORD): Uint8Array {
  if (!isPng(png)) throw new Error('not a PNG');
  const ihdrLen = new DataView(png.buffer, png.byteOffset).getUint32(8);
  const afterIhdr = 8 + 12 + ihdrLen;
  const data = new Uint8Array([...latin1(keyword), 0, ...latin1(text)]);
  const chunk = new Uint8Array(12 + data.length);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, data.length);
  chunk.set(latin1('tEXt'), 4);
  chunk.set(data, 8);
  dv.setUint32(8 + data.length, crc32(chunk, 4, 8 + data.length));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, afterIhdr), 0);
  out.set(chunk, afterIhdr);
  out.set(png.subarray(afterIhdr), afterIhdr + chunk.length);
  return out;
}

/**
 * The text of the first tEXt (or uncompressed iTXt) chunk with `keyword`, or null.
 * Checks each chunk's bounds and CRC; stops at IEND or at the first broken chunk.
 */
export function readPngText(png: Uint8Array, keyword = PNG_KEYWORD): string | null {
  if (!isPng(png)) return null;
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let p = 8;
  const key = latin1(keyword);
  while (p + 12 <= png.length) {
    const len = dv.getUint32(p);
    if (len > png.length - p - 12) return null;
    const type = String.fromCharCode(png[p + 4], png[p + 5], png[p + 6], png[p + 7]);
    const start = p + 8;
    const end = start + len;
    if (crc32(png, p + 4, end) !== dv.getUint32(end)) return null;
    if (type === 'IEND') return null;
    if ((type === 'tEXt' || type === 'iTXt') && len > key.length && png[start + key.length] === 0) {
      let same = true;
      for (let i = 0; i < key.length; i++) if (png[start + i] !== key[i]) same = false;
      if (same) {
        let q = start + key.length + 1;
        if (type === 'tEXt') return decodeLatin1(png.subarray(q, end));
        // iTXt: compression flag, method, language\0, translated keyword\0, text (UTF-8).
        if (png[q] !== 0) return null; // compressed: not written by the playground
        q += 2;
        for (let z = 0; z < 2; z++) {
          while (q < end && png[q] !== 0) q++;
          q++;
        }
        if (q > end) return null;
        return new TextDecoder().decode(png.subarray(q, end));
      }
    }
    p = end + 4;
  }
  return null;
}

function decodeLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}
