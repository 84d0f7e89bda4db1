// The recorder's frame plan: exactly duration × fps frames, the pace of playback, and
// quiet gaps skipped as playback skips them.
import { describe, expect, it } from 'vitest';
import { MAX_FRAMES, planFrames } from './schedule';
import { GAP_LEAD_MS, MAX_GAP_MS } from '../store/playback';

describe('planFrames', () => {
  it('makes exactly duration × fps frames, one every pace / fps of virtual time', () => {
    const times = [0, 500_000, 1_000_000, 1_999_999];
    for (const fps of [30, 60]) {
      const p = planFrames(times, times.length, { t0: 0, t1: 2_000_000, fps, nsPerSecond: 1_000_000, skipQuiet: false });
      expect(p.times.length).toBe(2 * fps);
      expect(p.times[0]).toBe(0);
      expect(p.times[fps]).toBeCloseTo(1_000_000, 6);
      expect(p.times.at(-1)!).toBeLessThan(2_000_000);
      expect(Array.from(p.skipped).every((s) => s === 0)).toBe(true);
    }
    // A pace of 0.5 ms per second: twice as long.
    expect(planFrames(times, 4, { t0: 0, t1: 2_000_000, fps: 30, nsPerSecond: 500_000, skipQuiet: false }).times.length).toBe(120);
    // Ranges not starting at 0, and odd sizes: the ceiling of span / step.
    expect(planFrames(times, 4, { t0: 1_000_000, t1: 1_050_000, fps: 30, nsPerSecond: 1_000_000, skipQuiet: false }).times.length).toBe(2);
  });

  it('skips a quiet gap like playback: at most MAX_GAP_MS of video, the last GAP_LEAD_MS at pace', () => {
    // Events at 0 and 100 ms: at 1 ms per second the gap would take 100 s of video.
    const times = [0, 100_000_000, 100_100_000];
    const p = planFrames(times, times.length, { t0: 0, t1: 100_200_000, fps: 30, nsPerSecond: 1_000_000, skipQuiet: true });
    // The first frame shows the start; the next one has jumped to GAP_LEAD_MS of video
    // before the next event (a gap longer than MAX_GAP_MS of video is not played).
    expect(p.times[0]).toBe(0);
    expect(p.skipped[0]).toBe(0);
    expect(p.times[1]).toBeCloseTo(100_000_000 - GAP_LEAD_MS * 1_000, 3);
    expect(p.skipped[1]).toBeCloseTo(100_000_000 - GAP_LEAD_MS * 1_000, 3);
    // Then at pace to the end (no more long gaps): 1 + 0.6 ms at 1 ms per second, 30 fps.
    expect(p.times.length).toBe(1 + Math.ceil((600_000 * 30) / 1_000_000));
    expect(Array.from(p.skipped).filter((s) => s > 0)).toHaveLength(1);
    // A gap just under MAX_GAP_MS of video is played, not skipped.
    const near = [0, (MAX_GAP_MS - 10) * 1_000];
    const q = planFrames(near, 2, { t0: 0, t1: near[1] + 1, fps: 30, nsPerSecond: 1_000_000, skipQuiet: true });
    expect(Array.from(q.skipped).every((s) => s === 0)).toBe(true);
    for (let i = 1; i < p.times.length; i++) expect(p.times[i]).toBeGreaterThan(p.times[i - 1]);
  });

  it('refuses empty ranges, bad paces and plans over MAX_FRAMES', () => {
    const t = [0];
    expect(() => planFrames(t, 1, { t0: 5, t1: 5, fps: 30, nsPerSecond: 1e6, skipQuiet: false })).toThrow(/empty/);
    expect(() => planFrames(t, 1, { t0: 0, t1: 5, fps: 30, nsPerSecond: 0, skipQuiet: false })).toThrow(/positive/);
    expect(() => planFrames(t, 1, { t0: 0, t1: 1e12, fps: 60, nsPerSecond: 1e6, skipQuiet: false })).toThrow(new RegExp(MAX_FRAMES.toLocaleString('en')));
  });
});
