// Drawing vCPU tiles (the compact and micro tiers, > 16 vCPUs) on a 2D canvas: one
// canvas for the whole grid instead of hundreds of DOM elements, and only the tiles
// whose picture changed are redrawn. Each tile says its runstate by colour AND pattern
// AND icon (and in words when wide enough), its three event bits as filled or outlined
// boxes, and its Linux state in a short word. The accessible text lives in the DOM
// (VcpuTiles.tsx); this is the picture only.

import type { Runstate } from '../../engine/trace/state';
import type { Palette } from '../theme/palette';
import type { Rect } from './layout';

export const FONT_FAMILY = 'system-ui, "DejaVu Sans", "Liberation Sans", sans-serif';
export const MONO_FAMILY = '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, monospace';

/** What one tile draws: primitives only, so a key string detects a change. */
export interface TileView {
  id: number;
  runstate: Runstate;
  /** Linux state key: online, offline, bringup, dying, dead, none. */
  os: string;
  mask: boolean;
  pending: boolean;
  /** Any evtchn_pending_sel bit (2-level) or READY priority (FIFO) set. */
  sel: boolean;
  fifo: boolean;
  nmi: boolean;
  polling: boolean;
  /** Pointed at (its pCPU chip or the tile itself). */
  linked: boolean;
}

export function tileKey(v: TileView): string {
  return `${v.runstate}|${v.os}|${+v.mask}${+v.pending}${+v.sel}${+v.fifo}${+v.nmi}${+v.polling}${+v.linked}`;
}

export const OS_SHORT: Record<string, string> = {
  online: '',
  offline: 'off',
  bringup: 'up…',
  dying: 'dying',
  dead: 'dead',
  none: 'n/a',
};

// --- sprites ---------------------------------------------------------------------------

/**
 * A small picture drawn once off screen (`w` × `h` CSS px at `dpr`) and kept as an
 * ImageBitmap where possible: copying an ImageBitmap is cheap, while copying from a
 * canvas makes the browser snapshot that canvas first. Null where there is no 2D canvas
 * (a test DOM).
 */
export function makeSprite(w: number, h: number, dpr: number, paint: (ctx: CanvasRenderingContext2D) => void): CanvasImageSource | null {
  const cw = Math.max(1, Math.ceil(w * dpr));
  const ch = Math.max(1, Math.ceil(h * dpr));
  if (typeof OffscreenCanvas !== 'undefined') {
    // One off-screen canvas per size, reused: transferToImageBitmap hands its pixels over
    // and leaves it blank (creating a canvas and its context each time costs more).
    const key = `${cw}x${ch}`;
    let s = scratch.get(key);
    if (!s) {
      const c = new OffscreenCanvas(cw, ch);
      // willReadFrequently keeps it in main memory: a sprite made on the GPU (even a
      // software one) has to be read back every time it is drawn on a page canvas.
      const x = c.getContext('2d', { willReadFrequently: true }) as unknown as CanvasRenderingContext2D | null;
      if (!x) return null;
      if (scratch.size > 16) scratch.clear();
      scratch.set(key, (s = { c, x }));
    }
    s.x.setTransform(1, 0, 0, 1, 0, 0);
    s.x.clearRect(0, 0, cw, ch);
    s.x.setTransform(dpr, 0, 0, dpr, 0, 0);
    s.x.globalAlpha = 1;
    paint(s.x);
    if (typeof s.c.transferToImageBitmap === 'function') return s.c.transferToImageBitmap();
    scratch.delete(key); // the canvas itself is the sprite: do not draw over it again
    return s.c as unknown as CanvasImageSource;
  }
  if (typeof document === 'undefined') return null;
  const c = document.createElement('canvas');
  c.width = cw;
  c.height = ch;
  let x: CanvasRenderingContext2D | null = null;
  try {
    x = c.getContext('2d');
  } catch {
    x = null;
  }
  if (!x) return null;
  x.setTransform(dpr, 0, 0, dpr, 0, 0);
  paint(x);
  return c;
}

const scratch = new Map<string, { c: OffscreenCanvas; x: CanvasRenderingContext2D }>();

// --- patterns (per palette, cached) ---------------------------------------------------

const patternCache = new Map<string, CanvasPattern | string>();

/**
 * The canvas's 2D context, got once and kept in `ref`; null where there is none (jsdom, or a
 * browser that refuses one), so callers skip drawing instead of throwing.
 */
export function context2d(ref: { current: CanvasRenderingContext2D | null }, c: HTMLCanvasElement): CanvasRenderingContext2D | null {
  if (!ref.current) {
    try {
      ref.current = c.getContext('2d');
    } catch {
      ref.current = null;
    }
  }
  return ref.current;
}

/** A repeating pattern of `size` px painted once by `paint`, cached by `key` (the colours in it). */
export function makePattern(ctx: CanvasRenderingContext2D, key: string, size: number, paint: (x: CanvasRenderingContext2D) => void, fallback: string): CanvasPattern | string {
  const hit = patternCache.get(key);
  if (hit) return hit;
  let pat: CanvasPattern | string = fallback;
  if (typeof document !== 'undefined') {
    const c = document.createElement('canvas');
    c.width = c.height = size;
    const x = c.getContext('2d');
    if (x) {
      paint(x);
      pat = ctx.createPattern(c, 'repeat') ?? fallback;
    }
  }
  patternCache.set(key, pat);
  return pat;
}

/**
 * Diagonal stripes of `fg` on `bg`, `size` px square, rising (/) or falling (\). Used for
 * runnable time (stage and diagram) and free ports, so they read without colour.
 */
export function stripes(ctx: CanvasRenderingContext2D, size: number, bg: string, fg: string, width: number, rising: boolean): CanvasPattern | string {
  return makePattern(ctx, `stripes|${size}|${bg}|${fg}|${width}|${rising ? '/' : '\\'}`, size, (x) => {
    x.fillStyle = bg;
    x.fillRect(0, 0, size, size);
    x.strokeStyle = fg;
    x.lineWidth = width;
    x.beginPath();
    for (const o of [-size, 0, size]) {
      x.moveTo(o, rising ? size : 0);
      x.lineTo(o + size, rising ? 0 : size);
    }
    x.stroke();
  }, fg);
}

/** The fill of a runstate: solid (running), stripes (runnable), dots (blocked), rules (offline). */
export function runstateFill(ctx: CanvasRenderingContext2D, pal: Palette, rs: Runstate): CanvasPattern | string {
  if (rs === 'running') return pal.running;
  if (rs === 'runnable')
    return stripes(ctx, 8, pal.panel, pal.runnable, 3, false);
  if (rs === 'blocked')
    return makePattern(ctx, `bl|${pal.blocked}|${pal.panel}`, 6, (x) => {
      x.fillStyle = pal.panel;
      x.fillRect(0, 0, 6, 6);
      x.fillStyle = pal.blocked;
      x.beginPath();
      x.arc(3, 3, 1.9, 0, Math.PI * 2);
      x.fill();
    }, pal.blocked);
  return makePattern(ctx, `of|${pal.offline}|${pal.panel}`, 6, (x) => {
    x.fillStyle = pal.panel;
    x.fillRect(0, 0, 6, 6);
    x.fillStyle = pal.offline;
    x.fillRect(0, 0, 6, 2);
  }, pal.offline);
}

/** The runstate icon (same shapes as icons.tsx) in a `s`-px box at (x, y). */
export function runstateIcon(ctx: CanvasRenderingContext2D, rs: Runstate, x: number, y: number, s: number, color: string): void {
  const k = s / 10;
  const P = (pts: number[]) => {
    ctx.moveTo(x + pts[0] * k, y + pts[1] * k);
    for (let i = 2; i < pts.length; i += 2) ctx.lineTo(x + pts[i] * k, y + pts[i + 1] * k);
    ctx.closePath();
  };
  ctx.fillStyle = color;
  ctx.beginPath();
  if (rs === 'running') P([3, 1.8, 8.4, 5, 3, 8.2]);
  else if (rs === 'runnable') P([2.5, 1.5, 7.5, 1.5, 5.6, 5, 7.5, 8.5, 2.5, 8.5, 4.4, 5]);
  else if (rs === 'blocked') {
    P([2.6, 2, 4.3, 2, 4.3, 8, 2.6, 8]);
    P([5.7, 2, 7.4, 2, 7.4, 8, 5.7, 8]);
  } else P([2.4, 3.4, 3.4, 2.4, 5, 4, 6.6, 2.4, 7.6, 3.4, 6, 5, 7.6, 6.6, 6.6, 7.6, 5, 6, 3.4, 7.6, 2.4, 6.6, 4, 5]);
  ctx.fill();
}

export function runstateColor(pal: Palette, rs: Runstate): string {
  return rs === 'running' ? pal.running : rs === 'runnable' ? pal.runnable : rs === 'blocked' ? pal.blocked : pal.offline;
}

/** A bit box: filled and dark-lettered when set, outlined and muted when clear. */
export function bitBox(ctx: CanvasRenderingContext2D, pal: Palette, x: number, y: number, w: number, h: number, on: boolean, kind: 'mask' | 'pending' | 'sel', label: string, font: string): void {
  const fill = !on ? pal.panel : kind === 'mask' ? pal.masked : pal.pending;
  ctx.fillStyle = fill;
  ctx.fillRect(x, y, w, h);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = !on ? pal.muted : kind === 'mask' ? pal.masked : pal.fg;
  ctx.strokeRect(x + 0.75, y + 0.75, w - 1.5, h - 1.5);
  ctx.fillStyle = !on ? pal.muted : kind === 'mask' ? pal.bg : '#000';
  ctx.font = font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, x + w / 2, y + h / 2 + 0.5);
}

export interface TileStyle {
  pal: Palette;
  /** Font size of the vCPU area, px. */
  fs: number;
  lw: number;
  micro: boolean;
  /** Wide enough to say the runstate in words. */
  words: boolean;
}

/** Room kept for a three-digit id at the left of a compact tile's top row, px. */
const idRoom = (fs: number) => 1.9 * fs;

/** Draws one tile into `r`: its picture (drawTileBody) and its number (drawTileId). */
export function drawTile(ctx: CanvasRenderingContext2D, v: TileView, r: Rect, st: TileStyle): void {
  drawTileBody(ctx, v, r, st);
  drawTileId(ctx, v, r, st);
}

/** The tile's number: centred on a micro tile, at the top left of a compact one. */
export function drawTileId(ctx: CanvasRenderingContext2D, v: Pick<TileView, 'id' | 'os'>, r: Rect, st: TileStyle): void {
  const { pal, fs, micro } = st;
  const lw = Math.max(1, st.lw);
  const bandH = Math.round((micro ? 0.45 : 0.7) * fs);
  const innerY = r.y + bandH + 1;
  const innerH = r.h - bandH - 1 - lw;
  const dim = v.os === 'offline' || v.os === 'dead' || v.os === 'none';
  ctx.globalAlpha = dim ? 0.8 : 1;
  ctx.fillStyle = pal.fg;
  ctx.textBaseline = 'middle';
  if (micro) {
    const f = Math.max(10, Math.min(r.w * 0.34, r.h * 0.36));
    const dot = Math.max(4, Math.round(0.36 * fs));
    const dotsY = innerY + innerH - dot - 2;
    ctx.font = `700 ${Math.round(f)}px ${FONT_FAMILY}`;
    ctx.textAlign = 'center';
    ctx.fillText(String(v.id), r.x + r.w / 2, (innerY + dotsY) / 2 + 0.5);
  } else {
    const rowH = Math.max(1.35 * fs, (innerH * 0.52) | 0);
    ctx.font = `700 ${Math.round(0.95 * fs)}px ${FONT_FAMILY}`;
    ctx.textAlign = 'left';
    ctx.fillText(String(v.id), r.x + lw + 0.25 * fs, innerY + rowH / 2 + 0.5);
  }
  ctx.globalAlpha = 1;
}

/** Everything of a tile but its number (the same for every tile in the same state: cached as a sprite). */
export function drawTileBody(ctx: CanvasRenderingContext2D, v: TileView, r: Rect, st: TileStyle): void {
  const { pal, fs, micro } = st;
  const lw = Math.max(1, st.lw);
  ctx.save();
  ctx.clearRect(r.x, r.y, r.w, r.h);
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  const dim = v.os === 'offline' || v.os === 'dead' || v.os === 'none';
  ctx.globalAlpha = dim ? 0.8 : 1;
  // card
  const rad = Math.min(0.3 * fs, r.w / 6);
  ctx.fillStyle = pal.panel;
  roundRect(ctx, r.x, r.y, r.w, r.h, rad);
  ctx.fill();
  // runstate band
  const bandH = Math.round((micro ? 0.45 : 0.7) * fs);
  ctx.save();
  roundRect(ctx, r.x, r.y, r.w, r.h, rad);
  ctx.clip();
  ctx.fillStyle = runstateFill(ctx, pal, v.runstate);
  ctx.fillRect(r.x, r.y, r.w, bandH);
  ctx.fillStyle = pal.border;
  ctx.fillRect(r.x, r.y + bandH, r.w, 1);
  ctx.restore();
  const inner = { x: r.x + lw, y: r.y + bandH + 1, w: r.w - 2 * lw, h: r.h - bandH - 1 - lw };
  if (micro) {
    const dot = Math.max(4, Math.round(0.36 * fs));
    const dotsY = inner.y + inner.h - dot - 2;
    const bits: ['mask' | 'pending' | 'sel', boolean][] = [
      ['mask', v.mask],
      ['pending', v.pending],
      ['sel', v.sel],
    ];
    let x = r.x + r.w / 2 - (3 * dot + 4) / 2;
    for (const [kind, on] of bits) {
      ctx.fillStyle = !on ? pal.panel : kind === 'mask' ? pal.masked : pal.pending;
      ctx.fillRect(x, dotsY, dot, dot);
      ctx.strokeStyle = !on ? pal.muted : kind === 'mask' ? pal.masked : pal.fg;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, dotsY + 0.5, dot - 1, dot - 1);
      x += dot + 2;
    }
  } else {
    // top row: the id on the left (drawn by drawTileId), the runstate icon on the right
    // and, on wide tiles, the runstate word before it
    const rowH = Math.max(1.35 * fs, (inner.h * 0.52) | 0);
    const cy = inner.y + rowH / 2;
    const iconS = Math.round(0.95 * fs);
    const ix = inner.x + inner.w - iconS - 0.2 * fs;
    runstateIcon(ctx, v.runstate, ix, cy - iconS / 2, iconS, runstateColor(pal, v.runstate));
    if (st.words) {
      ctx.font = `600 ${Math.round(0.8 * fs)}px ${FONT_FAMILY}`;
      ctx.fillStyle = pal.fg;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      const word = v.runstate === 'runnable' ? 'stolen' : v.runstate;
      const left = inner.x + 0.25 * fs + idRoom(fs);
      const t = ellipsize(ctx, word, ix - 0.2 * fs - left);
      if (t) ctx.fillText(t, ix - 0.2 * fs, cy + 0.5);
    }
    // bits row: M P S boxes, then NMI / poll / Linux state
    const bs = Math.max(9, Math.round(0.72 * fs * 1.35));
    const by = Math.min(inner.y + inner.h - bs - 2, inner.y + rowH + (inner.h - rowH - bs) / 2);
    const bitFont = `700 ${Math.max(8, Math.round(0.72 * fs * 0.9))}px ${MONO_FAMILY}`;
    let x = inner.x + 0.2 * fs;
    bitBox(ctx, pal, x, by, bs, bs, v.mask, 'mask', 'M', bitFont);
    x += bs + 2;
    bitBox(ctx, pal, x, by, bs, bs, v.pending, 'pending', 'P', bitFont);
    x += bs + 2;
    bitBox(ctx, pal, x, by, bs, bs, v.sel, 'sel', v.fifo ? 'R' : 'S', bitFont);
    x += bs + 0.25 * fs;
    const note = `${v.nmi ? 'NMI ' : ''}${v.polling ? 'poll ' : ''}${OS_SHORT[v.os] ?? v.os}`.trim();
    if (note) {
      ctx.font = `600 ${Math.round(0.72 * fs * 0.95)}px ${FONT_FAMILY}`;
      ctx.fillStyle = v.nmi ? pal.danger : pal.muted;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      const room = inner.x + inner.w - 0.2 * fs - x;
      if (room > 6) {
        const t = ellipsize(ctx, note, room);
        ctx.fillText(t, inner.x + inner.w - 0.2 * fs, by + bs / 2 + 0.5);
      }
    }
  }
  // border: dashed when Linux has the CPU offline; the pointed-at tile gets a thick inner ring
  ctx.globalAlpha = 1;
  ctx.lineWidth = lw;
  ctx.strokeStyle = pal.border;
  if (dim) ctx.setLineDash([3, 2]);
  roundRect(ctx, r.x + lw / 2, r.y + lw / 2, r.w - lw, r.h - lw, rad);
  ctx.stroke();
  ctx.setLineDash([]);
  if (v.linked) {
    ctx.lineWidth = 3;
    ctx.strokeStyle = pal.selection;
    roundRect(ctx, r.x + 1.5, r.y + 1.5, r.w - 3, r.h - 3, rad);
    ctx.stroke();
  }
  ctx.restore();
}

export function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  if (typeof ctx.roundRect === 'function') {
    ctx.roundRect(x, y, w, h, Math.max(0, Math.min(r, w / 2, h / 2)));
    return;
  }
  ctx.rect(x, y, w, h);
}

/** `text` shortened with an ellipsis to fit `max` px in the current font. */
export function ellipsize(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, m)}…`).width <= max) lo = m;
    else hi = m - 1;
  }
  return lo > 0 ? `${text.slice(0, lo)}…` : '';
}
