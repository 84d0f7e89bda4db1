// Properties over random runs (random vCPU counts, pCPUs, ABIs, word sizes, guest
// types, hypercall sequences, masks, preemptions, time advances): the invariants of
// xen-facts §9 that belong to the hypervisor (1, 2, 3, 5, 6, 7, 8, 9, 10), checked
// around every step by the driver and over the whole trace at the end.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drive, paramsArb } from './driver';

describe('xen-facts §9 invariants over random runs', () => {
  it('[§9.1][§9.2][§9.3][§9.5][§9.6][§9.7][§9.8][§9.9][§9.10] hold for every step of random runs', () => {
    fc.assert(
      fc.property(paramsArb(150), (p) => {
        const { violations } = drive(p);
        expect(violations).toEqual([]);
      }),
      { numRuns: 250 },
    );
  });

  it('[§9.1] any number of sends to one port give at most one selector and one upcall edge until the guest clears PENDING', () => {
    fc.assert(
      fc.property(
        fc.record({ sends: fc.integer({ min: 1, max: 40 }), target: fc.integer({ min: 0, max: 3 }), from: fc.integer({ min: 0, max: 3 }), fifo: fc.boolean(), masked: fc.boolean() }),
        ({ sends, target, from, fifo, masked }) => {
          const { rig } = drive({ seed: 1, maxVcpus: 4, pcpus: 4, abi: fifo ? 'fifo' : '2l', bits: 64, dom0: false, type: 'pv', ratelimit: 1000, boot: false, bootMask: 0, ops: [] });
          rig.bringUp(4);
          if (fifo) {
            for (let v = 0; v < 4; v++) rig.hc(0, 'EVTCHNOP_init_control', { vcpu: v });
            rig.hc(0, 'EVTCHNOP_expand_array', {});
          }
          const port = rig.hc(0, 'EVTCHNOP_bind_ipi', { vcpu: target }).out!.port as number;
          if (masked) rig.xen.shared.setMask(port);
          const mark = rig.trace.length;
          for (let i = 0; i < sends; i++) rig.hc(from, 'EVTCHNOP_send', { port });
          const k = rig.kindsSince(mark);
          expect(k.filter((e) => e === 'pend')).toHaveLength(1);
          expect(k.filter((e) => e === 'coalesce')).toHaveLength(sends - 1);
          expect(k.filter((e) => e === 'sel' || e === 'ready').length).toBe(masked ? 0 : 1);
          expect(k.filter((e) => e === 'upend').length).toBe(masked ? 0 : 1);
          rig.run(10_000);
          expect(rig.hooks('kick', target).length).toBe(masked || target === from ? 0 : 1);
        },
      ),
      { numRuns: 100 },
    );
  });
});
