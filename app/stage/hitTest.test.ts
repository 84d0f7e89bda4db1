import { describe, expect, it } from 'vitest';
import { TraceColumns } from '../../engine/trace/columns';
import { hitTest, laneAt, nearest, tOf, xOf, type DiagramGeometry } from './hitTest';
import { TraceIndex } from './traceIndex';

function index() {
  const c = new TraceColumns();
  c.push(0, 'domain', { max_vcpus: 2, dom0: 0, abi: '2l', max_port: 1023, pcpus: 2 });
  c.push(100, 'hc', { vcpu: 0, op: 'SCHEDOP_yield', args: {}, ret: 0 }); // 1
  c.push(500, 'ipi_send', { from: 0, to: 1, vector: 'RESCHEDULE', port: 5 }); // 2
  c.push(520, 'hc', { vcpu: 0, op: 'EVTCHNOP_send', args: { port: 5 }, ret: 0 }); // 3
  c.push(900, 'handle', { cpu: 1, irq: 20, port: 5, name: 'resched1', vector: 'RESCHEDULE' }); // 4
  c.push(950, 'console', { cpu: 1, text: 'x' }); // 5
  c.push(700, 'step', { index: 0, do: 'ipi', detail: {} }); // 6 (times need not matter for steps here)
  const ix = new TraceIndex(c);
  ix.update();
  return ix;
}

// 1000 ns over 1000 px: 1 px per ns; lanes of 20 px from y = 30.
const g: DiagramGeometry = { left: 50, width: 1000, top: 30, laneH: 20, scrollY: 0, lanes: 2, t0: 0, t1: 1000 };

describe('diagram geometry', () => {
  it('maps time to x and back, and y to lanes', () => {
    expect(xOf(g, 250)).toBe(300);
    expect(tOf(g, 300)).toBe(250);
    expect(laneAt(g, 29)).toBe(-1);
    expect(laneAt(g, 30)).toBe(0);
    expect(laneAt(g, 55)).toBe(1);
    expect(laneAt(g, 71)).toBe(-1);
    expect(laneAt({ ...g, scrollY: 20 }, 35)).toBe(1);
  });

  it('finds the nearest sorted time within a distance', () => {
    expect(nearest([10, 20, 30], 3, 24, 5)).toBe(1);
    expect(nearest([10, 20, 30], 3, 26, 5)).toBe(2);
    expect(nearest([10, 20, 30], 3, 45, 5)).toBe(-1);
  });
});

describe('hitTest', () => {
  const ix = index();
  it('returns the hypercall under the pointer in its lane', () => {
    expect(hitTest(ix, g, xOf(g, 103), 40)).toMatchObject({ index: 1, kind: 'hc', lane: 0 });
  });
  it('prefers the IPI endpoint over a hypercall when both are as near', () => {
    expect(hitTest(ix, g, xOf(g, 510), 40, 12)).toMatchObject({ index: 2, kind: 'send' });
    expect(hitTest(ix, g, xOf(g, 521), 40, 12)).toMatchObject({ index: 3, kind: 'hc' });
  });
  it('finds the handler end of an IPI on the target lane, and console marks', () => {
    expect(hitTest(ix, g, xOf(g, 902), 60)).toMatchObject({ index: 4, kind: 'handle', lane: 1 });
    expect(hitTest(ix, g, xOf(g, 948), 60)).toMatchObject({ index: 5, kind: 'console' });
  });
  it('finds step markers above the lanes and nothing in empty space', () => {
    expect(hitTest(ix, g, xOf(g, 701), 10)).toMatchObject({ index: 6, kind: 'step' });
    expect(hitTest(ix, g, xOf(g, 300), 40)).toBeNull();
    expect(hitTest(ix, g, 5, 40)).toBeNull(); // over the lane labels
  });
});
