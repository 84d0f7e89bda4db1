// The Linux kernel command line, as far as the playground models it (CONTRACT.md
// `guest.cmdline`): maxcpus=N, nosmp, noapic, nopvspin, nr_cpus=N.
//
// Tokenising follows Linux's `next_arg`/`parse_args` (kernel/params.c):
//   * arguments are separated by whitespace; double quotes group (`foo="a b"`) and are
//     stripped from the value;
//   * `-` and `_` are the same in a parameter name (`nr-cpus=2` is `nr_cpus=2`);
//   * a bare `--` ends the kernel's options: the rest belongs to init and is not parsed.
// Every other option (`console=hvc0`, `quiet`, ...) is accepted and ignored, as Linux
// passes options it does not know on to init. Malformed values of the modelled options
// are errors, because Linux would silently read them as something else (get_option reads
// `maxcpus=010` as octal 8, `maxcpus=2x` as 2, `maxcpus=abc` as nothing).
//
// Repeated options, as Linux evaluates them (kernel/smp.c of 4.0):
//   * `maxcpus=N`: each occurrence stores N in setup_max_cpus, so the last one wins;
//     `maxcpus=0` also calls arch_disable_smp_support() → disable_ioapic_support(),
//     which sets skip_ioapic_setup for good.
//   * `nosmp`: setup_max_cpus = 0 and arch_disable_smp_support(), like maxcpus=0.
//     `nosmp maxcpus=2` therefore ends with setup_max_cpus 2 but skip_ioapic_setup set,
//     and a Xen PV guest panics with the *noapic* message (seed smp.c:317-321).
//   * `noapic`: disable_ioapic_support().
//   * `nr_cpus=N`: nrcpus() only lowers nr_cpu_ids (`if (n > 0 && n < nr_cpu_ids)`), so
//     the smallest positive value wins, whatever the order; `nr_cpus=0` has no effect.
//     (The option appeared in Linux 2.6.35: the "2.6.23" era has no such parameter;
//     the engine decides what to do with it there.)
//   * `nopvspin` (Linux 5.5+) and `xen_nopvspin` (the name in Linux 4.0) both switch
//     PV spinlocks off in the playground.

import type { Cmdline, ScenarioError } from './types';

/** Longest accepted command line, in characters. */
export const CMDLINE_MAX_LENGTH = 1024;
/** Largest value accepted for maxcpus=/nr_cpus= (Linux's get_option reads an int). */
export const CMDLINE_MAX_NUMBER = 2147483647;

const PATH = 'guest.cmdline';

/** One command-line argument: `param` with dashes folded to underscores; `val` null when no `=`. */
export interface CmdlineArg {
  raw: string;
  param: string;
  val: string | null;
}

/** Splits a command line like Linux's next_arg(). Stops at a bare `--`. */
export function splitCmdline(s: string): CmdlineArg[] {
  const out: CmdlineArg[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let inQuote = false;
    while (i < n && (inQuote || !isSpace(s.charCodeAt(i)))) {
      if (s[i] === '"') inQuote = !inQuote;
      i++;
    }
    const raw = s.slice(start, i);
    if (raw === '--') break;
    // A leading quote may enclose the whole `param=value` (next_arg handles `"a=b"`).
    let body = raw;
    if (body.startsWith('"')) {
      body = body.slice(1);
      if (body.endsWith('"') && !body.slice(0, -1).includes('"')) body = body.slice(0, -1);
    }
    const eq = body.indexOf('=');
    let param: string;
    let val: string | null;
    if (eq < 0) {
      param = body;
      val = null;
    } else {
      param = body.slice(0, eq);
      val = body.slice(eq + 1);
      if (val.startsWith('"')) {
        val = val.slice(1);
        if (val.endsWith('"')) val = val.slice(0, -1);
      }
    }
    out.push({ raw, param: param.replace(/-/g, '_'), val });
  }
  return out;
}

function isSpace(c: number): boolean {
  // Linux isspace(): space, \t \n \v \f \r.
  return c === 32 || (c >= 9 && c <= 13);
}

/** True when `x` is an error (the other branch of `parseCmdline`'s result). */
export function isScenarioError(x: unknown): x is ScenarioError {
  return typeof x === 'object' && x !== null && 'path' in x && 'message' in x;
}

function err(message: string): ScenarioError {
  return { path: PATH, message };
}

function shown(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
}

function parseNumber(arg: CmdlineArg, name: string): number | ScenarioError {
  const example = `${name}=2`;
  if (arg.val === null || arg.val === '') {
    return err(`${shown(arg.raw)}: ${name} needs a value, e.g. ${example}`);
  }
  const v = arg.val;
  if (!/^\d+$/.test(v)) {
    if (/^0x[0-9a-f]+$/i.test(v)) return err(`${shown(arg.raw)}: write ${name}'s value in decimal, e.g. ${example}`);
    return err(`${shown(arg.raw)}: ${name} takes a whole number, e.g. ${example}`);
  }
  if (v.length > 1 && v.startsWith('0')) {
    return err(`${shown(arg.raw)}: write the number without leading zeros (Linux would read ${shown(v)} as octal)`);
  }
  if (v.length > 10 || Number(v) > CMDLINE_MAX_NUMBER) {
    return err(`${shown(arg.raw)}: the number is too large (at most ${CMDLINE_MAX_NUMBER})`);
  }
  return Number(v);
}

/**
 * Parses a Linux command line. Returns the options the playground models, or an error
 * (path `guest.cmdline`) naming the offending argument and the rule. Never throws.
 */
export function parseCmdline(s: unknown): Cmdline | ScenarioError {
  if (typeof s !== 'string') {
    const what = s === null ? 'null' : Array.isArray(s) ? 'a list' : typeof s === 'object' ? 'an object' : String(s).slice(0, 20);
    return err(`must be a string of kernel options, e.g. "maxcpus=2 nopvspin" (got ${what})`);
  }
  if (s.length > CMDLINE_MAX_LENGTH) {
    return err(`must be at most ${CMDLINE_MAX_LENGTH} characters (got ${s.length})`);
  }
  // Tabs and spaces separate options; any other control character is a mistake.
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(s);
  if (bad) return err(`must be one line of text (found control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at ${bad.index})`);
  if (hasLoneSurrogate(s)) return err('must be valid Unicode text');

  const out: Cmdline = {
    maxcpus: null,
    nosmp: false,
    noapic: false,
    nopvspin: false,
    nr_cpus: null,
    setup_max_cpus: null,
    skip_ioapic_setup: false,
    ignored: [],
  };
  for (const arg of splitCmdline(s)) {
    switch (arg.param) {
      case 'maxcpus': {
        const n = parseNumber(arg, 'maxcpus');
        if (typeof n !== 'number') return n;
        out.maxcpus = n;
        out.setup_max_cpus = n;
        if (n === 0) out.skip_ioapic_setup = true;
        break;
      }
      case 'nr_cpus': {
        const n = parseNumber(arg, 'nr_cpus');
        if (typeof n !== 'number') return n;
        if (n > 0 && (out.nr_cpus === null || n < out.nr_cpus)) out.nr_cpus = n;
        break;
      }
      case 'nosmp':
      case 'noapic':
      case 'nopvspin':
      case 'xen_nopvspin': {
        if (arg.val !== null) return err(`${shown(arg.raw)}: ${arg.param} takes no value (write just "${arg.param}")`);
        if (arg.param === 'nosmp') {
          out.nosmp = true;
          out.setup_max_cpus = 0;
          out.skip_ioapic_setup = true;
        } else if (arg.param === 'noapic') {
          out.noapic = true;
          out.skip_ioapic_setup = true;
        } else {
          out.nopvspin = true;
        }
        break;
      }
      default:
        out.ignored.push(arg.raw);
    }
  }
  return out;
}

/** True when `s` holds a UTF-16 surrogate that is not part of a pair. */
export function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
