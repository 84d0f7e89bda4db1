// A re-armable timer that does not litter the event queue. Sim.cancel is lazy: a
// cancelled entry stays in the heap until its time comes, so a timer re-armed at every
// context switch (the time slice, the periodic tick) would leave thousands of dead
// entries behind. Here moving the deadline LATER keeps the queued entry, which wakes
// up early and re-arms itself for the real deadline; only an EARLIER deadline, or a
// real `clear()`, cancels. `disarm()` forgets the deadline but leaves the entry to
// expire harmlessly (cheap; use `clear()` when nothing else will re-arm it soon, so a
// run can still end as soon as there is nothing left to do).

import type { Handle, Sim } from '../sim/sim';

export class LazyTimer {
  private handle: Handle | null = null;
  private handleAt = Infinity;
  private when = Infinity;

  constructor(
    private readonly sim: Sim,
    private readonly fire: () => void,
  ) {}

  /** The deadline, or Infinity when disarmed. */
  get deadline(): number {
    return this.when;
  }

  /** Fire at absolute time `t` (replacing the previous deadline). */
  set(t: number): void {
    this.when = t;
    if (this.handle && this.handleAt <= t) return;
    this.sim.cancel(this.handle);
    this.handleAt = t;
    this.handle = this.sim.at(t, this.onTime);
  }

  /** No deadline; a queued entry expires without effect. */
  disarm(): void {
    this.when = Infinity;
  }

  /** No deadline and nothing left in the queue. */
  clear(): void {
    this.when = Infinity;
    this.sim.cancel(this.handle);
    this.handle = null;
    this.handleAt = Infinity;
  }

  private readonly onTime = (): void => {
    this.handle = null;
    this.handleAt = Infinity;
    if (this.when === Infinity) return;
    if (this.sim.now < this.when) {
      this.handleAt = this.when;
      this.handle = this.sim.at(this.when, this.onTime);
      return;
    }
    this.when = Infinity;
    this.fire();
  };
}
