// Time travel over a trace that is still arriving: the shell's keyframes. Like
// engine/trace/keyframes.ts (a clone of the folded state every K events; the picture
// at index i = nearest keyframe folded forward), but folding happens in small slices
// with a deadline (`extend`), so a million-event trace never blocks the page, and the
// same pass feeds the TraceIndex (stops, chapters, log rows).

import type { TraceColumns } from '../../engine/trace/columns';
import { applyEvent } from '../../engine/trace/fold';
import { cloneState, emptyState, type VisualState } from '../../engine/trace/state';
import { TraceIndex } from './traceIndex';

export const KEYFRAME_INTERVAL = 4096;

const clock = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class Timeline {
  readonly interval: number;
  readonly index = new TraceIndex();
  private frames: VisualState[] = [emptyState()];
  private head: VisualState = emptyState();
  /** No more events will come (the run finished). */
  complete = false;

  constructor(
    readonly cols: TraceColumns,
    interval = KEYFRAME_INTERVAL,
  ) {
    this.interval = interval;
  }

  /** Events folded so far: positions [0, folded] are available to the playhead. */
  get folded(): number {
    return this.head.index;
  }

  /** Everything received is folded and the run is over. */
  get caughtUp(): boolean {
    return this.complete && this.head.index >= this.cols.length;
  }

  /** The latest folded state (read-only). */
  get latest(): VisualState {
    return this.head;
  }

  /** Time of the last folded event, ns. */
  get endTime(): number {
    return this.head.index > 0 ? this.cols.t[this.head.index - 1] : 0;
  }

  /**
   * Folds received events until `deadline` (a performance.now() time) or until caught
   * up; returns true when caught up. At least one event is folded per call.
   */
  extend(deadline = Infinity, now: () => number = clock): boolean {
    const cols = this.cols;
    const n = cols.length;
    const s = this.head;
    let budget = 0;
    while (s.index < n) {
      const i = s.index;
      const e = cols.get(i);
      applyEvent(s, e);
      this.index.add(i, e);
      if (s.index % this.interval === 0) this.frames.push(cloneState(s));
      if (++budget >= 256) {
        budget = 0;
        if (now() >= deadline) break;
      }
    }
    if (s.index >= n && this.complete) this.index.finish(n);
    return s.index >= n;
  }

  /** Marks the trace complete (call once the run's last chunk is in). */
  markComplete(): void {
    this.complete = true;
    if (this.head.index >= this.cols.length) this.index.finish(this.cols.length);
  }

  /** Clamps a playhead position to what is folded. */
  clamp(index: number): number {
    return Math.max(0, Math.min(Math.round(index), this.head.index));
  }

  /** A fresh state with events [0, index) folded (index clamped to what is folded). */
  at(index: number): VisualState {
    const target = this.clamp(index);
    if (target === this.head.index) return cloneState(this.head);
    const f = this.frames[Math.floor(target / this.interval)];
    const s = cloneState(f);
    while (s.index < target) applyEvent(s, this.cols.get(s.index));
    return s;
  }

  /** A fresh state at `index`, reusing `from` (not mutated) when it is a little behind. */
  stateFrom(from: VisualState | null, index: number): VisualState {
    const target = this.clamp(index);
    if (!from || target < from.index || target - from.index > this.interval / 2) return this.at(target);
    const s = cloneState(from);
    while (s.index < target) applyEvent(s, this.cols.get(s.index));
    return s;
  }

  /** Position just after the last folded event with time ≤ t. */
  indexAtTime(t: number): number {
    const col = this.cols.t;
    let lo = 0;
    let hi = this.head.index;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (col[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Virtual time shown at a playhead position: the time of the last folded event (0 before any). */
  timeAt(index: number): number {
    const i = this.clamp(index);
    return i > 0 ? this.cols.t[i - 1] : 0;
  }

  /** Keyframes held (for tests and the memory note). */
  get keyframes(): number {
    return this.frames.length;
  }
}
