// The simulation kernel: one virtual clock, one event queue, one PRNG.
// Everything that happens in a run is a callback scheduled here at a virtual time.

import { Prng } from './prng';
import { EventQueue, type Timed } from './queue';

export type Handle = Timed<() => void>;

export type RunEnd = 'idle' | 'until' | 'limit' | 'stopped';

export class Sim {
  now = 0;
  /** Callbacks run so far (the "events" of the event core). */
  processed = 0;
  readonly prng: Prng;
  private q = new EventQueue<() => void>();
  private stopped = false;

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  /** Schedule `fn` at absolute virtual time `t` (never in the past). */
  at(t: number, fn: () => void): Handle {
    return this.q.push(Math.max(t, this.now), fn);
  }

  /** Schedule `fn` after `dt` nanoseconds. */
  after(dt: number, fn: () => void): Handle {
    return this.q.push(this.now + Math.max(0, Math.round(dt)), fn);
  }

  cancel(h: Handle | null | undefined): void {
    if (h) h.cancelled = true;
  }

  /** Ends the run after the current callback (a panic or a domain shutdown). */
  stop(): void {
    this.stopped = true;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Earliest pending time, or Infinity. */
  nextTime(): number {
    return this.q.peek()?.t ?? Infinity;
  }

  /**
   * Runs callbacks in (time, order) until the queue is empty, time passes `until`,
   * `maxEvents` callbacks have run, or stop() is called.
   */
  run(until = Infinity, maxEvents = Infinity): RunEnd {
    for (;;) {
      if (this.stopped) return 'stopped';
      const next = this.q.peek();
      if (!next) return 'idle';
      if (next.t > until) {
        this.now = until;
        return 'until';
      }
      if (this.processed >= maxEvents) return 'limit';
      this.q.pop();
      this.now = next.t;
      this.processed++;
      next.item();
    }
  }
}
