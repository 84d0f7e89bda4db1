// The guest's event paths, driven by hand on a booted kernel: the 2-level scan order
// (fact 5.2.3) against a hand-computed expectation, the upcall loop that clears
// upcall_pending before scanning and rescans (5.1.6), xen_irq_enable's forced callback
// (1.3.7), and the FIFO consumer (5.5.3).

import { describe, expect, it } from 'vitest';
import { Run } from '../../simulate';
import { validateScenario } from '../../scenario/validate';
import type { ScenarioInput } from '../../scenario/types';
import type { Gen, Op } from '../exec/ops';
import type { Kernel } from '../kernel';
import { handleEvents2l } from './twolevel';
import { handleEventsFifo } from './fifo';
import { xen_evtchn_do_upcall } from './upcall';
import { localIrqEnable } from '../irqflags';

/** Boots a guest and returns it idle (every CPU blocked in Xen). */
function booted(input: ScenarioInput): { run: Run; k: Kernel } {
  const v = validateScenario(input);
  if (!v.ok) throw new Error(v.error.message);
  const run = new Run(v.scenario);
  run.advance();
  return { run, k: run.kernel! };
}

/** Steps a guest generator by hand; `onCost` may inject events between steps. Returns the hypercalls it issued. */
function drive(g: Gen<unknown>, onCost: (n: number) => void = () => {}): string[] {
  const hcs: string[] = [];
  let n = 0;
  let r = g.next();
  while (!r.done) {
    const op = r.value as Op;
    if (op.op === 'hc') {
      hcs.push(op.name);
      r = g.next({ ret: 0 });
    } else if (op.op === 'cost') {
      onCost(n++);
      r = g.next();
    } else throw new Error(`unexpected op ${op.op}`);
  }
  return hcs;
}

function portOf(k: Kernel, name: string): number {
  const irq = k.irqs.all().find((i) => i.name === name);
  if (!irq) throw new Error(`no irq ${name}`);
  return irq.port;
}

/** Ports handled (trace `handle` events) on `cpu` since trace index `from`. */
function handled(run: Run, cpu: number, from: number): number[] {
  const out: number[] = [];
  for (let i = from; i < run.cols.length; i++) {
    const e = run.cols.get(i);
    if (e.k === 'handle' && e.cpu === cpu) out.push(e.port);
  }
  return out;
}

describe('2-level scan (events_2l.c evtchn_2l_handle_events)', () => {
  // A 32-bit guest: 32 ports per selector word, so ports 32+ are in word 1.
  const input: ScenarioInput = { version: 1, guest: { vcpus: 6, bits: 32 }, until: '50ms' };

  /** Makes `ports` pending and (for Linux) CPU 1's, with their selector bits set. */
  function raise(k: Kernel, ports: number[]): void {
    const sh = k.xen.shared;
    for (const p of ports) {
      k.irqs.bindToCpu(p, 1);
      sh.testAndSetPending(p);
      sh.testAndSetSel(1, Math.floor(p / sh.bitsPerWord));
    }
  }

  it('[5.2.3] the timer first, then round robin from the saved word/bit; the start word is visited twice', () => {
    const { run, k } = booted(input);
    // The port numbers this guest got (lowest free, per CPU: timer, spinlock, resched, callfunc, debug, callfuncsingle, irqwork).
    expect([portOf(k, 'timer1'), portOf(k, 'resched1'), portOf(k, 'callfuncsingle1'), portOf(k, 'callfunc2'), portOf(k, 'debug4'), portOf(k, 'irqwork5')]).toEqual([10, 12, 15, 20, 35, 44]);
    raise(k, [10, 12, 15, 20, 35, 44]);
    // The last scan stopped just before port 14 (word 0, bit 14).
    k.pc[1].scanWord = 0;
    k.pc[1].scanBit = 14;
    const mark = run.cols.length;
    drive(handleEvents2l(k.ctx[1]));
    // By hand: timer 10 first; word 0 from bit 14: 15, 20; word 1: 35, 44; word 0 again from bit 0: 12.
    expect(handled(run, 1, mark)).toEqual([10, 15, 20, 35, 44, 12]);
    // The next scan starts just after the last port handled.
    expect([k.pc[1].scanWord, k.pc[1].scanBit]).toEqual([0, 13]);
  });

  it('[5.2.3] starting in word 1 wraps to word 0 and comes back to word 1 for the bits below the saved one', () => {
    const { run, k } = booted(input);
    raise(k, [12, 15, 35, 44]);
    k.pc[1].scanWord = 1;
    k.pc[1].scanBit = 5; // port 37
    const mark = run.cols.length;
    drive(handleEvents2l(k.ctx[1]));
    // By hand: word 1 from bit 5: 44 (bit 12); wrap: word 0: 12, 15; word 1 from bit 0: 35 (bit 3).
    expect(handled(run, 1, mark)).toEqual([44, 12, 15, 35]);
  });

  it('[5.2.2] a pending port bound to another CPU is left for that CPU', () => {
    const { run, k } = booted(input);
    const sh = k.xen.shared;
    const other = portOf(k, 'resched3');
    sh.testAndSetPending(other);
    sh.testAndSetSel(1, 0);
    const mark = run.cols.length;
    drive(handleEvents2l(k.ctx[1]));
    expect(handled(run, 1, mark)).toEqual([]);
    expect(sh.isPending(other)).toBe(true);
  });
});

describe('the upcall and interrupt enabling', () => {
  it('[5.1.6][9.4] the upcall clears evtchn_upcall_pending before scanning, and scans again when Xen sets it meanwhile', () => {
    // 32-bit guest: port 12 (resched1) is in selector word 0, port 35 (debug4) in word 1.
    const { run, k } = booted({ version: 1, guest: { vcpus: 6, bits: 32 }, until: '50ms' });
    const sh = k.xen.shared;
    const a = portOf(k, 'resched1');
    const b = portOf(k, 'debug4');
    expect([a, b]).toEqual([12, 35]);
    k.irqs.bindToCpu(b, 1);
    sh.testAndSetPending(a);
    sh.testAndSetSel(1, 0);
    sh.setUpcallPending(1, 1);
    const mark = run.cols.length;
    let injected = false;
    drive(xen_evtchn_do_upcall(k.ctx[1]), () => {
      // While the first handler runs, Xen raises an event in another word: this pass
      // already took the selector, so only a second pass can see it.
      if (!injected && handled(run, 1, mark).length === 1) {
        injected = true;
        sh.testAndSetPending(b);
        sh.testAndSetSel(1, 1);
        sh.setUpcallPending(1, 1);
      }
    });
    expect(injected).toBe(true);
    // Every pass is preceded by clearing upcall_pending: 0, handle a, (Xen: 1), 0, handle b.
    const seq: string[] = [];
    for (let i = mark; i < run.cols.length; i++) {
      const e = run.cols.get(i);
      if (e.k === 'upend' && e.vcpu === 1) seq.push(`upend ${e.v}`);
      if (e.k === 'handle' && e.cpu === 1) seq.push(`handle ${e.port}`);
    }
    expect(seq).toEqual(['upend 0', `handle ${a}`, 'upend 1', 'upend 0', `handle ${b}`]);
    expect(sh.getUpcallPending(1)).toBe(0);
  });

  it('[5.2.3] an event that arrives in the start word during the scan is caught by its second visit, in the same pass', () => {
    const { run, k } = booted({ version: 1, guest: { vcpus: 2 }, until: '50ms' });
    const sh = k.xen.shared;
    const a = portOf(k, 'resched1');
    const b = portOf(k, 'callfunc1');
    sh.testAndSetPending(a);
    sh.testAndSetSel(1, 0);
    sh.setUpcallPending(1, 1);
    const mark = run.cols.length;
    drive(xen_evtchn_do_upcall(k.ctx[1]), () => {
      if (handled(run, 1, mark).length === 1 && !sh.isPending(b)) {
        sh.testAndSetPending(b);
        sh.testAndSetSel(1, 0);
        sh.setUpcallPending(1, 1);
      }
    });
    const seq: string[] = [];
    for (let i = mark; i < run.cols.length; i++) {
      const e = run.cols.get(i);
      if (e.k === 'upend' && e.vcpu === 1) seq.push(`upend ${e.v}`);
      if (e.k === 'handle' && e.cpu === 1) seq.push(`handle ${e.port}`);
    }
    // b is handled before the loop clears upcall_pending again; the second pass finds nothing.
    expect(seq).toEqual(['upend 0', `handle ${a}`, 'upend 1', `handle ${b}`, 'upend 0']);
  });

  it('[1.3.7] xen_irq_enable clears the mask and forces the callback (a no-op hypercall) only if an event is pending', () => {
    const { k } = booted({ version: 1, guest: { vcpus: 2 }, until: '50ms' });
    const sh = k.xen.shared;
    sh.setUpcallMask(1, 1);
    sh.setUpcallPending(1, 0);
    expect(drive(localIrqEnable(k.ctx[1]))).toEqual([]);
    expect(sh.getUpcallMask(1)).toBe(0);
    sh.setUpcallMask(1, 1);
    sh.setUpcallPending(1, 1);
    expect(drive(localIrqEnable(k.ctx[1]))).toEqual(['HYPERVISOR_xen_version']);
    expect(sh.getUpcallMask(1)).toBe(0);
  });
});

describe('FIFO events (events_fifo.c)', () => {
  const input: ScenarioInput = { version: 1, guest: { vcpus: 2, evtchn: 'fifo' }, until: '50ms' };

  it('[5.5.3] the timer is given priority 0 when bound', () => {
    const { run, k } = booted(input);
    const timer = portOf(k, 'timer1');
    const prio: Array<[number, number]> = [];
    for (let i = 0; i < run.cols.length; i++) {
      const e = run.cols.get(i);
      if (e.k === 'hc' && e.op === 'EVTCHNOP_set_priority') prio.push([(e.args as { port: number }).port, (e.args as { priority: number }).priority]);
    }
    expect(prio).toContainEqual([timer, 0]);
    expect(k.abi).toBe('fifo');
  });

  it('[5.5.2][5.5.3] Xen links pending events per priority; the guest takes priority 0 (timer) before 7 (IPIs)', () => {
    const { run, k } = booted(input);
    const ev = k.xen.evtchn;
    const resched = portOf(k, 'resched1');
    const callfunc = portOf(k, 'callfunc1');
    const timer = portOf(k, 'timer1');
    // IPIs first, the timer last: Xen's own set_pending links each onto vCPU 1's queues.
    for (const p of [resched, callfunc, timer]) ev.setPending(ev.ports.get(p), 1, true);
    const mark = run.cols.length;
    drive(handleEventsFifo(k.ctx[1]));
    expect(handled(run, 1, mark)).toEqual([timer, resched, callfunc]);
  });

  it('[5.5.2][9.7] a masked FIFO event is not linked (no handler) until it is unmasked', () => {
    const { run, k } = booted(input);
    const ev = k.xen.evtchn;
    const sh = k.xen.shared;
    const p = portOf(k, 'resched1');
    sh.fifoSetMasked(p);
    const mark = run.cols.length;
    ev.setPending(ev.ports.get(p), 1, true);
    expect(sh.fifoIsPending(p)).toBe(true);
    expect(sh.fifoIsLinked(p)).toBe(false);
    drive(handleEventsFifo(k.ctx[1]));
    expect(handled(run, 1, mark)).toEqual([]);
    // EVTCHNOP_unmask: Xen links it now, and the guest handles it.
    ev.unmask(p);
    expect(sh.fifoIsLinked(p)).toBe(true);
    drive(handleEventsFifo(k.ctx[1]));
    expect(handled(run, 1, mark)).toEqual([p]);
  });
});
