// The idle loop (cpu_idle_loop in the 4.0 era, cpu_idle in 2.6.23): run queued tasks,
// play dead when the CPU has been taken offline, otherwise program the next timer
// (NOHZ) and block in Xen with SCHEDOP_block — which re-enables events atomically,
// so an event that arrived just before cannot be lost (fact 6.2.2).

import { hypercall, type Gen } from './exec/ops';
import type { Ctx } from './kernel';
import { localIrqDisable, localIrqEnable } from './irqflags';

export function* cpuIdleLoop(c: Ctx): Gen {
  const k = c.k;
  const ex = k.exec[c.cpu];
  const pc = k.pc[c.cpu];
  let told = false;
  for (;;) {
    // while (!need_resched()) ... ; schedule_preempt_disabled(): a set need_resched is
    // always consumed by schedule(), even with nothing queued (a bare reschedule IPI),
    // so it cannot linger and swallow the IPI of the next cross-CPU wake-up.
    if (ex.runq.length || ex.needResched) {
      yield { op: 'schedule' };
      continue;
    }
    if (!k.masks.has('online', c.cpu)) {
      // cpu_is_offline → arch_cpu_idle_dead → play_dead.
      yield* k.fn(c, 'play_dead', k.ops.play_dead(c));
      continue;
    }
    if (pc.timers.length && pc.timers[0].deadline <= k.sim.now) {
      // A deadline passed while we were busy: run it as the tick would.
      yield* localIrqDisable(c);
      yield* k.runTimers(c);
      yield* localIrqEnable(c);
      continue;
    }
    yield* k.programTimer(c);
    yield* localIrqDisable(c);
    if (ex.runq.length) {
      yield* localIrqEnable(c);
      continue;
    }
    if (!told) {
      told = true;
      k.narrate(
        c.cpu,
        `CPU ${c.cpu} has nothing to do: it blocks in Xen (SCHEDOP_block), which also re-enables its events; any event wakes it.`,
        'xen_safe_halt',
        '6.2.2',
      );
    }
    if (k.cfg.type === 'hvm') {
      // Native safe_halt: sti; hlt — the HLT traps to Xen, which blocks the vCPU.
      k.xen.shared.setUpcallMask(c.cpu, 0);
      yield* k.fn(c, 'native_safe_halt', hypercall('VMEXIT_HLT', {}) as Gen<unknown> as Gen);
    } else {
      yield* k.fn(c, 'xen_safe_halt', hypercall('SCHEDOP_block', {}) as Gen<unknown> as Gen);
    }
  }
}
