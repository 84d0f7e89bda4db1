// Geometry of the time-space diagram (time → x, lane → y) and hit testing: which event
// is under the pointer. Pure; the canvas code and the tests share it.

import { lowerBound, type TraceIndex, type F64Vec, type I32Vec } from './traceIndex';

export interface DiagramGeometry {
  /** Plot area in CSS px within the canvas: left edge (after lane labels) and width. */
  left: number;
  width: number;
  /** Top of the first lane (below the axis and step labels). */
  top: number;
  laneH: number;
  /** Lanes scrolled off the top, px. */
  scrollY: number;
  lanes: number;
  t0: number;
  t1: number;
}

export const xOf = (g: DiagramGeometry, t: number) => g.left + ((t - g.t0) / (g.t1 - g.t0)) * g.width;
export const tOf = (g: DiagramGeometry, x: number) => g.t0 + ((x - g.left) / g.width) * (g.t1 - g.t0);
export const laneTop = (g: DiagramGeometry, lane: number) => g.top + lane * g.laneH - g.scrollY;

/** Lane under `y`, or -1 above the lanes / past the last one. */
export function laneAt(g: DiagramGeometry, y: number): number {
  if (y < g.top) return -1;
  const lane = Math.floor((y - g.top + g.scrollY) / g.laneH);
  return lane >= 0 && lane < g.lanes ? lane : -1;
}

export type HitKind = 'send' | 'handle' | 'hc' | 'console' | 'step' | 'panic';

export interface Hit {
  /** Trace index of the event. */
  index: number;
  kind: HitKind;
  lane: number;
  t: number;
  /** Distance in px along x. */
  dx: number;
}

/** Tie-break when two marks are equally near: IPIs first, then hypercalls, then console. */
const PRIORITY: Record<HitKind, number> = { send: 0, handle: 0, step: 1, panic: 1, hc: 2, console: 3 };

function better(a: Hit | null, b: Hit): boolean {
  if (!a) return true;
  if (Math.abs(b.dx - a.dx) > 0.5) return b.dx < a.dx;
  return PRIORITY[b.kind] < PRIORITY[a.kind];
}

/** Nearest entry of sorted `times` to `t` within `maxDt`: its position, or -1. */
export function nearest(times: ArrayLike<number>, n: number, t: number, maxDt: number): number {
  const j = lowerBound(times, n, t);
  let best = -1;
  let bd = maxDt;
  for (const c of [j - 1, j]) {
    if (c < 0 || c >= n) continue;
    const d = Math.abs(times[c] - t);
    if (d <= bd) {
      bd = d;
      best = c;
    }
  }
  return best;
}

/**
 * The event under (x, y) within `radius` px: in a lane, the nearest IPI endpoint,
 * hypercall tick or console mark; above the lanes, the nearest step or panic marker.
 */
export function hitTest(ix: TraceIndex, g: DiagramGeometry, x: number, y: number, radius = 6): Hit | null {
  if (x < g.left - radius || x > g.left + g.width + radius) return null;
  const t = tOf(g, x);
  const pxPerNs = g.width / (g.t1 - g.t0);
  const maxDt = radius / pxPerNs;
  let best: Hit | null = null;
  const consider = (times: F64Vec, idxOf: (j: number) => number, kind: HitKind, lane: number) => {
    const j = nearest(times.data, times.length, t, maxDt);
    if (j < 0) return;
    const h: Hit = { index: idxOf(j), kind, lane, t: times.data[j], dx: Math.abs(times.data[j] - t) * pxPerNs };
    if (h.index >= 0 && better(best, h)) best = h;
  };
  const lane = laneAt(g, y);
  if (lane < 0) {
    if (y < g.top) {
      consider(ix.stepT, (j) => ix.stepIdx.data[j], 'step', -1);
      consider(ix.panicT, (j) => ix.panicIdx.data[j], 'panic', -1);
    }
    return best;
  }
  const L = ix.lanes[lane];
  if (!L) return null;
  const at = (v: I32Vec) => (j: number) => v.data[j];
  consider(L.outT, (j) => ix.ipiSendIdx.data[L.outIpi.data[j]], 'send', lane);
  consider(L.inT, (j) => ix.ipiEndIdx.data[L.inIpi.data[j]], 'handle', lane);
  consider(L.hcT, at(L.hcIdx), 'hc', lane);
  consider(L.conT, at(L.conIdx), 'console', lane);
  return best;
}
