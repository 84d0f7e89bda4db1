// The time window of the diagram: zoom about a point, pan, clamp, and bring a time
// into view. Pure functions; the shell owns the window (StageProps.window).

import type { TimeWindow } from './contract';

export interface WindowBounds {
  /** Trace start and end, ns. */
  min: number;
  max: number;
  /** Narrowest window, ns. */
  minSpan: number;
}

export const MIN_SPAN_NS = 200;

export function boundsFor(startT: number, endT: number): WindowBounds {
  return { min: Math.min(0, startT), max: Math.max(endT, startT + MIN_SPAN_NS), minSpan: MIN_SPAN_NS };
}

/** Keeps the window's span within [minSpan, 1.1 × trace] and its ends near the trace. */
export function clampWindow(w: TimeWindow, b: WindowBounds): TimeWindow {
  const full = b.max - b.min;
  const slack = full * 0.05;
  let span = w.t1 - w.t0;
  if (!(span > 0)) span = full;
  span = Math.min(Math.max(span, b.minSpan), full + 2 * slack);
  let t0 = w.t0;
  if (t0 < b.min - slack) t0 = b.min - slack;
  if (t0 + span > b.max + slack) t0 = b.max + slack - span;
  if (t0 < b.min - slack) t0 = b.min - slack;
  return { t0, t1: t0 + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping `anchor` (a time) at the same screen position. */
export function zoomAt(w: TimeWindow, anchor: number, factor: number, b: WindowBounds): TimeWindow {
  const span = w.t1 - w.t0;
  const next = Math.max(b.minSpan, span * factor);
  const ratio = next / span;
  const t0 = anchor - (anchor - w.t0) * ratio;
  return clampWindow({ t0, t1: t0 + next }, b);
}

export function panBy(w: TimeWindow, dt: number, b: WindowBounds): TimeWindow {
  return clampWindow({ t0: w.t0 + dt, t1: w.t1 + dt }, b);
}

/**
 * The window moved (same span) so `t` is inside with `margin` (a fraction of the span)
 * on each side, or the same window object when `t` is already comfortably in view.
 */
export function ensureVisible(w: TimeWindow, t: number, margin: number, b: WindowBounds): TimeWindow {
  const span = w.t1 - w.t0;
  const m = span * margin;
  if (t >= w.t0 + m && t <= w.t1 - m) return w;
  return clampWindow({ t0: t - span / 2, t1: t + span / 2 }, b);
}

/** Wheel delta (pixels or lines) to a zoom factor: one notch ≈ 15 %. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(Math.max(-600, Math.min(600, px)) * 0.0015);
}
