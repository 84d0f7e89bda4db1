// Recovery (issue 7): when the engine throws, the page says what happened, offers a bug
// report (the scenario link and the error) to copy, restarts the worker and keeps the
// user's scenario, which runs again. The engine is broken from outside, with no test
// hook in the product: Playwright serves the app's own built worker script
// (dist/assets/worker-*.js) with a fault put in front of it, for the FIRST request only,
// so the restarted worker is the real one. Also: an invalid scenario from the form or
// from a link names the field and the last good scenario keeps running.
import { expect, test, type Page, type Route } from '@playwright/test';
import { decodeLink, encodeLink } from '../engine/scenario/link';
import { banner, eventCount, guard, linkBanner, openFresh, ready } from './fixtures/reliability';

// Routing must see the worker script: no service worker in between.
test.use({ serviceWorkers: 'block' });

const FAULT = 'injected engine fault (e2e): the simulation threw';

/**
 * Throws inside the engine's run — where a bug in the simulation would — on the worker's
 * second `run` call: comlink carries the exception back to the page as the run's rejection.
 * (The worker times its slices with performance.now(); the engine itself never reads it.)
 */
const THROW_ON_SECOND_RUN = `
const __xspRuns = { n: 0 };
self.addEventListener('message', (e) => {
  const d = e.data;
  if (d && d.type === 'APPLY' && Array.isArray(d.path) && d.path[0] === 'run') __xspRuns.n++;
});
{
  const now = performance.now.bind(performance);
  performance.now = () => {
    if (__xspRuns.n === 2) throw new Error(${JSON.stringify(FAULT)});
    return now();
  };
}
`;

/** Serves the first request for the engine worker with `body(real)`, later ones untouched; counts requests. */
async function breakFirstWorker(page: Page, body: (real: string) => string): Promise<{ requests: number }> {
  const seen = { requests: 0 };
  await page.route('**/assets/worker-*.js', async (route: Route) => {
    seen.requests++;
    if (seen.requests > 1) return route.continue();
    const real = await (await route.fetch()).text();
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: body(real) });
  });
  return seen;
}

/** The user's own scenario, from a link. */
const MINE = { version: 1, title: 'Lecture 3: three vCPUs', guest: { vcpus: 3 } };

async function shownTitle(page: Page): Promise<string> {
  return (await page.getByRole('combobox', { name: 'Scenario' }).locator('option:checked').textContent()) ?? '';
}

async function vcpuCards(page: Page): Promise<number> {
  return page.getByRole('group', { name: /^vCPU \d+$/ }).count();
}

test('the engine throws mid-session: alert, bug report, fresh worker, the scenario kept and run again', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseURL!).origin });
  const g = guard(page, [/injected engine fault/]);
  const worker = await breakFirstWorker(page, (real) => THROW_ON_SECOND_RUN + real);
  await openFresh(page, encodeLink(MINE));
  await ready(page);
  expect(await shownTitle(page)).toBe(`Custom: ${MINE.title}`);
  expect(await vcpuCards(page)).toBe(3);
  const before = await eventCount(page);

  // An action at the playhead simulates again: the engine throws.
  await page.getByRole('button', { name: 'Go to the end' }).click();
  await page.getByRole('combobox', { name: 'CPU to act on' }).selectOption('2');
  await page.getByRole('button', { name: 'Take CPU 2 offline' }).click();
  const alert = banner(page, 'The engine failed');
  await expect(alert).toContainText(FAULT);
  await expect(alert).toContainText('A fresh engine is running the last good scenario.');

  // A fresh worker, the real one this time; the user's scenario is still the one shown.
  await expect.poll(() => worker.requests).toBe(2);
  await expect.poll(() => g.workers.length).toBe(2);
  await ready(page);
  expect(await shownTitle(page)).toBe(`Custom: ${MINE.title}`);
  expect(await vcpuCards(page)).toBe(3);
  expect(await eventCount(page)).toBe(before);

  // The bug report: the error and a link to the very scenario that failed.
  await alert.getByRole('button', { name: 'Copy bug report' }).click();
  await expect(alert.getByRole('button', { name: 'Bug report copied' })).toBeVisible();
  const report = await page.evaluate(() => navigator.clipboard.readText());
  expect(report).toContain(`Error: ${FAULT}`);
  const link = /^Scenario: (\S+)$/m.exec(report)?.[1] ?? '';
  expect(link.startsWith(new URL('/', baseURL!).href)).toBe(true);
  const decoded = decodeLink(link);
  expect(decoded.ok).toBe(true);
  if (decoded.ok) {
    const failed = decoded.input as typeof MINE & { steps: { do: string; cpu: number }[] };
    expect(failed.title).toBe(MINE.title);
    expect(failed.guest).toEqual(MINE.guest);
    expect(failed.steps).toMatchObject([{ do: 'cpu_down', cpu: 2 }]);
  }

  // Run it again: the failed scenario runs on the fresh engine and goes through.
  await alert.getByRole('button', { name: 'Run it again' }).click();
  await expect(alert).toBeHidden();
  await ready(page);
  await page.getByRole('button', { name: 'Go to the end' }).click();
  await expect(page.getByRole('group', { name: 'vCPU 2', exact: true })).toContainText(/Linux\s*offline/);
  expect(await shownTitle(page)).toBe(`Custom: ${MINE.title}`);
  expect(g.workers).toHaveLength(2);
  expect(g.problems).toEqual([]);
});

test('the worker dies as it starts, on a link: the link’s scenario is kept and runs on the fresh worker', async ({ page }) => {
  const g = guard(page, [/injected: the engine failed to start/]);
  const worker = await breakFirstWorker(page, () => 'throw new Error("injected: the engine failed to start");');
  await openFresh(page, encodeLink(MINE));
  const alert = banner(page, 'The engine failed');
  await expect(alert).toContainText('injected: the engine failed to start');
  // Nothing good ran before: the banner does not pretend otherwise.
  await expect(alert).toContainText('A fresh engine has started; your scenario is kept.');
  await expect.poll(() => worker.requests).toBe(2);
  expect(await shownTitle(page)).toBe(`Custom: ${MINE.title}`);
  await alert.getByRole('button', { name: 'Run it again' }).click();
  await ready(page);
  expect(await vcpuCards(page)).toBe(3);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(g.workers).toHaveLength(2);
  expect(g.problems).toEqual([]);
});

test('an invalid scenario from the form or a link names the field; the last good one keeps running', async ({ page }) => {
  const g = guard(page);
  await openFresh(page);
  await ready(page);
  const events = await eventCount(page);
  const transport = page.getByRole('group', { name: 'Transport' });
  await page.getByRole('slider', { name: 'Speed' }).fill('-2'); // slow: still playing when we look again
  await transport.getByRole('button', { name: 'Play' }).click();

  // The form: vCPUs 0.
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const form = page.getByRole('form', { name: 'Scenario' });
  await form.getByRole('textbox', { name: 'vCPUs' }).fill('0');
  await form.getByRole('button', { name: 'Apply' }).click();
  const alert = banner(page, 'Invalid scenario');
  await expect(alert).toContainText('guest.vcpus');
  await expect(alert).toContainText('must be an integer 1..512 (got 0)');
  await expect(alert).toContainText('The last good scenario keeps running.');
  await expect(form.getByRole('textbox', { name: 'vCPUs' })).toHaveAttribute('aria-invalid', 'true');
  // Still the same run, still playing.
  await expect(transport.getByRole('button', { name: 'Pause' })).toBeVisible();
  expect(await eventCount(page)).toBe(events);
  expect(await vcpuCards(page)).toBe(4);
  expect(await page.getByRole('combobox', { name: 'Scenario' }).inputValue()).toBe('boot-4-vcpus');

  // A link: vCPUs 600.
  await openFresh(page, encodeLink({ version: 1, title: 'Too many', guest: { vcpus: 600 } }));
  await expect(linkBanner(page)).toContainText('guest.vcpus');
  await expect(linkBanner(page)).toContainText('(got 600)');
  await ready(page);
  expect(await vcpuCards(page)).toBe(4);
  expect(await eventCount(page)).toBe(events);
  expect(g.workers).toHaveLength(2); // one per page load, never restarted
  expect(g.problems).toEqual([]);
});
