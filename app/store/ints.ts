// A growable Int32 list (append-only indices into a trace) and the binary search the
// shell uses to ask "how many of these come before the playhead".

export class GrowingInts {
  private buf = new Int32Array(256);
  length = 0;

  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  at(i: number): number {
    return this.buf[i];
  }

  last(): number {
    return this.buf[this.length - 1];
  }

  /** A copy of the values (tests, small lists). */
  toArray(): number[] {
    return Array.from(this.buf.subarray(0, this.length));
  }
}

/** Index of the last value < x in an ascending list, or -1. */
export function lastBelow(list: GrowingInts, x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.at(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the first value > x in an ascending list, or list.length. */
export function firstAbove(list: GrowingInts, x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.at(mid) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
