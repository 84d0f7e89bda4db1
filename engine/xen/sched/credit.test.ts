import { describe, expect, it } from 'vitest';
import { makeRig } from '../testing';
import { CTX_SWITCH_NS, normaliseSchedParams, PRI_BOOST, PRI_UNDER } from './credit';

const MS = 1_000_000;

describe('scheduler parameters (6.4.2, 6.4.3)', () => {
  it('[6.4.2] tslice_ms defaults to 30, valid 1..1000, out of range → 30', () => {
    expect(normaliseSchedParams(30, 1000).tsliceNs).toBe(30 * MS);
    expect(normaliseSchedParams(1, 0).tsliceNs).toBe(MS);
    expect(normaliseSchedParams(1000, 1000).tsliceNs).toBe(1000 * MS);
    expect(normaliseSchedParams(0, 1000).tsliceNs).toBe(30 * MS);
    expect(normaliseSchedParams(1001, 1000).tsliceNs).toBe(30 * MS);
    expect(normaliseSchedParams(2.5, 1000).tsliceNs).toBe(30 * MS);
  });

  it('[6.4.3] ratelimit_us defaults to 1000; 0 disables; valid 100..500000, else → 1000; never above the slice', () => {
    expect(normaliseSchedParams(30, 1000).ratelimitNs).toBe(MS);
    expect(normaliseSchedParams(30, 0).ratelimitNs).toBe(0);
    expect(normaliseSchedParams(30, 100).ratelimitNs).toBe(100_000);
    expect(normaliseSchedParams(30, 50).ratelimitNs).toBe(MS);
    expect(normaliseSchedParams(600, 500_001).ratelimitNs).toBe(MS);
    expect(normaliseSchedParams(1, 5000).ratelimitNs).toBe(MS); // > tslice: set to the slice
  });
});

describe('credit scheduling', () => {
  it('[6.4.2] two busy vCPUs on one pCPU take turns every time slice; each switch costs CTX_SWITCH_NS', () => {
    const r = makeRig({ pcpus: 1, maxVcpus: 2, tslice_ms: 10 });
    r.bringUp(2);
    r.run(100 * MS);
    const resumes = r.calls.filter((c) => c.hook === 'resume');
    const pauses = r.calls.filter((c) => c.hook === 'pause');
    expect(resumes.length).toBeGreaterThanOrEqual(9);
    // Alternation, and every involuntary switch is a pause followed CTX_SWITCH_NS later by a resume.
    for (let i = 1; i < resumes.length; i++) expect(resumes[i].vcpu).not.toBe(resumes[i - 1].vcpu);
    for (const p of pauses) expect(resumes.some((q) => q.t === p.t + CTX_SWITCH_NS && q.vcpu !== p.vcpu)).toBe(true);
    // Steady state: slices of 10 ms.
    const gaps = resumes.slice(3).map((c, i) => c.t - resumes[i + 2].t);
    for (const g of gaps) expect(g).toBe(10 * MS + CTX_SWITCH_NS);
  });

  it('[6.4.2] fair share: three busy vCPUs on one pCPU each get about a third of it', () => {
    const r = makeRig({ pcpus: 1, maxVcpus: 3 });
    r.bringUp(3);
    r.run(900 * MS);
    const running = r.xen.vcpus.map((v) => v.timesAt(r.sim.now)[0]);
    for (const t of running) expect(t / r.sim.now).toBeCloseTo(1 / 3, 1);
  });

  it('[6.4.2][6.4.3] a vCPU woken from blocked is BOOSTed and preempts an UNDER runner once it has run the rate limit', () => {
    const r = makeRig({ pcpus: 1, maxVcpus: 2 });
    r.bringUp(2);
    r.run(240 * MS); // both demoted from their initial boost by now
    const s = r.xen.sched;
    const cur = r.running()[0];
    const blocker = cur;
    const sleeper = 1 - cur;
    expect(r.hc(blocker, 'SCHEDOP_block', {}).descheduled).toBe(true);
    r.run(5 * MS); // `sleeper` now runs for a while
    expect(r.running()).toEqual([sleeper]);
    r.run(20 * MS);
    const p = r.hc(sleeper, 'EVTCHNOP_bind_ipi', { vcpu: blocker }).out!.port as number;
    r.run(50_000);
    const t = r.sim.now;
    r.hc(sleeper, 'EVTCHNOP_send', { port: p });
    expect(s.unitOf(r.xen.vcpus[blocker]).pri).toBe(PRI_BOOST);
    expect(s.unitOf(r.xen.vcpus[sleeper]).pri).toBe(PRI_UNDER); // demoted: it has run past a tick
    r.run(5_000);
    // The sleeper started its slice long ago: no rate-limit delay, preempted in the softirq.
    expect(r.hooks('pause', sleeper).at(-1)!.t).toBe(t);
    expect(r.hooks('resume', blocker).at(-1)!.t).toBe(t + CTX_SWITCH_NS);
  });

  it('[6.4.3] the rate limit delays preemption of a runner that has run less than ratelimit_us', () => {
    for (const [rl, expectDelay] of [
      [1000, true],
      [0, false],
    ] as const) {
      const r = makeRig({ pcpus: 1, maxVcpus: 2, ratelimit_us: rl });
      r.bringUp(2);
      r.run(200 * MS);
      const a = r.running()[0];
      const b = 1 - a;
      const port = r.hc(a, 'EVTCHNOP_bind_ipi', { vcpu: a }).out!.port as number;
      r.hc(a, 'SCHEDOP_block', {}); // b runs now
      r.run(CTX_SWITCH_NS + 100_000); // b has run 100 µs of its new slice
      expect(r.running()).toEqual([b]);
      const t = r.sim.now;
      r.hc(b, 'EVTCHNOP_send', { port }); // wakes `a`, BOOSTed
      expect(r.xen.vcpus[a].runstate).toBe('runnable');
      r.run(2 * MS);
      const paused = r.hooks('pause', b).at(-1)!.t;
      if (expectDelay) expect(paused).toBe(t - 100_000 + MS); // b's start + 1 ms
      else expect(paused).toBe(t);
    }
  });

  it('[6.4.2] a woken vCPU goes to an idle pCPU; an idle pCPU steals a waiting unit (load balancing)', () => {
    const r = makeRig({ pcpus: 2, maxVcpus: 3 });
    r.bringUp(3);
    r.run(MS);
    expect(r.running()).toHaveLength(2);
    const waiting = [0, 1, 2].find((v) => r.xen.vcpus[v].runstate === 'runnable')!;
    const blocker = r.running().find((v) => v !== 0) ?? r.running()[0];
    const freed = r.xen.vcpus[blocker].pcpu;
    r.hc(blocker, 'SCHEDOP_block', {});
    r.run(5_000);
    expect(r.xen.vcpus[waiting]).toMatchObject({ runstate: 'running', pcpu: freed });
  });

  it('[6.4.2] initial wakes spread over idle pCPUs', () => {
    const r = makeRig({ pcpus: 4, maxVcpus: 4 });
    r.bringUp(4);
    expect(r.xen.vcpus.map((v) => v.pcpu).sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('an idle guest', () => {
  it('once every vCPU is blocked no timer is left: sim.run() ends at once, at the last block', () => {
    const r = makeRig({ pcpus: 2, maxVcpus: 3 });
    r.bringUp(3);
    r.run(45 * MS);
    const order = r.running();
    for (const v of order) r.hc(v, 'SCHEDOP_block', {});
    r.run(5_000);
    for (const v of r.running()) r.hc(v, 'SCHEDOP_block', {});
    const t = r.sim.now;
    expect(r.sim.run()).toBe('idle');
    expect(r.sim.now).toBe(t);
    expect(r.xen.vcpus.map((v) => v.runstate)).toEqual(['blocked', 'blocked', 'blocked']);
  });
});

describe('preempt(): another domain takes the pCPU (steal time)', () => {
  it('the pCPU shows `other`, the vCPU is runnable (stolen) and stays on that pCPU although another is idle, then runs again', () => {
    const r = makeRig({ pcpus: 2, maxVcpus: 2 });
    r.bringUp(2);
    r.hc(1, 'SCHEDOP_block', {}); // pCPU 1 goes idle
    r.run(10_000);
    const p = r.xen.vcpus[0].pcpu;
    const t = r.sim.now;
    r.xen.preempt(0, 5 * MS);
    expect(r.hooks('pause', 0)).toEqual([]); // not synchronously
    r.run(1);
    expect(r.hooks('pause', 0)).toEqual([{ t, hook: 'pause', vcpu: 0 }]);
    expect(r.xen.vcpus[0].runstate).toBe('runnable');
    r.run(2 * MS);
    expect(r.fold().pcpus[p]).toEqual({ id: p, dom: 'other', vcpu: -1 });
    expect(r.fold().pcpus[1 - p].dom).toBe('idle');
    expect(r.xen.vcpus[0].runstate).toBe('runnable');
    r.run(4 * MS);
    expect(r.xen.vcpus[0]).toMatchObject({ runstate: 'running', pcpu: p });
    expect(r.hooks('resume', 0).at(-1)!.t).toBe(t + 5 * MS + CTX_SWITCH_NS);
    const times = r.xen.vcpus[0].timesAt(r.sim.now);
    expect(times[1]).toBeGreaterThanOrEqual(5 * MS); // stolen
  });

  it('a second preempt during the window extends it', () => {
    const r = makeRig({ pcpus: 1, maxVcpus: 1 });
    const t = r.sim.now;
    r.xen.preempt(0, 2 * MS);
    r.run(MS);
    r.xen.preempt(0, 3 * MS);
    r.run(10 * MS);
    expect(r.hooks('resume', 0).at(-1)!.t).toBe(t + MS + 3 * MS + CTX_SWITCH_NS);
  });

  it('preempting a blocked vCPU takes its last pCPU: an event during the window only makes it runnable there', () => {
    const r = makeRig({ pcpus: 2, maxVcpus: 2 });
    r.bringUp(2);
    const port = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    const p = r.xen.vcpus[1].pcpu;
    r.hc(1, 'SCHEDOP_block', {});
    r.run(10_000);
    r.xen.preempt(1, 3 * MS);
    r.run(MS);
    r.hc(0, 'EVTCHNOP_send', { port });
    r.run(MS);
    expect(r.xen.vcpus[1].runstate).toBe('runnable');
    r.run(2 * MS);
    expect(r.xen.vcpus[1]).toMatchObject({ runstate: 'running', pcpu: p });
  });
});

describe('runstate accounting (6.3, §9.10)', () => {
  it('[6.3.1][§9.10] the four times always sum to the elapsed time; the trace folds to the same times', () => {
    const r = makeRig({ pcpus: 2, maxVcpus: 4 });
    r.bringUp(3);
    r.xen.preempt(1, 3 * MS);
    r.run(70 * MS);
    r.hc(r.running()[0], 'SCHEDOP_block', {});
    r.run(13 * MS);
    const f = r.fold();
    for (const v of r.xen.vcpus) {
      const t = v.timesAt(r.sim.now);
      expect(t.reduce((a, b) => a + b)).toBe(r.sim.now);
      const fv = f.vcpus[v.id];
      const ft = [...fv.runstateNs];
      ft[['running', 'runnable', 'blocked', 'offline'].indexOf(fv.runstate)] += r.sim.now - fv.runstateSince;
      expect(ft).toEqual(t);
    }
    expect(r.xen.vcpus[3].timesAt(r.sim.now)[3]).toBe(r.sim.now); // never up: offline all along
  });
});
