#!/usr/bin/env node
// `npm test`: the whole suite, in order, stopping at the first stage that fails:
//   typecheck → unit + property tests (vitest) → production build → browser → e2e (Playwright)
// Then it prints `vitest: A passed, B failed`, `playwright: C passed, D failed` and, as
// the very last line, `N passed, M failed` (the sums; CI reads this line). The counts
// come from the runners' JSON reports in artifacts/. A stage that is not a test runner
// (typecheck, build, browser) counts as 1 failed when it fails, so M > 0 exactly when
// the exit status is non-zero.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { closingLine, parsePlaywrightReport, parseVitestReport, readReport, runnerLine, withExitCode } from './totals.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'artifacts');
const vitestJson = join(artifacts, 'vitest.json');
const playwrightJson = join(artifacts, 'playwright.json');
const win = process.platform === 'win32';
const bin = (name) => join(root, 'node_modules', '.bin', win ? `${name}.cmd` : name);

mkdirSync(artifacts, { recursive: true });
rmSync(vitestJson, { force: true });
rmSync(playwrightJson, { force: true });

const stages = [
  { name: 'typecheck', cmd: bin('tsc'), args: ['--noEmit', '-p', '.'] },
  {
    name: 'unit tests',
    runner: 'vitest',
    cmd: bin('vitest'),
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
    report: vitestJson,
    parse: parseVitestReport,
  },
  { name: 'build', cmd: bin('vite'), args: ['build'] },
  // Prints the browser's path; installs Debian's chromium first if none is found (as root).
  { name: 'browser', cmd: process.execPath, args: [join(root, 'scripts', 'find-chromium.mjs'), '--install'], capture: true },
  {
    name: 'e2e tests',
    runner: 'playwright',
    cmd: bin('playwright'),
    args: ['test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
    report: playwrightJson,
    parse: parsePlaywrightReport,
  },
];

const results = []; // { label, passed, failed, notes }
const times = [];
const runners = new Map(); // runner name -> result line data
let stoppedAfter = null;
let browserPath = null;

for (const stage of stages) {
  if (stoppedAfter) break;
  console.log(`\n=== ${stage.name}: ${[stage.cmd === process.execPath ? 'node' : stage.cmd.split(/[\\/]/).pop(), ...stage.args.map((a) => a.replace(root + '/', ''))].join(' ')}`);
  const started = Date.now();
  const env = { ...process.env, ...(stage.env ?? {}) };
  if (stage.runner === 'playwright' && browserPath) env.CHROMIUM_PATH = browserPath;
  const r = spawnSync(stage.cmd, stage.args, {
    cwd: root,
    env,
    stdio: stage.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    shell: win,
  });
  const seconds = (Date.now() - started) / 1000;
  times.push(`${stage.name} ${seconds.toFixed(1)} s`);
  const code = r.status ?? (r.error ? 127 : 1);
  if (r.error) console.error(`${stage.name}: could not start ${stage.cmd}: ${r.error.message}`);
  if (stage.capture && r.stdout) {
    process.stdout.write(r.stdout);
    browserPath = r.stdout.trim().split('\n').pop() || null;
  }

  if (stage.runner) {
    const res = withExitCode(readReport(stage.report, stage.parse), code, stage.runner);
    runners.set(stage.runner, res);
    results.push(res);
    if (code !== 0 || res.failed > 0) stoppedAfter = stage.name;
  } else if (code !== 0) {
    results.push({ passed: 0, failed: 1, notes: [] });
    runners.set(stage.name, { failedStage: true });
    stoppedAfter = stage.name;
  }
  console.log(`=== ${stage.name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s`);
}

console.log('');
if (stoppedAfter) console.log(`Stopped: the ${stoppedAfter} stage failed; later stages did not run.`);
console.log(`Times: ${times.join(', ')}`);
for (const stage of stages) {
  const key = stage.runner ?? stage.name;
  const r = runners.get(key);
  if (!stage.runner) {
    if (r?.failedStage) console.log(`${stage.name}: failed (counted as 1 failed)`);
    continue;
  }
  if (!r) {
    console.log(`${runnerLine(stage.runner, { passed: 0, failed: 0 })} (not run)`);
    continue;
  }
  for (const n of r.notes) console.log(`${stage.runner}: ${n}`);
  console.log(runnerLine(stage.runner, r));
}
const last = closingLine(results);
console.log(last);
process.exitCode = stoppedAfter || /\b[1-9]\d* failed$/.test(last) ? 1 : 0;
