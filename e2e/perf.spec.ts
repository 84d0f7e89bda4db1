// The UI budgets of issue 5, measured in Chromium against the built app with the
// 128-vCPU IPI storm (e2e/fixtures/ipi-storm-128.json, ~1M trace events):
//   - no main-thread task over 50 ms while the engine runs (PerformanceObserver 'longtask'
//     from navigation until the whole trace is simulated, streamed and folded);
//   - seek anywhere in the million-event trace ≤ 50 ms (scrubber input → the picture
//     rendered, 20 random points after 2 warm-up seeks);
//   - p95 frame time ≤ 16.7 ms while playing the storm (requestAnimationFrame intervals
//     after 1 s of warm-up, ≥ 330 frames at each speed);
// Wall-clock budgets depend on the machine and its load, so this spec is a benchmark: it runs
// with `npm run bench:ui` (XSP_BENCH=1), not in `npm test` (playwright.config.ts ignores it).
// The bundle budget is exact and stays in the suite: e2e/bundle.spec.ts.
// The figures go to artifacts/ui-budgets.json and the test log; BENCHMARKS.md records them.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { encodeLink } from '../engine/scenario/link';
import { jumpToChapter, ready } from './helpers';

const ROOT = join(import.meta.dirname, '..');
const STORM = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'ipi-storm-128.json'), 'utf8'));
const results: Record<string, unknown> = {};

// Measured without Playwright's trace recorder: while it records (playwright.config.ts
// keeps traces of failures) it streams a screencast of every frame, which costs the
// browser as much as a good part of the page and is not the app's work.
test.use({ trace: 'off', screenshot: 'off', video: 'off' });

function p(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function record(name: string, value: unknown) {
  results[name] = value;
  console.log(`ui-budget ${name}: ${JSON.stringify(value)}`);
}

test.afterAll(() => {
  mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
  writeFileSync(join(ROOT, 'artifacts', 'ui-budgets.json'), JSON.stringify(results, null, 2) + '\n');
});

test.describe('with the 128-vCPU IPI storm (~1M events)', () => {
  test.describe.configure({ timeout: 120_000 });

  test('no long main-thread task while the engine runs; seeks ≤ 50 ms; p95 frame ≤ 16.7 ms while playing', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.addInitScript(() => {
      const w = window as unknown as { __longtasks: { start: number; duration: number }[] };
      w.__longtasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    // The machine's load (the budgets are wall-clock figures on a shared machine).
    record('load_average_at_start', loadavg().map((x) => +x.toFixed(2)));
    const t0 = Date.now();
    await page.goto(`/${encodeLink(STORM)}`);
    await ready(page, 50_000);
    const loadMs = Date.now() - t0;
    const events = await eventCount(page);
    record('storm_events', events);
    record('storm_load_to_ready_s', +(loadMs / 1000).toFixed(1));
    expect(events).toBeGreaterThan(900_000);

    // 1. Long tasks while the engine ran: from the run's start (a performance mark the
    //    store sets) until the trace was simulated, streamed and folded (ready).
    const { tasks, runStart } = await page.evaluate(() => ({
      tasks: (window as unknown as { __longtasks: { start: number; duration: number }[] }).__longtasks,
      runStart: performance.getEntriesByType('mark').find((m) => m.name.startsWith('xsp:run-start'))?.startTime ?? 0,
    }));
    const during = tasks.filter((t) => t.start >= runStart);
    record('longtasks_while_engine_runs', { count: during.length, max_ms: Math.max(0, ...during.map((t) => Math.round(t.duration))), all: during.map((t) => Math.round(t.duration)) });
    record('longtasks_startup_ms', tasks.filter((t) => t.start < runStart).map((t) => Math.round(t.duration)));
    expect.soft(Math.max(0, ...during.map((t) => t.duration))).toBeLessThanOrEqual(50);

    // 2. Seek anywhere: set the scrubber, measure until the picture is rendered. Two
    //    warm-up seeks first (code paths compiled, pictures' sprites made), then 20.
    const seeks = await page.evaluate(async () => {
      const input = document.querySelector<HTMLInputElement>('input[aria-label="Playhead"]')!;
      const max = Number(input.max);
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      const frame = () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
      let seed = 12345;
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const work: number[] = [];
      const toFrame: number[] = [];
      for (const warm of [0.37, 0.81]) {
        setValue.call(input, String(Math.floor(warm * max)));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await frame();
        await frame();
      }
      for (let i = 0; i < 20; i++) {
        await frame();
        const t = Math.floor(rand() * max);
        const start = performance.now();
        setValue.call(input, String(t));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        void document.body.offsetHeight; // layout of the new picture
        work.push(performance.now() - start);
        toFrame.push((await frame()) - start);
      }
      return { work, toFrame };
    });
    record('seek_ms', {
      max_work: +Math.max(...seeks.work).toFixed(1),
      p50_work: +p(seeks.work, 0.5).toFixed(1),
      // Until the next animation frame starts: canvases are drawn in it (the stage's pictures).
      p50_to_next_frame: +p(seeks.toFrame, 0.5).toFixed(1),
      max_to_next_frame: +Math.max(...seeks.toFrame).toFixed(1),
    });
    expect.soft(Math.max(...seeks.work)).toBeLessThanOrEqual(50);

    // 3. Play the storm and time the frames: 1 s of warm-up (the first frames of playing
    //    mount what playing shows), then at least 330 frames (p95 over ≥ 300), for 5.5 s
    //    at least and 20 s at most.
    for (const speed of [1, 10]) {
      // Each speed from the storm's first step (10× would otherwise run off the end).
      await jumpToChapter(page, /Step 1:/);
      await page.getByRole('slider', { name: 'Speed' }).fill(String(Math.log10(speed)));
      const frames = await page.evaluate(async () => {
        const play = document.querySelector<HTMLButtonElement>('button[aria-label="Play"]')!;
        play.click();
        const raf = () => new Promise<number>((r) => requestAnimationFrame(r));
        let last = await raf();
        const warm = last + 1000;
        while (last < warm) last = await raf();
        const deltas: number[] = [];
        const start = last;
        while ((deltas.length < 330 || last - start < 5500) && last - start < 20_000) {
          const now = await raf();
          deltas.push(now - last);
          last = now;
        }
        document.querySelector<HTMLButtonElement>('button[aria-label="Pause"]')?.click();
        return deltas;
      });
      const played = await page.getByRole('group', { name: 'Transport' }).locator('.clock').textContent();
      record(`load_average_after_${speed}x`, loadavg().map((x) => +x.toFixed(2)));
      record(`frames_at_${speed}x`, { frames: frames.length, p50_ms: +p(frames, 0.5).toFixed(1), p95_ms: +p(frames, 0.95).toFixed(1), max_ms: +Math.max(...frames).toFixed(1), clock: played });
      expect.soft(p(frames, 0.95)).toBeLessThanOrEqual(16.7 + 0.5); // rAF timestamps jitter by a fraction of a ms
    }
  });
});

async function eventCount(page: Page): Promise<number> {
  const text = (await page.getByRole('group', { name: 'Transport' }).locator('.events').textContent()) ?? '';
  const m = /of ([\d,]+)/.exec(text);
  return m ? Number(m[1].replace(/,/g, '')) : 0;
}
