// The headless runner's logic, free of process I/O so tests can call it directly.

import { parseScenarioText } from '../scenario/validate';
import { makeLink } from '../scenario/link';
import { runScenario } from '../simulate';
import { canonicalLine } from '../trace/canonical';
import { invalidSummary } from './summary';
import { toChromeTrace } from './perfetto';

export const USAGE = 'usage: npm run --silent sim -- <scenario.json | -> [--brief] [--trace out.jsonl] [--perfetto out.json] [--link]';
/** Where `--link` points: the dev server of the app. */
export const LINK_BASE = 'http://localhost:5173/';

export interface CliIo {
  readFile(path: string): string;
  writeFile(path: string, data: string): void;
}

export interface CliResult {
  stdout: string;
  stderr: string;
  code: 0 | 1 | 2;
}

interface Args {
  input: string | null;
  brief: boolean;
  trace: string | null;
  perfetto: string | null;
  link: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { input: null, brief: false, trace: null, perfetto: null, link: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--brief') a.brief = true;
    else if (x === '--link') a.link = true;
    else if (x === '--trace' || x === '--perfetto') {
      const v = argv[++i];
      if (!v) return `${x} needs a file name`;
      if (x === '--trace') a.trace = v;
      else a.perfetto = v;
    } else if (x.startsWith('--')) return `unknown option ${x}`;
    else if (a.input === null) a.input = x;
    else return `unexpected argument ${x}`;
  }
  if (a.input === null) return 'no scenario given (a file name, or - for standard input)';
  return a;
}

function json(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

export function runCli(argv: string[], io: CliIo): CliResult {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    return { stdout: json(invalidSummary({ path: '', message: args })), stderr: `${args}\n${USAGE}\n`, code: 2 };
  }
  let text: string;
  try {
    text = io.readFile(args.input!);
  } catch (e) {
    const message = `cannot read ${args.input}: ${(e as Error).message}`;
    return { stdout: json(invalidSummary({ path: '', message })), stderr: message + '\n', code: 2 };
  }
  const v = parseScenarioText(text);
  if (!v.ok) {
    const where = v.error.path ? `${v.error.path}: ` : '';
    return { stdout: json(invalidSummary(v.error)), stderr: `invalid scenario: ${where}${v.error.message}\n`, code: 2 };
  }
  try {
    const { summary, cols } = runScenario(v.scenario, { brief: args.brief });
    if (args.trace) {
      let out = '';
      for (let i = 0; i < cols.length; i++) out += canonicalLine(cols.get(i)) + '\n';
      io.writeFile(args.trace, out);
    }
    if (args.perfetto) io.writeFile(args.perfetto, JSON.stringify(toChromeTrace(cols, summary.time_ns, v.scenario.title || 'guest')));
    if (args.link) summary.link = makeLink(LINK_BASE, JSON.parse(text));
    return { stdout: json(summary), stderr: '', code: 0 };
  } catch (e) {
    const err = e as Error;
    const s = invalidSummary({ path: '', message: `internal error: ${err.message}` });
    return { stdout: json(s), stderr: `${err.stack ?? err.message}\n`, code: 1 };
  }
}
