import { describe, expect, it } from 'vitest';
import { HYPERCALLS, SWAPPER_PG_DIR_MFN } from '../api';
import { makeRig } from '../testing';
import { PV_DEFAULT_PERIOD_NS } from '../hypervisor';

const VCPUOPS = HYPERCALLS.filter((op) => op.startsWith('VCPUOP_'));

describe('VCPUOP lookup (6.1.1)', () => {
  it('[6.1.1] every VCPUOP sub-op returns -ENOENT for vcpuid ≥ max_vcpus', () => {
    const r = makeRig({ maxVcpus: 3 });
    for (const op of VCPUOPS) {
      expect(r.hc(0, op, { vcpu: 3, period_ns: 5e6, timeout_abs_ns: 0 }), op).toMatchObject({ ret: -2 });
      expect(r.hc(0, op, { vcpu: 1000 }).ret, op).toBe(-2);
      expect(r.hc(0, op, { vcpu: -1 }).ret, op).toBe(-2);
    }
    expect(r.trace.cols.get(r.trace.length - 1)).toMatchObject({ k: 'hc', ret: -2, errno: 'ENOENT' });
  });
});

describe('domain creation (6.1.4, §9.9)', () => {
  it('[6.1.4][§9.9] vCPU 0 starts initialised and up (and runs); every other vCPU starts down and offline', () => {
    const r = makeRig({ maxVcpus: 4 });
    expect(r.hooks('resume')).toEqual([{ t: 1000, hook: 'resume', vcpu: 0 }]);
    expect(r.hc(0, 'VCPUOP_is_up', { vcpu: 0 }).ret).toBe(1);
    for (const v of [1, 2, 3]) {
      expect(r.hc(0, 'VCPUOP_is_up', { vcpu: v }).ret).toBe(0);
      expect(r.xen.vcpus[v].runstate).toBe('offline');
    }
    const f = r.fold();
    expect(f.vcpus[0]).toMatchObject({ initialised: true, up: true, runstate: 'running', pcpu: 0, cr3: SWAPPER_PG_DIR_MFN });
    expect(f.vcpus[1]).toMatchObject({ initialised: false, up: false, runstate: 'offline' });
    expect(f.pinned[SWAPPER_PG_DIR_MFN]).toBe(true);
  });

  it('the domain event carries the vCPU count, ABI and port limit', () => {
    const r = makeRig({ maxVcpus: 6, pcpus: 3, dom0: true, abi: 'fifo' });
    expect(r.trace.cols.get(0)).toEqual({ t: 0, k: 'domain', max_vcpus: 6, dom0: 1, abi: 'fifo', max_port: 131071, pcpus: 3, type: 'pv', bits: 64 });
  });
});

describe('VCPUOP_initialise (6.1.2, §9.8)', () => {
  it('[6.1.2][§9.8] initialise twice → -EEXIST (vCPU 0 is already initialised by the builder)', () => {
    const r = makeRig();
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 1 }).ret).toBe(0);
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 1 })).toMatchObject({ ret: -17 });
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 0 }).ret).toBe(-17);
  });

  it('[6.1.2] sets cr3 (swapper_pg_dir by default, or args.cr3) and emits vcpu + cr3; the vCPU stays down', () => {
    const r = makeRig();
    const mark = r.trace.length;
    r.hc(0, 'VCPUOP_initialise', { vcpu: 1 });
    r.hc(0, 'VCPUOP_initialise', { vcpu: 2, cr3: 0x2000 });
    expect(r.since(mark).filter((e) => e.k !== 'hc')).toEqual([
      { t: r.sim.now, k: 'vcpu', vcpu: 1, initialised: 1, up: 0 },
      { t: r.sim.now, k: 'cr3', vcpu: 1, mfn: SWAPPER_PG_DIR_MFN },
      { t: r.sim.now, k: 'vcpu', vcpu: 2, initialised: 1, up: 0 },
      { t: r.sim.now, k: 'cr3', vcpu: 2, mfn: 0x2000 },
    ]);
    expect(r.hc(0, 'VCPUOP_is_up', { vcpu: 1 }).ret).toBe(0);
  });

  it('[6.1.2][A5] a PV vCPU ≥ 32 still on the dummy vcpu_info → -EINVAL; after register_vcpu_info it works', () => {
    const r = makeRig({ maxVcpus: 40 });
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 31 }).ret).toBe(0);
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 32 })).toMatchObject({ ret: -22 });
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 32 }).ret).toBe(0);
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 32 }).ret).toBe(0);
  });

  it('[6.1.2] the dummy vcpu_info check is PV-only: an HVM vCPU ≥ 32 can be initialised', () => {
    const r = makeRig({ maxVcpus: 40, type: 'hvm' });
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 35 }).ret).toBe(0);
  });

  it('[6.1.2][7.3] a cr3 frame that cannot be typed as a pagetable (mapped writable) → -EINVAL', () => {
    const r = makeRig();
    expect(r.hc(0, 'HYPERVISOR_update_va_mapping', { mfn: 0x3000, writable: true }).ret).toBe(0);
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 1, cr3: 0x3000 }).ret).toBe(-22);
    expect(r.hc(0, 'VCPUOP_initialise', { vcpu: 1, cr3: 'x' }).ret).toBe(-14);
  });
});

describe('VCPUOP_up / is_up (6.1.3, 6.1.4, §9.8)', () => {
  it('[6.1.3][§9.8] up requires initialised → -EINVAL', () => {
    const r = makeRig();
    expect(r.hc(0, 'VCPUOP_up', { vcpu: 1 })).toMatchObject({ ret: -22 });
  });

  it('[6.1.3] up wakes the vCPU: offline → runnable → running, then hooks.resume', () => {
    const r = makeRig({ pcpus: 4 });
    r.hc(0, 'VCPUOP_initialise', { vcpu: 1 });
    const t0 = r.sim.now;
    const mark = r.trace.length;
    expect(r.hc(0, 'VCPUOP_up', { vcpu: 1 }).ret).toBe(0);
    expect(r.since(mark).slice(1)).toEqual([
      { t: t0, k: 'vcpu', vcpu: 1, initialised: 1, up: 1 },
      { t: t0, k: 'runstate', vcpu: 1, state: 'runnable', pcpu: -1 },
    ]);
    expect(r.hooks('resume', 1)).toEqual([]); // never from inside the hypercall
    r.run(5_000);
    expect(r.hooks('resume', 1)).toEqual([{ t: t0 + 1000, hook: 'resume', vcpu: 1 }]);
    expect(r.hc(0, 'VCPUOP_is_up', { vcpu: 1 }).ret).toBe(1);
  });

  it('[6.1.3] up on a vCPU that is already up → 0 and nothing happens', () => {
    const r = makeRig();
    r.bringUp(2);
    const mark = r.trace.length;
    expect(r.hc(0, 'VCPUOP_up', { vcpu: 1 }).ret).toBe(0);
    expect(r.hc(0, 'VCPUOP_up', { vcpu: 0 }).ret).toBe(0);
    expect(r.kindsSince(mark)).toEqual(['hc', 'hc']);
  });
});

describe('VCPUOP_down (6.1.5, §9.9, §9.12)', () => {
  it('[6.1.5] down on itself deschedules the caller (offline) with no pause hook; it resumes after a later up', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(3);
    const res = r.hc(2, 'VCPUOP_down', { vcpu: 2 });
    expect(res).toEqual({ ret: 0, descheduled: true });
    expect(r.xen.vcpus[2].runstate).toBe('offline');
    expect(r.hc(0, 'VCPUOP_is_up', { vcpu: 2 }).ret).toBe(0);
    r.run(1_000_000);
    expect(r.hooks('pause', 2)).toEqual([]);
    expect(r.hooks('resume', 2)).toHaveLength(1);
    expect(r.hc(0, 'VCPUOP_up', { vcpu: 2 }).ret).toBe(0);
    r.run(10_000);
    expect(r.hooks('resume', 2)).toHaveLength(2); // the down "returns" now (§9.12: no re-initialise)
    expect(r.xen.vcpus[2].runstate).toBe('running');
  });

  it('[6.1.5] down on another running vCPU is asynchronous: is_up says 0 at once, it leaves its pCPU in the softirq (hooks.pause)', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(3);
    expect(r.hc(0, 'VCPUOP_down', { vcpu: 1 })).toEqual({ ret: 0, descheduled: false });
    expect(r.hc(0, 'VCPUOP_is_up', { vcpu: 1 }).ret).toBe(0);
    expect(r.xen.vcpus[1].runstate).toBe('running');
    expect(r.hooks('pause', 1)).toEqual([]);
    const t = r.sim.now;
    r.run(1);
    expect(r.hooks('pause', 1)).toEqual([{ t, hook: 'pause', vcpu: 1 }]);
    expect(r.xen.vcpus[1].runstate).toBe('offline');
    expect(r.fold().pcpus[1]).toMatchObject({ dom: 'idle' });
  });

  it('[6.1.5][§9.9] downing the last up vCPU powers the domain off (d3b230fc46)', () => {
    const r = makeRig();
    r.bringUp(2);
    r.hc(1, 'VCPUOP_down', { vcpu: 1 });
    expect(r.hc(0, 'VCPUOP_down', { vcpu: 0 })).toEqual({ ret: 0, descheduled: true });
    expect(r.xen.shutdownReason).toBe('poweroff');
    expect(r.sim.run()).toBe('stopped');
    expect(r.fold().shutdown).toBe('poweroff');
    expect(r.trace.cols.get(r.trace.length - 1)).toMatchObject({ k: 'shutdown', reason: 'poweroff' });
  });

  it('[6.1.5] a vCPU downed while blocked stays blocked (blocked wins) and turns offline when an event unblocks it', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(3);
    const p = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 2 }).out!.port as number;
    expect(r.hc(2, 'SCHEDOP_block', {}).descheduled).toBe(true);
    r.hc(0, 'VCPUOP_down', { vcpu: 2 });
    expect(r.xen.vcpus[2].runstate).toBe('blocked');
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.vcpus[2].runstate).toBe('offline');
  });
});

describe('VCPUOP_register_runstate_memory_area (6.1.6, 6.3)', () => {
  it('[6.1.6] nothing to read before registration; afterwards the current runstate at once', () => {
    const r = makeRig({ pcpus: 2 });
    expect(r.xen.readRunstate(0)).toBeNull();
    r.run(50_000);
    expect(r.hc(0, 'VCPUOP_register_runstate_memory_area', { vcpu: 0 }).ret).toBe(0);
    const a = r.xen.readRunstate(0)!;
    expect(a.state).toBe('running');
    expect(a.time.reduce((x, y) => x + y)).toBe(r.sim.now); // own area: written up to now
    expect(r.hc(0, 'VCPUOP_register_runstate_memory_area', { vcpu: 1 }).ret).toBe(0);
    expect(r.xen.readRunstate(1)).toEqual({ state: 'offline', time: [0, 0, 0, 0], stateEntryTime: 0 });
  });

  it('[6.1.6][6.3.3] the copy is rewritten at each context switch: a preempted vCPU reads runnable (stolen)', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    r.hc(0, 'VCPUOP_register_runstate_memory_area', { vcpu: 1 });
    r.xen.preempt(1, 2_000_000);
    r.run(1_000_000);
    expect(r.xen.readRunstate(1)!.state).toBe('runnable');
    r.run(2_000_000);
    const a = r.xen.readRunstate(1)!;
    expect(a.state).toBe('running');
    expect(a.time[1]).toBeGreaterThanOrEqual(2_000_000); // steal = runnable + offline
  });
});

describe('VCPUOP_register_vcpu_info (6.1.7, A5)', () => {
  it('[6.1.7] on success every selector bit is set and events are marked pending (a spurious upcall)', () => {
    const r = makeRig({ pcpus: 2 });
    const mark = r.trace.length;
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 0 }).ret).toBe(0);
    const evs = r.since(mark);
    expect(evs.filter((e) => e.k === 'sel')).toHaveLength(64);
    expect(r.xen.shared.pendingSel(0)).toHaveLength(64);
    expect(evs.at(-1)).toMatchObject({ k: 'upend', vcpu: 0, v: 1 });
    expect(r.xen.takeUpcall(0)).toBe(true);
  });

  it('[6.1.7] Xen 4.17: a second registration → -EINVAL', () => {
    const r = makeRig();
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 0 }).ret).toBe(0);
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 0 })).toMatchObject({ ret: -22 });
  });

  it('[6.1.7] only for the caller or a vCPU that is down → else -EINVAL', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(2);
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 1 }).ret).toBe(-22);
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 2 }).ret).toBe(0);
  });

  it('[6.1.7] an offset past the page or misaligned → -ENXIO', () => {
    const r = makeRig();
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 0, offset: 4090 }).ret).toBe(-6);
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 0, offset: 12 }).ret).toBe(-6);
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 0, offset: 64 }).ret).toBe(0);
  });

  it('[6.1.7] a Xen without placement answers -ENOSYS', () => {
    const r = makeRig({ vcpuInfoPlacement: false });
    expect(r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 0 }).ret).toBe(-38);
  });

  it('[A2][A5] vCPUs ≥ 32 start on the dummy vcpu_info with mask 1; registration gives a fresh one, still masked', () => {
    const r = makeRig({ maxVcpus: 34 });
    expect(r.xen.shared.isDummyVcpuInfo(31)).toBe(false);
    expect(r.xen.shared.isDummyVcpuInfo(33)).toBe(true);
    expect(r.xen.shared.upcallMask(33)).toBe(1);
    expect(r.fold().vcpus[33].upcallMask).toBe(1);
    expect(r.fold().vcpus[31].upcallMask).toBe(0);
    r.hc(0, 'VCPUOP_register_vcpu_info', { vcpu: 33 });
    expect(r.xen.shared.isDummyVcpuInfo(33)).toBe(false);
    expect(r.xen.shared.upcallMask(33)).toBe(1);
    expect(r.xen.shared.upcallPending(33)).toBe(1);
  });
});

describe('VCPUOP_send_nmi (6.1.1)', () => {
  it('[6.1.1] sets a pending NMI once (nmi event) and kicks the target; takeNmi delivers it once', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(2);
    const t = r.sim.now;
    r.hc(0, 'VCPUOP_send_nmi', { vcpu: 1 });
    r.hc(0, 'VCPUOP_send_nmi', { vcpu: 1 });
    expect(r.since(0).filter((e) => e.k === 'nmi')).toEqual([{ t, k: 'nmi', vcpu: 1 }]);
    r.run(2_000);
    expect(r.hooks('kick', 1)).toEqual([{ t: t + 1000, hook: 'kick', vcpu: 1 }]);
    expect(r.xen.takeNmi(1)).toBe(true);
    expect(r.xen.takeNmi(1)).toBe(false);
  });

  it('[6.1.1][5.3.3] an NMI wakes a blocked vCPU', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(2);
    r.hc(1, 'SCHEDOP_block', {});
    r.hc(0, 'VCPUOP_send_nmi', { vcpu: 1 });
    r.run(2_000);
    expect(r.xen.vcpus[1].runstate).toBe('running');
    expect(r.xen.takeNmi(1)).toBe(true);
  });
});

describe('timers (6.1.8)', () => {
  const timerRig = () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(2);
    const p0 = r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 0 }).out!.port as number;
    const p1 = r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }).out!.port as number;
    return { r, p0, p1 };
  };

  it('[6.1.8] a periodic period below 1 ms → -EINVAL', () => {
    const { r } = timerRig();
    expect(r.hc(0, 'VCPUOP_set_periodic_timer', { vcpu: 0, period_ns: 999_999 }).ret).toBe(-22);
    expect(r.hc(0, 'VCPUOP_set_periodic_timer', { vcpu: 1, period_ns: 1_000_000 }).ret).toBe(0);
  });

  it('[6.1.8] PV vCPUs have a 100 Hz periodic VIRQ_TIMER while running; stop_periodic_timer ends it', () => {
    const { r, p0 } = timerRig();
    const pend = () => r.since(0).filter((e) => e.k === 'pend' && e.port === p0 && e.v === 1).length;
    const before = pend();
    r.run(PV_DEFAULT_PERIOD_NS);
    expect(pend()).toBe(before + 1);
    r.xen.shared.clearPending(p0);
    r.hc(0, 'VCPUOP_stop_periodic_timer', { vcpu: 0 });
    r.run(5 * PV_DEFAULT_PERIOD_NS);
    expect(pend()).toBe(before + 1);
  });

  it('[6.1.8] singleshot only on the calling vCPU → else -EINVAL (set and stop)', () => {
    const { r } = timerRig();
    expect(r.hc(0, 'VCPUOP_set_singleshot_timer', { vcpu: 1, timeout_abs_ns: r.sim.now + 1000 }).ret).toBe(-22);
    expect(r.hc(0, 'VCPUOP_stop_singleshot_timer', { vcpu: 1 }).ret).toBe(-22);
    expect(r.hc(1, 'VCPUOP_stop_singleshot_timer', { vcpu: 1 }).ret).toBe(0);
  });

  it('[6.1.8] a singleshot deadline in the past fires at once (-ETIME with the "future" flag)', () => {
    const { r, p1 } = timerRig();
    r.hc(1, 'VCPUOP_stop_periodic_timer', { vcpu: 1 });
    expect(r.hc(1, 'VCPUOP_set_singleshot_timer', { vcpu: 1, timeout_abs_ns: 5, future: true }).ret).toBe(-62);
    expect(r.hc(1, 'VCPUOP_set_singleshot_timer', { vcpu: 1, timeout_abs_ns: 5 }).ret).toBe(0);
    expect(r.xen.shared.isPending(p1)).toBe(false);
    r.run(0);
    expect(r.xen.shared.isPending(p1)).toBe(true);
  });

  it('[6.1.8] a singleshot timer wakes a blocked vCPU through VIRQ_TIMER at its deadline', () => {
    const { r, p1 } = timerRig();
    r.hc(1, 'VCPUOP_stop_periodic_timer', { vcpu: 1 });
    const at = r.sim.now + 3_000_000;
    r.hc(1, 'VCPUOP_set_singleshot_timer', { vcpu: 1, timeout_abs_ns: at });
    r.hc(1, 'SCHEDOP_block', {});
    r.run(2_999_999);
    expect(r.xen.vcpus[1].runstate).toBe('blocked');
    r.run(2_000);
    expect(r.xen.shared.isPending(p1)).toBe(true);
    expect(r.hooks('resume', 1).at(-1)!.t).toBe(at + 1000);
  });
});
