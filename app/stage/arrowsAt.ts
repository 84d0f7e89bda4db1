// The IPI arrows to draw at a moment: the fold's arrow states, finished from the trace
// index (which knows when each send was handled, even in the trace's future). Shared by
// the live stage (Stage.tsx) and the exported picture (app/export/scene.ts) so both show
// the same arrows.
import type { TraceColumns } from '../../engine/trace/columns';
import type { ArrowState } from '../../engine/trace/state';
import { arrowViews, type ArrowClock, type ArrowView } from './arrows';
import { IPI_STATUS_NAMES, lowerBound, type TraceIndex } from './traceIndex';

export interface ArrowMoment {
  cols: TraceColumns;
  /** Playhead time, ns, and event index (events [0, index) are folded). */
  time: number;
  index: number;
  reducedMotion?: boolean;
}

/**
 * Arrow views at `at` for the arrows between the first `n` vCPUs. Until the index covers an
 * arrow, its end comes from a binary search on the trace's time column and its future is
 * unknown. NMIs all share port -1 and the fold pairs a handler run with the oldest send on
 * its port, so with NMIs to several CPUs it can finish the wrong arrow; the index pairs NMIs
 * by target CPU, so their status comes from it.
 */
export function arrowsAt(arrows: readonly ArrowState[], ix: TraceIndex, n: number, at: ArrowMoment): ArrowView[] {
  const clock: ArrowClock = {
    reducedMotion: at.reducedMotion,
    time: at.time,
    index: at.index,
    endIndex: (a) => {
      const id = ix.ipiBySendIndex(a.id);
      if (id >= 0 && ix.ipiEndIdx.data[id] >= 0) return ix.ipiEndIdx.data[id];
      return Math.max(0, lowerBound(at.cols.t, at.cols.length, a.tEnd));
    },
    futureEnd: (a) => {
      const id = ix.ipiBySendIndex(a.id);
      return id >= 0 && ix.ipiEndIdx.data[id] >= 0 ? ix.ipiEndT.data[id] : undefined;
    },
  };
  const shown = arrows
    .filter((a) => a.from < n && a.to < n)
    .map((a) => {
      if (a.port >= 0) return a;
      const id = ix.ipiBySendIndex(a.id);
      if (id < 0) return a;
      const end = ix.ipiEndIdx.data[id];
      return end >= 0 && end < at.index
        ? { ...a, status: IPI_STATUS_NAMES[ix.ipiStatus.data[id]], tEnd: ix.ipiEndT.data[id] }
        : { ...a, status: 'sent' as const, tEnd: -1 };
    });
  return arrowViews(shown, clock);
}
