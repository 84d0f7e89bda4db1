import { describe, expect, it } from 'vitest';
import { makeRig, type RigOptions } from '../testing';

/** A FIFO domain with every vCPU running, its control blocks and one event array page. */
function fifo(opts: RigOptions = {}) {
  const r = makeRig({ maxVcpus: 4, pcpus: 4, abi: 'fifo', ...opts });
  r.bringUp();
  for (let v = 0; v < 4; v++) expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: v }).ret).toBe(0);
  expect(r.hc(0, 'EVTCHNOP_expand_array', {}).ret).toBe(0);
  return r;
}

const bindIpi = (r: ReturnType<typeof fifo>, vcpu: number) => r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu }).out!.port as number;

describe('FIFO control operations (5.5.1)', () => {
  it('[5.5.1] init_control on a Xen without FIFO → -ENOSYS (Linux then falls back to 2-level)', () => {
    const r = makeRig({ abi: '2l' });
    expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 }).ret).toBe(-38);
  });

  it('[5.5.1] init_control: link_bits 17; twice on a vCPU → -EINVAL; no vCPU → -ENOENT; bad offset → -EINVAL', () => {
    const r = makeRig({ abi: 'fifo' });
    expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 })).toMatchObject({ ret: 0, out: { link_bits: 17 } });
    expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: 9 }).ret).toBe(-2);
    expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: 1, offset: 3 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: 1, offset: 4096 }).ret).toBe(-22);
    expect(r.xen.shared.abi).toBe('fifo');
  });

  it('[5.5.1] expand_array before FIFO is on → -EOPNOTSUPP; at most 128 pages (2^17 ports) → -ENOSPC', () => {
    const r = makeRig({ abi: 'fifo' });
    expect(r.hc(0, 'EVTCHNOP_expand_array', {}).ret).toBe(-95);
    r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 });
    for (let i = 0; i < 128; i++) expect(r.hc(0, 'EVTCHNOP_expand_array', {}).ret).toBe(0);
    expect(r.hc(0, 'EVTCHNOP_expand_array', {}).ret).toBe(-28);
  });

  it('[5.5.1] set_priority: 2-level → -ENOSYS; FIFO takes 0..15, else -EINVAL; bad port → -EINVAL', () => {
    const twoL = makeRig({ abi: 'fifo' });
    const p2 = twoL.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 }).out!.port as number;
    expect(twoL.hc(0, 'EVTCHNOP_set_priority', { port: p2, priority: 3 }).ret).toBe(-38);
    const r = fifo();
    const p = bindIpi(r, 1);
    expect(r.hc(0, 'EVTCHNOP_set_priority', { port: p, priority: 16 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_set_priority', { port: p, priority: 0 }).ret).toBe(0);
    expect(r.hc(0, 'EVTCHNOP_set_priority', { port: 5000, priority: 0 }).ret).toBe(-22);
  });
});

describe('FIFO set_pending (5.5.2)', () => {
  it('[5.5.2] an unmasked event is LINKED onto its notify vCPU queue; an empty queue sets READY and upcall_pending', () => {
    const r = fifo();
    const p = bindIpi(r, 1);
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.since(mark).map((e) => e.k)).toEqual(['hc', 'pend', 'link', 'ready', 'upend']);
    expect(r.since(mark)[2]).toMatchObject({ port: p, v: 1, prio: 7 });
    expect(r.since(mark)[3]).toMatchObject({ vcpu: 1, prio: 7, v: 1 });
    const sh = r.xen.shared;
    expect(sh.fifoHead(1, 7)).toBe(p);
    expect(sh.fifoReady(1)).toBe(1 << 7);
    expect(sh.fifoWord(p)).toEqual({ pending: true, masked: false, linked: true, busy: false, link: 0 });
  });

  it('[5.5.2] a second event of the same priority is linked behind the tail: no new READY, no upcall edge', () => {
    const r = fifo();
    const a = bindIpi(r, 1);
    const b = bindIpi(r, 1);
    r.hc(0, 'EVTCHNOP_send', { port: a });
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: b });
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend', 'link']);
    expect(r.xen.shared.fifoWord(a).link).toBe(b);
    expect(r.xen.shared.fifoHead(1, 7)).toBe(a);
  });

  it('[5.5.2] a send to a pending, linked event coalesces', () => {
    const r = fifo();
    const p = bindIpi(r, 2);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.kindsSince(mark)).toEqual(['hc', 'coalesce']);
  });

  it('[5.5.2] a masked pending event is not linked until EVTCHNOP_unmask links it', () => {
    const r = fifo();
    const p = bindIpi(r, 1);
    r.xen.shared.fifoSetMasked(p);
    let mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend']);
    expect(r.xen.shared.fifoWord(p).linked).toBe(false);
    r.xen.shared.fifoClearMasked(p); // Linux's unmask clears MASKED, then asks Xen because it is pending
    mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_unmask', { port: p });
    expect(r.kindsSince(mark)).toEqual(['hc', 'link', 'ready', 'upend']);
  });

  it('[5.5.2] the event is queued at its priority (set_priority); the lower number is READY as its own bit', () => {
    const r = fifo();
    const p = bindIpi(r, 3);
    r.hc(0, 'EVTCHNOP_set_priority', { port: p, priority: 0 });
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.shared.fifoReady(3)).toBe(1);
    expect(r.fold().ports[p]).toMatchObject({ linked: true, prio: 0, pending: true });
    expect(r.fold().vcpus[3].ready).toEqual([0]);
  });

  it('[5.5.2] pollers are checked only when PENDING goes 0→1 (a second send does not wake them)', () => {
    const r = fifo();
    const p = bindIpi(r, 2);
    const q = bindIpi(r, 3);
    r.xen.shared.fifoSetMasked(p);
    r.xen.shared.fifoSetMasked(q);
    r.hc(0, 'EVTCHNOP_send', { port: p }); // pending before anyone polls
    expect(r.hc(1, 'SCHEDOP_poll', { ports: [q, 40] }).descheduled).toBe(true);
    r.run(5_000);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    r.run(5_000);
    expect(r.xen.vcpus[1].runstate).toBe('blocked');
    r.hc(0, 'EVTCHNOP_send', { port: q });
    r.run(5_000);
    expect(r.xen.vcpus[1].runstate).toBe('running');
  });

  it('[5.5.3] the guest pops the head: clearing LINKED returns the next port; an emptied queue is re-headed by Xen', () => {
    const r = fifo();
    const a = bindIpi(r, 1);
    const b = bindIpi(r, 1);
    r.hc(0, 'EVTCHNOP_send', { port: a });
    r.hc(0, 'EVTCHNOP_send', { port: b });
    const sh = r.xen.shared;
    expect(sh.fifoXchgReady(1)).toBe(1 << 7);
    expect(sh.fifoClearLinked(a)).toBe(b);
    expect(sh.fifoClearLinked(b)).toBe(0);
    sh.fifoClearPending(a);
    sh.fifoClearPending(b);
    // The queue's tail (b) is no longer linked: the next event starts a new queue.
    r.hc(0, 'EVTCHNOP_send', { port: a });
    expect(sh.fifoHead(1, 7)).toBe(a);
    expect(sh.fifoReady(1)).toBe(1 << 7);
    expect(r.fold().ports[a]).toMatchObject({ linked: true, pending: true });
    expect(r.fold().ports[b]).toMatchObject({ linked: false, pending: false });
  });

  it('[5.5.1] a closed port whose event is still LINKED is busy and not reallocated until unlinked', () => {
    const r = fifo();
    const p = bindIpi(r, 1);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    r.hc(0, 'EVTCHNOP_close', { port: p });
    expect(r.xen.shared.fifoWord(p)).toMatchObject({ pending: false, linked: true });
    const q = bindIpi(r, 1);
    expect(q).toBe(p + 1);
    r.xen.shared.fifoClearLinked(p);
    expect(bindIpi(r, 1)).toBe(p);
  });

  it('[5.5.2] an event raised before its array page exists is delivered when expand_array adds the page', () => {
    const r = makeRig({ maxVcpus: 2, pcpus: 2, abi: 'fifo', dom0: true });
    r.bringUp();
    r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 });
    r.hc(0, 'EVTCHNOP_init_control', { vcpu: 1 });
    const p = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.shared.upcallPending(1)).toBe(0);
    r.hc(0, 'EVTCHNOP_expand_array', {});
    expect(r.xen.shared.fifoWord(p)).toMatchObject({ pending: true, linked: true });
    expect(r.xen.shared.upcallPending(1)).toBe(1);
  });

  it('[5.5.1] switching from 2-level carries pending ports over (re-raised when their page arrives)', () => {
    const r = makeRig({ maxVcpus: 2, pcpus: 2, abi: 'fifo' });
    r.bringUp();
    const p = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.fold().ports[p].pending).toBe(true);
    r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 });
    r.hc(0, 'EVTCHNOP_init_control', { vcpu: 1 });
    expect(r.fold().ports[p].pending).toBe(false);
    r.hc(0, 'EVTCHNOP_expand_array', {});
    expect(r.fold().ports[p]).toMatchObject({ pending: true, linked: true });
  });

  it('[5.5.2] an event for a vCPU without a control block is left pending and unlinked', () => {
    const r = makeRig({ maxVcpus: 2, pcpus: 2, abi: 'fifo' });
    r.bringUp();
    r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 });
    r.hc(0, 'EVTCHNOP_expand_array', {});
    const p = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }).out!.port as number;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.xen.shared.fifoWord(p)).toMatchObject({ pending: true, linked: false });
    expect(r.xen.shared.upcallPending(1)).toBe(0);
  });
});
