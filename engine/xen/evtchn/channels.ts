// Event-channel operations of the one guest domain (fact 5.4, xen/common/event_channel.c):
// bind_ipi, bind_virq, alloc_unbound, send, close, unmask, status, bind_vcpu, the
// FIFO control ops, and Xen's own VIRQ raise (send_guest_vcpu_virq /
// send_guest_global_virq). Results are Xen's return values (0 / -errno).

import { EBUSY, EEXIST, EINVAL, ENOENT, EPERM, ESRCH } from '../errno';
import type { SharedMemory } from '../shared';
import { NR_VIRQS, parseVirq, virqName, virqType } from '../virq';
import { FifoAbi } from './fifo';
import type { EvtchnHost } from './host';
import { EVTCHNSTAT, PortTable, type Channel } from './ports';
import { set2lPending, unmask2l } from './twolevel';

/** DOMID_SELF (public/xen.h). */
export const DOMID_SELF = 0x7ff0;

export interface OpResult {
  ret: number;
  out?: Record<string, unknown>;
}

export class EventChannels {
  readonly ports: PortTable;
  readonly fifo: FifoAbi;
  /** virq_to_evtchn per vCPU (global and per-domain VIRQs are recorded on vCPU 0). */
  private readonly virqTo: Int32Array[];

  constructor(
    private readonly sh: SharedMemory,
    private readonly host: EvtchnHost,
    private readonly nvcpus: number,
    /** This domain's id: 0 for dom0; a domU is taken as domain 1. */
    readonly domid: number,
    maxEvtchnPort: number,
    fifoAvailable: boolean,
  ) {
    this.ports = new PortTable(sh.nr2lPorts, maxEvtchnPort);
    this.fifo = new FifoAbi(sh, this.ports, host, nvcpus, fifoAvailable);
    this.virqTo = Array.from({ length: nvcpus }, () => new Int32Array(NR_VIRQS));
  }

  private vcpuOk(v: unknown): v is number {
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < this.nvcpus;
  }

  private alloc(): number {
    return this.ports.allocate((p) => this.fifo.isBusy(p));
  }

  /**
   * Trace a bind. The fold takes a new port's MASK from the mask bits it has seen (they
   * outlive ports) and starts it not pending; a pending bit is traced explicitly.
   */
  private traceBind(c: Channel, type: string): void {
    this.host.trace.emit('bind', {
      port: c.port,
      type,
      vcpu: c.notify,
      ...(type === 'virq' ? { virq: virqName(c.virq) } : {}),
    });
    if (c.port < this.sh.portLimit && this.sh.isPending(c.port)) this.host.trace.emit('pend', { port: c.port, v: 1 });
  }

  /** The domain builder's interdomain ports (a domU's xenstore and console rings). */
  preallocateInterdomain(count: number): void {
    for (let i = 0; i < count; i++) {
      const port = this.alloc();
      const c = this.ports.get(port);
      c.state = 'interdomain';
      c.notify = 0;
      c.remoteDom = 0;
      this.traceBind(c, 'interdomain');
    }
  }

  /** 5.4.3 EVTCHNOP_bind_ipi. */
  bindIpi(vcpu: unknown): OpResult {
    if (!this.vcpuOk(vcpu)) return { ret: -ENOENT };
    const port = this.alloc();
    if (port < 0) return { ret: port };
    const c = this.ports.get(port);
    c.state = 'ipi';
    c.notify = vcpu;
    this.traceBind(c, 'ipi');
    return { ret: 0, out: { port } };
  }

  /**
   * 5.4.2 EVTCHNOP_bind_virq, checks in Xen's order: range, non-per-vCPU VIRQ on a
   * vCPU other than 0, vCPU exists, global VIRQ owned by another domain (the global
   * handler is the hardware domain, so only dom0 may bind one), already bound.
   */
  bindVirq(virqArg: unknown, vcpu: unknown): OpResult {
    const virq = parseVirq(virqArg);
    if (virq === null || virq < 0 || virq >= NR_VIRQS) return { ret: -EINVAL };
    const type = virqType(virq);
    if (type !== 'vcpu' && vcpu !== 0) return { ret: -EINVAL };
    if (!this.vcpuOk(vcpu)) return { ret: -ENOENT };
    if (type === 'global' && this.domid !== 0) return { ret: -EBUSY };
    if (this.virqTo[vcpu][virq] !== 0) return { ret: -EEXIST };
    const port = this.alloc();
    if (port < 0) return { ret: port };
    const c = this.ports.get(port);
    c.state = 'virq';
    c.virq = virq;
    c.notify = vcpu;
    this.virqTo[vcpu][virq] = port;
    this.traceBind(c, 'virq');
    return { ret: 0, out: { port } };
  }

  /** EVTCHNOP_alloc_unbound {dom, remote_dom}: a port another domain may bind to. */
  allocUnbound(dom: unknown, remoteDom: unknown): OpResult {
    const self = dom === undefined || dom === 'self' || dom === DOMID_SELF || dom === this.domid;
    if (!self) return { ret: this.domid === 0 ? -ESRCH : -EPERM };
    const remote = remoteDom === undefined || remoteDom === 'self' || remoteDom === DOMID_SELF ? this.domid : remoteDom;
    if (typeof remote !== 'number' || !Number.isInteger(remote) || remote < 0) return { ret: -EINVAL };
    const port = this.alloc();
    if (port < 0) return { ret: port };
    const c = this.ports.get(port);
    c.state = 'unbound';
    c.notify = 0;
    c.remoteDom = remote;
    this.traceBind(c, 'unbound');
    return { ret: 0, out: { port } };
  }

  /** evtchn_port_set_pending through the active ABI. `send`: a guest send or VIRQ raise. */
  setPending(c: Channel, notify: number, send: boolean): void {
    if (this.fifo.enabled) this.fifo.setPending(c, notify, send);
    else set2lPending(this.sh, this.host, notify, c.port);
  }

  /**
   * 5.4.4 EVTCHNOP_send: IPI → pending for its bound vCPU; unbound → dropped (0);
   * interdomain → the peer is outside the model (xenstored/xenconsoled in dom0), 0;
   * VIRQ, free, reserved → -EINVAL.
   */
  send(port: unknown): OpResult {
    if (!this.ports.isValid(port)) return { ret: -EINVAL };
    const c = this.ports.get(port);
    switch (c.state) {
      case 'ipi':
        this.setPending(c, c.notify, true);
        return { ret: 0 };
      case 'unbound':
      case 'interdomain':
        return { ret: 0 };
      default:
        return { ret: -EINVAL };
    }
  }

  /**
   * 5.4.5 EVTCHNOP_close: invalid, free or reserved → -EINVAL; a VIRQ loses its
   * virq_to_evtchn entry; then PENDING is cleared and the port is freed with its
   * notify vCPU back to 0 (§9.6).
   */
  close(port: unknown): OpResult {
    if (!this.ports.isValid(port)) return { ret: -EINVAL };
    const c = this.ports.get(port);
    if (c.state === 'free' || c.state === 'reserved') return { ret: -EINVAL };
    if (c.state === 'virq') {
      for (const tbl of this.virqTo) if (tbl[c.virq] === port) tbl[c.virq] = 0;
    }
    if (this.fifo.enabled) this.fifo.clearPending(c);
    else this.sh.clearPending(port);
    this.ports.free(port);
    this.host.trace.emit('close', { port });
    return { ret: 0 };
  }

  /** 5.4.7 EVTCHNOP_unmask: -EINVAL for an invalid port, else the ABI's unmask (delivers if pending). */
  unmask(port: unknown): OpResult {
    if (!this.ports.isValid(port)) return { ret: -EINVAL };
    const c = this.ports.get(port);
    if (this.fifo.enabled) this.fifo.unmask(c, c.notify);
    else unmask2l(this.sh, this.host, c.notify, port);
    return { ret: 0 };
  }

  /** 5.4.8 EVTCHNOP_status: the state (a free port in a valid bucket is `closed`), notify vCPU, virq or peer. */
  status(port: unknown): OpResult {
    if (!this.ports.isValid(port)) return { ret: -EINVAL };
    const c = this.ports.get(port);
    const status = c.state === 'free' || c.state === 'reserved' ? 'closed' : c.state;
    const out: Record<string, unknown> = { status, code: EVTCHNSTAT[status], vcpu: c.notify };
    if (c.state === 'virq') {
      out.virq = c.virq;
      out.virq_name = virqName(c.virq);
    } else if (c.state === 'unbound') {
      out.dom = c.remoteDom;
    } else if (c.state === 'interdomain') {
      out.dom = c.remoteDom;
      out.port = c.remotePort;
    }
    return { ret: 0, out };
  }

  /**
   * 5.4.6 EVTCHNOP_bind_vcpu: no such vCPU → -ENOENT; invalid port → -EINVAL; global or
   * per-domain VIRQ, unbound and interdomain ports move; per-vCPU VIRQ and IPI ports
   * stay where they were bound (-EINVAL, §9.5), as do free/reserved ports.
   */
  bindVcpu(port: unknown, vcpu: unknown): OpResult {
    if (!this.vcpuOk(vcpu)) return { ret: -ENOENT };
    if (!this.ports.isValid(port)) return { ret: -EINVAL };
    const c = this.ports.get(port);
    switch (c.state) {
      case 'virq':
        if (virqType(c.virq) === 'vcpu') return { ret: -EINVAL };
        break;
      case 'unbound':
      case 'interdomain':
        break;
      default:
        return { ret: -EINVAL };
    }
    c.notify = vcpu;
    this.host.trace.emit('rebind', { port, vcpu });
    return { ret: 0 };
  }

  /** EVTCHNOP_set_priority {port, priority}. */
  setPriority(port: unknown, priority: unknown): OpResult {
    if (!this.ports.isValid(port)) return { ret: -EINVAL };
    return { ret: this.fifo.setPriority(this.ports.get(port), priority) };
  }

  /**
   * Xen raising a VIRQ (timers, debug keys): per-vCPU VIRQs go to the port bound on
   * that vCPU, others to the port recorded on vCPU 0 and its notify vCPU. No port
   * bound → nothing happens.
   */
  sendVirq(vcpu: number, virq: number): void {
    if (virqType(virq) === 'vcpu') {
      const port = this.virqTo[vcpu]?.[virq] ?? 0;
      if (port) this.setPending(this.ports.get(port), vcpu, true);
    } else {
      const port = this.virqTo[0][virq];
      if (port) {
        const c = this.ports.get(port);
        this.setPending(c, c.notify, true);
      }
    }
  }

  /**
   * An event from the far end of an interdomain channel (xenstored / xenconsoled in
   * dom0, outside the model): the peer binds an unbound port first, then notifies.
   * Returns 0, or -EINVAL if `port` is not an unbound/interdomain port.
   */
  remoteSend(port: unknown): number {
    if (!this.ports.isValid(port)) return -EINVAL;
    const c = this.ports.get(port);
    if (c.state === 'unbound') {
      c.state = 'interdomain';
      c.remoteDom = c.remoteDom < 0 ? 0 : c.remoteDom;
      this.traceBind(c, 'interdomain');
    } else if (c.state !== 'interdomain') {
      return -EINVAL;
    }
    this.setPending(c, c.notify, true);
    return 0;
  }

  /** Port bound to `virq` on `vcpu` (0 = none). */
  virqPort(vcpu: number, virq: number): number {
    return this.virqTo[vcpu]?.[virq] ?? 0;
  }
}
