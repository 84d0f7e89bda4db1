// Folding trace events into a VisualState. This is the only way any reader gets
// "the state at time t": nearest keyframe, then fold forward (keyframes.ts).

import type { TraceEvent } from './events';
import { newVcpu, RUNSTATES, type ArrowState, type Runstate, type VisualState, type VcpuState } from './state';

/** Completed arrows kept in the state for drawing (in-flight ones are always kept). */
const KEEP_DONE_ARROWS = 64;

function vcpu(s: VisualState, id: number): VcpuState {
  let v = s.vcpus[id];
  if (!v) {
    for (let i = s.vcpus.length; i <= id; i++) s.vcpus[i] = newVcpu(i);
    v = s.vcpus[id];
  }
  return v;
}

function setBit(list: number[], bit: number, on: boolean): number[] {
  const i = list.indexOf(bit);
  if (on && i < 0) {
    list.push(bit);
    list.sort((a, b) => a - b);
  } else if (!on && i >= 0) {
    list.splice(i, 1);
  }
  return list;
}

function bump(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}

/**
 * Ends the oldest in-flight send on `port` (one handler run answers one PENDING edge).
 * NMIs have no port (-1): they are matched by their target CPU instead.
 */
function finishArrow(s: VisualState, port: number, status: ArrowState['status'], t: number, all = false, to = -1): void {
  for (const a of s.arrows) {
    if (a.status === 'sent' && a.port === port && (port >= 0 || a.to === to)) {
      a.status = status;
      a.tEnd = t;
      if (!all) return;
    }
  }
}

function trimArrows(s: VisualState): void {
  let done = 0;
  for (let i = s.arrows.length - 1; i >= 0; i--) {
    if (s.arrows[i].status !== 'sent' && ++done > KEEP_DONE_ARROWS) s.arrows.splice(i, 1);
  }
}

export function applyEvent(s: VisualState, e: TraceEvent): void {
  s.t = e.t;
  s.index++;
  switch (e.k) {
    case 'domain': {
      s.maxVcpus = e.max_vcpus;
      s.dom0 = e.dom0 === 1;
      s.abi = e.abi;
      s.maxPort = e.max_port;
      s.guestType = e.type ?? 'pv';
      s.bits = e.bits ?? 64;
      for (let i = 0; i < e.max_vcpus; i++) {
        const v = vcpu(s, i);
        v.runstateSince = e.t;
      }
      s.pcpus = Array.from({ length: e.pcpus }, (_, id) => ({ id, dom: 'idle' as const, vcpu: -1 }));
      break;
    }
    case 'hc':
      bump(s.counts.hypercalls, e.op);
      break;
    case 'runstate': {
      const v = vcpu(s, e.vcpu);
      v.runstateNs[RUNSTATES.indexOf(v.runstate)] += e.t - v.runstateSince;
      v.runstate = e.state as Runstate;
      v.runstateSince = e.t;
      v.pcpu = e.pcpu;
      break;
    }
    case 'pcpu': {
      const p = s.pcpus[e.pcpu] ?? (s.pcpus[e.pcpu] = { id: e.pcpu, dom: 'idle', vcpu: -1 });
      p.dom = e.dom as 'guest' | 'other' | 'idle';
      p.vcpu = e.vcpu;
      break;
    }
    case 'vcpu': {
      const v = vcpu(s, e.vcpu);
      v.initialised = e.initialised === 1;
      v.up = e.up === 1;
      break;
    }
    case 'nmi':
      vcpu(s, e.vcpu).nmiPending = true;
      break;
    case 'bind': {
      // A `bind` of a port that is already allocated is a change of its state (xenstored
      // binding dom0's unbound xenbus port): the Linux irq bound to it stays. Dropping it
      // made the summary show dom0's xenbus port without its irq after `xl vcpu-set`.
      const old = s.ports[e.port];
      s.ports[e.port] = {
        port: e.port,
        type: e.type,
        vcpu: e.vcpu,
        virq: e.virq,
        pending: false,
        masked: s.maskBits[e.port] ?? s.maskDefault,
        linked: old?.linked ?? false,
        prio: old?.prio ?? 7,
        irq: old?.irq ?? -1,
      };
      break;
    }
    case 'rebind': {
      const p = s.ports[e.port];
      if (p) p.vcpu = e.vcpu;
      break;
    }
    case 'close':
      delete s.ports[e.port];
      // Closing clears PENDING: sends still in flight on it are never handled.
      finishArrow(s, e.port, 'dropped', e.t, true);
      break;
    case 'pend': {
      const p = s.ports[e.port];
      if (p) p.pending = e.v === 1;
      break;
    }
    case 'coalesce': {
      s.counts.coalesced++;
      const p = s.ports[e.port];
      if (p?.type === 'ipi') {
        s.counts.coalescedIpi++;
        // The newest in-flight send to this port is the one that coalesced.
        for (let i = s.arrows.length - 1; i >= 0; i--) {
          const a = s.arrows[i];
          if (a.status === 'sent' && a.port === e.port) {
            a.status = 'coalesced';
            a.tEnd = e.t;
            break;
          }
        }
      }
      break;
    }
    case 'mask': {
      s.maskBits[e.port] = e.v === 1;
      const p = s.ports[e.port];
      if (p) p.masked = e.v === 1;
      break;
    }
    case 'mask_all':
      s.maskDefault = e.v === 1;
      s.maskBits = {};
      for (const k in s.ports) s.ports[k].masked = e.v === 1;
      break;
    case 'sel':
      setBit(vcpu(s, e.vcpu).pendingSel, e.word, e.v === 1);
      break;
    case 'upend':
      vcpu(s, e.vcpu).upcallPending = e.v;
      break;
    case 'umask':
      vcpu(s, e.vcpu).upcallMask = e.v;
      break;
    case 'upcall':
      s.counts.upcalls++;
      break;
    case 'link': {
      const p = s.ports[e.port];
      if (p) {
        p.linked = e.v === 1;
        p.prio = e.prio;
      }
      break;
    }
    case 'ready':
      setBit(vcpu(s, e.vcpu).ready, e.prio, e.v === 1);
      break;
    case 'poll':
      vcpu(s, e.vcpu).polling = e.v === 1 ? ((e.ports as number[]) ?? []).slice() : null;
      break;
    case 'pin':
      if (e.v === 1) s.pinned[e.mfn] = true;
      else delete s.pinned[e.mfn];
      break;
    case 'cr3':
      vcpu(s, e.vcpu).cr3 = e.mfn;
      break;
    case 'irq': {
      s.irqs[e.irq] = { irq: e.irq, port: e.port, cpu: e.cpu, name: e.name, chip: e.chip, type: e.type, counts: [] };
      const p = s.ports[e.port];
      if (p) p.irq = e.irq;
      break;
    }
    case 'irq_free':
      delete s.irqs[e.irq];
      break;
    case 'ipi_send':
      bump(s.counts.ipiSent, e.vector);
      s.arrows.push({
        id: s.index - 1,
        t: e.t,
        from: e.from,
        to: e.to,
        vector: e.vector,
        port: e.port,
        status: 'sent',
        tEnd: -1,
      });
      trimArrows(s);
      break;
    case 'handle': {
      const irq = s.irqs[e.irq];
      if (irq) irq.counts[e.cpu] = (irq.counts[e.cpu] ?? 0) + 1;
      if (e.vector) {
        bump(s.counts.ipiHandled, e.vector);
        if (e.vector === 'NMI') vcpu(s, e.cpu).nmiPending = false;
        finishArrow(s, e.port, 'handled', e.t, false, e.cpu);
      }
      break;
    }
    case 'cpumask': {
      const v = vcpu(s, e.cpu);
      const on = e.v === 1;
      if (e.mask === 'possible') v.possible = on;
      else if (e.mask === 'present') v.present = on;
      else if (e.mask === 'online') v.online = on;
      break;
    }
    case 'nr_cpu_ids':
      s.nrCpuIds = e.n;
      break;
    case 'lstate':
      vcpu(s, e.cpu).linux = e.state as VcpuState['linux'];
      break;
    case 'console':
      s.lastConsole = e.text;
      break;
    case 'fn':
      vcpu(s, e.cpu).stack.push(e.name);
      break;
    case 'fn_exit': {
      const st = vcpu(s, e.cpu).stack;
      const i = st.lastIndexOf(e.name);
      if (i >= 0) st.length = i;
      break;
    }
    case 'narrate':
      s.narration = { cpu: e.cpu, text: e.text, fn: e.fn, fact: e.fact, t: e.t };
      break;
    case 'lock': {
      const l = s.locks[e.lock] ?? (s.locks[e.lock] = { lock: e.lock, holder: -1, waiters: {} });
      if (e.action === 'acquire') {
        l.holder = e.cpu;
        delete l.waiters[e.cpu];
      } else if (e.action === 'release') {
        l.holder = -1;
      } else if (e.action === 'spin' || e.action === 'wait' || e.action === 'woken') {
        l.waiters[e.cpu] = e.action;
      }
      break;
    }
    case 'call':
    case 'step':
      break;
    case 'panic':
      s.panic = e.text;
      break;
    case 'shutdown':
      s.shutdown = e.reason;
      break;
  }
}
