// The event channels: evtchn_pending and evtchn_mask as bit grids over the allocated
// port range, grouped by selector word (2-level) or by the notify vCPU's queues (FIFO).
// The most readable mode that fits is used:
// - labelled: a cell per port with its number, /proc/interrupts name (in full), notify
//   vCPU, P/M — only when every name fits its cell;
// - table: per word, a /proc/interrupts-like table (rows: kind of port, full names;
//   columns: notify vCPU), or transposed when that is what fits;
// - register: the bitmap in port order with names written vertically above;
// - bitmap: small cells only (hundreds of ports) plus a labelled list of pending ports.
//   Drawn on a canvas per selector word (only changed cells are redrawn), under a light
//   layer of transparent, focusable cells that carry the accessible names.
// In every mode a cell's top half (or P box) is PENDING and its bottom half (or M box)
// MASK, and masked + pending — the lost edge — gets a thick outline.

import { memo, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import type { Palette } from '../theme/palette';
import { cancelSoon, drawSoon, firstDraw, useCalm } from './calm';
import { isLostEdge, portDetails, portName, portTable, rangesText, type PortCell, type PortGroup } from './ports';
import { context2d, roundRect, stripes } from './tileDraw';

export type PortMode = 'labelled' | 'table' | 'register' | 'bitmap';

export interface PortLayout {
  mode: PortMode;
  /** Cells per row (labelled, register, bitmap); for tables, the widest table's columns. */
  cols: number;
  cellW: number;
  cellH: number;
  gap: number;
  /** register and table: height of the band of vertical names. */
  labelH: number;
  /** table: width of the row-header column. */
  headW: number;
  /** table: one row per kind of port (`resched`), one column per vCPU — /proc/interrupts' shape. */
  kindRows?: boolean;
  /** table: type size relative to the theme's (a narrow column gets a smaller table). */
  scale?: number;
}

const HEAD_EM = 1.9;
const DETAILS_EM = 2.6;
/** Advance of a monospace character, in font sizes (DejaVu Sans Mono: 0.602). */
const MONO_CH = 0.61;

function pow2Cols(width: number, minCell: number, gap: number, max: number): number {
  let cols = 1;
  while (cols * 2 * (minCell + gap) <= width + gap && cols * 2 <= max) cols *= 2;
  return cols;
}

/**
 * The groups a table is drawn for: each selector word (2-level), or, for FIFO, all
 * queues in one table whose columns are the notify vCPUs (READY under each).
 */
export function tableGroups(groups: readonly PortGroup[]): PortGroup[] {
  if (groups.length === 0 || groups[0].kind !== 'queue') return groups.slice();
  const cells = groups.flatMap((g) => g.cells).sort((a, b) => a.port - b.port);
  return [{ key: 'fifo', kind: 'queue', id: -1, title: 'queues', cells, flags: [] }];
}

const vtextH = (chars: number, f: number) => Math.ceil(chars * 0.62 * 0.72 * f + 0.5 * f);

/**
 * Width a labelled cell needs to show a name of `chars` characters in full at font
 * size `f`: the P/M column, the name (mono, 0.774 em) and the padding and borders.
 */
export function labelledCellW(chars: number, f: number, fifo = false): number {
  const name = chars * MONO_CH * 0.774 * f;
  const head = (fifo ? 6 : 4) * MONO_CH * 0.86 * f + 1.3 * f; // number, prio / notify vCPU
  return Math.ceil(Math.max(name, head) + 0.74 * f + 0.26 * f + 0.43 * f + 4);
}

/** The most readable mode that fits `width` × `height` px at font size `f`. */
export function layoutPorts(groups: readonly PortGroup[], width: number, height: number, f: number, wordBits: number): PortLayout {
  const total = groups.reduce((n, g) => n + g.cells.length, 0);
  const rowsOf = (cols: number) => groups.reduce((n, g) => n + Math.ceil(g.cells.length / cols), 0);
  const fixed = groups.length * HEAD_EM * f + DETAILS_EM * f;
  const fifo = groups[0]?.kind === 'queue';
  // labelled: only when every name fits its cell in full
  if (total <= 160) {
    const gap = 3;
    let longest = 0;
    for (const g of groups) for (const c of g.cells) longest = Math.max(longest, c.label.length);
    const minW = Math.max(6.4 * f, labelledCellW(longest, f, fifo));
    const cols = Math.floor((width + gap) / (minW + gap));
    const cellH = Math.round(2.5 * f);
    if (cols >= 1 && fixed + rowsOf(cols) * (cellH + gap) <= height) {
      return { mode: 'labelled', cols, cellW: Math.floor((width - (cols - 1) * gap) / cols), cellH, gap, labelH: 0, headW: 0 };
    }
  }
  // table: /proc/interrupts-like, kinds as rows and vCPUs as columns (horizontal names,
  // in full), or transposed (kinds as columns with vertical names) when that is what
  // fits; a narrow column (a projector at 1280×800) gets the kind-rows table in smaller
  // type (down to 0.72 of the theme's) before giving up the names.
  if (total <= 640) {
    const tgroups = tableGroups(groups);
    const tables = tgroups.map((g) => portTable(g));
    let digits = 1;
    let widestKinds = 0;
    let widestVcpus = 0;
    let longest = 0;
    tgroups.forEach((g, i) => {
      const t = tables[i];
      widestKinds = Math.max(widestKinds, t.kinds.length);
      widestVcpus = Math.max(widestVcpus, t.rows.length);
      for (const k of t.kinds) longest = Math.max(longest, k.length);
      for (const c of g.cells) digits = Math.max(digits, String(c.port).length);
    });
    const gap = 2;
    for (const scale of [1, 0.85, 0.72]) {
      const fs = f * scale;
      const tfixed = tgroups.length * HEAD_EM * f + DETAILS_EM * f;
      let needRows = tfixed;
      let needCols = tfixed;
      const cellH = Math.round((scale < 1 ? 1.4 : 1.55) * fs);
      const cellW = Math.round(Math.max(2.3, digits * 0.55 + 1.3) * fs);
      for (const t of tables) {
        needRows += 1.35 * fs + t.kinds.length * (cellH + gap) + 0.3 * f;
        needCols += vtextH(longest, fs) + t.rows.length * (cellH + gap) + 0.3 * f;
      }
      const kindW = Math.ceil(longest * MONO_CH * 0.8 * fs + 0.6 * fs);
      const fitsW = widestKinds > 0 && kindW + widestVcpus * (cellW + gap) <= width;
      if (fitsW && needRows <= height) {
        return { mode: 'table', cols: widestVcpus, cellW, cellH, gap, labelH: Math.round((fifo ? 2.3 : 1.35) * fs), headW: kindW, kindRows: true, scale };
      }
      const headW = Math.round(3.4 * fs);
      if (scale === 1 && widestKinds > 0 && headW + widestKinds * (cellW + gap) <= width && needCols <= height) {
        return { mode: 'table', cols: widestKinds, cellW, cellH, gap, labelH: vtextH(longest, fs), headW, kindRows: false, scale };
      }
      // Taller than the room: the kind-rows table still keeps every name readable (the
      // column scrolls) — better than a bitmap of unnamed cells for up to a few dozen vCPUs.
      if (fitsW && total <= 320 && scale === 0.72) {
        return { mode: 'table', cols: widestVcpus, cellW, cellH, gap, labelH: Math.round((fifo ? 2.3 : 1.35) * fs), headW: kindW, kindRows: true, scale };
      }
    }
  }
  // register
  if (total <= 192) {
    const gap = 2;
    const cols = pow2Cols(width, 1.3 * f, gap, wordBits);
    let longest = 0;
    for (const g of groups) for (const c of g.cells) longest = Math.max(longest, `${c.port} ${c.label}`.length);
    const labelH = vtextH(longest, f);
    const cellH = Math.round(1.3 * f);
    if (cols >= 8 && fixed + rowsOf(cols) * (labelH + cellH + gap + 4) <= height) {
      return { mode: 'register', cols, cellW: Math.floor((width - (cols - 1) * gap) / cols), cellH, gap, labelH, headW: 0 };
    }
  }
  const s = Math.max(9, Math.round(1.05 * f));
  const cols = pow2Cols(width, s, 2, wordBits);
  return { mode: 'bitmap', cols, cellW: Math.floor((width - (cols - 1) * 2) / cols), cellH: s, gap: 2, labelH: 0, headW: 0 };
}

interface Props {
  /** Changes whenever any cell's drawing changes (the memo key). */
  signature: string;
  groups: PortGroup[];
  abi: string;
  layout: PortLayout;
  /** Ports an in-flight IPI is heading for. */
  hotPorts: ReadonlySet<number>;
  /** vCPU pointed at elsewhere (its ports are highlighted). */
  linkedVcpu: number | null;
  /** Canvas colours (bitmap mode). */
  pal: Palette;
  /** While playing, the text (names, the pending list) follows a few times a second. */
  playing: boolean;
}

function Bits({ c }: { c: PortCell }) {
  return (
    <span className="xs-pbits xs-mono" aria-hidden="true">
      <span className="xs-bit" data-kind="pending" data-on={c.pending ? '1' : '0'}>
        P
      </span>
      <span className="xs-bit" data-kind="mask" data-on={c.masked ? '1' : '0'}>
        M
      </span>
    </span>
  );
}

interface CellProps {
  c: PortCell;
  i: number;
  mode: PortMode;
  focusable: boolean;
  hot: boolean;
  dim: boolean;
  fifo: boolean;
  onFocus(i: number): void;
  /** Bitmap mode: a transparent cell at this place over the canvas. */
  at?: { x: number; y: number; w: number; h: number };
}

function CellImpl({ c, i, mode, focusable, hot, dim, fifo, onFocus, at }: CellProps) {
  const common = {
    role: 'gridcell',
    'aria-label': portName(c),
    title: portDetails(c, fifo ? 'fifo' : '2l'),
    tabIndex: focusable ? 0 : -1,
    'data-i': i,
    'data-free': c.allocated ? '0' : '1',
    'data-reserved': c.reserved ? '1' : '0',
    'data-lost': isLostEdge(c) ? '1' : '0',
    'data-hot': hot ? '1' : '0',
    'data-dim': dim ? '1' : '0',
    onFocus: () => onFocus(i),
    onPointerEnter: () => onFocus(i),
  } as const;
  if (at) {
    // A grid item over the canvas (no positioning: no paint layer per cell).
    return <div {...common} className="xs-pcell-a11y" />;
  }
  if (mode === 'register' || mode === 'bitmap') {
    return (
      <div {...common} className="xs-pcell xs-pcell-b">
        <span className="xs-h-p" data-on={c.pending ? '1' : '0'} />
        <span className="xs-h-m" data-on={c.masked ? '1' : '0'} />
        {fifo && c.linked ? <span className="xs-linked-dot" aria-hidden="true" /> : null}
      </div>
    );
  }
  if (mode === 'table') {
    // The number sits on the PENDING area (filled when set) over the MASK bar (filled when set).
    return (
      <div {...common} className="xs-pcell xs-pcell-t" data-p={c.pending ? '1' : '0'} data-m={c.masked ? '1' : '0'}>
        <span className="xs-pnum xs-mono" aria-hidden="true">
          {c.port}
        </span>
        {fifo ? (
          <span className="xs-prio" aria-hidden="true">
            {c.linked ? 'L' : ''}
            {c.prio !== 7 ? `p${c.prio}` : ''}
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <div {...common} className="xs-pcell xs-pcell-l">
      <Bits c={c} />
      <span className="xs-pnum xs-mono" aria-hidden="true">
        {c.port}
        {fifo ? <span className="xs-prio"> p{c.prio}</span> : null}
        {fifo && c.linked ? <span className="xs-linked"> L</span> : null}
      </span>
      <span className="xs-pcpu-of" aria-hidden="true">
        {c.vcpu >= 0 ? `→${c.vcpu}` : ''}
      </span>
      <span className="xs-plabel xs-mono" aria-hidden="true">
        {c.label}
      </span>
    </div>
  );
}

function sameCell(a: PortCell, b: PortCell): boolean {
  return (
    a === b ||
    (a.port === b.port &&
      a.pending === b.pending &&
      a.masked === b.masked &&
      a.allocated === b.allocated &&
      a.reserved === b.reserved &&
      a.label === b.label &&
      a.vcpu === b.vcpu &&
      a.linked === b.linked &&
      a.prio === b.prio &&
      a.type === b.type &&
      a.irq === b.irq)
  );
}

/** A cell re-renders only when something it shows changed. */
const Cell = memo(
  CellImpl,
  (a, b) =>
    sameCell(a.c, b.c) &&
    a.i === b.i &&
    a.mode === b.mode &&
    a.focusable === b.focusable &&
    a.hot === b.hot &&
    a.dim === b.dim &&
    a.fifo === b.fifo &&
    a.onFocus === b.onFocus &&
    a.at?.x === b.at?.x &&
    a.at?.y === b.at?.y &&
    a.at?.w === b.at?.w &&
    a.at?.h === b.at?.h,
);

function chunks<T>(a: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += Math.max(1, n)) out.push(a.slice(i, i + Math.max(1, n)));
  return out;
}

function GroupHead({ g, extra }: { g: PortGroup; extra?: string }) {
  return (
    <div role="rowheader" className="xs-pgroup-head">
      {g.kind === 'word' ? (
        <>
          <b>word {g.id}</b>
          <span className="xs-mono">
            ports {g.cells[0]?.port}–{g.cells[g.cells.length - 1]?.port}
          </span>
          <span className="xs-note">
            {g.flags.length ? `selector bit ${g.id} set on vCPU ${g.flags.join(', ')}` : `selector bit ${g.id} clear on every vCPU`}
          </span>
        </>
      ) : g.id < 0 ? (
        <>
          <b>per-vCPU queues</b>
          <span className="xs-note">columns: notify vCPU, with its READY priorities; L = LINKED, p0 = priority 0</span>
        </>
      ) : (
        <>
          <b>vCPU {g.id}</b>
          <span className="xs-note">READY {g.flags.length ? g.flags.map((p) => `P${p}`).join(' ') : 'none'}</span>
        </>
      )}
      {extra ? <span className="xs-note">{extra}</span> : null}
    </div>
  );
}

// --- bitmap mode on a canvas ------------------------------------------------------------

/** Free ports: thin diagonal rules, so "free" differs from "allocated, bits clear" without colour. */
function freeFill(ctx: CanvasRenderingContext2D, pal: Palette): CanvasPattern | string {
  return stripes(ctx, 6, pal.panel, pal.laneAlt, 2.2, true);
}

/** One bitmap cell: top half PENDING, bottom half MASK; lost edge thick; hot ringed. */
export function drawPortCell(ctx: CanvasRenderingContext2D, c: PortCell, x: number, y: number, w: number, h: number, pal: Palette, hot: boolean, dim: boolean, fifo: boolean): void {
  ctx.clearRect(x - 1, y - 1, w + 2, h + 2);
  ctx.save();
  ctx.globalAlpha = dim ? 0.45 : 1;
  const r = Math.min(3, w / 5);
  roundRect(ctx, x, y, w, h, r);
  ctx.fillStyle = c.reserved ? pal.laneAlt : c.allocated ? pal.panel : freeFill(ctx, pal);
  ctx.fill();
  ctx.save();
  roundRect(ctx, x, y, w, h, r);
  ctx.clip();
  const half = Math.floor(h / 2);
  if (c.pending) {
    ctx.fillStyle = pal.pending;
    ctx.fillRect(x, y, w, half);
  }
  if (c.masked) {
    ctx.fillStyle = pal.masked;
    ctx.fillRect(x, y + half, w, h - half);
  }
  ctx.restore();
  const lost = isLostEdge(c);
  ctx.lineWidth = lost ? 2 : 1;
  ctx.strokeStyle = lost ? pal.lostEdge : c.allocated ? pal.border : pal.muted;
  if (!c.allocated) ctx.setLineDash([1.5, 1.5]);
  const inset = ctx.lineWidth / 2;
  roundRect(ctx, x + inset, y + inset, w - 2 * inset, h - 2 * inset, r);
  ctx.stroke();
  ctx.setLineDash([]);
  if (hot) {
    ctx.lineWidth = 2;
    ctx.strokeStyle = pal.selection;
    roundRect(ctx, x + 1, y + 1, w - 2, h - 2, r);
    ctx.stroke();
  }
  if (fifo && c.linked) {
    ctx.beginPath();
    ctx.arc(x + w / 2, y + h / 2, Math.min(w, h) * 0.2, 0, Math.PI * 2);
    ctx.fillStyle = pal.panel;
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = pal.linked;
    ctx.stroke();
  }
  ctx.restore();
}

function cellCode(c: PortCell, hot: boolean, dim: boolean): number {
  return (+c.allocated | (+c.reserved << 1) | (+c.pending << 2) | (+c.masked << 3) | (+c.linked << 4) | (+hot << 5) | (+dim << 6)) >>> 0;
}

interface BitmapProps {
  g: PortGroup;
  layout: PortLayout;
  hotPorts: ReadonlySet<number>;
  linkedVcpu: number | null;
  pal: Palette;
  fifo: boolean;
}

/**
 * Every cell in the same state looks the same: its pixels are drawn once per state (and
 * size, theme, pixel ratio) and kept; a word's canvas is an ImageData the changed cells'
 * pixels are copied into, then put back in one call for the changed area. A seek that
 * changes all 900 cells is 900 row copies in typed arrays, not 900 canvas calls.
 */
const cellPixels = new Map<string, Uint32Array | null>();
let pixelScratch: { x: CanvasRenderingContext2D; w: number; h: number } | null = null;

function pixelsOf(c: PortCell, code: number, w: number, h: number, dpr: number, pal: Palette, hot: boolean, dim: boolean, fifo: boolean): Uint32Array | null {
  const pw = Math.round(w * dpr);
  const ph = Math.round(h * dpr);
  const key = `${code}|${+fifo}|${pw}x${ph}@${dpr}|${pal.panel}|${pal.fg}|${pal.pending}|${pal.masked}`;
  let px = cellPixels.get(key);
  if (px !== undefined) return px;
  if (cellPixels.size > 512) cellPixels.clear();
  px = null;
  try {
    if (!pixelScratch || pixelScratch.w !== pw || pixelScratch.h !== ph) {
      const canvas: OffscreenCanvas | HTMLCanvasElement | null =
        typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(pw, ph) : typeof document !== 'undefined' ? document.createElement('canvas') : null;
      pixelScratch = null;
      if (canvas) {
        canvas.width = pw;
        canvas.height = ph;
        const x = canvas.getContext('2d', { willReadFrequently: true } as CanvasRenderingContext2DSettings) as CanvasRenderingContext2D | null;
        if (x) pixelScratch = { x, w: pw, h: ph };
      }
    }
    if (pixelScratch) {
      const x = pixelScratch.x;
      x.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawPortCell(x, c, 0, 0, w, h, pal, hot, dim, fifo);
      px = new Uint32Array(x.getImageData(0, 0, pw, ph).data.buffer.slice(0));
    }
  } catch {
    px = null;
  }
  cellPixels.set(key, px);
  return px;
}

/** One selector word's cells on a canvas; redraws only the cells whose picture changed. */
function BitmapCanvas({ g, layout, hotPorts, linkedVcpu, pal, fifo }: BitmapProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const ctxRef = useRef<CanvasRenderingContext2D | null>(null);
  const img = useRef<ImageData | null>(null);
  const drawn = useRef<{ codes: number[]; key: string }>({ codes: [], key: '' });
  const dpr = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1;
  const rows = Math.ceil(g.cells.length / layout.cols);
  const W = Math.max(1, layout.cols * (layout.cellW + layout.gap) - layout.gap);
  const H = Math.max(1, rows * (layout.cellH + layout.gap) - layout.gap);
  const live = useRef({ g, hotPorts, linkedVcpu });
  live.current = { g, hotPorts, linkedVcpu };
  const pending = useRef(0);
  const paint = useRef<() => void>(() => {});
  paint.current = () => {
    const { g, hotPorts, linkedVcpu } = live.current;
    const c = ref.current;
    if (!c) return;
    const key = `${W}x${H}@${dpr}|${layout.cols}|${layout.cellW}|${layout.cellH}|${pal.panel}|${pal.fg}|${g.cells.length}`;
    const all = key !== drawn.current.key;
    const cw = Math.round(W * dpr);
    const ch = Math.round(H * dpr);
    if (all) {
      c.width = cw;
      c.height = ch;
      img.current = null;
    }
    const ctx = context2d(ctxRef, c);
    if (!ctx) return;
    if (!img.current) {
      try {
        img.current = ctx.createImageData(cw, ch);
      } catch {
        img.current = null;
      }
    }
    const buf = img.current ? new Uint32Array(img.current.data.buffer) : null;
    const codes: number[] = new Array(g.cells.length);
    const pw = Math.round(layout.cellW * dpr);
    const ph = Math.round(layout.cellH * dpr);
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    g.cells.forEach((cell, i) => {
      const hot = hotPorts.has(cell.port);
      const dim = linkedVcpu !== null && cell.allocated && cell.vcpu !== linkedVcpu;
      const code = cellCode(cell, hot, dim);
      codes[i] = code;
      if (!all && drawn.current.codes[i] === code) return;
      const x = (i % layout.cols) * (layout.cellW + layout.gap);
      const y = Math.floor(i / layout.cols) * (layout.cellH + layout.gap);
      const px = buf ? pixelsOf(cell, code, layout.cellW, layout.cellH, dpr, pal, hot, dim, fifo) : null;
      if (!px || !buf) {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        drawPortCell(ctx, cell, x, y, layout.cellW, layout.cellH, pal, hot, dim, fifo);
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        return;
      }
      const dx = Math.round(x * dpr);
      const dy = Math.round(y * dpr);
      const wcopy = Math.min(pw, cw - dx);
      for (let row = 0; row < ph && dy + row < ch; row++) buf.set(px.subarray(row * pw, row * pw + wcopy), (dy + row) * cw + dx);
      x0 = Math.min(x0, dx);
      y0 = Math.min(y0, dy);
      x1 = Math.max(x1, dx + pw);
      y1 = Math.max(y1, dy + ph);
    });
    if (img.current && x1 > x0) ctx.putImageData(img.current, 0, 0, x0, y0, Math.min(cw, x1) - x0, Math.min(ch, y1) - y0);
    drawn.current = { codes, key };
  };
  // Drawn in the next frame (calm.ts, drawSoon); the first draw on a canvas in a task of
  // its own (firstDraw).
  const owner = useRef({});
  useLayoutEffect(() => {
    if (pending.current) return;
    pending.current = 1;
    const run = () => {
      pending.current = 0;
      paint.current();
    };
    if (ctxRef.current) drawSoon(owner.current, run);
    else firstDraw(run);
  });
  useEffect(() => () => cancelSoon(owner.current), []);
  return <canvas ref={ref} aria-hidden="true" style={{ width: W, height: H, display: 'block' }} />;
}

/** Bitmap cells are the same size everywhere: the place of cell `i` of a group. */
function bitmapAt(layout: PortLayout, i: number) {
  return {
    x: (i % layout.cols) * (layout.cellW + layout.gap),
    y: Math.floor(i / layout.cols) * (layout.cellH + layout.gap),
    w: layout.cellW,
    h: layout.cellH,
  };
}

/** A group's head re-renders only when the group (its calm copy) changes. */
const GroupHeadMemo = memo(GroupHead);

interface BitmapCellsProps {
  g: PortGroup;
  layout: PortLayout;
  /** Index of the group's first cell among all cells (keyboard order). */
  base: number;
  /** The focusable cell, relative to this group (outside 0..n-1: none here). */
  focusAt: number;
  fifo: boolean;
  onFocus(i: number): void;
}

/** The transparent, focusable cells over one word's canvas; re-rendered only when the calm group changes. */
const BitmapCells = memo(
  function BitmapCells({ g, layout, base, focusAt, fifo, onFocus }: BitmapCellsProps) {
    const style: CSSProperties = {
      gridTemplateColumns: `repeat(${layout.cols}, ${layout.cellW}px)`,
      gridAutoRows: `${layout.cellH}px`,
      gap: layout.gap,
    };
    return (
      <div className="xs-pcells-a11y" style={style}>
        {g.cells.map((c, i) => (
          <Cell key={c.port} c={c} i={base + i} mode="bitmap" focusable={i === focusAt} hot={false} dim={false} fifo={fifo} onFocus={onFocus} at={bitmapAt(layout, i)} />
        ))}
      </div>
    );
  },
  (a, b) =>
    a.g === b.g &&
    a.layout === b.layout &&
    a.base === b.base &&
    a.fifo === b.fifo &&
    a.onFocus === b.onFocus &&
    (a.focusAt === b.focusAt || ((a.focusAt < 0 || a.focusAt >= a.g.cells.length) && (b.focusAt < 0 || b.focusAt >= b.g.cells.length))),
);

const sameGroups = (a: { sig: string }, b: { sig: string }) => a.sig === b.sig;
const NO_GROUPS: PortGroup[] = [];
/** Hundreds of accessible cells follow the picture at most once a second while playing. */
const BIG_CALM_MS = 1000;

function PortGridImpl({ signature, groups, abi, layout, hotPorts, linkedVcpu, pal, playing }: Props) {
  const fifo = abi === 'fifo';
  const [focusIdx, setFocusIdx] = useState(0);
  const [shownPort, setShownPort] = useState<number | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  const flatRef = useRef<PortCell[]>([]);
  const canvasMode = layout.mode === 'bitmap';
  // In bitmap mode the canvas is the picture and follows every frame; the accessible
  // cells (hundreds) and the pending list follow a few times a second while playing.
  const calm = useCalm({ sig: signature, groups }, playing && canvasMode, BIG_CALM_MS, sameGroups);
  // A group whose cells did not change keeps its object, so its cells are not even compared.
  const kept = useRef(new Map<string, { sig: string; g: PortGroup }>());
  const stableGroups = useMemo(() => {
    if (!canvasMode) return NO_GROUPS;
    const next = new Map<string, { sig: string; g: PortGroup }>();
    const out = calm.groups.map((g) => {
      const sig = portsSignature([g]);
      const old = kept.current.get(g.key);
      const use = old && old.sig === sig ? old.g : g;
      next.set(g.key, { sig, g: use });
      return use;
    });
    kept.current = next;
    return out;
  }, [calm, canvasMode]);
  // ... and are rendered in a deferred, interruptible pass (hundreds of cells to mount).
  const deferred = useDeferredValue(stableGroups, NO_GROUPS);
  const textGroups = groups;

  const onFocusCell = useCallback((i: number) => {
    setShownPort(flatRef.current[i]?.port ?? null);
  }, []);

  const flat: PortCell[] = [];
  const cellProps = (c: PortCell, at?: CellProps['at']): CellProps => {
    const idx = flat.push(c) - 1;
    return {
      c,
      i: idx,
      mode: layout.mode,
      focusable: idx === focusIdx,
      hot: canvasMode ? false : hotPorts.has(c.port),
      dim: canvasMode ? false : linkedVcpu !== null && c.allocated && c.vcpu !== linkedVcpu,
      fifo,
      onFocus: onFocusCell,
      at,
    };
  };

  const cellsStyle: CSSProperties = {
    gridTemplateColumns: `repeat(${layout.cols}, ${layout.cellW}px)`,
    gridAutoRows: `${layout.cellH}px`,
    gap: layout.gap,
  };

  const ready = new Map(groups.filter((g) => g.kind === 'queue').map((g) => [g.id, g.flags]));
  const rows: ReactNode[] = (layout.mode === 'table' ? tableGroups(textGroups) : textGroups).map((g, gi) => {
    if (layout.mode === 'table') {
      const t = portTable(g);
      const extra = [t.reserved ? 'port 0 reserved' : '', t.free.length ? `free: ${rangesText(t.free)}` : ''].filter(Boolean).join(' · ');
      const across = layout.kindRows ? t.rows.length : t.kinds.length;
      const style: CSSProperties = {
        display: 'grid',
        fontSize: layout.scale && layout.scale !== 1 ? `${layout.scale}em` : undefined,
        gridTemplateColumns: `${layout.headW}px repeat(${across}, ${layout.cellW}px)`,
        gridTemplateRows: `${layout.labelH}px`,
        gridAutoRows: `${layout.cellH}px`,
        gap: layout.gap,
      };
      const empty = (key: string) => <span key={key} className="xs-pempty" aria-hidden="true" />;
      return (
        <div role="row" key={g.key} className="xs-pgroup">
          <GroupHead g={g} extra={extra} />
          <div className="xs-ptable" style={style}>
            <span aria-hidden="true" />
            {layout.kindRows ? (
              <>
                {t.rows.map((r) => (
                  <span key={`v${r.vcpu}`} className="xs-pcolhead" aria-hidden="true">
                    {r.vcpu === t.rows[0].vcpu ? `vCPU ${r.vcpu}` : r.vcpu}
                    {fifo ? <span className="xs-ready">{(ready.get(r.vcpu) ?? []).map((p) => `P${p}`).join(' ') || '—'}</span> : null}
                  </span>
                ))}
                {t.kinds.map((k, j) => [
                  <span key={`k${k}`} className="xs-prowhead xs-mono" aria-hidden="true" title={k}>
                    {k}
                  </span>,
                  ...t.rows.map((r) => {
                    const c = r.cells[j];
                    return c ? <Cell key={c.port} {...cellProps(c)} /> : empty(`e${k}:${r.vcpu}`);
                  }),
                ])}
              </>
            ) : (
              <>
                {t.kinds.map((k) => (
                  <span key={k} className="xs-vlabel xs-mono" aria-hidden="true">
                    {k}
                  </span>
                ))}
                {t.rows.map((r) => [
                  <span key={`h${r.vcpu}`} className="xs-prowhead" aria-hidden="true">
                    vCPU {r.vcpu}
                  </span>,
                  ...r.cells.map((c, j) => (c ? <Cell key={c.port} {...cellProps(c)} /> : empty(`e${r.vcpu}:${j}`))),
                ])}
              </>
            )}
          </div>
        </div>
      );
    }
    if (canvasMode) {
      // The picture (the canvas) is live; the words (the head, the accessible cells) come
      // from the calm, deferred copy of the same group.
      const text = deferred[gi]?.key === g.key ? deferred[gi] : null;
      const rowsN = Math.ceil(g.cells.length / layout.cols);
      const H = Math.max(1, rowsN * (layout.cellH + layout.gap) - layout.gap);
      const base = flat.length;
      if (text) for (const c of text.cells) flat.push(c);
      return (
        <div role="row" key={g.key} className="xs-pgroup">
          <GroupHeadMemo g={text ?? g} />
          <div className="xs-pbitmap" style={{ height: H }}>
            <BitmapCanvas g={g} layout={layout} hotPorts={hotPorts} linkedVcpu={linkedVcpu} pal={pal} fifo={fifo} />
            {text ? <BitmapCells g={text} layout={layout} base={base} focusAt={focusIdx - base} fifo={fifo} onFocus={onFocusCell} /> : null}
          </div>
        </div>
      );
    }
    return (
      <div role="row" key={g.key} className="xs-pgroup">
        <GroupHead g={g} />
        {chunks(g.cells, layout.mode === 'labelled' ? g.cells.length : layout.cols).map((row) => (
          <div key={row[0].port} className="xs-prow">
            {layout.mode === 'register' ? (
              <div className="xs-plabels" aria-hidden="true" style={{ ...cellsStyle, gridAutoRows: `${layout.labelH}px` }}>
                {row.map((c) => (
                  <span key={c.port} className="xs-vlabel xs-mono" data-free={c.allocated ? '0' : '1'} data-lost={isLostEdge(c) ? '1' : '0'}>
                    <b>{c.port}</b> {c.allocated ? c.label : ''}
                  </span>
                ))}
              </div>
            ) : null}
            <div className="xs-pcells" style={cellsStyle}>
              {row.map((c) => (
                <Cell key={c.port} {...cellProps(c)} />
              ))}
            </div>
          </div>
        ))}
      </div>
    );
  });
  flatRef.current = flat;
  const shown = shownPort === null ? null : (flat.find((c) => c.port === shownPort) ?? null);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(flat.length - 1, to));
    setFocusIdx(i);
    grid.current?.querySelector<HTMLElement>(`[data-i="${i}"]`)?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: layout.cols, ArrowUp: -layout.cols };
    if (e.key in step) move(focusIdx + step[e.key]);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(flat.length - 1);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const hot = canvasMode ? flat.filter((c) => c.allocated && (c.pending || hotPorts.has(c.port) || (fifo && c.linked))).slice(0, 12) : [];

  return (
    <div className="xs-ports">
      {canvasMode ? (
        <div className="xs-hot-box">
          <div className="xs-ports-summary">Pending now{hot.length ? '' : ': none'}</div>
          <ul className="xs-hot-list" aria-label="Pending event channels">
            {hot.map((c) => (
              <li key={c.port} className="xs-hot" data-lost={isLostEdge(c) ? '1' : '0'} title={portDetails(c, abi)}>
                <Bits c={c} />
                <b className="xs-mono">{c.port}</b> <span className="xs-mono">{c.label}</span>
                <span className="xs-pcpu-of">→{c.vcpu}</span>
                <span className="xs-vh">{portName(c)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div ref={grid} role="grid" aria-label="Event channels" aria-readonly="true" className="xs-ports" onKeyDown={onKey}>
        {rows}
      </div>
      <div className="xs-pdetails" aria-hidden="true">
        {shown
          ? portDetails(shown, abi)
          : layout.mode === 'labelled'
            ? ' '
            : layout.mode === 'table'
              ? 'Filled = PENDING, dark bar below = MASK. Point at a cell, or focus it and use the arrow keys.'
              : 'Top half: PENDING, bottom half: MASK. Point at a cell, or focus it and use the arrow keys.'}
      </div>
    </div>
  );
}

export const PortGrid = memo(
  PortGridImpl,
  (a, b) =>
    a.signature === b.signature && a.layout === b.layout && a.hotPorts === b.hotPorts && a.linkedVcpu === b.linkedVcpu && a.abi === b.abi && a.pal === b.pal && a.playing === b.playing,
);

/** A compact string that changes whenever a cell's picture changes. */
export function portsSignature(groups: readonly PortGroup[]): string {
  let s = '';
  for (const g of groups) {
    s += `|${g.key}:${g.flags.join(',')}:`;
    for (const c of g.cells) {
      s += (c.allocated ? 1 : 0) + (c.pending ? 2 : 0) + (c.masked ? 4 : 0) + (c.linked ? 8 : 0) + ',';
      s += `${c.label}${c.vcpu}p${c.prio};`;
    }
  }
  return s;
}
