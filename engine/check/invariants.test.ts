// Unit tests of the checker itself: for every invariant of xen-facts §9, a hand-made
// trace that obeys it is accepted and a minimally changed one that breaks it is caught
// — so checkTrace cannot pass vacuously. Plus the IPI accounting and the final-state
// consistency check of the torture test.

import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events';
import { checkTrace, runChecker, type CheckScenario } from './invariants';
import { finalConsistency, ipiAccounting } from './accounting';

type Ev = TraceEvent;
type Fields = Record<string, unknown>;

/** A tiny trace builder: events at increasing times (`tick` advances the clock). */
class Tb {
  readonly evs: Ev[] = [];
  t = 0;
  e(k: string, f: Fields = {}): this {
    this.evs.push({ t: this.t, k, ...f } as unknown as Ev);
    return this;
  }
  tick(ns = 100): this {
    this.t += ns;
    return this;
  }
  hc(vcpu: number, op: string, args: Fields = {}, ret = 0, out?: Fields): this {
    return this.e('hc', { vcpu, op, args, ret, ...(out ? { out } : {}) });
  }
  fn(cpu: number, name: string): this {
    return this.e('fn', { cpu, name, depth: 1 });
  }
  exit(cpu: number, name: string): this {
    return this.e('fn_exit', { cpu, name, depth: 1 });
  }
  /** Xen binds `port` for `vcpu`, Linux gives it irq `irq` named `name`, and unmasks it. */
  bindIpi(vcpu: number, port: number, irq: number, name: string): this {
    return this.hc(0, 'EVTCHNOP_bind_ipi', { vcpu }, 0, { port })
      .e('bind', { port, type: 'ipi', vcpu })
      .e('irq', { irq, port, cpu: vcpu, name, chip: 'xen-percpu', type: '-ipi' })
      .e('mask', { port, v: 0 });
  }
  /** CPU `from` sends IPI `vector` through `port` to CPU `to` (Xen sets PENDING, selector, upcall_pending). */
  send(from: number, to: number, vector: string, port: number, opts: { selAndUpend?: boolean } = {}): this {
    this.e('ipi_send', { from, to, vector, port }).hc(from, 'EVTCHNOP_send', { port }).e('pend', { port, v: 1 });
    if (opts.selAndUpend !== false) this.e('sel', { vcpu: to, word: 0, v: 1 }).e('upend', { vcpu: to, v: 1 });
    return this;
  }
  /** The upcall on `cpu` handling `port` (irq `irq`, name `name`). */
  upcall(cpu: number, port: number, irq: number, name: string, vector?: string): this {
    return this.tick()
      .e('umask', { vcpu: cpu, v: 1 })
      .e('upcall', { vcpu: cpu })
      .fn(cpu, 'xen_evtchn_do_upcall')
      .e('upend', { vcpu: cpu, v: 0 })
      .e('sel', { vcpu: cpu, word: 0, v: 0 })
      .e('pend', { port, v: 0 })
      .e('handle', { cpu, irq, port, name, ...(vector ? { vector } : {}) })
      .exit(cpu, 'xen_evtchn_do_upcall')
      .e('umask', { vcpu: cpu, v: 0 });
  }
}

const S: CheckScenario = { kernel: '4.0', guest: { type: 'pv', bits: 64 } };

/**
 * A domU with two vCPUs, both up and running Linux, CPUs 0 and 1 online; port 1 is
 * resched0 (irq 16), port 2 resched1 (irq 17).
 */
function base(): Tb {
  const b = new Tb();
  b.e('domain', { max_vcpus: 2, dom0: 0, abi: '2l', max_port: 1023, pcpus: 2 })
    .e('vcpu', { vcpu: 0, initialised: 1, up: 1 })
    .e('runstate', { vcpu: 0, state: 'runnable', pcpu: -1 })
    .tick()
    .e('runstate', { vcpu: 0, state: 'running', pcpu: 0 })
    .e('pcpu', { pcpu: 0, dom: 'guest', vcpu: 0 })
    .e('cpumask', { mask: 'possible', cpu: 0, v: 1 })
    .e('cpumask', { mask: 'present', cpu: 0, v: 1 })
    .e('cpumask', { mask: 'online', cpu: 0, v: 1 })
    .e('lstate', { cpu: 0, state: 'online' })
    .e('cpumask', { mask: 'possible', cpu: 1, v: 1 })
    .e('cpumask', { mask: 'present', cpu: 1, v: 1 })
    .e('lstate', { cpu: 1, state: 'offline' })
    .e('mask_all', { v: 1 })
    .bindIpi(0, 1, 16, 'resched0')
    .tick()
    .bindIpi(1, 2, 17, 'resched1')
    .tick()
    // Bring CPU 1 up the 4.0 way: mask, initialise, up, wait for it.
    .fn(0, 'cpu_up')
    .e('lstate', { cpu: 1, state: 'bringup' })
    .fn(0, 'xen_cpu_up')
    .e('umask', { vcpu: 1, v: 1 })
    .hc(0, 'VCPUOP_initialise', { vcpu: 1 })
    .e('vcpu', { vcpu: 1, initialised: 1, up: 0 })
    .tick()
    .hc(0, 'VCPUOP_up', { vcpu: 1 })
    .e('vcpu', { vcpu: 1, initialised: 1, up: 1 })
    .e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 })
    .tick()
    .e('runstate', { vcpu: 1, state: 'running', pcpu: 1 })
    .e('pcpu', { pcpu: 1, dom: 'guest', vcpu: 1 })
    .fn(1, 'cpu_bringup')
    .e('cpumask', { mask: 'online', cpu: 1, v: 1 })
    .e('lstate', { cpu: 1, state: 'online' })
    .e('umask', { vcpu: 1, v: 0 })
    .exit(1, 'cpu_bringup')
    .tick()
    .exit(0, 'xen_cpu_up')
    .exit(0, 'cpu_up')
    .tick();
  return b;
}

function ids(evs: Ev[], s: CheckScenario = S): string[] {
  return [...new Set(checkTrace(evs, s).map((v) => v.invariant))].sort();
}

/** The valid trace passes; the broken one is caught with exactly this invariant among its findings. */
function caught(ok: Tb, bad: Tb, inv: string, s: CheckScenario = S): void {
  const okV = checkTrace(ok.evs, s);
  expect(okV, JSON.stringify(okV, null, 1)).toEqual([]);
  expect(ids(bad.evs, s)).toContain(inv);
}

describe('the checker accepts a correct trace', () => {
  it('a two-vCPU boot with an IPI sent and handled has no violation', () => {
    const b = base().send(0, 1, 'RESCHEDULE', 2).upcall(1, 2, 17, 'resched1', 'RESCHEDULE');
    expect(checkTrace(b.evs, S)).toEqual([]);
    const { final } = runChecker(b.evs, S);
    expect(final.vcpus.map((v) => [v.id, v.online, v.up, v.initialised])).toEqual([
      [0, true, true, true],
      [1, true, true, true],
    ]);
  });
});

describe('each §9 invariant: a hand-made trace that breaks it is caught', () => {
  it('[9.1] a second handler run without a new PENDING edge', () => {
    const ok = base().send(0, 1, 'RESCHEDULE', 2).upcall(1, 2, 17, 'resched1', 'RESCHEDULE');
    const bad = base().send(0, 1, 'RESCHEDULE', 2).upcall(1, 2, 17, 'resched1', 'RESCHEDULE').e('handle', { cpu: 1, irq: 17, port: 2, name: 'resched1', vector: 'RESCHEDULE' });
    caught(ok, bad, '9.1');
    // A send on a pending port must coalesce, and a coalesce needs PENDING set.
    const coal = base().send(0, 1, 'RESCHEDULE', 2).e('ipi_send', { from: 0, to: 1, vector: 'RESCHEDULE', port: 2 }).hc(0, 'EVTCHNOP_send', { port: 2 }).e('coalesce', { port: 2 });
    expect(checkTrace(coal.evs, S)).toEqual([]);
    expect(ids(base().e('coalesce', { port: 2 }).evs)).toContain('9.1');
  });

  it('[9.2] selector and upcall_pending only on an unmasked 0→1 edge; a blocked vCPU is kicked awake', () => {
    // Selector set by a pend on a masked port.
    const masked = base().e('mask', { port: 2, v: 1 }).send(0, 1, 'RESCHEDULE', 2);
    expect(ids(masked.evs)).toContain('9.2');
    // upcall_pending without a selector edge.
    expect(ids(base().e('upend', { vcpu: 1, v: 1 }).evs)).toContain('9.2');
    // A pend on an unmasked port with its selector clear must set it (lost event).
    const lost = base().send(0, 1, 'RESCHEDULE', 2, { selAndUpend: false }).tick();
    expect(ids(lost.evs)).toContain('9.2');
    // vCPU 1 blocked: the 0→1 of upcall_pending must wake it at that instant.
    const blocked = () => base().hc(1, 'SCHEDOP_block').e('umask', { vcpu: 1, v: 0 }).e('runstate', { vcpu: 1, state: 'blocked', pcpu: -1 }).e('pcpu', { pcpu: 1, dom: 'idle', vcpu: -1 }).tick();
    const woken = blocked().send(0, 1, 'RESCHEDULE', 2).e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 }).tick().e('runstate', { vcpu: 1, state: 'running', pcpu: 1 }).upcall(1, 2, 17, 'resched1', 'RESCHEDULE');
    const notWoken = blocked().send(0, 1, 'RESCHEDULE', 2).tick();
    caught(woken, notWoken, '9.2');
    // ... and it is never woken without such a cause (a spurious kick).
    const spurious = blocked().e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 });
    expect(ids(spurious.evs)).toContain('9.2');
  });

  it('[9.3] no upcall while the upcall mask is 1; entering sets it; handlers run with events off', () => {
    const ok = base().send(0, 1, 'RESCHEDULE', 2).upcall(1, 2, 17, 'resched1', 'RESCHEDULE');
    const whileMasked = base().e('umask', { vcpu: 1, v: 1 }).send(0, 1, 'RESCHEDULE', 2).tick().e('upcall', { vcpu: 1 });
    caught(ok, whileMasked, '9.3');
    // Pending and unmasked on a running vCPU, and no upcall for milliseconds: lost upcall.
    const stuck = base().send(0, 1, 'RESCHEDULE', 2).tick(5_000_000).e('console', { cpu: 0, text: 'later' });
    expect(ids(stuck.evs)).toContain('9.3');
    // A handler outside the upcall.
    const outside = base().send(0, 1, 'RESCHEDULE', 2).e('pend', { port: 2, v: 0 }).e('handle', { cpu: 1, irq: 17, port: 2, name: 'resched1', vector: 'RESCHEDULE' });
    expect(ids(outside.evs)).toContain('9.3');
  });

  it('[9.4] upcall_pending is cleared before the scan, rescanned while set; ports are handled on their own CPU', () => {
    const ok = base().send(0, 1, 'RESCHEDULE', 2).upcall(1, 2, 17, 'resched1', 'RESCHEDULE');
    // Handled on CPU 0 although bound to vCPU 1.
    const wrongCpu = base().send(0, 1, 'RESCHEDULE', 2).tick().e('umask', { vcpu: 0, v: 1 }).e('sel', { vcpu: 0, word: 0, v: 1 });
    expect(ids(wrongCpu.evs)).toContain('9.2');
    const wrong = base()
      .send(0, 1, 'RESCHEDULE', 2)
      .fn(0, 'xen_evtchn_do_upcall')
      .e('umask', { vcpu: 0, v: 1 })
      .e('upend', { vcpu: 0, v: 0 })
      .e('pend', { port: 2, v: 0 })
      .e('handle', { cpu: 0, irq: 17, port: 2, name: 'resched1', vector: 'RESCHEDULE' });
    caught(ok, wrong, '9.4');
    // Scanning before clearing upcall_pending.
    const early = base().send(0, 1, 'RESCHEDULE', 2).tick().e('umask', { vcpu: 1, v: 1 }).e('upcall', { vcpu: 1 }).fn(1, 'xen_evtchn_do_upcall').e('sel', { vcpu: 1, word: 0, v: 0 });
    expect(ids(early.evs)).toContain('9.4');
    // Leaving the upcall while upcall_pending is set again.
    const noRescan = base()
      .send(0, 1, 'RESCHEDULE', 2)
      .tick()
      .e('umask', { vcpu: 1, v: 1 })
      .e('upcall', { vcpu: 1 })
      .fn(1, 'xen_evtchn_do_upcall')
      .e('upend', { vcpu: 1, v: 0 })
      .e('sel', { vcpu: 1, word: 0, v: 0 })
      .e('pend', { port: 2, v: 0 })
      .e('handle', { cpu: 1, irq: 17, port: 2, name: 'resched1', vector: 'RESCHEDULE' })
      .send(0, 1, 'RESCHEDULE', 2)
      .exit(1, 'xen_evtchn_do_upcall');
    expect(ids(noRescan.evs)).toContain('9.4');
    // The handler ran before the ack cleared PENDING.
    const noAck = base().send(0, 1, 'RESCHEDULE', 2).tick().e('umask', { vcpu: 1, v: 1 }).e('upcall', { vcpu: 1 }).fn(1, 'xen_evtchn_do_upcall').e('upend', { vcpu: 1, v: 0 }).e('handle', { cpu: 1, irq: 17, port: 2, name: 'resched1', vector: 'RESCHEDULE' });
    expect(ids(noAck.evs)).toContain('9.4');
  });

  it('[9.5] per-vCPU VIRQ and IPI ports never change vCPU (bind_vcpu is -EINVAL)', () => {
    const ok = base().hc(0, 'EVTCHNOP_bind_vcpu', { port: 2, vcpu: 0 }, -22);
    const moved = base().hc(0, 'EVTCHNOP_bind_vcpu', { port: 2, vcpu: 0 }).e('rebind', { port: 2, vcpu: 0 });
    caught(ok, moved, '9.5');
    const timer = base().hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }, 0, { port: 3 }).e('bind', { port: 3, type: 'virq', vcpu: 1, virq: 'TIMER' }).e('rebind', { port: 3, vcpu: 0 });
    expect(ids(timer.evs)).toContain('9.5');
  });

  it('[9.6] port 0 is never allocated, the lowest free port is, and a closed port loses PENDING and its binding', () => {
    const ok = base().hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 }, 0, { port: 3 }).e('bind', { port: 3, type: 'ipi', vcpu: 0 });
    caught(ok, base().e('bind', { port: 0, type: 'ipi', vcpu: 0 }), '9.6');
    expect(ids(base().e('bind', { port: 5, type: 'ipi', vcpu: 0 }).evs)).toContain('9.6');
    expect(ids(base().hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 }, 0, { port: 4 }).e('bind', { port: 3, type: 'ipi', vcpu: 0 }).evs)).toContain('9.6');
    const closedPending = base().e('mask', { port: 2, v: 1 }).e('ipi_send', { from: 0, to: 1, vector: 'RESCHEDULE', port: 2 }).hc(0, 'EVTCHNOP_send', { port: 2 }).e('pend', { port: 2, v: 1 }).hc(0, 'EVTCHNOP_close', { port: 2 }).e('close', { port: 2 });
    expect(ids(closedPending.evs)).toContain('9.6');
    const statusOk = base().hc(0, 'EVTCHNOP_close', { port: 2 }).e('close', { port: 2 }).hc(0, 'EVTCHNOP_status', { port: 2 }, 0, { status: 'closed', vcpu: 0 });
    const statusBad = base().hc(0, 'EVTCHNOP_close', { port: 2 }).e('close', { port: 2 }).hc(0, 'EVTCHNOP_status', { port: 2 }, 0, { status: 'closed', vcpu: 1 });
    caught(statusOk, statusBad, '9.6');
  });

  it('[9.7] a masked pending port raises no upcall until unmasked, but its poller is woken', () => {
    const polling = () =>
      base()
        .hc(1, 'SCHEDOP_poll', { ports: [2] })
        .e('poll', { vcpu: 1, v: 1, ports: [2] })
        .e('runstate', { vcpu: 1, state: 'blocked', pcpu: -1 })
        .tick()
        .e('mask', { port: 2, v: 1 });
    const woken = polling().send(0, 1, 'RESCHEDULE', 2, { selAndUpend: false }).e('poll', { vcpu: 1, v: 0, ports: [2] }).e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 });
    const notWoken = polling().send(0, 1, 'RESCHEDULE', 2, { selAndUpend: false }).tick();
    caught(woken, notWoken, '9.7');
    const handledMasked = base()
      .send(0, 1, 'RESCHEDULE', 2)
      .tick()
      .e('mask', { port: 2, v: 1 })
      .e('umask', { vcpu: 1, v: 1 })
      .e('upcall', { vcpu: 1 })
      .fn(1, 'xen_evtchn_do_upcall')
      .e('upend', { vcpu: 1, v: 0 })
      .e('pend', { port: 2, v: 0 })
      .e('handle', { cpu: 1, irq: 17, port: 2, name: 'resched1', vector: 'RESCHEDULE' });
    expect(ids(handledMasked.evs)).toContain('9.7');
  });

  it('[9.8] initialise once (-EEXIST after), up needs initialise, is_up answers 0/1/-ENOENT', () => {
    const raw = () => base().e('narrate', { cpu: 0, text: 'A raw hypercall from vCPU 0: VCPUOP_initialise.', fn: 'HYPERVISOR_call', fact: '6.1' });
    const ok = raw().hc(0, 'VCPUOP_initialise', { vcpu: 1 }, -17).hc(0, 'VCPUOP_is_up', { vcpu: 1 }, 1).hc(0, 'VCPUOP_is_up', { vcpu: 7 }, -2);
    caught(ok, raw().hc(0, 'VCPUOP_initialise', { vcpu: 1 }, 0), '9.8');
    expect(ids(base().hc(0, 'VCPUOP_is_up', { vcpu: 1 }, 0).evs)).toContain('9.8');
    expect(ids(base().hc(0, 'VCPUOP_is_up', { vcpu: 2 }, 0).evs)).toContain('9.8');
    const upUninit = new Tb()
      .e('domain', { max_vcpus: 2, dom0: 0, abi: '2l', max_port: 1023, pcpus: 1 })
      .e('vcpu', { vcpu: 0, initialised: 1, up: 1 })
      .e('runstate', { vcpu: 0, state: 'runnable', pcpu: -1 })
      .e('runstate', { vcpu: 0, state: 'running', pcpu: 0 })
      .hc(0, 'VCPUOP_up', { vcpu: 1 }, 0);
    expect(ids(upUninit.evs)).toContain('9.8');
  });

  it('[9.9] only vCPU 0 starts up; the last VCPUOP_down powers the domain off', () => {
    const start = new Tb().e('domain', { max_vcpus: 2, dom0: 0, abi: '2l', max_port: 1023, pcpus: 1 }).e('vcpu', { vcpu: 1, initialised: 1, up: 1 });
    expect(ids(start.evs)).toContain('9.9');
    const sneaky = base().e('vcpu', { vcpu: 1, initialised: 1, up: 0 }).e('runstate', { vcpu: 1, state: 'offline', pcpu: -1 }).tick().e('vcpu', { vcpu: 1, initialised: 1, up: 1 });
    expect(ids(sneaky.evs)).toContain('9.9');
    const lastDown = () =>
      base()
        .hc(1, 'VCPUOP_down', { vcpu: 1 })
        .e('vcpu', { vcpu: 1, initialised: 1, up: 0 })
        .e('runstate', { vcpu: 1, state: 'offline', pcpu: -1 })
        .tick()
        .hc(0, 'VCPUOP_down', { vcpu: 0 });
    const ok = lastDown().e('runstate', { vcpu: 0, state: 'offline', pcpu: -1 }).e('shutdown', { reason: 'poweroff' });
    caught(ok, lastDown(), '9.9');
  });

  it('[9.10] one runstate at a time; sleep → running only via runnable; only a running vCPU issues hypercalls', () => {
    const ok = base().hc(1, 'SCHEDOP_block').e('runstate', { vcpu: 1, state: 'blocked', pcpu: -1 }).tick().e('nmi', { vcpu: 1 }).e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 }).tick().e('runstate', { vcpu: 1, state: 'running', pcpu: 1 });
    const direct = base().hc(1, 'SCHEDOP_block').e('runstate', { vcpu: 1, state: 'blocked', pcpu: -1 }).tick().e('nmi', { vcpu: 1 }).e('runstate', { vcpu: 1, state: 'running', pcpu: 1 });
    caught(ok, direct, '9.10');
    expect(ids(base().e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 }).e('runstate', { vcpu: 1, state: 'running', pcpu: 0 }).evs)).toContain('9.10');
    expect(ids(base().e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 }).hc(1, 'VCPUOP_is_up', { vcpu: 0 }, 1).evs)).toContain('9.10');
  });

  it('[9.11] CPU 0 never goes offline; the AP stays masked until its own local_irq_enable; 4.0 waits, 2.6.23 does not', () => {
    expect(ids(base().e('cpumask', { mask: 'online', cpu: 0, v: 0 }).evs)).toContain('9.11');
    const stopped = base().fn(0, 'stop_self').e('cpumask', { mask: 'online', cpu: 0, v: 0 }).e('lstate', { cpu: 0, state: 'dead' });
    expect(ids(stopped.evs)).not.toContain('9.11');
    // A re-bring-up where the BSP returns from xen_cpu_up before the AP is online.
    const rebring = (wait: boolean, unmaskWhere: 'bringup' | 'elsewhere' | 'none' = 'bringup', era: '4.0' | '2.6.23' = '4.0') => {
      const b = base()
        .e('cpumask', { mask: 'online', cpu: 1, v: 0 })
        .e('lstate', { cpu: 1, state: 'dead' })
        .e('umask', { vcpu: 1, v: 1 })
        .hc(1, 'VCPUOP_down', { vcpu: 1 })
        .e('vcpu', { vcpu: 1, initialised: 1, up: 0 })
        .e('runstate', { vcpu: 1, state: 'offline', pcpu: -1 })
        .e('lstate', { cpu: 1, state: 'offline' })
        .tick()
        .fn(0, 'cpu_up')
        .e('lstate', { cpu: 1, state: 'bringup' })
        .fn(0, 'xen_cpu_up')
        .hc(0, 'VCPUOP_up', { vcpu: 1 })
        .e('vcpu', { vcpu: 1, initialised: 1, up: 1 })
        .e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 });
      if (era === '2.6.23') b.hc(0, 'SCHEDOP_yield');
      if (!wait) b.exit(0, 'xen_cpu_up');
      b.tick().e('runstate', { vcpu: 1, state: 'running', pcpu: 1 });
      if (unmaskWhere === 'elsewhere') b.e('umask', { vcpu: 1, v: 0 });
      b.fn(1, 'cpu_bringup').e('cpumask', { mask: 'online', cpu: 1, v: 1 }).e('lstate', { cpu: 1, state: 'online' });
      if (unmaskWhere === 'bringup') b.e('umask', { vcpu: 1, v: 0 });
      b.exit(1, 'cpu_bringup').tick();
      if (wait) b.exit(0, 'xen_cpu_up');
      return b.exit(0, 'cpu_up');
    };
    // The first re-online resumes in play_dead (9.12), so give its stack that frame.
    const ok = rebring(true);
    ok.evs.splice(ok.evs.findIndex((e) => e.k === 'hc' && e.op === 'VCPUOP_down'), 0, { t: 0, k: 'fn', cpu: 1, name: 'xen_play_dead', depth: 1 } as Ev);
    const okV = checkTrace(ok.evs, S);
    expect(okV.filter((v) => v.invariant === '9.11')).toEqual([]);
    expect(ids(rebring(false).evs)).toContain('9.11');
    expect(ids(rebring(true, 'elsewhere').evs)).toContain('9.11');
    // 2.6.23 must not wait with SCHEDOP_yield.
    const e2623: CheckScenario = { kernel: '2.6.23', guest: { type: 'pv', bits: 64 } };
    expect(checkTrace(rebring(true, 'bringup', '2.6.23').evs, e2623).map((v) => v.invariant)).toContain('9.11');
    // Starting an AP whose upcall mask is 0.
    const unmaskedStart = base().e('cpumask', { mask: 'online', cpu: 1, v: 0 }).hc(1, 'VCPUOP_down', { vcpu: 1 }).e('vcpu', { vcpu: 1, initialised: 1, up: 0 }).e('runstate', { vcpu: 1, state: 'offline', pcpu: -1 }).fn(0, 'xen_cpu_up').hc(0, 'VCPUOP_up', { vcpu: 1 });
    expect(ids(unmaskedStart.evs)).toContain('9.11');
  });

  it('[9.12] a re-onlined vCPU is never re-initialised and resumes after its own VCPUOP_down', () => {
    const reinit = base().hc(0, 'VCPUOP_initialise', { vcpu: 1 }, -17);
    expect(ids(reinit.evs)).toContain('9.12');
    // A raw hypercall step doing the same is the user's doing, not Linux's.
    const raw = base().e('narrate', { cpu: 0, text: 'A raw hypercall from vCPU 0: VCPUOP_initialise.', fn: 'HYPERVISOR_call', fact: '6.1' }).hc(0, 'VCPUOP_initialise', { vcpu: 1 }, -17);
    expect(ids(raw.evs)).not.toContain('9.12');
    // After its own VCPUOP_down (from xen_play_dead), the vCPU must resume in play_dead.
    const down = () =>
      base()
        .e('cpumask', { mask: 'online', cpu: 1, v: 0 })
        .fn(1, 'xen_play_dead')
        .e('umask', { vcpu: 1, v: 1 })
        .hc(1, 'VCPUOP_down', { vcpu: 1 })
        .e('vcpu', { vcpu: 1, initialised: 1, up: 0 })
        .e('runstate', { vcpu: 1, state: 'offline', pcpu: -1 })
        .tick()
        .hc(0, 'VCPUOP_up', { vcpu: 1 })
        .e('vcpu', { vcpu: 1, initialised: 1, up: 1 })
        .e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 })
        .tick()
        .e('runstate', { vcpu: 1, state: 'running', pcpu: 1 });
    const resumes = down().fn(1, 'cpu_bringup');
    const fresh = down();
    fresh.evs.splice(fresh.evs.findIndex((e) => e.k === 'fn' && e.name === 'xen_play_dead'), 1);
    fresh.fn(1, 'cpu_bringup_and_idle');
    expect(ids(resumes.evs)).not.toContain('9.12');
    expect(ids(fresh.evs)).toContain('9.12');
  });

  it('[9.13] mask-based sends reach only online CPUs; a send must go through the target\'s own IPI port', () => {
    const offline = () => base().e('cpumask', { mask: 'online', cpu: 1, v: 0 });
    const masked = offline().send(0, 1, 'CALL_FUNCTION', 2);
    const direct = offline().fn(0, 'xen_smp_send_reschedule').send(0, 1, 'RESCHEDULE', 2);
    expect(ids(masked.evs)).toContain('9.13');
    expect(ids(direct.evs)).not.toContain('9.13');
    expect(ids(base().send(0, 1, 'RESCHEDULE', 1).evs)).toContain('9.13');
  });

  it('[9.14] possible ⊆ the vCPUs that exist; dom0 with hotplug keeps nr_cpu_ids ≤ its vCPUs', () => {
    expect(ids(base().e('cpumask', { mask: 'possible', cpu: 2, v: 1 }).evs)).toContain('9.14');
    const dom0 = (n: number) =>
      new Tb()
        .e('domain', { max_vcpus: 2, dom0: 1, abi: '2l', max_port: 4095, pcpus: 4 })
        .e('vcpu', { vcpu: 0, initialised: 1, up: 1 })
        .e('runstate', { vcpu: 0, state: 'runnable', pcpu: -1 })
        .e('runstate', { vcpu: 0, state: 'running', pcpu: 0 })
        .e('nr_cpu_ids', { n })
        .fn(0, 'smp_init');
    const d0: CheckScenario = { kernel: '4.0', guest: { type: 'pv', dom0: true, hotplug: true, bits: 64 } };
    expect(checkTrace(dom0(2).evs, d0)).toEqual([]);
    expect(checkTrace(dom0(4).evs, d0).map((v) => v.invariant)).toContain('9.14');
    expect(checkTrace(dom0(4).evs, { ...d0, guest: { ...d0.guest, hotplug: false } })).toEqual([]);
  });

  it('[9.15] a pagetable is unpinned and freed only when no actual cr3 refers to it; skip_drop_mm_ref must show the refusal', () => {
    const inUse = () => base().hc(0, 'MMUEXT_PIN_L4_TABLE', { mfn: 0x2000 }).e('pin', { mfn: 0x2000, v: 1 }).hc(1, 'MMUEXT_NEW_BASEPTR', { mfn: 0x2000 }).e('cr3', { vcpu: 1, mfn: 0x2000 }).tick();
    const dropped = inUse().hc(1, 'MMUEXT_NEW_BASEPTR', { mfn: 0x1000 }).e('cr3', { vcpu: 1, mfn: 0x1000 }).hc(0, 'MMUEXT_UNPIN_TABLE', { mfn: 0x2000 }).e('pin', { mfn: 0x2000, v: 0 }).hc(0, 'HYPERVISOR_update_va_mapping', { mfn: 0x2000, writable: true });
    const notDropped = inUse().hc(0, 'MMUEXT_UNPIN_TABLE', { mfn: 0x2000 }).e('pin', { mfn: 0x2000, v: 0 });
    caught(dropped, notDropped, '9.15');
    // Xen let the in-use frame be made writable.
    expect(ids(inUse().hc(0, 'HYPERVISOR_update_va_mapping', { mfn: 0x2000, writable: true }, 0).evs)).toContain('9.15');
    // skip_drop_mm_ref: the unpin is deliberate, but Xen must refuse the free and the kernel must say so.
    const skip = (refused: boolean) => {
      const b = inUse()
        .fn(0, 'xen_exit_mmap')
        .e('narrate', { cpu: 0, text: 'xen_drop_mm_ref is skipped (as if the 2007 commit had not done it)', fn: 'xen_exit_mmap', fact: '7.2' })
        .hc(0, 'MMUEXT_UNPIN_TABLE', { mfn: 0x2000 })
        .e('pin', { mfn: 0x2000, v: 0 })
        .hc(0, 'HYPERVISOR_update_va_mapping', { mfn: 0x2000, writable: true }, refused ? -16 : 0);
      if (refused) b.e('console', { cpu: 0, text: '1 multicall(s) failed: cpu 0' });
      return b.exit(0, 'xen_exit_mmap');
    };
    expect(ids(skip(true).evs)).not.toContain('9.15');
    expect(ids(skip(false).evs)).toContain('9.15');
  });

  it('[9.16] the spinlock kicker never runs a handler; only the poller (or close) consumes its PENDING bit', () => {
    const kicker = () => base().bindIpi(1, 3, 18, 'spinlock1').e('mask', { port: 3, v: 1 }).tick();
    const polled = kicker()
      .fn(1, 'xen_lock_spinning')
      .hc(1, 'SCHEDOP_poll', { ports: [3] })
      .e('poll', { vcpu: 1, v: 1, ports: [3] })
      .e('runstate', { vcpu: 1, state: 'blocked', pcpu: -1 })
      .tick()
      .send(0, 1, 'SPIN_UNLOCK', 3, { selAndUpend: false })
      .e('poll', { vcpu: 1, v: 0, ports: [3] })
      .e('runstate', { vcpu: 1, state: 'runnable', pcpu: -1 })
      .tick()
      .e('runstate', { vcpu: 1, state: 'running', pcpu: 1 })
      .e('pend', { port: 3, v: 0 })
      .exit(1, 'xen_lock_spinning');
    expect(checkTrace(polled.evs, S)).toEqual([]);
    const ranHandler = kicker().e('mask', { port: 3, v: 0 }).send(0, 1, 'SPIN_UNLOCK', 3).upcall(1, 3, 18, 'spinlock1', 'SPIN_UNLOCK');
    expect(ids(ranHandler.evs)).toContain('9.16');
    const consumedElsewhere = kicker().send(0, 1, 'SPIN_UNLOCK', 3, { selAndUpend: false }).tick().e('pend', { port: 3, v: 0 });
    expect(ids(consumedElsewhere.evs)).toContain('9.16');
  });
});

describe('torture accounting', () => {
  it('counts every IPI to its end and flags one lost on an online CPU', () => {
    const ok = base().send(0, 1, 'RESCHEDULE', 2).e('ipi_send', { from: 0, to: 1, vector: 'RESCHEDULE', port: 2 }).hc(0, 'EVTCHNOP_send', { port: 2 }).e('coalesce', { port: 2 }).upcall(1, 2, 17, 'resched1', 'RESCHEDULE');
    const a = ipiAccounting(ok.evs);
    expect(a.problems).toEqual([]);
    expect(a.sends.map((s) => s.outcome)).toEqual(['handled', 'coalesced']);
    const lost = base().send(0, 1, 'RESCHEDULE', 2).hc(0, 'EVTCHNOP_close', { port: 2 }).e('pend', { port: 2, v: 0 }).e('close', { port: 2 });
    expect(ipiAccounting(lost.evs).problems.join('\n')).toMatch(/dropped when its port was closed/);
    expect(ipiAccounting(base().send(0, 1, 'RESCHEDULE', 2).evs).problems.join('\n')).toMatch(/never handled/);
  });

  it('finds leaked ports/irqs and Linux/Xen disagreement in the final state', () => {
    const o = { era: '4.0' as const, type: 'pv' as const, abi: '2l' as const, pvspin: false, dom0: false };
    const f = runChecker(base().evs, S).final;
    const problems = finalConsistency(f, o);
    // base() binds only resched ports: every other per-CPU irq is missing, none leaked.
    expect(problems.some((p) => /irq timer0 is missing/.test(p))).toBe(true);
    expect(problems.some((p) => /leaked/.test(p))).toBe(false);
    const extra = runChecker(base().hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 }, 0, { port: 3 }).e('bind', { port: 3, type: 'ipi', vcpu: 0 }).evs, S).final;
    expect(finalConsistency(extra, o).some((p) => /port 3 .* leaked/.test(p))).toBe(true);
    const split = runChecker(base().e('vcpu', { vcpu: 1, initialised: 1, up: 0 }).evs, S).final;
    expect(finalConsistency(split, o).some((p) => /CPU 1 is online in Linux but its vCPU is down/.test(p))).toBe(true);
  });
});
