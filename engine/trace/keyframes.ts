// Time travel over a trace: a clone of the folded state every K events, so the
// state at any index is one clone plus at most K-1 folds (RaftScope's checkpoints,
// kept sparse).

import type { TraceColumns } from './columns';
import { applyEvent } from './fold';
import { cloneState, emptyState, type VisualState } from './state';

export const DEFAULT_KEYFRAME_INTERVAL = 2048;

export class Keyframes {
  readonly interval: number;
  private frames: VisualState[] = [emptyState()];
  /** Live state folded up to `cols.length` (extended as events arrive). */
  private head: VisualState = emptyState();

  constructor(private cols: TraceColumns, interval = DEFAULT_KEYFRAME_INTERVAL) {
    this.interval = interval;
  }

  /** Folds newly appended events, taking keyframes on the way. */
  extend(): void {
    const n = this.cols.length;
    while (this.head.index < n) {
      applyEvent(this.head, this.cols.get(this.head.index));
      if (this.head.index % this.interval === 0) this.frames.push(cloneState(this.head));
    }
  }

  /** Final (latest) state; do not mutate. */
  get latest(): VisualState {
    this.extend();
    return this.head;
  }

  /** A fresh state with events [0, index) folded in. */
  at(index: number): VisualState {
    this.extend();
    const target = Math.max(0, Math.min(index, this.cols.length));
    const f = this.frames[Math.floor(target / this.interval)];
    const s = cloneState(f);
    while (s.index < target) applyEvent(s, this.cols.get(s.index));
    return s;
  }

  /** Folds `s` forward (in place) to `index`; cheaper than `at` for small steps forward. */
  advance(s: VisualState, index: number): VisualState {
    if (index < s.index || index - s.index > this.interval) return this.at(index);
    const target = Math.min(index, this.cols.length);
    while (s.index < target) applyEvent(s, this.cols.get(s.index));
    return s;
  }

  /** Index just after the last event with time ≤ t (binary search on the time column). */
  indexAtTime(t: number): number {
    const col = this.cols.t;
    let lo = 0;
    let hi = this.cols.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (col[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
