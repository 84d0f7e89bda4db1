// The headless runner: `npm run --silent sim -- <scenario.json | -> [--brief]
// [--trace out.jsonl] [--perfetto out.json] [--link]` (CONTRACT.md). Prints one JSON
// summary on stdout; exit 0 when the scenario ran (a panic is a result), 2 when it is
// invalid, 1 on an internal error.

import { readFileSync, writeFileSync } from 'node:fs';
import { runCli } from './export/cli-core';

const result = runCli(process.argv.slice(2), {
  readFile: (p) => readFileSync(p === '-' ? 0 : p, 'utf8'),
  writeFile: (p, data) => writeFileSync(p, data),
});
if (result.stderr) process.stderr.write(result.stderr);
// Let the whole document reach a pipe before the process ends (no process.exit()).
process.stdout.write(result.stdout + '\n', () => {
  process.exitCode = result.code;
});
