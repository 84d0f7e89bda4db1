// A plain kernel spinlock between CPUs (no PV slow path): a CPU that finds it held
// busy-waits (cpu_relax) until the holder releases it, then tries again.

import { Flag } from './flag';
import { spinUntil, type Gen } from './ops';
import type { Ctx } from '../kernel';

export class SpinLock {
  private holder = -1;
  private released: Flag;

  constructor(readonly name: string) {
    this.released = new Flag(`${name} released`);
    this.released.set(-1);
  }

  get heldBy(): number {
    return this.holder;
  }

  *lock(c: Ctx): Gen {
    while (this.holder >= 0) yield* spinUntil(this.released, `spin_lock(${this.name})`);
    this.holder = c.cpu;
    this.released = new Flag(`${this.name} released`);
  }

  *unlock(c: Ctx): Gen {
    this.holder = -1;
    yield* c.k.complete(c, this.released);
  }
}
