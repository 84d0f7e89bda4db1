// The picture of one moment of a run, for video frames, the PNG and the SVG export:
// a header (scenario, chapter, time), the vCPU cards with their pCPUs and the IPI arrows
// between them, the event-channel bitmaps, the time-space diagram and a caption strip
// (what the kernel is doing, the "skipping idle time" cue). It is drawn from the
// VisualState at the playhead — the same data the live stage draws, through the pure
// helpers of app/stage (arrow progress and bundling, port grouping, card words, the
// diagram's canvas drawing) — in a fixed 16:9 layout of 1280×720 layout pixels, scaled
// to the output size, so a 1080p frame is as crisp as it is big.

import type { TraceColumns } from '../../engine/trace/columns';
import type { VisualState } from '../../engine/trace/state';
import { PALETTES, VECTOR_DASH, type Palette, type ThemeName } from '../theme/palette';
import { arrowCurve, arrowHeadD, bundleArrows, quadD, quadHead, quadTangent, type ArrowView } from '../stage/arrows';
import { arrowsAt } from '../stage/arrowsAt';
import { VECTOR_SHORT } from '../stage/format';
import type { DiagramGeometry } from '../stage/hitTest';
import { groupPorts, type PortCell, type WordBits } from '../stage/ports';
import { drawBase, drawOverlay } from '../stage/timespaceDraw';
import { traceIndexFor, type TraceIndex } from '../stage/traceIndex';
import { vcpuView } from '../stage/vcpuView';
import type { Rect } from '../stage/layout';
import { formatTime } from '../store/printk';
import type { Painter } from './painter';

/** The layout size (16:9); outputs scale it. */
export const SCENE_W = 1280;
export const SCENE_H = 720;

export interface FrameInput {
  state: VisualState;
  cols: TraceColumns;
  /** Playhead: virtual time (ns) and event position. */
  time: number;
  index: number;
  /** Time of the run's last event, ns. */
  endTime: number;
  theme: ThemeName;
  title: string;
  /** The chapter at the playhead ("CPU 2 bring-up"), or ''. */
  chapter: string;
  /** Diagram window, ns. */
  window: { t0: number; t1: number };
  wordBits?: WordBits;
  /** Arrows drawn whole (no travel). */
  reducedMotion?: boolean;
  /** A cue over the caption ("skipping 99.8 ms of idle time"), or null. */
  cue?: string | null;
}

interface Look {
  pal: Palette;
  /** Base font size and line width, layout px. */
  f: number;
  lw: number;
}

function lookOf(theme: ThemeName): Look {
  const pal = PALETTES[theme];
  const big = theme === 'projector';
  return { pal, f: big ? 16 : 14, lw: big ? 2.6 : 1.6 };
}

const RUN_COLOR = (pal: Palette, rs: string) => (pal as unknown as Record<string, string>)[rs] ?? pal.offline;
const vecColor = (pal: Palette, v: string) => (pal as unknown as Record<string, string>)[v] ?? pal.fg;
const dashOf = (v: string, lw: number) => {
  const d = VECTOR_DASH[v];
  return d ? d.split(' ').map((x) => Number(x) * Math.max(1, lw / 1.5)) : undefined;
};

/** Columns × rows for n cells in a w×h box, favouring cells near `aspect` (w/h). */
export function gridOf(n: number, w: number, h: number, gap: number, aspect: number): { cols: number; rows: number; cw: number; ch: number } {
  let best = { cols: 1, rows: n, cw: w, ch: (h - gap * (n - 1)) / Math.max(1, n), score: -Infinity };
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols);
    const cw = (w - gap * (cols - 1)) / cols;
    const ch = (h - gap * (rows - 1)) / rows;
    if (cw <= 0 || ch <= 0) continue;
    // Area of the largest cell of the wanted aspect that fits.
    const fw = Math.min(cw, ch * aspect);
    const score = fw * (fw / aspect);
    if (score > best.score) best = { cols, rows, cw, ch, score };
  }
  return { cols: best.cols, rows: best.rows, cw: best.cw, ch: best.ch };
}

/** Draws the frame; `P` is a canvas or an SVG painter in layout pixels (1280×720). */
export function drawScene(P: Painter, inp: FrameInput): void {
  const look = lookOf(inp.theme);
  const { pal, f } = look;
  const W = SCENE_W;
  const H = SCENE_H;
  P.rect(0, 0, W, H, { fill: pal.bg });

  // --- header -------------------------------------------------------------------
  const headH = 50;
  P.rect(0, 0, W, headH, { fill: pal.panel });
  P.rect(0, headH - 1, W, 1, { fill: pal.border });
  const timeText = formatTime(inp.time);
  const timeW = P.measure(timeText, { size: f * 1.45, weight: 700, mono: true });
  P.text(W - 16, 31, timeText, { size: f * 1.45, weight: 700, mono: true, fill: pal.fg, anchor: 'end' });
  P.text(W - 16, 45, `of ${formatTime(inp.endTime)}`, { size: f * 0.78, fill: pal.muted, anchor: 'end', mono: true });
  const titleMax = W - 48 - timeW;
  P.text(16, 24, inp.title || 'Xen SMP Playground', { size: f * 1.3, weight: 700, fill: pal.fg, maxW: titleMax });
  P.text(16, 43, inp.chapter ? `Chapter: ${inp.chapter}` : 'Xen SMP Playground', { size: f * 0.9, fill: pal.muted, maxW: titleMax });

  // --- regions ------------------------------------------------------------------
  const capH = 66;
  const diaH = 168;
  const top = headH + 10;
  const bottom = H - capH - diaH - 8;
  const leftW = Math.round(W * 0.6);
  drawVcpus(P, inp, look, { x: 16, y: top, w: leftW - 24, h: bottom - top });
  drawPorts(P, inp, look, { x: leftW + 8, y: top, w: W - leftW - 24, h: bottom - top });
  drawDiagram(P, inp, look, { x: 0, y: H - capH - diaH, w: W, h: diaH });
  drawCaption(P, inp, look, { x: 0, y: H - capH, w: W, h: capH });
}

// --- vCPUs, pCPUs, arrows ------------------------------------------------------------

function drawVcpus(P: Painter, inp: FrameInput, look: Look, box: Rect): void {
  const { pal, f, lw } = look;
  const s = inp.state;
  const n = Math.min(s.maxVcpus || s.vcpus.length, s.vcpus.length);
  const m = s.pcpus.length;
  const online = s.vcpus.slice(0, n).filter((v) => v.online).length;
  P.text(box.x, box.y + f * 0.9, 'VCPUS', { size: f * 0.8, weight: 700, fill: pal.muted });
  P.text(box.x + P.measure('VCPUS', { size: f * 0.8, weight: 700 }) + 6, box.y + f * 0.9, `· ${n} created by Xen, ${online} online in Linux`, {
    size: f * 0.8,
    fill: pal.muted,
    maxW: box.w - 60,
  });
  if (s.panic || s.shutdown) {
    const msg = s.panic ? `Kernel panic - not syncing: ${s.panic}` : `Domain shut down: ${s.shutdown}`;
    P.rect(box.x, box.y + box.h - 34, box.w, 30, { fill: pal.panel, stroke: pal.danger, lw: 2.5, r: 4 });
    P.text(box.x + 10, box.y + box.h - 14, msg, { size: f * 0.95, weight: 700, fill: pal.danger, maxW: box.w - 20 });
  }
  if (n === 0) {
    P.text(box.x, box.y + 3 * f, 'No guest domain yet: Xen has not created it at this point of the run.', { size: f, fill: pal.muted, maxW: box.w });
    return;
  }
  const pcpuH = m ? (m <= 16 ? 38 : 22) + 22 : 0;
  const gridTop = box.y + f * 1.5;
  const gridH = box.h - (gridTop - box.y) - pcpuH - (s.panic || s.shutdown ? 38 : 0);
  const gap = n <= 16 ? 10 : n <= 64 ? 5 : 3;
  const g = gridOf(n, box.w, gridH, gap, n <= 16 ? 2.3 : 1.6);
  const rects: Rect[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % g.cols;
    const r = Math.floor(i / g.cols);
    rects.push({ x: box.x + c * (g.cw + gap), y: gridTop + r * (g.ch + gap), w: g.cw, h: g.ch });
  }
  const words = s.abi === 'fifo' ? 0 : Math.floor(maxPort(s) / (inp.wordBits ?? 64)) + 1;
  for (let i = 0; i < n; i++) drawCard(P, s, i, words, rects[i], look);

  // pCPUs
  if (m) {
    const py = gridTop + g.rows * (g.ch + gap) - gap + 10;
    P.text(box.x, py + f * 0.8, 'PCPUS', { size: f * 0.8, weight: 700, fill: pal.muted });
    P.text(box.x + P.measure('PCPUS', { size: f * 0.8, weight: 700 }) + 6, py + f * 0.8, '· what each physical CPU runs now', { size: f * 0.8, fill: pal.muted });
    const chipH = m <= 16 ? 34 : 18;
    const cgap = m <= 16 ? 8 : 3;
    const cw = Math.min(150, (box.w - cgap * (m - 1)) / m);
    for (let k = 0; k < m; k++) {
      const p = s.pcpus[k];
      const x = box.x + k * (cw + cgap);
      const y = py + f * 1.2;
      const guest = p.dom === 'guest';
      P.rect(x, y, cw, chipH, {
        fill: guest ? mix(pal.running, pal.panel, 0.22) : pal.panel,
        stroke: guest ? pal.running : pal.border,
        lw: guest ? lw : 1,
        dash: p.dom === 'idle' ? [4, 3] : undefined,
        r: 4,
      });
      if (chipH >= 30) {
        P.text(x + 6, y + 14, `pCPU ${p.id}`, { size: f * 0.82, weight: 700, fill: pal.fg, maxW: cw - 10 });
        P.text(x + 6, y + 29, guest ? `▶ vCPU ${p.vcpu}` : p.dom === 'other' ? 'other domain' : 'idle', { size: f * 0.82, fill: guest ? pal.fg : pal.muted, maxW: cw - 10 });
      } else if (cw >= 26) {
        P.text(x + cw / 2, y + 13, guest ? String(p.vcpu) : p.dom === 'other' ? '·' : '', { size: f * 0.7, fill: pal.fg, anchor: 'middle', maxW: cw - 2 });
      }
    }
  }

  // IPI arrows
  const ix = indexOf(inp.cols);
  const views = arrowsAt(s.arrows, ix, n, inp);
  const { singles, bundles } = bundleArrows(views, { minSize: n <= 16 ? 5 : 9, burstNs: 50_000 });
  const alw = n <= 16 ? lw * 1.5 : lw;
  const area: Rect = { x: box.x, y: gridTop, w: box.w, h: g.rows * (g.ch + gap) };
  for (const v of singles) drawArrow(P, v, rects, pal, alw, area);
  for (const b of bundles) {
    // A fan-out: thin arrows to every target, and one caption.
    for (const v of b.members) drawArrow(P, v, rects, pal, Math.max(1, alw * 0.6), area);
  }
  if (bundles.length) {
    const b = bundles[0];
    const handled = b.members.filter((v) => v.status === 'handled').length;
    const text = `⇉ ${VECTOR_SHORT[b.vector] ?? b.vector} from CPU ${b.from} to ${b.members.length} CPUs: ${handled} handled, ${b.members.length - handled} not yet`;
    const tw = Math.min(box.w, P.measure(text, { size: f * 0.85, weight: 600 }) + 16);
    P.rect(box.x + box.w - tw, box.y - 2, tw, f * 1.3, { fill: pal.panel, stroke: vecColor(pal, b.vector), lw: 1.5, r: 8 });
    P.text(box.x + box.w - tw + 8, box.y + f * 0.92, text, { size: f * 0.85, weight: 600, fill: pal.fg, maxW: tw - 16 });
  }
}

function drawCard(P: Painter, s: VisualState, i: number, words: number, r: Rect, look: Look): void {
  const { pal, f, lw } = look;
  const v = vcpuView(s, i, words);
  const color = RUN_COLOR(pal, v.runstate);
  const offline = v.runstate === 'offline';
  if (r.h < 34 || r.w < 70) {
    // A tile: runstate colour, the number, Linux state as a mark.
    P.rect(r.x, r.y, r.w, r.h, { fill: offline ? pal.panel : mix(color, pal.panel, 0.75), stroke: offline ? pal.offline : color, lw: Math.max(1, lw * 0.7), dash: offline ? [3, 2] : undefined, r: 2 });
    if (r.w >= 16 && r.h >= 12) P.text(r.x + r.w / 2, r.y + r.h / 2 + Math.min(r.h, r.w) * 0.2, String(i), { size: Math.min(f * 0.85, Math.min(r.h, r.w) * 0.55), weight: 700, fill: pal.fg, anchor: 'middle' });
    if (v.online && r.w >= 10) P.rect(r.x + 1, r.y + r.h - 3, r.w - 2, 2, { fill: pal.fg });
    return;
  }
  P.rect(r.x, r.y, r.w, r.h, { fill: pal.panel, stroke: offline ? pal.offline : pal.border, lw: offline ? 1.2 : 1, dash: offline ? [5, 3] : undefined, r: 5 });
  P.rect(r.x, r.y, Math.max(4, lw * 2.6), r.h, { fill: color, r: 2 });
  const x = r.x + 12;
  const inner = r.w - 20;
  const lh = Math.min(f * 1.35, (r.h - 8) / 5);
  const fs = Math.max(9, Math.min(f, lh * 0.78));
  let y = r.y + lh * 0.95 + 2;
  // Title row: name and runstate pill.
  const name = `vCPU ${i}`;
  P.text(x, y, name, { size: fs * 1.12, weight: 700, fill: pal.fg });
  const nameW = P.measure(name, { size: fs * 1.12, weight: 700 });
  const pill = v.runstateText;
  const pw = Math.min(inner - nameW - 10, P.measure(pill, { size: fs * 0.85, weight: 600 }) + 14);
  if (pw > 30) {
    P.rect(x + nameW + 8, y - fs * 0.9, pw, fs * 1.15, { fill: mix(color, pal.panel, 0.2), stroke: color, lw: 1.2, dash: offline ? [3, 2] : undefined, r: fs * 0.57 });
    P.text(x + nameW + 15, y - fs * 0.05, pill, { size: fs * 0.85, weight: 600, fill: pal.fg, maxW: pw - 14 });
  }
  const rows: [string, string, boolean?][] = [
    ['Linux', v.linuxText],
    ['Xen', v.xenText],
    ['', v.fifo ? `mask ${v.upcallMask}  pend ${v.upcallPending}  READY ${v.ready || '–'}` : `mask ${v.upcallMask}  pend ${v.upcallPending}  sel ${v.sel || '0'}`, true],
    ['', v.fn ? `ƒ ${v.fn}${v.lock ? ` · ${v.lock}` : ''}` : v.lock || 'ƒ –', true],
  ];
  const room = Math.floor((r.y + r.h - 4 - y) / lh);
  const shown = room >= 4 ? rows : room === 3 ? [rows[0], rows[1], rows[2]] : room === 2 ? [[`Linux ${v.linuxText} · Xen`, v.xenText] as [string, string], rows[2]] : room === 1 ? [[`Linux`, v.linuxText] as [string, string]] : [];
  for (const [k, val, mono] of shown) {
    y += lh;
    if (k) {
      P.text(x, y, k, { size: fs * 0.9, fill: pal.muted });
      P.text(x + P.measure(k, { size: fs * 0.9 }) + 6, y, val, { size: fs * 0.95, weight: 700, fill: pal.fg, maxW: inner - P.measure(k, { size: fs * 0.9 }) - 6 });
    } else {
      const hot = mono && v.upcallPending && val.startsWith('mask');
      P.text(x, y, val, { size: fs * 0.85, mono: true, fill: hot ? pal.fg : pal.muted, weight: hot ? 700 : 400, maxW: inner });
    }
  }
}

function drawArrow(P: Painter, v: ArrowView, rects: Rect[], pal: Palette, lw: number, area: Rect): void {
  const a = rects[v.from];
  const b = rects[v.to];
  if (!a || !b) return;
  // As the live stage bends them: to the left of the direction, or to the right when
  // that would leave the cards' area.
  const pad = -Math.max(3, lw * 2);
  let q = arrowCurve(a, b, 0.2, pad, 0.75);
  if (q.c.x < area.x || q.c.y < area.y || q.c.x > area.x + area.w || q.c.y > area.y + area.h) q = arrowCurve(a, b, 0.2, pad, 0.75, -1);
  const part = v.progress >= 1 ? q : quadHead(q, Math.max(0.02, v.progress));
  const color = vecColor(pal, v.vector);
  const alpha = v.status === 'coalesced' ? Math.min(0.6, v.opacity) : v.opacity;
  P.path(quadD(part), { stroke: color, lw, dash: v.status === 'coalesced' ? [2, 4] : dashOf(v.vector, lw), alpha });
  if (v.status === 'dropped') {
    const p = part.p1;
    const k = 6 + lw;
    P.path(`M${p.x - k},${p.y - k}L${p.x + k},${p.y + k}M${p.x - k},${p.y + k}L${p.x + k},${p.y - k}`, { stroke: pal.danger, lw: lw * 1.3, alpha });
    return;
  }
  const tan = quadTangent(q, Math.min(1, Math.max(0.02, v.progress)));
  const head = arrowHeadD(part.p1, tan, 8 + lw * 2.2);
  P.path(head, { fill: v.status === 'handled' || v.status === 'sent' ? color : pal.panel, stroke: color, lw: 1, alpha });
}

// --- event channels --------------------------------------------------------------------

function maxPort(s: VisualState): number {
  let max = 0;
  for (const k in s.ports) max = Math.max(max, Number(k));
  return max;
}

function drawPorts(P: Painter, inp: FrameInput, look: Look, box: Rect): void {
  const { pal, f, lw } = look;
  const s = inp.state;
  const wordBits = inp.wordBits ?? 64;
  P.text(box.x, box.y + f * 0.9, 'EVENT CHANNELS', { size: f * 0.8, weight: 700, fill: pal.muted });
  P.text(box.x + P.measure('EVENT CHANNELS', { size: f * 0.8, weight: 700 }) + 6, box.y + f * 0.9, s.abi === 'fifo' ? '· FIFO ABI, by notify vCPU' : `· 2-level ABI, ${wordBits} ports per selector word`, {
    size: f * 0.8,
    fill: pal.muted,
    maxW: box.w - 130,
  });
  const groups = groupPorts(s, wordBits);
  if (!groups.length) {
    P.text(box.x, box.y + 2.6 * f, 'No event channel allocated yet (port 0 is reserved).', { size: f * 0.9, fill: pal.muted, maxW: box.w });
    return;
  }
  const cells: { c: PortCell; head: string | null }[] = [];
  for (const g of groups) {
    g.cells.forEach((c, k) => cells.push({ c, head: k === 0 ? (g.kind === 'word' ? `word ${g.id}${g.flags.length ? ` · sel bit set on vCPU ${g.flags.join(', ')}` : ''}` : `${g.title}${g.flags.length ? ` · READY ${g.flags.join(' ')}` : ''}`) : null }));
  }
  const top = box.y + f * 1.6;
  const h = box.h - (top - box.y) - 26;
  const n = cells.length;
  const g = gridOf(n, box.w, h, n <= 64 ? 4 : 2, n <= 48 ? 2.6 : 1);
  const labelled = g.cw >= 64 && g.ch >= 26;
  const gap = n <= 64 ? 4 : 2;
  cells.forEach(({ c }, k) => {
    const x = box.x + (k % g.cols) * (g.cw + gap);
    const y = top + Math.floor(k / g.cols) * (g.ch + gap);
    const lost = c.pending && c.masked;
    P.rect(x, y, g.cw, g.ch, {
      fill: c.pending ? mix(pal.pending, pal.panel, lost ? 0.55 : 0.7) : pal.panel,
      stroke: lost ? pal.lostEdge : c.allocated ? pal.border : pal.grid,
      lw: lost ? lw * 1.4 : 1,
      dash: c.allocated || c.reserved ? undefined : [2, 2],
      r: 2,
    });
    if (c.reserved) P.path(`M${x},${y}L${x + g.cw},${y + g.ch}`, { stroke: pal.muted, lw: 1 });
    if (c.masked && !c.reserved) {
      const mh = Math.max(2, Math.min(5, g.ch * 0.22));
      P.rect(x + 1, y + g.ch - mh - 1, g.cw - 2, mh, { fill: pal.masked });
    }
    if (labelled) {
      const fs = Math.min(f * 0.8, g.ch * 0.42);
      P.text(x + 4, y + fs + 2, String(c.port), { size: fs, weight: 700, fill: pal.fg, mono: true });
      const flags = `${c.pending ? 'P' : ''}${c.masked && !c.reserved ? 'M' : ''}${c.linked ? 'L' : ''}`;
      if (flags) P.text(x + g.cw - 4, y + fs + 2, flags, { size: fs * 0.9, weight: 700, fill: c.pending ? pal.fg : pal.muted, anchor: 'end', mono: true });
      P.text(x + 4, y + fs * 2.2 + 2, c.allocated || c.reserved ? c.label : '', { size: fs * 0.95, fill: pal.fg, maxW: g.cw - 8, mono: true });
    } else if (g.cw >= 14 && g.ch >= 11 && n <= 256) {
      P.text(x + g.cw / 2, y + g.ch * 0.68, String(c.port), { size: Math.min(g.ch * 0.55, g.cw * 0.42, f * 0.7), fill: pal.fg, anchor: 'middle', mono: true });
    }
  });
  // The group heads, at the cell where each group starts.
  let shownHead = false;
  cells.forEach(({ head }, k) => {
    if (!head || shownHead) return;
    if (k === 0) {
      shownHead = true;
      const legend = `${head}  ·  P pending  M masked  red = masked + pending`;
      P.text(box.x, box.y + box.h - 8, legend, { size: f * 0.72, fill: pal.muted, maxW: box.w });
    }
  });
}

// --- time-space diagram ---------------------------------------------------------------

function indexOf(cols: TraceColumns): TraceIndex {
  const ix = traceIndexFor(cols);
  while (!ix.update(1_000_000)) {
    /* index it all */
  }
  return ix;
}

/** The diagram's geometry in a w×h box (the live diagram's proportions). */
export function diagramGeometryFor(w: number, h: number, f: number, lanes: number, win: { t0: number; t1: number }): DiagramGeometry {
  const top = Math.round(f * 2.3);
  const left = Math.round(f * 4.4);
  const laneH = lanes > 0 ? Math.min(f * 2.6, Math.max(1, (h - top - 2) / lanes)) : f * 2.6;
  return { left, width: Math.max(10, w - left - 8), top, laneH, scrollY: 0, lanes, t0: win.t0, t1: win.t1 > win.t0 ? win.t1 : win.t0 + 1 };
}

function drawDiagram(P: Painter, inp: FrameInput, look: Look, box: Rect): void {
  const { pal } = look;
  const ix = indexOf(inp.cols);
  const f = look.f * 0.92;
  const lanes = Math.max(1, ix.laneCount);
  const g = diagramGeometryFor(box.w, box.h, f, lanes, inp.window);
  P.rect(box.x, box.y, box.w, 1, { fill: pal.border });
  const key = `diagram|${inp.theme}|${g.t0}|${g.t1}|${inp.cols.length}`;
  P.raster(box.x, box.y + 1, box.w, box.h - 1, key, (ctx, w, h) => {
    drawBase({ ctx, w, h, g, ix, cols: inp.cols, pal, f, lw: look.lw * 0.8 });
  });
  P.raster(box.x, box.y + 1, box.w, box.h - 1, '!overlay', (ctx, w, h) => {
    drawOverlay({ ctx, w, h, g, ix, cols: inp.cols, pal, f, lw: look.lw * 0.8 }, { time: inp.time, hovered: null, selected: null });
  });
}

// --- caption --------------------------------------------------------------------------

function drawCaption(P: Painter, inp: FrameInput, look: Look, box: Rect): void {
  const { pal, f } = look;
  P.rect(box.x, box.y, box.w, box.h, { fill: pal.panel });
  P.rect(box.x, box.y, box.w, 1, { fill: pal.border });
  P.rect(box.x + 16, box.y + 10, 4, box.h - 20, { fill: pal.accent });
  const s = inp.state;
  const nar = s.panic ? `Kernel panic: ${s.panic}` : s.narration ? `${s.narration.cpu < 0 ? 'Xen / toolstack' : `CPU ${s.narration.cpu}`}${s.narration.fn ? ` in ${s.narration.fn}` : ''}: ${s.narration.text}` : 'Press play: the guest is about to boot.';
  const size = f * 1.05;
  const maxW = box.w - 48 - (inp.cue ? 330 : 0);
  const lines = wrap(P, nar, size, maxW, 2);
  lines.forEach((line, k) => P.text(box.x + 30, box.y + 27 + k * size * 1.35, line, { size, fill: pal.fg, maxW }));
  if (inp.cue) {
    const w = Math.min(310, P.measure(inp.cue, { size: f * 0.95, weight: 700 }) + 24);
    P.rect(box.x + box.w - w - 16, box.y + box.h / 2 - f, w, f * 2, { fill: pal.fg, r: f });
    P.text(box.x + box.w - 16 - w / 2, box.y + box.h / 2 + f * 0.35, inp.cue, { size: f * 0.95, weight: 700, fill: pal.panel, anchor: 'middle', maxW: w - 16 });
  }
}

/** Words into at most `max` lines of `maxW` (the last one cut with an ellipsis). */
export function wrap(P: Pick<Painter, 'measure'>, text: string, size: number, maxW: number, max: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (let i = 0; i < words.length; i++) {
    const next = cur ? `${cur} ${words[i]}` : words[i];
    if (P.measure(next, { size }) <= maxW || !cur) {
      cur = next;
      continue;
    }
    lines.push(cur);
    cur = words[i];
    if (lines.length === max - 1) {
      cur = words.slice(i).join(' ');
      break;
    }
  }
  if (cur) lines.push(cur);
  return lines.slice(0, max);
}

/** `a` mixed into `b`: share of `a` (hex colours #rrggbb). */
export function mix(a: string, b: string, share: number): string {
  const pa = hex(a);
  const pb = hex(b);
  if (!pa || !pb) return a;
  const c = pa.map((x, k) => Math.round(x * share + pb[k] * (1 - share)));
  return `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function hex(c: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{6})$/i.exec(c);
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

