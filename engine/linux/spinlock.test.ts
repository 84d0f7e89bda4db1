// PV spinlocks (facts 4.1–4.4, 6.2.3, invariant 16): the per-CPU kicker is bound and kept
// masked, waiters poll it after spinning, the unlock kicks them in ticket order, and a
// kick is consumed by the poll — never by a handler. nopvspin or one CPU turn it off.

import { describe, expect, it } from 'vitest';
import { run } from '../check/query';
import type { StepInput } from '../scenario/types';

const LHP: StepInput[] = [
  { at: '10ms', do: 'spin_lock', holder: 1, waiters: [2, 3], hold: '2ms' },
  { at: '10.5ms', do: 'preempt', vcpu: 1, for: '4ms' },
];

describe('PV spinlocks', () => {
  it('[4.1][4.2] every CPU gets a spinlock<n> kicker that is disabled (masked) right after it is bound', () => {
    const r = run({ version: 1, guest: { vcpus: 4 }, until: '50ms' });
    expect(r.summary.console).toContain('xen: PV spinlocks enabled');
    const kickers = r.of('irq').filter((e) => e.name.startsWith('spinlock'));
    expect(kickers.map((e) => e.name)).toEqual(['spinlock0', 'spinlock1', 'spinlock2', 'spinlock3']);
    for (const k of kickers) {
      expect(r.summary.console).toContain(`cpu ${k.cpu} spinlock event irq ${k.irq}`);
      expect(r.summary.ports.find((p) => p.port === k.port)).toMatchObject({ masked: true, name: k.name });
    }
  });

  it('[4.4][6.2.3][9.16] waiters spin 2^15 times, poll their own masked kicker, and are kicked in ticket order; no handler runs', () => {
    const r = run({ version: 1, guest: { vcpus: 4 }, steps: LHP, until: '50ms' });
    const kicker = new Map(r.of('irq').filter((e) => e.name.startsWith('spinlock')).map((e) => [e.cpu, e.port]));
    const polls = r.hcs('SCHEDOP_poll').map((e) => [e.vcpu, (e.args as { ports: number[] }).ports]);
    expect(polls).toEqual([
      [2, [kicker.get(2)]],
      [3, [kicker.get(3)]],
    ]);
    // Spinning lasts SPIN_THRESHOLD cpu_relax iterations before the poll.
    const spin = r.of('lock').find((e) => e.cpu === 2 && e.action === 'spin')!;
    const wait = r.of('lock').find((e) => e.cpu === 2 && e.action === 'wait')!;
    expect(wait.t - spin.t).toBeGreaterThanOrEqual(32768 * 10);
    // Ticket order: the lock goes 1 → 2 → 3, each release kicks exactly the next ticket.
    const acts = r.of('lock').filter((e) => e.action === 'acquire' || e.action === 'kick').map((e) => (e.action === 'kick' ? `kick ${e.other}` : `acquire ${e.cpu}`));
    expect(acts).toEqual(['acquire 1', 'kick 2', 'acquire 2', 'kick 3', 'acquire 3']);
    const kicks = r.of('ipi_send').filter((e) => e.vector === 'SPIN_UNLOCK');
    expect(kicks.map((e) => [e.to, e.port])).toEqual([
      [2, kicker.get(2)],
      [3, kicker.get(3)],
    ]);
    expect(r.of('handle').filter((e) => e.name.startsWith('spinlock'))).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  it('[4.1] nopvspin disables them: no kicker ports, waiters only spin', () => {
    const r = run({ version: 1, guest: { vcpus: 4, cmdline: 'nopvspin' }, steps: LHP, until: '50ms' });
    expect(r.summary.console).toContain('xen: PV spinlocks disabled');
    expect(r.of('irq').filter((e) => e.name.startsWith('spinlock'))).toEqual([]);
    expect(r.hcs('SCHEDOP_poll')).toEqual([]);
    expect(r.of('lock').filter((e) => e.action === 'acquire').map((e) => e.cpu)).toEqual([1, 2, 3]);
  });

  it('[4.1] with one possible CPU PV spinlocks are disabled', () => {
    const r = run({ version: 1, guest: { vcpus: 1 }, until: '50ms' });
    expect(r.summary.console).toContain('xen: PV spinlocks disabled');
    expect(r.of('irq').map((e) => e.name).filter((n) => n.startsWith('spinlock'))).toEqual([]);
  });
});
