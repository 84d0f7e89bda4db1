// Video export (issue 6), in Chromium against the built app: a 2-second 30 fps range is
// recorded as WebM (VP9) and as MP4 (H.264) through the Record dialog, and the test reads
// each file's container itself (app/record/container.ts: EBML / ISO BMFF boxes, not the
// muxer that wrote it; mediabunny's reader in Node as a second opinion) to check the
// frame count (60 = 2 s × 30 fps), the stated duration (2.000 s) and the picture size.
// Cancel stops a long recording. The export speed (frames encoded per second at 720p30
// and 1080p60) goes to artifacts/video-export.json (BENCHMARKS.md "Video export").
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
import { readContainer } from '../app/record/container';
import { open, watchProblems } from './helpers';

const artifacts = join(import.meta.dirname, '..', 'artifacts');

async function recordDialog(page: Page) {
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Record video…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record a video' });
  await expect(dialog).toBeVisible();
  return dialog;
}

interface Settings {
  range?: [string, string];
  pace?: string;
  skipQuiet?: boolean;
  format: 'WebM (VP9)' | 'MP4 (H.264)';
  size: '720p' | '1080p';
  fps: '30 fps' | '60 fps';
}

async function set(page: Page, s: Settings) {
  const dialog = page.getByRole('dialog', { name: 'Record a video' });
  if (s.range) {
    await dialog.getByRole('radio', { name: 'A range of virtual time' }).check();
    await dialog.getByRole('textbox', { name: 'From (ms)' }).fill(s.range[0]);
    await dialog.getByRole('textbox', { name: 'To (ms)' }).fill(s.range[1]);
  } else {
    await dialog.getByRole('radio', { name: /^Whole run/ }).check();
  }
  if (s.pace) await dialog.getByRole('textbox', { name: 'Virtual ms per second of video' }).fill(s.pace);
  await dialog.getByRole('checkbox', { name: 'Skip quiet gaps (like playback)' }).setChecked(s.skipQuiet ?? true);
  await dialog.getByRole('radio', { name: s.format }).check();
  await dialog.getByRole('radio', { name: s.size }).check();
  await dialog.getByRole('radio', { name: s.fps }).check();
}

/** Records with the dialog's settings; the saved file's bytes and the dialog's report. */
async function record(page: Page): Promise<{ bytes: Uint8Array; name: string; frames: number; ms: number; drawMs: number }> {
  const dialog = page.getByRole('dialog', { name: 'Record a video' });
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Record', exact: true }).click();
  const dl = await download;
  const done = dialog.getByRole('status').filter({ hasText: 'Saved' });
  await expect(done).toBeVisible();
  const bytes = new Uint8Array(readFileSync((await dl.path())!));
  return {
    bytes,
    name: dl.suggestedFilename(),
    frames: Number(await done.getAttribute('data-frames')),
    ms: Number(await done.getAttribute('data-ms')),
    drawMs: Number(await done.getAttribute('data-draw-ms')),
  };
}

/** Frames and duration as mediabunny's demuxer reads them (a second opinion). */
async function demux(bytes: Uint8Array): Promise<{ packets: number; duration: number; width: number; height: number }> {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error('no video track');
  const stats = await track.computePacketStats();
  return { packets: stats.packetCount, duration: await input.computeDuration(), width: await track.getDisplayWidth(), height: await track.getDisplayHeight() };
}

test('records 2 s at 30 fps as WebM and MP4: the containers hold exactly 60 frames and last 2.000 s', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  await recordDialog(page);
  for (const format of ['WebM (VP9)', 'MP4 (H.264)'] as const) {
    await set(page, { range: ['0', '2'], pace: '1', skipQuiet: false, format, size: '720p', fps: '30 fps' });
    await expect(page.getByRole('dialog', { name: 'Record a video' })).toContainText('2.000 s of video: 60 frames at 30 fps, 1280×720');
    const r = await record(page);
    const info = readContainer(r.bytes);
    expect(info.container).toBe(format.startsWith('WebM') ? 'webm' : 'mp4');
    expect(r.name).toMatch(format.startsWith('WebM') ? /\.webm$/ : /\.mp4$/);
    expect(info.codec).toMatch(format.startsWith('WebM') ? /^V_VP9$/ : /^avc1$/);
    expect(info.frames).toBe(60);
    expect(info.duration).toBeCloseTo(2.0, 3);
    expect(info.framesSpan).toBeCloseTo(2.0, 1);
    expect([info.width, info.height]).toEqual([1280, 720]);
    const second = await demux(r.bytes);
    expect(second.packets).toBe(60);
    expect(second.duration).toBeCloseTo(2.0, 3);
    expect([second.width, second.height]).toEqual([1280, 720]);
    expect(r.frames).toBe(60);
  }
  expect(problems).toEqual([]);
});

test('Cancel stops a recording; the dialog stays usable and nothing is saved', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  const dialog = await recordDialog(page);
  // The whole run, slowly, at 1080p60: long enough to cancel in the middle.
  await set(page, { pace: '0.05', skipQuiet: false, format: 'WebM (VP9)', size: '1080p', fps: '60 fps' });
  let saved = false;
  page.on('download', () => (saved = true));
  await dialog.getByRole('button', { name: 'Record', exact: true }).click();
  const progress = dialog.getByRole('progressbar', { name: 'Recording progress' });
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 20_000 }).toBeGreaterThan(4);
  // Esc does not close a dialog that is busy.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel recording' }).click();
  await expect(progress).toBeHidden();
  await expect(dialog.getByRole('button', { name: 'Record', exact: true })).toBeEnabled();
  expect(saved).toBe(false);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(problems).toEqual([]);
});

test('video export speed: frames encoded per second at 720p30 and 1080p60 (artifacts/video-export.json)', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const problems = watchProblems(page);
  await open(page);
  await recordDialog(page);
  const out: Record<string, unknown>[] = [];
  for (const [size, fps] of [
    ['720p', '30 fps'],
    ['1080p', '60 fps'],
  ] as const) {
    for (const format of ['WebM (VP9)', 'MP4 (H.264)'] as const) {
      // 3 s of video of the boot's busiest stretch (CPUs 1–3 coming up, 2.5–4 ms) at 0.5 ms per second.
      await set(page, { range: ['2.5', '4'], pace: '0.5', skipQuiet: false, format, size, fps });
      const r = await record(page);
      const info = readContainer(r.bytes);
      const rate = Number(fps.split(' ')[0]);
      expect(info.frames).toBe(r.frames);
      expect(Math.abs(info.duration - r.frames / rate)).toBeLessThan(0.0015); // WebM stores milliseconds
      const fpsEncoded = (r.frames * 1000) / r.ms;
      out.push({
        name: `video_export.${size}${rate}.${format.startsWith('WebM') ? 'webm_vp9' : 'mp4_h264'}`,
        frames: r.frames,
        video_seconds: r.frames / rate,
        wall_ms: Math.round(r.ms),
        frames_per_second: Number(fpsEncoded.toFixed(1)),
        x_real_time: Number((fpsEncoded / rate).toFixed(2)),
        draw_ms_per_frame: Number((r.drawMs / r.frames).toFixed(2)),
        bytes: r.bytes.length,
      });
    }
  }
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, 'video-export.json'), JSON.stringify({ browser: `Chromium ${browser.version()}`, date: new Date().toISOString(), results: out }, null, 2) + '\n');
  console.log(out.map((o) => `${o.name}: ${o.frames} frames in ${o.wall_ms} ms = ${o.frames_per_second} frames/s (${o.x_real_time}× real time; drawing ${o.draw_ms_per_frame} ms/frame)`).join('\n'));
  expect(problems).toEqual([]);
});
