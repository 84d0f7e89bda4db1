// /proc/interrupts at the playhead, laid out exactly as Linux prints it
// (kernel/irq/proc.c show_interrupts + arch/x86/kernel/irq.c arch_show_interrupts):
//
//   header   "%*s" (prec+8 blanks), then "CPU%-8d" for each ONLINE cpu
//   irq row  "%*d: " irq, "%10u " per online cpu, " %8s" chip, " %*s" (blank hwirq
//            column, prec wide), "-%-8s" handler name (ipi/virq), "  %s" action name
//   arch row "%*s: " (NMI, LOC, ...), "%10u " per online cpu, "  " description
//   ERR/MIS  "%*s: %10u"
//
// which gives, as on a real Xen PV guest (shared/research/real-xen.md):
//   " 24:        841          0          0          0  xen-percpu    -virq      timer0"
// A CPU's column disappears when it goes offline, and its rows disappear with its
// ports (irq_free). Per-irq counts restart when an irq is bound again; the arch rows
// are per-CPU statistics that hotplug does not reset (they come from every IPI
// handler run before the playhead).

import type { VisualState } from '../../engine/trace/state';

export interface InterruptsRow {
  key: string;
  /** "24" or "NMI". */
  label: string;
  counts: number[];
  /** irq rows: chip, handler name ("ipi", "virq") and action name ("resched1"). */
  chip?: string;
  handler?: string;
  name: string;
  irq?: number;
  port?: number;
  /** The exact text line. */
  text: string;
}

export interface InterruptsTable {
  prec: number;
  cpus: number[];
  header: string;
  rows: InterruptsRow[];
  /** The whole file as text (header + rows + ERR/MIS), lines joined with "\n". */
  text: string;
}

/** Arch rows of x86 arch_show_interrupts (Linux 4.0, CONFIG_X86_LOCAL_APIC, MCE, thermal). */
export const ARCH_ROWS: { label: string; desc: string; from?: 'NMI' | 'IWI' | 'RES' | 'CAL' }[] = [
  { label: 'NMI', desc: 'Non-maskable interrupts', from: 'NMI' },
  { label: 'LOC', desc: 'Local timer interrupts' },
  { label: 'SPU', desc: 'Spurious interrupts' },
  { label: 'PMI', desc: 'Performance monitoring interrupts' },
  { label: 'IWI', desc: 'IRQ work interrupts', from: 'IWI' },
  { label: 'RTR', desc: 'APIC ICR read retries' },
  { label: 'RES', desc: 'Rescheduling interrupts', from: 'RES' },
  { label: 'CAL', desc: 'Function call interrupts', from: 'CAL' },
  { label: 'TLB', desc: 'TLB shootdowns' },
  { label: 'TRM', desc: 'Thermal event interrupts' },
  { label: 'THR', desc: 'Threshold APIC interrupts' },
  { label: 'MCE', desc: 'Machine check exceptions' },
  { label: 'MCP', desc: 'Machine check polls' },
];
const CLASS_SLOT = { NMI: 0, IWI: 1, RES: 2, CAL: 3 } as const;

/** Width of the irq-number column: 3, or more once irq numbers reach 1000 (Linux's nr_irqs rule). */
export function irqPrecision(maxIrq: number): number {
  let prec = 3;
  for (let j = 1000; prec < 10 && j <= maxIrq + 1; prec++) j *= 10;
  return prec;
}

export function headerLine(prec: number, cpus: number[]): string {
  return ' '.repeat(prec + 8) + cpus.map((c) => `CPU${String(c).padEnd(8)}`).join('');
}

export function countCells(counts: number[]): string {
  return counts.map((c) => `${String(c).padStart(10)} `).join('');
}

export function irqLine(prec: number, irq: number, counts: number[], chip: string, handler: string, name: string): string {
  return `${String(irq).padStart(prec)}: ${countCells(counts)} ${chip.padStart(8)} ${''.padStart(prec)}-${handler.padEnd(8)}  ${name}`;
}

export function archLine(prec: number, label: string, counts: number[], desc: string): string {
  return `${label.padStart(prec)}: ${countCells(counts)}  ${desc}`;
}

/**
 * The table at the playhead. `arch` gives the per-CPU arch counters
 * (TraceIndex.archCountsAt): cpu → [NMI, IWI, RES, CAL].
 */
export function interruptsTable(s: VisualState, arch: Map<number, number[]>): InterruptsTable {
  const cpus = s.vcpus.filter((v) => v.online).map((v) => v.id);
  const irqs = Object.values(s.irqs).sort((a, b) => a.irq - b.irq);
  const prec = irqPrecision(irqs.length ? irqs[irqs.length - 1].irq : 0);
  const rows: InterruptsRow[] = [];
  for (const q of irqs) {
    const counts = cpus.map((c) => q.counts[c] ?? 0);
    const handler = q.type.replace(/^-/, '');
    rows.push({
      key: `irq${q.irq}`,
      label: String(q.irq),
      counts,
      chip: q.chip,
      handler,
      name: q.name,
      irq: q.irq,
      port: q.port,
      text: irqLine(prec, q.irq, counts, q.chip, handler, q.name),
    });
  }
  for (const a of ARCH_ROWS) {
    const counts = cpus.map((c) => (a.from ? (arch.get(c)?.[CLASS_SLOT[a.from]] ?? 0) : 0));
    rows.push({ key: a.label, label: a.label, counts, name: a.desc, text: archLine(prec, a.label, counts, a.desc) });
  }
  const header = headerLine(prec, cpus);
  const tail = ['ERR', 'MIS'].map((l) => `${l.padStart(prec)}: ${String(0).padStart(10)}`);
  return { prec, cpus, header, rows, text: [header, ...rows.map((r) => r.text), ...tail].join('\n') + '\n' };
}
