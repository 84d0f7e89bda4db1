// The share and export actions, shared by the Share menu, presenter mode and the drop
// zone. Each reports through the store: a notice when it worked, the open-error banner
// or a notice when it did not; none throws. The exporters (the scene renderer) load on
// first use, outside the main bundle.

const exporters = () => import('../export/exporters');

import { formatTime } from '../store/printk';
import type { PlaygroundStore } from '../store/store';
import { appBase, copyText, currentHash, currentLink, embedSnippet, openHash, splitHash } from './links';
import { readSharedFile } from './openFile';

/** Puts `hash` in the address bar without a navigation (keeps `&embed`-style flags). */
export function showInAddressBar(hash: string): void {
  try {
    const flags = [...splitHash(location.hash).flags].map((f) => `&${f}`).join('');
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}${flags}`);
  } catch {
    /* a sandboxed frame may refuse: the link is still copied */
  }
}

export async function copyLink(store: PlaygroundStore): Promise<void> {
  const s = store.getState();
  s.pause();
  const st = store.getState();
  const link = currentLink(st, appBase());
  showInAddressBar(currentHash(st));
  if (await copyText(link)) st.setNotice(`Link copied: it opens this run at ${formatTime(st.playback.time)}.`);
  else st.showCopy('Link to this moment', link);
}

export async function copyEmbed(store: PlaygroundStore): Promise<void> {
  const s = store.getState();
  s.pause();
  const snippet = embedSnippet(store.getState(), appBase());
  if (await copyText(snippet)) s.setNotice('Embed code copied: paste the <iframe> into your slides or web page.');
  else s.showCopy('Embed code (an iframe for slides)', snippet);
}

function failed(store: PlaygroundStore, what: string, e: unknown): void {
  store.getState().setNotice(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
}

export async function exportPng(store: PlaygroundStore): Promise<void> {
  const s = store.getState();
  try {
    const { download, fileName, stagePng } = await exporters();
    download(await stagePng(s), fileName(s, 'png'));
    s.setNotice('PNG saved: drop it on the playground to reopen this moment.');
  } catch (e) {
    failed(store, 'PNG export', e);
  }
}

export async function exportSvg(store: PlaygroundStore): Promise<void> {
  const s = store.getState();
  try {
    const { download, fileName, stageSvg } = await exporters();
    download(new Blob([stageSvg(s)], { type: 'image/svg+xml' }), fileName(s, 'svg'));
    s.setNotice('SVG saved: drop it on the playground to reopen this moment.');
  } catch (e) {
    failed(store, 'SVG export', e);
  }
}

export async function exportTrace(store: PlaygroundStore, kind: 'jsonl' | 'perfetto'): Promise<void> {
  const s = store.getState();
  const tl = s.run.timeline;
  if (!tl || !s.run.summary) return;
  try {
    const { chromeTrace, download, fileName, traceJsonl } = await exporters();
    if (kind === 'jsonl') {
      download(traceJsonl(tl.cols), fileName(s, 'jsonl', false));
      s.setNotice(`Trace saved (${tl.cols.length.toLocaleString('en')} events): its SHA-256 is the trace hash ${s.run.summary.trace_hash.slice(0, 12)}…`);
    } else {
      download(chromeTrace(tl.cols, s.run.summary.time_ns, s.scenario.scenario?.title ?? ''), fileName(s, 'perfetto.json', false));
      s.setNotice('Chrome trace saved: open it in ui.perfetto.dev or chrome://tracing.');
    }
  } catch (e) {
    failed(store, 'Trace export', e);
  }
}

/** The page's file input (rendered by FileOpener). */
export const FILE_INPUT_ID = 'xsp-open-file';

export function pickFile(_store: PlaygroundStore): void {
  document.getElementById(FILE_INPUT_ID)?.click();
}

/** Opens a dropped or picked file: a scenario, or an image the playground exported. */
export async function openFile(store: PlaygroundStore, file: File): Promise<boolean> {
  const r = await readSharedFile(file);
  const s = store.getState();
  if (!r.ok) {
    s.reportOpenError({ source: 'file', path: r.path, message: r.message });
    return false;
  }
  const ok = s.openShared(r.input, r.view, 'file');
  if (ok) s.setNotice(`Opened “${file.name}”.`);
  return ok;
}

/** Opens a link dropped or pasted as text; false if the text holds none. */
export function openDroppedText(store: PlaygroundStore, text: string): boolean {
  const line = text.split(/\r?\n/).find((l) => l.includes('#v')) ?? '';
  if (!line) return false;
  return openHash(store, line.trim()) === 'opened';
}
