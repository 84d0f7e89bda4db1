// VM exits of an HVM guest that SMP bring-up depends on. They are not hypercalls —
// the guest writes its emulated local APIC's ICR, or executes HLT, and traps — but the
// playground lists them in the hypercall log (as VMEXIT_*) because they are how an HVM
// guest reaches Xen at those moments (fact 1.4.1: HVM bring-up stays native).
//
// Xen source consulted: xen/arch/x86/hvm/vlapic.c (vlapic_init_sipi_one: INIT sets
// _VPF_down and puts the target to sleep; SIPI resets the vCPU state at the trampoline
// vector, marks it initialised and wakes it) and xen/arch/x86/hvm/hvm.c (hvm_hlt: a HLT
// with interrupts disabled takes the vCPU down — "hlt with interrupts disabled" is the
// guest's way to say it is done, and when every vCPU is down the domain powers off).

import { EINVAL, ENOENT, ENOSYS } from '../errno';
import type { Handler } from './types';
import { ok, uint } from './types';

const apicIcr: Handler = (x, caller, args) => {
  if (x.guestType !== 'hvm') return ok(-ENOSYS);
  const id = uint(args.vcpu);
  const v = id === undefined ? undefined : x.vcpus[id];
  if (!v) return ok(-ENOENT);
  if (args.ipi === 'NMI') {
    // An NMI through the local APIC: pending on the target, which is kicked (as send_nmi).
    if (!v.nmiPending) {
      v.nmiPending = true;
      x.trace.emit('nmi', { vcpu: v.id });
      x.kick(v.id);
    }
    return ok();
  }
  if (args.ipi === 'FIXED') {
    // A fixed-vector IPI to the emulated local APIC: accepted; native vector handlers
    // are not modelled, so nothing else happens.
    return ok();
  }
  if (v === caller) return ok(-EINVAL);
  if (args.ipi === 'INIT') {
    // INIT resets the vCPU's registers: EFLAGS.IF is 0 until the AP's own
    // local_irq_enable (native start_secondary, after set_cpu_online). The model keeps
    // an HVM vCPU's interrupt flag in evtchn_upcall_mask (that is what takeUpcall and
    // Linux's irqflags read), so INIT sets it. Without this the AP took the callback
    // at its very first instruction, before it was online (§9.11, fact 1.4.1).
    x.shared.setUpcallMask(v.id, 1);
    if (!v.down) {
      v.down = true;
      x.trace.emit('vcpu', { vcpu: v.id, initialised: v.initialised ? 1 : 0, up: 0 });
      x.sched.sleep(v);
    }
    return ok();
  }
  if (args.ipi === 'SIPI') {
    // A SIPI only starts a vCPU that INIT left waiting; a second one is ignored.
    if (!v.down) return ok();
    v.initialised = true;
    v.down = false;
    v.blocked = false;
    x.trace.emit('vcpu', { vcpu: v.id, initialised: 1, up: 1 });
    x.sched.wake(v);
    return ok();
  }
  return ok(-EINVAL);
};

const hlt: Handler = (x, caller) => {
  if (x.guestType !== 'hvm') return ok(-ENOSYS);
  if (x.eventsNeedDelivery(caller)) return ok();
  if (x.shared.getUpcallMask(caller.id)) {
    // Halting with interrupts off: the vCPU goes down (and the domain with the last one).
    const otherUp = x.vcpus.some((w) => w !== caller && !w.down);
    if (!otherUp) {
      x.shutdownDomain('poweroff', caller);
      return { ret: 0, descheduled: true };
    }
    caller.down = true;
    x.trace.emit('vcpu', { vcpu: caller.id, initialised: caller.initialised ? 1 : 0, up: 0 });
    x.sched.descheduleSelf(caller);
    return { ret: 0, descheduled: true };
  }
  caller.blocked = true;
  x.sched.descheduleSelf(caller);
  return { ret: 0, descheduled: true };
};

export const HVM_EXIT_HANDLERS: Record<string, Handler> = {
  VMEXIT_APIC_ICR: apicIcr,
  VMEXIT_HLT: hlt,
};
