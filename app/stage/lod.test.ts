import { describe, expect, it } from 'vitest';
import { bucketCounts, countInRange, drawEach, runstateSegments, Segments } from './lod';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('bucketCounts', () => {
  it('matches a brute-force count per bucket on random sorted data', () => {
    const r = rng(7);
    const times = Float64Array.from({ length: 5000 }, () => Math.floor(r() * 1e6)).sort();
    const t0 = 123_456;
    const t1 = 876_543;
    const buckets = 97;
    const got = bucketCounts(times, times.length, t0, t1, buckets);
    const want = new Array(buckets).fill(0);
    for (const t of times) {
      if (t < t0 || t > t1) continue;
      const b = Math.min(buckets - 1, Math.floor(((t - t0) / (t1 - t0)) * buckets));
      want[b]++;
    }
    // Bucket edges are computed the same way up to float rounding: compare totals and most buckets.
    expect(got.reduce((a, b) => a + b, 0)).toBe(countInRange(times, times.length, t0, t1));
    let same = 0;
    for (let b = 0; b < buckets; b++) if (got[b] === want[b]) same++;
    expect(same).toBeGreaterThanOrEqual(buckets - 2);
  });

  it('reuses the output array when it is big enough', () => {
    const out = new Uint32Array(10);
    expect(bucketCounts([1, 2, 3], 3, 0, 4, 4, out)).toBe(out);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 1, 1, 1]);
  });
});

describe('drawEach', () => {
  it('draws marks one by one only while they are sparse', () => {
    expect(drawEach(100, 1000)).toBe(true);
    expect(drawEach(100_000, 1000)).toBe(false);
  });
});

describe('runstateSegments', () => {
  it('maps wide intervals exactly (offline before the first change, open last interval)', () => {
    const seg = runstateSegments([100, 200, 300], [1, 0, 2], 3, 400, 0, 400, 400, new Segments());
    const got = Array.from({ length: seg.length }, (_, i) => [seg.x0[i], seg.x1[i], seg.state[i]]);
    expect(got).toEqual([
      [0, 100, 3],
      [100, 200, 1],
      [200, 300, 0],
      [300, 400, 2],
    ]);
  });

  it('merges sub-pixel flicker into one segment per pixel of the dominant state', () => {
    // 10 000 alternating intervals of 1 ns (running) and 3 ns (blocked) over 40 000 ns in 100 px.
    const rsT: number[] = [];
    const rsS: number[] = [];
    for (let t = 0; t < 40_000; t += 4) {
      rsT.push(t, t + 1);
      rsS.push(0, 2);
    }
    const seg = runstateSegments(rsT, rsS, rsT.length, 40_000, 0, 40_000, 100, new Segments());
    expect(seg.length).toBeLessThanOrEqual(100);
    for (let i = 0; i < seg.length; i++) expect(seg.state[i]).toBe(2); // blocked dominates
    expect(seg.x0[0]).toBe(0);
    expect(seg.x1[seg.length - 1]).toBe(100);
  });

  it('only covers the visible window and stops at the end of the trace', () => {
    const seg = runstateSegments([0, 1000], [0, 2], 2, 1500, 500, 2500, 200, new Segments());
    expect(seg.x0[0]).toBe(0);
    expect(seg.x1[seg.length - 1]).toBeCloseTo(100); // trace ends at 1500 = 100 px
    expect(seg.state[0]).toBe(0);
    expect(seg.state[seg.length - 1]).toBe(2);
  });
});
