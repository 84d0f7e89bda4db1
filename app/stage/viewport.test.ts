import { describe, expect, it } from 'vitest';
import { boundsFor, clampWindow, ensureVisible, panBy, wheelFactor, zoomAt } from './viewport';

const b = boundsFor(0, 1_000_000);

describe('viewport', () => {
  it('zooms about the anchor: the anchor keeps its screen position', () => {
    const w = { t0: 100_000, t1: 300_000 };
    const anchor = 150_000;
    const z = zoomAt(w, anchor, 0.5, b);
    expect(z.t1 - z.t0).toBeCloseTo(100_000);
    expect((anchor - z.t0) / (z.t1 - z.t0)).toBeCloseTo((anchor - w.t0) / (w.t1 - w.t0));
  });

  it('never zooms in past the minimum span nor out far past the trace', () => {
    const tiny = zoomAt({ t0: 0, t1: 1000 }, 500, 1e-6, b);
    expect(tiny.t1 - tiny.t0).toBe(b.minSpan);
    const huge = zoomAt({ t0: 0, t1: 1_000_000 }, 0, 100, b);
    expect(huge.t1 - huge.t0).toBeLessThanOrEqual(1_100_000 + 1);
  });

  it('pans and clamps at the ends of the trace', () => {
    const p = panBy({ t0: 0, t1: 100_000 }, 50_000, b);
    expect(p).toEqual({ t0: 50_000, t1: 150_000 });
    const end = panBy({ t0: 900_000, t1: 1_000_000 }, 1e9, b);
    expect(end.t1).toBeLessThanOrEqual(1_050_000);
    expect(end.t1 - end.t0).toBeCloseTo(100_000);
    expect(clampWindow({ t0: 5, t1: 5 }, b).t1).toBeGreaterThan(5); // empty window gets a span
  });

  it('brings a time into view only when it is out of view', () => {
    const w = { t0: 100_000, t1: 200_000 };
    expect(ensureVisible(w, 150_000, 0.1, b)).toBe(w);
    const moved = ensureVisible(w, 600_000, 0.1, b);
    expect(moved.t1 - moved.t0).toBeCloseTo(100_000);
    expect((moved.t0 + moved.t1) / 2).toBeCloseTo(600_000);
  });

  it('turns wheel deltas into zoom factors (down zooms out, up zooms in)', () => {
    expect(wheelFactor(100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(-100, 0)).toBeLessThan(1);
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(99, 0));
  });
});
