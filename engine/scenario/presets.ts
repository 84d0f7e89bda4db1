// The preset scenarios (public/presets/*.json, servable as files too), each with a
// one-line teaching goal. A test runs every one and compares its summary with a
// committed golden file (engine/export/golden/).

import type { ScenarioInput } from './types';
import boot4Vcpus from '../../public/presets/boot-4-vcpus.json';
import dom0MaxVcpus from '../../public/presets/dom0-max-vcpus.json';
import maxcpus2 from '../../public/presets/maxcpus-2.json';
import nosmpPanic from '../../public/presets/nosmp-panic.json';
import overcommit from '../../public/presets/overcommit.json';
import hotplugCpu2 from '../../public/presets/hotplug-cpu2.json';
import ipiCoalescing from '../../public/presets/ipi-coalescing.json';
import callfuncStolen from '../../public/presets/callfunc-stolen.json';
import lazyTlbUnpin from '../../public/presets/lazy-tlb-unpin.json';
import lazyTlbNoShootdown from '../../public/presets/lazy-tlb-no-shootdown.json';
import pvSpinlockLhp from '../../public/presets/pv-spinlock-lhp.json';
import pvSpinlockNopvspin from '../../public/presets/pv-spinlock-nopvspin.json';
import hvmVsPv from '../../public/presets/hvm-vs-pv.json';
import era2007 from '../../public/presets/era-2007.json';
import fifoEvents from '../../public/presets/fifo-events.json';
import nmiAndUnmappedVector from '../../public/presets/nmi-and-unmapped-vector.json';
import xlVcpuSet from '../../public/presets/xl-vcpu-set.json';
import reschedOfflineBug from '../../public/presets/resched-offline-bug.json';
import rawHypercalls from '../../public/presets/raw-hypercalls.json';

export interface Preset {
  id: string;
  title: string;
  goal: string;
  input: ScenarioInput;
}

function preset(id: string, input: unknown): Preset {
  const s = input as ScenarioInput & { title: string; goal: string };
  return { id, title: s.title, goal: s.goal, input: s };
}

export const PRESETS: Preset[] = [
  preset('boot-4-vcpus', boot4Vcpus),
  preset('dom0-max-vcpus', dom0MaxVcpus),
  preset('maxcpus-2', maxcpus2),
  preset('nosmp-panic', nosmpPanic),
  preset('overcommit', overcommit),
  preset('hotplug-cpu2', hotplugCpu2),
  preset('ipi-coalescing', ipiCoalescing),
  preset('callfunc-stolen', callfuncStolen),
  preset('lazy-tlb-unpin', lazyTlbUnpin),
  preset('lazy-tlb-no-shootdown', lazyTlbNoShootdown),
  preset('pv-spinlock-lhp', pvSpinlockLhp),
  preset('pv-spinlock-nopvspin', pvSpinlockNopvspin),
  preset('hvm-vs-pv', hvmVsPv),
  preset('era-2007', era2007),
  preset('fifo-events', fifoEvents),
  preset('nmi-and-unmapped-vector', nmiAndUnmappedVector),
  preset('xl-vcpu-set', xlVcpuSet),
  preset('resched-offline-bug', reschedOfflineBug),
  preset('raw-hypercalls', rawHypercalls),
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
