import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './cli-core';
import { decodeLink } from '../scenario/link';
import { validateScenario } from '../scenario/validate';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function memIo(files: Record<string, string>): CliIo & { written: Record<string, string> } {
  const written: Record<string, string> = {};
  return {
    written,
    readFile: (p) => {
      if (!(p in files)) throw new Error('ENOENT: no such file');
      return files[p];
    },
    writeFile: (p, d) => {
      written[p] = d;
    },
  };
}

const HOTPLUG = JSON.stringify({ version: 1, guest: { vcpus: 3 }, steps: [{ at: '5ms', do: 'cpu_down', cpu: 2 }] });

describe('headless runner (CONTRACT.md)', () => {
  it('an invalid scenario exits 2 with the field path in the error', () => {
    const r = runCli(['s.json'], memIo({ 's.json': '{"version":1,"guest":{"vcpus":0}}' }));
    expect(r.code).toBe(2);
    const s = JSON.parse(r.stdout);
    expect(s.ok).toBe(false);
    expect(s.error.path).toBe('guest.vcpus');
    expect(s.error.message).toMatch(/1\.\.512|at least 1|integer/);
  });

  it('malformed JSON and unreadable files exit 2 too', () => {
    expect(runCli(['s.json'], memIo({ 's.json': '{"version":1,' })).code).toBe(2);
    expect(runCli(['missing.json'], memIo({})).code).toBe(2);
    expect(runCli([], memIo({})).code).toBe(2);
    expect(runCli(['a.json', '--bogus'], memIo({ 'a.json': '{}' })).code).toBe(2);
  });

  it('a run prints the summary with the contract fields and exits 0; a panic is a result', () => {
    const r = runCli(['s.json'], memIo({ 's.json': '{"version":1,"guest":{"cmdline":"nosmp"}}' }));
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    for (const k of ['ok', 'error', 'panic', 'shutdown', 'time_ns', 'nr_cpu_ids', 'cpus', 'vcpus', 'ports', 'counts', 'hypercalls', 'console', 'trace_hash', 'events']) {
      expect(s).toHaveProperty(k);
    }
    expect(s.panic).toMatch(/nosmp parameter is incompatible with Xen/);
    expect(s.shutdown).toBe('crash');
  });

  it('--brief omits the hypercall list; every hypercall record carries errno names for negative results', () => {
    const io = memIo({
      's.json': JSON.stringify({ version: 1, steps: [{ at: '10ms', do: 'hypercall', vcpu: 0, op: 'VCPUOP_is_up', args: { vcpu: 9 } }] }),
    });
    const full = JSON.parse(runCli(['s.json'], io).stdout);
    const brief = JSON.parse(runCli(['s.json', '--brief'], io).stdout);
    expect(brief.hypercalls).toBeUndefined();
    expect(brief.trace_hash).toBe(full.trace_hash);
    const probe = full.hypercalls.find((h: { t: number; op: string }) => h.op === 'VCPUOP_is_up' && h.t >= 10_000_000);
    expect(probe).toMatchObject({ vcpu: 0, args: { vcpu: 9 }, ret: -2, errno: 'ENOENT' });
    const times = full.hypercalls.map((h: { t: number }) => h.t);
    expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
  });

  it('--trace writes the canonical JSON Lines whose sha256 is trace_hash', () => {
    const io = memIo({ 's.json': HOTPLUG });
    const s = JSON.parse(runCli(['s.json', '--trace', 'out.jsonl'], io).stdout);
    const text = io.written['out.jsonl'];
    expect(text.split('\n').length - 1).toBe(s.events);
    expect(createHash('sha256').update(text).digest('hex')).toBe(s.trace_hash);
  });

  it('--perfetto writes Chrome trace JSON: a track per vCPU, runstate slices, IPI flows', () => {
    const io = memIo({ 's.json': HOTPLUG });
    runCli(['s.json', '--perfetto', 'p.json'], io);
    const p = JSON.parse(io.written['p.json']);
    const names = p.traceEvents.filter((e: { ph: string; name: string }) => e.ph === 'M' && e.name === 'thread_name').map((e: { args: { name: string } }) => e.args.name);
    expect(names).toEqual(expect.arrayContaining(['vCPU 0', 'vCPU 1', 'vCPU 2', 'pCPU 0']));
    expect(p.traceEvents.some((e: { ph: string; name: string }) => e.ph === 'X' && e.name === 'running')).toBe(true);
    const starts = p.traceEvents.filter((e: { ph: string }) => e.ph === 's').length;
    const ends = p.traceEvents.filter((e: { ph: string }) => e.ph === 'f').length;
    expect(starts).toBeGreaterThan(0);
    expect(ends).toBe(starts);
  });

  it('--link gives a link that opens the same scenario', () => {
    const s = JSON.parse(runCli(['s.json', '--link'], memIo({ 's.json': HOTPLUG })).stdout);
    expect(s.link.startsWith('http://localhost:5173/#')).toBe(true);
    const d = decodeLink(s.link.slice(s.link.indexOf('#')));
    expect(d.ok).toBe(true);
    if (d.ok) expect(validateScenario(d.input)).toEqual(validateScenario(JSON.parse(HOTPLUG)));
  });

  it('an internal error exits 1 with a message', () => {
    const io = memIo({ 's.json': HOTPLUG });
    io.writeFile = () => {
      throw new Error('disk full');
    };
    const r = runCli(['s.json', '--trace', 'x'], io);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toMatch(/internal error: disk full/);
  });

  it('as a process: reads stdin, prints the whole large document to a pipe, exits 0 / 2', () => {
    const big = JSON.stringify({ version: 1, host: { pcpus: 8 }, guest: { vcpus: 32 } });
    const ok = spawnSync('npx', ['tsx', 'engine/cli.ts', '-'], { cwd: ROOT, input: big, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(ok.status).toBe(0);
    expect(ok.stdout.length).toBeGreaterThan(500_000);
    const s = JSON.parse(ok.stdout);
    expect(s.cpus.online).toHaveLength(32);
    const bad = spawnSync('npx', ['tsx', 'engine/cli.ts', '-'], { cwd: ROOT, input: '{"version":2}', encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout).error.path).toBe('version');
  }, 30_000);
});
