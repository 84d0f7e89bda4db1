// Linux's possible/present/online cpumasks; every change is a trace event.

import type { TraceWriter } from '../trace/writer';

export type MaskName = 'possible' | 'present' | 'online';

export class Cpumasks {
  private sets: Record<MaskName, Set<number>> = { possible: new Set(), present: new Set(), online: new Set() };

  constructor(private trace: TraceWriter) {}

  has(m: MaskName, cpu: number): boolean {
    return this.sets[m].has(cpu);
  }

  set(m: MaskName, cpu: number, on: boolean): void {
    const s = this.sets[m];
    if (s.has(cpu) === on) return;
    if (on) s.add(cpu);
    else s.delete(cpu);
    this.trace.emit('cpumask', { mask: m, cpu, v: on ? 1 : 0 });
  }

  /** Members in ascending order. */
  list(m: MaskName): number[] {
    return [...this.sets[m]].sort((a, b) => a - b);
  }

  count(m: MaskName): number {
    return this.sets[m].size;
  }
}

export function formatCpuList(cpus: number[]): string {
  // Linux's %*pbl form: 0-3,5
  const out: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    out.push(i === j ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return out.join(',');
}
