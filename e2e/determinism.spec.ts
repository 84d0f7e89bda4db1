// Determinism across runtimes (issue 7): the same scenarios give identical trace hashes
// in Node (this test process: simulate(input).summary.trace_hash) and in the browser —
// the app's own built engine worker, its trace streamed to the page in transferred
// chunks through the app's own client and hashed on the page from the columns it
// rebuilt (e2e/fixtures/determinism/page.ts, a test page bundled here, served on the
// app's origin by Playwright; nothing in the product is changed for it). Scenarios: every
// preset, random ones from engine/scenario/arbitrary.ts with a fixed seed, a scale run of
// three chunks, one run in tiny chunks, and a repeat at the end (a worker that has run
// other scenarios gives the same hash again).
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { join } from 'node:path';
import { build, type Rolldown } from 'vite';
import { arbScenarioInput } from '../engine/scenario/arbitrary';
import { simulate } from '../engine/simulate';
import { traceHash } from '../engine/trace/canonical';
import { ipiStorm } from './fixtures/make-ipi-storm';
import type { PageHash } from './fixtures/determinism/page';
import { guard, openFresh, presetInputs, ready } from './fixtures/reliability';

const SEED = 20260607;
const PAGE = '/__xsp-e2e__/determinism.html';

/** Bundles the test page (app client + canonical hash) in memory. */
async function bundlePage(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    root: join(import.meta.dirname, 'fixtures', 'determinism'),
    publicDir: false,
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      rollupOptions: { input: join(import.meta.dirname, 'fixtures', 'determinism', 'page.ts'), output: { format: 'es', entryFileNames: 'page.js' } },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rolldown.RolldownOutput[];
  const entry = outputs.flatMap((o) => o.output).find((f) => f.type === 'chunk' && f.fileName === 'page.js');
  if (!entry || entry.type !== 'chunk') throw new Error('the determinism page did not bundle');
  return entry.code;
}

test('trace hashes in the browser worker equal those in Node, for every preset and random scenarios', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const g = guard(page);
  const presets = presetInputs();
  const random = fc.sample(arbScenarioInput(), { numRuns: 6, seed: SEED });
  const cases: { name: string; input: unknown; chunkEvents?: number }[] = [
    ...presets.map((p) => ({ name: p.id, input: p.input })),
    ...random.map((input, i) => ({ name: `random #${i} (seed ${SEED})`, input })),
    { name: 'IPI storm, 128 vCPUs (several chunks)', input: ipiStorm(200) },
    { name: `${presets[5].id} in chunks of 997 events`, input: presets[5].input, chunkEvents: 997 },
    { name: `${presets[0].id} again`, input: presets[0].input },
  ];

  // Node: the engine in this process.
  const node = cases.map((c) => {
    const r = simulate(c.input);
    expect(r.summary.ok, c.name).toBe(true);
    expect(traceHash(r.cols), c.name).toBe(r.summary.trace_hash);
    return { events: r.cols.length, hash: r.summary.trace_hash };
  });

  // The app's built worker: its URL from the running app.
  await openFresh(page);
  await ready(page);
  expect(g.workers.length).toBeGreaterThanOrEqual(1);
  const workerUrl = g.workers[0];
  expect(workerUrl).toMatch(/\/assets\/worker-[\w-]+\.js$/);
  const origin = new URL(baseURL!).origin;
  expect(new URL(workerUrl).origin).toBe(origin);

  // The test page, on the app's origin and under the app's own CSP.
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toBeTruthy();
  const code = await bundlePage();
  await page.route(`${origin}/__xsp-e2e__/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.endsWith('/page.js')) return route.fulfill({ contentType: 'text/javascript', body: code });
    return route.fulfill({
      contentType: 'text/html',
      headers: { 'content-security-policy': csp! },
      body: '<!doctype html><meta charset="utf-8"><title>determinism</title><script type="module" src="./page.js"></script>',
    });
  });
  await page.goto(PAGE);
  await expect(page).toHaveTitle('determinism: ready');

  // One worker runs them all, in order (chunk size per case where given).
  const browser = await page.evaluate(
    ([url, runs]) =>
      (window as unknown as { xspDeterminism: { hashes(u: string, r: unknown[]): Promise<PageHash[]> } }).xspDeterminism.hashes(url, runs),
    [workerUrl, cases.map((c) => ({ input: c.input, chunkEvents: c.chunkEvents }))] as const,
  );
  expect(browser).toHaveLength(cases.length);
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    expect(browser[i].ok, c.name).toBe(true);
    expect(browser[i].events, c.name).toBe(node[i].events);
    expect(browser[i].page, `${c.name}: hash of the trace the page received`).toBe(node[i].hash);
    expect(browser[i].worker, `${c.name}: the worker's own summary hash`).toBe(node[i].hash);
  }
  expect(cases.length).toBeGreaterThanOrEqual(10);
  // The scale run arrived in several chunks, the tiny-chunk run in many.
  expect(browser[presets.length + random.length].chunks).toBeGreaterThanOrEqual(3);
  expect(browser[presets.length + random.length + 1].chunks).toBeGreaterThan(node[presets.length + random.length + 1].events / 997 - 1);
  expect(g.problems).toEqual([]);
  expect(await g.violations()).toEqual([]);
});
