// Types for scripts/totals.mjs (plain Node, no build step).

export interface RunnerResult {
  passed: number;
  failed: number;
  notes: string[];
}

export function parseVitestReport(text: string): RunnerResult;
export function parsePlaywrightReport(text: string): RunnerResult;
export function readReport(file: string, parse: (text: string) => RunnerResult, read?: (file: string) => string): RunnerResult;
export function withExitCode(result: RunnerResult, exitCode: number, name: string): RunnerResult;
export function runnerLine(name: string, result: { passed: number; failed: number }): string;
export function closingLine(results: { passed: number; failed: number }[]): string;
