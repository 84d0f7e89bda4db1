// Test support for the property tests: a random guest that issues random hypercalls
// from whichever vCPUs are running, writes shared memory like Linux does, takes
// upcalls, lets time pass and preempts vCPUs — checking, around every step, the
// per-call invariants of xen-facts §9 it can see. End-of-run checks live in
// `checkRun`. Not part of the engine.

import fc from 'fast-check';
import type { TraceEvent } from '../trace/events';
import { applyEvent } from '../trace/fold';
import { emptyState, RUNSTATES } from '../trace/state';
import type { EvtchnAbi, GuestType } from './api';
import { KICK_NS } from './hypervisor';
import { FIFO_PRIORITIES } from './shared';
import { makeRig, type TestRig } from './testing';
import { NR_VIRQS, parseVirq, virqType } from './virq';

export const OP_KINDS = [
  'advance',
  'advance',
  'bind_ipi',
  'bind_ipi',
  'bind_virq',
  'send',
  'send',
  'send',
  'send',
  'close',
  'unmask_hc',
  'mask',
  'unmask_local',
  'ack',
  'bind_vcpu',
  'take',
  'take',
  'irq',
  'block',
  'poll',
  'yield',
  'initialise',
  'up',
  'up',
  'down',
  'is_up',
  'preempt',
  'nmi',
  'timer',
  'vcpu_info',
  'fifo',
  'mm',
  'virq',
  'remote',
  'alloc_unbound',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

export interface Op {
  k: OpKind;
  a: number;
  b: number;
  c: number;
}

export interface DriveParams {
  seed: number;
  maxVcpus: number;
  pcpus: number;
  abi: EvtchnAbi;
  bits: 64 | 32;
  dom0: boolean;
  type: GuestType;
  ratelimit: number;
  /** Bring vCPUs up and bind a timer and IPIs first, as Linux does (else start bare). */
  boot: boolean;
  /** Bitmask of the vCPUs (besides 0) the boot brings up. */
  bootMask: number;
  ops: Op[];
}

export const opArb: fc.Arbitrary<Op> = fc.record({
  k: fc.constantFrom(...OP_KINDS),
  a: fc.nat(10_000),
  b: fc.nat(10_000),
  c: fc.nat(10_000),
});

export const paramsArb = (maxOps = 80): fc.Arbitrary<DriveParams> =>
  fc.record({
    seed: fc.nat(),
    maxVcpus: fc.integer({ min: 1, max: 6 }),
    pcpus: fc.integer({ min: 1, max: 4 }),
    abi: fc.constantFrom<EvtchnAbi>('2l', 'fifo'),
    bits: fc.constantFrom<64 | 32>(64, 32),
    dom0: fc.boolean(),
    type: fc.constantFrom<GuestType>('pv', 'pv', 'hvm'),
    ratelimit: fc.constantFrom(0, 1000),
    boot: fc.boolean(),
    bootMask: fc.nat(63),
    ops: fc.array(opArb, { minLength: 1, maxLength: maxOps, size: 'max' }),
  });

export interface DriveResult {
  rig: TestRig;
  violations: string[];
}

const VIRQS = ['TIMER', 'DEBUG', 'CONSOLE', 'ARGO', 'XENPMU', 30];
const MFNS = [0x1000, 0x5000, 0x6000];

export function drive(p: DriveParams): DriveResult {
  const violations: string[] = [];
  let inHypercall = false;
  const rig = makeRig({
    seed: p.seed,
    maxVcpus: p.maxVcpus,
    pcpus: p.pcpus,
    abi: p.abi,
    bits: p.bits,
    dom0: p.dom0,
    type: p.type,
    ratelimit_us: p.ratelimit,
    onHook: (c) => {
      if (inHypercall) violations.push(`hook ${c.hook}(${c.vcpu}) called inside a hypercall`);
    },
  });
  const { xen } = rig;
  const sh = xen.shared;
  const ports = xen.evtchn.ports;
  const n = p.maxVcpus;
  const fail = (msg: string) => violations.push(`t=${rig.sim.now}: ${msg}`);

  const hc = (v: number, op: string, args: Record<string, unknown>) => {
    inHypercall = true;
    try {
      return xen.hypercall(v, op, args);
    } finally {
      inHypercall = false;
    }
  };
  const allocated = () => [...ports.allocated()].map((c) => c.port);
  /** Mostly a bound port; sometimes port 0, a free port or one beyond the buckets. */
  const pickPort = (x: number) => {
    const a = allocated();
    if (a.length && x % 8 !== 0) return a[(x >> 3) % a.length];
    return [0, 40, 5000, a.length + 1][(x >> 3) % 4];
  };
  const target = (x: number) => x % (n + 1); // one id past the end: -ENOENT
  const busy = (port: number) => xen.evtchn.fifo.isBusy(port);
  const lowestFree = () => {
    for (let q = 1; q <= ports.maxPort; q++) if (!ports.isAllocated(q) && !busy(q)) return q;
    return -1;
  };
  const portPending = (port: number) => port < sh.portLimit && xen.portIsPending(port);

  /** The guest's upcall handler: ack every pending port it is told about, then re-enable events. */
  const handleUpcall = (v: number, x: number) => {
    sh.clearUpcallPending(v);
    if (sh.abi === 'fifo') {
      if (!sh.hasControlBlock(v)) return;
      sh.fifoXchgReady(v);
      for (let prio = 0; prio < FIFO_PRIORITIES; prio++) {
        let head = sh.fifoHead(v, prio);
        for (let guard = 0; head && guard < 200; guard++) {
          const next = sh.fifoClearLinked(head);
          sh.fifoClearPending(head);
          head = next;
        }
        sh.fifoSetHead(v, prio, 0);
      }
    } else {
      for (const w of sh.xchgPendingSel(v)) for (const port of sh.activePortsInWord(w)) if (x % 3 !== 0) sh.clearPending(port);
    }
    if (x % 2 === 0) sh.setUpcallMask(v, 0);
  };

  if (p.boot) {
    // Like Linux: (FIFO setup,) bring up some APs, a timer VIRQ and two IPIs per vCPU.
    const ups = [0, ...Array.from({ length: n - 1 }, (_, i) => i + 1).filter((v) => p.bootMask & (1 << (v - 1)))];
    if (p.abi === 'fifo' && p.bootMask & 1) {
      for (const v of ups) hc(0, 'EVTCHNOP_init_control', { vcpu: v });
      hc(0, 'EVTCHNOP_expand_array', {});
    }
    // Enough IPIs that ports spill into further selector words (32 or 64 ports each).
    const ipis = 2 + (p.bootMask % 7) * 4;
    for (const v of ups) {
      hc(0, 'EVTCHNOP_bind_virq', { virq: 'TIMER', vcpu: v });
      for (let i = 0; i < ipis; i++) hc(0, 'EVTCHNOP_bind_ipi', { vcpu: v });
      if (v) {
        const pv = p.type === 'pv' && v >= 32;
        if (pv) hc(0, 'VCPUOP_register_vcpu_info', { vcpu: v });
        hc(0, 'VCPUOP_initialise', { vcpu: v });
        hc(0, 'VCPUOP_up', { vcpu: v });
      }
    }
    rig.run(100_000);
  }

  for (const op of p.ops) {
    if (rig.sim.isStopped || xen.shutdownReason) break;
    const run = rig.running();
    if (run.length === 0 && op.k !== 'preempt' && op.k !== 'virq' && op.k !== 'remote') {
      // Everyone is blocked or down: a timer interrupt, then let time pass.
      xen.sendGuestVirq(op.b % n, 0);
      rig.run(1 + (op.a % 3) * 1_000_000);
      continue;
    }
    const self = run.length ? run[op.a % run.length] : 0;
    const mark = rig.trace.length;
    const kinds = () => rig.kindsSince(mark);
    switch (op.k) {
      case 'advance':
        rig.run(1 + ((op.a * 7919) % 4_000_000));
        break;
      case 'bind_ipi':
      case 'bind_virq':
      case 'alloc_unbound': {
        const expected = lowestFree();
        const vcpu = target(op.b);
        let res;
        if (op.k === 'bind_ipi') res = hc(self, 'EVTCHNOP_bind_ipi', { vcpu });
        else if (op.k === 'alloc_unbound') res = hc(self, 'EVTCHNOP_alloc_unbound', { remote_dom: 0 });
        else {
          const virq = VIRQS[op.c % VIRQS.length];
          const num = parseVirq(virq)!;
          const bound = vcpu < n && num < NR_VIRQS ? xen.evtchn.virqPort(vcpu, num) : 0;
          res = hc(self, 'EVTCHNOP_bind_virq', { virq, vcpu });
          if (bound && res.ret === 0) fail(`bind_virq of an already bound VIRQ succeeded (5.4.2 -EEXIST)`);
        }
        if (res.ret === 0) {
          const port = res.out!.port as number;
          if (port === 0) fail('port 0 was allocated (§9.6)');
          if (port !== expected) fail(`bound port ${port}, lowest free was ${expected} (§9.6)`);
        } else if (res.ret === -28 && expected !== -1) fail(`-ENOSPC with port ${expected} free (5.4.1)`);
        break;
      }
      case 'send': {
        const port = pickPort(op.b);
        const valid = ports.isValid(port);
        const c = valid ? ports.get(port) : null;
        const pend = valid && portPending(port);
        const masked = valid && port < sh.portLimit && sh.isMasked(port);
        const fifo = sh.abi === 'fifo';
        const linked = fifo && valid && port < sh.portLimit && sh.fifoWord(port).linked;
        const notify = c?.notify ?? 0;
        const upBefore = sh.upcallPending(notify);
        const selBefore = sh.pendingSel(notify).includes(Math.floor(port / sh.bitsPerWord));
        const pollers = xen.vcpus.filter((v) => v.polling && (v.pollEvtchn <= 0 || v.pollEvtchn === port));
        const polling = xen.vcpus.filter((v) => v.polling);
        const res = hc(self, 'EVTCHNOP_send', { port });
        const k = kinds();
        if (c?.state === 'ipi' && !pend && !(fifo && port >= xen.evtchn.fifo.numWords)) {
          // 5.3.1 step 3 / 5.4.9: a fresh PENDING wakes its pollers, masked or not (§9.7).
          for (const v of pollers) if (v.polling) fail(`poller ${v.id} not woken by port ${port} (masked=${masked}) (§9.7)`);
        }
        if (pend && (!fifo || linked)) {
          // A coalesced send wakes nobody (§9.1).
          for (const v of polling) if (!v.polling) fail(`coalesced send to port ${port} released poller ${v.id} (§9.1)`);
        }
        if (!c || !['ipi', 'unbound', 'interdomain'].includes(c.state)) {
          if (res.ret !== -22) fail(`send on ${c?.state ?? 'invalid'} port → ${res.ret}, not -EINVAL (5.4.4)`);
        } else if (c.state !== 'ipi') {
          if (res.ret !== 0 || k.length !== 1) fail(`send on ${c.state} port had effects (5.4.4)`);
        } else if (pend && (!fifo || linked)) {
          if (k.join() !== 'hc,coalesce') fail(`send to a pending port → ${k.join()} (§9.1)`);
        } else if (!pend && masked) {
          if (k.some((e) => ['sel', 'upend', 'link', 'ready', 'upcall'].includes(e))) fail(`masked port send → ${k.join()} (§9.7, A4)`);
        } else if (!pend && !fifo) {
          const sel = k.filter((e) => e === 'sel').length;
          const up = k.filter((e) => e === 'upend').length;
          if (sel !== (selBefore ? 0 : 1)) fail(`send: ${sel} selector edges with sel ${selBefore ? 'already set' : 'clear'} (§9.2)`);
          if (up !== (selBefore || upBefore ? 0 : 1)) fail(`send: ${up} upcall edges (upcall_pending was ${upBefore}) (§9.2)`);
        }
        break;
      }
      case 'close': {
        const port = pickPort(op.b);
        const res = hc(self, 'EVTCHNOP_close', { port });
        if (res.ret === 0 && (ports.isAllocated(port) || ports.get(port).notify !== 0 || portPending(port))) {
          fail(`closed port ${port} still allocated / bound / pending (§9.6)`);
        }
        break;
      }
      case 'unmask_hc':
        hc(self, 'EVTCHNOP_unmask', { port: pickPort(op.b) });
        break;
      case 'mask':
      case 'unmask_local':
      case 'ack': {
        const port = pickPort(op.b);
        if (port >= sh.portLimit) break;
        if (op.k === 'mask') sh.setMask(port);
        else if (op.k === 'unmask_local') sh.clearMask(port);
        else sh.clearPending(port);
        break;
      }
      case 'bind_vcpu': {
        const port = pickPort(op.b);
        const vcpu = target(op.c);
        const c = ports.isValid(port) ? ports.get(port) : null;
        const before = c?.notify;
        const res = hc(self, 'EVTCHNOP_bind_vcpu', { port, vcpu });
        if (c && vcpu < n && (c.state === 'ipi' || (c.state === 'virq' && virqType(c.virq) === 'vcpu'))) {
          if (res.ret !== -22 || c.notify !== before) fail(`bind_vcpu moved a ${c.state} port (§9.5)`);
        }
        break;
      }
      case 'take':
        if (xen.takeUpcall(self)) handleUpcall(self, op.b);
        if (op.c % 2) xen.takeNmi(self);
        break;
      case 'irq':
        sh.setUpcallMask(self, (op.b % 2) as 0 | 1);
        break;
      case 'block': {
        const res = hc(self, 'SCHEDOP_block', {});
        // 6.2.2: events are enabled first, and the vCPU never sleeps with an upcall to take.
        if (sh.upcallMask(self) !== 0) fail('SCHEDOP_block left the upcall mask set (6.2.2)');
        if (res.descheduled && sh.upcallPending(self)) fail('blocked with an upcall pending: lost wakeup (6.2.2)');
        break;
      }
      case 'poll': {
        const list = Array.from({ length: 1 + (op.b % 3) }, (_, i) => pickPort(op.c + i * 7));
        const timeout = op.b % 2 ? rig.sim.now + op.c * 500 : undefined;
        hc(self, 'SCHEDOP_poll', { ports: list, timeout });
        break;
      }
      case 'yield':
        hc(self, 'SCHEDOP_yield', {});
        break;
      case 'initialise': {
        const vcpu = target(op.b);
        const was = vcpu < n && xen.vcpus[vcpu].initialised;
        const res = hc(self, 'VCPUOP_initialise', { vcpu });
        if (vcpu >= n && res.ret !== -2) fail(`initialise of vCPU ${vcpu} ≥ max → ${res.ret} (6.1.1)`);
        if (was && res.ret !== -17) fail(`second initialise → ${res.ret}, not -EEXIST (§9.8)`);
        break;
      }
      case 'up': {
        const vcpu = target(op.b);
        const init = vcpu < n && xen.vcpus[vcpu].initialised;
        const res = hc(self, 'VCPUOP_up', { vcpu });
        if (vcpu < n && !init && res.ret !== -22) fail(`up of an uninitialised vCPU → ${res.ret} (§9.8)`);
        if (vcpu < n && init && res.ret !== 0) fail(`up of an initialised vCPU → ${res.ret}`);
        break;
      }
      case 'down': {
        const vcpu = target(op.b);
        const othersUp = xen.vcpus.some((w) => w.id !== vcpu && !w.down);
        const res = hc(self, 'VCPUOP_down', { vcpu });
        if (vcpu < n && !othersUp && xen.shutdownReason !== 'poweroff') fail('downing the last vCPU did not power off (§9.9)');
        if (vcpu < n && res.ret !== 0) fail(`down → ${res.ret}`);
        break;
      }
      case 'is_up': {
        const vcpu = target(op.b);
        const res = hc(self, 'VCPUOP_is_up', { vcpu });
        const want = vcpu >= n ? -2 : xen.vcpus[vcpu].down ? 0 : 1;
        if (res.ret !== want) fail(`is_up(${vcpu}) → ${res.ret}, want ${want} (§9.8)`);
        break;
      }
      case 'preempt':
        xen.preempt(op.b % n, 1 + (op.c % 20) * 250_000);
        break;
      case 'nmi':
        hc(self, 'VCPUOP_send_nmi', { vcpu: target(op.b) });
        break;
      case 'timer':
        if (op.b % 3 === 0) hc(self, 'VCPUOP_set_singleshot_timer', { vcpu: self, timeout_abs_ns: rig.sim.now + op.c * 1000 - 100_000 });
        else if (op.b % 3 === 1) hc(self, 'VCPUOP_set_periodic_timer', { vcpu: target(op.c), period_ns: 500_000 + op.c * 1000 });
        else hc(self, 'VCPUOP_stop_periodic_timer', { vcpu: target(op.c) });
        break;
      case 'vcpu_info':
        hc(self, 'VCPUOP_register_vcpu_info', { vcpu: target(op.b) });
        break;
      case 'fifo':
        if (op.b % 2) hc(self, 'EVTCHNOP_init_control', { vcpu: target(op.c) });
        else hc(self, 'EVTCHNOP_expand_array', {});
        break;
      case 'mm': {
        const mfn = MFNS[op.c % MFNS.length];
        const ops = ['MMUEXT_PIN_L4_TABLE', 'MMUEXT_UNPIN_TABLE', 'MMUEXT_NEW_BASEPTR', 'HYPERVISOR_update_va_mapping'];
        hc(self, ops[op.b % 4], { mfn, writable: op.a % 2 === 0 });
        break;
      }
      case 'virq':
        xen.sendGuestVirq(op.b % n, op.c % 2 ? 0 : 2);
        break;
      case 'remote':
        xen.remoteSend(pickPort(op.b));
        break;
    }
    // §9.10 after every step: one runstate at a time, times sum to the elapsed time.
    for (const v of xen.vcpus) {
      const sum = v.timesAt(rig.sim.now).reduce((a, b) => a + b, 0);
      if (sum !== rig.sim.now - xen.createdAt) fail(`vCPU ${v.id} runstate times sum to ${sum} (§9.10)`);
      if ((v.runstate === 'running') !== (v.pcpu >= 0)) fail(`vCPU ${v.id} ${v.runstate} on pCPU ${v.pcpu}`);
    }
  }
  if (!rig.sim.isStopped) rig.run(2_000_000);
  violations.push(...checkRun(rig));
  return { rig, violations };
}

/** Whole-run checks over the trace and the hook calls. */
export function checkRun(rig: TestRig): string[] {
  const out: string[] = [];
  const evs: TraceEvent[] = rig.since(0);
  const mask = new Map<number, number>();
  const pend = new Map<number, number>();
  const lastState = new Map<number, string>();
  const upAt = new Set<number>([0]);
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i];
    if (e.k === 'upcall') {
      // §9.3: delivered only with pending=1 and mask=0; delivery sets the mask.
      const prev = evs[i - 1];
      if (!(prev?.k === 'umask' && prev.vcpu === e.vcpu && prev.v === 1)) out.push(`upcall on ${e.vcpu} without setting the mask (§9.3)`);
      if ((pend.get(e.vcpu) ?? 0) !== 1) out.push(`upcall on ${e.vcpu} with nothing pending (5.3.4)`);
    }
    if (e.k === 'umask') {
      const next = evs[i + 1];
      if (next?.k === 'upcall' && next.vcpu === e.vcpu && (mask.get(e.vcpu) ?? 0) !== 0) out.push(`upcall while mask == 1 (§9.3)`);
      mask.set(e.vcpu, e.v);
    }
    if (e.k === 'upend') pend.set(e.vcpu, e.v);
    if (e.k === 'bind' && e.port === 0) out.push('port 0 bound (§9.6)');
    if (e.k === 'vcpu' && e.up === 1) upAt.add(e.vcpu);
    if (e.k === 'runstate') {
      // §9.10: sleep → running always via runnable; §9.9: nothing runs before it is up.
      if (e.state === 'running' && lastState.get(e.vcpu) !== 'runnable') out.push(`vCPU ${e.vcpu} ran without being runnable first (§9.10)`);
      if (e.state !== 'offline' && !upAt.has(e.vcpu)) out.push(`vCPU ${e.vcpu} left offline before VCPUOP_up (§9.9)`);
      lastState.set(e.vcpu, e.state);
    }
  }
  // §9.2: a kick only follows an upcall_pending 0→1 (or an NMI) for that vCPU, KICK_NS earlier.
  for (const k of rig.hooks('kick')) {
    const cause = evs.some((e) => e.t === k.t - KICK_NS && ((e.k === 'upend' && e.v === 1) || e.k === 'nmi') && e.vcpu === k.vcpu);
    if (!cause) out.push(`kick of ${k.vcpu} at ${k.t} without an upcall_pending 0→1 (§9.2)`);
  }
  return out;
}

/** Differences between the folded trace and the model (empty = they agree). */
export function foldDiff(rig: TestRig): string[] {
  const out: string[] = [];
  const s = emptyState();
  for (let i = 0; i < rig.trace.length; i++) applyEvent(s, rig.trace.cols.get(i));
  const { xen } = rig;
  const sh = xen.shared;
  const now = rig.sim.now;
  const eq = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${what}: fold ${JSON.stringify(a)} ≠ model ${JSON.stringify(b)}`);
  };
  for (const v of xen.vcpus) {
    const f = s.vcpus[v.id];
    const fv = f ?? { initialised: false, up: false, runstate: 'offline', pcpu: -1, upcallMask: 0, upcallPending: 0, pendingSel: [], ready: [], polling: null, cr3: -1 };
    eq(`vcpu ${v.id} initialised`, fv.initialised, v.initialised);
    eq(`vcpu ${v.id} up`, fv.up, !v.down);
    eq(`vcpu ${v.id} runstate`, fv.runstate, v.runstate);
    eq(`vcpu ${v.id} pcpu`, fv.pcpu, v.pcpu);
    eq(`vcpu ${v.id} upcall_mask`, fv.upcallMask, sh.upcallMask(v.id));
    eq(`vcpu ${v.id} upcall_pending`, fv.upcallPending, sh.upcallPending(v.id));
    eq(`vcpu ${v.id} pending_sel`, fv.pendingSel, sh.pendingSel(v.id));
    const ready = sh.hasControlBlock(v.id) ? [...Array(FIFO_PRIORITIES).keys()].filter((p) => sh.fifoReady(v.id) & (1 << p)) : [];
    eq(`vcpu ${v.id} ready`, fv.ready, ready);
    eq(`vcpu ${v.id} polling`, fv.polling, v.polling ? v.pollPorts : null);
    eq(`vcpu ${v.id} cr3`, fv.cr3, v.cr3);
    if (f) {
      const t = [...f.runstateNs];
      t[RUNSTATES.indexOf(f.runstate)] += now - f.runstateSince;
      eq(`vcpu ${v.id} runstate times`, t, v.timesAt(now));
    }
  }
  const model = [...xen.evtchn.ports.allocated()];
  eq('allocated ports', Object.keys(s.ports).map(Number), model.map((c) => c.port));
  for (const c of model) {
    const f = s.ports[c.port];
    if (!f) continue;
    eq(`port ${c.port} type`, f.type, c.state);
    eq(`port ${c.port} vcpu`, f.vcpu, c.notify);
    eq(`port ${c.port} pending`, f.pending, c.port < sh.portLimit && sh.isPending(c.port));
    eq(`port ${c.port} masked`, f.masked, c.port < sh.portLimit && sh.isMasked(c.port));
    const linked = sh.abi === 'fifo' && sh.fifoWord(c.port).linked;
    eq(`port ${c.port} linked`, f.linked, linked);
  }
  for (let p = 0; p < xen.pcpus; p++) {
    const v = xen.sched.pcpuView(p);
    eq(`pcpu ${p}`, { dom: s.pcpus[p]?.dom, vcpu: s.pcpus[p]?.vcpu }, v);
  }
  for (const mfn of MFNS) eq(`pinned ${mfn}`, s.pinned[mfn] === true, xen.mm.isPinned(mfn));
  eq('shutdown', s.shutdown, xen.shutdownReason);
  return out;
}
