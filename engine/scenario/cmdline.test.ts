import { describe, expect, it } from 'vitest';
import { isScenarioError, parseCmdline, splitCmdline } from './cmdline';
import type { Cmdline } from './types';

function parsed(s: string): Cmdline {
  const r = parseCmdline(s);
  if (isScenarioError(r)) throw new Error(`${r.path}: ${r.message}`);
  return r;
}

function error(s: unknown): string {
  const r = parseCmdline(s);
  if (!isScenarioError(r)) throw new Error(`expected an error for ${JSON.stringify(s)}`);
  expect(r.path).toBe('guest.cmdline');
  return r.message;
}

describe('parseCmdline', () => {
  it('an empty command line sets nothing', () => {
    expect(parsed('')).toEqual({
      maxcpus: null,
      nosmp: false,
      noapic: false,
      nopvspin: false,
      nr_cpus: null,
      setup_max_cpus: null,
      skip_ioapic_setup: false,
      ignored: [],
    });
  });

  it('reads the modelled options', () => {
    expect(parsed('maxcpus=2 nopvspin')).toMatchObject({ maxcpus: 2, setup_max_cpus: 2, nopvspin: true, skip_ioapic_setup: false });
    expect(parsed('nr_cpus=3')).toMatchObject({ nr_cpus: 3 });
    expect(parsed('noapic')).toMatchObject({ noapic: true, skip_ioapic_setup: true, setup_max_cpus: null });
    expect(parsed('nosmp')).toMatchObject({ nosmp: true, setup_max_cpus: 0, skip_ioapic_setup: true });
    expect(parsed('xen_nopvspin')).toMatchObject({ nopvspin: true }); // the Linux 4.0 name
  });

  it('maxcpus=0 behaves like nosmp (real-xen.md d3: panics with the nosmp message)', () => {
    expect(parsed('maxcpus=0')).toMatchObject({ maxcpus: 0, setup_max_cpus: 0, skip_ioapic_setup: true, nosmp: false });
  });

  it('maxcpus: the last occurrence wins, but an earlier maxcpus=0 leaves skip_ioapic_setup set', () => {
    expect(parsed('maxcpus=4 maxcpus=2')).toMatchObject({ maxcpus: 2, setup_max_cpus: 2, skip_ioapic_setup: false });
    expect(parsed('maxcpus=0 maxcpus=2')).toMatchObject({ maxcpus: 2, setup_max_cpus: 2, skip_ioapic_setup: true });
    expect(parsed('nosmp maxcpus=3')).toMatchObject({ nosmp: true, setup_max_cpus: 3, skip_ioapic_setup: true });
    expect(parsed('maxcpus=3 nosmp')).toMatchObject({ maxcpus: 3, setup_max_cpus: 0 });
  });

  it('nr_cpus: Linux only ever lowers nr_cpu_ids, so the smallest positive value wins; 0 is ignored', () => {
    expect(parsed('nr_cpus=2 nr_cpus=4')).toMatchObject({ nr_cpus: 2 });
    expect(parsed('nr_cpus=4 nr_cpus=2')).toMatchObject({ nr_cpus: 2 });
    expect(parsed('nr_cpus=0')).toMatchObject({ nr_cpus: null });
    expect(parsed('nr_cpus=0 nr_cpus=5')).toMatchObject({ nr_cpus: 5 });
  });

  it('dashes and underscores are the same in names (kernel/params.c parameq)', () => {
    expect(parsed('nr-cpus=3')).toMatchObject({ nr_cpus: 3 });
    expect(parsed('xen-nopvspin')).toMatchObject({ nopvspin: true });
  });

  it('other options are accepted and listed as ignored; "--" ends the kernel options', () => {
    const c = parsed('console=hvc0 earlyprintk=xen loglevel=8 quiet maxcpus=2 -- nosmp init-arg');
    expect(c).toMatchObject({ maxcpus: 2, nosmp: false, ignored: ['console=hvc0', 'earlyprintk=xen', 'loglevel=8', 'quiet'] });
    expect(parsed('maxcpu=2')).toMatchObject({ maxcpus: null, ignored: ['maxcpu=2'] });
  });

  it('quotes group words and are stripped from values', () => {
    expect(splitCmdline('a="b c" "d=e f" g')).toEqual([
      { raw: 'a="b c"', param: 'a', val: 'b c' },
      { raw: '"d=e f"', param: 'd', val: 'e f' },
      { raw: 'g', param: 'g', val: null },
    ]);
    expect(parsed('maxcpus="2"')).toMatchObject({ maxcpus: 2 });
    expect(parsed('  \tmaxcpus=2\t nosmp  ')).toMatchObject({ maxcpus: 2, nosmp: true });
  });

  it('rejects malformed values of the modelled options, naming the argument', () => {
    expect(error('maxcpus=abc')).toBe('maxcpus=abc: maxcpus takes a whole number, e.g. maxcpus=2');
    expect(error('maxcpus=2x')).toBe('maxcpus=2x: maxcpus takes a whole number, e.g. maxcpus=2');
    expect(error('maxcpus=-1')).toBe('maxcpus=-1: maxcpus takes a whole number, e.g. maxcpus=2');
    expect(error('maxcpus=')).toBe('maxcpus=: maxcpus needs a value, e.g. maxcpus=2');
    expect(error('quiet maxcpus')).toBe('maxcpus: maxcpus needs a value, e.g. maxcpus=2');
    expect(error('nr_cpus=010')).toBe('nr_cpus=010: write the number without leading zeros (Linux would read 010 as octal)');
    expect(error('nr_cpus=0x10')).toBe("nr_cpus=0x10: write nr_cpus's value in decimal, e.g. nr_cpus=2");
    expect(error('maxcpus=99999999999')).toBe('maxcpus=99999999999: the number is too large (at most 2147483647)');
    expect(error('nosmp=1')).toBe('nosmp=1: nosmp takes no value (write just "nosmp")');
    expect(error('noapic=')).toBe('noapic=: noapic takes no value (write just "noapic")');
    expect(error('nopvspin=yes')).toMatch(/^nopvspin=yes: nopvspin takes no value/);
  });

  it('rejects non-strings, over-long lines, control characters and broken Unicode', () => {
    expect(error(42)).toMatch(/^must be a string of kernel options/);
    expect(error(null)).toMatch(/^must be a string/);
    expect(error('x'.repeat(1025))).toBe('must be at most 1024 characters (got 1025)');
    expect(parsed('x'.repeat(1024)).ignored).toHaveLength(1);
    expect(error('maxcpus=2\nnosmp')).toBe('must be one line of text (found control character U+000A at 9)');
    expect(error('a\u0000')).toMatch(/U\+0000/);
    expect(error('\udc00')).toBe('must be valid Unicode text');
  });

  it('shortens a huge offending argument in the message', () => {
    expect(error(`maxcpus=${'9'.repeat(500)}`).length).toBeLessThan(160);
  });
});
