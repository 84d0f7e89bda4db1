// Presenter mode (issue 6), in Chromium against the built app, by role and name: the
// stage full screen with the chapters (scenario steps and boot phases) and the speaker
// notes of the scenario; a clicker's keys — PgDn and `.` next chapter, PgUp previous —
// step through it; Esc leaves. A link with `&present` opens in presenter mode.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeLink } from '../engine/scenario/link';
import { open, watchProblems } from './helpers';

const preset = (id: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'public', 'presets', `${id}.json`), 'utf8'));

const chapter = (page: Page) => page.getByRole('region', { name: 'Presenter mode' }).getByRole('status', { name: 'Current chapter' });
const notes = (page: Page) => page.getByRole('region', { name: 'Speaker notes' });

test('presenter mode: full-screen stage, chapters, speaker notes; PgDn / . / PgUp step through, Esc leaves', async ({ page }) => {
  const problems = watchProblems(page);
  const hotplug = preset('hotplug-cpu2');
  await open(page, encodeLink(hotplug));
  await page.getByRole('button', { name: 'Present' }).click();
  const presenter = page.getByRole('region', { name: 'Presenter mode' });
  await expect(presenter).toBeVisible();
  // The stage and the diagram, no header, side panel or actions.
  await expect(presenter.getByRole('region', { name: 'Stage' })).toBeVisible();
  await expect(presenter.getByRole('img', { name: 'Time-space diagram' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveCount(0);
  await expect(page.getByRole('toolbar', { name: 'Actions at the playhead' })).toHaveCount(0);
  // The stage fills most of the window.
  const box = (await presenter.getByRole('region', { name: 'Stage' }).boundingBox())!;
  expect(box.height).toBeGreaterThan(800 * 0.45);
  expect(box.width).toBeGreaterThan(1280 * 0.6);

  const list = presenter.getByRole('navigation', { name: 'Chapters' });
  await expect(list.getByRole('listitem').first()).toContainText('Domain created: boot');
  await expect(list.getByRole('listitem').filter({ hasText: 'Step 1: offline CPU 2' })).toHaveCount(1);
  await expect(chapter(page)).toContainText('Chapter 1 of');
  await expect(chapter(page)).toContainText('Domain created: boot');

  // PgDn, PgDn, then the clicker's "." for the next chapters.
  await page.keyboard.press('PageDown');
  await expect(chapter(page)).toContainText('CPU 1 bring-up');
  await page.keyboard.press('.');
  await expect(chapter(page)).toContainText('CPU 2 bring-up');
  await page.keyboard.press('.');
  await expect(chapter(page)).toContainText('CPU 3 bring-up');
  // Before the first step there is no speaker note; from step 1 on, the scenario's note 1.
  await expect(notes(page)).not.toContainText(hotplug.notes[0]);
  await page.keyboard.press('.');
  await expect(chapter(page)).toContainText('Step 1: offline CPU 2');
  await expect(notes(page)).toContainText(hotplug.notes[0]);
  await expect(list.locator('[aria-current="step"]')).toContainText('Step 1: offline CPU 2');
  // The step's consequences keep its note; the next step brings note 2.
  await page.keyboard.press('.');
  await expect(chapter(page)).toContainText('CPU 2 goes offline');
  await expect(notes(page)).toContainText(hotplug.notes[0]);
  await page.keyboard.press('.');
  await expect(chapter(page)).toContainText('Step 2: online CPU 2');
  await expect(notes(page)).toContainText(hotplug.notes[1]);
  await page.keyboard.press('PageUp');
  await expect(chapter(page)).toContainText('CPU 2 goes offline');
  // A chapter from the list.
  await list.getByRole('button', { name: /CPU 1 bring-up/ }).click();
  await expect(chapter(page)).toContainText('CPU 1 bring-up');
  // Space plays (and moves on); the help lists the presenter's keys.
  await page.keyboard.press(' ');
  await expect(presenter.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press(' ');
  await expect(presenter.getByRole('button', { name: 'Play' })).toBeVisible();
  const at = /: (.*)$/.exec((await chapter(page).textContent()) ?? '')![1];
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Next chapter');
  await expect(help).toContainText('Leave presenter mode');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(presenter).toBeVisible();
  // Big type: the projector theme, and back.
  await presenter.getByRole('button', { name: 'Big type' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
  await presenter.getByRole('button', { name: 'Big type' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // Esc leaves presenter mode; the playhead stays where it was.
  await page.keyboard.press('Escape');
  await expect(presenter).toBeHidden();
  await expect(page.getByRole('combobox', { name: 'Chapter' })).toHaveAccessibleDescription(new RegExp(at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // Outside presenter mode "." plays and pauses, as before.
  await page.keyboard.press('.');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('a boot scenario without steps shows its notes per chapter; a link with &present opens presenter mode', async ({ page }) => {
  const problems = watchProblems(page);
  const boot = preset('boot-4-vcpus');
  await page.goto(`/${encodeLink(boot, { t: 0 })}&present`);
  await expect(page.getByRole('region', { name: 'Presenter mode' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Chapters' }).getByRole('listitem')).toHaveCount(4, { timeout: 30_000 });
  await page.keyboard.press('Home');
  await expect(chapter(page)).toContainText('Domain created: boot');
  await expect(notes(page)).toContainText(boot.notes[0]);
  await page.keyboard.press('PageDown');
  await expect(notes(page)).toContainText(boot.notes[1]);
  await page.getByRole('button', { name: 'Exit presenter mode' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Xen SMP Playground' })).toBeVisible();
  expect(problems).toEqual([]);
});
