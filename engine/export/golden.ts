// Golden summaries: what `npm run --silent sim -- public/presets/<id>.json --brief`
// prints for every preset, committed under engine/export/golden/. Any change in engine
// behaviour shows up as a golden diff to review; `npm run golden` rewrites them.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from './cli-core';

export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
export const PRESET_DIR = fileURLToPath(new URL('../../public/presets/', import.meta.url));

/** The CLI on a preset file, exactly as a user would run it (minus the process). */
export function runPresetCli(id: string): CliResult {
  return runCli([`${PRESET_DIR}${id}.json`, '--brief'], {
    readFile: (p) => readFileSync(p, 'utf8'),
    writeFile: () => {
      throw new Error('no files are written for goldens');
    },
  });
}
