import { describe, expect, it } from 'vitest';
import { Sim } from '../sim/sim';
import { traceHash } from '../trace/canonical';
import { TraceWriter } from '../trace/writer';
import { KICK_NS, Xen } from './hypervisor';
import { makeRig, type TestRig } from './testing';

const bind = (r: TestRig, vcpu: number) => r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu }).out!.port as number;

describe('upcall delivery (5.3.2–5.3.4, §9.2, §9.3)', () => {
  it('[5.3.4][§9.3] takeUpcall is true only for pending=1 and mask=0; it sets the mask (umask 1) and traces the upcall', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    const sh = r.xen.shared;
    expect(r.xen.takeUpcall(1)).toBe(false); // nothing pending
    const p = bind(r, 1);
    sh.setUpcallMask(1, 1);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.takeUpcall(1)).toBe(false); // masked
    sh.setUpcallMask(1, 0);
    const mark = r.trace.length;
    expect(r.xen.takeUpcall(1)).toBe(true);
    expect(r.since(mark)).toEqual([
      { t: r.sim.now, k: 'umask', vcpu: 1, v: 1 },
      { t: r.sim.now, k: 'upcall', vcpu: 1 },
    ]);
    expect(sh.upcallPending(1)).toBe(1); // the guest clears it itself (5.1.6)
    expect(r.xen.takeUpcall(1)).toBe(false); // now masked
  });

  it('[5.3.2][5.3.3] marking events pending on a RUNNING vCPU kicks it KICK_NS later (a physical IPI), once', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    const p = bind(r, 1);
    const q = bind(r, 1);
    const t = r.sim.now;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    r.hc(0, 'EVTCHNOP_send', { port: q });
    expect(r.hooks('kick')).toEqual([]);
    r.run(KICK_NS);
    expect(r.hooks('kick')).toEqual([{ t: t + KICK_NS, hook: 'kick', vcpu: 1 }]);
  });

  it('[5.3.3] no IPI to the pCPU issuing the hypercall: a self-send marks pending, the return path delivers', () => {
    const r = makeRig({ pcpus: 2 });
    const p = bind(r, 0);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.shared.upcallPending(0)).toBe(1);
    r.run(10 * KICK_NS);
    expect(r.hooks('kick')).toEqual([]);
    expect(r.xen.takeUpcall(0)).toBe(true);
  });

  it('[5.3.3] a kick for a vCPU that stopped running in the meantime is dropped (resume is a return-to-guest point)', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    const p = bind(r, 1);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    r.hc(1, 'VCPUOP_down', { vcpu: 1 });
    r.run(10 * KICK_NS);
    expect(r.hooks('kick')).toEqual([]);
  });

  it('[§9.3] the guest re-enabling events with an upcall pending forces it with a 0-effect hypercall', () => {
    const r = makeRig({ pcpus: 2 });
    const p = bind(r, 0);
    r.xen.shared.setUpcallMask(0, 1);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.takeUpcall(0)).toBe(false);
    r.xen.shared.setUpcallMask(0, 0); // xen_irq_enable
    r.hc(0, 'HYPERVISOR_xen_version', {}); // xen_force_evtchn_callback
    expect(r.xen.takeUpcall(0)).toBe(true);
  });
});

describe('the guest contract', () => {
  it('a vCPU must be running to issue a hypercall or take an upcall (clear errors catch guest bugs)', () => {
    const r = makeRig();
    expect(() => r.hc(1, 'VCPUOP_is_up', { vcpu: 0 })).toThrow(/vCPU 1 .* offline; only a running vCPU/);
    expect(() => r.hc(9, 'VCPUOP_is_up', { vcpu: 0 })).toThrow(/does not exist/);
    expect(() => r.xen.takeUpcall(2)).toThrow(/offline/);
    expect(() => r.xen.takeNmi(2)).toThrow(/offline/);
    r.hc(0, 'SCHEDOP_block', {});
    expect(() => r.hc(0, 'SCHEDOP_yield', {})).toThrow(/blocked/);
  });

  it('hooks are only called from Xen callbacks, never synchronously inside hypercall()', () => {
    let inside = false;
    let violations = 0;
    const r = makeRig({ pcpus: 2, maxVcpus: 3, onHook: () => inside && violations++ });
    const hc = r.hc;
    r.hc = (v, op, a) => {
      inside = true;
      try {
        return hc(v, op, a);
      } finally {
        inside = false;
      }
    };
    r.bringUp(3);
    const p = bind(r, 1);
    for (let i = 0; i < 20; i++) {
      for (const v of r.running()) r.hc(v, i % 3 ? 'EVTCHNOP_send' : 'SCHEDOP_yield', { port: p });
      if (r.running().includes(2)) r.hc(2, 'VCPUOP_down', { vcpu: 1 });
      if (r.running().includes(0)) r.hc(0, 'VCPUOP_up', { vcpu: 1 });
      r.xen.preempt(i % 3, 100_000);
      r.run(3_000_000);
    }
    expect(r.calls.length).toBeGreaterThan(20);
    expect(violations).toBe(0);
  });

  it('createGuest runs once and checks its config', () => {
    const sim = new Sim(1);
    const x = new Xen(sim, new TraceWriter(sim), { pcpus: 1, tslice_ms: 30, ratelimit_us: 1000 });
    const hooks = { resume() {}, pause() {}, kick() {} };
    const cfg = { type: 'pv', dom0: false, maxVcpus: 0, abi: '2l', bits: 64, vcpuInfoPlacement: true } as const;
    expect(() => x.shared).toThrow(/no guest domain/);
    expect(() => x.createGuest(cfg, hooks)).toThrow(/maxVcpus/);
    x.createGuest({ ...cfg, maxVcpus: 2 }, hooks);
    expect(() => x.createGuest({ ...cfg, maxVcpus: 2 }, hooks)).toThrow(/already/);
    expect(x.maxVcpus).toBe(2);
    expect(x.pcpus).toBe(1);
    expect(() => new Xen(sim, new TraceWriter(sim), { pcpus: 0, tslice_ms: 30, ratelimit_us: 1000 })).toThrow(/pCPU/);
  });

  it('cost(): about a microsecond, more for initialise, jittered from sim.prng', () => {
    const r = makeRig();
    const c = Array.from({ length: 50 }, () => r.xen.cost('EVTCHNOP_send'));
    for (const x of c) {
      expect(x).toBeGreaterThanOrEqual(900);
      expect(x).toBeLessThanOrEqual(1100);
    }
    expect(new Set(c).size).toBeGreaterThan(1);
    expect(r.xen.cost('VCPUOP_initialise')).toBeGreaterThan(10_000);
  });
});

describe('determinism', () => {
  const scenario = (seed: number) => {
    const r = makeRig({ seed, pcpus: 2, maxVcpus: 4 });
    r.bringUp(4);
    const ports = [1, 2, 3].map((v) => bind(r, v));
    for (let i = 0; i < 200; i++) {
      const run = r.running();
      const v = run[r.sim.prng.int(0, run.length - 1)];
      r.hc(v, 'EVTCHNOP_send', { port: ports[i % 3] });
      if (r.sim.prng.float() < 0.2 && v !== 0) r.hc(v, 'SCHEDOP_block', {});
      for (const w of r.running()) if (r.xen.takeUpcall(w)) r.xen.shared.setUpcallMask(w, 0);
      r.run(r.xen.cost('EVTCHNOP_send') * 500);
    }
    return traceHash(r.trace.cols);
  };

  it('the same inputs give the same trace hash every time', () => {
    expect(scenario(11)).toBe(scenario(11));
    expect(scenario(11)).not.toBe(scenario(12));
  });
});

describe('SharedMemory (A1–A5, 5.2.5)', () => {
  it('[5.2.5] Linux local unmask path: set a selector bit and upcall_pending itself (traced)', () => {
    const r = makeRig();
    const sh = r.xen.shared;
    const mark = r.trace.length;
    expect(sh.testAndSetSel(0, 3)).toBe(false);
    expect(sh.testAndSetSel(0, 3)).toBe(true);
    expect(sh.setUpcallPending(0)).toBe(0);
    expect(r.since(mark).map((e) => e.k)).toEqual(['sel', 'upend']);
    expect(sh.getUpcallPending(0)).toBe(1);
  });

  it('[5.2.3] xchgPendingSel returns the set words and clears them (sel 0 traced)', () => {
    const r = makeRig();
    const sh = r.xen.shared;
    sh.testAndSetSelBit(0, 5);
    sh.testAndSetSelBit(0, 1);
    const mark = r.trace.length;
    expect(sh.xchgPendingSel(0)).toEqual([1, 5]);
    expect(sh.xchgPendingSel(0)).toEqual([]);
    expect(r.since(mark).map((e) => e.k)).toEqual(['sel', 'sel']);
    expect(r.fold().vcpus[0].pendingSel).toEqual([]);
  });

  it('[A1][5.2.1] a 32-bit guest has 32-bit words: port 40 is word 1; pendingPorts / activePorts list a word', () => {
    const r = makeRig({ bits: 32, dom0: true, pcpus: 2 });
    r.bringUp(2);
    const sh = r.xen.shared;
    expect(sh.bitsPerWord).toBe(32);
    let p = 0;
    while (p < 40) p = bind(r, 1);
    sh.setMask(39);
    r.hc(0, 'EVTCHNOP_send', { port: 39 });
    r.hc(0, 'EVTCHNOP_send', { port: 40 });
    expect(sh.pendingSel(1)).toEqual([1]);
    expect(sh.pendingPorts(1)).toEqual([39, 40]);
    expect(sh.activePortsInWord(1)).toEqual([40]);
    expect(() => sh.isPending(1024)).toThrow(RangeError);
  });

  it('[5.1.8] maskAll sets every MASK bit as one mask_all event; ports bound later fold as masked', () => {
    const r = makeRig();
    const sh = r.xen.shared;
    const mark = r.trace.length;
    sh.maskAll();
    expect(r.kindsSince(mark)).toEqual(['mask_all']);
    expect(sh.isMasked(4000)).toBe(true);
    const p = bind(r, 0);
    expect(r.fold().ports[p].masked).toBe(true);
    sh.clearMask(p);
    expect(r.fold().ports[p].masked).toBe(false);
    expect(r.fold().ports[1].masked).toBe(true);
  });

  it('writes that change nothing emit nothing', () => {
    const r = makeRig();
    const sh = r.xen.shared;
    sh.setMask(7);
    const mark = r.trace.length;
    sh.setMask(7);
    sh.clearPending(7);
    sh.setUpcallMask(0, 0);
    sh.clearUpcallPending(0);
    sh.clearSelBit(0, 2);
    expect(r.trace.length).toBe(mark);
  });
});
