// Scenario validation (CONTRACT.md, version 1): strict, total and specific.
//
// `validateScenario(input)` never throws, whatever `input` is. It returns the validated,
// defaulted `Scenario`, or the FIRST error found as `{ path, message }`: `path` is a JSON
// path (`guest.vcpus`, `steps[3].cpu`, `host.sched.tslice_ms`; "" for the whole
// document) and `message` states the rule. Unknown fields are errors (typos must not be
// silently ignored), with a "did you mean" hint when a known field is close.
//
// Order of checks: the root is an object → `version` → unknown top-level fields →
// title, notes, seed, kernel, host, guest, until, steps. Inside an object, unknown fields
// are reported before the known ones are checked.
//
// Decisions on points CONTRACT.md leaves open (documented here and in the tests):
//  * `version` is required. A larger integer gets "version N is newer than this
//    playground understands (1)".
//  * `title` is plain text on one line: ≤ 200 characters (code points), no control
//    characters, valid Unicode. It is always shown as text, never as HTML. Default "".
//  * `notes` (presenter speaker notes): ≤ LIMITS.maxNotes strings of ≤ LIMITS.maxNoteLength
//    characters; newlines and tabs allowed. An empty list is the same as no notes
//    (the Scenario then has no `notes` key).
//  * dom0-only fields: `guest.dom0_max_vcpus` and `guest.madt_cpus` given for a domU are
//    errors ("only applies when guest.dom0 is true"); `guest.vcpus` given for dom0 is an
//    error too, because Xen sizes dom0 itself. For dom0 the Scenario's `guest.vcpus` is
//    the count Xen creates, resolved like Xen's dom0_max_vcpus() (xen-facts 6.5): start at
//    host.pcpus, raise to min, lower to max, clamp to 8192 (PV) or 128 (PVH); it must come
//    out 1..512. The count comes from engine/xen/dom0.ts's `dom0VcpuCount` (the engine's
//    own); the syntax check is local and stricter than Xen (parseDom0MaxVcpusSpec).
//    `null` is accepted for dom0_max_vcpus and means "not given".
//  * Xen has no HVM dom0: dom0 must be "pv" or "pvh". HVM and PVH domains have at most
//    128 vCPUs (Xen's HVM_MAX_VCPUS).
//  * kernel "2.6.23" (the 2007 SMP commit) is PV-only, cannot be dom0 (mainline Linux
//    gained dom0 support in 2.6.37) and has no FIFO event channels (Linux 3.14).
//  * `evtchn`: "2l" (default) or "fifo". The default is "2l" even though a 4.0 kernel
//    would pick FIFO on a Xen that offers it: the 2-level ABI is the one the playground
//    draws bit by bit.
//  * `cmdline`: see cmdline.ts. Options the playground does not model are accepted and
//    ignored, as Linux hands them on to init; malformed values of the modelled ones
//    (`maxcpus=abc`, `nosmp=1`) are errors.
//  * `host.sched.ratelimit_us` above the timeslice is accepted (Xen warns and uses the
//    timeslice; the engine models that).
//  * `until`: a duration 1 ns..LIMITS.maxUntilNs; absent or null = run until nothing is
//    left to do.
//  * Steps: `at` defaults to 0 and must be ≤ `until` when `until` is set (a later step
//    would never run). After validation the steps are sorted by `at`, stably (steps with
//    equal `at` keep their order). Error paths use the index as written, before sorting.
//  * CPU and vCPU numbers in steps must be < the guest's vCPU count (see dom0 above).
//    CPU lists have no duplicates; a spin_lock's waiters exclude its holder; an exit_mm's
//    lazy_on excludes the exiting CPU. `lazy_on` defaults to [] and `skip_drop_mm_ref`
//    to false; every other step field is required.
//  * `vcpu_set.count` is 1..512: a count above the domain's maximum is valid input so
//    that the run can show the toolstack's refusal.
//  * `mask`/`unmask` take exactly one of `port` (0..the ABI's last port: 4095, 1023 for
//    32-bit 2L, 131071 for FIFO) or `name`, a per-CPU name as in /proc/interrupts
//    (`timerN`, `reschedN`, `callfuncN`, `callfuncsingleN`, `irqworkN`, `debugN`,
//    `spinlockN`) with N a vCPU of the guest.
//  * `hypercall`: `op` is one of HYPERCALLS; `args` (default {}) is checked per op
//    (HYPERCALL_ARGS below). Raw arguments may be out of range on purpose (that is how a
//    student sees -ENOENT or -EINVAL) but must be integers within int32; SCHEDOP_poll's
//    `ports` may exceed Xen's 128 (to show its -EINVAL) up to 4096 for safety. VIRQ and
//    shutdown-reason names are kept as written (`virqNumber`/`shutdownReasonNumber` map
//    them); durations in args are converted to ns like every other duration.

import { HYPERCALLS, type GuestType, type HypercallOp } from '../xen/api';
import { HVM_MAX_VCPUS, UINT_MAX, dom0VcpuCount, type Dom0MaxVcpus } from '../xen/dom0';
import { VIRQ } from '../xen/virq';
import { formatDuration, parseDuration } from '../sim/time';
import { hasLoneSurrogate, isScenarioError, parseCmdline } from './cmdline';
import { DEFAULTS } from './defaults';
import {
  IPI_VECTORS,
  KERNEL_ERAS,
  LIMITS,
  STEP_KINDS,
  type CpuTarget,
  type IpiVectorName,
  type KernelEra,
  type Scenario,
  type ScenarioError,
  type Step,
  type StepKind,
  type ValidationResult,
} from './types';

// ---------------------------------------------------------------------------------
// Field tables (also used by the UI for help and by tests)

export const TOP_FIELDS = ['version', 'title', 'goal', 'notes', 'seed', 'kernel', 'host', 'guest', 'steps', 'until'] as const;
export const HOST_FIELDS = ['pcpus', 'sched'] as const;
export const SCHED_FIELDS = ['tslice_ms', 'ratelimit_us'] as const;
export const GUEST_FIELDS = [
  'type',
  'dom0',
  'vcpus',
  'dom0_max_vcpus',
  'madt_cpus',
  'cmdline',
  'hotplug',
  'nr_cpus',
  'evtchn',
  'bits',
  'vcpu_info_placement',
] as const;

/** The fields each step kind takes besides `at` and `do`. */
export const STEP_FIELDS: Readonly<Record<StepKind, readonly string[]>> = {
  cpu_down: ['cpu'],
  cpu_up: ['cpu'],
  vcpu_set: ['count'],
  ipi: ['from', 'to', 'vector'],
  call_function: ['from', 'to', 'wait'],
  preempt: ['vcpu', 'for'],
  irq: ['cpu', 'enable'],
  mask: ['port', 'name'],
  unmask: ['port', 'name'],
  hypercall: ['vcpu', 'op', 'args'],
  exit_mm: ['cpu', 'lazy_on', 'skip_drop_mm_ref'],
  spin_lock: ['holder', 'waiters', 'hold'],
  stop_other_cpus: ['from'],
};

/** Xen's VIRQ numbers, as the hypervisor model knows them (engine/xen/virq.ts). */
export const VIRQS: Readonly<Record<string, number>> = VIRQ;

/** Xen's SHUTDOWN_* reasons a guest gives (public/sched.h; as engine/xen/hypercalls/schedop.ts). */
export const SHUTDOWN_REASONS: Readonly<Record<string, number>> = {
  poweroff: 0,
  reboot: 1,
  suspend: 2,
  crash: 3,
  watchdog: 4,
};

/** A validated `virq` argument as a number (`"TIMER"`, `"VIRQ_TIMER"` or a number). */
export function virqNumber(v: string | number): number {
  if (typeof v === 'number') return v;
  const name = v.startsWith('VIRQ_') ? v.slice(5) : v;
  return Object.prototype.hasOwnProperty.call(VIRQS, name) ? VIRQS[name] : -1;
}

/** A validated `reason` argument as a number (`"poweroff"` or a number). */
export function shutdownReasonNumber(v: string | number): number {
  if (typeof v === 'number') return v;
  return Object.prototype.hasOwnProperty.call(SHUTDOWN_REASONS, v) ? SHUTDOWN_REASONS[v] : -1;
}

/**
 * Argument kinds of raw hypercalls: `int32` any 32-bit signed integer (out-of-range ids
 * are allowed on purpose); `int32List` a list of them (≤ MAX_ARG_LIST); `virq` a VIRQS
 * name or an int32; `reason` a SHUTDOWN_REASONS name or an int32; `duration` ns or a
 * string with a unit; `uint` a non-negative safe integer (frames, addresses); `bool`.
 */
export type HypercallArgKind = 'int32' | 'int32List' | 'virq' | 'reason' | 'duration' | 'uint' | 'bool';
export interface HypercallArgSpec {
  kind: HypercallArgKind;
  required: boolean;
}
export const MAX_ARG_LIST = 4096;

const req = (kind: HypercallArgKind): HypercallArgSpec => ({ kind, required: true });
const opt = (kind: HypercallArgKind): HypercallArgSpec => ({ kind, required: false });
const VCPU = { vcpu: req('int32') };
const PORT = { port: req('int32') };
const MFN = { mfn: req('uint') };

/**
 * The `args` each raw hypercall takes: CONTRACT.md's list, plus the optional extras the
 * hypervisor model reads (engine/xen/hypercalls/*): VCPUOP_initialise `cr3` (frame of
 * the new pagetable base) and `online` (VGCF_online); register_runstate_memory_area
 * `addr`; register_vcpu_info `mfn`/`offset`; set_periodic_timer `period_ns`;
 * set_singleshot_timer `timeout_abs_ns` and `future` (VCPU_SSHOTTMR_future);
 * bind_virq's `vcpu` defaults to 0; alloc_unbound `dom`/`remote_dom`; init_control
 * `vcpu` (default: the caller) and `offset`; set_priority `port`/`priority`;
 * update_va_mapping `mfn`/`writable`; xen_version `cmd`.
 */
export const HYPERCALL_ARGS: Readonly<Record<HypercallOp, Readonly<Record<string, HypercallArgSpec>>>> = {
  VCPUOP_initialise: { vcpu: req('int32'), cr3: opt('uint'), online: opt('bool') },
  VCPUOP_up: VCPU,
  VCPUOP_down: VCPU,
  VCPUOP_is_up: VCPU,
  VCPUOP_register_vcpu_info: { vcpu: req('int32'), mfn: opt('uint'), offset: opt('int32') },
  VCPUOP_register_runstate_memory_area: { vcpu: req('int32'), addr: opt('uint') },
  VCPUOP_send_nmi: VCPU,
  VCPUOP_set_periodic_timer: { vcpu: req('int32'), period_ns: req('duration') },
  VCPUOP_stop_periodic_timer: VCPU,
  VCPUOP_set_singleshot_timer: { vcpu: req('int32'), timeout_abs_ns: req('duration'), future: opt('bool') },
  VCPUOP_stop_singleshot_timer: VCPU,
  EVTCHNOP_bind_ipi: VCPU,
  EVTCHNOP_bind_virq: { virq: req('virq'), vcpu: opt('int32') },
  EVTCHNOP_send: PORT,
  EVTCHNOP_close: PORT,
  EVTCHNOP_unmask: PORT,
  EVTCHNOP_status: PORT,
  EVTCHNOP_bind_vcpu: { port: req('int32'), vcpu: req('int32') },
  EVTCHNOP_alloc_unbound: { dom: opt('int32'), remote_dom: opt('int32') },
  EVTCHNOP_init_control: { vcpu: opt('int32'), offset: opt('int32') },
  EVTCHNOP_expand_array: {},
  EVTCHNOP_set_priority: { port: req('int32'), priority: req('int32') },
  SCHEDOP_yield: {},
  SCHEDOP_block: {},
  SCHEDOP_poll: { ports: req('int32List'), timeout: opt('duration') },
  SCHEDOP_shutdown: { reason: req('reason') },
  MMUEXT_PIN_L4_TABLE: MFN,
  MMUEXT_UNPIN_TABLE: MFN,
  MMUEXT_NEW_BASEPTR: MFN,
  MMUEXT_TLB_FLUSH_MULTI: { vcpus: req('int32List') },
  HYPERVISOR_update_va_mapping: { mfn: req('uint'), writable: opt('bool') },
  HYPERVISOR_xen_version: { cmd: opt('int32') },
};

/** Per-CPU event-channel names, as /proc/interrupts shows them (`resched1`). */
export const PORT_NAME_KINDS = ['timer', 'resched', 'callfunc', 'callfuncsingle', 'irqwork', 'debug', 'spinlock'] as const;


// ---------------------------------------------------------------------------------
// dom0_max_vcpus (xen-facts 6.5)

const DOM0_SYNTAX = 'must be Xen\'s dom0_max_vcpus syntax N, N-, N-M or -M (e.g. "4", "2-", "2-8", "-8")';

/**
 * Parses `dom0_max_vcpus` for validation (xen-facts 6.5.1): `N` → min = max = N (0 means
 * 1); `N-` → min N, no max (UINT_MAX); `N-M`; `-M` → min 1. Returns an error message for
 * anything else. Stricter than Xen, on purpose: numbers are decimal without leading zeros
 * (Xen's simple_strtoul would read `010` as octal 8 and `0x10` as 16) and at most
 * 2^32-1; Xen's accidental forms "" (= 1) and "-" (= max 0) are refused. On every string
 * this accepts, engine/xen/dom0.ts's `parseDom0MaxVcpus` (the engine's, Xen-exact parse)
 * gives the same min and max (tested).
 */
export function parseDom0MaxVcpusSpec(s: string): Dom0MaxVcpus | string {
  if (s.length > 32) return DOM0_SYNTAX;
  const m = /^(\d*)(-?)(\d*)$/.exec(s);
  if (!m || (m[1] === '' && m[3] === '') || (m[1] === '' && m[2] === '') || (m[2] === '' && m[3] !== '')) {
    return DOM0_SYNTAX;
  }
  for (const d of [m[1], m[3]]) {
    if (d.length > 1 && d.startsWith('0')) return `${DOM0_SYNTAX}; write numbers without leading zeros`;
    if (d.length > 10 || Number(d) > 0xffffffff) return `number too large in dom0_max_vcpus "${s}"`;
  }
  if (m[1] === '') return { min: 1, max: Number(m[3]) }; // -M
  const min = Math.max(1, Number(m[1]));
  if (m[2] === '') return { min, max: min }; // N
  if (m[3] === '') return { min, max: UINT_MAX }; // N-
  return { min, max: Number(m[3]) }; // N-M
}

// ---------------------------------------------------------------------------------
// Entry points

/** Validates a parsed scenario. Never throws. */
export function validateScenario(input: unknown): ValidationResult {
  try {
    return { ok: true, scenario: checkScenario(input) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: { path: e.path, message: e.message } };
    return { ok: false, error: { path: '', message: `could not read the scenario (${safeMessage(e)})` } };
  }
}

/**
 * Parses scenario JSON text and validates it. Never throws. Text over
 * LIMITS.maxInputBytes (UTF-8) is refused before parsing; a JSON syntax error gives
 * path "" and the parser's message with its position. A leading BOM is ignored.
 */
export function parseScenarioText(text: unknown): ValidationResult {
  if (typeof text !== 'string') return bad('', 'a scenario must be JSON text');
  const bytes = utf8Length(text, LIMITS.maxInputBytes);
  if (bytes > LIMITS.maxInputBytes) {
    return bad('', `the scenario is too large: over the limit of ${formatBytes(LIMITS.maxInputBytes)} of JSON text`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return bad('', 'the scenario is empty: expected a JSON object such as {"version": 1}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return bad('', jsonErrorMessage(e, body));
  }
  return validateScenario(parsed);
}

/** The validated scenario of `input`, or throws an Error naming path and rule (for tests and tools). */
export function mustValidate(input: unknown): Scenario {
  const r = validateScenario(input);
  if (!r.ok) throw new Error(`invalid scenario: ${r.error.path || '(root)'}: ${r.error.message}`);
  return r.scenario;
}

/** The first error as one line: `guest.vcpus: must be an integer 1..512 (got 0)`. */
export function formatScenarioError(e: ScenarioError): string {
  return e.path ? `${e.path}: ${e.message}` : e.message;
}

// ---------------------------------------------------------------------------------
// Machinery

class Invalid {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

function fail(path: string, message: string): never {
  throw new Invalid(path, message);
}

function bad(path: string, message: string): ValidationResult {
  return { ok: false, error: { path, message } };
}

function safeMessage(e: unknown): string {
  try {
    const m = e instanceof Error ? e.message : String(e);
    return m.length > 120 ? `${m.slice(0, 120)}…` : m;
  } catch {
    return 'unreadable value';
  }
}

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function get(o: Obj, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `path` + `.key`, or `["odd key"]`; very long keys are shortened. */
export function joinPath(path: string, key: string): string {
  if (key.length <= 40 && IDENT.test(key)) return path ? `${path}.${key}` : key;
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v);
  if (typeof v === 'number') return String(v);
  return String(v);
}

/** " (got …)" describing a wrong value; `hints` adds advice on quoted numbers and booleans. */
function got(v: unknown, hints = true): string {
  if (v === undefined) return '';
  if (v === null) return ' (got null)';
  if (typeof v === 'string') {
    if (!hints) return ` (got the string ${show(v)})`;
    if (/^\s*-?\d+(\.\d+)?\s*$/.test(v.length > 40 ? '' : v)) return ` (got the string ${show(v)}: write numbers without quotes)`;
    if (v === 'true' || v === 'false') return ` (got the string ${show(v)}: write true/false without quotes)`;
    return ` (got the string ${show(v)})`;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return ` (got ${String(v)})`;
  if (Array.isArray(v)) return ' (got a list)';
  if (typeof v === 'object') return ' (got an object)';
  return ` (got a ${typeof v})`;
}

function quoteList(xs: readonly (string | number)[]): string {
  const q = xs.map((x) => (typeof x === 'string' ? `"${x}"` : String(x)));
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transposition). */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = [];
  for (let i = 0; i <= m; i++) {
    d.push(new Array<number>(n + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** The closest candidate to `word` when it is plausibly a typo of it, else null. */
export function closest(word: string, candidates: readonly string[]): string | null {
  if (word.length === 0 || word.length > 40) return null;
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = w.length <= 2 ? 0 : w.length <= 4 ? 1 : 2;
  if (bestD <= limit) return best;
  // A cut-short name: "tslice" for "tslice_ms", "ratelimit" for "ratelimit_us".
  if (w.length >= 4) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(w));
    if (prefixed.length === 1) return prefixed[0];
  }
  return null;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c !== null ? ` (did you mean "${c}"?)` : '';
}

/** Rejects the first field of `o` not in `allowed`; `context` qualifies the message (` for "ipi" steps`). */
function checkKeys(o: Obj, path: string, allowed: readonly string[], context = ''): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const hint = closest(k, allowed);
      const msg =
        hint !== null
          ? `unknown field${context} (did you mean "${hint}"?)`
          : allowed.length > 0
            ? `unknown field${context}; expected ${allowed.join(', ')}`
            : `unknown field${context}, which takes none`;
      fail(joinPath(path, k), msg);
    }
  }
}

function object(v: unknown, path: string, example: string): Obj {
  if (!isPlainObject(v)) fail(path, `must be an object such as ${example}${got(v)}`);
  return v;
}

function int(v: unknown, path: string, lo: number, hi: number, rule?: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) return v + 0; // -0 → 0
  fail(path, `${rule ?? `must be an integer ${lo}..${hi}`}${got(v)}`);
}

function bool(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  fail(path, `must be true or false${got(v)}`);
}

function oneOf<T extends string | number>(v: unknown, path: string, options: readonly T[], note = ''): T {
  if ((options as readonly unknown[]).includes(v)) return v as T;
  let hint = '';
  if (typeof v === 'string' && v.length <= 40) {
    const lower = options.find((o) => typeof o === 'string' && o.toLowerCase() === v.toLowerCase());
    if (lower !== undefined) hint = ` (write "${lower}")`;
    else if (options.some((o) => typeof o === 'number' && String(o) === v)) hint = ' (write the number without quotes)';
    else if (options.every((o) => typeof o === 'string')) hint = didYouMean(v, options as readonly string[]).replace(/^ /, ' ');
  } else if (typeof v === 'number' && options.some((o) => typeof o === 'string' && (o === String(v) || Number(o) === v))) {
    hint = ' (write it as a string, in quotes)';
  }
  fail(path, `must be ${quoteList(options)}${note}${hint || got(v, !options.every((o) => typeof o === 'string'))}`);
}

const DURATION_RULE = 'must be a duration: integer nanoseconds or a string such as "250us", "40ms", "1.5s"';

function duration(v: unknown, path: string, lo: number, hi: number): number {
  const ns = parseDuration(v);
  if (ns === null) fail(path, `${DURATION_RULE}${got(v)}`);
  if (ns < lo) fail(path, lo === 1 ? `must be longer than 0${got(v)}` : `must be at least ${fmt(lo)}${got(v)}`);
  if (ns > hi) fail(path, `must be at most ${fmt(hi)}${got(v)}`);
  return ns;
}

function fmt(ns: number): string {
  return formatDuration(ns).replace(' ', '');
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE_TAB = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function text(v: unknown, path: string, maxChars: number, multiline: boolean): string {
  const what = multiline ? 'text' : 'plain text on one line';
  if (typeof v !== 'string') fail(path, `must be ${what} of at most ${maxChars} characters${got(v)}`);
  // Code points, but never count a huge string: 2 UTF-16 units per code point at most.
  const count = v.length > 2 * maxChars ? v.length : Array.from(v).length;
  if (count > maxChars) fail(path, `must be ${what} of at most ${maxChars} characters (got ${count})`);
  const c = (multiline ? CONTROL_BUT_NEWLINE_TAB : CONTROL).exec(v);
  if (c) {
    const code = `U+${c[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    fail(path, `must be ${what} (found control character ${code} at ${c.index})`);
  }
  if (hasLoneSurrogate(v)) fail(path, 'must be valid Unicode text (found an unpaired surrogate)');
  return v;
}

// ---------------------------------------------------------------------------------
// The scenario

interface Ctx {
  kernel: KernelEra;
  nvcpus: number;
  /** "the guest has 4 vCPUs" / "dom0 has 4 vCPUs (...)". */
  why: string;
  lastPort: number;
  portWhy: string;
  until: number | null;
}

function checkScenario(input: unknown): Scenario {
  if (!isPlainObject(input)) fail('', `a scenario must be a JSON object such as {"version": 1}${got(input)}`);
  const version = get(input, 'version');
  if (version === undefined) fail('version', 'missing: a scenario starts with "version": 1');
  if (version !== 1) {
    if (typeof version === 'number' && Number.isInteger(version) && version > 1) {
      fail('version', `version ${version} is newer than this playground understands (1)`);
    }
    fail('version', `must be 1${got(version)}`);
  }
  checkKeys(input, '', TOP_FIELDS);

  const titleV = get(input, 'title');
  const title = titleV === undefined ? DEFAULTS.title : text(titleV, 'title', LIMITS.maxTitle, false);
  const goalV = get(input, 'goal');
  const goal = goalV === undefined ? '' : text(goalV, 'goal', LIMITS.maxGoal, false);

  let notes: string[] | undefined;
  const notesV = get(input, 'notes');
  if (notesV !== undefined) {
    if (!Array.isArray(notesV)) fail('notes', `must be a list of strings (speaker notes)${got(notesV)}`);
    if (notesV.length > LIMITS.maxNotes) fail('notes', `must have at most ${LIMITS.maxNotes} entries (got ${notesV.length})`);
    notes = [];
    for (let i = 0; i < notesV.length; i++) notes.push(text(notesV[i], `notes[${i}]`, LIMITS.maxNoteLength, true));
    if (notes.length === 0) notes = undefined;
  }

  const seedV = get(input, 'seed');
  const seed = seedV === undefined ? DEFAULTS.seed : int(seedV, 'seed', 0, 0xffffffff, 'must be an integer 0..4294967295 (uint32)');

  const kernelV = get(input, 'kernel');
  const kernel: KernelEra = kernelV === undefined ? DEFAULTS.kernel : oneOf(kernelV, 'kernel', KERNEL_ERAS);

  // host
  let pcpus: number = DEFAULTS.pcpus;
  let tslice_ms: number = DEFAULTS.tslice_ms;
  let ratelimit_us: number = DEFAULTS.ratelimit_us;
  const hostV = get(input, 'host');
  if (hostV !== undefined) {
    const host = object(hostV, 'host', '{"pcpus": 4}');
    checkKeys(host, 'host', HOST_FIELDS);
    const p = get(host, 'pcpus');
    if (p !== undefined) pcpus = int(p, 'host.pcpus', 1, LIMITS.maxPcpus);
    const schedV = get(host, 'sched');
    if (schedV !== undefined) {
      const sched = object(schedV, 'host.sched', '{"tslice_ms": 30, "ratelimit_us": 1000}');
      checkKeys(sched, 'host.sched', SCHED_FIELDS);
      const t = get(sched, 'tslice_ms');
      if (t !== undefined) tslice_ms = int(t, 'host.sched.tslice_ms', 1, 1000, "must be an integer 1..1000 (Xen's sched_credit_tslice_ms)");
      const r = get(sched, 'ratelimit_us');
      if (r !== undefined) {
        const rule = "must be 0 (off) or an integer 100..500000 (Xen's sched_ratelimit_us)";
        ratelimit_us = int(r, 'host.sched.ratelimit_us', 0, 500000, rule);
        if (ratelimit_us > 0 && ratelimit_us < 100) fail('host.sched.ratelimit_us', `${rule} (got ${ratelimit_us})`);
      }
    }
  }

  // guest
  const guestV = get(input, 'guest');
  const guest = guestV === undefined ? {} : object(guestV, 'guest', '{"type": "pv", "vcpus": 4}');
  checkKeys(guest, 'guest', GUEST_FIELDS);
  const g = (k: (typeof GUEST_FIELDS)[number]) => get(guest, k);

  const typeV = g('type');
  const type: GuestType = typeV === undefined ? DEFAULTS.type : oneOf(typeV, 'guest.type', ['pv', 'hvm', 'pvh'] as const);
  const dom0V = g('dom0');
  const dom0 = dom0V === undefined ? DEFAULTS.dom0 : bool(dom0V, 'guest.dom0');
  if (kernel === '2.6.23') {
    if (type !== 'pv') fail('guest.type', 'must be "pv" with kernel "2.6.23": that era predates PVHVM and PVH guests');
    if (dom0) fail('guest.dom0', 'must be false with kernel "2.6.23": mainline Linux could not run as dom0 before 2.6.37');
  }
  if (dom0 && type === 'hvm') fail('guest.type', 'must be "pv" or "pvh" for dom0: Xen has no HVM dom0');

  let vcpus: number;
  let why: string;
  let dom0_max_vcpus: string | null = null;
  const vcpusV = g('vcpus');
  const maxV = g('dom0_max_vcpus');
  if (!dom0) {
    const hi = type === 'pv' ? LIMITS.maxVcpus : HVM_MAX_VCPUS;
    const rule = type === 'pv' ? undefined : `must be an integer 1..${HVM_MAX_VCPUS} for an HVM or PVH guest (Xen's HVM_MAX_VCPUS)`;
    vcpus = vcpusV === undefined ? DEFAULTS.vcpus : int(vcpusV, 'guest.vcpus', 1, hi, rule);
    why = `the guest has ${vcpus} vCPU${vcpus === 1 ? '' : 's'}`;
    if (maxV !== undefined && maxV !== null) fail('guest.dom0_max_vcpus', 'only applies when guest.dom0 is true');
    if (g('madt_cpus') !== undefined) fail('guest.madt_cpus', 'only applies when guest.dom0 is true (the CPUs the host\'s ACPI MADT lists)');
  } else {
    if (vcpusV !== undefined) {
      fail('guest.vcpus', 'does not apply to dom0: Xen sizes dom0 from guest.dom0_max_vcpus and host.pcpus (remove "vcpus")');
    }
    let spec: Dom0MaxVcpus | null = null;
    if (maxV !== undefined && maxV !== null) {
      if (typeof maxV !== 'string') {
        fail('guest.dom0_max_vcpus', `${DOM0_SYNTAX}${typeof maxV === 'number' ? ' (write it as a string, in quotes)' : got(maxV)}`);
      }
      const p = parseDom0MaxVcpusSpec(maxV);
      if (typeof p === 'string') fail('guest.dom0_max_vcpus', `${p}${got(maxV, false)}`);
      spec = p;
      dom0_max_vcpus = maxV;
    }
    vcpus = dom0VcpuCount(pcpus, spec, type);
    const how = spec ? `dom0_max_vcpus "${dom0_max_vcpus}" on ${pcpus} pCPU${pcpus === 1 ? '' : 's'}` : `one per pCPU without dom0_max_vcpus`;
    if (vcpus < 1) fail('guest.dom0_max_vcpus', `gives dom0 no vCPUs (${how}); Xen could not build dom0`);
    if (vcpus > LIMITS.maxVcpus) {
      fail('guest.dom0_max_vcpus', `gives dom0 ${vcpus} vCPUs (${how}); the playground simulates at most ${LIMITS.maxVcpus}`);
    }
    why = `dom0 has ${vcpus} vCPU${vcpus === 1 ? '' : 's'}: ${how}`;
  }
  const madtV = g('madt_cpus');
  const madt_cpus = madtV === undefined ? pcpus : int(madtV, 'guest.madt_cpus', 1, LIMITS.maxPcpus);

  const cmdlineV = g('cmdline');
  let cmdline: string = DEFAULTS.cmdline;
  if (cmdlineV !== undefined) {
    const parsed = parseCmdline(cmdlineV);
    if (isScenarioError(parsed)) fail('guest.cmdline', parsed.message);
    cmdline = cmdlineV as string;
  }
  const hotplugV = g('hotplug');
  const hotplug = hotplugV === undefined ? DEFAULTS.hotplug : bool(hotplugV, 'guest.hotplug');
  const nrV = g('nr_cpus');
  const nr_cpus = nrV === undefined ? DEFAULTS.nr_cpus : int(nrV, 'guest.nr_cpus', 1, 8192, 'must be an integer 1..8192 (CONFIG_NR_CPUS)');
  const evV = g('evtchn');
  const evtchn = evV === undefined ? DEFAULTS.evtchn : oneOf(evV, 'guest.evtchn', ['2l', 'fifo'] as const);
  if (evtchn === 'fifo' && kernel === '2.6.23') fail('guest.evtchn', 'must be "2l" with kernel "2.6.23": the FIFO ABI arrived in Linux 3.14');
  const bitsV = g('bits');
  const bits = bitsV === undefined ? DEFAULTS.bits : oneOf(bitsV, 'guest.bits', [64, 32] as const);
  const vipV = g('vcpu_info_placement');
  const vcpu_info_placement = vipV === undefined ? DEFAULTS.vcpu_info_placement : bool(vipV, 'guest.vcpu_info_placement');

  // until
  const untilV = get(input, 'until');
  const until = untilV === undefined || untilV === null ? null : duration(untilV, 'until', 1, LIMITS.maxUntilNs);

  // steps
  const lastPort = evtchn === 'fifo' ? 131071 : bits === 64 ? 4095 : 1023;
  const portWhy = evtchn === 'fifo' ? 'the FIFO ABI has 131072 ports' : `the 2-level ABI of a ${bits}-bit guest has ${lastPort + 1} ports`;
  const ctx: Ctx = { kernel, nvcpus: vcpus, why, lastPort, portWhy, until };
  const stepsV = get(input, 'steps');
  const steps: Step[] = [];
  if (stepsV !== undefined) {
    if (!Array.isArray(stepsV)) fail('steps', `must be a list of steps such as [{"at": "50ms", "do": "cpu_down", "cpu": 2}]${got(stepsV)}`);
    if (stepsV.length > LIMITS.maxSteps) fail('steps', `must have at most ${LIMITS.maxSteps} steps (got ${stepsV.length})`);
    for (let i = 0; i < stepsV.length; i++) steps.push(checkStep(stepsV[i], `steps[${i}]`, ctx));
    steps.sort((a, b) => a.at - b.at); // stable (ES2019)
  }

  const out: Scenario = {
    version: 1,
    title,
    ...(goal ? { goal } : {}),
    ...(notes ? { notes } : {}),
    seed,
    kernel,
    host: { pcpus, sched: { tslice_ms, ratelimit_us } },
    guest: {
      type,
      dom0,
      vcpus,
      dom0_max_vcpus,
      madt_cpus,
      cmdline,
      hotplug,
      nr_cpus,
      evtchn,
      bits,
      vcpu_info_placement,
    },
    steps,
    until,
  };
  return out;
}

// ---------------------------------------------------------------------------------
// Steps

const STEP_SYNONYMS: Readonly<Record<string, StepKind>> = {
  cpu_offline: 'cpu_down',
  offline: 'cpu_down',
  down: 'cpu_down',
  cpu_online: 'cpu_up',
  online: 'cpu_up',
  up: 'cpu_up',
  send_ipi: 'ipi',
  vcpu_count: 'vcpu_set',
  'vcpu-set': 'vcpu_set',
  smp_call_function: 'call_function',
  smp_call_function_many: 'call_function',
  local_irq_disable: 'irq',
  local_irq_enable: 'irq',
  spinlock: 'spin_lock',
  steal: 'preempt',
  deschedule: 'preempt',
};

function checkStep(v: unknown, p: string, ctx: Ctx): Step {
  const o = object(v, p, '{"at": "50ms", "do": "cpu_down", "cpu": 2}');
  const kindV = get(o, 'do');
  if (kindV === undefined) fail(`${p}.do`, `missing: what the step does, one of ${STEP_KINDS.join(', ')}`);
  if (typeof kindV !== 'string' || !(STEP_KINDS as readonly string[]).includes(kindV)) {
    let hint = '';
    if (typeof kindV === 'string' && kindV.length <= 40) {
      const syn = Object.prototype.hasOwnProperty.call(STEP_SYNONYMS, kindV) ? STEP_SYNONYMS[kindV] : closest(kindV, STEP_KINDS);
      if (syn) hint = ` (did you mean "${syn}"?)`;
    }
    const what = typeof kindV === 'string' ? `unknown step kind ${show(kindV)}` : `must be a step kind${got(kindV)}`;
    fail(`${p}.do`, `${what}${hint}; one of ${STEP_KINDS.join(', ')}`);
  }
  const kind = kindV as StepKind;
  const fields = STEP_FIELDS[kind];
  checkKeys(o, p, ['at', 'do', ...fields], ` for "${kind}" steps`);

  const atV = get(o, 'at');
  const at = atV === undefined ? DEFAULTS.at : duration(atV, `${p}.at`, 0, LIMITS.maxUntilNs);
  if (ctx.until !== null && at > ctx.until) {
    fail(`${p}.at`, `${fmt(at)} is after until (${fmt(ctx.until)}): the step would never run`);
  }

  const need = (k: string): unknown => {
    const x = get(o, k);
    if (x === undefined) fail(`${p}.${k}`, `missing: "${kind}" steps need ${fields.filter((f) => !OPTIONAL_STEP_FIELDS.has(f)).join(', ')}`);
    return x;
  };
  const cpuOf = (k: string) => cpuIndex(need(k), `${p}.${k}`, ctx, 'CPU');
  const vcpuOf = (k: string) => cpuIndex(need(k), `${p}.${k}`, ctx, 'vCPU');

  switch (kind) {
    case 'cpu_down':
    case 'cpu_up':
      return { at, do: kind, cpu: cpuOf('cpu') };
    case 'vcpu_set':
      return {
        at,
        do: kind,
        count: int(need('count'), `${p}.count`, 1, LIMITS.maxVcpus, `must be an integer 1..${LIMITS.maxVcpus} (the number of vCPUs to have online)`),
      };
    case 'ipi':
      return { at, do: kind, from: cpuOf('from'), to: target(need('to'), `${p}.to`, ctx), vector: vector(need('vector'), `${p}.vector`) };
    case 'call_function':
      return { at, do: kind, from: cpuOf('from'), to: target(need('to'), `${p}.to`, ctx), wait: bool(need('wait'), `${p}.wait`) };
    case 'preempt':
      return { at, do: kind, vcpu: vcpuOf('vcpu'), for: duration(need('for'), `${p}.for`, 1, LIMITS.maxUntilNs) };
    case 'irq':
      return { at, do: kind, cpu: cpuOf('cpu'), enable: bool(need('enable'), `${p}.enable`) };
    case 'mask':
    case 'unmask': {
      const portV = get(o, 'port');
      const nameV = get(o, 'name');
      if (portV === undefined && nameV === undefined) {
        fail(p, `"${kind}" steps need "port" (a number) or "name" (e.g. "resched1")`);
      }
      if (portV !== undefined && nameV !== undefined) fail(`${p}.name`, 'give either "port" or "name", not both');
      if (portV !== undefined) {
        return { at, do: kind, port: int(portV, `${p}.port`, 0, ctx.lastPort, `must be a port number 0..${ctx.lastPort} (${ctx.portWhy})`) };
      }
      return { at, do: kind, name: portName(nameV, `${p}.name`, ctx) };
    }
    case 'hypercall': {
      const vcpu = vcpuOf('vcpu');
      const opV = need('op');
      if (typeof opV !== 'string' || !(HYPERCALLS as readonly string[]).includes(opV)) {
        const hint = typeof opV === 'string' ? didYouMean(opV, HYPERCALLS) : got(opV);
        fail(`${p}.op`, `${typeof opV === 'string' ? `unknown hypercall ${show(opV)}` : 'must be a hypercall name'}${hint}; see the list in CONTRACT.md (VCPUOP_*, EVTCHNOP_*, SCHEDOP_*, MMUEXT_*)`);
      }
      const op = opV as HypercallOp;
      return { at, do: kind, vcpu, op, args: hypercallArgs(get(o, 'args'), `${p}.args`, op) };
    }
    case 'exit_mm': {
      const cpu = cpuOf('cpu');
      const lazyV = get(o, 'lazy_on');
      const lazy_on = lazyV === undefined ? [] : cpuList(lazyV, `${p}.lazy_on`, ctx);
      const i = lazy_on.indexOf(cpu);
      if (i >= 0) fail(`${p}.lazy_on[${i}]`, `CPU ${cpu} is the exiting CPU itself, which uses the mm actively, not lazily`);
      const skipV = get(o, 'skip_drop_mm_ref');
      const skip_drop_mm_ref = skipV === undefined ? DEFAULTS.skip_drop_mm_ref : bool(skipV, `${p}.skip_drop_mm_ref`);
      return { at, do: kind, cpu, lazy_on, skip_drop_mm_ref };
    }
    case 'spin_lock': {
      const holder = cpuOf('holder');
      const waiters = cpuList(need('waiters'), `${p}.waiters`, ctx);
      const i = waiters.indexOf(holder);
      if (i >= 0) fail(`${p}.waiters[${i}]`, `CPU ${holder} is the holder; it cannot also wait for the lock`);
      return { at, do: kind, holder, waiters, hold: duration(need('hold'), `${p}.hold`, 0, LIMITS.maxUntilNs) };
    }
    case 'stop_other_cpus':
      return { at, do: kind, from: cpuOf('from') };
  }
}

const OPTIONAL_STEP_FIELDS = new Set(['lazy_on', 'skip_drop_mm_ref', 'args', 'port', 'name']);

function cpuIndex(v: unknown, path: string, ctx: Ctx, what: 'CPU' | 'vCPU'): number {
  const n = ctx.nvcpus;
  const range = n === 1 ? `must be ${what} 0` : `must be a ${what} number 0..${n - 1}`;
  return int(v, path, 0, n - 1, `${range}, as ${ctx.why}`);
}

function cpuList(v: unknown, path: string, ctx: Ctx): number[] {
  if (!Array.isArray(v)) fail(path, `must be a list of CPU numbers such as [1, 3]${got(v)}`);
  const out: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < v.length; i++) {
    const c = cpuIndex(v[i], `${path}[${i}]`, ctx, 'CPU');
    if (seen.has(c)) fail(`${path}[${i}]`, `CPU ${c} is listed twice`);
    seen.add(c);
    out.push(c);
  }
  return out;
}

const TARGET_WORDS = ['all', 'allbutself', 'self'] as const;

function target(v: unknown, path: string, ctx: Ctx): CpuTarget {
  if (typeof v === 'string') {
    if ((TARGET_WORDS as readonly string[]).includes(v)) return v as CpuTarget;
    fail(path, `must be a list of CPU numbers, "all", "allbutself" or "self"${didYouMean(v, TARGET_WORDS) || got(v)}`);
  }
  if (!Array.isArray(v)) fail(path, `must be a list of CPU numbers, "all", "allbutself" or "self"${got(v)}`);
  return cpuList(v, path, ctx);
}

function vector(v: unknown, path: string): IpiVectorName | number {
  const rule = `must be ${IPI_VECTORS.join(', ')} or a raw vector number 0..255`;
  if (typeof v === 'string') {
    if ((IPI_VECTORS as readonly string[]).includes(v)) return v as IpiVectorName;
    const up = v.length <= 40 ? v.toUpperCase().replace(/_VECTOR$/, '').replace(/^XEN_/, '') : '';
    const hint = (IPI_VECTORS as readonly string[]).includes(up) ? ` (write "${up}")` : didYouMean(v, IPI_VECTORS) || got(v);
    fail(path, `${rule}${hint}`);
  }
  return int(v, path, 0, 255, rule);
}

const PORT_NAME = /^(timer|resched|callfunc|callfuncsingle|irqwork|debug|spinlock)(0|[1-9]\d{0,3})$/;

function portName(v: unknown, path: string, ctx: Ctx): string {
  const rule = `must name a per-CPU event channel as /proc/interrupts does, e.g. "resched1": ${PORT_NAME_KINDS.map((k) => `${k}N`).join(', ')}`;
  if (typeof v !== 'string' || v.length > 24) fail(path, `${rule}${got(v)}`);
  const m = PORT_NAME.exec(v);
  if (!m) fail(path, `${rule}${got(v)}`);
  const cpu = Number(m[2]);
  if (cpu >= ctx.nvcpus) fail(path, `names CPU ${cpu}, but ${ctx.why}`);
  return v;
}

function hypercallArgs(v: unknown, path: string, op: HypercallOp): Record<string, unknown> {
  const spec = HYPERCALL_ARGS[op];
  const names = Object.keys(spec);
  const example = names.length ? `{${names.map((n) => `"${n}": …`).join(', ')}}` : '{}';
  const o = v === undefined ? {} : object(v, path, example);
  checkKeys(o, path, names, ` for ${op}`);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const a = spec[name];
    const x = get(o, name);
    const ap = `${path}.${name}`;
    if (x === undefined) {
      if (a.required) fail(ap, `missing: ${op} needs ${names.filter((n) => spec[n].required).join(', ')}`);
      continue;
    }
    out[name] = hypercallArg(x, ap, a.kind);
  }
  return out;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT32_RULE = 'must be an integer within int32 (raw hypercall arguments may be out of range on purpose)';

function hypercallArg(x: unknown, path: string, kind: HypercallArgKind): unknown {
  switch (kind) {
    case 'int32':
      return int(x, path, INT32_MIN, INT32_MAX, INT32_RULE);
    case 'uint':
      return int(x, path, 0, Number.MAX_SAFE_INTEGER, `must be an integer 0..${Number.MAX_SAFE_INTEGER}`);
    case 'duration':
      return duration(x, path, 0, Number.MAX_SAFE_INTEGER);
    case 'bool':
      return bool(x, path);
    case 'int32List': {
      if (!Array.isArray(x)) fail(path, `must be a list of integers${got(x)}`);
      if (x.length > MAX_ARG_LIST) fail(path, `must have at most ${MAX_ARG_LIST} entries (got ${x.length})`);
      return x.map((e, i) => int(e, `${path}[${i}]`, INT32_MIN, INT32_MAX, INT32_RULE));
    }
    case 'virq': {
      const names = Object.keys(VIRQS);
      const rule = `must be a VIRQ name (${names.join(', ')}) or a number within int32`;
      if (typeof x === 'string') {
        if (virqNumber(x) >= 0) return x;
        fail(path, `${rule}${didYouMean(x.replace(/^VIRQ_/, ''), names) || got(x)}`);
      }
      return int(x, path, INT32_MIN, INT32_MAX, rule);
    }
    case 'reason': {
      const names = Object.keys(SHUTDOWN_REASONS);
      const rule = `must be a shutdown reason (${names.join(', ')}) or a number within int32`;
      if (typeof x === 'string') {
        if (shutdownReasonNumber(x) >= 0) return x;
        fail(path, `${rule}${didYouMean(x, names) || got(x)}`);
      }
      return int(x, path, INT32_MIN, INT32_MAX, rule);
    }
  }
}

// ---------------------------------------------------------------------------------
// Text helpers

/** UTF-8 length of `s`, counting no further than just past `stopAfter`. */
export function utf8Length(s: string, stopAfter = Infinity): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
    if (n > stopAfter) return n;
  }
  return n;
}

function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1_000) return `${+(n / 1_000).toFixed(1)} kB`;
  return `${n} bytes`;
}

/**
 * "not valid JSON at line L column C (position P): expected … but found …". The position
 * comes from `locateJsonError` (V8's JSON.parse messages do not always carry one); if it
 * finds nothing, the parser's own message is used.
 */
function jsonErrorMessage(e: unknown, body: string): string {
  const loc = locateJsonError(body);
  if (!loc) return `not valid JSON: ${safeMessage(e)}`;
  let line = 1;
  let col = 1;
  for (let i = 0; i < loc.pos; i++) {
    if (body.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  const found = loc.pos >= body.length ? 'the end of the text' : JSON.stringify(body.slice(loc.pos, loc.pos + 1));
  return `not valid JSON at line ${line} column ${col} (position ${loc.pos}): expected ${loc.expected} but found ${found}`;
}

/**
 * Finds the first syntax error in JSON text (RFC 8259), iteratively (no recursion, so
 * deep nesting is fine). Returns null for valid JSON.
 */
export function locateJsonError(s: string): { pos: number; expected: string } | null {
  const stack: number[] = []; // 123 '{' or 91 '['
  type State = 'value' | 'valueOrEnd' | 'after' | 'key' | 'keyOrEnd' | 'colon';
  let state: State = 'value';
  let i = 0;
  const n = s.length;
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = (): number | { pos: number; expected: string } => {
    let j = i + 1;
    for (;;) {
      if (j >= n) return { pos: j, expected: 'a closing " for the string' };
      const c = s.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c === 92) {
        const e = s[j + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) return { pos: j, expected: 'a \\u escape with 4 hex digits' };
          j += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j += 2;
        else return { pos: j + 1, expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' };
      } else if (c < 0x20) return { pos: j, expected: 'no raw control characters in a string (write \\n, \\t)' };
      else j++;
    }
  };
  for (;;) {
    while (i < n && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
    const c = i < n ? s.charCodeAt(i) : -1;
    switch (state) {
      case 'value':
      case 'valueOrEnd': {
        if (state === 'valueOrEnd' && c === 93) {
          stack.pop();
          i++;
          state = 'after';
          break;
        }
        if (c === 123 || c === 91) {
          stack.push(c);
          i++;
          state = c === 123 ? 'keyOrEnd' : 'valueOrEnd';
          break;
        }
        if (c === 34) {
          const r = string();
          if (typeof r !== 'number') return r;
          i = r;
        } else if (c === 45 || (c >= 48 && c <= 57)) {
          number.lastIndex = i;
          const m = number.exec(s);
          if (!m) return { pos: i + 1, expected: 'a digit' };
          i += m[0].length;
        } else if (s.startsWith('true', i)) i += 4;
        else if (s.startsWith('false', i)) i += 5;
        else if (s.startsWith('null', i)) i += 4;
        else return { pos: i, expected: 'a value (object, list, string, number, true, false or null)' };
        state = 'after';
        break;
      }
      case 'after': {
        if (stack.length === 0) return i >= n ? null : { pos: i, expected: 'the end of the text after the JSON value' };
        const top = stack[stack.length - 1];
        if (c === 44) {
          i++;
          state = top === 123 ? 'key' : 'value';
        } else if ((c === 93 && top === 91) || (c === 125 && top === 123)) {
          stack.pop();
          i++;
        } else return { pos: i, expected: top === 123 ? 'a "," or "}"' : 'a "," or "]"' };
        break;
      }
      case 'key':
      case 'keyOrEnd': {
        if (state === 'keyOrEnd' && c === 125) {
          stack.pop();
          i++;
          state = 'after';
          break;
        }
        if (c !== 34) return { pos: i, expected: 'a field name in double quotes' };
        const r = string();
        if (typeof r !== 'number') return r;
        i = r;
        state = 'colon';
        break;
      }
      case 'colon':
        if (c !== 58) return { pos: i, expected: 'a ":" after the field name' };
        i++;
        state = 'value';
        break;
    }
  }
}
