// Smoke test of the production build: the page loads without console errors, runs the
// default scenario in the engine Web Worker and shows the result. Screenshots for
// people go to artifacts/screenshots/ (test-results/ is wiped by every run).
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

test('runs the default scenario in the worker and shows the booted guest', async ({ page }, testInfo) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await expect(page).toHaveTitle('Xen SMP Playground');
  await expect(page.getByRole('heading', { level: 1, name: 'Xen SMP Playground' })).toBeVisible();

  // The worker's answer replaces the "Running…" status.
  await expect(page.getByRole('status')).toHaveText(/^Ran the default scenario: [\d,]+ trace events\.$/, {
    timeout: 30_000,
  });
  await expect(page.getByRole('alert')).toHaveCount(0);

  const vcpus = page.getByRole('list', { name: 'vCPUs' });
  await expect(vcpus.getByRole('listitem').first()).toHaveText(/^vCPU 0: online \(\w+\)$/);
  await expect(page.getByText(/^Online CPUs: 0(, \d+)*$/)).toBeVisible();
  await expect(page.getByText(/^[0-9a-f]{64}$/)).toBeVisible();

  const shots = join(testInfo.project.testDir, '..', 'artifacts', 'screenshots');
  await page.screenshot({ path: join(shots, 'smoke-1280x800.png'), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: join(shots, 'smoke-1920x1080.png'), fullPage: true });

  expect(problems).toEqual([]);
});
