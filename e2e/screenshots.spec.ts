// Screenshots for people to look at: the playground at 1280×800 and 1920×1080 in every
// theme (artifacts/screenshots/app-<theme>-<w>x<h>.png), each side-panel tab once, a
// teaching moment with IPIs in flight, and (share-*.png) the About panel, the Share menu,
// the Record dialog, the embedded view and presenter mode. Each shot also checks the page
// stays whole; the projector layout at 1280×800 must leave the stage half the height.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { SHOTS, jumpToChapter, open, ready, watchProblems } from './helpers';
import { encodeLink } from '../engine/scenario/link';
import { readFileSync } from 'node:fs';

const THEMES = ['Light', 'Dark', 'Projector'] as const;
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/** The middle of CPU 2's bring-up: cards in every state, ports being bound. */
async function interestingMoment(page: Page) {
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
}

async function noOverflow(page: Page) {
  // Nothing sticks out of the window sideways, and the page itself does not scroll.
  const { sw, cw, sh, ch } = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth,
    cw: document.documentElement.clientWidth,
    sh: document.documentElement.scrollHeight,
    ch: document.documentElement.clientHeight,
  }));
  expect(sw).toBeLessThanOrEqual(cw);
  expect(sh).toBeLessThanOrEqual(ch);
}

for (const theme of THEMES) {
  test(`screenshots in the ${theme.toLowerCase()} theme`, async ({ page }) => {
    const problems = watchProblems(page);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await open(page);
      await page.getByRole('radio', { name: theme }).click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme.toLowerCase());
      await interestingMoment(page);
      await page.mouse.move(0, size.height - 1);
      await noOverflow(page);
      await page.screenshot({ path: join(SHOTS, `app-${theme.toLowerCase()}-${size.width}x${size.height}.png`) });
    }
    expect(problems).toEqual([]);
  });
}

test('screenshots of every side-panel tab', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  await page.getByRole('radio', { name: 'Light' }).click();
  await page.getByRole('button', { name: 'Go to the end' }).click();
  for (const [tab, file] of [
    ['Hypercalls', 'hypercalls'],
    ['Console', 'console'],
    ['/proc/interrupts', 'interrupts'],
    ['Raw hypercall', 'raw-hypercall'],
    ['Scenario', 'scenario'],
    ['Narration & code', 'narration'],
  ] as const) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
    await page.screenshot({ path: join(SHOTS, `app-tab-${file}-1280x800.png`) });
  }
  expect(problems).toEqual([]);
});

test('screenshot of IPIs in flight (callfunc-stolen preset)', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await open(page, encodeLink(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'public', 'presets', 'callfunc-stolen.json'), 'utf8'))));
  await page.getByRole('radio', { name: 'Light' }).click();
  await jumpToChapter(page, /Step 1:/);
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await page.mouse.move(0, 1079);
  await page.screenshot({ path: join(SHOTS, 'app-ipis-in-flight-1920x1080.png') });
  expect(problems).toEqual([]);
});

// --- issue 6: share, present, record --------------------------------------------------

test('the projector theme at 1280×800 gives the stage at least half the height', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  await page.getByRole('radio', { name: 'Projector' }).click();
  await interestingMoment(page);
  await page.mouse.move(0, 799);
  const stage = (await page.getByRole('region', { name: 'Stage' }).boundingBox())!;
  expect(stage.height).toBeGreaterThanOrEqual(400);
  // One row of actions, the side panel collapsed to a rail that opens it again.
  const bar = (await page.getByRole('toolbar', { name: 'Actions at the playhead' }).boundingBox())!;
  expect(bar.height).toBeLessThan(60);
  await expect(page.getByRole('tablist', { name: 'Details' })).toHaveCount(0);
  await noOverflow(page);
  await page.screenshot({ path: join(SHOTS, 'share-projector-layout-1280x800.png') });
  await page.getByRole('button', { name: 'Show the details panel' }).click();
  await expect(page.getByRole('tablist', { name: 'Details' })).toBeVisible();
  await page.getByRole('button', { name: 'Hide the details panel' }).click();
  await expect(page.getByRole('tablist', { name: 'Details' })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('the "skipping idle time" cue covers neither the stage titles nor the legend', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, encodeLink(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'public', 'presets', 'hotplug-cpu2.json'), 'utf8'))));
  await page.getByRole('radio', { name: 'Light' }).click();
  // CPU 2 goes offline at 20 ms after a long quiet stretch: play into it.
  await jumpToChapter(page, /CPU 3 bring-up/);
  await page.getByRole('slider', { name: 'Speed' }).fill('1');
  await page.getByRole('button', { name: 'Play' }).click();
  // Measured in the page the moment the cue shows (it stays about 2.5 s).
  const overlaps = await page.waitForFunction(
    () => {
      const cue = document.querySelector('.skip-cue');
      if (!cue) return null;
      const c = cue.getBoundingClientRect();
      const stage = document.querySelector('section[aria-label="Stage"]')!;
      return [...stage.querySelectorAll('h2, section[aria-label="Legend"]')]
        .map((h) => ({ text: (h.textContent ?? '').slice(0, 40), r: h.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 2 && r.height > 2)
        .filter(({ r }) => c.left < r.right && r.left < c.right && c.top < r.bottom && r.top < c.bottom)
        .map(({ text }) => text);
    },
    undefined,
    { timeout: 20_000, polling: 'raf' },
  );
  expect(await overlaps.jsonValue()).toEqual([]);
  await page.screenshot({ path: join(SHOTS, 'share-skip-cue-1280x800.png') });
  await page.keyboard.press('End');
  expect(problems).toEqual([]);
});

test('screenshots: About this run, Share menu, Record dialog, embedded view', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  await page.getByRole('radio', { name: 'Light' }).click();
  await interestingMoment(page);
  await page.getByRole('button', { name: 'Share' }).click();
  await page.screenshot({ path: join(SHOTS, 'share-menu-1280x800.png') });
  await page.getByRole('button', { name: 'About this run' }).click();
  await expect(page.getByRole('dialog', { name: 'About this run' }).getByRole('row', { name: /^Trace hash/ })).toContainText(/[0-9a-f]{64}/);
  await page.screenshot({ path: join(SHOTS, 'share-about-1280x800.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Record video…' }).click();
  await expect(page.getByRole('dialog', { name: 'Record a video' })).toContainText('frames at 30 fps');
  await page.screenshot({ path: join(SHOTS, 'share-record-1280x800.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Presets gallery' }).click();
  await page.screenshot({ path: join(SHOTS, 'share-presets-1280x800.png') });
  await page.keyboard.press('Escape');
  // The embedded view at the iframe's 960×540.
  await page.setViewportSize({ width: 960, height: 540 });
  const boot = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'public', 'presets', 'boot-4-vcpus.json'), 'utf8'));
  await page.goto(`/?embed${encodeLink(boot)}`);
  await ready(page);
  await interestingMoment(page);
  await expect(page.getByRole('link', { name: 'Open in the full playground ↗' })).toBeVisible();
  await page.mouse.move(0, 539);
  await page.screenshot({ path: join(SHOTS, 'share-embed-960x540.png') });
  expect(problems).toEqual([]);
});

for (const theme of ['Light', 'Projector'] as const) {
  test(`screenshots of presenter mode in the ${theme.toLowerCase()} theme`, async ({ page }) => {
    const problems = watchProblems(page);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await open(page, encodeLink(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'public', 'presets', 'ipi-coalescing.json'), 'utf8'))));
      await page.getByRole('radio', { name: theme }).click();
      await page.getByRole('button', { name: 'Present' }).click();
      const presenter = page.getByRole('region', { name: 'Presenter mode' });
      await expect(presenter).toBeVisible();
      for (let i = 0; i < 6; i++) await page.keyboard.press('.');
      await expect(presenter.getByRole('region', { name: 'Speaker notes' })).toContainText(/./);
      await page.mouse.move(0, size.height - 1);
      await noOverflow(page);
      await page.screenshot({ path: join(SHOTS, `share-presenter-${theme.toLowerCase()}-${size.width}x${size.height}.png`) });
      await page.keyboard.press('Escape');
      await expect(presenter).toBeHidden();
    }
    expect(problems).toEqual([]);
  });
}
