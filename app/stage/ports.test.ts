import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../engine/trace/fold';
import type { TraceEvent } from '../../engine/trace/events';
import { emptyState, type VisualState } from '../../engine/trace/state';
import { groupPorts, isLostEdge, maxAllocatedPort, portDetails, portKind, portName, portTable, rangesText } from './ports';

function fold(events: Partial<TraceEvent>[]): VisualState {
  const s = emptyState();
  for (const e of events) applyEvent(s, { t: 0, ...e } as TraceEvent);
  return s;
}

const domain = (abi = '2l'): Partial<TraceEvent> => ({ k: 'domain', max_vcpus: 2, dom0: 0, abi, max_port: 1023, pcpus: 2 });

describe('groupPorts (2-level)', () => {
  const s = fold([
    domain(),
    { k: 'mask_all', v: 1 },
    { k: 'bind', port: 3, type: 'virq', vcpu: 0, virq: 'TIMER' },
    { k: 'irq', irq: 16, port: 3, cpu: 0, name: 'timer0', chip: 'xen-percpu', type: '-virq' },
    { k: 'bind', port: 19, type: 'ipi', vcpu: 1 },
    { k: 'irq', irq: 32, port: 19, cpu: 1, name: 'resched1', chip: 'xen-percpu', type: '-ipi' },
    { k: 'mask', port: 3, v: 0 },
    { k: 'pend', port: 19, v: 1 },
    { k: 'bind', port: 70, type: 'interdomain', vcpu: 0 },
    { k: 'mask', port: 70, v: 0 },
    { k: 'sel', vcpu: 1, word: 0, v: 1 },
  ]);

  it('covers only the allocated range, one group per selector word', () => {
    expect(maxAllocatedPort(s)).toBe(70);
    const g = groupPorts(s, 64);
    expect(g.map((x) => x.title)).toEqual(['word 0', 'word 1']);
    expect(g[0].cells).toHaveLength(64);
    expect(g[1].cells.map((c) => c.port)).toEqual([64, 65, 66, 67, 68, 69, 70]);
    expect(groupPorts(s, 32).map((x) => x.id)).toEqual([0, 1, 2]); // a 32-bit guest: 32 ports a word
  });

  it('labels ports as /proc/interrupts does, with their notify vCPU', () => {
    const cells = groupPorts(s, 64)[0].cells;
    expect(cells[3]).toMatchObject({ label: 'timer0', vcpu: 0, allocated: true, masked: false });
    expect(cells[19]).toMatchObject({ label: 'resched1', vcpu: 1, pending: true, masked: true });
    expect(groupPorts(s, 64)[1].cells[6]).toMatchObject({ label: 'interdomain' });
  });

  it('reserves port 0 and shows the MASK bits of free ports (guest memory)', () => {
    const cells = groupPorts(s, 64)[0].cells;
    expect(cells[0]).toMatchObject({ reserved: true, allocated: false, masked: false });
    expect(cells[5]).toMatchObject({ allocated: false, masked: true }); // after mask_all
  });

  it('names a cell with its set states only, and flags masked+pending as a lost edge', () => {
    const cells = groupPorts(s, 64)[0].cells;
    expect(portName(cells[19])).toBe('port 19 resched1: pending, masked');
    expect(portName(cells[3])).toBe('port 3 timer0');
    expect(isLostEdge(cells[19])).toBe(true);
    expect(isLostEdge(cells[3])).toBe(false);
    expect(portDetails(cells[19], '2l')).toMatch(/no upcall until unmasked/);
  });

  it('tells which vCPUs have the word\'s selector bit set', () => {
    expect(groupPorts(s, 64)[0].flags).toEqual([1]);
    expect(groupPorts(s, 64)[1].flags).toEqual([]);
  });
});

describe('groupPorts (FIFO)', () => {
  it('groups by notify vCPU queue, highest priority first, with READY and LINKED', () => {
    const s = fold([
      domain('fifo'),
      { k: 'bind', port: 4, type: 'ipi', vcpu: 1 },
      { k: 'bind', port: 3, type: 'virq', vcpu: 1, virq: 'TIMER' },
      { k: 'bind', port: 5, type: 'ipi', vcpu: 0 },
      { k: 'link', port: 3, v: 1, prio: 0 },
      { k: 'ready', vcpu: 1, prio: 0, v: 1 },
    ]);
    const g = groupPorts(s);
    expect(g.map((x) => x.title)).toEqual(['vCPU 0 queues', 'vCPU 1 queues']);
    expect(g[1].cells.map((c) => c.port)).toEqual([3, 4]);
    expect(g[1].cells[0]).toMatchObject({ linked: true, prio: 0 });
    expect(g[1].flags).toEqual([0]);
    expect(portName(g[1].cells[0])).toBe('port 3 virq TIMER: linked');
  });
});

describe('portTable', () => {
  it('lays a word out like /proc/interrupts: rows per notify vCPU, columns per kind', () => {
    const s = fold([
      domain(),
      { k: 'bind', port: 1, type: 'interdomain', vcpu: 0 },
      { k: 'irq', irq: 40, port: 1, cpu: 0, name: 'xenbus', chip: 'xen-dyn', type: '-event' },
      { k: 'bind', port: 3, type: 'virq', vcpu: 0, virq: 'TIMER' },
      { k: 'irq', irq: 16, port: 3, cpu: 0, name: 'timer0', chip: 'xen-percpu', type: '-virq' },
      { k: 'bind', port: 5, type: 'ipi', vcpu: 0 },
      { k: 'irq', irq: 18, port: 5, cpu: 0, name: 'resched0', chip: 'xen-percpu', type: '-ipi' },
      { k: 'bind', port: 10, type: 'virq', vcpu: 1, virq: 'TIMER' },
      { k: 'irq', irq: 23, port: 10, cpu: 1, name: 'timer1', chip: 'xen-percpu', type: '-virq' },
      { k: 'bind', port: 12, type: 'ipi', vcpu: 1 },
      { k: 'irq', irq: 25, port: 12, cpu: 1, name: 'resched1', chip: 'xen-percpu', type: '-ipi' },
    ]);
    const t = portTable(groupPorts(s, 64)[0]);
    expect(t.kinds).toEqual(['xenbus', 'timer', 'resched']);
    expect(t.rows.map((r) => r.vcpu)).toEqual([0, 1]);
    expect(t.rows[1].cells.map((c) => c?.port ?? null)).toEqual([null, 10, 12]);
    expect(t.reserved).toBe(true);
    expect(rangesText(t.free)).toBe('2, 4, 6–9, 11');
  });

  it('keeps names whose digits are not the CPU number (callfuncsingle1 ≠ callfuncsingle + 1 on vCPU 11)', () => {
    expect(portKind({ label: 'callfuncsingle11', vcpu: 11 })).toBe('callfuncsingle');
    expect(portKind({ label: 'resched11', vcpu: 1 })).toBe('resched11');
    expect(portKind({ label: 'hvc_console', vcpu: 0 })).toBe('hvc_console');
  });
});
