// IPI arrows on the stage: geometry (curves between card rectangles), how far an arrow
// has travelled and how faded it is at the playhead, and bundling of fan-outs (a
// broadcast to 127 CPUs is one trunk with a count, not 127 crossing curves).
//
// Everything here is a pure function of the playhead (time and event index), so a
// paused frame, a screenshot and a scrub all show the same picture; the renderer adds
// real-time easing on top only while playing.

import type { ArrowState, PortState, VcpuState } from '../../engine/trace/state';
import type { Rect } from './layout';

export interface Pt {
  x: number;
  y: number;
}

/** A quadratic Bézier curve. */
export interface Quad {
  p0: Pt;
  c: Pt;
  p1: Pt;
}

export const center = (r: Rect): Pt => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });

/**
 * Where the ray from the centre of `r` towards `toward` leaves the rectangle grown by
 * `pad` px on every side (a negative pad ends inside).
 */
export function borderPoint(r: Rect, toward: Pt, pad = 0): Pt {
  const c = center(r);
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  const hw = r.w / 2 + pad;
  const hh = r.h / 2 + pad;
  if (dx === 0 && dy === 0) return { x: c.x, y: c.y - hh };
  const sx = dx !== 0 ? hw / Math.abs(dx) : Infinity;
  const sy = dy !== 0 ? hh / Math.abs(dy) : Infinity;
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

/**
 * The curve of an arrow from one card to another. It bends to the left of its
 * direction, so A→B and B→A are two separate arcs; a self-IPI is a loop on the card's
 * top-right corner. Neighbouring cards leave only a thin gap between them, so the bend
 * is at least `minBendFrac` of the cards' size across the arrow: the arc then leaves
 * and enters through the cards' sides (a C-shaped connector) instead of vanishing in
 * the gap. `pad` < 0 ends the arrow slightly inside the cards, so it visibly touches them.
 */
export function arrowCurve(from: Rect, to: Rect, bend = 0.18, pad = 3, minBendFrac = 0, side: 1 | -1 = 1): Quad {
  const a = center(from);
  const b = center(to);
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len < 1) {
    const p0 = { x: from.x + from.w * 0.62, y: from.y - pad };
    const p1 = { x: from.x + from.w + pad, y: from.y + from.h * 0.38 };
    const k = Math.min(from.w, from.h) * 0.55;
    return { p0, c: { x: from.x + from.w + k, y: from.y - k }, p1 };
  }
  const nx = (side * dy) / len;
  const ny = (-side * dx) / len;
  const across = Math.abs(nx) * from.w + Math.abs(ny) * from.h;
  const off = bend === 0 ? 0 : Math.max(bend * len, minBendFrac * across);
  const c = { x: (a.x + b.x) / 2 + nx * off, y: (a.y + b.y) / 2 + ny * off };
  // Far apart: leave towards the control point. Close together: leave sideways (along
  // the bend), so the arc has room to be seen.
  const t = Math.min(0.5, len / (3 * Math.max(1, across)));
  const aimA = { x: a.x + nx * off + dx * t, y: a.y + ny * off + dy * t };
  const aimB = { x: b.x + nx * off - dx * t, y: b.y + ny * off - dy * t };
  return { p0: borderPoint(from, aimA, pad), c, p1: borderPoint(to, aimB, pad) };
}

export function quadAt(q: Quad, s: number): Pt {
  const u = 1 - s;
  return {
    x: u * u * q.p0.x + 2 * u * s * q.c.x + s * s * q.p1.x,
    y: u * u * q.p0.y + 2 * u * s * q.c.y + s * s * q.p1.y,
  };
}

/** Direction of travel at `s` (not normalised). */
export function quadTangent(q: Quad, s: number): Pt {
  return {
    x: 2 * (1 - s) * (q.c.x - q.p0.x) + 2 * s * (q.p1.x - q.c.x),
    y: 2 * (1 - s) * (q.c.y - q.p0.y) + 2 * s * (q.p1.y - q.c.y),
  };
}

/** The part of the curve from its start to `s` (de Casteljau). */
export function quadHead(q: Quad, s: number): Quad {
  const c = { x: q.p0.x + (q.c.x - q.p0.x) * s, y: q.p0.y + (q.c.y - q.p0.y) * s };
  return { p0: q.p0, c, p1: quadAt(q, s) };
}

export function quadD(q: Quad): string {
  const f = (n: number) => Math.round(n * 10) / 10;
  return `M${f(q.p0.x)},${f(q.p0.y)}Q${f(q.c.x)},${f(q.c.y)} ${f(q.p1.x)},${f(q.p1.y)}`;
}

/** The three corners of an arrowhead with its tip at `tip`, pointing along `dir`. */
export function arrowHeadPoints(tip: Pt, dir: Pt, size: number): [Pt, Pt, Pt] {
  const len = Math.hypot(dir.x, dir.y) || 1;
  const ux = dir.x / len;
  const uy = dir.y / len;
  const bx = tip.x - ux * size;
  const by = tip.y - uy * size;
  const w = size * 0.55;
  return [tip, { x: bx - uy * w, y: by + ux * w }, { x: bx + uy * w, y: by - ux * w }];
}

/** A filled arrowhead with its tip at `tip`, pointing along `dir`, as an SVG path. */
export function arrowHeadD(tip: Pt, dir: Pt, size: number): string {
  const f = (n: number) => Math.round(n * 10) / 10;
  const [a, b, c] = arrowHeadPoints(tip, dir, size);
  return `M${f(a.x)},${f(a.y)}L${f(b.x)},${f(b.y)}L${f(c.x)},${f(c.y)}Z`;
}

// --- where an arrow is at the playhead ------------------------------------------------

/** Virtual time an arrow takes to cross the stage when its handler runs later than this. */
export const TRAVEL_NS = 20_000;
/** A just-sent arrow already shows its head leaving the sender. */
export const MIN_PROGRESS = 0.06;
/** Events after the send that still count as its travel (for the fade's event age). */
export const TRAVEL_EVENTS = 6;
/** A finished arrow fades over this much virtual time ... */
export const FADE_NS = 1_500_000;
/** ... or this many events, whichever keeps it longer (stepping vs playing). */
export const FADE_EVENTS = 60;

export type ArrowPhase = 'travel' | 'waiting' | 'done';

export interface ArrowView {
  id: number;
  from: number;
  to: number;
  vector: string;
  port: number;
  status: ArrowState['status'];
  t: number;
  tEnd: number;
  /** 0..1 along the path. */
  progress: number;
  opacity: number;
  phase: ArrowPhase;
  /** Virtual time since the send (in flight) or the send's whole latency (finished). */
  waitedNs: number;
  /** For a send other sends coalesced into: how many (the badge shows ×(merged+1)). */
  merged: number;
  /** For a coalesced send: the id of the pending send it merged into, or -1. */
  into: number;
}

export interface ArrowClock {
  /** Reduced motion: no travel; an arrow is drawn whole from the moment it is sent. */
  reducedMotion?: boolean;
  /** Playhead time, ns, and event index (events [0, index) are folded). */
  time: number;
  index: number;
  /** Trace index of the event that finished the arrow (handle/close/coalesce), if known. */
  endIndex(a: ArrowState): number;
  /** Handler time of an arrow still in flight at the playhead, from the trace's future; undefined if unknown. */
  futureEnd(a: ArrowState): number | undefined;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** For each coalesced arrow, the send it merged into (same port, pending when it came). */
export function mergeTargets(arrows: readonly ArrowState[]): Map<number, number> {
  const into = new Map<number, number>();
  for (const c of arrows) {
    if (c.status !== 'coalesced') continue;
    let best: ArrowState | null = null;
    for (const a of arrows) {
      if (a.status === 'coalesced' || a.port !== c.port || a.t > c.t || a.id === c.id) continue;
      if (a.status !== 'sent' && a.tEnd < c.t) continue;
      if (!best || a.t < best.t) best = a;
    }
    into.set(c.id, best ? best.id : -1);
  }
  return into;
}

/**
 * The arrows to draw at the playhead, with progress and opacity (invisible ones are
 * left out). Pure: the same playhead gives the same picture.
 */
export function arrowViews(arrows: readonly ArrowState[], clock: ArrowClock): ArrowView[] {
  const into = mergeTargets(arrows);
  const merged = new Map<number, number>();
  for (const [, target] of into) if (target >= 0) merged.set(target, (merged.get(target) ?? 0) + 1);
  const byId = new Map(arrows.map((a) => [a.id, a]));
  const out: ArrowView[] = [];
  for (const a of arrows) {
    if (a.id >= clock.index) continue;
    const end = a.status === 'sent' ? clock.futureEnd(a) : a.tEnd;
    const latency = end !== undefined && end >= a.t ? end - a.t : undefined;
    const travelNs = Math.min(latency ?? TRAVEL_NS, TRAVEL_NS);
    // Time, not event count, moves an arrow: many events share one instant, and playing
    // folds several per frame. Stepping through them shows it leaving, then arriving.
    const at = (time: number) => Math.max(travelNs > 0 ? (time - a.t) / travelNs : 1, MIN_PROGRESS);
    let progress: number;
    if (a.status === 'handled') progress = 1;
    else if (a.status === 'dropped') progress = Math.min(0.8, Math.max(0.45, clamp01(at(a.tEnd))));
    else progress = clock.reducedMotion ? 1 : clamp01(at(clock.time));
    let opacity = 1;
    let phase: ArrowPhase;
    if (a.status === 'sent') {
      phase = progress < 1 ? 'travel' : 'waiting';
    } else {
      phase = progress < 1 && a.status === 'coalesced' ? 'travel' : 'done';
      const doneT = Math.max(a.tEnd, a.t + travelNs);
      const ageNs = clock.time - doneT;
      const ageEv = clock.index - 1 - Math.max(clock.endIndex(a), a.id + TRAVEL_EVENTS);
      opacity = phase === 'travel' ? 1 : clamp01(Math.max(1 - ageNs / FADE_NS, 1 - ageEv / FADE_EVENTS));
      // A coalesced send stays in view as long as the send it merged into waits.
      const target = into.get(a.id);
      const pendingTarget = target !== undefined && target >= 0 ? byId.get(target) : undefined;
      if (a.status === 'coalesced' && pendingTarget?.status === 'sent') opacity = Math.max(opacity, 0.85);
    }
    if (opacity <= 0.02) continue;
    out.push({
      id: a.id,
      from: a.from,
      to: a.to,
      vector: a.vector,
      port: a.port,
      status: a.status,
      t: a.t,
      tEnd: a.tEnd,
      progress,
      opacity,
      phase,
      waitedNs: a.status === 'sent' ? Math.max(0, clock.time - a.t) : Math.max(0, a.tEnd - a.t),
      merged: merged.get(a.id) ?? 0,
      into: into.get(a.id) ?? -1,
    });
  }
  return out;
}

/** Why a sent IPI is still waiting at its target, in a few words ('' if it is about to run). */
export function waitReason(target: VcpuState | undefined, port: PortState | undefined): string {
  if (!target) return '';
  if (port?.masked) return 'port masked';
  if (target.runstate === 'offline') return 'vCPU offline';
  if (target.upcallMask) return 'irqs off';
  if (target.runstate === 'runnable') return 'stolen';
  if (target.runstate === 'blocked') return 'waking';
  return '';
}

// --- fan-out bundling ---------------------------------------------------------------

export interface Bundle {
  key: string;
  from: number;
  vector: string;
  members: ArrowView[];
}

export interface BundleOptions {
  /** A burst of this many distinct targets or more becomes one bundle. */
  minSize: number;
  /** Sends further apart than this start a new burst. */
  burstNs: number;
}

export const DEFAULT_BUNDLE: BundleOptions = { minSize: 4, burstNs: 50_000 };

/** Splits arrows into single arrows and bundles (same sender and vector, one burst). */
export function bundleArrows(views: readonly ArrowView[], opts: BundleOptions = DEFAULT_BUNDLE): { singles: ArrowView[]; bundles: Bundle[] } {
  const groups = new Map<string, ArrowView[]>();
  for (const v of views) {
    const k = `${v.from}:${v.vector}`;
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  const singles: ArrowView[] = [];
  const bundles: Bundle[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.t - b.t || a.id - b.id);
    let start = 0;
    for (let i = 1; i <= g.length; i++) {
      if (i < g.length && g[i].t - g[i - 1].t <= opts.burstNs) continue;
      const burst = g.slice(start, i);
      const targets = new Set(burst.map((v) => v.to));
      if (targets.size >= opts.minSize) {
        bundles.push({ key: `${burst[0].from}:${burst[0].vector}:${burst[0].id}`, from: burst[0].from, vector: burst[0].vector, members: burst });
      } else {
        singles.push(...burst);
      }
      start = i;
    }
  }
  singles.sort((a, b) => a.id - b.id);
  return { singles, bundles };
}

/**
 * The hub of a bundle: halfway from the sender to the centroid of its targets, or,
 * when the targets surround the sender, just outside the sender's card.
 */
export function bundleHub(from: Rect, targets: readonly Rect[]): Pt {
  const a = center(from);
  if (targets.length === 0) return { x: a.x, y: from.y - from.h * 0.6 };
  let sx = 0;
  let sy = 0;
  for (const r of targets) {
    sx += r.x + r.w / 2;
    sy += r.y + r.h / 2;
  }
  const cx = sx / targets.length;
  const cy = sy / targets.length;
  const d = Math.hypot(cx - a.x, cy - a.y);
  if (d < Math.max(from.w, from.h)) {
    const towards = d < 1 ? { x: a.x + 1, y: a.y + 1 } : { x: cx, y: cy };
    return borderPoint(from, towards, Math.min(from.w, from.h) * 0.5);
  }
  return { x: a.x + (cx - a.x) * 0.5, y: a.y + (cy - a.y) * 0.5 };
}

export interface BundleSummary {
  total: number;
  inFlight: number;
  handled: number;
  coalesced: number;
  dropped: number;
}

export function summarizeBundle(b: Bundle): BundleSummary {
  const s: BundleSummary = { total: b.members.length, inFlight: 0, handled: 0, coalesced: 0, dropped: 0 };
  for (const m of b.members) {
    if (m.status === 'sent') s.inFlight++;
    else if (m.status === 'handled') s.handled++;
    else if (m.status === 'coalesced') s.coalesced++;
    else s.dropped++;
  }
  return s;
}

/** The accessible name of a bundle's trunk. */
export function bundleName(b: Bundle): string {
  const s = summarizeBundle(b);
  const parts: string[] = [];
  if (s.inFlight) parts.push(`${s.inFlight} in flight`);
  if (s.handled) parts.push(`${s.handled} handled`);
  if (s.coalesced) parts.push(`${s.coalesced} coalesced`);
  if (s.dropped) parts.push(`${s.dropped} dropped`);
  return `${b.vector} IPIs from CPU ${b.from} to ${s.total} CPUs: ${parts.join(', ')}`;
}
