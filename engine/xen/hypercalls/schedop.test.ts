import { describe, expect, it } from 'vitest';
import { makeRig } from '../testing';

describe('SCHEDOP_yield (6.2.1)', () => {
  it('[6.2.1] with nothing else runnable the yielder keeps running: 0, not descheduled', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    const mark = r.trace.length;
    expect(r.hc(0, 'SCHEDOP_yield', {})).toEqual({ ret: 0, descheduled: false });
    r.run(10_000);
    expect(r.kindsSince(mark)).toEqual(['hc']);
    expect(r.xen.isRunning(0)).toBe(true);
  });

  it('[6.2.1] with a waiting unit on its pCPU the yielder steps aside (runnable) and the other runs', () => {
    const r = makeRig({ pcpus: 1, maxVcpus: 2 });
    r.hc(0, 'VCPUOP_initialise', { vcpu: 1 });
    r.hc(0, 'VCPUOP_up', { vcpu: 1 });
    r.run(5_000);
    expect(r.xen.vcpus[1].runstate).toBe('runnable'); // vCPU 0 (BOOST from its first wake) holds the pCPU
    expect(r.hc(0, 'SCHEDOP_yield', {})).toEqual({ ret: 0, descheduled: true });
    expect(r.xen.vcpus[0].runstate).toBe('runnable');
    r.run(2_000);
    expect(r.xen.isRunning(1)).toBe(true);
    expect(r.hooks('pause', 0)).toEqual([]); // it gave the pCPU up itself
    expect(r.xen.sched.runqOf(0)).toEqual([0]);
  });

  it('[6.2.1] credit1 puts the yielder behind ONE lower-priority waiting unit', () => {
    const r = makeRig({ pcpus: 1, maxVcpus: 3 });
    r.bringUp(3);
    const s = r.xen.sched;
    const running = r.running()[0];
    const waiting = s.runqOf(0);
    expect(waiting).toHaveLength(2);
    // Make the running unit BOOST, the waiters UNDER and OVER.
    s.unitOf(r.xen.vcpus[running]).pri = 0;
    s.unitOf(r.xen.vcpus[waiting[0]]).pri = -1;
    s.unitOf(r.xen.vcpus[waiting[1]]).pri = -2;
    expect(r.hc(running, 'SCHEDOP_yield', {}).descheduled).toBe(true);
    // Queue was [UNDER, OVER]; the BOOST yielder goes behind the first lower-priority one.
    expect(s.runqOf(0)).toEqual([waiting[0], running, waiting[1]]);
  });
});

describe('SCHEDOP_block (6.2.2)', () => {
  it('[6.2.2] clears the upcall mask first, then blocks (blocked, no pause hook)', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    r.xen.shared.setUpcallMask(1, 1);
    const mark = r.trace.length;
    expect(r.hc(1, 'SCHEDOP_block', {})).toEqual({ ret: 0, descheduled: true });
    expect(r.since(mark).map((e) => e.k)).toEqual(['hc', 'umask', 'runstate', 'pcpu']);
    expect(r.since(mark)[2]).toMatchObject({ state: 'blocked', pcpu: -1 });
    r.run(10_000);
    expect(r.hooks('pause', 1)).toEqual([]);
  });

  it('[6.2.2] returns at once when events already need delivery (pending and, after clearing, unmasked)', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    const p = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    r.xen.shared.setUpcallMask(1, 1);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.hc(1, 'SCHEDOP_block', {})).toEqual({ ret: 0, descheduled: false });
    expect(r.xen.takeUpcall(1)).toBe(true);
  });

  it('[6.2.2][5.3.3] a blocked vCPU is woken by an event (runnable, then running) and told by resume, not kick', () => {
    const r = makeRig({ pcpus: 2 });
    r.bringUp(2);
    const p = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    r.hc(1, 'SCHEDOP_block', {});
    r.run(50_000);
    const t = r.sim.now;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.vcpus[1].runstate).toBe('runnable');
    r.run(5_000);
    expect(r.hooks('resume', 1).at(-1)).toEqual({ t: t + 1000, hook: 'resume', vcpu: 1 });
    expect(r.hooks('kick', 1)).toEqual([]);
    expect(r.xen.takeUpcall(1)).toBe(true);
  });
});

describe('SCHEDOP_poll (6.2.3)', () => {
  const rig = () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(3);
    const a = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    const b = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    return { r, a, b };
  };

  it('[6.2.3] more than 128 ports → -EINVAL', () => {
    const { r, a } = rig();
    expect(r.hc(1, 'SCHEDOP_poll', { ports: new Array(129).fill(a) }).ret).toBe(-22);
    expect(r.hc(1, 'SCHEDOP_poll', { ports: 'nope' }).ret).toBe(-14);
  });

  it('[6.2.3] events needing delivery → 0 at once, before the ports are even looked at', () => {
    const { r, a } = rig();
    r.hc(0, 'EVTCHNOP_send', { port: a });
    expect(r.hc(1, 'SCHEDOP_poll', { ports: [99_999] })).toEqual({ ret: 0, descheduled: false });
  });

  it('[6.2.3] ports checked in list order: the first invalid → -EINVAL, the first pending → 0', () => {
    const { r, a, b } = rig();
    r.xen.shared.setMask(b);
    r.hc(0, 'EVTCHNOP_send', { port: b });
    expect(r.hc(1, 'SCHEDOP_poll', { ports: [a, 99_999, b] }).ret).toBe(-22);
    expect(r.hc(1, 'SCHEDOP_poll', { ports: [a, b, 99_999] })).toEqual({ ret: 0, descheduled: false });
  });

  it('[6.2.3] otherwise blocks (poll v=1 with the ports), leaves the upcall mask alone, wakes on its port (poll v=0)', () => {
    const { r, a } = rig();
    r.xen.shared.setUpcallMask(1, 1);
    const mark = r.trace.length;
    expect(r.hc(1, 'SCHEDOP_poll', { ports: [a] })).toEqual({ ret: 0, descheduled: true });
    expect(r.since(mark).map((e) => e.k)).toEqual(['hc', 'poll', 'runstate', 'pcpu']);
    expect(r.since(mark)[1]).toMatchObject({ vcpu: 1, v: 1, ports: [a] });
    expect(r.xen.shared.upcallMask(1)).toBe(1);
    r.run(10_000);
    r.hc(0, 'EVTCHNOP_send', { port: a });
    expect(r.fold().vcpus[1].polling).toBeNull();
    r.run(5_000);
    expect(r.xen.isRunning(1)).toBe(true);
  });

  it('[6.2.3] an absolute timeout ends the poll', () => {
    const { r, a } = rig();
    const until = r.sim.now + 1_000_000;
    r.hc(1, 'SCHEDOP_poll', { ports: [a], timeout: until });
    r.run(999_000);
    expect(r.xen.vcpus[1].runstate).toBe('blocked');
    r.run(1_000);
    expect(r.xen.vcpus[1].runstate).toBe('runnable');
    expect(r.fold().vcpus[1].polling).toBeNull();
  });

  it('[6.2.3][5.3.3] any upcall_pending 0→1 (kick) also ends the poll — a spurious wakeup', () => {
    const { r, a, b } = rig();
    r.hc(1, 'SCHEDOP_poll', { ports: [a] });
    r.hc(0, 'EVTCHNOP_send', { port: b }); // another port of vCPU 1, unmasked
    expect(r.xen.vcpus[1].runstate).toBe('runnable');
  });
});

describe('SCHEDOP_shutdown', () => {
  it('crash: the domain shuts down, every running vCPU is paused, the run stops', () => {
    const r = makeRig({ pcpus: 4 });
    r.bringUp(3);
    expect(r.hc(1, 'SCHEDOP_shutdown', { reason: 'crash' })).toEqual({ ret: 0, descheduled: true });
    expect(r.xen.shutdownReason).toBe('crash');
    expect(r.sim.run()).toBe('stopped');
    expect(r.hooks('pause').map((c) => c.vcpu).sort()).toEqual([0, 2]);
    expect(r.xen.vcpus.map((v) => v.runstate)).toEqual(['offline', 'offline', 'offline', 'offline']);
    expect(r.fold().pcpus.every((p) => p.dom === 'idle')).toBe(true);
  });

  it('reasons by name or number (0..4); anything else → -EINVAL', () => {
    const r = makeRig();
    expect(r.hc(0, 'SCHEDOP_shutdown', { reason: 'halt' }).ret).toBe(-22);
    expect(r.hc(0, 'SCHEDOP_shutdown', { reason: 7 }).ret).toBe(-22);
    expect(r.hc(0, 'SCHEDOP_shutdown', { reason: 1 }).ret).toBe(0);
    expect(r.xen.shutdownReason).toBe('reboot');
  });
});
