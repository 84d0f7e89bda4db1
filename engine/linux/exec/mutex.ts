// A sleeping mutex (struct mutex) for task context: a task that finds it held sleeps
// until the holder hands it over (FIFO, direct hand-off, so no waiter can be
// overtaken). Used for cpu_add_remove_lock, which serialises every CPU hotplug
// operation (cpu_up, cpu_down) in kernel/cpu.c.

import { Flag } from './flag';
import { waitFor, type Gen } from './ops';
import type { Ctx } from '../kernel';

export class Mutex {
  private locked = false;
  private readonly waiters: Flag[] = [];

  constructor(readonly name: string) {}

  get isLocked(): boolean {
    return this.locked;
  }

  /** mutex_lock: take it, or sleep until the holder hands it to us. */
  *lock(_c: Ctx): Gen {
    if (!this.locked) {
      this.locked = true;
      return;
    }
    const turn = new Flag(`${this.name} handed over`);
    this.waiters.push(turn);
    yield* waitFor(turn);
  }

  /** mutex_unlock: hand it to the first waiter (it stays locked), or release it. */
  *unlock(c: Ctx): Gen {
    const next = this.waiters.shift();
    if (next) yield* c.k.complete(c, next);
    else this.locked = false;
  }
}
