// Shared steps of the e2e specs: load the built app, wait for the engine run to be in
// and folded, collect console problems. Everything is found by role and name.
import { expect, type Page } from '@playwright/test';
import { join } from 'node:path';

export const SHOTS = join(import.meta.dirname, '..', 'artifacts', 'screenshots');

/** Console errors, page errors and failed requests (a clean page has none). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return problems;
}

/** Waits until the run is simulated and folded: the transport counts events and computes no more. */
export async function ready(page: Page, timeout = 30_000): Promise<void> {
  const transport = page.getByRole('group', { name: 'Transport' });
  await expect(transport).toContainText(/event [\d,]+ of [1-9][\d,]*/, { timeout });
  await expect(transport).not.toContainText('computing', { timeout });
}

export async function open(page: Page, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Xen SMP Playground' })).toBeVisible();
  await ready(page);
}

/** A vCPU's card and its action menu (names from app/stage/contract.ts). */
export async function vcpuAction(page: Page, cpu: number, item: string): Promise<void> {
  const card = page.getByRole('group', { name: `vCPU ${cpu}`, exact: true });
  await card.getByRole('button', { name: `CPU ${cpu} actions` }).click();
  await page.getByRole('menu', { name: `CPU ${cpu} actions` }).getByRole('menuitem', { name: item }).click();
}

/** The columns of /proc/interrupts (opens its tab). */
export async function procInterruptsCpus(page: Page): Promise<string[]> {
  await page.getByRole('tab', { name: '/proc/interrupts' }).click();
  const table = page.getByRole('table', { name: '/proc/interrupts' });
  return table.getByRole('columnheader').evaluateAll((hs) => hs.map((h) => h.getAttribute('aria-label') ?? ''));
}

/** Jumps to the first chapter whose label matches (through the Chapter list). */
export async function jumpToChapter(page: Page, label: RegExp): Promise<void> {
  const chapter = page.getByRole('combobox', { name: 'Chapter' });
  await chapter.focus(); // the list fills in when it is in use
  const options = await chapter.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
  const hit = options.find((o) => o.value !== '' && label.test(o.text));
  if (!hit) throw new Error(`no chapter matches ${label}`);
  await chapter.selectOption(hit.value);
  await chapter.blur(); // keys go back to the playground
}
