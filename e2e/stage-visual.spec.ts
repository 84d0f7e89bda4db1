// Screenshots of the stage (vCPU cards, pCPUs, event channels, IPI arrows, legend) and
// the time-space diagram, for people to look at: five scenarios at teaching moments,
// at 1280×800 and 1920×1080, in every theme → artifacts/screenshots/stage-*.png.
//
// The pictures are mounted through a test-only page (app/stage/test-harness/), built
// and served by this spec on its own (it is not part of the product build), so they
// can be driven to an exact playhead. It asserts only what must hold: the key parts are
// visible and named, and the page logs no errors.

import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { build, preview, type PreviewServer } from 'vite';

const root = join(import.meta.dirname, '..');
const shots = join(root, 'artifacts', 'screenshots');
const outDir = join(tmpdir(), 'xen-smp-stage-harness');

/** 128 vCPUs on 64 pCPUs, a CALL_FUNCTION broadcast to all but self, then CPU 5 offline. */
const BIG = {
  version: 1,
  title: '128 vCPUs: a CALL_FUNCTION broadcast',
  host: { pcpus: 64 },
  guest: { vcpus: 128, nr_cpus: 128 },
  steps: [
    { at: '20ms', do: 'ipi', from: 0, to: 'allbutself', vector: 'CALL_FUNCTION' },
    { at: '25ms', do: 'cpu_down', cpu: 5 },
  ],
};

interface Shot {
  name: string;
  query: string;
  /** Playhead and the diagram's window span, ns. */
  t: number;
  span?: number;
  /** vCPUs the page must show. */
  vcpus: number;
  /** An arrow that must be on the stage at this moment (accessible name). */
  arrow?: RegExp;
}

const SHOTS: Shot[] = [
  { name: 'boot-4-vcpus', query: 'preset=boot-4-vcpus', t: 3_300_000, vcpus: 4 },
  {
    name: 'ipi-coalescing',
    query: 'preset=ipi-coalescing',
    t: 13_500_000,
    span: 8_000_000,
    vcpus: 4,
    arrow: /^RESCHEDULE IPI from CPU \d to CPU 1: coalesced$/,
  },
  { name: 'hotplug-cpu2', query: 'preset=hotplug-cpu2', t: 20_005_800, span: 24_000, vcpus: 4, arrow: /^RESCHEDULE IPI from CPU 0 to CPU \d: / },
  { name: 'fifo-events', query: 'preset=fifo-events', t: 10_003_600, span: 6_000, vcpus: 4, arrow: /^CALL_FUNCTION IPI from CPU 0 to CPU \d: / },
  {
    name: 'vcpus-128',
    query: `scenario=${encodeURIComponent(JSON.stringify(BIG))}`,
    t: 61_120_000,
    span: 300_000,
    vcpus: 128,
    arrow: /^CALL_FUNCTION IPI from CPU 0 to CPU \d+: /,
  },
];

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const THEMES = ['light', 'dark', 'projector'] as const;

let server: PreviewServer;
let base = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await build({
    configFile: join(root, 'vite.config.ts'),
    root,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: join(root, 'app/stage/test-harness/harness.html') } },
  });
  server = await preview({
    configFile: join(root, 'vite.config.ts'),
    root,
    logLevel: 'warn',
    build: { outDir },
    // Port 0: any free port (other servers may hold the usual ones).
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the stage harness preview server did not start');
  base = url.replace(/\/$/, '');
  mkdirSync(shots, { recursive: true });
});

test.afterAll(async () => {
  await server?.close();
});

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

for (const size of SIZES) {
  for (const s of SHOTS) {
    test(`stage and diagram: ${s.name} at ${size.width}×${size.height} in every theme`, async ({ page }) => {
      test.setTimeout(120_000);
      const problems = watchProblems(page);
      await page.setViewportSize(size);
      for (const theme of THEMES) {
        const span = s.span ? `&span=${s.span}` : '';
        await page.goto(`${base}/app/stage/test-harness/harness.html?${s.query}&t=${s.t}&theme=${theme}${span}&motion=reduce`);
        const stage = page.locator('.xs-stage');
        await expect(page.getByRole('group', { name: 'vCPU 0' })).toBeVisible({ timeout: 30_000 });
        await expect(page.getByRole('group', { name: `vCPU ${s.vcpus - 1}` })).toHaveCount(1);
        await expect(page.getByRole('group', { name: `vCPU ${s.vcpus}` })).toHaveCount(0);
        await expect(page.getByRole('button', { name: 'CPU 0 actions' })).toBeVisible();
        await expect(page.getByRole('list', { name: 'Physical CPUs' })).toBeAttached();
        await expect(page.getByRole('grid', { name: 'Event channels' })).toBeVisible();
        await expect(page.getByRole('region', { name: 'Legend' })).toBeVisible();
        await expect(page.getByRole('img', { name: 'Time-space diagram' })).toBeVisible();
        if (s.arrow) await expect(stage.getByRole('img', { name: s.arrow }).first()).toBeAttached();
        // Cards never overlap one another.
        const boxes = await stage.locator('[role="group"][aria-label^="vCPU "]').evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom];
          }),
        );
        for (let i = 1; i < boxes.length; i++) {
          const [a, b] = [boxes[i - 1], boxes[i]];
          expect(a[2] <= b[0] + 0.5 || b[2] <= a[0] + 0.5 || a[3] <= b[1] + 0.5 || b[3] <= a[1] + 0.5).toBe(true);
        }
        await page.waitForTimeout(150); // the diagram draws on the next animation frame
        await page.screenshot({ path: join(shots, `stage-${s.name}-${theme}-${size.width}x${size.height}.png`) });
      }
      expect(problems).toEqual([]);
    });
  }
}

test('the built app mounts the stage and the diagram (screenshots in every theme)', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchProblems(page);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const theme of THEMES) {
      // The shell keeps the theme in localStorage (the last init script added wins).
      await page.addInitScript((t) => localStorage.setItem('xen-smp-playground.theme', t), theme);
      await page.goto('/');
      await expect(page.getByRole('group', { name: 'vCPU 0' })).toBeVisible({ timeout: 30_000 });
      const boot = page.getByRole('button', { name: 'Boot', exact: true });
      if (await boot.count()) await boot.first().click();
      await expect(page.getByRole('img', { name: 'Time-space diagram' })).toBeVisible();
      await expect(page.getByRole('grid', { name: 'Event channels' })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Legend' })).toBeVisible();
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(shots, `stage-app-${theme}-${size.width}x${size.height}.png`) });
    }
  }
  expect(problems).toEqual([]);
});

test('the actions menu calls back with the chosen action, and disabled items do nothing', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base}/app/stage/test-harness/harness.html?preset=ipi-coalescing&t=13500000`);
  await page.getByRole('button', { name: 'CPU 1 actions' }).click();
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem', { name: 'Bring CPU 1 online' })).toBeDisabled();
  await menu.getByRole('menuitem', { name: 'Bring CPU 1 online' }).click({ force: true });
  await expect(menu).toBeVisible();
  await menu.getByRole('menuitem', { name: 'Enable interrupts on CPU 1' }).click();
  await expect(menu).toBeHidden();
  await expect(page.getByTestId('actions')).toHaveText('irq_on 1');
  // Keyboard: open, move, choose.
  await page.getByRole('button', { name: 'CPU 2 actions' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Take CPU 2 offline' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'CPU 2 actions' })).toBeFocused();
  expect(problems).toEqual([]);
});

test('the diagram seeks on a click in its ruler and zooms with the wheel', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base}/app/stage/test-harness/harness.html?preset=ipi-coalescing&t=0`);
  const ts = page.getByRole('img', { name: 'Time-space diagram' });
  const g = await ts.evaluate((el) => ({ t0: Number(el.dataset.t0), t1: Number(el.dataset.t1), left: Number(el.dataset.plotLeft), width: Number(el.dataset.plotWidth) }));
  const target = 12_500_000;
  await ts.click({ position: { x: g.left + ((target - g.t0) / (g.t1 - g.t0)) * g.width, y: 4 } });
  await expect(page.getByTestId('harness-status')).toContainText(/playhead 12\d{6} ns/);
  await ts.hover({ position: { x: g.left + g.width / 2, y: 120 } });
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => ts.evaluate((el) => Number(el.dataset.t1) - Number(el.dataset.t0))).toBeLessThan(g.t1 - g.t0);
});
