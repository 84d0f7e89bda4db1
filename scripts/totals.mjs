// Reads the JSON reports of vitest and Playwright and turns them into the plain
// `N passed, M failed` lines that scripts/test-all.mjs prints (CI reads the last one).
// Pure functions except `readReport`, which only reads a file.

import { readFileSync } from 'node:fs';

/**
 * vitest's `--reporter=json` output (jest-compatible). A test file that fails before
 * any test runs (import error, syntax error) has no assertion results but is a failure:
 * it counts as one failed test.
 */
export function parseVitestReport(text) {
  const r = JSON.parse(text);
  if (typeof r?.numPassedTests !== 'number' || typeof r?.numFailedTests !== 'number') {
    throw new Error('not a vitest JSON report (numPassedTests/numFailedTests missing)');
  }
  const brokenFiles = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  const notes = brokenFiles.map((f) => `test file failed without a failing test: ${f.name}${f.message ? ` — ${firstLine(f.message)}` : ''}`);
  return { passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles.length, notes };
}

/**
 * Playwright's `json` reporter output: passed = expected + flaky, failed = unexpected.
 * Global errors (config error, web server that would not start) are reported as notes;
 * the caller counts a failed run with no failed test as one failure.
 */
export function parsePlaywrightReport(text) {
  const r = JSON.parse(text);
  const s = r?.stats;
  if (!s || typeof s.expected !== 'number' || typeof s.unexpected !== 'number') {
    throw new Error('not a Playwright JSON report (stats.expected/stats.unexpected missing)');
  }
  const notes = (r.errors ?? []).map((e) => `error: ${firstLine(e.message ?? String(e))}`);
  return { passed: s.expected + (s.flaky ?? 0), failed: s.unexpected, notes };
}

/** Reads and parses one report; a missing or broken file is one failure with a message. */
export function readReport(file, parse, read = (f) => readFileSync(f, 'utf8')) {
  let text;
  try {
    text = read(file);
  } catch {
    return { passed: 0, failed: 1, notes: [`no report at ${file} (counted as 1 failed)`] };
  }
  try {
    return parse(text);
  } catch (e) {
    return { passed: 0, failed: 1, notes: [`broken report at ${file}: ${e.message} (counted as 1 failed)`] };
  }
}

/**
 * Folds a runner's exit code into its counts: a runner that failed while its report
 * lists no failed test (e.g. no tests found, an unhandled error) is one failure, so
 * that `failed > 0` exactly when something went wrong.
 */
export function withExitCode(result, exitCode, name) {
  if (exitCode === 0 || result.failed > 0) return result;
  return {
    ...result,
    failed: 1,
    notes: [...result.notes, `${name} exited with code ${exitCode} but its report lists no failed test (counted as 1 failed)`],
  };
}

/** `name: A passed, B failed`. */
export function runnerLine(name, { passed, failed }) {
  return `${name}: ${passed} passed, ${failed} failed`;
}

/** The closing line: sums over all results. */
export function closingLine(results) {
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    passed += r.passed;
    failed += r.failed;
  }
  return `${passed} passed, ${failed} failed`;
}

function firstLine(s) {
  // Strip ANSI colour codes and keep the first non-empty line.
  const clean = String(s).replace(/\u001b\[[0-9;]*m/g, '');
  return clean.split('\n').find((l) => l.trim())?.trim() ?? '';
}
