// Links to an exact moment: the whole scenario plus the playhead and a little view state
// in the URL hash (engine/scenario/link.ts: versioned `#v1:j:` / `#v1:z:`, compressed only
// when shorter, bounded decoding). Flags may follow the link after `&` (`#v1:z:…&embed`):
// neither payload alphabet has a raw `&`, so the split is unambiguous.
//
// Opening: decodeLink → validateScenario (in the store's openShared) → run → the
// playhead moves to the link's `t` (and event position `i`) once the trace reaches it.
// A damaged, hostile or future-version link sets the store's openError (a banner says
// what is wrong) and whatever ran keeps running (the default scenario on a first load).

import { decodeLink, encodeLink, type LinkView } from '../../engine/scenario/link';
import type { PlaygroundState, PlaygroundStore } from '../store/store';

/** Flags a hash may carry after the link (`&embed`, `&present`). */
export const FLAGS = ['embed', 'present'] as const;
export type Flag = (typeof FLAGS)[number];

/** Splits `#v1:z:…&embed&present` into the link and its flags (unknown flags are ignored). */
export function splitHash(hash: string): { link: string; flags: Set<Flag> } {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  const parts = h.split('&');
  const flags = new Set<Flag>();
  for (const p of parts.slice(1)) if ((FLAGS as readonly string[]).includes(p)) flags.add(p as Flag);
  return { link: parts[0], flags };
}

/** Is this page the embedded view? `?embed` in the query or `&embed` after the link. */
export function isEmbedUrl(search: string, hash: string): boolean {
  if (/(^\?|&)embed(=|&|$)/.test(search)) return true;
  return splitHash(hash).flags.has('embed');
}

/** The page's address without query and hash: where links point. */
export function appBase(loc: Pick<Location, 'origin' | 'pathname'> = location): string {
  return `${loc.origin}${loc.pathname}`;
}

/** The view a link carries: the playhead (time and event position), theme, panel, diagram window, selection. */
export function linkViewOf(s: PlaygroundState): LinkView {
  const v: LinkView = { t: Math.max(0, Math.round(s.playback.time)), i: s.playback.index, theme: s.view.theme, panel: s.view.panel };
  if (s.view.window) {
    v.w0 = Math.round(s.view.window.t0);
    v.w1 = Math.round(s.view.window.t1);
  }
  if (s.view.selectedEvent !== null) v.sel = s.view.selectedEvent;
  return v;
}

/** The hash for the scenario on screen at the playhead. */
export function currentHash(s: PlaygroundState): string {
  return encodeLink(s.scenario.input, linkViewOf(s));
}

/** The full link to the scenario on screen at the playhead. */
export function currentLink(s: PlaygroundState, base: string = appBase()): string {
  return base + currentHash(s);
}

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The embedded view's address: `…?embed#v1:…`. */
export function embedUrl(s: PlaygroundState, base: string = appBase()): string {
  return `${base}?embed${currentHash(s)}`;
}

/** The iframe snippet the Embed action copies (16:9, 960×540, titled for screen readers). */
export function embedSnippet(s: PlaygroundState, base: string = appBase()): string {
  const title = s.scenario.scenario?.title || 'Xen SMP Playground';
  return `<iframe src="${attr(embedUrl(s, base))}" width="960" height="540" title="${attr(`Xen SMP Playground: ${title}`)}" loading="lazy" allowfullscreen></iframe>`;
}

export type OpenResult = 'none' | 'opened' | 'error';

/**
 * Opens the link in a hash (or a whole URL) in the store: the scenario and its moment,
 * or a banner saying what is wrong. Never throws.
 */
export function openHash(store: PlaygroundStore, hash: string): OpenResult {
  let link: string;
  try {
    const at = hash.indexOf('#');
    link = splitHash(at >= 0 ? hash.slice(at) : hash).link;
  } catch {
    link = '';
  }
  if (link.trim() === '') return 'none';
  const d = decodeLink(link);
  if (!d.ok) {
    store.getState().reportOpenError({ source: 'link', path: d.error.path, message: d.error.message });
    return 'error';
  }
  return store.getState().openShared(d.input, d.view, 'link') ? 'opened' : 'error';
}

/** Writes text to the clipboard; false when the browser refuses (no permission, no API, not focused). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
