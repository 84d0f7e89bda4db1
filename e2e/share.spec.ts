// Sharing and exporting (issue 6), in Chromium against the built app, by role and name:
// PNG and SVG of the stage carry the run (dropping them on a fresh page reopens the same
// run at the same moment), the trace exports (JSON Lines whose SHA-256 is the trace
// hash; Chrome trace JSON for Perfetto), the Embed snippet and the embedded view, the
// presets gallery, opening a scenario file, bad files, and offline use after a first visit.
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPngText } from '../app/export/png';
import { svgLink } from '../app/share/openFile';
import { decodeLink } from '../engine/scenario/link';
import { open, ready, watchProblems } from './helpers';

const root = join(import.meta.dirname, '..');

async function share(page: Page, item: string) {
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByRole('group', { name: 'Share and export' }).getByRole('button', { name: item }).click();
}

async function traceHash(page: Page): Promise<string> {
  await share(page, 'About this run');
  const dialog = page.getByRole('dialog', { name: 'About this run' });
  const cell = dialog.getByRole('row', { name: /^Trace hash/ }).getByRole('cell');
  await expect(cell).toHaveText(/^[0-9a-f]{64}$/);
  const hash = (await cell.textContent())!;
  await dialog.getByRole('button', { name: 'Close' }).click();
  return hash;
}

async function saved(page: Page, action: () => Promise<void>): Promise<{ name: string; path: string; bytes: Buffer }> {
  const download = page.waitForEvent('download');
  await action();
  const dl = await download;
  const path = (await dl.path())!;
  return { name: dl.suggestedFilename(), path, bytes: readFileSync(path) };
}

const clock = async (page: Page) => (await page.getByRole('group', { name: 'Transport' }).locator('.clock').textContent())?.replace(/\s+/g, ' ');

test('PNG and SVG round trip: the exported image reopens the same run at the same moment in a fresh page', async ({ page, browser }) => {
  const problems = watchProblems(page);
  const file = JSON.parse(readFileSync(join(root, 'public', 'presets', 'ipi-coalescing.json'), 'utf8'));
  await open(page);
  // Open the scenario as a file, then go to a moment.
  const dir = mkdtempSync(join(tmpdir(), 'xsp-share-'));
  writeFileSync(join(dir, 'ipi.json'), JSON.stringify(file));
  await page.getByLabel('Open a scenario or an exported image').setInputFiles(join(dir, 'ipi.json'));
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('ipi-coalescing');
  await ready(page);
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next chapter' }).click();
  const at = await clock(page);
  const hash = await traceHash(page);

  const png = await saved(page, () => share(page, 'PNG image'));
  expect(png.name).toMatch(/^xen-smp-ipi-coalescing-[\d.]+ms\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const link = readPngText(new Uint8Array(png.bytes));
  expect(link).toMatch(/^#v1:[jz]:/);
  const d = decodeLink(link!);
  expect(d.ok && d.input).toEqual(file);
  const svg = await saved(page, () => share(page, 'SVG image'));
  expect(svg.name).toMatch(/\.svg$/);
  const text = svg.bytes.toString('utf8');
  expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(text).not.toMatch(/var\(--|<style|class="/); // attributes only: renders the same anywhere
  expect(svgLink(text)).toBe(link);

  for (const f of [png, svg]) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const fresh = await ctx.newPage();
    const freshProblems = watchProblems(fresh);
    await open(fresh);
    await expect(fresh.getByRole('combobox', { name: 'Scenario' })).toHaveValue('boot-4-vcpus');
    // Dropped on the page (a DataTransfer with the file), like a drag from the desktop.
    const data = await fresh.evaluateHandle(
      ([b64, name, type]) => {
        const bin = atob(b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type }));
        return dt;
      },
      [f.bytes.toString('base64'), f.name, f.name.endsWith('.png') ? 'image/png' : 'image/svg+xml'] as const,
    );
    await fresh.dispatchEvent('body', 'dragenter', { dataTransfer: data });
    await fresh.dispatchEvent('body', 'drop', { dataTransfer: data });
    await expect(fresh.getByRole('combobox', { name: 'Scenario' })).toHaveValue('ipi-coalescing');
    await ready(fresh);
    await expect.poll(() => clock(fresh)).toBe(at);
    expect(await traceHash(fresh)).toBe(hash);
    expect(freshProblems).toEqual([]);
    await ctx.close();
  }
  expect(problems).toEqual([]);
});

test('the trace exports: JSON Lines whose SHA-256 is the trace hash, and Chrome trace JSON for Perfetto', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  const hash = await traceHash(page);
  const jsonl = await saved(page, () => share(page, 'Trace (JSON Lines)'));
  expect(jsonl.name).toBe('xen-smp-boot-4-vcpus.jsonl');
  expect(createHash('sha256').update(jsonl.bytes).digest('hex')).toBe(hash);
  const lines = jsonl.bytes.toString('utf8').trimEnd().split('\n');
  expect(JSON.parse(lines[0])).toMatchObject({ t: 0 });
  const perfetto = await saved(page, () => share(page, 'Trace for Perfetto'));
  const chrome = JSON.parse(perfetto.bytes.toString('utf8')) as { traceEvents: { ph: string; name: string }[] };
  expect(chrome.traceEvents.some((e) => e.ph === 'X' && e.name === 'running')).toBe(true);
  expect(chrome.traceEvents.some((e) => e.ph === 'M' && e.name === 'thread_name')).toBe(true);
  expect(problems).toEqual([]);
});

test('a file that is not a scenario, or an image without one, gives a clear banner and the app keeps running', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  const dir = mkdtempSync(join(tmpdir(), 'xsp-bad-'));
  const input = page.getByLabel('Open a scenario or an exported image');
  const banner = page.getByRole('alert').filter({ hasText: 'This file could not be opened' });
  const cases: [string, string | Buffer, RegExp][] = [
    ['broken.json', '{"version": 1, "guest": {', /not a scenario/],
    ['invalid.json', '{"version": 1, "guest": {"vcpus": 0}}', /guest\.vcpus/],
    ['plain.png', Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), /without a playground scenario/],
    ['drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', /without a playground scenario/],
    ['binary.bin', Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x81]), /neither a scenario/],
  ];
  for (const [name, body, why] of cases) {
    writeFileSync(join(dir, name), body);
    await input.setInputFiles(join(dir, name));
    await expect(banner).toContainText(why);
    await banner.getByRole('button', { name: 'Dismiss' }).click();
  }
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('boot-4-vcpus');
  await page.getByRole('button', { name: 'Go to the end' }).click();
  await expect(page.getByRole('group', { name: 'vCPU 3', exact: true })).toContainText(/Linux\s*online/);
  expect(problems).toEqual([]);
});

test('Embed copies an iframe snippet; the embedded view shows the stage, the transport and a link to the full app', async ({ page, context, baseURL }) => {
  const problems = watchProblems(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await open(page);
  await page.getByRole('button', { name: 'Next chapter' }).click();
  await share(page, 'Embed');
  await expect(page.getByRole('status').filter({ hasText: 'Embed code copied' })).toBeVisible();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const m = /^<iframe src="([^"]+)" width="960" height="540" title="Xen SMP Playground: A PV guest boots 4 vCPUs"/.exec(snippet);
  expect(m, snippet).not.toBeNull();
  const src = m![1].replace(/&amp;/g, '&');
  expect(src).toMatch(/\?embed#v1:[jz]:/);
  // The snippet in a page of its own, as slides would hold it (served by the test: an
  // about:blank page may not frame a local address).
  await page.route('**/__xsp-e2e__/slides.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><title>slides</title><body>${snippet}</body>` }),
  );
  await page.goto('/__xsp-e2e__/slides.html');
  const frame = page.frameLocator('iframe');
  await expect(frame.getByRole('group', { name: 'Transport' })).toContainText(/event [\d,]+ of [1-9]/, { timeout: 30_000 });
  await expect(frame.getByRole('region', { name: 'Stage' })).toBeVisible();
  await expect(frame.getByRole('group', { name: 'vCPU 0', exact: true })).toBeVisible();
  const full = frame.getByRole('link', { name: 'Open in the full playground ↗' });
  await expect(full).toBeVisible();
  await expect(full).toHaveAttribute('href', /^http:\/\/127\.0\.0\.1:\d+\/#v1:[jz]:/);
  await expect(full).toHaveAttribute('target', '_blank');
  // No header, side panel or actions in the embed.
  await expect(frame.getByRole('combobox', { name: 'Scenario' })).toHaveCount(0);
  await expect(frame.getByRole('toolbar', { name: 'Actions at the playhead' })).toHaveCount(0);
  await expect(frame.getByRole('tablist', { name: 'Details' })).toHaveCount(0);
  await frame.getByRole('button', { name: 'Go to the end' }).click();
  await expect(frame.getByRole('group', { name: 'vCPU 3', exact: true })).toContainText(/Linux\s*online/);
  expect(problems).toEqual([]);
});

test('the presets gallery lists every preset with its teaching goal and opens one', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  const index = JSON.parse(readFileSync(join(root, 'public', 'presets', 'index.json'), 'utf8')) as unknown;
  const files = (Array.isArray(index) ? index : (index as { presets: unknown[] }).presets) as ({ id: string } | string)[];
  await page.getByRole('button', { name: 'Presets gallery' }).click();
  const dialog = page.getByRole('dialog', { name: 'Presets' });
  const items = dialog.getByRole('list', { name: 'Presets' }).getByRole('listitem');
  await expect(items).toHaveCount(files.length);
  const hotplug = JSON.parse(readFileSync(join(root, 'public', 'presets', 'hotplug-cpu2.json'), 'utf8')) as { title: string; goal: string };
  const item = items.filter({ hasText: hotplug.title });
  await expect(item).toContainText(hotplug.goal);
  await item.getByRole('button', { name: `Open “${hotplug.title}”` }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('hotplug-cpu2');
  await ready(page);
  // The address bar follows the scenario: a reload reopens it.
  await expect.poll(() => page.url()).toMatch(/#v1:[jz]:/);
  await page.reload();
  await ready(page);
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('hotplug-cpu2');
  expect(problems).toEqual([]);
});

test('works offline after the first visit (service worker and web manifest)', async ({ page, context }) => {
  const problems = watchProblems(page);
  await open(page);
  const manifest = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifest).toBe('./manifest.webmanifest');
  const m = await page.evaluate(async (href) => (await fetch(href)).json(), manifest!);
  expect(m).toMatchObject({ name: 'Xen SMP Playground', display: 'standalone' });
  // The service worker is installed (every file of the build cached) and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  await context.setOffline(true);
  try {
    await page.reload();
    await ready(page);
    await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('boot-4-vcpus');
    // Another preset runs in the (cached) engine worker, and the lazily loaded recorder is there too.
    await page.getByRole('combobox', { name: 'Scenario' }).selectOption('overcommit');
    await ready(page);
    await share(page, 'Record video…');
    await expect(page.getByRole('dialog', { name: 'Record a video' })).toContainText('frames at 30 fps');
    await page.keyboard.press('Escape');
    // A link opens offline too.
    await page.goto(`/#${page.url().split('#')[1] ?? ''}`);
    await ready(page);
  } finally {
    await context.setOffline(false);
  }
  expect(problems.filter((p) => !/request failed/.test(p))).toEqual([]);
});
