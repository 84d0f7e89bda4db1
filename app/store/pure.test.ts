// Pure helpers of the shell: playback pace and quiet-gap skipping, speed scale, printk
// stamps, /proc/interrupts layout, hypercall-log collapsing, actions → steps.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate';
import { advanceClock, formatSpeed, GAP_LEAD_MS, MAX_GAP_MS, NS_PER_MS_AT_1X, sliderFromSpeed, speedFromSlider } from './playback';
import { printkStamp, formatTime } from './printk';
import { archLine, headerLine, interruptsTable, irqLine, irqPrecision } from './interrupts';
import { Timeline } from './timeline';
import { stepForAction, stepTimeAt, withStep } from './actions';
import { Keyframes } from '../../engine/trace/keyframes';

describe('playback pace', () => {
  it('plays 1 ms of virtual time per real second at 1×, scaled by the speed', () => {
    let vt = 0;
    for (let i = 0; i < 10; i++) vt = advanceClock(vt, 100, 1, Infinity).vt;
    expect(vt).toBe(1_000_000);
    expect(advanceClock(0, 16, 1, 20_000).vt).toBe(16 * NS_PER_MS_AT_1X);
    expect(advanceClock(0, 16, 100, 5_000_000).vt).toBe(1_600_000);
    expect(advanceClock(0, 16, 0.01, Infinity).vt).toBeCloseTo(160, 6);
  });

  it('skips a quiet gap longer than the cap, keeping a short lead before the next event', () => {
    // xen_cpu_die sleeps 100 ms: at 1× that would be 100 s of nothing.
    const next = 100_000_000;
    const { vt, skipped } = advanceClock(0, 16, 1, next);
    expect(skipped).toBe(next - GAP_LEAD_MS * NS_PER_MS_AT_1X);
    expect(vt).toBe(skipped + 16 * NS_PER_MS_AT_1X);
    expect(next - vt).toBeLessThanOrEqual(GAP_LEAD_MS * NS_PER_MS_AT_1X);
    // A gap just under the cap plays normally.
    const short = advanceClock(0, 16, 1, (MAX_GAP_MS - 1) * NS_PER_MS_AT_1X);
    expect(short.skipped).toBe(0);
    // The cap is in real time: at 100× a 100 ms gap is 1 s of real time, under the cap.
    expect(advanceClock(0, 16, 100, next).skipped).toBe(0);
  });

  it('counts a long frame (a background tab) as at most 100 ms', () => {
    expect(advanceClock(0, 60_000, 1, Infinity).vt).toBe(100 * NS_PER_MS_AT_1X);
  });

  it('maps the speed slider on a log scale from 0.01× to 100×', () => {
    expect(speedFromSlider(-2)).toBe(0.01);
    expect(speedFromSlider(0)).toBe(1);
    expect(speedFromSlider(2)).toBe(100);
    expect(speedFromSlider(-1)).toBe(0.1);
    expect(speedFromSlider(9)).toBe(100);
    expect(sliderFromSpeed(10)).toBeCloseTo(1);
    expect(formatSpeed(1)).toBe('1×');
    expect(formatSpeed(0.01)).toBe('0.01×');
    expect(formatSpeed(100)).toBe('100×');
    expect(formatSpeed(2.5)).toBe('2.5×');
  });
});

describe('printk timestamps', () => {
  it('prints seconds and microseconds like the kernel', () => {
    expect(printkStamp(2_568_666)).toBe('[    0.002568]');
    expect(printkStamp(0)).toBe('[    0.000000]');
    expect(printkStamp(2_434_079_000)).toBe('[    2.434079]');
    expect(printkStamp(123_456_789_000_000)).toBe('[123456.789000]');
    expect(formatTime(3_110_406)).toBe('3.110 ms');
  });
});

describe('/proc/interrupts layout', () => {
  it('matches a real Xen PV guest line for line (shared/research/real-xen.md)', () => {
    expect(irqLine(3, 24, [841, 0, 0, 0], 'xen-percpu', 'virq', 'timer0')).toBe(
      ' 24:        841          0          0          0  xen-percpu    -virq      timer0',
    );
    expect(irqLine(3, 31, [0, 26, 0, 0], 'xen-percpu', 'ipi', 'resched1')).toBe(
      ' 31:          0         26          0          0  xen-percpu    -ipi       resched1',
    );
    expect(headerLine(3, [0, 1, 2, 3])).toBe('           CPU0       CPU1       CPU2       CPU3       ');
    expect(archLine(3, 'RES', [31, 26, 0, 0], 'Rescheduling interrupts')).toBe(
      'RES:         31         26          0          0   Rescheduling interrupts',
    );
    expect(irqPrecision(47)).toBe(3);
    expect(irqPrecision(999)).toBe(4);
    expect(irqPrecision(5000)).toBe(4);
  });

  it('builds the table from a folded state: online CPUs only, per-CPU rows, arch rows from handler runs', () => {
    const input = {
      version: 1,
      guest: { vcpus: 4 },
      steps: [
        { at: '10ms', do: 'cpu_down', cpu: 2 },
        { at: '200ms', do: 'ipi', from: 0, to: [1, 3], vector: 'RESCHEDULE' },
        { at: '202ms', do: 'ipi', from: 0, to: [1], vector: 'CALL_FUNCTION_SINGLE' },
      ],
    };
    const { cols } = simulate(input);
    const tl = new Timeline(cols);
    tl.markComplete();
    tl.extend();
    const end = tl.at(cols.length);
    const t = interruptsTable(end, tl.index.archCountsAt(cols.length));
    expect(t.cpus).toEqual([0, 1, 3]);
    expect(t.header.trim()).toBe('CPU0       CPU1       CPU3');
    const names = t.rows.filter((r) => r.chip).map((r) => r.name);
    expect(names).toContain('resched1');
    expect(names).not.toContain('resched2');
    expect(names.some((n) => n.endsWith('2'))).toBe(false);
    const resched1 = t.rows.find((r) => r.name === 'resched1')!;
    // stop_machine's wake-up (1) and the step's IPI (1).
    expect(resched1.counts).toEqual([0, 2, 0]);
    expect(resched1.text).toMatch(/^ *\d+: +0 +2 +0 +xen-percpu +-ipi +resched1$/);
    const res = t.rows.find((r) => r.label === 'RES')!;
    expect(res.counts).toEqual([0, 2, 2]);
    const cal = t.rows.find((r) => r.label === 'CAL')!;
    expect(cal.counts).toEqual([0, 1, 0]);
    expect(t.rows.find((r) => r.label === 'TLB')!.counts).toEqual([0, 0, 0]);
    expect(t.text.split('\n')[0]).toBe(t.header);
    expect(t.text).toMatch(/\nERR:          0\nMIS:          0\n$/);
    // Before the offlining, CPU 2 had its column and its rows.
    const i5 = tl.indexAtTime(5_000_000);
    const before = interruptsTable(tl.at(i5), tl.index.archCountsAt(i5));
    expect(before.cpus).toEqual([0, 1, 2, 3]);
    expect(before.rows.map((r) => r.name)).toContain('resched2');
  });
});

describe('timeline and trace index', () => {
  it('gives the same picture as the engine keyframes at any index, folding in slices', () => {
    const { cols } = simulate({ version: 1, guest: { vcpus: 4 }, steps: [{ at: '20ms', do: 'cpu_down', cpu: 2 }] });
    const tl = new Timeline(cols, 256);
    let clock = 0;
    // Tiny deadlines: many slices.
    while (!tl.extend(clock + 1, () => clock++)) {
      /* fold on */
    }
    tl.markComplete();
    const ref = new Keyframes(cols, 256);
    for (const i of [0, 1, 255, 256, 257, 1000, cols.length - 1, cols.length]) {
      expect(tl.at(i)).toEqual(ref.at(i));
    }
    expect(tl.stateFrom(tl.at(100), 140)).toEqual(ref.at(140));
    expect(tl.indexAtTime(20_000_000)).toBe(ref.indexAtTime(20_000_000));
  });

  it('collapses runs of the same hypercall from the same vCPU in the log', () => {
    const { cols } = simulate({ version: 1, guest: { vcpus: 4 } });
    const tl = new Timeline(cols);
    tl.extend();
    tl.markComplete();
    const ix = tl.index;
    const rows = ix.hcRows;
    const yields = rows.filter((r) => r.op === 'SCHEDOP_yield');
    // The boot CPU's wait for each AP is one row of ~300 calls.
    expect(yields.length).toBeGreaterThanOrEqual(3);
    const big = yields.filter((r) => r.more.length > 200);
    expect(big.length).toBeGreaterThanOrEqual(3);
    for (const r of big) expect(r.vcpu).toBe(0);
    // Every hypercall belongs to exactly one row.
    const total = rows.reduce((n, r) => n + 1 + r.more.length, 0);
    expect(total).toBe(ix.hcEvents.length);
    // As of a playhead in the middle of the first run, the row counts only the calls so far.
    const r0 = big[0];
    const mid = r0.more[99];
    expect(ix.rowCountBefore(rows.indexOf(r0), mid)).toBe(100);
    expect(ix.hcRowsBefore(r0.first)).toBe(rows.indexOf(r0));
    expect(ix.rowNear(mid)).toBe(rows.indexOf(r0));
  });
});

describe('actions become steps', () => {
  it('puts the step 1 ns after the playhead', () => {
    expect(stepTimeAt(6_941_681)).toBe(6_941_682);
    expect(stepTimeAt(12.7)).toBe(13);
    expect(stepForAction(2, 'cpu_down', 5)).toEqual({ at: 5, do: 'cpu_down', cpu: 2 });
    expect(stepForAction(2, 'cpu_up', 5)).toEqual({ at: 5, do: 'cpu_up', cpu: 2 });
    expect(stepForAction(1, 'ipi_resched', 5)).toEqual({ at: 5, do: 'ipi', from: 0, to: [1], vector: 'RESCHEDULE' });
    expect(stepForAction(0, 'ipi_callfunc', 5)).toEqual({ at: 5, do: 'ipi', from: 0, to: 'self', vector: 'CALL_FUNCTION' });
    expect(withStep({ version: 1, steps: [{ at: '1ms', do: 'cpu_up', cpu: 1 }] }, { at: 5, do: 'cpu_down', cpu: 1 }).steps).toHaveLength(2);
  });
});
