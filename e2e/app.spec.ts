// The "Must show", in Chromium against the built app, by role and name:
// boot the default scenario and see the vCPUs come online in order; offline CPU 2 by
// clicking it and see its ports closed; send a RESCHEDULE IPI and see the arrow and the
// handled count; a nosmp scenario shows the panic; step back restores the earlier
// picture exactly. Plus the keyboard and the error paths.
import { expect, test, type Page } from '@playwright/test';
import { open, procInterruptsCpus, ready, vcpuAction, watchProblems } from './helpers';

/** Names of the bound ports in the event-channel grid that belong to CPU n. */
async function portsOfCpu(page: Page, cpu: number): Promise<string[]> {
  const grid = page.getByRole('grid', { name: 'Event channels' });
  const names = await grid.locator('[aria-label^="port "]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const re = new RegExp(`^port \\d+ (timer|spinlock|resched|callfunc|callfuncsingle|irqwork|debug)${cpu}(:|$)`);
  return names.filter((n) => re.test(n));
}

test('boots the default scenario: the vCPUs come online in order', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  // Record, in the page, the order in which each vCPU card first says "Linux online".
  await page.evaluate(() => {
    const w = window as unknown as { __online: string[] };
    w.__online = [];
    const look = () => {
      for (const g of document.querySelectorAll('[role="group"][aria-label^="vCPU "]')) {
        const name = g.getAttribute('aria-label')!;
        if (/Linux\s*online/.test(g.textContent ?? '') && !w.__online.includes(name)) w.__online.push(name);
      }
      requestAnimationFrame(look);
    };
    look();
  });
  await expect(page.getByRole('group', { name: 'vCPU 3', exact: true })).not.toContainText(/Linux\s*online/);
  await page.getByRole('slider', { name: 'Speed' }).fill('0.5'); // ≈3×: the boot takes a few seconds
  await page.getByRole('toolbar', { name: 'Actions at the playhead' }).getByRole('button', { name: 'Boot' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __online: string[] }).__online), { timeout: 30_000 }).toEqual([
    'vCPU 0',
    'vCPU 1',
    'vCPU 2',
    'vCPU 3',
  ]);
  // The narration said what the kernel was doing, with a link to the source.
  await expect(page.getByRole('figure', { name: 'Current narration' }).getByRole('link').first()).toHaveAttribute('href', /elixir\.bootlin\.com\/linux\/v4\.0/);
  expect(problems).toEqual([]);
});

test('offlines CPU 2 by clicking it: its ports close and its /proc/interrupts column goes', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  await page.getByRole('button', { name: 'Go to the end' }).click();
  expect(await portsOfCpu(page, 2)).not.toEqual([]);
  expect(await procInterruptsCpus(page)).toEqual(['CPU0', 'CPU1', 'CPU2', 'CPU3']);
  await vcpuAction(page, 2, 'Take CPU 2 offline');
  await expect(page.getByRole('status').filter({ hasText: 'Take CPU 2 offline at' })).toBeVisible();
  await ready(page);
  // Play it through to the end of the new run.
  await page.getByRole('button', { name: 'Go to the end' }).click();
  await expect(page.getByRole('group', { name: 'vCPU 2', exact: true })).toContainText(/Linux\s*offline/);
  expect(await portsOfCpu(page, 2)).toEqual([]);
  expect(await portsOfCpu(page, 1)).not.toEqual([]);
  expect(await procInterruptsCpus(page)).toEqual(['CPU0', 'CPU1', 'CPU3']);
  const rows = await page.getByRole('table', { name: '/proc/interrupts' }).getByRole('row').allTextContents();
  expect(rows.filter((r) => /xen-percpu.*\D2$/.test(r))).toEqual([]);
  // The step is in the scenario, at the playhead.
  await page.getByRole('tab', { name: 'Scenario' }).click();
  await expect(page.getByRole('list', { name: 'Steps' }).getByRole('listitem')).toHaveCount(1);
  await expect(page.getByRole('combobox', { name: 'Step 1 kind' })).toHaveValue('cpu_down');
  expect(problems).toEqual([]);
});

test('sends a RESCHEDULE IPI: the arrow flies and the handled count goes up', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  await page.getByRole('button', { name: 'Go to the end' }).click();
  const ipis = page.getByRole('table', { name: 'IPIs so far' });
  await expect(ipis.getByRole('row', { name: /RESCHEDULE/ })).toHaveText(/RESCHEDULE\s*0\s*0/);
  await vcpuAction(page, 1, 'Send a reschedule IPI to CPU 1');
  await ready(page);
  // Step forward until the arrow is there.
  const arrow = page.getByRole('img', { name: /^RESCHEDULE IPI from CPU 0 to CPU 1: / });
  for (let i = 0; i < 40 && (await arrow.count()) === 0; i++) await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(arrow.first()).toBeAttached();
  await expect(arrow.first()).toHaveAccessibleName(/: (in flight|pending|handled)$/);
  // On to the handler: the arrow says handled and the counters agree.
  for (let i = 0; i < 40 && !/handled$/.test((await arrow.first().getAttribute('aria-label')) ?? ''); i++) {
    await page.getByRole('button', { name: 'Step forward' }).click();
  }
  await expect(arrow.first()).toHaveAccessibleName('RESCHEDULE IPI from CPU 0 to CPU 1: handled');
  await expect(ipis.getByRole('row', { name: /RESCHEDULE/ })).toHaveText(/RESCHEDULE\s*1\s*1/);
  await page.getByRole('tab', { name: '/proc/interrupts' }).click();
  const res = page.getByRole('table', { name: '/proc/interrupts' }).getByRole('row').filter({ hasText: /resched1$/ });
  await expect(res).toHaveText(/^ +\d+: +0 +1 +0 +0 +xen-percpu +-ipi +resched1$/);
  expect(problems).toEqual([]);
});

test('a nosmp scenario, set in the form, shows the panic', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  await page.getByRole('checkbox', { name: 'nosmp' }).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await ready(page);
  await page.getByRole('button', { name: 'Go to the end' }).click();
  const panic = page.getByRole('alert', { name: 'Kernel panic' });
  await expect(panic).toContainText('The nosmp parameter is incompatible with Xen; use Xen dom0_max_vcpus=1 parameter');
  // The panic is a chapter.
  const chapters = page.getByRole('combobox', { name: 'Chapter' });
  await expect(chapters).toHaveAccessibleDescription(/Kernel panic|Domain shut down/);
  await chapters.focus();
  await expect(chapters).toContainText('Kernel panic');
  expect(problems).toEqual([]);
});

test('step back restores the earlier picture exactly', async ({ page }) => {
  await open(page);
  const stage = page.getByRole('region', { name: 'Stage' });
  // The middle of CPU 2's bring-up.
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await expect(page.getByRole('combobox', { name: 'Chapter' })).toHaveAccessibleDescription(/CPU 2 bring-up/);
  await page.keyboard.press('ArrowRight');
  const before = await stage.ariaSnapshot();
  const clock = await page.getByRole('group', { name: 'Transport' }).locator('.clock').textContent();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  expect(await stage.ariaSnapshot()).not.toEqual(before);
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
  expect(await page.getByRole('group', { name: 'Transport' }).locator('.clock').textContent()).toBe(clock);
  expect(await stage.ariaSnapshot()).toEqual(before);
});

test('keyboard: Space plays and pauses, PgDn jumps chapters, ? opens the help; the tab auto-pauses when hidden', async ({ page }) => {
  await open(page);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('PgDn');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  const chapter = page.getByRole('combobox', { name: 'Chapter' });
  await page.keyboard.press('PageDown');
  await expect(chapter).toHaveAccessibleDescription(/CPU 1 bring-up/);
  await page.keyboard.press('PageDown');
  await expect(chapter).toHaveAccessibleDescription(/CPU 2 bring-up/);
  await page.keyboard.press('PageUp');
  await expect(chapter).toHaveAccessibleDescription(/CPU 1 bring-up/);
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  // Hide the tab: playback pauses by itself.
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Paused: the tab was hidden.' })).toBeVisible();
  await page.keyboard.press('.');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
});

test('an invalid scenario link names the field, and the default scenario runs', async ({ page }) => {
  const { encodeLink } = await import('../engine/scenario/link');
  await open(page, encodeLink({ version: 1, guest: { vcpus: 0 } }));
  await expect(page.getByRole('alert').filter({ hasText: 'Invalid scenario' })).toContainText('guest.vcpus');
  await expect(page.getByRole('group', { name: 'vCPU 3', exact: true })).toBeVisible();
});
