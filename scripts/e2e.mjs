#!/usr/bin/env node
// `npm run test:e2e [-- playwright args]`: builds the app if dist/ is missing or older
// than its sources, then runs Playwright against `vite preview` (see playwright.config.ts).
// `--bench` instead runs the UI budget benchmark (e2e/perf.spec.ts) with XSP_BENCH=1.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const win = process.platform === 'win32';
const bin = (name) => join(root, 'node_modules', '.bin', win ? `${name}.cmd` : name);

/** What the build reads: a change to any of these makes dist/ stale. */
export const BUILD_INPUTS = ['index.html', 'app', 'engine', 'public', 'vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** Newest modification time (ms) under `path` (a file or a folder, recursively); 0 if absent. */
export function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** Pure: does dist need a rebuild, given dist/index.html's mtime (0 = missing) and the inputs' newest mtime. */
export function needsBuild(distMtime, inputsMtime) {
  return distMtime === 0 || inputsMtime > distMtime;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: win });
  if (r.error) console.error(`could not start ${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

function isMain() {
  return !!process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
}

if (isMain()) {
  const dist = newestMtime(join(root, 'dist', 'index.html'));
  const inputs = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(root, p))));
  if (needsBuild(dist, inputs)) {
    console.log(dist ? 'dist/ is older than its sources: building' : 'no dist/: building');
    const code = run(bin('vite'), ['build']);
    if (code !== 0) process.exit(code);
  } else {
    console.log('dist/ is up to date');
  }
  const args = process.argv.slice(2);
  if (args.includes('--bench')) {
    process.env.XSP_BENCH = '1';
    process.exit(run(bin('playwright'), ['test', 'e2e/perf.spec.ts', '--reporter=list']));
  }
  process.exit(run(bin('playwright'), ['test', ...args]));
}
