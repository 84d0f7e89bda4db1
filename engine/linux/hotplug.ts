// Generic CPU hotplug (kernel/cpu.c of the 4.0 era) around the Xen smp_ops: cpu_up,
// cpu_down through stop_machine, and the toolstack's vcpu-set through xenstore.

import { cost, waitFor, type Gen } from './exec/ops';
import { Barrier } from './exec/barrier';
import { Flag } from './exec/flag';
import { makeTask } from './exec/executor';
import type { Ctx } from './kernel';
import { COST } from './config';
import { localIrqDisable, localIrqEnable } from './irqflags';
import { fifoInitCpu } from './events/init';

/**
 * cpu_maps_update_begin/done: every cpu_up and cpu_down holds cpu_add_remove_lock, so
 * two hotplug operations never overlap. Without it a `cpu_up` issued while a
 * `cpu_down` of the same CPU was still in xen_cpu_die's 100 ms poll loop re-bound the
 * dying CPU's VIRQ_TIMER (-EEXIST) and hit BUG() in bind_virq_to_irq.
 */
function* withHotplugLock<R>(c: Ctx, body: Gen<R>): Gen<R> {
  const lock = c.k.hotplugLock;
  yield* lock.lock(c);
  try {
    return yield* body;
  } finally {
    // A generator abandoned by a panic never gets here; that is fine (nothing runs on).
    yield* lock.unlock(c);
  }
}

/** cpu_up → _cpu_up. Returns 0 or -errno (what `echo 1 > online` reports). */
export function* cpuUp(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'cpu_up', withHotplugLock(c, (function* (): Gen<number> {
    if (!k.masks.has('possible', cpu)) return -22; // -EINVAL: not a possible CPU
    if (k.masks.has('online', cpu) || !k.masks.has('present', cpu)) return -22;
    k.trace.emit('lstate', { cpu, state: 'bringup' });
    yield* cost(COST.medium); // idle_thread_get, CPU_UP_PREPARE notifiers
    yield* fifoInitCpu(c, cpu);
    const ret = yield* k.ops.cpu_up(c, cpu);
    if (ret) {
      k.trace.emit('lstate', { cpu, state: 'offline' });
      return ret;
    }
    yield* cost(COST.medium); // CPU_ONLINE notifiers
    return 0;
  })()));
}

/**
 * stop_machine: a stopper thread on every online CPU; they step together through
 * "prepare", "interrupts off", "run" (the target CPU runs `fn`) and "exit".
 */
function* stopMachine(c: Ctx, target: number, fn: (c: Ctx) => Gen<number>): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'stop_machine', (function* (): Gen<number> {
    const cpus = k.masks.list('online');
    const n = cpus.length;
    const prepare = new Barrier(n, 'stop_machine: all stoppers running');
    const irqsOff = new Barrier(n, 'stop_machine: all interrupts off');
    const ran = new Barrier(n, 'stop_machine: function done');
    const done = new Flag('stop_machine done');
    let exited = 0;
    let result = 0;
    k.narrate(
      c.cpu,
      `stop_machine: a stopper thread wakes on each of CPUs ${cpus.join(', ')} (reschedule IPIs); they all turn interrupts off, and CPU ${target} runs take_cpu_down.`,
      'stop_machine',
      '3.1',
    );
    for (const cpu of cpus) {
      const cs = k.ctx[cpu];
      const task = makeTask(`migration/${cpu}`, cpu, (function* (): Gen {
        yield* prepare.arrive(cs);
        yield* localIrqDisable(cs);
        yield* irqsOff.arrive(cs);
        if (cpu === target) result = yield* fn(cs);
        yield* ran.arrive(cs);
        yield* localIrqEnable(cs);
        if (++exited === n) yield* k.complete(cs, done);
      })());
      yield* k.wakeUp(c, task);
    }
    yield* waitFor(done);
    return result;
  })());
}

/** take_cpu_down on the dying CPU: __cpu_disable (smp_ops.cpu_disable), CPU_DYING. */
function takeCpuDown(c: Ctx): Gen<number> {
  const k = c.k;
  return k.fn(c, 'take_cpu_down', (function* (): Gen<number> {
    const err = yield* k.ops.cpu_disable(c);
    if (err) return err;
    yield* cost(COST.small); // CPU_DYING notifiers
    return 0;
  })());
}

/** cpu_down → _cpu_down. Returns 0 or -errno (what `echo 0 > online` reports). */
export function* cpuDown(c: Ctx, cpu: number): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'cpu_down', withHotplugLock(c, (function* (): Gen<number> {
    if (!k.cfg.hotplug || !k.ops.hotplug) return -38; // -ENOSYS
    if (k.masks.count('online') === 1) return -16; // -EBUSY
    if (!k.masks.has('online', cpu)) return -22; // -EINVAL
    yield* cost(COST.medium); // CPU_DOWN_PREPARE notifiers
    const err = yield* stopMachine(c, cpu, takeCpuDown);
    if (err) {
      yield* cost(COST.small); // CPU_DOWN_FAILED
      return err;
    }
    yield* k.ops.cpu_die(c, cpu);
    // CPU_DEAD: its timers move to a surviving CPU.
    k.migrateTimers(cpu, c.cpu);
    k.trace.emit('lstate', { cpu, state: 'offline' });
    return 0;
  })()));
}

/** What a shell prints for a failed write to /sys/devices/system/cpu/cpuN/online. */
export function sysfsWriteError(ret: number): string {
  const msg: Record<number, string> = {
    [-22]: 'Invalid argument',
    [-16]: 'Device or resource busy',
    [-38]: 'Function not implemented',
    [-5]: 'Input/output error',
    [-14]: 'Bad address',
  };
  return `sh: write error: ${msg[ret] ?? `error ${ret}`}`;
}

/**
 * handle_vcpu_hotplug_event (drivers/xen/cpu_hotplug.c): the toolstack wrote
 * cpu/N/availability; "online" makes the CPU present again (it is not onlined), and
 * "offline" takes it down and removes it from the present mask.
 */
export function* vcpuHotplug(c: Ctx, cpu: number, online: boolean): Gen {
  const k = c.k;
  yield* k.fn(c, 'vcpu_hotplug', (function* (): Gen {
    if (!k.masks.has('possible', cpu)) return;
    if (online) {
      k.masks.set('present', cpu, true);
    } else {
      if (k.masks.has('online', cpu)) {
        const r = yield* cpuDown(c, cpu);
        if (r) return;
      }
      k.masks.set('present', cpu, false);
    }
  })());
}
