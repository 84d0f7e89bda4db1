import { describe, expect, it } from 'vitest';
import { arrowName, formatNs, formatTick, linuxWords, runstateWords, xenWords } from './format';

describe('format', () => {
  it('prints virtual time in the unit that reads best', () => {
    expect(formatNs(950)).toBe('950 ns');
    expect(formatNs(12_300)).toBe('12.3 µs');
    expect(formatNs(1_250_000)).toBe('1.25 ms');
    expect(formatNs(2_000_000)).toBe('2 ms');
    expect(formatNs(2_500_000_000)).toBe('2.5 s');
  });

  it('gives axis ticks enough decimals to tell them apart', () => {
    const labels = [13_250_000, 13_300_000, 13_350_000].map((t) => formatTick(t, 50_000));
    expect(labels).toEqual(['13.25 ms', '13.30 ms', '13.35 ms']);
    expect(formatTick(2_000_000, 1_000_000)).toBe('2 ms');
    expect(formatTick(0, 500)).toBe('0 ns');
  });

  it('says states in words (colour is never the only carrier)', () => {
    expect(runstateWords({ runstate: 'running', pcpu: 3 })).toBe('running on pCPU 3');
    expect(runstateWords({ runstate: 'runnable', pcpu: -1 })).toBe('runnable (stolen)');
    expect(linuxWords({ linux: 'bringup', possible: true, present: true, online: false })).toBe('bringing up');
    expect(linuxWords({ linux: null, possible: false, present: false, online: false })).toBe('not possible');
    expect(xenWords({ up: false, initialised: false })).toBe('down, not initialised');
    expect(arrowName({ vector: 'RESCHEDULE', from: 0, to: 1, status: 'sent' })).toBe('RESCHEDULE IPI from CPU 0 to CPU 1: in flight');
  });
});
