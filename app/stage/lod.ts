// Level of detail for the time-space diagram: what to draw when a pixel covers
// thousands of events. Counts per pixel bucket come from binary searches on the sorted
// time columns (O(buckets · log n), independent of how many events are visible), and
// runstate intervals narrower than a pixel merge into one pixel-wide segment of the
// state that dominated it.

import { lowerBound, upperBound } from './traceIndex';

/** Draw every mark when at most this many fall in view per pixel of width... */
export const EACH_PER_PX = 0.34;

/** Events of sorted `times[0..n)` in [t0, t1]. */
export function countInRange(times: ArrayLike<number>, n: number, t0: number, t1: number): number {
  return upperBound(times, n, t1) - lowerBound(times, n, t0);
}

/** Whether marks are few enough to draw one by one in `widthPx` pixels. */
export function drawEach(count: number, widthPx: number): boolean {
  return count <= Math.max(8, widthPx * EACH_PER_PX);
}

/**
 * Counts of sorted `times[0..n)` in `buckets` equal slices of [t0, t1) (the last one
 * closed). `out` is reused when big enough.
 */
export function bucketCounts(
  times: ArrayLike<number>,
  n: number,
  t0: number,
  t1: number,
  buckets: number,
  out?: Uint32Array,
): Uint32Array {
  const res = out && out.length >= buckets ? out : new Uint32Array(buckets);
  const span = t1 - t0;
  let prev = lowerBound(times, n, t0);
  for (let b = 0; b < buckets; b++) {
    const edge = t0 + (span * (b + 1)) / buckets;
    const next = b === buckets - 1 ? upperBound(times, n, t1) : lowerBound(times, n, edge);
    res[b] = next - prev;
    prev = next;
  }
  return res;
}

/** Output of `runstateSegments`: parallel arrays of pixel segments, reused between draws. */
export class Segments {
  x0 = new Float64Array(256);
  x1 = new Float64Array(256);
  state = new Uint8Array(256);
  length = 0;
  clear(): void {
    this.length = 0;
  }
  push(x0: number, x1: number, state: number): void {
    const n = this.length;
    if (n > 0 && this.state[n - 1] === state && this.x1[n - 1] >= x0 - 0.01) {
      this.x1[n - 1] = Math.max(this.x1[n - 1], x1);
      return;
    }
    if (n === this.x0.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.x0 = grow(this.x0, (k) => new Float64Array(k));
      this.x1 = grow(this.x1, (k) => new Float64Array(k));
      this.state = grow(this.state, (k) => new Uint8Array(k));
    }
    this.x0[n] = x0;
    this.x1[n] = x1;
    this.state[n] = state;
    this.length = n + 1;
  }
}

/**
 * Runstate intervals of one lane as pixel segments over [t0, t1] mapped to [0, widthPx]:
 * interval j is [rsT[j], rsT[j+1]) in state rsState[j]; before the first change the
 * vCPU is offline (3); the last interval ends at `endT`. Pieces narrower than a pixel
 * are summed per pixel and drawn as that pixel's dominant state.
 */
export function runstateSegments(
  rsT: ArrayLike<number>,
  rsState: ArrayLike<number>,
  n: number,
  endT: number,
  t0: number,
  t1: number,
  widthPx: number,
  out: Segments,
): Segments {
  out.clear();
  if (t1 <= t0 || widthPx <= 0) return out;
  const k = widthPx / (t1 - t0);
  const lastT = Math.min(endT, t1);
  let j = upperBound(rsT, n, t0) - 1;
  const acc = [0, 0, 0, 0];
  let bucket = -1;
  const flush = () => {
    if (bucket < 0) return;
    let best = 0;
    for (let s = 1; s < 4; s++) if (acc[s] > acc[best]) best = s;
    out.push(bucket, bucket + 1, best);
    acc[0] = acc[1] = acc[2] = acc[3] = 0;
    bucket = -1;
  };
  for (; j < n; j++) {
    const start = j < 0 ? -Infinity : rsT[j];
    const end = j + 1 < n ? rsT[j + 1] : endT;
    if (start >= lastT) break;
    const s = Math.max(start, t0);
    const e = Math.min(end, lastT);
    if (e <= s) continue;
    const state = j < 0 ? 3 : rsState[j];
    const xs = (s - t0) * k;
    const xe = (e - t0) * k;
    if (xe - xs >= 1) {
      if (bucket >= 0 && xs >= bucket + 1) flush();
      if (bucket >= 0) {
        // The wide piece starts inside the open pixel: that pixel goes to it if it dominates.
        acc[state] += bucket + 1 - xs;
        flush();
        out.push(Math.max(xs, out.length ? out.x1[out.length - 1] : xs), xe, state);
      } else {
        out.push(xs, xe, state);
      }
    } else {
      const b = Math.floor(xs);
      if (b !== bucket) {
        flush();
        bucket = b;
      }
      acc[state] += xe - xs;
    }
  }
  flush();
  return out;
}
