// Folding the emitted trace with engine/trace/fold.ts gives the same vCPU, port, pCPU
// and pin state as the model, after random runs: a strong check that every state
// change is traced, and traced right.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceHash } from '../trace/canonical';
import { Keyframes } from '../trace/keyframes';
import { drive, foldDiff, paramsArb } from './driver';

describe('trace fold agrees with the model', () => {
  it('the folded trace equals the model state at the end of random runs', () => {
    fc.assert(
      fc.property(paramsArb(150), (p) => {
        const { rig } = drive(p);
        expect(foldDiff(rig)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('keyframes over a Xen trace: at(i) equals folding from 0', () => {
    fc.assert(
      fc.property(paramsArb(40), fc.nat(), (p, pick) => {
        const { rig } = drive(p);
        const kf = new Keyframes(rig.trace.cols, 64);
        const i = pick % (rig.trace.length + 1);
        expect(kf.at(i)).toEqual(new Keyframes(rig.trace.cols, 1_000_000).at(i));
      }),
      { numRuns: 40 },
    );
  });

  it('determinism: the same inputs give the same trace hash', () => {
    fc.assert(
      fc.property(paramsArb(60), (p) => {
        expect(traceHash(drive(p).rig.trace.cols)).toBe(traceHash(drive(p).rig.trace.cols));
      }),
      { numRuns: 40 },
    );
  });
});
