// Links to a moment, through the store and the real engine (in this thread): a link
// reopens the same run at the same playhead; bad links set the open error and leave what
// runs running; the playhead survives React's development double mount (detach/attach).
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../../engine/scenario/link';
import { PRESETS, presetById } from '../../engine/scenario/presets';
import { initialStore } from '../shell/initial';
import { inThreadClient, settle } from '../store/testing';
import { createPlaygroundStore } from '../store/store';
import { currentHash, currentLink, embedSnippet, embedUrl, isEmbedUrl, linkViewOf, openHash, splitHash } from './links';

async function opened(hash: string) {
  const { store, opened } = initialStore(hash);
  store.getState().attach(() => inThreadClient());
  await settle(store);
  return { store, opened };
}

describe('link hashes', () => {
  it('splits flags after the link and tells the embedded view', () => {
    expect(splitHash('#v1:z:abc&embed&present&bogus')).toEqual({ link: 'v1:z:abc', flags: new Set(['embed', 'present']) });
    expect(splitHash('v1:j:%7B%7D')).toEqual({ link: 'v1:j:%7B%7D', flags: new Set() });
    expect(isEmbedUrl('?embed', '')).toBe(true);
    expect(isEmbedUrl('?x=1&embed', '#v1:z:a')).toBe(true);
    expect(isEmbedUrl('?embedded', '')).toBe(false);
    expect(isEmbedUrl('', '#v1:z:abc&embed')).toBe(true);
    expect(isEmbedUrl('', '#v1:z:abc')).toBe(false);
  });
});

describe('opening a link', () => {
  it('opens the scenario at the link’s moment: same trace hash, same index and time as where the link was taken', async () => {
    const a = await opened(encodeLink(presetById('hotplug-cpu2')!.input));
    const s = a.store.getState();
    expect(a.opened).toBe('opened');
    expect(s.scenario.presetId).toBe('hotplug-cpu2');
    s.nextChapter();
    s.nextChapter();
    s.stepForward();
    s.setTheme('projector');
    s.setPanel('console');
    const at = a.store.getState();
    const hash = currentHash(at);
    expect(decodeLink(hash)).toMatchObject({ ok: true, view: { t: Math.round(at.playback.time), i: at.playback.index, theme: 'projector', panel: 'console' } });

    const b = await opened(hash);
    const t = b.store.getState();
    expect(t.scenario.openError).toBeNull();
    expect(t.run.summary?.trace_hash).toBe(at.run.summary?.trace_hash);
    expect(t.playback.index).toBe(at.playback.index);
    expect(t.playback.time).toBe(at.playback.time);
    expect(t.playback.picture).toEqual(at.playback.picture);
    expect(t.view.theme).toBe('projector');
    expect(t.view.panel).toBe('console');
  });

  it('moves the playhead to t even between two events, and clamps t past the end', async () => {
    const input = presetById('boot-4-vcpus')!.input;
    const a = await opened(encodeLink(input, { t: 3_500_000 }));
    const s = a.store.getState();
    expect(s.playback.time).toBe(3_500_000);
    const tl = s.run.timeline!;
    expect(tl.cols.t[s.playback.index - 1]).toBeLessThanOrEqual(3_500_000);
    expect(tl.cols.t[s.playback.index]).toBeGreaterThan(3_500_000);
    const b = await opened(encodeLink(input, { t: 500_000_000_000 }));
    expect(b.store.getState().playback.time).toBe(b.store.getState().run.timeline!.endTime);
    expect(b.store.getState().playback.index).toBe(b.store.getState().run.timeline!.folded);
  });

  it('keeps the link’s moment when the engine is detached and attached again before the run arrives (React StrictMode)', async () => {
    const { store } = initialStore(encodeLink(presetById('boot-4-vcpus')!.input, { t: 3_000_000 }));
    store.getState().attach(() => inThreadClient());
    store.getState().detach();
    store.getState().attach(() => inThreadClient());
    await settle(store);
    expect(store.getState().playback.time).toBe(3_000_000);
    expect(store.getState().playback.index).toBeGreaterThan(100);
  });

  it('a link opened in a running page (hashchange) moves there, for the same scenario and for another one', async () => {
    const { store } = await opened('');
    const boot = presetById('boot-4-vcpus')!.input;
    expect(openHash(store, encodeLink(boot, { t: 2_000_000 }))).toBe('opened');
    await settle(store);
    expect(store.getState().playback.time).toBe(2_000_000);
    expect(openHash(store, `http://x/#${encodeLink(presetById('overcommit')!.input, { t: 1_000_000 }).slice(1)}&embed`)).toBe('opened');
    await settle(store);
    expect(store.getState().scenario.presetId).toBe('overcommit');
    expect(store.getState().playback.time).toBe(1_000_000);
  });

  it('a damaged, future or invalid link sets the open error and the default scenario runs', async () => {
    for (const [hash, path, msg] of [
      ['#v1:z:%%%', '', /damaged/],
      ['#v9:z:abc', '', /newer version/],
      [encodeLink({ version: 1, guest: { vcpus: 0 } }), 'guest.vcpus', /1/],
      ['#hello', '', /format version/],
    ] as const) {
      const { store, opened: o } = await opened(hash);
      const s = store.getState();
      expect(o).toBe('error');
      expect(s.scenario.openError).toMatchObject({ source: 'link', path });
      expect(s.scenario.openError?.message).toMatch(msg);
      expect(s.scenario.presetId).toBe(PRESETS[0].id);
      expect(s.run.status).toBe('done');
      expect(s.run.timeline!.cols.length).toBeGreaterThan(100);
      s.dismissOpenError();
      expect(store.getState().scenario.openError).toBeNull();
    }
  });

  it('a bad link in a running page leaves the run on screen untouched', async () => {
    const { store } = await opened(encodeLink(presetById('ipi-coalescing')!.input));
    const tl = store.getState().run.timeline;
    store.getState().goToEnd();
    const at = store.getState().playback.index;
    expect(openHash(store, '#v1:j:%7B')).toBe('error');
    await settle(store);
    expect(store.getState().run.timeline).toBe(tl);
    expect(store.getState().playback.index).toBe(at);
    expect(openHash(store, '#')).toBe('none');
  });
});

describe('link text', () => {
  it('builds the link, the embed URL and an escaped iframe snippet', async () => {
    const store = createPlaygroundStore({ version: 1, title: 'A "quoted" <title> & more', guest: { vcpus: 2 } });
    store.getState().attach(() => inThreadClient());
    await settle(store);
    const s = store.getState();
    const base = 'https://example.org/play/';
    expect(currentLink(s, base)).toBe(base + currentHash(s));
    expect(embedUrl(s, base)).toBe(`${base}?embed${currentHash(s)}`);
    const snip = embedSnippet(s, base);
    expect(snip).toMatch(/^<iframe src="https:\/\/example\.org\/play\/\?embed#v1:[jz]:[^"]*" width="960" height="540" title="Xen SMP Playground: A &quot;quoted&quot; &lt;title&gt; &amp; more"/);
    expect(snip).not.toMatch(/<title>/);
    expect(linkViewOf(s)).toMatchObject({ t: Math.round(s.playback.time), i: s.playback.index, theme: 'light', panel: 'narration' });
  });
});
