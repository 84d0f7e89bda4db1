import { describe, expect, it } from 'vitest';
import { makeRig, type RigOptions } from '../testing';
import { KICK_NS } from '../hypervisor';

/** A rig with every vCPU running on its own pCPU. */
function up(opts: RigOptions = {}) {
  const r = makeRig({ maxVcpus: 4, pcpus: 4, ...opts });
  r.bringUp();
  expect(r.running()).toEqual([0, 1, 2, 3]);
  return r;
}

const port = (res: { ret: number; out?: Record<string, unknown> }) => {
  expect(res.ret).toBe(0);
  return res.out!.port as number;
};

describe('port allocation (5.4.1, §9.6)', () => {
  it('[5.4.1] a domU starts with xenstore=1 and console=2 pre-allocated; the first bind gets 3', () => {
    const r = up();
    expect(r.fold().ports[1].type).toBe('interdomain');
    expect(r.fold().ports[2].type).toBe('interdomain');
    expect(port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }))).toBe(3);
  });

  it('[5.4.1] dom0 gets no pre-allocated ports: its first bind gets port 1 (port 0 is reserved)', () => {
    const r = up({ dom0: true });
    expect(port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 }))).toBe(1);
  });

  it('[5.4.1] port 0 is reserved: never allocated, status "closed", close/send -EINVAL', () => {
    const r = up({ dom0: true });
    expect(r.hc(0, 'EVTCHNOP_status', { port: 0 })).toMatchObject({ ret: 0, out: { status: 'closed', vcpu: 0 } });
    expect(r.hc(0, 'EVTCHNOP_close', { port: 0 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_send', { port: 0 }).ret).toBe(-22);
    for (let i = 0; i < 50; i++) expect(port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: i % 4 }))).not.toBe(0);
  });

  it('[5.4.1] the lowest free port is reused after a close', () => {
    const r = up();
    const ps = [0, 1, 2, 3].map((v) => port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: v })));
    expect(ps).toEqual([3, 4, 5, 6]);
    expect(r.hc(0, 'EVTCHNOP_close', { port: 4 }).ret).toBe(0);
    expect(r.hc(0, 'EVTCHNOP_close', { port: 6 }).ret).toBe(0);
    expect(port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 2 }))).toBe(4);
    expect(port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 3 }))).toBe(6);
    expect(port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 3 }))).toBe(7);
  });

  it('[5.4.1] a domU cannot use ports above 1023 (libxl max_event_channels) → -ENOSPC', () => {
    const r = up();
    let last = 0;
    for (;;) {
      const res = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 });
      if (res.ret < 0) {
        expect(res).toMatchObject({ ret: -28 });
        expect(r.trace.cols.get(r.trace.length - 1)).toMatchObject({ k: 'hc', errno: 'ENOSPC' });
        break;
      }
      last = res.out!.port as number;
    }
    expect(last).toBe(1023);
    // A close makes room again at that port.
    r.hc(0, 'EVTCHNOP_close', { port: 500 });
    expect(port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }))).toBe(500);
  });

  it('[5.2.1][5.4.1] dom0 with 2L: 4096 ports for a 64-bit guest, 1024 for a 32-bit one', () => {
    for (const [bits, limit] of [
      [64, 4095],
      [32, 1023],
    ] as const) {
      const r = up({ dom0: true, bits });
      let last = 0;
      for (let res = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 }); res.ret === 0; res = r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 })) {
        last = res.out!.port as number;
      }
      expect(last).toBe(limit);
    }
  });

  it('[5.5.1] dom0 with FIFO (after init_control) goes past the 2L limit', () => {
    const r = up({ dom0: true, abi: 'fifo' });
    expect(r.hc(0, 'EVTCHNOP_init_control', { vcpu: 0 })).toMatchObject({ ret: 0, out: { link_bits: 17 } });
    let last = 0;
    for (let i = 0; i < 4100; i++) last = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 0 }));
    expect(last).toBe(4100);
  });

  it('[5.4.1] a free port inside an allocated bucket is "closed"; beyond the buckets status is -EINVAL', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_status', { port: 40 })).toMatchObject({ ret: 0, out: { status: 'closed' } });
    expect(r.hc(0, 'EVTCHNOP_status', { port: 5000 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_status', { port: -1 }).ret).toBe(-22);
  });
});

describe('EVTCHNOP_bind_ipi (5.4.3)', () => {
  it('[5.4.3] no such vCPU → -ENOENT', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 4 })).toMatchObject({ ret: -2 });
    expect(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: -1 }).ret).toBe(-2);
    expect(r.hc(0, 'EVTCHNOP_bind_ipi', {}).ret).toBe(-2);
  });

  it('[5.4.3] binds the port to the named vCPU and traces it', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 2 }));
    expect(r.fold().ports[p]).toMatchObject({ type: 'ipi', vcpu: 2, pending: false });
    expect(r.hc(0, 'EVTCHNOP_status', { port: p }).out).toMatchObject({ status: 'ipi', code: 5, vcpu: 2 });
  });
});

describe('EVTCHNOP_bind_virq (5.4.2)', () => {
  it('[5.4.2] virq out of range or unknown → -EINVAL', () => {
    const r = up({ dom0: true });
    for (const virq of [24, -1, 99, 'NOPE', 1.5, null]) expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq, vcpu: 0 }).ret).toBe(-22);
  });

  it('[5.4.2] a global or per-domain VIRQ on a vCPU other than 0 → -EINVAL (checked before the vCPU exists)', () => {
    const r = up({ dom0: true });
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'CONSOLE', vcpu: 1 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'ARGO', vcpu: 2 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'CONSOLE', vcpu: 9 }).ret).toBe(-22);
  });

  it('[5.4.2] per-vCPU VIRQ on a vCPU that does not exist → -ENOENT', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 4 }).ret).toBe(-2);
  });

  it('[5.4.2] a domU binding a global VIRQ (CONSOLE) owned by dom0 → -EBUSY; dom0 may bind it', () => {
    const domU = up();
    expect(domU.hc(0, 'EVTCHNOP_bind_virq', { virq: 'CONSOLE', vcpu: 0 })).toMatchObject({ ret: -16 });
    const dom0 = up({ dom0: true });
    expect(dom0.hc(0, 'EVTCHNOP_bind_virq', { virq: 'CONSOLE', vcpu: 0 }).ret).toBe(0);
  });

  it('[5.4.2] a per-domain VIRQ (ARGO) is not global: a domU binds it on vCPU 0', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'ARGO', vcpu: 0 }).ret).toBe(0);
  });

  it('[5.4.2] already bound on that vCPU → -EEXIST; per-vCPU VIRQs bind once per vCPU', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }).ret).toBe(0);
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }).ret).toBe(-17);
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 0, vcpu: 2 }).ret).toBe(0);
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'VIRQ_TIMER', vcpu: 2 }).ret).toBe(-17);
  });

  it("[5.4.2] accepts Xen's VIRQ names (any case, VIRQ_ prefix) or numbers; the bind event names it", () => {
    const r = up({ dom0: true });
    const p1 = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'debug', vcpu: 3 }));
    const p2 = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 13, vcpu: 3 }));
    const p3 = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'VIRQ_PCPU_STATE', vcpu: 0 }));
    const f = r.fold();
    expect([f.ports[p1].virq, f.ports[p2].virq, f.ports[p3].virq]).toEqual(['DEBUG', 'XENPMU', 'PCPU_STATE']);
    expect(r.hc(0, 'EVTCHNOP_status', { port: p2 }).out).toMatchObject({ status: 'virq', code: 4, virq: 13, vcpu: 3 });
  });
});

describe('EVTCHNOP_send (5.4.4)', () => {
  it('[5.4.4] IPI → PENDING set, selector bit and upcall pending on the BOUND vCPU (not the sender)', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 2 }));
    const mark = r.trace.length;
    expect(r.hc(0, 'EVTCHNOP_send', { port: p })).toEqual({ ret: 0, descheduled: false });
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend', 'sel', 'upend']);
    expect(r.since(mark)[2]).toMatchObject({ vcpu: 2, word: 0, v: 1 });
    expect(r.xen.shared.upcallPending(2)).toBe(1);
    expect(r.xen.shared.upcallPending(0)).toBe(0);
  });

  it('[5.4.4] an unbound port drops the send and returns 0', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_alloc_unbound', { dom: 'self', remote_dom: 0 }));
    const mark = r.trace.length;
    expect(r.hc(0, 'EVTCHNOP_send', { port: p }).ret).toBe(0);
    expect(r.kindsSince(mark)).toEqual(['hc']);
  });

  it('[5.4.4] VIRQ, free, reserved and invalid ports → -EINVAL; interdomain → 0', () => {
    const r = up();
    const v = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 0 }));
    expect(r.hc(0, 'EVTCHNOP_send', { port: v }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_send', { port: 40 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_send', { port: 0 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_send', { port: 99_999 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_send', { port: 'x' }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_send', { port: 1 }).ret).toBe(0);
  });
});

describe('2-level set_pending (5.3.1, §9.1, §9.2, §9.7)', () => {
  it('[5.3.1][§9.1] a send to an already pending port coalesces: no selector, upcall or poller edge', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    r.hc(0, 'EVTCHNOP_send', { port: p });
    r.xen.shared.clearUpcallPending(1);
    r.xen.shared.xchgPendingSel(1);
    const mark = r.trace.length;
    for (let i = 0; i < 5; i++) r.hc(2, 'EVTCHNOP_send', { port: p });
    expect(r.kindsSince(mark)).toEqual(['hc', 'coalesce', 'hc', 'coalesce', 'hc', 'coalesce', 'hc', 'coalesce', 'hc', 'coalesce']);
    expect(r.xen.shared.upcallPending(1)).toBe(0);
    expect(r.fold().counts.coalesced).toBe(5);
  });

  it('[5.3.1][A4] a masked port becomes pending without selector or upcall', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    r.xen.shared.setMask(p);
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend']);
    expect(r.xen.shared.pendingSel(1)).toEqual([]);
  });

  it('[5.3.1][§9.2] the selector bit already set → no new upcall_pending edge and no kick', () => {
    const r = up();
    const a = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    const b = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    r.hc(0, 'EVTCHNOP_send', { port: a });
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: b });
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend']); // same word 0: sel already set
    r.run(10_000);
    expect(r.hooks('kick', 1)).toHaveLength(1);
  });

  it('[5.3.2][§9.2] upcall_pending already 1 (other word) → selector set but no kick', () => {
    const r = up({ dom0: true });
    const a = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    for (let i = 0; i < 70; i++) r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 2 });
    const b = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    expect(Math.floor(b / 64)).toBe(1);
    r.hc(0, 'EVTCHNOP_send', { port: a });
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: b });
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend', 'sel']);
    r.run(10_000);
    expect(r.hooks('kick', 1)).toHaveLength(1);
  });

  it('[5.3.1][§9.7][5.4.9] a poller is woken by a send to its port even when the port is masked', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    r.xen.shared.setMask(p);
    expect(r.hc(1, 'SCHEDOP_poll', { ports: [p] })).toEqual({ ret: 0, descheduled: true });
    expect(r.fold().vcpus[1].polling).toEqual([p]);
    r.run(10_000);
    expect(r.xen.vcpus[1].runstate).toBe('blocked');
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_send', { port: p });
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend', 'poll', 'runstate']);
    expect(r.since(mark)[2]).toMatchObject({ vcpu: 1, v: 0 });
    r.run(10_000);
    expect(r.xen.vcpus[1].runstate).toBe('running');
    expect(r.hooks('resume', 1).at(-1)!.t).toBe(r.since(mark)[0].t + 1000);
    expect(r.xen.shared.upcallPending(1)).toBe(0); // masked: no upcall, only the wake
  });

  it('[5.4.9] a single-port poller is not woken by another port; a multi-port poller by any port', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    const q = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 2 })); // notifies vCPU 2, not the poller
    r.hc(1, 'SCHEDOP_poll', { ports: [p] });
    r.hc(3, 'SCHEDOP_poll', { ports: [p, 40] });
    r.run(5_000);
    r.hc(0, 'EVTCHNOP_send', { port: q });
    r.run(5_000);
    expect(r.xen.vcpus[1].runstate).toBe('blocked');
    expect(r.xen.vcpus[3].runstate).toBe('running'); // poll_evtchn = -1 wakes on any port
  });

  it('[5.3.5] EVTCHNOP_unmask delivers a pending masked port (selector + upcall on the notify vCPU)', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 3 }));
    r.xen.shared.setMask(p);
    r.hc(0, 'EVTCHNOP_send', { port: p });
    const mark = r.trace.length;
    expect(r.hc(0, 'EVTCHNOP_unmask', { port: p }).ret).toBe(0);
    expect(r.kindsSince(mark)).toEqual(['hc', 'mask', 'sel', 'upend']);
    expect(r.since(mark)[2]).toMatchObject({ vcpu: 3 });
  });

  it('[5.3.5] unmask does nothing more when the mask bit was not set', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 3 }));
    r.hc(0, 'EVTCHNOP_send', { port: p });
    r.xen.shared.xchgPendingSel(3);
    r.xen.shared.clearUpcallPending(3);
    const mark = r.trace.length;
    r.hc(0, 'EVTCHNOP_unmask', { port: p });
    expect(r.kindsSince(mark)).toEqual(['hc']);
  });

  it('[5.4.7] unmask of an invalid port → -EINVAL', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_unmask', { port: 70_000 }).ret).toBe(-22);
  });
});

describe('EVTCHNOP_close (5.4.5, §9.6)', () => {
  it('[5.4.5] clears PENDING before freeing; notify vCPU back to 0; a re-bound port starts clean', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 2 }));
    r.hc(0, 'EVTCHNOP_send', { port: p });
    const mark = r.trace.length;
    expect(r.hc(0, 'EVTCHNOP_close', { port: p }).ret).toBe(0);
    expect(r.kindsSince(mark)).toEqual(['hc', 'pend', 'close']);
    expect(r.xen.shared.isPending(p)).toBe(false);
    expect(r.hc(0, 'EVTCHNOP_status', { port: p }).out).toMatchObject({ status: 'closed', vcpu: 0 });
    expect(port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }))).toBe(p);
    expect(r.fold().ports[p]).toMatchObject({ vcpu: 1, pending: false });
  });

  it('[5.4.5] closing a VIRQ port clears virq_to_evtchn: the VIRQ can be bound again', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }));
    r.hc(0, 'EVTCHNOP_close', { port: p });
    expect(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }).ret).toBe(0);
  });

  it('[5.4.5] invalid, free or reserved port → -EINVAL; closing twice → -EINVAL', () => {
    const r = up();
    const p = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    expect(r.hc(0, 'EVTCHNOP_close', { port: p }).ret).toBe(0);
    expect(r.hc(0, 'EVTCHNOP_close', { port: p }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_close', { port: 0 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_close', { port: 1e6 }).ret).toBe(-22);
  });
});

describe('EVTCHNOP_bind_vcpu (5.4.6, §9.5)', () => {
  it('[5.4.6][§9.5] IPI and per-vCPU VIRQ ports stay where they were bound → -EINVAL', () => {
    const r = up();
    const ipi = port(r.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: 1 }));
    const tmr = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }));
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: ipi, vcpu: 2 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: tmr, vcpu: 2 }).ret).toBe(-22);
    expect(r.fold().ports[ipi].vcpu).toBe(1);
    expect(r.fold().ports[tmr].vcpu).toBe(1);
  });

  it('[5.4.6] global VIRQ, unbound and interdomain ports move (rebind traced); sends then go there', () => {
    const r = up({ dom0: true });
    const con = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'CONSOLE', vcpu: 0 }));
    const ub = port(r.hc(0, 'EVTCHNOP_alloc_unbound', { remote_dom: 'self' }));
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: con, vcpu: 3 }).ret).toBe(0);
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: ub, vcpu: 2 }).ret).toBe(0);
    expect(r.fold().ports[con].vcpu).toBe(3);
    expect(r.fold().ports[ub].vcpu).toBe(2);
    r.xen.sendGuestVirq(0, 2); // VIRQ_CONSOLE, a global VIRQ
    expect(r.xen.shared.pendingSel(3)).toEqual([0]);
    const domU = up();
    expect(domU.hc(0, 'EVTCHNOP_bind_vcpu', { port: 1, vcpu: 2 }).ret).toBe(0); // xenstore port
    domU.xen.remoteSend(1);
    expect(domU.xen.shared.upcallPending(2)).toBe(1);
  });

  it('[5.4.6] no such vCPU → -ENOENT (checked first); bad or free port → -EINVAL', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: 9999, vcpu: 7 }).ret).toBe(-2);
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: 9999, vcpu: 1 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: 40, vcpu: 1 }).ret).toBe(-22);
    expect(r.hc(0, 'EVTCHNOP_bind_vcpu', { port: 0, vcpu: 1 }).ret).toBe(-22);
  });
});

describe('EVTCHNOP_status / alloc_unbound (5.4.8)', () => {
  it('[5.4.8] reports unbound (remote dom) and interdomain ports', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_status', { port: 1 }).out).toMatchObject({ status: 'interdomain', code: 2, dom: 0, vcpu: 0 });
    const ub = port(r.hc(0, 'EVTCHNOP_alloc_unbound', { dom: 0x7ff0, remote_dom: 0 }));
    expect(r.hc(0, 'EVTCHNOP_status', { port: ub }).out).toMatchObject({ status: 'unbound', code: 1, dom: 0 });
  });

  it('alloc_unbound for another domain: -EPERM from a domU', () => {
    const r = up();
    expect(r.hc(0, 'EVTCHNOP_alloc_unbound', { dom: 5, remote_dom: 0 }).ret).toBe(-1);
  });
});

describe('Xen-raised VIRQs', () => {
  it('a per-vCPU VIRQ goes to the port bound on that vCPU; nothing when none is bound', () => {
    const r = up();
    const mark = r.trace.length;
    r.xen.sendGuestVirq(1, 0);
    expect(r.trace.length).toBe(mark);
    const p = port(r.hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: 1 }));
    r.xen.sendGuestVirq(1, 0);
    expect(r.xen.shared.isPending(p)).toBe(true);
    expect(r.xen.shared.upcallPending(1)).toBe(1);
    r.run(KICK_NS);
    expect(r.hooks('kick', 1)).toHaveLength(1);
  });
});
