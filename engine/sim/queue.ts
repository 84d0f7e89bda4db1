// Binary min-heap of timed entries ordered by (time, sequence): two entries at the
// same virtual time run in the order they were scheduled, which keeps runs
// deterministic. Cancellation is lazy (a cancelled entry is skipped when popped).

export interface Timed<T> {
  t: number;
  seq: number;
  item: T;
  cancelled: boolean;
}

export class EventQueue<T> {
  private heap: Timed<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, item: T): Timed<T> {
    const e: Timed<T> = { t, seq: this.seq++, item, cancelled: false };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
    return e;
  }

  /** Earliest live entry, or undefined. */
  peek(): Timed<T> | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  pop(): Timed<T> | undefined {
    this.dropCancelled();
    return this.take();
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.take();
  }

  private take(): Timed<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before<T>(a: Timed<T>, b: Timed<T>): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
