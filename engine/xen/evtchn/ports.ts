// The domain's event-channel port table (fact 5.4.1, xen/common/event_channel.c
// evtchn_init / get_free_port / evtchn_allocate_port / evtchn_free).

import { ENOSPC } from '../errno';
import { FIFO_PRIORITY_DEFAULT } from '../shared';

export type ChanState = 'free' | 'reserved' | 'unbound' | 'interdomain' | 'virq' | 'ipi';

/** EVTCHNSTAT_* values returned by EVTCHNOP_status (public/event_channel.h). */
export const EVTCHNSTAT: Record<string, number> = { closed: 0, unbound: 1, interdomain: 2, pirq: 3, virq: 4, ipi: 5 };

/**
 * Ports become valid a bucket at a time (port_is_valid checks `valid_evtchns`).
 * EVTCHNS_PER_BUCKET is PAGE_SIZE / next_power_of_2(sizeof(struct evtchn)); we take
 * struct evtchn as 64 bytes, so 64 ports per bucket. A free port inside a valid bucket
 * is "closed" to EVTCHNOP_status; beyond it the port is invalid (-EINVAL).
 */
export const EVTCHNS_PER_BUCKET = 64;

export interface Channel {
  readonly port: number;
  state: ChanState;
  /** notify_vcpu_id: the vCPU whose vcpu_info/queue gets the event; reset to 0 on free. */
  notify: number;
  /** VIRQ number while state = virq. */
  virq: number;
  /** unbound: the domain allowed to bind; interdomain: the peer. */
  remoteDom: number;
  remotePort: number;
  /** FIFO priority (0 highest, 15 lowest), reset to 7 when the port is allocated. */
  priority: number;
  /** FIFO: pending while its event word was not in the event array yet (re-raised on expand). */
  pendingNoWord: boolean;
}

export class PortTable {
  private readonly chans: Channel[] = [];
  /** valid_evtchns: ports below this have a struct evtchn. */
  valid = 0;

  /**
   * @param abiLimit ports the ABI can address (2L: 4096 / 1024; FIFO: 2^17); changes
   *   when the domain switches to FIFO.
   * @param maxEvtchnPort highest port the domain may use (domU default 1023 from
   *   libxl; dom0 unlimited = Infinity).
   */
  constructor(
    public abiLimit: number,
    readonly maxEvtchnPort: number,
  ) {
    // evtchn_init: port 0 is allocated and reserved, so it is never handed out.
    const p0 = this.allocate(() => false);
    if (p0 !== 0) throw new Error('ports: port 0 not allocatable');
    this.chans[0].state = 'reserved';
  }

  /** Highest port number the domain can currently get. */
  get maxPort(): number {
    return Math.min(this.abiLimit - 1, this.maxEvtchnPort);
  }

  isValid(port: unknown): port is number {
    return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port < this.valid;
  }

  /** A bound port (not free, not reserved). */
  isAllocated(port: number): boolean {
    const c = this.chans[port];
    return c !== undefined && c.state !== 'free' && c.state !== 'reserved';
  }

  get(port: number): Channel {
    const c = this.chans[port];
    if (!c) throw new RangeError(`ports: port ${port} is not valid`);
    return c;
  }

  /**
   * get_free_port: the lowest port that is free and not busy (a FIFO event still
   * LINKED is busy), or -ENOSPC past max_evtchn_port or the ABI limit.
   */
  allocate(isBusy: (port: number) => boolean): number {
    for (let port = 0; ; port++) {
      if (port > this.maxEvtchnPort || port >= this.abiLimit) return -ENOSPC;
      if (port < this.valid) {
        const c = this.chans[port];
        if (c.state !== 'free' || isBusy(port)) continue;
        c.priority = FIFO_PRIORITY_DEFAULT;
        c.state = 'unbound';
        return port;
      }
      // A new bucket: the lowest free port is always in the next one.
      for (let p = this.valid; p < this.valid + EVTCHNS_PER_BUCKET; p++) {
        this.chans[p] = {
          port: p,
          state: 'free',
          notify: 0,
          virq: -1,
          remoteDom: -1,
          remotePort: 0,
          priority: FIFO_PRIORITY_DEFAULT,
          pendingNoWord: false,
        };
      }
      this.valid += EVTCHNS_PER_BUCKET;
      this.chans[port].state = 'unbound';
      return port;
    }
  }

  /** evtchn_free: back to free, notify vCPU reset to 0 (the caller clears PENDING first). */
  free(port: number): void {
    const c = this.get(port);
    c.state = 'free';
    c.notify = 0;
    c.virq = -1;
    c.remoteDom = -1;
    c.remotePort = 0;
    c.pendingNoWord = false;
  }

  /** Allocated channels (not free, not reserved), by port. */
  *allocated(): IterableIterator<Channel> {
    for (let p = 1; p < this.valid; p++) {
      const c = this.chans[p];
      if (c.state !== 'free' && c.state !== 'reserved') yield c;
    }
  }
}
