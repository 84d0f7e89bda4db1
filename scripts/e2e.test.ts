import { mkdtempSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_INPUTS, needsBuild, newestMtime } from './e2e.mjs';

describe('needsBuild', () => {
  it('builds when there is no dist', () => expect(needsBuild(0, 5)).toBe(true));
  it('builds when a source is newer than dist', () => expect(needsBuild(10, 11)).toBe(true));
  it('reuses an up-to-date dist', () => expect(needsBuild(10, 10)).toBe(false));
  it('watches the app, the engine and the build config', () => {
    expect(BUILD_INPUTS).toEqual(expect.arrayContaining(['index.html', 'app', 'engine', 'vite.config.ts']));
  });
});

describe('newestMtime', () => {
  it('finds the newest file in a folder tree, and 0 for a missing path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xsp-e2e-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'old.ts'), '');
    writeFileSync(join(dir, 'a', 'b', 'new.ts'), '');
    utimesSync(join(dir, 'a', 'old.ts'), 1000, 1000);
    utimesSync(join(dir, 'a', 'b', 'new.ts'), 2000, 2000);
    utimesSync(join(dir, 'a', 'b'), 1500, 1500);
    utimesSync(join(dir, 'a'), 1500, 1500);
    utimesSync(dir, 1500, 1500);
    expect(newestMtime(dir)).toBe(2000_000);
    expect(newestMtime(join(dir, 'missing'))).toBe(0);
  });
});
