import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../scenario/presets';
import { GOLDEN_DIR, runPresetCli } from './golden';

describe('every preset runs through the CLI and matches its golden summary', () => {
  for (const p of PRESETS) {
    it(`${p.id}`, () => {
      const r = runPresetCli(p.id);
      expect(r.code).toBe(0);
      const file = `${GOLDEN_DIR}${p.id}.json`;
      expect(existsSync(file), `missing golden ${file}: run npm run golden`).toBe(true);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
