// SMP boot rules of the seed kernel: dom0's possible/present masks and nr_cpu_ids
// (xen_filter_cpu_maps, fact 1.1.3; the real-xen.md captures on 4 pCPUs), the
// nosmp/noapic/maxcpus=0 panics in Linux's words (1.2.4), the restrict loop of
// xen_smp_prepare_cpus, and more than 32 vCPUs without vcpu_info placement (1.2.2, 8.11).

import { describe, expect, it } from 'vitest';
import { run } from '../check/query';
import type { ScenarioInput } from '../scenario/types';

function boot(guest: ScenarioInput['guest'], extra: Partial<ScenarioInput> = {}) {
  const r = run({ version: 1, host: { pcpus: 4 }, guest, until: '300ms', ...extra });
  return { r, s: r.summary };
}

describe('dom0: dom0_max_vcpus, the MADT and nr_cpu_ids (4 pCPUs, as in real-xen.md)', () => {
  it('[1.1.3][9.14] dom0_max_vcpus=2: possible and present 0-1, and with CONFIG_HOTPLUG_CPU nr_cpu_ids shrinks to 2', () => {
    const { r, s } = boot({ dom0: true, dom0_max_vcpus: '2' });
    expect(s.vcpus).toHaveLength(2);
    expect(s.cpus).toEqual({ possible: [0, 1], present: [0, 1], online: [0, 1] });
    expect(s.nr_cpu_ids).toBe(2);
    // xen_filter_cpu_maps asked Xen about every MADT CPU: 2 and 3 do not exist.
    expect(r.hcs('VCPUOP_is_up').map((e) => [(e.args as { vcpu: number }).vcpu, e.ret])).toEqual([
      [0, 1],
      [1, 0],
      [2, -2],
      [3, -2],
    ]);
    expect(r.violations()).toEqual([]);
  });

  it('[1.1.3] without CONFIG_HOTPLUG_CPU the filter keeps nr_cpu_ids at the MADT count', () => {
    const { s } = boot({ dom0: true, dom0_max_vcpus: '2', hotplug: false });
    expect(s.cpus.possible).toEqual([0, 1]);
    expect(s.nr_cpu_ids).toBe(4);
  });

  it('[1.2.4][9.14] dom0_max_vcpus=1-8 and maxcpus=2: 4 vCPUs (clamped to the pCPUs); possible 0-1 but present 0-3', () => {
    const { s } = boot({ dom0: true, dom0_max_vcpus: '1-8', cmdline: 'maxcpus=2' });
    expect(s.vcpus).toHaveLength(4);
    expect(s.cpus).toEqual({ possible: [0, 1], present: [0, 1, 2, 3], online: [0, 1] });
    expect(s.nr_cpu_ids).toBe(4);
    // vCPUs 2 and 3 are never started: Xen keeps them down.
    expect(s.vcpus.map((v) => v.up)).toEqual([true, true, false, false]);
  });

  it('[6.5.1] dom0_max_vcpus=8 on 4 pCPUs gives 8 vCPUs; Linux sees as many as the MADT lists', () => {
    expect(boot({ dom0: true, dom0_max_vcpus: '8' }).s.cpus.online).toEqual([0, 1, 2, 3]);
    const { s } = boot({ dom0: true, dom0_max_vcpus: '8', madt_cpus: 8 });
    expect(s.vcpus).toHaveLength(8);
    expect(s.cpus.online).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.nr_cpu_ids).toBe(8);
  });
});

describe('the command line', () => {
  const NOSMP = 'The nosmp parameter is incompatible with Xen; use Xen dom0_max_vcpus=1 parameter';
  const NOAPIC = 'The noapic parameter is incompatible with Xen';

  it('[1.2.4] nosmp panics with Linux\'s words — even for a dom0 with dom0_max_vcpus=1', () => {
    for (const guest of [{ vcpus: 2, cmdline: 'nosmp' }, { dom0: true, dom0_max_vcpus: '1', cmdline: 'nosmp' }]) {
      const { s } = boot(guest);
      expect(s.panic).toBe(NOSMP);
      // xen_raw_printk first, then the panic line.
      expect(s.console.slice(-2)).toEqual([NOSMP, `Kernel panic - not syncing: ${NOSMP}`]);
      expect(s.shutdown).toBe('crash');
    }
  });

  it('[1.2.4] noapic panics with "The noapic parameter is incompatible with Xen"; maxcpus=0 with the nosmp text', () => {
    expect(boot({ vcpus: 2, cmdline: 'noapic' }).s.panic).toBe(NOAPIC);
    expect(boot({ vcpus: 2, cmdline: 'maxcpus=0' }).s.panic).toBe(NOSMP);
  });

  it('[1.2.4] the 2007 kernel has no such panic: nosmp just leaves one CPU', () => {
    const { s } = boot({ vcpus: 3, cmdline: 'nosmp' }, { kernel: '2.6.23' });
    expect(s.panic).toBeNull();
    expect(s.cpus).toEqual({ possible: [0], present: [0], online: [0] });
  });

  it('[1.2.4] the restrict loop drops the highest possible CPUs down to maxcpus', () => {
    const { s } = boot({ vcpus: 6, cmdline: 'maxcpus=3' });
    expect(s.cpus).toEqual({ possible: [0, 1, 2], present: [0, 1, 2], online: [0, 1, 2] });
    expect(s.vcpus.filter((v) => v.up).map((v) => v.id)).toEqual([0, 1, 2]);
  });
});

describe('more than 32 vCPUs', () => {
  it('[1.2.2][8.11] without vcpu_info placement, setup_max_cpus is clamped to 32: CPUs 32+ never come up', () => {
    const { r, s } = boot({ vcpus: 40, vcpu_info_placement: false });
    expect(s.console).toContain('register_vcpu_info failed: err=-38');
    expect(s.cpus.online).toHaveLength(32);
    expect(s.cpus.possible.every((c) => c < 32)).toBe(true);
    expect(s.vcpus.filter((v) => v.up).length).toBe(32);
    expect(r.violations()).toEqual([]);
  });

  it('[1.2.2] with placement every vCPU registers its vcpu_info once and all 40 come up', () => {
    const { r, s } = boot({ vcpus: 40 });
    const regs = r.hcs('VCPUOP_register_vcpu_info').map((e) => (e.args as { vcpu: number }).vcpu);
    expect(regs).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(s.cpus.online).toHaveLength(40);
  });
});
