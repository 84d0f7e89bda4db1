// Rewrites engine/export/golden/<preset>.json from the current engine (`npm run golden`).
// Review the diff before committing: it is every behaviour change of the engine.

import { writeFileSync } from 'node:fs';
import { PRESETS } from '../engine/scenario/presets';
import { GOLDEN_DIR, runPresetCli } from '../engine/export/golden';

for (const p of PRESETS) {
  const r = runPresetCli(p.id);
  if (r.code !== 0) throw new Error(`${p.id}: exit ${r.code}\n${r.stderr}`);
  writeFileSync(`${GOLDEN_DIR}${p.id}.json`, r.stdout + '\n');
  console.log(`${p.id}: ${JSON.parse(r.stdout).trace_hash}`);
}
