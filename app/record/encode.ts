// Encoding frames with WebCodecs through mediabunny (a maintained muxer for WebM and
// MP4), imported only when a recording starts so it stays out of the main bundle. Each
// frame is drawn into one canvas and added with its exact timestamp and duration
// (k / fps, 1 / fps): the file holds exactly as many frames as were drawn, and lasts
// frames / fps seconds — no wall clock involved, so a slow machine only takes longer.

export type VideoFormat = 'webm' | 'mp4';

export interface EncodeJob {
  format: VideoFormat;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Draws frame k into the canvas. */
  draw(k: number): void;
  onProgress?(done: number): void;
  signal?: AbortSignal;
}

export interface EncodeResult {
  blob: Blob;
  /** Wall time of drawing and encoding, ms. */
  ms: number;
  /** Of which drawing the frames, ms. */
  drawMs: number;
  codec: string;
}

export class EncodeCancelled extends Error {
  constructor() {
    super('recording cancelled');
    this.name = 'EncodeCancelled';
  }
}

/** Codec per container: VP9 in WebM, H.264 in MP4 (VP8 is several times slower to encode here). */
export const CODEC = { webm: 'vp9', mp4: 'avc' } as const;

/** Bits per second for a size and rate (screen-like pictures: flat colours, text). */
export function bitrateFor(width: number, height: number, fps: number): number {
  const px = width * height;
  return Math.round((px >= 1920 * 1080 ? 6e6 : 3e6) * (fps > 30 ? 1.4 : 1));
}

export async function encodeVideo(canvas: HTMLCanvasElement | OffscreenCanvas, job: EncodeJob): Promise<EncodeResult> {
  if (typeof VideoEncoder === 'undefined') throw new Error('this browser has no WebCodecs video encoder (VideoEncoder): try a current Chrome, Edge or Firefox');
  const mb = await import('mediabunny');
  const codec = CODEC[job.format];
  const bitrate = bitrateFor(job.width, job.height, job.fps);
  if (!(await mb.canEncodeVideo(codec, { width: job.width, height: job.height, bitrate }))) {
    throw new Error(`this browser cannot encode ${codec === 'vp9' ? 'VP9 (WebM)' : 'H.264 (MP4)'} at ${job.width}×${job.height}: try the other format`);
  }
  const format = job.format === 'webm' ? new mb.WebMOutputFormat() : new mb.Mp4OutputFormat({ fastStart: 'in-memory' });
  const target = new mb.BufferTarget();
  const output = new mb.Output({ format, target });
  // 'quality', not 'realtime': in realtime mode Chromium lets the encoder drop frames
  // (rc_dropframe_thresh, behind its WebCodecs frame-drop feature), and a dropped frame would
  // break "frames = duration × fps". Measured: realtime was no faster at 1080p60 anyway.
  const source = new mb.CanvasSource(canvas, { codec, bitrate, keyFrameInterval: 2, latencyMode: 'quality' });
  output.addVideoTrack(source, { frameRate: job.fps });
  const t0 = performance.now();
  let drawMs = 0;
  await output.start();
  try {
    for (let k = 0; k < job.frames; k++) {
      if (job.signal?.aborted) throw new EncodeCancelled();
      const d0 = performance.now();
      job.draw(k);
      drawMs += performance.now() - d0;
      await source.add(k / job.fps, 1 / job.fps);
      job.onProgress?.(k + 1);
      // Let the page paint the progress bar now and then.
      if (k % 8 === 7) await new Promise((r) => setTimeout(r, 0));
    }
    if (job.signal?.aborted) throw new EncodeCancelled();
    await output.finalize();
  } catch (e) {
    if (output.state !== 'finalized' && output.state !== 'canceled') await output.cancel().catch(() => undefined);
    throw e;
  }
  const buf = target.buffer;
  if (!buf) throw new Error('the muxer produced no file');
  return { blob: new Blob([buf], { type: format.mimeType }), ms: performance.now() - t0, drawMs, codec };
}
