// Guest-visible shared memory: shared_info (vcpu_info slots, the 2-level pending and
// mask bitmaps) and the FIFO event array and per-vCPU control blocks. Raw bits with
// traced setters and nothing else: the delivery algorithms are in evtchn/, the
// guest's scan algorithms in engine/linux. Every write that changes a bit emits its
// trace event (upend, umask, sel, pend, mask, link, ready), so folding the trace
// reproduces exactly what is stored here.

import type { TraceWriter } from '../trace/writer';

/** XEN_LEGACY_MAX_VCPUS on x86 (A2): vCPUs below it have a slot in shared_info. */
export const XEN_LEGACY_MAX_VCPUS = 32;

// FIFO event word layout (5.5.1, public/event_channel.h).
export const FIFO_PENDING = 31;
export const FIFO_MASKED = 30;
export const FIFO_LINKED = 29;
export const FIFO_BUSY = 28;
export const FIFO_LINK_BITS = 17;
export const FIFO_LINK_MASK = (1 << FIFO_LINK_BITS) - 1;
export const FIFO_NR_PORTS = 1 << FIFO_LINK_BITS;
export const FIFO_PRIORITIES = 16;
export const FIFO_PRIORITY_DEFAULT = 7;
/** Event words per 4 KiB array page (EVTCHNOP_expand_array adds one page). */
export const FIFO_WORDS_PER_PAGE = 1024;

export interface FifoWord {
  pending: boolean;
  masked: boolean;
  linked: boolean;
  busy: boolean;
  /** The LINK field: next port in the queue, 0 = none. */
  link: number;
}

/** One vcpu_info (A3): the three event fields; the selector as 32-bit pieces. */
class VcpuInfo {
  upcallPending = 0;
  upcallMask = 0;
  readonly sel: Uint32Array;
  constructor(bits: number) {
    this.sel = new Uint32Array(bits >>> 5);
  }
}

/** Calls `f` for each set bit of `x` (a uint32 piece at `base`), ascending. */
function eachBit(x: number, base: number, f: (i: number) => void): void {
  while (x !== 0) {
    const low = x & -x;
    f(base + 31 - Math.clz32(low));
    x ^= low;
  }
}

/** A FIFO control block (5.5.1): READY bitmap and a HEAD per priority. */
class ControlBlock {
  ready = 0;
  readonly head = new Int32Array(FIFO_PRIORITIES);
}

/** A 4 KiB page of FIFO event words plus, for tracing only, the queue each linked word is on. */
class FifoPage {
  readonly words = new Uint32Array(FIFO_WORDS_PER_PAGE);
  readonly prio = new Uint8Array(FIFO_WORDS_PER_PAGE).fill(FIFO_PRIORITY_DEFAULT);
}

const bit = (n: number) => (n === 31 ? 0x80000000 : 1 << n);

export class SharedMemory {
  /** Bits in a xen_ulong_t word of the 2-level bitmaps and the selector: 64 or 32. */
  readonly bitsPerWord: 64 | 32;
  /** 2-level ABI port count: bitsPerWord² (5.2.1: 4096 for 64-bit, 1024 for 32-bit). */
  readonly nr2lPorts: number;
  /**
   * The ABI whose bits `isPending`/`setMask`/... act on: '2l' until the first
   * EVTCHNOP_init_control switches the domain to FIFO (as Xen does).
   */
  abi: '2l' | 'fifo' = '2l';

  private readonly slots: VcpuInfo[];
  /** Xen's global dummy vcpu_info (A5): mask 1; shared by every vCPU ≥ 32 without its own. */
  private readonly dummy: VcpuInfo;
  /** 2-level PENDING and MASK bitmaps, as 32-bit pieces (bit p%32 of piece p>>5). */
  private readonly pend2l: Uint32Array;
  private readonly mask2l: Uint32Array;
  private readonly fifoPages: (FifoPage | undefined)[] = [];
  private readonly cbs: (ControlBlock | null)[];
  /**
   * Which ports' PENDING changes are traced: the allocated ones (the fold keeps
   * PENDING only for bound ports, and a bind re-traces it). MASK bits are guest memory
   * that outlive ports, so every MASK change is traced.
   */
  private traced: (port: number) => boolean = () => true;
  /** After maskAll in FIFO mode: event-word pages created later start MASKED too. */
  private fifoDefaultMasked = false;

  constructor(
    private readonly trace: TraceWriter,
    bits: 64 | 32,
    nvcpus: number,
  ) {
    this.bitsPerWord = bits;
    this.nr2lPorts = bits * bits;
    this.dummy = new VcpuInfo(bits);
    this.dummy.upcallMask = 1;
    this.slots = Array.from({ length: nvcpus }, (_, i) => (i < XEN_LEGACY_MAX_VCPUS ? new VcpuInfo(bits) : this.dummy));
    this.pend2l = new Uint32Array(this.nr2lPorts >>> 5);
    this.mask2l = new Uint32Array(this.nr2lPorts >>> 5);
    this.cbs = new Array(nvcpus).fill(null);
  }

  /** Xen installs the predicate "port is allocated" (see `traced`). */
  setTracedPorts(pred: (port: number) => boolean): void {
    this.traced = pred;
  }

  // --- vcpu_info ----------------------------------------------------------------

  /** True while vCPU `v` still points at the dummy vcpu_info (id ≥ 32, not registered). */
  isDummyVcpuInfo(v: number): boolean {
    return this.slot(v) === this.dummy;
  }

  upcallPending(v: number): number {
    return this.slot(v).upcallPending;
  }

  /** Alias of upcallPending. */
  getUpcallPending(v: number): number {
    return this.upcallPending(v);
  }

  /**
   * Writes evtchn_upcall_pending (the guest clears it before scanning, 5.1.6; Linux's
   * local unmask sets it, 5.2.5); returns the old value. `val` defaults to 1.
   */
  setUpcallPending(v: number, val: 0 | 1 = 1): number {
    const vi = this.slot(v);
    const old = vi.upcallPending;
    if (old !== val) {
      vi.upcallPending = val;
      if (vi !== this.dummy) this.trace.emit('upend', { vcpu: v, v: val });
    }
    return old;
  }

  clearUpcallPending(v: number): number {
    return this.setUpcallPending(v, 0);
  }

  upcallMask(v: number): number {
    return this.slot(v).upcallMask;
  }

  /** Alias of upcallMask. */
  getUpcallMask(v: number): number {
    return this.upcallMask(v);
  }

  /** Writes evtchn_upcall_mask (xen_irq_disable/enable are pure memory, 1.3.7); returns the old value. */
  setUpcallMask(v: number, val: 0 | 1): number {
    const vi = this.slot(v);
    const old = vi.upcallMask;
    if (old !== val) {
      vi.upcallMask = val;
      if (vi !== this.dummy) this.trace.emit('umask', { vcpu: v, v: val });
    }
    return old;
  }

  /** Set bits (word indices, ascending) of evtchn_pending_sel. */
  pendingSel(v: number): number[] {
    const sel = this.slot(v).sel;
    const out: number[] = [];
    for (let i = 0; i < sel.length; i++) eachBit(sel[i], i << 5, (w) => out.push(w));
    return out;
  }

  /** Atomic exchange of evtchn_pending_sel with 0 (5.2.3 step 2): returns the set word indices. */
  xchgPendingSel(v: number): number[] {
    const vi = this.slot(v);
    const out: number[] = [];
    for (let i = 0; i < vi.sel.length; i++) {
      const x = vi.sel[i];
      if (x === 0) continue;
      vi.sel[i] = 0;
      eachBit(x, i << 5, (w) => {
        out.push(w);
        if (vi !== this.dummy) this.trace.emit('sel', { vcpu: v, word: w, v: 0 });
      });
    }
    return out;
  }

  /** Test-and-set of one selector bit (Xen's set_pending, or Linux's local unmask 5.2.5). */
  testAndSetSelBit(v: number, word: number): boolean {
    const vi = this.slot(v);
    this.checkWord(word);
    const b = 1 << (word & 31);
    if (vi.sel[word >>> 5] & b) return true;
    vi.sel[word >>> 5] |= b;
    if (vi !== this.dummy) this.trace.emit('sel', { vcpu: v, word, v: 1 });
    return false;
  }

  /** Alias of testAndSetSelBit. */
  testAndSetSel(v: number, word: number): boolean {
    return this.testAndSetSelBit(v, word);
  }

  clearSelBit(v: number, word: number): boolean {
    const vi = this.slot(v);
    this.checkWord(word);
    const b = 1 << (word & 31);
    if (!(vi.sel[word >>> 5] & b)) return false;
    vi.sel[word >>> 5] &= ~b;
    if (vi !== this.dummy) this.trace.emit('sel', { vcpu: v, word, v: 0 });
    return true;
  }

  // --- port bits of the active ABI ----------------------------------------------

  /** Highest port + 1 the active ABI can address. */
  get portLimit(): number {
    return this.abi === 'fifo' ? FIFO_NR_PORTS : this.nr2lPorts;
  }

  isPending(port: number): boolean {
    this.checkPort(port);
    return this.abi === 'fifo' ? this.fifoBit(port, FIFO_PENDING) : (this.pend2l[port >>> 5] & (1 << (port & 31))) !== 0;
  }

  /** Xen's test-and-set of PENDING (5.3.1 step 1); returns the old value. */
  testAndSetPending(port: number): boolean {
    if (this.isPending(port)) return true;
    this.writePending(port, true);
    return false;
  }

  /** Clears PENDING (the guest's ack, 5.2.4; Xen on close); returns the old value. */
  clearPending(port: number): boolean {
    if (!this.isPending(port)) return false;
    this.writePending(port, false);
    return true;
  }

  isMasked(port: number): boolean {
    this.checkPort(port);
    return this.abi === 'fifo' ? this.fifoBit(port, FIFO_MASKED) : (this.mask2l[port >>> 5] & (1 << (port & 31))) !== 0;
  }

  /** Sets MASK (MASKED for FIFO); returns the old value. Only the guest writes it (A4). */
  setMask(port: number): boolean {
    if (this.isMasked(port)) return true;
    this.writeMask(port, true);
    return false;
  }

  /** Clears MASK; returns the old value. (Xen's EVTCHNOP_unmask also uses it.) */
  clearMask(port: number): boolean {
    if (!this.isMasked(port)) return false;
    this.writeMask(port, false);
    return true;
  }

  /** 2-level: ports of selector word `word` whose PENDING bit is set, ascending. */
  pendingPortsInWord(word: number): number[] {
    this.checkWord(word);
    const out: number[] = [];
    const first = (word * this.bitsPerWord) >>> 5;
    for (let i = first; i < first + (this.bitsPerWord >>> 5); i++) eachBit(this.pend2l[i], i << 5, (p) => out.push(p));
    return out;
  }

  /** 2-level: ports of word `word` that are pending and not masked (`pending & ~mask`), ascending. */
  activePortsInWord(word: number): number[] {
    this.checkWord(word);
    const out: number[] = [];
    const first = (word * this.bitsPerWord) >>> 5;
    for (let i = first; i < first + (this.bitsPerWord >>> 5); i++) eachBit(this.pend2l[i] & ~this.mask2l[i], i << 5, (p) => out.push(p));
    return out;
  }

  /** Alias of pendingPortsInWord. */
  pendingPorts(word: number): number[] {
    return this.pendingPortsInWord(word);
  }

  /**
   * Sets the MASK bit of every port of the active ABI at once (Linux's xen_init_IRQ
   * masks all channels, 5.1.8); traced as one `mask_all`.
   */
  maskAll(): void {
    if (this.abi === 'fifo') {
      for (const page of this.fifoPages) if (page) for (let i = 0; i < page.words.length; i++) page.words[i] = (page.words[i] | bit(FIFO_MASKED)) >>> 0;
      this.fifoDefaultMasked = true;
    } else {
      this.mask2l.fill(0xffffffff);
    }
    this.trace.emit('mask_all', { v: 1 });
  }

  // --- FIFO event words -----------------------------------------------------------

  /**
   * The event word of `port`. Words live in guest pages, so the guest may read and
   * write any of them (Linux masks a page before handing it to Xen); Xen uses only
   * the ones below the array size it was given (EVTCHNOP_expand_array).
   */
  fifoWord(port: number): FifoWord {
    const w = this.rawWord(port);
    return {
      pending: (w & bit(FIFO_PENDING)) !== 0,
      masked: (w & bit(FIFO_MASKED)) !== 0,
      linked: (w & bit(FIFO_LINKED)) !== 0,
      busy: (w & bit(FIFO_BUSY)) !== 0,
      link: w & FIFO_LINK_MASK,
    };
  }

  fifoIsPending(port: number): boolean {
    return this.fifoBit(port, FIFO_PENDING);
  }

  fifoIsMasked(port: number): boolean {
    return this.fifoBit(port, FIFO_MASKED);
  }

  fifoIsLinked(port: number): boolean {
    return this.fifoBit(port, FIFO_LINKED);
  }

  fifoSetMasked(port: number): boolean {
    if (this.fifoBit(port, FIFO_MASKED)) return true;
    this.fifoWrite(port, FIFO_MASKED, true);
    if (this.abi === 'fifo') this.trace.emit('mask', { port, v: 1 });
    return false;
  }

  fifoClearMasked(port: number): boolean {
    if (!this.fifoBit(port, FIFO_MASKED)) return false;
    this.fifoWrite(port, FIFO_MASKED, false);
    if (this.abi === 'fifo') this.trace.emit('mask', { port, v: 0 });
    return true;
  }

  fifoClearPending(port: number): boolean {
    if (!this.fifoBit(port, FIFO_PENDING)) return false;
    this.fifoWrite(port, FIFO_PENDING, false);
    if (this.abi === 'fifo' && this.traced(port)) this.trace.emit('pend', { port, v: 0 });
    return true;
  }

  /** Xen: sets LINKED as the event is appended to queue `prio` (5.5.2 step 2). */
  fifoSetLinked(port: number, prio: number): void {
    const page = this.fifoPage(port);
    const i = port % FIFO_WORDS_PER_PAGE;
    page.words[i] = (page.words[i] | bit(FIFO_LINKED)) >>> 0;
    page.prio[i] = prio;
    this.trace.emit('link', { port, v: 1, prio });
  }

  /**
   * Xen: writes the LINK field of `port` (the old tail) to `next`, but only while the
   * tail is still LINKED; returns whether it was (if not, the queue had drained).
   */
  fifoTrySetLink(port: number, next: number): boolean {
    const page = this.fifoPage(port);
    const i = port % FIFO_WORDS_PER_PAGE;
    const w = page.words[i];
    if (!(w & bit(FIFO_LINKED))) return false;
    page.words[i] = ((w & ~FIFO_LINK_MASK) | (next & FIFO_LINK_MASK)) >>> 0;
    return true;
  }

  /** Guest: clears LINKED and the LINK field in one atomic step; returns the old LINK (next head). */
  fifoClearLinked(port: number): number {
    const page = this.fifoPage(port);
    const i = port % FIFO_WORDS_PER_PAGE;
    const w = page.words[i];
    const link = w & FIFO_LINK_MASK;
    page.words[i] = (w & ~(bit(FIFO_LINKED) | FIFO_LINK_MASK)) >>> 0;
    if (w & bit(FIFO_LINKED)) this.trace.emit('link', { port, v: 0, prio: page.prio[i] });
    return link;
  }

  // --- FIFO control blocks --------------------------------------------------------

  /** Xen maps vCPU `v`'s control block (EVTCHNOP_init_control). */
  mapControlBlock(v: number): void {
    this.vcpuCheck(v);
    this.cbs[v] = new ControlBlock();
  }

  hasControlBlock(v: number): boolean {
    this.vcpuCheck(v);
    return this.cbs[v] !== null;
  }

  /** READY bitmap (bit p = queue of priority p is non-empty). */
  fifoReady(v: number): number {
    return this.cb(v).ready;
  }

  /** Guest: atomic exchange of READY with 0 (5.5.3); returns the old bitmap. */
  fifoXchgReady(v: number): number {
    const cb = this.cb(v);
    const old = cb.ready;
    cb.ready = 0;
    for (let p = 0; p < FIFO_PRIORITIES; p++) if (old & (1 << p)) this.trace.emit('ready', { vcpu: v, prio: p, v: 0 });
    return old;
  }

  /** Xen: test-and-set of READY bit `prio` (5.5.2 step 3); returns the old value. */
  fifoTestAndSetReady(v: number, prio: number): boolean {
    const cb = this.cb(v);
    if (cb.ready & (1 << prio)) return true;
    cb.ready |= 1 << prio;
    this.trace.emit('ready', { vcpu: v, prio, v: 1 });
    return false;
  }

  /** Guest: clears READY bit `prio` (a queue it drained). */
  fifoClearReady(v: number, prio: number): boolean {
    const cb = this.cb(v);
    if (!(cb.ready & (1 << prio))) return false;
    cb.ready &= ~(1 << prio);
    this.trace.emit('ready', { vcpu: v, prio, v: 0 });
    return true;
  }

  fifoHead(v: number, prio: number): number {
    return this.cb(v).head[prio];
  }

  fifoSetHead(v: number, prio: number, port: number): void {
    this.cb(v).head[prio] = port;
  }

  // --- Xen-internal -------------------------------------------------------------

  /**
   * VCPUOP_register_vcpu_info (6.1.7): vCPU `v` gets its own vcpu_info. Coming from
   * the dummy it starts zeroed with mask 1; otherwise the old contents are copied.
   * The caller then sets every selector bit and marks events pending.
   */
  moveVcpuInfo(v: number): void {
    const old = this.slot(v);
    const vi = new VcpuInfo(this.bitsPerWord);
    if (old === this.dummy) {
      vi.upcallMask = 1;
      // The trace showed the dummy as mask 1 / nothing pending (see `announceDummy`).
    } else {
      vi.upcallPending = old.upcallPending;
      vi.upcallMask = old.upcallMask;
      vi.sel.set(old.sel);
    }
    this.slots[v] = vi;
  }

  /** Trace the dummy's mask 1 for the vCPUs that start on it (so the fold shows them masked). */
  announceDummy(): void {
    for (let v = 0; v < this.slots.length; v++) if (this.slots[v] === this.dummy) this.trace.emit('umask', { vcpu: v, v: 1 });
  }

  /**
   * The first EVTCHNOP_init_control switches the domain to FIFO: from now on PENDING
   * and MASKED live in the event words. For the allocated `ports`, emit the bits that
   * change between the two views so the folded trace follows.
   */
  switchToFifo(ports: Iterable<number>): void {
    const before = new Map<number, boolean>();
    for (const p of ports) before.set(p, this.pending2l(p));
    this.abi = 'fifo';
    for (const [p, pend] of before) {
      if (this.fifoBit(p, FIFO_PENDING) !== pend) this.trace.emit('pend', { port: p, v: pend ? 0 : 1 });
    }
    // MASK now means the words' MASKED bits: reset the traced view, then re-mask.
    this.trace.emit('mask_all', { v: 0 });
    this.fifoPages.forEach((page, n) => {
      if (!page) return;
      for (let i = 0; i < page.words.length; i++) {
        if (page.words[i] & bit(FIFO_MASKED)) this.trace.emit('mask', { port: n * FIFO_WORDS_PER_PAGE + i, v: 1 });
      }
    });
  }

  /** The 2-level PENDING bit regardless of the active ABI (Xen carries it over to FIFO). */
  pending2l(port: number): boolean {
    return (this.pend2l[port >>> 5] & (1 << (port & 31))) !== 0;
  }

  // --- internals ------------------------------------------------------------------

  private slot(v: number): VcpuInfo {
    const s = this.slots[v];
    if (s === undefined) throw new RangeError(`shared: no vCPU ${v}`);
    return s;
  }

  private vcpuCheck(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v >= this.slots.length) throw new RangeError(`shared: no vCPU ${v}`);
  }

  private cb(v: number): ControlBlock {
    this.vcpuCheck(v);
    const cb = this.cbs[v];
    if (!cb) throw new Error(`shared: vCPU ${v} has no FIFO control block (EVTCHNOP_init_control)`);
    return cb;
  }

  private checkPort(port: number): void {
    if (!Number.isInteger(port) || port < 0 || port >= this.portLimit) {
      throw new RangeError(`shared: port ${port} outside the ${this.abi} ABI (0..${this.portLimit - 1})`);
    }
  }

  private checkWord(word: number): void {
    if (!Number.isInteger(word) || word < 0 || word >= this.bitsPerWord) throw new RangeError(`shared: selector word ${word}`);
  }

  private writePending(port: number, on: boolean): void {
    if (this.abi === 'fifo') this.fifoWrite(port, FIFO_PENDING, on);
    else if (on) this.pend2l[port >>> 5] |= 1 << (port & 31);
    else this.pend2l[port >>> 5] &= ~(1 << (port & 31));
    if (this.traced(port)) this.trace.emit('pend', { port, v: on ? 1 : 0 });
  }

  private writeMask(port: number, on: boolean): void {
    if (this.abi === 'fifo') this.fifoWrite(port, FIFO_MASKED, on);
    else if (on) this.mask2l[port >>> 5] |= 1 << (port & 31);
    else this.mask2l[port >>> 5] &= ~(1 << (port & 31));
    this.trace.emit('mask', { port, v: on ? 1 : 0 });
  }

  private fifoPage(port: number): FifoPage {
    if (!Number.isInteger(port) || port < 0 || port >= FIFO_NR_PORTS) throw new RangeError(`shared: FIFO port ${port}`);
    const n = Math.floor(port / FIFO_WORDS_PER_PAGE);
    let page = this.fifoPages[n];
    if (!page) {
      page = this.fifoPages[n] = new FifoPage();
      if (this.fifoDefaultMasked) page.words.fill(bit(FIFO_MASKED));
    }
    return page;
  }

  private rawWord(port: number): number {
    if (!Number.isInteger(port) || port < 0 || port >= FIFO_NR_PORTS) throw new RangeError(`shared: FIFO port ${port}`);
    const page = this.fifoPages[Math.floor(port / FIFO_WORDS_PER_PAGE)];
    if (page) return page.words[port % FIFO_WORDS_PER_PAGE];
    return this.fifoDefaultMasked ? bit(FIFO_MASKED) : 0;
  }

  private fifoBit(port: number, b: number): boolean {
    return (this.rawWord(port) & bit(b)) !== 0;
  }

  private fifoWrite(port: number, b: number, on: boolean): void {
    const page = this.fifoPage(port);
    const i = port % FIFO_WORDS_PER_PAGE;
    page.words[i] = (on ? page.words[i] | bit(b) : page.words[i] & ~bit(b)) >>> 0;
  }
}
