// The guest end of xenstore, reduced to what SMP needs: the toolstack's
// `xl vcpu-set` writes cpu/N/availability; xenstored signals the xenbus event
// channel; the xenbus irq wakes the xenwatch thread on CPU 0, which runs
// handle_vcpu_hotplug_event for each changed CPU (drivers/xen/cpu_hotplug.c).

import { cost, type Gen } from './exec/ops';
import { makeTask, type Task } from './exec/executor';
import type { Ctx, Kernel } from './kernel';
import { COST } from './config';
import { vcpuHotplug } from './hotplug';

export class Xenbus {
  private pending: Array<{ cpu: number; online: boolean }> = [];
  private task: Task | null = null;

  constructor(private k: Kernel) {}

  /** The toolstack's writes (outside the guest), picked up at the next xenbus event. */
  write(entries: Array<{ cpu: number; online: boolean }>): void {
    this.pending.push(...entries);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** From the xenbus irq handler: wake xenwatch on CPU 0. */
  *onEvent(c: Ctx): Gen {
    if (!this.pending.length || (this.task && this.task.state !== 'done')) return;
    this.task = makeTask('xenwatch', 0, this.watch(this.k.ctx[0]));
    yield* this.k.wakeUp(c, this.task);
  }

  private *watch(c: Ctx): Gen {
    const k = this.k;
    yield* k.fn(c, 'handle_vcpu_hotplug_event', (function* (this: Xenbus): Gen {
      while (this.pending.length) {
        const e = this.pending.shift()!;
        yield* cost(COST.medium); // xenbus_scanf of cpu/N/availability
        yield* vcpuHotplug(c, e.cpu, e.online);
      }
    }).call(this));
  }
}
