import { describe, expect, it } from 'vitest';
import {
  closingLine,
  parsePlaywrightReport,
  parseVitestReport,
  readReport,
  runnerLine,
  withExitCode,
} from './totals.mjs';

const vitest = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    numTotalTests: 7,
    numPassedTests: 6,
    numFailedTests: 1,
    numPendingTests: 0,
    success: false,
    testResults: [
      { name: '/r/a.test.ts', status: 'failed', message: '', assertionResults: [{ status: 'passed' }, { status: 'failed' }] },
    ],
    ...over,
  });

const playwright = (stats: Record<string, number>, errors: unknown[] = []) =>
  JSON.stringify({ config: {}, suites: [], errors, stats: { startTime: '', duration: 1, skipped: 0, flaky: 0, ...stats } });

describe('parseVitestReport', () => {
  it('reads passed and failed tests', () => {
    expect(parseVitestReport(vitest())).toEqual({ passed: 6, failed: 1, notes: [] });
  });

  it('counts a test file that failed to load as one failure', () => {
    const r = parseVitestReport(
      vitest({
        numPassedTests: 3,
        numFailedTests: 0,
        testResults: [
          { name: '/r/ok.test.ts', status: 'passed', message: '', assertionResults: [{ status: 'passed' }] },
          { name: '/r/broken.test.ts', status: 'failed', message: "\u001b[31mCannot find module './x'\u001b[39m\n  at ...", assertionResults: [] },
        ],
      }),
    );
    expect(r.passed).toBe(3);
    expect(r.failed).toBe(1);
    expect(r.notes[0]).toContain("/r/broken.test.ts — Cannot find module './x'");
  });

  it('rejects something that is not a vitest report', () => {
    expect(() => parseVitestReport('{"stats":{}}')).toThrow(/not a vitest JSON report/);
  });
});

describe('parsePlaywrightReport', () => {
  it('counts expected + flaky as passed and unexpected as failed; skipped is neither', () => {
    expect(parsePlaywrightReport(playwright({ expected: 4, flaky: 1, unexpected: 2, skipped: 3 }))).toEqual({
      passed: 5,
      failed: 2,
      notes: [],
    });
  });

  it('reports global errors as notes', () => {
    const r = parsePlaywrightReport(playwright({ expected: 0, unexpected: 0 }, [{ message: 'Error: Timed out waiting 60000ms from config.webServer.' }]));
    expect(r.notes).toEqual(['error: Error: Timed out waiting 60000ms from config.webServer.']);
  });

  it('rejects something that is not a Playwright report', () => {
    expect(() => parsePlaywrightReport('[]')).toThrow(/not a Playwright JSON report/);
  });
});

describe('readReport', () => {
  it('counts a missing report as one failure, with a message', () => {
    const r = readReport('artifacts/none.json', parseVitestReport, () => {
      throw new Error('ENOENT');
    });
    expect(r).toEqual({ passed: 0, failed: 1, notes: ['no report at artifacts/none.json (counted as 1 failed)'] });
  });

  it('counts a broken report as one failure, with a message', () => {
    const r = readReport('artifacts/v.json', parseVitestReport, () => '{"numPassedTests": 3,');
    expect(r.failed).toBe(1);
    expect(r.notes[0]).toMatch(/^broken report at artifacts\/v.json: /);
  });

  it('parses a good report', () => {
    expect(readReport('v.json', parseVitestReport, () => vitest()).passed).toBe(6);
  });
});

describe('withExitCode', () => {
  it('keeps counts when the runner succeeded or already lists failures', () => {
    const ok = { passed: 3, failed: 0, notes: [] };
    expect(withExitCode(ok, 0, 'vitest')).toBe(ok);
    const bad = { passed: 3, failed: 2, notes: [] };
    expect(withExitCode(bad, 1, 'vitest')).toBe(bad);
  });

  it('turns a failed run with no failed test into one failure', () => {
    const r = withExitCode({ passed: 0, failed: 0, notes: [] }, 1, 'playwright');
    expect(r.failed).toBe(1);
    expect(r.notes[0]).toContain('playwright exited with code 1');
  });
});

describe('lines', () => {
  it('prints runner lines and the closing line with the sums', () => {
    const v = { passed: 40, failed: 1 };
    const p = { passed: 3, failed: 0 };
    expect(runnerLine('vitest', v)).toBe('vitest: 40 passed, 1 failed');
    expect(closingLine([v, p])).toBe('43 passed, 1 failed');
    expect(closingLine([])).toBe('0 passed, 0 failed');
  });
});
