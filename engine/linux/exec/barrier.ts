// A rendezvous of n CPUs (stop_machine's acknowledged steps): each arrives and spins
// until the last one has.

import { Flag } from './flag';
import { spinUntil, type Gen } from './ops';
import type { Ctx } from '../kernel';

export class Barrier {
  private count = 0;
  readonly all: Flag;

  constructor(readonly n: number, name: string) {
    this.all = new Flag(name);
  }

  *arrive(c: Ctx): Gen {
    this.count++;
    if (this.count >= this.n) yield* c.k.complete(c, this.all);
    else yield* spinUntil(this.all, this.all.name);
  }
}
