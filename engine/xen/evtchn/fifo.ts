// The FIFO event ABI, hypervisor side (fact 5.5, xen/common/event_fifo.c).
//
// Modelled: the switch from 2-level on the first EVTCHNOP_init_control (as Xen does),
// per-vCPU control blocks, the event array grown a page (1024 words) at a time by
// EVTCHNOP_expand_array (at most 128 pages = 2^17 ports), queue tails kept by Xen,
// READY bits, priorities, and a LINKED event making its port busy for reallocation.
// Not modelled: the BUSY bit (no concurrency inside one hypercall) and the
// last_vcpu/last_priority locking that Xen uses when an event moves between queues
// while linked; here a move simply forgets the old queue's tail if it was this port.

import { EINVAL, ENOENT, ENOSPC, ENOSYS, EOPNOTSUPP } from '../errno';
import {
  FIFO_LINK_BITS,
  FIFO_NR_PORTS,
  FIFO_PRIORITIES,
  FIFO_WORDS_PER_PAGE,
  type SharedMemory,
} from '../shared';
import type { EvtchnHost } from './host';
import type { Channel, PortTable } from './ports';

/** Bytes of a control block (READY word + 16 heads), for the init_control offset check. */
const CONTROL_BLOCK_BYTES = 4 + 4 * FIFO_PRIORITIES;
const PAGE_SIZE = 4096;
const MAX_ARRAY_PAGES = FIFO_NR_PORTS / FIFO_WORDS_PER_PAGE;

export class FifoAbi {
  /** Event words Xen has (EVTCHNOP_expand_array pages × 1024). */
  numWords = 0;
  /** Queue tail per (vCPU, priority), 0 = empty (Xen-private). */
  private readonly tails: Int32Array;
  /** Which queue (vcpu*16+prio) a port is the tail of. */
  private readonly tailOf = new Map<number, number>();

  constructor(
    private readonly sh: SharedMemory,
    private readonly ports: PortTable,
    private readonly host: EvtchnHost,
    private readonly nvcpus: number,
    /** Does this Xen offer the FIFO ABI at all (GuestDomainConfig.abi === 'fifo')? */
    readonly available: boolean,
  ) {
    this.tails = new Int32Array(nvcpus * FIFO_PRIORITIES);
  }

  get enabled(): boolean {
    return this.sh.abi === 'fifo';
  }

  /**
   * evtchn_fifo_set_pending (5.5.2): set PENDING; an unmasked, unlinked event is
   * LINKED onto the tail of its notify vCPU's queue for its priority; if the queue was
   * empty its READY bit is set, and READY 0→1 marks events pending. Pollers are
   * checked only when PENDING went 0→1. A masked pending event is not linked (it is
   * linked on unmask). `send`: a send that finds PENDING set and links nothing is a
   * coalesced send (traced).
   */
  setPending(chan: Chan, notify: number, send: boolean): void {
    const port = chan.port;
    if (port >= this.numWords) {
      // No event word yet: Xen remembers it and re-raises it when the page arrives.
      if (chan.pendingNoWord && send) this.host.trace.emit('coalesce', { port });
      chan.pendingNoWord = true;
      return;
    }
    const wasPending = this.sh.testAndSetPending(port);
    let linkedNow = false;
    const w = this.sh.fifoWord(port);
    if (!w.masked && !w.linked && this.sh.hasControlBlock(notify)) {
      // (A vCPU without a control block cannot have unmasked events; Xen drops the link.)
      const prio = chan.priority;
      const q = notify * FIFO_PRIORITIES + prio;
      this.sh.fifoSetLinked(port, prio);
      const tail = this.tails[q];
      const linkedToTail = tail !== 0 && tail !== port && this.sh.fifoTrySetLink(tail, port);
      if (!linkedToTail) this.sh.fifoSetHead(notify, prio, port);
      this.setTail(q, port);
      linkedNow = true;
      if (!linkedToTail && !this.sh.fifoTestAndSetReady(notify, prio)) this.host.markEventsPending(notify);
    }
    if (wasPending && send && !linkedNow) this.host.trace.emit('coalesce', { port });
    if (!wasPending) this.host.checkPollers(port);
  }

  /** evtchn_fifo_unmask: clear MASKED; if PENDING, run set_pending again so it gets linked. */
  unmask(chan: Chan, notify: number): void {
    if (chan.port >= this.numWords) return;
    this.sh.clearMask(chan.port);
    if (this.sh.isPending(chan.port)) this.setPending(chan, notify, false);
  }

  /** evtchn_fifo_clear_pending (on close): PENDING only; a LINKED event stays on its queue. */
  clearPending(chan: Chan): void {
    chan.pendingNoWord = false;
    if (chan.port < this.numWords) this.sh.clearPending(chan.port);
  }

  /** evtchn_fifo_is_busy: a port whose event is still LINKED cannot be reallocated. */
  isBusy(port: number): boolean {
    return this.enabled && port < this.numWords && this.sh.fifoWord(port).linked;
  }

  /**
   * EVTCHNOP_init_control {vcpu, offset?}: maps vCPU's control block; the first one
   * switches the domain from 2-level to FIFO (ports pending in the 2-level bitmap
   * are carried over and re-raised when their array page arrives).
   */
  initControl(vcpu: number, offset: number): { ret: number; out?: Record<string, unknown> } {
    if (!this.available) return { ret: -ENOSYS };
    if (offset % 8 !== 0 || offset < 0 || offset > PAGE_SIZE - CONTROL_BLOCK_BYTES) return { ret: -EINVAL };
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= this.nvcpus) return { ret: -ENOENT };
    if (this.sh.hasControlBlock(vcpu)) return { ret: -EINVAL };
    if (!this.enabled) {
      const live = [...this.ports.allocated()];
      for (const c of live) if (this.sh.pending2l(c.port)) c.pendingNoWord = true;
      this.sh.switchToFifo(live.map((c) => c.port));
      this.ports.abiLimit = FIFO_NR_PORTS;
    }
    this.sh.mapControlBlock(vcpu);
    return { ret: 0, out: { link_bits: FIFO_LINK_BITS } };
  }

  /** EVTCHNOP_expand_array: one more page of event words; pending events now in range are raised. */
  expandArray(): number {
    if (!this.enabled) return -EOPNOTSUPP;
    if (this.numWords / FIFO_WORDS_PER_PAGE >= MAX_ARRAY_PAGES) return -ENOSPC;
    const from = this.numWords;
    this.numWords += FIFO_WORDS_PER_PAGE;
    for (const c of this.ports.allocated()) {
      if (c.port >= from && c.port < this.numWords && c.pendingNoWord) {
        c.pendingNoWord = false;
        this.setPending(c, c.notify, false);
      }
    }
    return 0;
  }

  /** EVTCHNOP_set_priority: 2-level has none (-ENOSYS); FIFO takes 0..15 (effective at the next link). */
  setPriority(chan: Chan, priority: unknown): number {
    if (!this.enabled) return -ENOSYS;
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority >= FIFO_PRIORITIES) {
      return -EINVAL;
    }
    chan.priority = priority;
    return 0;
  }

  private setTail(q: number, port: number): void {
    const old = this.tails[q];
    if (old !== 0 && this.tailOf.get(old) === q) this.tailOf.delete(old);
    const prevQ = this.tailOf.get(port);
    if (prevQ !== undefined && prevQ !== q) this.tails[prevQ] = 0;
    this.tails[q] = port;
    this.tailOf.set(port, q);
  }
}

type Chan = Channel;
