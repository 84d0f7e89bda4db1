// A one-shot condition other CPUs wait or spin on (a completion, a csd lock, a
// cpu_state change). Setting it never runs waiters synchronously: they are woken
// through the simulation queue, as a store becomes visible to another CPU a little
// later, and so no CPU's code ever runs inside another's step.

export class Flag {
  private value = false;
  private waiters: Array<(by: number) => void> = [];
  /** The CPU whose store set the flag (-1 before it is set). */
  setBy = -1;

  constructor(readonly name = 'flag') {}

  get isSet(): boolean {
    return this.value;
  }

  /** Sets the flag; `by` is the CPU doing the store. Prefer `complete()` in kernel code. */
  set(by: number): void {
    if (this.value) return;
    this.value = true;
    this.setBy = by;
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn(by);
  }

  /** Re-arms the flag (e.g. cpu_state going back to UP_PREPARE). */
  reset(): void {
    this.value = false;
    this.setBy = -1;
  }

  /** `fn(by)` runs when the flag is set (at once if it already is). */
  onSet(fn: (by: number) => void): void {
    if (this.value) fn(this.setBy);
    else this.waiters.push(fn);
  }
}
