// Scenario types: `ScenarioInput` is what a file or link holds (CONTRACT.md, version
// 1: durations may be strings with units); `Scenario` is the validated, defaulted
// form the engine runs (every duration in integer nanoseconds).

import type { EvtchnAbi, GuestType } from '../xen/api';

export type KernelEra = '4.0' | '2.6.23';
export const KERNEL_ERAS: KernelEra[] = ['4.0', '2.6.23'];

export type IpiVectorName = 'RESCHEDULE' | 'CALL_FUNCTION' | 'CALL_FUNCTION_SINGLE' | 'IRQ_WORK' | 'NMI';
export const IPI_VECTORS: IpiVectorName[] = ['RESCHEDULE', 'CALL_FUNCTION', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK', 'NMI'];

/** A target set: explicit CPU list or one of the Linux send helpers. */
export type CpuTarget = number[] | 'all' | 'allbutself' | 'self';

export type Step =
  | { at: number; do: 'cpu_down' | 'cpu_up'; cpu: number }
  | { at: number; do: 'vcpu_set'; count: number }
  | { at: number; do: 'ipi'; from: number; to: CpuTarget; vector: IpiVectorName | number }
  | { at: number; do: 'call_function'; from: number; to: CpuTarget; wait: boolean }
  | { at: number; do: 'preempt'; vcpu: number; for: number }
  | { at: number; do: 'irq'; cpu: number; enable: boolean }
  | { at: number; do: 'mask' | 'unmask'; port?: number; name?: string }
  | { at: number; do: 'hypercall'; vcpu: number; op: string; args: Record<string, unknown> }
  | { at: number; do: 'exit_mm'; cpu: number; lazy_on: number[]; skip_drop_mm_ref: boolean }
  | { at: number; do: 'spin_lock'; holder: number; waiters: number[]; hold: number }
  | { at: number; do: 'stop_other_cpus'; from: number };

export type StepKind = Step['do'];
export const STEP_KINDS: StepKind[] = [
  'cpu_down',
  'cpu_up',
  'vcpu_set',
  'ipi',
  'call_function',
  'preempt',
  'irq',
  'mask',
  'unmask',
  'hypercall',
  'exit_mm',
  'spin_lock',
  'stop_other_cpus',
];

/** A duration as written in a scenario: integer nanoseconds or a string such as "250us", "40ms", "1.5s". */
export type DurationInput = number | string;

type OptionalInInput = 'lazy_on' | 'skip_drop_mm_ref' | 'args';
type StepInputOf<S> = S extends Step
  ? { at?: DurationInput } & {
      [K in Exclude<keyof S, 'at' | OptionalInInput>]: K extends 'for' | 'hold' ? DurationInput : S[K];
    } & { [K in Extract<keyof S, OptionalInInput>]?: S[K] }
  : never;
/** A step as written in a scenario (`at` defaults to 0; durations may carry units). */
export type StepInput = StepInputOf<Step>;

/**
 * A scenario as a file or link holds it (CONTRACT.md, version 1). Every field but
 * `version` is optional; `validateScenario` checks it and fills in the defaults.
 */
export interface ScenarioInput {
  version: 1;
  title?: string;
  /** One line: what this scenario teaches (shown with presets). */
  goal?: string;
  notes?: string[];
  seed?: number;
  kernel?: KernelEra;
  host?: {
    pcpus?: number;
    sched?: { tslice_ms?: number; ratelimit_us?: number };
  };
  guest?: {
    type?: GuestType;
    dom0?: boolean;
    vcpus?: number;
    dom0_max_vcpus?: string | null;
    madt_cpus?: number;
    cmdline?: string;
    hotplug?: boolean;
    nr_cpus?: number;
    evtchn?: EvtchnAbi;
    bits?: 64 | 32;
    vcpu_info_placement?: boolean;
  };
  steps?: StepInput[];
  until?: DurationInput | null;
}

export interface Scenario {
  version: 1;
  title: string;
  /** One line: what this scenario teaches. */
  goal?: string;
  /** Optional speaker notes per step index or free text (presenter mode). */
  notes?: string[];
  seed: number;
  kernel: KernelEra;
  host: {
    pcpus: number;
    sched: { tslice_ms: number; ratelimit_us: number };
  };
  guest: {
    type: GuestType;
    dom0: boolean;
    /**
     * vCPUs Xen creates for the domain. domU: `guest.vcpus` as given. dom0: resolved from
     * `dom0_max_vcpus` and `host.pcpus` by Xen's rule (xen-facts 6.5; see validate.ts).
     */
    vcpus: number;
    /** Xen syntax; only used when dom0 is true. */
    dom0_max_vcpus: string | null;
    madt_cpus: number;
    cmdline: string;
    hotplug: boolean;
    nr_cpus: number;
    evtchn: EvtchnAbi;
    bits: 64 | 32;
    vcpu_info_placement: boolean;
  };
  steps: Step[];
  /** Stop time in ns, or null: run until nothing is left to do. */
  until: number | null;
}

/** The parsed Linux command line (only the options the playground models; see cmdline.ts). */
export interface Cmdline {
  /** The last `maxcpus=N` given, or null. */
  maxcpus: number | null;
  /** `nosmp` was given. */
  nosmp: boolean;
  /** `noapic` was given. */
  noapic: boolean;
  /** `nopvspin` (or Linux 4.0's `xen_nopvspin`) was given. */
  nopvspin: boolean;
  /** The effective `nr_cpus=`: the smallest positive value given (Linux's nrcpus() only lowers nr_cpu_ids), or null. */
  nr_cpus: number | null;
  /** Linux's setup_max_cpus after every option in order (nosmp → 0, maxcpus=N → N); null: untouched (NR_CPUS). */
  setup_max_cpus: number | null;
  /** Linux's skip_ioapic_setup: set by noapic, nosmp or any maxcpus=0 (disable_ioapic_support). */
  skip_ioapic_setup: boolean;
  /** Arguments the playground does not model, as written (Linux hands them on to init). */
  ignored: string[];
}

/** A validation failure: the JSON path of the field and the rule it broke. */
export interface ScenarioError {
  path: string;
  message: string;
}

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; error: ScenarioError };

/** Resource limits enforced by validation (a link from a stranger must not hang the page). */
export const LIMITS = {
  maxVcpus: 512,
  maxPcpus: 512,
  maxSteps: 10_000,
  maxTitle: 200,
  maxGoal: 300,
  maxUntilNs: 600_000_000_000, // 10 minutes of virtual time
  maxTraceEvents: 2_000_000,
  maxInputBytes: 1_000_000,
  maxNotes: 1_000,
  maxNoteLength: 2_000,
} as const;
