// Smoke test of the production build: the page loads without console errors, runs the
// default scenario in the engine Web Worker (streamed in chunks) and shows the booted
// guest; screenshots for people go to artifacts/screenshots/ (test-results/ is wiped by
// every run; the per-theme screenshots are in screenshots.spec.ts).
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { SHOTS, open, watchProblems } from './helpers';

test('runs the default scenario in the worker and shows the booted guest', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  await expect(page).toHaveTitle('Xen SMP Playground');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('boot-4-vcpus');
  await page.getByRole('button', { name: 'Go to the end' }).click();
  for (const n of [0, 1, 2, 3]) {
    await expect(page.getByRole('group', { name: `vCPU ${n}`, exact: true })).toContainText(/Linux\s*online/);
  }
  await expect(page.getByRole('img', { name: 'Time-space diagram' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'smoke-1280x800.png') });
  expect(problems).toEqual([]);
});
