// smp_call_function and friends. The 4.0 kernel uses the generic queue-based code
// (kernel/smp.c): a csd per target on its call_single_queue, one IPI, an optional
// wait on each csd's lock. The 2.6.23 original had its own Xen version with a shared
// call_data, started/finished counters and an unconditional yield.

import { cost, hypercall, spinUntil, type Gen } from '../exec/ops';
import { Flag } from '../exec/flag';
import { SpinLock } from '../exec/spinlock';
import type { Ctx } from '../kernel';
import { COST } from '../config';
import { localIrqRestore, localIrqSave } from '../irqflags';

/** A call_single_data: one function to run on one CPU; `done` is its unlocked csd. */
export interface Csd {
  id: number;
  from: number;
  func: string;
  fn: (c: Ctx) => Gen;
  done: Flag;
}

function newCsd(c: Ctx, func: string, fn: (c: Ctx) => Gen): Csd {
  return { id: c.k.calls.nextId++, from: c.cpu, func, fn, done: new Flag(`csd ${func}`) };
}

/** smp_call_function state of one kernel. */
export class CallState {
  nextId = 1;
  /** Per (sender:target) csd of the cfd area: a new call waits until the last one is unlocked. */
  readonly cfd = new Map<string, Flag>();
  /** 2.6.23's single shared call_data. */
  data: CallData | null = null;
  /** 2.6.23's call_lock: one xen_smp_call_function_mask at a time owns call_data. */
  readonly callLock = new SpinLock('call_lock');
}

function queueCsd(c: Ctx, cpu: number, csd: Csd): boolean {
  const q = c.k.pc[cpu].callQueue;
  const wasEmpty = q.length === 0;
  q.push(csd);
  c.k.trace.emit('call', { id: csd.id, cpu, phase: 'queued', func: csd.func });
  return wasEmpty;
}

/** flush_smp_call_function_queue: run every queued function, unlocking each csd. */
export function* flushCallQueue(c: Ctx): Gen {
  const k = c.k;
  const q = k.pc[c.cpu].callQueue.splice(0);
  if (q.length === 0) yield* cost(COST.tiny);
  for (const csd of q) {
    k.trace.emit('call', { id: csd.id, cpu: c.cpu, phase: 'run', func: csd.func });
    yield* csd.fn(c);
    k.trace.emit('call', { id: csd.id, cpu: c.cpu, phase: 'done', func: csd.func });
    yield* k.complete(c, csd.done);
  }
}

/** smp_call_function_single. Returns 0 or -ENXIO (target offline). */
export function* smpCallFunctionSingle(c: Ctx, cpu: number, func: string, fn: (c: Ctx) => Gen, wait: boolean): Gen<number> {
  const k = c.k;
  return yield* k.fn(c, 'smp_call_function_single', (function* (): Gen<number> {
    if (cpu === c.cpu) {
      // Run it here with interrupts off.
      const flags = yield* localIrqSave(c);
      yield* fn(c);
      yield* localIrqRestore(c, flags);
      return 0;
    }
    if (!k.masks.has('online', cpu)) return -6; // -ENXIO
    const csd = newCsd(c, func, fn);
    // Only an empty queue needs an IPI: a non-empty one has one on the way already.
    if (queueCsd(c, cpu, csd)) yield* k.ops.send_call_func_single_ipi(c, cpu);
    if (wait) yield* spinUntil(csd.done, `csd_lock_wait(${func} on CPU ${cpu})`);
    return 0;
  })());
}

/** smp_call_function_many: mask ∩ online minus self; one target uses the single path. */
export function* smpCallFunctionMany(c: Ctx, mask: number[], func: string, fn: (c: Ctx) => Gen, wait: boolean): Gen {
  const k = c.k;
  yield* k.fn(c, 'smp_call_function_many', (function* (): Gen {
    const targets = mask.filter((cpu) => cpu !== c.cpu && k.masks.has('online', cpu));
    if (targets.length === 0) return;
    if (targets.length === 1) {
      yield* smpCallFunctionSingle(c, targets[0], func, fn, wait);
      return;
    }
    const locks = k.calls.cfd;
    const csds: Csd[] = [];
    for (const cpu of targets) {
      const key = `${c.cpu}:${cpu}`;
      const prev = locks.get(key);
      // csd_lock: the per-CPU csd may still be in use by our previous call.
      if (prev) yield* spinUntil(prev, `csd_lock(CPU ${cpu})`);
      const csd = newCsd(c, func, fn);
      locks.set(key, csd.done);
      csds.push(csd);
      queueCsd(c, cpu, csd);
      yield* cost(COST.tiny);
    }
    yield* k.ops.send_call_func_ipi(c, targets);
    if (wait) {
      for (let i = 0; i < csds.length; i++) yield* spinUntil(csds[i].done, `csd_lock_wait(${func} on CPU ${targets[i]})`);
    }
  })());
}

/**
 * smp_call_function: every other online CPU, through this kernel's own implementation
 * (the 2.6.23 Xen code has its own call_data path). Calling the 4.0 generic queue here
 * left 2.6.23 csds that its callfunc handler never runs: on_each_cpu spun forever.
 */
export function* smpCallFunction(c: Ctx, func: string, fn: (c: Ctx) => Gen, wait: boolean): Gen {
  yield* c.k.ops.call_function_many(c, c.k.masks.list('online'), func, fn, wait);
}

/** on_each_cpu: every other online CPU, then this one with interrupts off. */
export function* onEachCpu(c: Ctx, func: string, fn: (c: Ctx) => Gen, wait: boolean): Gen {
  yield* smpCallFunction(c, func, fn, wait);
  const flags = yield* localIrqSave(c);
  yield* fn(c);
  yield* localIrqRestore(c, flags);
}

// --- 2.6.23: xen_smp_call_function_mask ---------------------------------------------------

export interface CallData {
  func: string;
  fn: (c: Ctx) => Gen;
  wait: boolean;
  started: number;
  finished: number;
  need: number;
  allStarted: Flag;
  allFinished: Flag;
}

/**
 * The 2007 code: one shared call_data, a CALL_FUNCTION IPI to each target, an
 * unconditional SCHEDOP_yield ("make sure other vcpus get a chance to run"), then
 * spin until every target has started (and finished, with wait).
 */
export function* xenSmpCallFunctionMask2623(c: Ctx, mask: number[], func: string, fn: (c: Ctx) => Gen, wait: boolean): Gen {
  const k = c.k;
  yield* k.fn(c, 'xen_smp_call_function_mask', (function* (): Gen {
    // "Holding any lock stops cpus from going down": call_lock also keeps a second
    // caller from overwriting call_data while the first still waits on its counters.
    // Without it two concurrent callers shared one call_data and the first spun forever.
    yield* k.calls.callLock.lock(c);
    const targets = mask.filter((cpu) => cpu !== c.cpu);
    const online = targets.filter((cpu) => k.masks.has('online', cpu));
    if (targets.length === 0) {
      yield* k.calls.callLock.unlock(c);
      return;
    }
    const data: CallData = {
      func,
      fn,
      wait,
      started: 0,
      finished: 0,
      need: targets.length,
      allStarted: new Flag('call_data.started == cpus'),
      allFinished: new Flag('call_data.finished == cpus'),
    };
    k.calls.data = data;
    for (const cpu of online) {
      const id = k.calls.nextId++;
      k.trace.emit('call', { id, cpu, phase: 'queued', func });
    }
    yield* k.ops.send_call_func_ipi(c, targets);
    yield* hypercall('SCHEDOP_yield', {});
    yield* spinUntil(data.allStarted, `call_data.started == ${data.need}`);
    if (wait) yield* spinUntil(data.allFinished, `call_data.finished == ${data.need}`);
    yield* k.calls.callLock.unlock(c);
  })());
}

/** The 2.6.23 CALL_FUNCTION handler. */
export function* xenCallFunctionInterrupt2623(c: Ctx): Gen {
  const k = c.k;
  const data = k.calls.data;
  if (!data) {
    yield* cost(COST.tiny);
    return;
  }
  data.started++;
  if (data.started >= data.need) yield* k.complete(c, data.allStarted);
  yield* data.fn(c);
  if (data.wait) {
    data.finished++;
    if (data.finished >= data.need) yield* k.complete(c, data.allFinished);
  }
}
