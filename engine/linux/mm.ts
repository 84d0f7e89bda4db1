// Pagetables as the 2007 commit sees them (fact §7): an mm is pinned while in use;
// exiting it must unpin it, and Xen will not let the pagetable be freed while some
// vCPU's cr3 still points at it — which CPUs in lazy-TLB mode may still do. Linux
// therefore shoots those references down (xen_drop_mm_ref) before unpinning.

import { cost, hypercall, type Gen } from './exec/ops';
import type { Ctx } from './kernel';
import { COST } from './config';
import { SWAPPER_PG_DIR_MFN } from '../xen/api';

export interface Mm {
  id: number;
  pid: number;
  /** mfn of the top-level pagetable (pgd). */
  pgd: number;
  pinned: boolean;
  /** mm_cpumask: CPUs that have (or lazily keep) this mm loaded. */
  cpus: Set<number>;
}

/**
 * A guest on hardware paging (HVM, PVH: auto-translated) owns its pagetables: cr3 loads
 * are plain `mov %cr3`, nothing is pinned, and Xen has no type references to drop. The
 * PV pin/unpin hypercalls are PV-only (Xen answers -ENOSYS), so issuing them made an
 * HVM guest print "multicall(s) failed" for an exit_mm that cannot fail there.
 */
function hardwarePaging(c: Ctx): boolean {
  return c.k.cfg.type !== 'pv';
}

/** load_cr3 → xen_write_cr3: MMUEXT_NEW_BASEPTR when the actual cr3 changes (fact 7.6). */
export function* loadCr3(c: Ctx, mfn: number): Gen {
  const k = c.k;
  const pc = k.pc[c.cpu];
  pc.cr3 = mfn;
  if (pc.currentCr3 === mfn) return;
  if (hardwarePaging(c)) {
    // native_write_cr3: no hypercall.
    pc.currentCr3 = mfn;
    yield* cost(COST.tiny);
    return;
  }
  const r = yield* hypercall('MMUEXT_NEW_BASEPTR', { mfn });
  // xen_current_cr3 is updated only once the switch has really been issued.
  if (r.ret === 0) pc.currentCr3 = mfn;
}

/** switch_mm to `mm` on c's CPU (activating a process's address space). */
export function* switchMm(c: Ctx, mm: Mm): Gen {
  const k = c.k;
  const pc = k.pc[c.cpu];
  if (!mm.pinned && !hardwarePaging(c)) {
    // xen_activate_mm / xen_pgd_pin: validate and pin the pagetable.
    const r = yield* hypercall('MMUEXT_PIN_L4_TABLE', { mfn: mm.pgd });
    if (r.ret === 0) mm.pinned = true;
  }
  mm.cpus.add(c.cpu);
  pc.activeMm = mm.id;
  pc.lazyTlb = false;
  yield* loadCr3(c, mm.pgd);
}

/** A kernel thread runs next: the CPU keeps the old mm loaded, lazily (enter_lazy_tlb). */
export function enterLazyTlb(c: Ctx): void {
  c.k.pc[c.cpu].lazyTlb = true;
}

/** leave_mm: drop a lazily held mm and switch to swapper_pg_dir. */
export function* leaveMm(c: Ctx, mm: Mm): Gen {
  const pc = c.k.pc[c.cpu];
  mm.cpus.delete(c.cpu);
  pc.activeMm = 0;
  pc.lazyTlb = false;
  yield* loadCr3(c, SWAPPER_PG_DIR_MFN);
}

/** drop_other_mm_ref, run on each CPU that may still reference the mm. */
function dropOtherMmRef(mm: Mm) {
  return function* (c: Ctx): Gen {
    const k = c.k;
    const pc = k.pc[c.cpu];
    yield* k.fn(c, 'drop_other_mm_ref', (function* (): Gen {
      if (pc.activeMm === mm.id && pc.lazyTlb) yield* leaveMm(c, mm);
      // 2.6.23.x stable fix (9f79991d4186): also catch a cr3 switch still pending.
      if (k.cfg.era !== '2.6.23' && pc.currentCr3 === mm.pgd) yield* loadCr3(c, SWAPPER_PG_DIR_MFN);
    })());
  };
}

/** xen_drop_mm_ref (fact 7.5; the 2007 original used only the mm's cpumask). */
export function* xenDropMmRef(c: Ctx, mm: Mm): Gen {
  const k = c.k;
  const pc = k.pc[c.cpu];
  yield* k.fn(c, 'xen_drop_mm_ref', (function* (): Gen {
    if (pc.activeMm === mm.id) yield* leaveMm(c, mm);
    const mask = new Set(mm.cpus);
    if (k.cfg.era !== '2.6.23') {
      // Also every online CPU whose *actual* cr3 is this pgd (xen_current_cr3).
      for (const cpu of k.masks.list('online')) if (k.pc[cpu].currentCr3 === mm.pgd) mask.add(cpu);
    }
    mask.delete(c.cpu);
    const cpus = [...mask].sort((a, b) => a - b);
    if (cpus.length === 0) return;
    k.narrate(
      c.cpu,
      `Before unpinning pid ${mm.pid}'s pagetable, CPUs ${cpus.join(', ')} may still hold it lazily: ask them to drop it and wait (smp_call_function, wait=1).`,
      'xen_drop_mm_ref',
      '7.5',
    );
    yield* k.ops.call_function_many(c, cpus, 'drop_other_mm_ref', dropOtherMmRef(mm), true);
  })());
}

/**
 * xen_pgd_unpin: MMUEXT_UNPIN_TABLE, then the pagetable frames are made writable
 * again in the same multicall batch — which Xen refuses for a frame still in use as
 * a pagetable by some vCPU's cr3. Returns false when the batch failed.
 */
export function* xenPgdUnpin(c: Ctx, mm: Mm): Gen<boolean> {
  const k = c.k;
  return yield* k.fn(c, 'xen_pgd_unpin', (function* (): Gen<boolean> {
    const u = yield* hypercall('MMUEXT_UNPIN_TABLE', { mfn: mm.pgd });
    if (u.ret === 0) mm.pinned = false;
    const w = yield* hypercall('HYPERVISOR_update_va_mapping', { mfn: mm.pgd, writable: true });
    const failed = (u.ret !== 0 ? 1 : 0) + (w.ret !== 0 ? 1 : 0);
    if (failed) {
      k.narrate(
        c.cpu,
        `Xen refused to make pid ${mm.pid}'s pagetable writable (${w.ret}): another vCPU's cr3 still points at it. This is the failure the 2007 commit's shoot-down exists to prevent.`,
        'xen_mc_flush',
        '7.3',
      );
      yield* k.printkCost(c, `${failed} multicall(s) failed: cpu ${c.cpu}`);
      yield* k.printkCost(c, `WARNING: CPU: ${c.cpu} PID: ${mm.pid} at arch/x86/xen/multicalls.c xen_mc_flush+0x1b4/0x1c0()`);
      return false;
    }
    return true;
  })());
}

/** xen_exit_mmap (fact 7.4): drop every reference, then unpin. */
export function* xenExitMmap(c: Ctx, mm: Mm, skipDropMmRef: boolean): Gen<boolean> {
  const k = c.k;
  if (hardwarePaging(c)) {
    // No pinned pagetable, so nothing for Xen to refuse (PVHVM's exit_mmap is at most
    // an advisory HVMOP_pagetable_dying). The lazy CPUs keep their TLB entries until
    // their next switch; the page is the guest's own to free.
    return yield* k.fn(c, 'exit_mmap', (function* (): Gen<boolean> {
      k.narrate(
        c.cpu,
        `On ${k.cfg.type.toUpperCase()} the pagetables are the guest's own (hardware paging): Xen pins nothing, so freeing pid ${mm.pid}'s pagetable needs no shoot-down of lazy cr3 references.`,
        'exit_mmap',
        '7.1',
      );
      const pc = k.pc[c.cpu];
      if (pc.activeMm === mm.id) yield* leaveMm(c, mm);
      yield* cost(COST.small);
      return true;
    })());
  }
  return yield* k.fn(c, 'xen_exit_mmap', (function* (): Gen<boolean> {
    if (skipDropMmRef) {
      k.narrate(
        c.cpu,
        `xen_drop_mm_ref is skipped (as if the 2007 commit had not done it): the CPUs still holding pid ${mm.pid}'s pagetable lazily keep it in their cr3.`,
        'xen_exit_mmap',
        '7.2',
      );
      // Only this CPU lets go of it.
      const pc = k.pc[c.cpu];
      if (pc.activeMm === mm.id) yield* leaveMm(c, mm);
    } else {
      yield* xenDropMmRef(c, mm);
    }
    yield* cost(COST.small);
    return yield* xenPgdUnpin(c, mm);
  })());
}

/**
 * xen_flush_tlb_others (fact 7.8, pre-5.11 form): no IPIs at all — one
 * MMUEXT_TLB_FLUSH_MULTI with the vCPU mask (online targets, minus self), or nothing.
 */
export function* xenFlushTlbOthers(c: Ctx, cpus: number[]): Gen {
  const k = c.k;
  if (hardwarePaging(c)) {
    // native_flush_tlb_others: an smp_call_function_many of flush_tlb_func, waiting.
    const targets = cpus.filter((cpu) => cpu !== c.cpu && k.masks.has('online', cpu));
    if (targets.length === 0) return;
    yield* k.fn(c, 'native_flush_tlb_others', k.ops.call_function_many(c, targets, 'flush_tlb_func', function* () {
      yield* cost(COST.handler);
    }, true));
    return;
  }
  yield* k.fn(c, 'xen_flush_tlb_others', (function* (): Gen {
    const mask = cpus.filter((cpu) => cpu !== c.cpu && k.masks.has('online', cpu));
    if (mask.length === 0) return;
    k.narrate(
      c.cpu,
      `A TLB shoot-down on Xen is not an IPI: one MMUEXT_TLB_FLUSH_MULTI hypercall names vCPUs ${mask.join(', ')} and Xen flushes them.`,
      'xen_flush_tlb_others',
      '7.8',
    );
    yield* hypercall('MMUEXT_TLB_FLUSH_MULTI', { vcpus: mask });
  })());
}
