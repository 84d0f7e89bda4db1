// Screenshots for people to look at: the playground at 1280×800 and 1920×1080 in every
// theme (artifacts/screenshots/app-<theme>-<w>x<h>.png), each side-panel tab once, and
// a teaching moment with IPIs in flight. Each shot also checks the page stays whole.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { SHOTS, jumpToChapter, open, watchProblems } from './helpers';
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
