// The container reader the video tests rely on, against files built here byte by byte
// (EBML elements and ISO BMFF boxes as the specs lay them out).
import { describe, expect, it } from 'vitest';
import { readContainer } from './container';

// --- EBML -----------------------------------------------------------------------------
const idBytes = (id: number) => {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 255);
  return out;
};
const size = (n: number) => [0x01, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]; // 8-byte vint
const el = (id: number, body: number[]) => [...idBytes(id), ...size(body.length), ...body];
const uint = (v: number, n: number) => Array.from({ length: n }, (_, i) => Math.floor(v / 256 ** (n - 1 - i)) & 255);
const f64 = (x: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x);
  return [...b];
};
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function webm(frames: number, fps: number, opts: { unknownCluster?: boolean } = {}): Uint8Array {
  const blocks: number[] = [];
  for (let k = 0; k < frames; k++) {
    const t = Math.round((k * 1000) / fps);
    const rel = t; // one cluster at 0
    const block = [0x81, (rel >> 8) & 255, rel & 255, k === 0 ? 0x80 : 0, 1, 2, 3];
    blocks.push(...(k % 2 ? el(0xa0, el(0xa1, block)) : el(0xa3, block)));
  }
  const clusterBody = [...el(0xe7, [0]), ...blocks];
  const cluster = opts.unknownCluster ? [...idBytes(0x1f43b675), 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...clusterBody] : el(0x1f43b675, clusterBody);
  const segment = el(0x18538067, [
    ...el(0x114d9b74, [1, 2, 3]), // SeekHead: skipped
    ...el(0x1549a966, [...el(0x2ad7b1, uint(1_000_000, 3)), ...el(0x4489, f64((frames * 1000) / fps))]),
    ...el(0x1654ae6b, el(0xae, [...el(0xd7, [1]), ...el(0x86, ascii('V_VP9')), ...el(0xe0, [...el(0xb0, uint(1280, 2)), ...el(0xba, uint(720, 2))])])),
    ...cluster,
  ]);
  return new Uint8Array([...el(0x1a45dfa3, el(0x4282, ascii('webm'))), ...segment]);
}

// --- MP4 ------------------------------------------------------------------------------
const box = (type: string, body: number[]) => [...uint(8 + body.length, 4), ...ascii(type), ...body];
const full = (type: string, body: number[], version = 0) => box(type, [version, 0, 0, 0, ...body]);

function mp4(frames: number, fps: number): Uint8Array {
  const scale = fps * 1000;
  const mvhd = full('mvhd', [...uint(0, 4), ...uint(0, 4), ...uint(1000, 4), ...uint((frames * 1000) / fps, 4), ...new Array(80).fill(0)]);
  const tkhd = full('tkhd', [...new Array(72).fill(0), ...uint(1280 * 65536, 4), ...uint(720 * 65536, 4)]);
  const mdhd = full('mdhd', [...uint(0, 4), ...uint(0, 4), ...uint(scale, 4), ...uint(frames * 1000, 4), 0, 0, 0, 0]);
  const stsd = full('stsd', [...uint(1, 4), ...box('avc1', new Array(78).fill(0))]);
  const stts = full('stts', [...uint(1, 4), ...uint(frames, 4), ...uint(1000, 4)]);
  const stsz = full('stsz', [...uint(0, 4), ...uint(frames, 4), ...new Array(frames * 4).fill(1)]);
  const moov = box('moov', [...mvhd, ...box('trak', [...tkhd, ...box('mdia', [...mdhd, ...box('minf', box('stbl', [...stsd, ...stts, ...stsz]))])])]);
  return new Uint8Array([...box('ftyp', ascii('isomiso2avc1mp41')), ...moov, ...box('mdat', [1, 2, 3])]);
}

describe('readContainer', () => {
  it('reads frames, duration, size and codec of a WebM file (SimpleBlocks and BlockGroups)', () => {
    for (const opts of [{}, { unknownCluster: true }]) {
      const info = readContainer(webm(60, 30, opts));
      expect(info).toMatchObject({ container: 'webm', frames: 60, width: 1280, height: 720, codec: 'V_VP9' });
      expect(info.duration).toBeCloseTo(2, 6);
      expect(info.framesSpan).toBeCloseTo(2, 1);
    }
  });

  it('reads frames, duration, size and codec of an MP4 file', () => {
    const info = readContainer(mp4(120, 60));
    expect(info).toMatchObject({ container: 'mp4', frames: 120, width: 1280, height: 720, codec: 'avc1' });
    expect(info.duration).toBeCloseTo(2, 6);
    expect(info.framesSpan).toBeCloseTo(2, 6);
  });

  it('names what it cannot read', () => {
    expect(() => readContainer(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/unknown container/);
    const w = webm(10, 30);
    expect(() => readContainer(w.subarray(0, w.length - 3))).toThrow(/WebM: cut short/);
    const m = mp4(10, 30);
    const bad = m.slice();
    new DataView(bad.buffer).setUint32(24, 0x7fffffff); // moov's size overruns the file
    expect(() => readContainer(bad)).toThrow(/MP4/);
  });
});
