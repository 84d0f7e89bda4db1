// Benchmarks: `npx tsx scripts/bench/index.ts [--json] [name-filter...]`.
// Human output by default; with --json one JSON object per line:
// {"name","value","unit"} plus "baseline" and "ratio" where a baseline ran beside it.

import { xenWorkload } from './engine-events';
import { eventCore } from './event-core';
import { engineRuns } from './engine-runs';
import type { Benchmark, Measurement } from './types';

export const BENCHMARKS: Benchmark[] = [eventCore, xenWorkload, engineRuns];

function main(argv: string[]): void {
  const json = argv.includes('--json');
  const filters = argv.filter((a) => !a.startsWith('--'));
  const chosen = BENCHMARKS.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
  if (chosen.length === 0) {
    console.error(`no benchmark matches ${filters.join(' ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  for (const b of chosen) {
    const ms: Measurement[] = b.run();
    for (const m of ms) {
      if (json) {
        const line: Record<string, unknown> = { name: m.name, value: m.value, unit: m.unit };
        if (m.baseline !== undefined) line.baseline = m.baseline;
        if (m.ratio !== undefined) line.ratio = m.ratio;
        console.log(JSON.stringify(line));
      } else {
        const base = m.baseline !== undefined ? `  (baseline ${m.baseline.toLocaleString('en-US')} ${m.unit}, ratio ${m.ratio})` : '';
        console.log(`${m.name}: ${m.value.toLocaleString('en-US')} ${m.unit}${base}`);
        if (m.detail) console.log(`  ${Object.entries(m.detail).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
    }
  }
}

main(process.argv.slice(2));
