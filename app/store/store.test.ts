// The store's logic against the real engine (run in this thread, streamed in chunks like
// the worker): loading, stepping, chapters, actions at the playhead, errors, playback.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../engine/scenario/presets';
import type { ScenarioInput } from '../../engine/scenario/types';
import type { VisualState } from '../../engine/trace/state';
import { createPlaygroundStore, minIndex, samePrefix, type PlaygroundStore } from './store';
import { inThreadClient, settle } from './testing';
import { interruptsTable } from './interrupts';
import { NS_PER_MS_AT_1X } from './playback';

const BOOT4: ScenarioInput = { version: 1, guest: { vcpus: 4 } };

async function loaded(input: ScenarioInput = BOOT4, client = inThreadClient()): Promise<PlaygroundStore> {
  const store = createPlaygroundStore(input);
  store.getState().attach(() => client);
  await settle(store);
  return store;
}

describe('loading a scenario', () => {
  it('streams the run into the timeline and puts the playhead where the domain exists', async () => {
    const store = await loaded();
    const { run, playback } = store.getState();
    expect(run.status).toBe('done');
    expect(run.summary?.ok).toBe(true);
    const tl = run.timeline!;
    expect(tl.complete).toBe(true);
    expect(tl.folded).toBe(tl.cols.length);
    expect(playback.index).toBe(minIndex(tl));
    expect(playback.picture.maxVcpus).toBe(4);
    expect(playback.picture.vcpus[0].runstate).not.toBe('offline');
    expect(playback.picture.vcpus[1].online).toBe(false);
  });

  it('rejects an invalid scenario with the field and rule, and keeps the last good one running', async () => {
    const store = await loaded();
    const before = store.getState().run.timeline;
    expect(store.getState().loadScenario({ version: 1, guest: { vcpus: 0 } })).toBe(false);
    const { scenario, run } = store.getState();
    expect(scenario.error?.path).toBe('guest.vcpus');
    expect(scenario.error?.message).toMatch(/1/);
    expect(scenario.input).toEqual(BOOT4);
    expect(run.timeline).toBe(before);
  });

  it('on an engine failure shows the error, restarts the engine and falls back to the last good scenario', async () => {
    let created = 0;
    const store = createPlaygroundStore(BOOT4);
    store.getState().attach(() => {
      created++;
      return inThreadClient({ fail: (input) => ((input as ScenarioInput).seed === 666 ? 'engine exploded' : null) });
    });
    await settle(store);
    const good = store.getState().run.timeline!;
    // A new scenario that crashes the engine.
    expect(store.getState().loadScenario({ version: 1, seed: 666 })).toBe(true);
    await settle(store);
    const s = store.getState();
    expect(s.run.failure?.message).toBe('engine exploded');
    expect(created).toBe(2);
    expect(s.scenario.input).toEqual(BOOT4);
    expect(s.run.status).toBe('done');
    expect(s.run.timeline!.cols.length).toBe(good.cols.length);
    expect(s.playback.picture.maxVcpus).toBe(4);
  });

  it('an edit at the playhead that crashes the engine keeps the displayed trace', async () => {
    const store = createPlaygroundStore(BOOT4);
    store.getState().attach(() => inThreadClient({ fail: (input) => ((input as ScenarioInput).steps?.length ? 'boom' : null) }));
    await settle(store);
    const good = store.getState().run.timeline;
    store.getState().goToEnd();
    store.getState().vcpuAction(2, 'cpu_down');
    await settle(store);
    expect(store.getState().run.failure?.message).toBe('boom');
    expect(store.getState().run.timeline).toBe(good);
    expect(store.getState().scenario.input).toEqual(BOOT4);
  });
});

describe('stepping', () => {
  it('steps forward to moments that change the picture and back to exactly the same picture', async () => {
    const store = await loaded();
    const s = () => store.getState();
    const start = s().playback.index;
    const pictures: VisualState[] = [s().playback.picture];
    const indices = [start];
    for (let i = 0; i < 60; i++) {
      s().stepForward();
      indices.push(s().playback.index);
      pictures.push(s().playback.picture);
    }
    for (let i = 1; i < indices.length; i++) expect(indices[i]).toBeGreaterThan(indices[i - 1]);
    // Every stop ends a moment: the next event is later.
    const tl = s().run.timeline!;
    for (const i of indices) expect(i === tl.cols.length || tl.cols.t[i] > tl.cols.t[i - 1]).toBe(true);
    for (let i = indices.length - 2; i >= 0; i--) {
      s().stepBack();
      expect(s().playback.index).toBe(indices[i]);
      expect(s().playback.picture).toEqual(pictures[i]);
    }
  });

  it('skips function enter/exit and repeated identical hypercalls unless "every event" is on', async () => {
    const store = await loaded();
    const tl = store.getState().run.timeline!;
    const stops = tl.index.stops.toArray();
    expect(stops.length).toBeLessThan(tl.cols.length / 2);
    // The boot CPU's SCHEDOP_yield loop (hundreds of calls) is not hundreds of stops.
    let yields = 0;
    for (let i = 0; i < tl.cols.length; i++) if (tl.cols.kindAt(i) === 'hc' && (tl.cols.get(i) as { op: string }).op === 'SCHEDOP_yield') yields++;
    expect(yields).toBeGreaterThan(200);
    expect(stops.length).toBeLessThan(yields);
    store.getState().setEveryEvent(true);
    const i0 = store.getState().playback.index;
    store.getState().stepForward();
    expect(store.getState().playback.index).toBe(i0 + 1);
    store.getState().stepBack();
    expect(store.getState().playback.index).toBe(i0);
  });

  it('computes chapters: boot, each CPU bring-up, scenario steps', async () => {
    const store = await loaded(PRESETS.find((p) => p.id === 'hotplug-cpu2')!.input);
    const labels = store.getState().run.timeline!.index.chapters.map((c) => c.label);
    expect(labels[0]).toBe('Domain created: boot');
    expect(labels).toContain('CPU 1 bring-up');
    expect(labels).toContain('Step 1: offline CPU 2');
    expect(labels).toContain('CPU 2 goes offline');
    expect(labels).toContain('Step 2: online CPU 2');
    expect(labels.indexOf('CPU 1 bring-up')).toBeLessThan(labels.indexOf('CPU 2 bring-up'));
    // PgDn walks them in order; PgUp walks back.
    const s = () => store.getState();
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      s().nextChapter();
      seen.push(s().playback.index);
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    s().prevChapter();
    expect(s().playback.index).toBe(seen[2]);
  });
});

describe('actions at the playhead', () => {
  it('appends the step 1 ns after the playhead; after the re-run the playhead keeps its time', async () => {
    const store = await loaded();
    const s = () => store.getState();
    s().goToEnd();
    const { time } = s().playback;
    const oldTl = s().run.timeline!;
    s().vcpuAction(2, 'cpu_down');
    expect(s().scenario.input.steps).toEqual([{ at: Math.floor(time) + 1, do: 'cpu_down', cpu: 2 }]);
    await settle(store);
    const tl = s().run.timeline!;
    expect(tl).not.toBe(oldTl);
    expect(s().playback.time).toBe(time);
    expect(tl.cols.t[s().playback.index - 1]).toBeLessThanOrEqual(time);
    // Playing on shows CPU 2 going offline, its ports closed and its column gone.
    s().goToEnd();
    const end = s().playback.picture;
    expect(end.vcpus[2].online).toBe(false);
    expect(Object.values(end.ports).filter((p) => p.vcpu === 2 && p.type !== 'interdomain')).toEqual([]);
    const table = interruptsTable(end, tl.index.archCountsAt(s().playback.index));
    expect(table.cpus).toEqual([0, 1, 3]);
    expect(table.rows.some((r) => r.chip === 'xen-percpu' && /\D2$/.test(r.name))).toBe(false);
  });

  it('keeps the playhead index and the exact picture when the trace is unchanged up to it (DESIGN principle 5)', async () => {
    const input = PRESETS.find((p) => p.id === 'hotplug-cpu2')!.input;
    const store = await loaded(input);
    const s = () => store.getState();
    const old = s().run.timeline!;
    // In the middle of CPU 2's offlining (CPU 0 is busy, so the new step waits for it).
    const ch = old.index.chapters.find((c) => c.label === 'CPU 2 goes offline')!;
    s().seekIndex(ch.pos + 40);
    const { index, time, picture } = s().playback;
    s().vcpuAction(1, 'ipi_resched');
    await settle(store);
    const tl = s().run.timeline!;
    expect(tl).not.toBe(old);
    expect(samePrefix(old.cols, tl.cols, index)).toBe(true);
    expect(s().playback.index).toBe(index);
    expect(s().playback.time).toBe(time);
    expect(s().playback.picture).toEqual(picture);
    // And the IPI does happen later.
    s().goToEnd();
    expect(s().playback.picture.counts.ipiHandled.RESCHEDULE ?? 0).toBeGreaterThan(picture.counts.ipiHandled.RESCHEDULE ?? 0);
  });

  it('turns each vCPU action into its CONTRACT step', async () => {
    const store = await loaded();
    const s = () => store.getState();
    s().goToEnd();
    const at = Math.floor(s().playback.time) + 1;
    s().setIpiSender(3);
    s().vcpuAction(1, 'ipi_callfunc');
    s().vcpuAction(1, 'preempt');
    s().vcpuAction(1, 'irq_off');
    s().vcpuAction(1, 'irq_on');
    s().vcpuAction(3, 'ipi_resched');
    expect(s().scenario.input.steps).toEqual([
      { at, do: 'ipi', from: 3, to: [1], vector: 'CALL_FUNCTION' },
      { at, do: 'preempt', vcpu: 1, for: '5ms' },
      { at, do: 'irq', cpu: 1, enable: false },
      { at, do: 'irq', cpu: 1, enable: true },
      { at, do: 'ipi', from: 3, to: 'self', vector: 'RESCHEDULE' },
    ]);
    await settle(store);
    expect(s().run.summary?.ok).toBe(true);
  });

  it('issues a raw hypercall as a step and the new trace holds its result', async () => {
    const store = await loaded();
    const s = () => store.getState();
    s().goToEnd();
    expect(s().issueHypercall(0, 'VCPUOP_is_up', { vcpu: 9 })).toBe(true);
    await settle(store);
    const raw = s().view.rawCall!;
    const cols = s().run.timeline!.cols;
    let found: { ret: number; errno?: string } | null = null;
    for (let i = 0; i < cols.length; i++) {
      const e = cols.get(i) as { k: string; t: number; op?: string; vcpu?: number; ret?: number; errno?: string };
      if (e.k === 'hc' && e.t >= raw.at && e.op === 'VCPUOP_is_up' && e.vcpu === 0) {
        found = { ret: e.ret!, errno: e.errno };
        break;
      }
    }
    expect(found).toEqual({ ret: -2, errno: 'ENOENT' });
  });
});

describe('playback', () => {
  it('plays at 1 ms of virtual time per second, skipping quiet gaps, and stops at the end', async () => {
    const store = await loaded();
    const s = () => store.getState();
    s().boot();
    expect(s().playback.playing).toBe(true);
    let now = 1000;
    s().tick(now);
    const t0 = s().playback.time;
    now += 16;
    s().tick(now);
    const t1 = s().playback.time;
    // Either a 16 ms frame at 1× (16 µs), or a quiet gap compressed.
    if (!s().playback.skip) expect(t1 - t0).toBeCloseTo(16 * NS_PER_MS_AT_1X, 5);
    for (let i = 0; i < 2000 && s().playback.playing; i++) {
      now += 16;
      s().tick(now);
    }
    expect(s().playback.playing).toBe(false);
    const tl = s().run.timeline!;
    expect(s().playback.index).toBe(tl.folded);
    // A 7 ms boot at 1× with its idle gaps skipped takes far less than 2000 frames.
  });

  it('stops at chapters when asked', async () => {
    const store = await loaded();
    const s = () => store.getState();
    s().setStopAtChapters(true);
    s().boot();
    let now = 0;
    for (let i = 0; i < 5000 && s().playback.playing; i++) s().tick((now += 16));
    const chapter = s().run.timeline!.index.chapters.find((c) => c.pos === s().playback.index);
    expect(chapter?.label).toBe('CPU 1 bring-up');
  });

  it('pauses when the tab is hidden', async () => {
    const store = await loaded();
    store.getState().play();
    store.getState().visibilityChanged(true);
    expect(store.getState().playback.playing).toBe(false);
    expect(store.getState().playback.autoPaused).toBe(true);
  });
});

describe('links', () => {
  it('opens a link at its playhead time', async () => {
    const store = createPlaygroundStore(BOOT4);
    store.getState().loadScenario(BOOT4, { keepTime: 3_200_000 });
    store.getState().attach(() => inThreadClient());
    await settle(store);
    const { playback, run } = store.getState();
    expect(playback.time).toBe(3_200_000);
    expect(playback.index).toBe(run.timeline!.indexAtTime(3_200_000));
    expect(playback.picture.vcpus[1].online).toBe(true);
  });
});

describe('view', () => {
  it('persists the theme', () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    const a = createPlaygroundStore(BOOT4, { storage });
    expect(a.getState().view.theme).toBe('light');
    a.getState().setTheme('projector');
    const b = createPlaygroundStore(BOOT4, { storage });
    expect(b.getState().view.theme).toBe('projector');
  });
});
