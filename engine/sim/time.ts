// Virtual time is an integer number of nanoseconds held in a JS number
// (exact up to 2^53 ns ≈ 104 days, far beyond any scenario).

export const NS = 1;
export const US = 1_000;
export const MS = 1_000_000;
export const S = 1_000_000_000;

const UNIT: Record<string, number> = { ns: NS, us: US, 'µs': US, ms: MS, s: S };

/** Parses `250us`, `40ms`, `1.5s` or a plain number of nanoseconds. Returns null when malformed. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') {
    return Number.isFinite(v) && v >= 0 && Number.isInteger(v) ? v : null;
  }
  if (typeof v !== 'string' || v.length > 32) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)\s*$/.exec(v);
  if (!m) return null;
  const ns = Math.round(parseFloat(m[1]) * UNIT[m[2]]);
  return Number.isSafeInteger(ns) ? ns : null;
}

/** Human form used in the UI and console: `1.250 ms`, `3 µs`, `2.5 s`. */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a >= S) return `${trim(ns / S)} s`;
  if (a >= MS) return `${trim(ns / MS)} ms`;
  if (a >= US) return `${trim(ns / US)} µs`;
  return `${ns} ns`;
}

function trim(x: number): string {
  return x.toFixed(3).replace(/\.?0+$/, '');
}

/** Linux printk timestamp: `[    0.012345]`. */
export function printkTime(ns: number): string {
  const s = Math.floor(ns / S);
  const us = Math.floor((ns % S) / US);
  return `[${String(s).padStart(5, ' ')}.${String(us).padStart(6, '0')}]`;
}
