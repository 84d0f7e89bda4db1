// Deep-only torture runs (`npm run test:deep`): more seeds, overcommitted pCPUs, PVH,
// FIFO, 3–6 vCPUs. Not part of `npm test`.

import { describe, expect, it } from 'vitest';
import { torture } from './harness';

describe('hotplug torture (deep)', () => {
  it('[9.1][9.6][9.11][9.12][9.13] six more seeds: overcommitted pCPUs, PV and PVH, 2-level and FIFO', () => {
    let offlined = 0;
    for (let seed = 10; seed < 16; seed++) {
      offlined += torture({ seed, cycles: 1500, vcpus: 3 + (seed % 4), pcpus: 1 + (seed % 3), type: seed % 2 ? 'pv' : 'pvh', evtchn: seed % 3 ? '2l' : 'fifo' }).offlined;
    }
    expect(offlined).toBeGreaterThan(3000);
  }, 3_600_000);
});
