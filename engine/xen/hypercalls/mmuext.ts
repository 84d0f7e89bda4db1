// MMUEXT_* and HYPERVISOR_update_va_mapping (facts 7.3, 7.8; xen/arch/x86/mm.c). See
// mm.ts for where an in-use pagetable makes the guest fail. These are PV MMU
// operations: an HVM/PVH guest runs on hardware paging, so the model answers -ENOSYS.

import { EINVAL, ENOSYS } from '../errno';
import { type Handler, ok, uint } from './types';

const pvOnly =
  (h: Handler): Handler =>
  (x, c, a) =>
    x.cfg.type === 'pv' ? h(x, c, a) : ok(-ENOSYS);

/** MMUEXT_PIN_L4_TABLE {mfn}: -EINVAL if it does not validate as an L4 or is already pinned. */
const pin: Handler = (x, _c, a) => {
  const mfn = uint(a.mfn);
  if (mfn === undefined) return ok(-EINVAL);
  const r = x.mm.pin(mfn);
  if (r === 0) x.trace.emit('pin', { mfn, v: 1 });
  return ok(r);
};

/** MMUEXT_UNPIN_TABLE {mfn}: -EINVAL only if not pinned (7.3), even while a vCPU's cr3 uses it. */
const unpin: Handler = (x, _c, a) => {
  const mfn = uint(a.mfn);
  if (mfn === undefined) return ok(-EINVAL);
  const r = x.mm.unpin(mfn);
  if (r === 0) x.trace.emit('pin', { mfn, v: 0 });
  return ok(r);
};

/** MMUEXT_NEW_BASEPTR {mfn}: load the caller's cr3 (new_guest_cr3): type ref on the new base, drop the old. */
const newBaseptr: Handler = (x, caller, a) => {
  const mfn = uint(a.mfn);
  if (mfn === undefined) return ok(-EINVAL);
  if (mfn === caller.cr3) return ok();
  if (!x.mm.getType(mfn, 'l4')) return ok(-EINVAL);
  if (caller.cr3 >= 0) x.mm.putType(caller.cr3);
  caller.cr3 = mfn;
  x.trace.emit('cr3', { vcpu: caller.id, mfn });
  return ok();
};

/**
 * MMUEXT_TLB_FLUSH_MULTI {vcpus}: the mask is converted to pCPUs and flushed. Xen's
 * vcpumask_to_pcpumask ignores ids ≥ max_vcpus; only an unreadable mask fails (-EINVAL,
 * here: not a list of non-negative integers). TLBs are not modelled, so no other effect.
 */
const flushMulti: Handler = (_x, _c, a) => {
  const vs = a.vcpus;
  if (!Array.isArray(vs) || vs.some((v) => uint(v) === undefined)) return ok(-EINVAL);
  return ok();
};

/** HYPERVISOR_update_va_mapping {mfn, writable}: remap a frame; writable fails with -EBUSY while it is typed as a pagetable. */
const updateVaMapping: Handler = (x, _c, a) => {
  const mfn = uint(a.mfn);
  if (mfn === undefined) return ok(-EINVAL);
  return ok(x.mm.remap(mfn, a.writable !== false));
};

export const MMU_HANDLERS: Record<string, Handler> = {
  MMUEXT_PIN_L4_TABLE: pvOnly(pin),
  MMUEXT_UNPIN_TABLE: pvOnly(unpin),
  MMUEXT_NEW_BASEPTR: pvOnly(newBaseptr),
  MMUEXT_TLB_FLUSH_MULTI: pvOnly(flushMulti),
  HYPERVISOR_update_va_mapping: pvOnly(updateVaMapping),
};
