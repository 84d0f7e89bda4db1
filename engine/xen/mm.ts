// Guest pagetable frames by mfn: type references, pinning and writable mappings
// (facts 7.1, 7.3, 7.9; xen/arch/x86/mm.c). Only what the SMP story needs: a top-level
// (L4) table can be pinned, loaded as a vCPU's cr3, unpinned, and remapped writable.
//
// Xen's rule, as read in mm.c: a frame has one type at a time and a type count. The
// pin holds one L4 type reference (MMUEXT_PIN_L4_TABLE takes it; a second pin fails
// with -EINVAL, "already pinned"); every vCPU whose cr3 points at the frame holds
// another (new_guest_cr3 / arch_set_info_guest take it, the old base's is dropped).
// MMUEXT_UNPIN_TABLE only fails when the frame is not pinned (-EINVAL): it clears the
// pin and drops the pin's reference, and succeeds even while a vCPU still uses the
// table. The failure the 2007 SMP commit talks about comes later: while any vCPU's
// cr3 still holds the frame it stays typed as a pagetable, so the guest's
// HYPERVISOR_update_va_mapping that maps it writable again (to free or reuse it) fails
// in get_page_from_l1e → get_page_type(PGT_writable_page) → "could_not_pin", which
// current Xen returns as -EBUSY (mod_l1_entry passes it through). That is the error the
// guest sees. (Xen of 2007 returned -EINVAL there; we model 4.x.)
//
// Simplification: a frame the model has not seen has no mappings and no type, so a
// guest may pin it without first remapping it read-only; `update_va_mapping
// {writable: false}` drops a writable mapping the model knows of.

import { EBUSY, EINVAL } from './errno';

export type PageType = 'none' | 'l4' | 'writable';

interface Page {
  type: PageType;
  count: number;
  pinned: boolean;
  /** The guest's linear mapping of the frame is writable (holds a writable type ref). */
  mappedWritable: boolean;
}

export class PageFrames {
  private readonly pages = new Map<number, Page>();

  private page(mfn: number): Page {
    let p = this.pages.get(mfn);
    if (!p) {
      p = { type: 'none', count: 0, pinned: false, mappedWritable: false };
      this.pages.set(mfn, p);
    }
    return p;
  }

  /** get_page_type: succeeds if untyped (count 0) or already of this type. */
  getType(mfn: number, type: PageType): boolean {
    const p = this.page(mfn);
    if (p.count === 0) p.type = type;
    else if (p.type !== type) return false;
    p.count++;
    return true;
  }

  putType(mfn: number): void {
    const p = this.page(mfn);
    if (p.count <= 0) throw new Error(`mm: type count underflow on mfn ${mfn}`);
    if (--p.count === 0) p.type = 'none';
  }

  isPinned(mfn: number): boolean {
    return this.pages.get(mfn)?.pinned ?? false;
  }

  typeOf(mfn: number): { type: PageType; count: number } {
    const p = this.pages.get(mfn);
    return p ? { type: p.type, count: p.count } : { type: 'none', count: 0 };
  }

  /** MMUEXT_PIN_L4_TABLE: -EINVAL if it cannot be typed L4 or is already pinned. */
  pin(mfn: number): number {
    if (!this.getType(mfn, 'l4')) return -EINVAL;
    const p = this.page(mfn);
    if (p.pinned) {
      this.putType(mfn);
      return -EINVAL;
    }
    p.pinned = true;
    return 0;
  }

  /** MMUEXT_UNPIN_TABLE: -EINVAL if not pinned; else the pin's reference is dropped. */
  unpin(mfn: number): number {
    const p = this.page(mfn);
    if (!p.pinned) return -EINVAL;
    p.pinned = false;
    this.putType(mfn);
    return 0;
  }

  /** HYPERVISOR_update_va_mapping of the frame's linear mapping, writable or read-only. */
  remap(mfn: number, writable: boolean): number {
    const p = this.page(mfn);
    if (writable === p.mappedWritable) return 0; // Xen's fast path: nothing changes
    if (writable) {
      if (!this.getType(mfn, 'writable')) return -EBUSY;
      p.mappedWritable = true;
    } else {
      p.mappedWritable = false;
      this.putType(mfn);
    }
    return 0;
  }
}
