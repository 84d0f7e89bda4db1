// VCPUOP_* (fact 6.1; xen/arch/x86/domain.c do_vcpu_op, xen/common/domain.c
// common_vcpu_op, map_vcpu_info of Xen 4.17). Arguments: `{vcpu, ...}` where `vcpu` is
// the vcpuid hypercall argument.

import { SWAPPER_PG_DIR_MFN } from '../api';
import { EEXIST, EFAULT, EINVAL, ENOENT, ENOSYS, ENXIO, ETIME } from '../errno';
import type { Xen } from '../hypervisor';
import type { Vcpu } from '../vcpu';
import { type HcResult, type Handler, ok, uint } from './types';

/** 6.1.8: the periodic timer period must be at least 1 ms. */
export const MIN_PERIODIC_NS = 1_000_000;
/** sizeof(vcpu_info_t) on x86 (the register_vcpu_info offset check). */
const VCPU_INFO_BYTES = 64;
const PAGE_SIZE = 4096;

type TargetHandler = (x: Xen, caller: Vcpu, target: Vcpu, args: Record<string, unknown>) => HcResult;

/** 6.1.1: every sub-op first looks the vCPU up; vcpuid ≥ max_vcpus → -ENOENT. */
function withTarget(h: TargetHandler): Handler {
  return (x, caller, args) => {
    const id = uint(args.vcpu);
    const target = id === undefined ? undefined : x.vcpus[id];
    if (!target) return ok(-ENOENT);
    return h(x, caller, target, args);
  };
}

/**
 * 6.1.2 VCPUOP_initialise: a PV vCPU still on the dummy vcpu_info → -EINVAL; already
 * initialised → -EEXIST; otherwise the context is loaded (cr3 = `args.cr3` or
 * swapper_pg_dir, which takes a pagetable type reference for a PV guest) and the vCPU
 * stays down unless `args.online` (VGCF_online).
 */
const initialise: TargetHandler = (x, _caller, v, args) => {
  const pv = x.cfg.type === 'pv';
  if (pv && x.shared.isDummyVcpuInfo(v.id)) return ok(-EINVAL);
  if (v.initialised) return ok(-EEXIST);
  const cr3 = args.cr3 === undefined ? SWAPPER_PG_DIR_MFN : uint(args.cr3);
  if (cr3 === undefined) return ok(-EFAULT);
  // arch_set_info_guest: the new base must validate as a top-level pagetable (PV only;
  // an HVM/PVH context's cr3 is the guest's own business under hardware paging).
  if (pv && !x.mm.getType(cr3, 'l4')) return ok(-EINVAL);
  v.initialised = true;
  v.cr3 = cr3;
  x.trace.emit('vcpu', { vcpu: v.id, initialised: 1, up: v.down ? 0 : 1 });
  x.trace.emit('cr3', { vcpu: v.id, mfn: cr3 });
  if (args.online === true && v.down) {
    v.down = false;
    x.trace.emit('vcpu', { vcpu: v.id, initialised: 1, up: 1 });
    x.sched.wake(v);
  }
  return ok();
};

/** 6.1.3 VCPUOP_up: -EINVAL if not initialised; clears _VPF_down and wakes (offline → runnable); up again is a no-op. */
const up: TargetHandler = (x, _caller, v) => {
  if (!v.initialised) return ok(-EINVAL);
  if (v.down) {
    v.down = false;
    x.trace.emit('vcpu', { vcpu: v.id, initialised: 1, up: 1 });
    x.sched.wake(v);
  }
  return ok();
};

/**
 * 6.1.5 VCPUOP_down: if no other vCPU is up the domain powers off (d3b230fc46, §9.9).
 * Otherwise _VPF_down is set: on itself the caller is descheduled (the call returns
 * when a later VCPUOP_up runs it again); on another vCPU it is asynchronous (is_up
 * says 0 at once; a running target is taken off in the softirq, hooks.pause).
 */
const down: TargetHandler = (x, caller, v) => {
  const otherUp = x.vcpus.some((w) => w !== v && !w.down);
  if (!otherUp) {
    x.shutdownDomain('poweroff', caller);
    return { ret: 0, descheduled: true };
  }
  if (!v.down) {
    v.down = true;
    x.trace.emit('vcpu', { vcpu: v.id, initialised: v.initialised ? 1 : 0, up: 0 });
    if (v === caller) {
      x.sched.descheduleSelf(v);
      return { ret: 0, descheduled: true };
    }
    x.sched.sleep(v);
  }
  return ok();
};

/** 6.1.4 VCPUOP_is_up: 1 if _VPF_down is clear, else 0. */
const isUp: TargetHandler = (_x, _caller, v) => ok(v.down ? 0 : 1);

/** 6.1.6: store the area and write the current runstate into it at once. */
const registerRunstate: TargetHandler = (x, caller, v, args) => {
  if (args.addr !== undefined && uint(args.addr) === undefined) return ok(-EFAULT);
  v.runstateArea = { state: v.runstate, time: [0, 0, 0, 0], stateEntryTime: v.entryTime };
  v.writeRunstateArea(x.sim.now, v === caller);
  return ok();
};

/**
 * 6.1.7 VCPUOP_register_vcpu_info as Xen 4.17 map_vcpu_info: offset past the page or
 * misaligned → -ENXIO; a second call → -EINVAL; a target other than the caller that
 * is not down → -EINVAL. On success every selector bit is set and events are marked
 * pending. A Xen without placement support (config) answers -ENOSYS.
 */
const registerVcpuInfo: TargetHandler = (x, caller, v, args) => {
  if (!x.cfg.vcpuInfoPlacement) return ok(-ENOSYS);
  const offset = args.offset === undefined ? 0 : uint(args.offset);
  if (offset === undefined) return ok(-EFAULT);
  if (offset > PAGE_SIZE - VCPU_INFO_BYTES) return ok(-ENXIO);
  if (offset % (x.cfg.bits === 64 ? 8 : 4) !== 0) return ok(-ENXIO);
  if (v.vcpuInfoRegistered) return ok(-EINVAL);
  if (v !== caller && !v.down) return ok(-EINVAL);
  if (args.mfn !== undefined) {
    const mfn = uint(args.mfn);
    if (mfn === undefined || !x.mm.getType(mfn, 'writable')) return ok(-EINVAL);
  }
  x.shared.moveVcpuInfo(v.id);
  v.vcpuInfoRegistered = true;
  for (let w = 0; w < x.shared.bitsPerWord; w++) x.shared.testAndSetSelBit(v.id, w);
  x.markEventsPending(v.id);
  return ok();
};

/** 6.1.1 VCPUOP_send_nmi (x86): set a pending NMI (once) and kick the vCPU. */
const sendNmi: TargetHandler = (x, _caller, v) => {
  if (!v.nmiPending) {
    v.nmiPending = true;
    x.trace.emit('nmi', { vcpu: v.id });
    x.kick(v.id);
  }
  return ok();
};

/** 6.1.8: periodic period < 1 ms → -EINVAL. */
const setPeriodic: TargetHandler = (x, _caller, v, args) => {
  const period = uint(args.period_ns);
  if (period === undefined) return ok(-EFAULT);
  if (period < MIN_PERIODIC_NS) return ok(-EINVAL);
  v.periodicPeriod = period;
  x.restartPeriodic(v);
  return ok();
};

const stopPeriodic: TargetHandler = (x, _caller, v) => {
  v.periodicPeriod = 0;
  x.restartPeriodic(v);
  return ok();
};

/** 6.1.8: only on the calling vCPU; a deadline in the past fires at once (-ETIME with `future`). */
const setSingleshot: TargetHandler = (x, caller, v, args) => {
  if (v !== caller) return ok(-EINVAL);
  const t = uint(args.timeout_abs_ns);
  if (t === undefined) return ok(-EFAULT);
  if (t < x.sim.now && args.future === true) return ok(-ETIME);
  x.armSingleshot(v, t);
  return ok();
};

const stopSingleshot: TargetHandler = (x, caller, v) => {
  if (v !== caller) return ok(-EINVAL);
  x.sim.cancel(v.singleshotTimer);
  v.singleshotTimer = null;
  return ok();
};

export const VCPUOP_HANDLERS: Record<string, Handler> = {
  VCPUOP_initialise: withTarget(initialise),
  VCPUOP_up: withTarget(up),
  VCPUOP_down: withTarget(down),
  VCPUOP_is_up: withTarget(isUp),
  VCPUOP_register_runstate_memory_area: withTarget(registerRunstate),
  VCPUOP_register_vcpu_info: withTarget(registerVcpuInfo),
  VCPUOP_send_nmi: withTarget(sendNmi),
  VCPUOP_set_periodic_timer: withTarget(setPeriodic),
  VCPUOP_stop_periodic_timer: withTarget(stopPeriodic),
  VCPUOP_set_singleshot_timer: withTarget(setSingleshot),
  VCPUOP_stop_singleshot_timer: withTarget(stopSingleshot),
};
