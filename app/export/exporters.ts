// Exports of the run on screen: the stage as PNG (the link in a tEXt chunk) and as SVG
// (the link in <metadata>), so that dropping the image on the playground reopens the run;
// and the trace as JSON Lines (canonical lines: the file's SHA-256 is the trace hash)
// and as Chrome trace JSON for Perfetto.

import { encodeLink } from '../../engine/scenario/link';
import { toChromeTrace } from '../../engine/export/perfetto';
import { canonicalLine } from '../../engine/trace/canonical';
import type { TraceColumns } from '../../engine/trace/columns';
import type { PlaygroundState } from '../store/store';
import { chapterAt } from './chapters';
import { linkViewOf } from '../share/links';
import { SVG_META_ID } from '../share/openFile';
import { CanvasPainter, makeCanvas, SvgPainter } from './painter';
import { withPngText } from './png';
import { drawScene, SCENE_H, SCENE_W, type FrameInput } from './scene';

/** What the scene draws for the store's playhead. Null while no trace is shown. */
export function frameInputOf(s: PlaygroundState): FrameInput | null {
  const tl = s.run.timeline;
  if (!tl) return null;
  const end = tl.endTime;
  return {
    state: s.playback.picture,
    cols: tl.cols,
    time: s.playback.time,
    index: s.playback.index,
    endTime: end,
    theme: s.view.theme,
    title: s.scenario.scenario?.title ?? '',
    chapter: chapterAt(tl.index.chapters, s.playback.index)?.label ?? '',
    window: s.view.window ?? { t0: 0, t1: Math.max(1, end) },
    wordBits: s.scenario.scenario?.guest.bits ?? 64,
    reducedMotion: true,
    cue: null,
  };
}

/** A file name: `xen-smp-<what>-<time>.<ext>`. */
export function fileName(s: PlaygroundState, ext: string, at = true): string {
  const base = (s.scenario.presetId ?? s.scenario.scenario?.title ?? 'scenario')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48) || 'scenario';
  const t = at ? `-${(s.playback.time / 1e6).toFixed(3)}ms` : '';
  return `xen-smp-${base}${t}.${ext}`;
}

/** PNG of the stage at the playhead, `scale` × 1280×720, with the link in a tEXt chunk. */
export async function stagePng(s: PlaygroundState, scale = 1.5): Promise<Blob> {
  const inp = frameInputOf(s);
  if (!inp) throw new Error('nothing to export yet: the run is still starting');
  const canvas = makeCanvas(Math.round(SCENE_W * scale), Math.round(SCENE_H * scale)) as HTMLCanvasElement;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.scale(scale, scale);
  drawScene(new CanvasPainter(ctx, scale), inp);
  const blob: Blob | null = await new Promise((res) => canvas.toBlob(res, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the PNG');
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const out = withPngText(bytes, encodeLink(s.scenario.input, linkViewOf(s)));
  return new Blob([out as BlobPart], { type: 'image/png' });
}

const xml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** SVG of the stage at the playhead: shapes styled by attributes only, the link in <metadata>. */
export function stageSvg(s: PlaygroundState): string {
  const inp = frameInputOf(s);
  if (!inp) throw new Error('nothing to export yet: the run is still starting');
  const mctx = (makeCanvas(1, 1) as HTMLCanvasElement).getContext('2d');
  const measure = (text: string, font: string) => {
    if (!mctx) return text.length * 7;
    mctx.font = font;
    return mctx.measureText(text).width;
  };
  const P = new SvgPainter(measure, 2);
  drawScene(P, inp);
  const link = encodeLink(s.scenario.input, linkViewOf(s));
  const title = `${inp.title || 'Xen SMP Playground'} at ${(inp.time / 1e6).toFixed(3)} ms`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SCENE_W}" height="${SCENE_H}" viewBox="0 0 ${SCENE_W} ${SCENE_H}" role="img">`,
    `<title>${xml(title)}</title>`,
    `<desc>Exported by the Xen SMP Playground. Drop this file on the playground to reopen the run at this moment.</desc>`,
    `<metadata id="${SVG_META_ID}">${xml(link)}</metadata>`,
    ...P.parts,
    '</svg>',
  ].join('\n');
}

/** The trace as canonical JSON Lines (sha256 of the file = the trace hash). */
export function traceJsonl(cols: TraceColumns): Blob {
  const parts: string[] = [];
  let buf = '';
  for (let i = 0; i < cols.length; i++) {
    buf += canonicalLine(cols.get(i)) + '\n';
    if (buf.length > 1 << 20) {
      parts.push(buf);
      buf = '';
    }
  }
  if (buf) parts.push(buf);
  return new Blob(parts, { type: 'application/x-ndjson' });
}

/** The trace as Chrome trace JSON (open it in ui.perfetto.dev or chrome://tracing). */
export function chromeTrace(cols: TraceColumns, endNs: number, title: string): Blob {
  return new Blob([JSON.stringify(toChromeTrace(cols, endNs, title || 'guest'))], { type: 'application/json' });
}

/** Saves a blob as a download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
