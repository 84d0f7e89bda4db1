import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../engine/trace/events';
import { describeEvent, laneOfEvent, stepLabel } from './describe';

const ev = (e: Record<string, unknown>) => ({ t: 2_500_000, ...e }) as unknown as TraceEvent;

describe('describeEvent', () => {
  it('says what an event is in one line, with its time', () => {
    expect(describeEvent(ev({ k: 'hc', vcpu: 0, op: 'VCPUOP_up', args: { vcpu: 1 }, ret: 0 }))).toBe('vCPU 0: VCPUOP_up(vcpu=1) = 0 at 2.5 ms');
    expect(describeEvent(ev({ k: 'hc', vcpu: 2, op: 'EVTCHNOP_send', args: { port: 9 }, ret: -22, errno: 'EINVAL' }))).toMatch(/= -22 \(-EINVAL\)/);
    expect(describeEvent(ev({ k: 'ipi_send', from: 0, to: 3, vector: 'RESCHEDULE', port: 26 }))).toBe('RESCHEDULE IPI sent from CPU 0 to CPU 3 over port 26 at 2.5 ms');
    expect(describeEvent(ev({ k: 'pend', port: 4, v: 1 }))).toBe('pend port=4, v=1 at 2.5 ms');
  });
});

describe('stepLabel and laneOfEvent', () => {
  it('labels steps briefly and finds the lane of an event', () => {
    expect(stepLabel(ev({ k: 'step', index: 1, do: 'ipi', detail: { from: 0, to: [1], vector: 'RESCHEDULE' } }))).toBe('2 ipi RESCHEDULE 1');
    expect(stepLabel(ev({ k: 'step', index: 0, do: 'cpu_down', detail: { cpu: 2 } }))).toBe('1 cpu_down 2');
    expect(laneOfEvent(ev({ k: 'ipi_send', from: 4, to: 1, vector: 'NMI', port: -1 }))).toBe(4);
    expect(laneOfEvent(ev({ k: 'handle', cpu: 1, irq: 3, port: 5, name: 'resched1' }))).toBe(1);
    expect(laneOfEvent(ev({ k: 'narrate', cpu: -1, text: 'Xen' }))).toBe(-1);
    expect(laneOfEvent(ev({ k: 'pend', port: 3, v: 1 }))).toBe(-1);
  });
});
