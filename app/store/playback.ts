// Playback pace, as pure functions the frame scheduler uses.
//
// 1× is a pace a person can follow: 1 ms of virtual time per second of real time (a
// default boot of 4 vCPUs, ~7 ms, takes ~7 s). Speed runs on a log scale from 0.01× to
// 100×. Quiet gaps are skipped: the real time spent between two consecutive events is
// capped (a 100 ms sleep in xen_cpu_die must not take 100 s at 1×), and the skip is
// reported so the page can show "⏩ skipping 99.8 ms of idle time".

/** Virtual ns per real ms at 1× (1 ms per s). */
export const NS_PER_MS_AT_1X = 1_000;
export const MIN_SPEED = 0.01;
export const MAX_SPEED = 100;
/** Longest real time a gap between two events may take, ms. */
export const MAX_GAP_MS = 1_500;
/** After a skip, the last stretch before the next event still plays at pace, ms. */
export const GAP_LEAD_MS = 400;
/** A frame longer than this (a background tab, a debugger pause) counts as this long. */
export const MAX_FRAME_MS = 100;

export function clampSpeed(s: number): number {
  if (!Number.isFinite(s)) return 1;
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, s));
}

/** Slider position (log10 of the speed, -2..2) → speed, rounded to 2 significant digits. */
export function speedFromSlider(v: number): number {
  const s = Math.pow(10, Math.min(2, Math.max(-2, v)));
  return clampSpeed(Number(s.toPrecision(2)));
}

export function sliderFromSpeed(s: number): number {
  return Math.log10(clampSpeed(s));
}

export function formatSpeed(s: number): string {
  const x = clampSpeed(s);
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? Number(x.toFixed(1)) : Number(x.toPrecision(2))}×`;
}

export interface ClockStep {
  /** New virtual time, ns. */
  vt: number;
  /** Idle time skipped in this frame, ns (0 if none). */
  skipped: number;
}

/**
 * Advances the playback clock by one frame of `dtMs` real milliseconds at `speed`.
 * `nextT` is the time of the next event after the playhead (Infinity if none yet).
 */
export function advanceClock(vt: number, dtMs: number, speed: number, nextT: number): ClockStep {
  const rate = clampSpeed(speed) * NS_PER_MS_AT_1X; // virtual ns per real ms
  const dt = Math.min(Math.max(0, dtMs), MAX_FRAME_MS);
  let skipped = 0;
  if (Number.isFinite(nextT) && nextT - vt > rate * MAX_GAP_MS) {
    const to = nextT - rate * GAP_LEAD_MS;
    skipped = to - vt;
    vt = to;
  }
  return { vt: vt + rate * dt, skipped };
}
