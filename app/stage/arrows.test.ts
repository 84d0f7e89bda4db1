import { describe, expect, it } from 'vitest';
import type { ArrowState } from '../../engine/trace/state';
import { newVcpu } from '../../engine/trace/state';
import {
  arrowCurve,
  arrowViews,
  borderPoint,
  bundleArrows,
  bundleHub,
  bundleName,
  FADE_EVENTS,
  FADE_NS,
  MIN_PROGRESS,
  quadAt,
  quadHead,
  TRAVEL_NS,
  waitReason,
  type ArrowClock,
  type ArrowView,
} from './arrows';

const A = { x: 0, y: 0, w: 100, h: 60 };
const B = { x: 300, y: 0, w: 100, h: 60 };

function arrow(over: Partial<ArrowState>): ArrowState {
  return { id: 10, t: 1000, from: 0, to: 1, vector: 'RESCHEDULE', port: 12, status: 'sent', tEnd: -1, ...over };
}

function clock(time: number, index: number, futureEnd?: number, endIndex = 0): ArrowClock {
  return { time, index, endIndex: () => endIndex, futureEnd: () => futureEnd };
}

describe('geometry', () => {
  it('puts border points on the rectangle edge, towards the target', () => {
    for (const toward of [
      { x: 500, y: 30 },
      { x: 50, y: -400 },
      { x: -300, y: 200 },
      { x: 90, y: 400 },
    ]) {
      const p = borderPoint(A, toward);
      const onX = Math.abs(p.x - A.x) < 1e-9 || Math.abs(p.x - (A.x + A.w)) < 1e-9;
      const onY = Math.abs(p.y - A.y) < 1e-9 || Math.abs(p.y - (A.y + A.h)) < 1e-9;
      expect(onX || onY).toBe(true);
      expect(p.x).toBeGreaterThanOrEqual(A.x - 1e-9);
      expect(p.x).toBeLessThanOrEqual(A.x + A.w + 1e-9);
    }
    expect(borderPoint(A, { x: 500, y: 30 }, 5).x).toBe(105);
  });

  it('bends A→B and B→A to opposite sides so they never overlap', () => {
    const ab = arrowCurve(A, B);
    const ba = arrowCurve(B, A);
    expect(Math.sign(ab.c.y - 30)).toBe(-Math.sign(ba.c.y - 30));
    expect(ab.p0.x).toBeGreaterThan(A.x + A.w); // leaves the sender's card
    expect(ab.p1.x).toBeLessThan(B.x); // stops before the target's card
  });

  it('draws a self-IPI as a loop outside its card', () => {
    const q = arrowCurve(A, A);
    expect(q.c.x).toBeGreaterThan(A.x + A.w);
    expect(q.c.y).toBeLessThan(A.y);
  });

  it('splits a curve at s: the head ends where the curve is at s', () => {
    const q = arrowCurve(A, B);
    const h = quadHead(q, 0.4);
    expect(h.p1).toEqual(quadAt(q, 0.4));
    expect(quadHead(q, 1).p1).toEqual(quadAt(q, 1));
    expect(quadAt(q, 0)).toEqual(q.p0);
  });
});

describe('arrowViews', () => {
  it('travels towards the target, then waits at it until the handler runs', () => {
    const a = arrow({});
    const latency = 4_000_000; // masked: handled 4 ms later
    const early = arrowViews([a], clock(a.t + TRAVEL_NS / 4, 11, a.t + latency))[0];
    expect(early.phase).toBe('travel');
    expect(early.progress).toBeCloseTo(0.25);
    const later = arrowViews([a], clock(a.t + TRAVEL_NS * 3, 12, a.t + latency))[0];
    expect(later.phase).toBe('waiting');
    expect(later.progress).toBe(1);
    expect(later.waitedNs).toBe(TRAVEL_NS * 3);
  });

  it('does not travel with reduced motion: drawn whole, waiting at its target', () => {
    const a = arrow({});
    const v = arrowViews([a], { ...clock(a.t + 10, 11, a.t + 4_000_000), reducedMotion: true })[0];
    expect(v.progress).toBe(1);
    expect(v.phase).toBe('waiting');
  });

  it('crosses in exactly its latency when the handler runs sooner than the travel time', () => {
    const a = arrow({});
    const v = arrowViews([a], clock(a.t + 1000, 11, a.t + 2000))[0];
    expect(v.progress).toBeCloseTo(0.5);
  });

  it('is moved by virtual time, not by how many events were folded (playing folds many a frame)', () => {
    const a = arrow({});
    const justSent = arrowViews([a], clock(a.t, a.id + 1, a.t + 4_000_000))[0];
    const manyEventsLater = arrowViews([a], clock(a.t, a.id + 40, a.t + 4_000_000))[0];
    expect(justSent.progress).toBeCloseTo(MIN_PROGRESS); // its head is already visible leaving the sender
    expect(manyEventsLater.progress).toBeCloseTo(MIN_PROGRESS);
    expect(manyEventsLater.phase).toBe('travel');
  });

  it('fades a handled arrow out, and keeps it while either the time or event age is small', () => {
    const a = arrow({ status: 'handled', tEnd: 5000 });
    const fresh = arrowViews([a], clock(5000, 200, undefined, 199))[0];
    expect(fresh.opacity).toBeCloseTo(1, 1);
    expect(fresh.progress).toBe(1);
    const stepping = arrowViews([a], clock(5000 + FADE_NS * 10, 199 + FADE_EVENTS / 2, undefined, 199))[0];
    expect(stepping.opacity).toBeGreaterThan(0.3);
    expect(arrowViews([a], clock(5000 + FADE_NS * 2, 199 + FADE_EVENTS * 2, undefined, 199))).toHaveLength(0);
  });

  it('hides arrows whose send is not yet folded at the playhead', () => {
    expect(arrowViews([arrow({})], clock(2000, 10))).toHaveLength(0);
  });

  it('merges coalesced sends into the pending one (×n) and keeps them while it waits', () => {
    const pending = arrow({ id: 10, t: 1000 });
    const c1 = arrow({ id: 20, t: 2_000_000, status: 'coalesced', tEnd: 2_000_000 });
    const c2 = arrow({ id: 30, t: 3_000_000, status: 'coalesced', tEnd: 3_000_000, from: 2 });
    const views = arrowViews([pending, c1, c2], clock(9_000_000, 500, 10_000_000, 29));
    const byId = new Map(views.map((v) => [v.id, v]));
    expect(byId.get(10)!.merged).toBe(2);
    expect(byId.get(20)!.into).toBe(10);
    expect(byId.get(30)!.into).toBe(10);
    expect(byId.get(20)!.opacity).toBeGreaterThan(0.5); // long after its own end, still shown
  });

  it('stops a dropped arrow short of its target', () => {
    const v = arrowViews([arrow({ status: 'dropped', tEnd: 1000 + TRAVEL_NS * 10 })], clock(1000 + TRAVEL_NS * 10, 100, undefined, 99))[0];
    expect(v.progress).toBeLessThan(1);
    expect(v.phase).toBe('done');
  });
});

describe('waitReason', () => {
  it('names why a sent IPI waits at its target', () => {
    const v = newVcpu(1);
    v.runstate = 'running';
    expect(waitReason(v, undefined)).toBe('');
    v.upcallMask = 1;
    expect(waitReason(v, undefined)).toBe('irqs off');
    v.upcallMask = 0;
    v.runstate = 'runnable';
    expect(waitReason(v, undefined)).toBe('stolen');
    const port = { port: 5, type: 'ipi', vcpu: 1, pending: true, masked: true, linked: false, prio: 7, irq: 3 };
    expect(waitReason(v, port)).toBe('port masked');
  });
});

describe('bundling', () => {
  const view = (id: number, to: number, t: number, over: Partial<ArrowView> = {}): ArrowView => ({
    id, from: 0, to, vector: 'CALL_FUNCTION', port: 100 + to, status: 'sent', t, tEnd: -1,
    progress: 1, opacity: 1, phase: 'waiting', waitedNs: 0, merged: 0, into: -1, ...over,
  });

  it('turns a broadcast burst into one bundle and leaves a pair as single arrows', () => {
    const burst = Array.from({ length: 127 }, (_, i) => view(i, i + 1, 1000 + i * 1000));
    const pair = [view(500, 3, 9_000_000, { vector: 'RESCHEDULE' }), view(501, 4, 9_001_000, { vector: 'RESCHEDULE' })];
    const { singles, bundles } = bundleArrows([...burst, ...pair]);
    expect(bundles).toHaveLength(1);
    expect(bundles[0].members).toHaveLength(127);
    expect(singles.map((s) => s.id)).toEqual([500, 501]);
    expect(bundleName(bundles[0])).toBe('CALL_FUNCTION IPIs from CPU 0 to 127 CPUs: 127 in flight');
  });

  it('splits sends far apart in time into separate bursts', () => {
    const a = Array.from({ length: 5 }, (_, i) => view(i, i + 1, i * 1000));
    const b = Array.from({ length: 5 }, (_, i) => view(10 + i, i + 1, 10_000_000 + i * 1000));
    expect(bundleArrows([...a, ...b]).bundles).toHaveLength(2);
  });

  it('places the hub between the sender and its targets', () => {
    const targets = [
      { x: 400, y: 300, w: 50, h: 50 },
      { x: 500, y: 300, w: 50, h: 50 },
    ];
    const hub = bundleHub({ x: 0, y: 0, w: 50, h: 50 }, targets);
    expect(hub.x).toBeGreaterThan(50);
    expect(hub.x).toBeLessThan(475);
    expect(hub.y).toBeGreaterThan(25);
    expect(hub.y).toBeLessThan(325);
  });
});

describe('short arrows', () => {
  it('arc out by a fraction of the card size between neighbouring cards', () => {
    const a = { x: 0, y: 100, w: 60, h: 50 };
    const b = { x: 66, y: 100, w: 60, h: 50 };
    const flat = arrowCurve(a, b, 0.2, 2);
    const arced = arrowCurve(a, b, 0.2, 2, 0.6);
    expect(Math.abs(arced.c.y - 125)).toBeCloseTo(30); // 0.6 × the cards' height across the arrow
    expect(arced.p0.y).toBeLessThan(125); // it leaves over the top, not through the gap
    expect(Math.abs(flat.c.y - 125)).toBeLessThan(30);
  });

  it('leaves and enters stacked cards through their sides, not the thin gap between them', () => {
    const top = { x: 0, y: 0, w: 250, h: 116 };
    const below = { x: 0, y: 127, w: 250, h: 116 };
    const q = arrowCurve(top, below, 0.2, -4, 0.75);
    const apex = quadAt(q, 0.5);
    expect(q.p1.y - q.p0.y).toBeGreaterThan(40); // a real arc, not an 11 px stub
    expect(apex.x).toBeGreaterThan(top.x + top.w - 10); // it bulges out past the cards' side
  });
});
