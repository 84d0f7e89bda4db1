// A small reader for the two containers the recorder writes, independent of the muxer
// that wrote them: how many video frames a file holds, how long it says it lasts, its
// size and codec. WebM: EBML elements (Segment › Info › TimecodeScale / Duration,
// Tracks › TrackEntry › CodecID / Video › PixelWidth / PixelHeight, Cluster ›
// SimpleBlock / BlockGroup › Block). MP4: ISO BMFF boxes (moov › mvhd, trak › tkhd,
// mdia › mdhd, stbl › stsd / stts / stsz). Used by the tests to check exports; throws an
// Error naming what it could not read.

export interface ContainerInfo {
  container: 'webm' | 'mp4';
  /** Video frames (blocks / samples). */
  frames: number;
  /** Duration the container states, seconds. */
  duration: number;
  /** Sum of the frames' durations (MP4: stts; WebM: last block's time + one frame), seconds. */
  framesSpan: number;
  width: number;
  height: number;
  codec: string;
}

export function readContainer(bytes: Uint8Array): ContainerInfo {
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return readWebm(bytes);
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'ftyp') return readMp4(bytes);
  throw new Error('neither WebM (EBML) nor MP4 (ftyp): unknown container');
}

// --- WebM -----------------------------------------------------------------------------

const MASTER = new Set([0x18538067, 0x1549a966, 0x1654ae6b, 0xae, 0xe0, 0x1f43b675, 0xa0]);

function vint(b: Uint8Array, p: number, keepMarker: boolean): { value: number; len: number; unknown: boolean } {
  const first = b[p];
  if (first === undefined) throw new Error('WebM: cut short');
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) throw new Error(`WebM: bad element header at byte ${p}`);
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = (first & (0xff >> len)) === 0xff >> len;
  for (let i = 1; i < len; i++) {
    const x = b[p + i];
    if (x === undefined) throw new Error('WebM: cut short');
    value = value * 256 + x;
    if (x !== 0xff) allOnes = false;
  }
  return { value, len, unknown: !keepMarker && allOnes };
}

function uint(b: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[p + i];
  return v;
}

function readWebm(b: Uint8Array): ContainerInfo {
  let scale = 1_000_000;
  let duration = NaN;
  let width = 0;
  let height = 0;
  let codec = '';
  let frames = 0;
  let clusterTime = 0;
  let lastBlock = -Infinity;
  let p = 0;
  // A linear walk: master elements are entered (their children follow), others skipped.
  while (p < b.length) {
    const id = vint(b, p, true);
    const size = vint(b, p + id.len, false);
    const start = p + id.len + size.len;
    if (MASTER.has(id.value)) {
      p = start;
      continue;
    }
    if (size.unknown) throw new Error(`WebM: element 0x${id.value.toString(16)} of unknown size`);
    const end = start + size.value;
    if (end > b.length) throw new Error('WebM: cut short');
    switch (id.value) {
      case 0x2ad7b1:
        scale = uint(b, start, size.value);
        break;
      case 0x4489: {
        const dv = new DataView(b.buffer, b.byteOffset + start, size.value);
        duration = size.value === 4 ? dv.getFloat32(0) : dv.getFloat64(0);
        break;
      }
      case 0x86:
        codec = new TextDecoder().decode(b.subarray(start, end));
        break;
      case 0xb0:
        width = uint(b, start, size.value);
        break;
      case 0xba:
        height = uint(b, start, size.value);
        break;
      case 0xe7:
        clusterTime = uint(b, start, size.value);
        break;
      case 0xa3: // SimpleBlock
      case 0xa1: {
        // Block: track number (vint), then a signed 16-bit time relative to the cluster.
        frames++;
        const track = vint(b, start, false);
        const rel = new DataView(b.buffer, b.byteOffset + start + track.len, 2).getInt16(0);
        lastBlock = Math.max(lastBlock, clusterTime + rel);
        break;
      }
    }
    p = end;
  }
  if (!frames) throw new Error('WebM: no video blocks');
  const secs = scale / 1e9;
  const frameGuess = frames > 1 ? lastBlock / (frames - 1) : 0;
  return {
    container: 'webm',
    frames,
    duration: duration * secs,
    framesSpan: (lastBlock + frameGuess) * secs,
    width,
    height,
    codec,
  };
}

// --- MP4 ------------------------------------------------------------------------------

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf']);

function readMp4(b: Uint8Array): ContainerInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let movie = { scale: 0, duration: 0 };
  let media = { scale: 0, duration: 0 };
  let width = 0;
  let height = 0;
  let codec = '';
  let frames = -1;
  let sttsTicks = 0;
  const walk = (from: number, to: number) => {
    let p = from;
    while (p + 8 <= to) {
      let size = dv.getUint32(p);
      const type = String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
      let head = 8;
      if (size === 1) {
        size = Number(dv.getBigUint64(p + 8));
        head = 16;
      } else if (size === 0) size = to - p;
      if (size < head || p + size > to) throw new Error(`MP4: box ${type} overruns its parent`);
      const s = p + head;
      if (CONTAINERS.has(type)) walk(s, p + size);
      else if (type === 'mvhd' || type === 'mdhd') {
        const v1 = b[s] === 1;
        const scale = dv.getUint32(s + (v1 ? 20 : 12));
        const duration = v1 ? Number(dv.getBigUint64(s + 24)) : dv.getUint32(s + 16);
        if (type === 'mvhd') movie = { scale, duration };
        else media = { scale, duration };
      } else if (type === 'tkhd') {
        const off = b[s] === 1 ? 88 : 76;
        const w = dv.getUint32(s + off) / 65536;
        const h = dv.getUint32(s + off + 4) / 65536;
        if (w && h) {
          width = w;
          height = h;
        }
      } else if (type === 'stsd') {
        codec = String.fromCharCode(b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
      } else if (type === 'stsz') {
        frames = dv.getUint32(s + 8);
      } else if (type === 'stts') {
        const n = dv.getUint32(s + 4);
        for (let i = 0; i < n; i++) sttsTicks += dv.getUint32(s + 8 + i * 8) * dv.getUint32(s + 12 + i * 8);
      }
      p += size;
    }
  };
  walk(0, b.length);
  if (frames < 0) throw new Error('MP4: no sample table (stsz)');
  if (!movie.scale) throw new Error('MP4: no movie header (mvhd)');
  return {
    container: 'mp4',
    frames,
    duration: movie.duration / movie.scale,
    framesSpan: media.scale ? sttsTicks / media.scale : NaN,
    width,
    height,
    codec,
  };
}
