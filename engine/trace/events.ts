// The trace contract between the engine and everything that reads a run (UI, CLI,
// exporters, tests). A trace is an append-only list of typed events; each kind has a
// fixed list of fields, declared once here. docs/TRACE.md explains every kind.
//
// Field types: `i` integer (int32), `s` string, `j` JSON value (stored as canonical
// text). A trailing `?` marks an optional field (absent = omitted from the canonical
// line). Times are integer nanoseconds of virtual time.

export const SCHEMA = {
  // --- Xen: hypercalls, scheduling, vCPU flags ---------------------------------
  /**
   * A hypercall issued by a vCPU, with the integer result the guest sees (`errno` names
   * a negative result) and `out`, the out-parameters Xen wrote (e.g. `{port}` for a
   * bind). Emitted at issue time, before the events it causes.
   */
  hc: ['vcpu:i', 'op:s', 'args:j', 'ret:i', 'errno:s?', 'out:j?'],
  /** Runstate change of a guest vCPU (running/runnable/blocked/offline) and its pCPU (-1 if not running). */
  runstate: ['vcpu:i', 'state:s', 'pcpu:i'],
  /** What a pCPU runs now: a guest vCPU, another domain's vCPU (`other`), or nothing (`idle`). */
  pcpu: ['pcpu:i', 'dom:s', 'vcpu:i'],
  /** Xen's per-vCPU flags changed: initialised (VCPUOP_initialise done), up (no _VPF_down). */
  vcpu: ['vcpu:i', 'initialised:i', 'up:i'],
  /** The guest domain was created: its vCPUs, event ABI and port limit, the host's pCPUs, guest type and word size. */
  domain: ['max_vcpus:i', 'dom0:i', 'abi:s', 'max_port:i', 'pcpus:i', 'type:s?', 'bits:i?'],
  /** A pending NMI was set on a vCPU (VCPUOP_send_nmi). */
  nmi: ['vcpu:i'],

  // --- Xen: event channels ------------------------------------------------------
  /** Xen allocated `port` (state ipi/virq/unbound/interdomain) notifying `vcpu`. */
  bind: ['port:i', 'type:s', 'vcpu:i', 'virq:s?'],
  /** EVTCHNOP_bind_vcpu moved a port's notify vCPU. */
  rebind: ['port:i', 'vcpu:i'],
  /** The port was closed (freed; pending cleared). */
  close: ['port:i'],
  /** PENDING bit of a port changed. */
  pend: ['port:i', 'v:i'],
  /** A send found PENDING already set: coalesced, no new upcall (fact 5.3.1). */
  coalesce: ['port:i'],
  /** MASK bit of a port changed. */
  mask: ['port:i', 'v:i'],
  /** Every MASK bit was set (v=1) at once: Linux masks all channels at init (fact 5.1.8). */
  mask_all: ['v:i'],
  /** Selector bit `word` of a vCPU's evtchn_pending_sel changed (2-level ABI). */
  sel: ['vcpu:i', 'word:i', 'v:i'],
  /** evtchn_upcall_pending of a vCPU changed. */
  upend: ['vcpu:i', 'v:i'],
  /** evtchn_upcall_mask of a vCPU changed. */
  umask: ['vcpu:i', 'v:i'],
  /** Xen delivered an upcall (bounce frame) to the vCPU. */
  upcall: ['vcpu:i'],
  /** FIFO ABI: LINKED bit of a port changed; `prio` is its queue. */
  link: ['port:i', 'v:i', 'prio:i'],
  /** FIFO ABI: READY bit of a priority on a vCPU changed. */
  ready: ['vcpu:i', 'prio:i', 'v:i'],
  /** A vCPU's poll state: blocked in SCHEDOP_poll on these ports (v=1) or released (v=0). */
  poll: ['vcpu:i', 'v:i', 'ports:j'],

  // --- Xen: memory management ---------------------------------------------------
  /** Pin state of a pagetable (by mfn) changed. */
  pin: ['mfn:i', 'v:i'],
  /** The cr3 Xen has loaded for a vCPU (the *actual* cr3, xen_current_cr3). */
  cr3: ['vcpu:i', 'mfn:i'],

  // --- Linux: irqs, IPIs, cpumasks, states ---------------------------------------
  /** Linux bound an irq to a port: a /proc/interrupts row (chip `xen-percpu`, kind `-ipi`/`-virq`). */
  irq: ['irq:i', 'port:i', 'cpu:i', 'name:s', 'chip:s', 'type:s'],
  /** Linux freed an irq (its port was closed just before). */
  irq_free: ['irq:i'],
  /** An IPI send by the guest (before its EVTCHNOP_send / VCPUOP_send_nmi). */
  ipi_send: ['from:i', 'to:i', 'vector:s', 'port:i'],
  /** An irq handler ran on `cpu` (counts in /proc/interrupts); `vector` is set for IPIs. */
  handle: ['cpu:i', 'irq:i', 'port:i', 'name:s', 'vector:s?'],
  /** A bit of a Linux cpumask changed (`possible`, `present`, `online`). */
  cpumask: ['mask:s', 'cpu:i', 'v:i'],
  /** nr_cpu_ids changed. */
  nr_cpu_ids: ['n:i'],
  /** Linux hotplug state of a CPU: online, offline, bringup, dying, dead. */
  lstate: ['cpu:i', 'state:s'],
  /** A kernel console (printk) line. */
  console: ['cpu:i', 'text:s'],
  /** A kernel function was entered / left on `cpu`; `depth` is the stack depth after entry. */
  fn: ['cpu:i', 'name:s', 'depth:i'],
  fn_exit: ['cpu:i', 'name:s', 'depth:i'],
  /** What the kernel is doing now and why, in plain words; `fact` cites xen-facts.md. */
  narrate: ['cpu:i', 'text:s', 'fn:s?', 'fact:s?'],
  /** A PV spinlock event: acquire, spin, wait (poll), kick, release. */
  lock: ['cpu:i', 'lock:i', 'action:s', 'other:i?'],
  /** smp_call_function bookkeeping: a call `id` queued for, run on, or completed by `cpu`. */
  call: ['id:i', 'cpu:i', 'phase:s', 'func:s'],

  // --- Run --------------------------------------------------------------------------
  /** A scenario step was applied. */
  step: ['index:i', 'do:s', 'detail:j'],
  /** The guest panicked. */
  panic: ['cpu:i', 'text:s'],
  /** Xen shut the domain down (poweroff, crash, ...). */
  shutdown: ['reason:s'],
} as const;

export type Kind = keyof typeof SCHEMA;
export const KIND_NAMES = Object.keys(SCHEMA) as Kind[];
export const KIND_ID: Record<Kind, number> = Object.fromEntries(
  KIND_NAMES.map((k, i) => [k, i]),
) as Record<Kind, number>;

type FieldSpec = (typeof SCHEMA)[Kind][number];
type FieldName<F> = F extends `${infer N}:${string}` ? N : never;
type FieldType<F> = F extends `${string}:i${string}` ? number : F extends `${string}:s${string}` ? string : unknown;
type IsOptional<F> = F extends `${string}?` ? true : false;

type Fields<K extends Kind> = {
  [F in (typeof SCHEMA)[K][number] as IsOptional<F> extends true ? never : FieldName<F>]: FieldType<F>;
} & {
  [F in (typeof SCHEMA)[K][number] as IsOptional<F> extends true ? FieldName<F> : never]?: FieldType<F>;
};

/** One event as an object: `{ t, k, ...fields }`. */
export type EventOf<K extends Kind> = { t: number; k: K } & Fields<K>;
export type TraceEvent = { [K in Kind]: EventOf<K> }[Kind];
/** The fields of an event of kind K, without t and k (what emitters pass). */
export type FieldsOf<K extends Kind> = Fields<K>;

export interface FieldDef {
  name: string;
  type: 'i' | 's' | 'j';
  optional: boolean;
}

export const FIELDS: Record<Kind, FieldDef[]> = Object.fromEntries(
  KIND_NAMES.map((k) => [
    k,
    (SCHEMA[k] as readonly FieldSpec[]).map((spec) => {
      const [name, t] = spec.split(':');
      return { name, type: t[0] as FieldDef['type'], optional: t.endsWith('?') };
    }),
  ]),
) as Record<Kind, FieldDef[]>;

/** Most int and string fields any kind has: the column layout of the binary form. */
export const INT_COLS = Math.max(...KIND_NAMES.map((k) => FIELDS[k].filter((f) => f.type === 'i').length));
export const STR_COLS = Math.max(...KIND_NAMES.map((k) => FIELDS[k].filter((f) => f.type !== 'i').length));
