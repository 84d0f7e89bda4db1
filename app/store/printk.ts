// Formatting of virtual times the way the kernel and the shell show them.

/** printk's timestamp prefix for an event at `ns`: `[    0.012345]` (seconds, microseconds). */
export function printkStamp(ns: number): string {
  const t = Math.max(0, Math.floor(ns));
  const sec = Math.floor(t / 1e9);
  const usec = Math.floor((t % 1e9) / 1e3);
  return `[${String(sec).padStart(5, ' ')}.${String(usec).padStart(6, '0')}]`;
}

/** A virtual time for the transport and the log: `3.110 ms`, `12.5 µs`, `1.250000 s`. */
export function formatTime(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1_000) return `${Math.round(ns)} ns`;
  if (a < 1_000_000) return `${(ns / 1_000).toFixed(3)} µs`;
  if (a < 1_000_000_000) return `${(ns / 1_000_000).toFixed(3)} ms`;
  return `${(ns / 1_000_000_000).toFixed(6)} s`;
}

/** A duration in words for cues: `99.8 ms`, `250 µs`, `1.50 s`. */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  if (a < 1_000) return `${Math.round(ns)} ns`;
  if (a < 1_000_000) return `${fmt(ns / 1_000)} µs`;
  if (a < 1_000_000_000) return `${fmt(ns / 1_000_000)} ms`;
  return `${fmt(ns / 1_000_000_000)} s`;
}
