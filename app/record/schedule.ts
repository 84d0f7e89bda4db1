// Which virtual time each video frame shows. The video runs at a fixed frame rate and a
// fixed pace (virtual ns per second of video, like playback speed: 1× = 1 ms per
// second), and skips quiet gaps the way playback does (advanceClock in
// store/playback.ts: a gap that would take more than MAX_GAP_MS of video is jumped, the
// last GAP_LEAD_MS before the next event still plays at pace). Frames sample [t0, t1):
// frame k shows the time at its start, so a plan of N frames lasts exactly N / fps s.

import { GAP_LEAD_MS, MAX_GAP_MS } from '../store/playback';

export interface PlanOptions {
  /** Range of virtual time, ns (t1 > t0). */
  t0: number;
  t1: number;
  fps: number;
  /** Virtual ns per second of video. */
  nsPerSecond: number;
  /** Jump quiet gaps as playback does. */
  skipQuiet: boolean;
}

export interface FramePlan {
  /** Virtual time of each frame, ns. */
  times: Float64Array;
  /** Idle time skipped between the previous frame and this one, ns (0 when none). */
  skipped: Float64Array;
}

/** Longest video the recorder makes (10 minutes at 60 fps). */
export const MAX_FRAMES = 36_000;

/** First index with times[i] > t (times ascending). */
function upper(times: ArrayLike<number>, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The frames of a recording over event times `times[0..n)`. Throws a RangeError with a
 * sentence for a plan that is empty or longer than MAX_FRAMES.
 */
export function planFrames(times: ArrayLike<number>, n: number, o: PlanOptions): FramePlan {
  if (!(o.t1 > o.t0)) throw new RangeError('the range is empty: “to” must be after “from”');
  if (!(o.fps > 0) || !(o.nsPerSecond > 0)) throw new RangeError('the frame rate and the pace must be positive');
  const step = o.nsPerSecond / o.fps;
  const gapNs = (o.nsPerSecond * MAX_GAP_MS) / 1000;
  const leadNs = (o.nsPerSecond * GAP_LEAD_MS) / 1000;
  const eps = 1e-6;
  const outT: number[] = [];
  const outS: number[] = [];
  let base = o.t0;
  let k0 = 0;
  let skipped = 0;
  for (let k = 0; ; k++) {
    const vt = base + (k - k0) * step;
    if (vt >= o.t1 - eps) break;
    if (outT.length >= MAX_FRAMES) {
      throw new RangeError(`that would be over ${MAX_FRAMES.toLocaleString('en')} frames (10 minutes at 60 fps): record a shorter range or a faster pace`);
    }
    outT.push(vt);
    outS.push(skipped);
    skipped = 0;
    if (o.skipQuiet) {
      // A long quiet stretch ahead: the next frame jumps to just before its end.
      const j = upper(times, n, vt);
      const next = Math.min(j < n ? times[j] : Infinity, o.t1);
      if (next - vt > gapNs) {
        const to = next - leadNs;
        skipped = to - vt;
        base = to;
        k0 = k + 1;
      }
    }
  }
  return { times: Float64Array.from(outT), skipped: Float64Array.from(outS) };
}
