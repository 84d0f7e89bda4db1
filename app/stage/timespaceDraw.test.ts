import { describe, expect, it } from 'vitest';
import { TraceColumns } from '../../engine/trace/columns';
import { BURST_NS, ipiBursts, timeTicks, visibleLanes } from './timespaceDraw';
import { TraceIndex } from './traceIndex';
import type { DiagramGeometry } from './hitTest';

describe('ipiBursts', () => {
  it('groups a broadcast into one burst per sender and vector, and splits by time', () => {
    const c = new TraceColumns();
    for (let to = 1; to <= 10; to++) c.push(1000 + to * 1000, 'ipi_send', { from: 0, to, vector: 'CALL_FUNCTION', port: 100 + to });
    c.push(12_000, 'ipi_send', { from: 3, to: 1, vector: 'RESCHEDULE', port: 5 }); // interleaved, another sender
    c.push(12_500, 'ipi_send', { from: 0, to: 11, vector: 'CALL_FUNCTION', port: 111 });
    c.push(12_500 + BURST_NS + 1, 'ipi_send', { from: 0, to: 2, vector: 'CALL_FUNCTION', port: 102 });
    const ix = new TraceIndex(c);
    ix.update();
    const bursts = ipiBursts(ix, 0, ix.ipiCount);
    expect(bursts.map((b) => b.length)).toEqual([11, 1, 1]);
    expect(bursts[1]).toEqual([10]); // the RESCHEDULE from CPU 3
  });
});

describe('diagram helpers', () => {
  const g: DiagramGeometry = { left: 50, width: 1000, top: 30, laneH: 10, scrollY: 100, lanes: 128, t0: 0, t1: 1_000_000 };
  it('visits only the lanes in view', () => {
    expect(visibleLanes(g, 230)).toEqual([10, 30]);
  });
  it('puts about one tick per 120 px', () => {
    const ticks = timeTicks(g);
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(ticks.length).toBeLessThanOrEqual(12);
  });
});
