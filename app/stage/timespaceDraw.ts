// Drawing the time-space diagram on a 2D canvas. Two layers: the base (lanes, runstate
// bars, hypercall ticks, console marks, IPI arrows, steps, axis), redrawn when the
// trace, window, size or theme changes; and the overlay (playhead, the not-yet-played
// veil, hover and selection), redrawn when the playhead moves. Only what is in view is
// visited, through binary searches on the index; dense marks are aggregated per pixel.

import { scaleLinear } from 'd3-scale';
import type { TraceColumns } from '../../engine/trace/columns';
import type { Palette } from '../theme/palette';
import { VECTOR_DASH } from '../theme/palette';
import { laneOfEvent, stepLabel } from './describe';
import { formatNs, formatTick } from './format';
import { laneTop, xOf, type DiagramGeometry } from './hitTest';
import { bucketCounts, drawEach, runstateSegments, Segments } from './lod';
import { stripes } from './tileDraw';
import { IPI_COALESCED, IPI_DROPPED, IPI_HANDLED, lowerBound, upperBound, type TraceIndex } from './traceIndex';

export interface DrawContext {
  ctx: CanvasRenderingContext2D;
  /** CSS size of the canvas. */
  w: number;
  h: number;
  g: DiagramGeometry;
  ix: TraceIndex;
  cols: TraceColumns;
  pal: Palette;
  /** Font size px and line width px of the theme. */
  f: number;
  lw: number;
}

/** Most IPIs drawn as arrows; beyond this, marks per lane and pixel column (drawIpiDensity). */
export const MAX_ARROWS = 1500;

const segs = new Segments();
let counts = new Uint32Array(1024);
function hatch(ctx: CanvasRenderingContext2D, color: string, bg: string): CanvasPattern | string {
  return stripes(ctx, 8, bg, color, 2.6, true);
}

export function font(f: number, scale = 0.8, weight = 400): string {
  return `${weight} ${Math.round(f * scale)}px system-ui, "DejaVu Sans", "Liberation Sans", sans-serif`;
}

function vectorColor(pal: Palette, v: string): string {
  return (pal as unknown as Record<string, string>)[v] ?? pal.fg;
}

function dash(v: string, lw: number): number[] {
  const d = VECTOR_DASH[v];
  if (!d) return [];
  const k = Math.max(1, lw / 1.5);
  return d.split(' ').map((x) => Number(x) * k);
}

/** Visible lanes [first, last]. */
export function visibleLanes(g: DiagramGeometry, h: number): [number, number] {
  const first = Math.max(0, Math.floor(g.scrollY / g.laneH));
  const last = Math.min(g.lanes - 1, Math.floor((g.scrollY + h - g.top) / g.laneH));
  return [first, last];
}

export function timeTicks(g: DiagramGeometry): number[] {
  return scaleLinear().domain([g.t0, g.t1]).ticks(Math.max(2, Math.floor(g.width / 120)));
}

export function drawBase(d: DrawContext): void {
  const { ctx, w, h, g, ix, pal, f, lw } = d;
  ctx.save();
  ctx.fillStyle = pal.bg;
  ctx.fillRect(0, 0, w, h);
  const [first, last] = visibleLanes(g, h);
  const endT = ix.lastT;
  const x0 = g.left;
  const x1 = g.left + g.width;

  // Lanes: alternating background (labels go in the gutter, drawn last).
  const labelEvery = g.laneH >= f * 0.9 ? 1 : Math.ceil((f * 0.9) / g.laneH);
  ctx.fillStyle = pal.laneAlt;
  for (let lane = first; lane <= last; lane++) if (lane % 2 === 1) ctx.fillRect(x0, laneTop(g, lane), g.width, g.laneH);

  // Grid lines at the axis ticks.
  const ticks = timeTicks(g);
  ctx.strokeStyle = pal.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of ticks) {
    const x = Math.round(xOf(g, t)) + 0.5;
    ctx.moveTo(x, g.top);
    ctx.lineTo(x, h);
  }
  ctx.stroke();

  ctx.beginPath();
  ctx.rect(x0, g.top, g.width, h - g.top);
  ctx.clip();

  // Runstate bars: running = tall solid, runnable = tall hatched, blocked = thin, offline = hairline.
  // One path per state for the whole canvas (no style switch per segment).
  const paths = [new Path2D(), new Path2D(), new Path2D(), new Path2D(), new Path2D()];
  const edge = Math.max(1, lw * 0.6);
  for (let lane = first; lane <= last; lane++) {
    const L = ix.lanes[lane];
    if (!L) continue;
    const y = laneTop(g, lane);
    const lh = g.laneH;
    runstateSegments(L.rsT.data, L.rsState.data, L.rsT.length, endT, g.t0, g.t1, g.width, segs);
    for (let i = 0; i < segs.length; i++) {
      const sx = x0 + segs.x0[i];
      const sw = Math.max(1, segs.x1[i] - segs.x0[i]);
      const st = segs.state[i];
      if (st === 0 || st === 1) {
        paths[st].rect(sx, y + lh * 0.24, sw, lh * 0.52);
        if (st === 1) {
          paths[4].rect(sx, y + lh * 0.24, sw, edge);
          paths[4].rect(sx, y + lh * 0.76 - edge, sw, edge);
        }
      } else if (st === 2) paths[2].rect(sx, y + lh * 0.5 - Math.max(1.5, lh * 0.07), sw, Math.max(3, lh * 0.14));
      else paths[3].rect(sx, y + lh * 0.5 - 0.5, sw, 1);
    }
  }
  ctx.fillStyle = pal.running;
  ctx.fill(paths[0]);
  ctx.fillStyle = hatch(ctx, pal.runnable, pal.bg);
  ctx.fill(paths[1]);
  ctx.fillStyle = pal.runnable;
  ctx.fill(paths[4]);
  ctx.fillStyle = pal.blocked;
  ctx.fill(paths[2]);
  ctx.fillStyle = pal.offline;
  ctx.fill(paths[3]);

  // Hypercall ticks (top of the lane) and console marks (bottom), aggregated when dense.
  const dense = [new Path2D(), new Path2D(), new Path2D()];
  const ticksPath = new Path2D();
  const errTicks = new Path2D();
  const marks = new Path2D();
  const buckets = Math.max(1, Math.floor(g.width / 2));
  if (counts.length < buckets) counts = new Uint32Array(buckets * 2);
  for (let lane = first; lane <= last; lane++) {
    const L = ix.lanes[lane];
    if (!L) continue;
    const y = laneTop(g, lane);
    const lh = g.laneH;
    const tickH = Math.max(3, lh * 0.2);
    const lo = lowerBound(L.hcT.data, L.hcT.length, g.t0);
    const hi = upperBound(L.hcT.data, L.hcT.length, g.t1);
    if (drawEach(hi - lo, g.width)) {
      for (let j = lo; j < hi; j++) {
        const x = xOf(g, L.hcT.data[j]);
        const err = L.hcErr.data[j] === 1;
        (err ? errTicks : ticksPath).rect(x - lw * 0.4, y + 1, Math.max(1, lw * 0.8), err ? tickH * 1.6 : tickH);
      }
    } else {
      // Dense: a bar per 2 px whose height grows with the count (three shades, batched).
      bucketCounts(L.hcT.data, L.hcT.length, g.t0, g.t1, buckets, counts);
      for (let b = 0; b < buckets; b++) {
        const c = counts[b];
        if (!c) continue;
        const lg = Math.log2(1 + c);
        const hh = Math.min(lh * 0.3, tickH * (0.6 + lg * 0.25));
        dense[lg < 2 ? 0 : lg < 5 ? 1 : 2].rect(x0 + b * 2, y + 1, 2, hh);
      }
    }
    const clo = lowerBound(L.conT.data, L.conT.length, g.t0);
    const chi = upperBound(L.conT.data, L.conT.length, g.t1);
    const s = Math.max(2.5, Math.min(lh * 0.14, f * 0.3));
    if (drawEach(chi - clo, g.width)) {
      for (let j = clo; j < chi; j++) {
        const x = xOf(g, L.conT.data[j]);
        marks.moveTo(x, y + lh - 1 - s * 1.4);
        marks.lineTo(x + s, y + lh - 1);
        marks.lineTo(x - s, y + lh - 1);
        marks.closePath();
      }
    } else {
      bucketCounts(L.conT.data, L.conT.length, g.t0, g.t1, buckets, counts);
      for (let b = 0; b < buckets; b++) if (counts[b]) marks.rect(x0 + b * 2, y + lh - 1 - s, 2, s);
    }
  }
  ctx.fillStyle = pal.muted;
  ctx.fill(marks);
  ctx.fillStyle = pal.hypercall;
  ctx.fill(ticksPath);
  ctx.fillStyle = pal.danger;
  ctx.fill(errTicks);

  ctx.fillStyle = pal.hypercall;
  dense.forEach((p, i) => {
    ctx.globalAlpha = [0.45, 0.7, 1][i];
    ctx.fill(p);
  });
  ctx.globalAlpha = 1;

  drawIpis(d);
  ctx.restore();

  // Steps and panics: vertical markers through all lanes, labels in the band above.
  ctx.save();
  ctx.fillStyle = pal.panel;
  ctx.fillRect(0, 0, w, g.top);
  ctx.fillRect(0, g.top, g.left, h - g.top);
  ctx.strokeStyle = pal.border;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, g.top - 0.5);
  ctx.lineTo(w, g.top - 0.5);
  ctx.moveTo(g.left - 0.5, g.top);
  ctx.lineTo(g.left - 0.5, h);
  ctx.stroke();
  // the lane labels again (the gutter was repainted)
  ctx.font = font(f, g.laneH >= f * 1.2 ? 0.8 : 0.66);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillStyle = pal.fg;
  for (let lane = first; lane <= last; lane++) {
    if (lane % labelEvery !== 0) continue;
    const y = laneTop(g, lane);
    if (y + g.laneH / 2 < g.top) continue;
    ctx.fillText(g.laneH >= f * 1.2 ? `vCPU ${lane}` : String(lane), g.left - 6, y + g.laneH / 2);
  }
  // axis
  ctx.font = font(f, 0.74);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = pal.muted;
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : g.t1 - g.t0;
  for (const t of ticks) {
    const x = xOf(g, t);
    if (x < g.left + 20 || x > w - 20) continue;
    ctx.fillText(formatTick(t, step), x, 3);
    ctx.fillRect(Math.round(x), g.top - 5, 1, 5);
  }
  drawMarkers(d);
  ctx.restore();
}

function drawMarkers(d: DrawContext): void {
  const { ctx, g, ix, pal, f, lw, h, cols } = d;
  const bandY = Math.round(f * 1.15);
  ctx.font = font(f, 0.72, 600);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  const lo = lowerBound(ix.stepT.data, ix.stepT.length, g.t0);
  const hi = upperBound(ix.stepT.data, ix.stepT.length, g.t1);
  // All step lines in one dashed path, at most one per pixel column (thousands of steps
  // zoomed out are a comb, not thousands of strokes).
  const lines = new Path2D();
  let lastX = -Infinity;
  const labels: number[] = [];
  let lastRight = -Infinity;
  for (let j = lo; j < hi; j++) {
    const x = Math.round(xOf(g, ix.stepT.data[j])) + 0.5;
    if (x !== lastX) {
      lines.moveTo(x, bandY);
      lines.lineTo(x, h);
      lastX = x;
    }
    if (x > lastRight + 4) {
      labels.push(j);
      // A label is at least 4 em wide: later steps closer than that get no label.
      lastRight = x + f * 4;
    }
  }
  ctx.strokeStyle = pal.accent;
  ctx.lineWidth = Math.max(1, lw * 0.8);
  ctx.setLineDash(hi - lo > g.width / 4 ? [] : [4, 3]);
  ctx.globalAlpha = hi - lo > g.width / 4 ? 0.35 : 1;
  ctx.stroke(lines);
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  lastRight = -Infinity;
  for (const j of labels) {
    const x = Math.round(xOf(g, ix.stepT.data[j])) + 0.5;
    if (x <= lastRight + 4) continue;
    const text = stepLabel(cols.get(ix.stepIdx.data[j]));
    const tw = ctx.measureText(text).width + 8;
    ctx.fillStyle = pal.accent;
    ctx.fillRect(x, bandY, tw, f * 0.95);
    ctx.fillStyle = pal.bg;
    ctx.fillText(text, x + 4, bandY + 1);
    lastRight = x + tw;
  }
  for (let j = 0; j < ix.panicT.length; j++) {
    const t = ix.panicT.data[j];
    if (t < g.t0 || t > g.t1) continue;
    const x = Math.round(xOf(g, t)) + 0.5;
    ctx.strokeStyle = pal.danger;
    ctx.lineWidth = lw * 1.5;
    ctx.beginPath();
    ctx.moveTo(x, bandY);
    ctx.lineTo(x, h);
    ctx.stroke();
    ctx.fillStyle = pal.danger;
    ctx.fillText('panic', x + 4, bandY + 1);
  }
}

/** A burst of at least this many sends from one CPU is drawn as a fan (no line per send). */
export const FAN_MIN = 6;
/** Sends further apart than this start a new burst. */
export const BURST_NS = 50_000;

/**
 * Groups IPIs [start, stop) (in send order) into bursts: same sender and vector, each
 * send within BURST_NS of the previous one. Pure; used for drawing fans.
 */
export function ipiBursts(ix: TraceIndex, start: number, stop: number): number[][] {
  const open = new Map<string, { ids: number[]; last: number }>();
  const out: number[][] = [];
  for (let id = start; id < stop; id++) {
    const key = `${ix.ipiFrom.data[id]}:${ix.ipiVector[id]}`;
    const t = ix.ipiSendT.data[id];
    let b = open.get(key);
    if (!b || t - b.last > BURST_NS) {
      b = { ids: [], last: t };
      open.set(key, b);
      out.push(b.ids);
    }
    b.ids.push(id);
    b.last = t;
  }
  return out;
}

/**
 * Zoomed out over many IPIs: no arrows (a hairball, and thousands of strokes), but per
 * lane and pixel column a mark where handlers ran (tall, lower half of the lane) and
 * where sends left (short, upper half), in the vector's colour. One pass over the IPIs
 * in view, then at most one rectangle per (lane, column, vector, end).
 */
function drawIpiDensity(d: DrawContext, start: number, stop: number): void {
  const { ctx, g, ix, pal, h } = d;
  const [first, last] = visibleLanes(g, h);
  const lanes = last - first + 1;
  if (lanes <= 0) return;
  const BW = 2;
  const buckets = Math.max(1, Math.ceil(g.width / BW));
  const vectors = new Map<string, Uint8Array>();
  const k = buckets / (g.t1 - g.t0);
  const mark = (vec: string, lane: number, t: number, end: number) => {
    if (lane < first || lane > last || t < g.t0 || t > g.t1) return;
    let grid = vectors.get(vec);
    if (!grid) vectors.set(vec, (grid = new Uint8Array(lanes * buckets * 2)));
    const b = Math.min(buckets - 1, Math.floor((t - g.t0) * k));
    grid[((lane - first) * buckets + b) * 2 + end] = 1;
  };
  for (let id = start; id < stop; id++) {
    const vec = ix.ipiVector[id];
    mark(vec, ix.ipiFrom.data[id], ix.ipiSendT.data[id], 0);
    if (ix.ipiStatus.data[id] === IPI_HANDLED) mark(vec, ix.ipiTo.data[id], ix.ipiEndT.data[id], 1);
  }
  const lh = g.laneH;
  for (const [vec, grid] of vectors) {
    const sends = new Path2D();
    const handles = new Path2D();
    for (let li = 0; li < lanes; li++) {
      const y = laneTop(g, first + li);
      for (let b = 0; b < buckets; b++) {
        const at = (li * buckets + b) * 2;
        const x = g.left + b * BW;
        if (grid[at]) sends.rect(x, y + lh * 0.18, BW, Math.max(1.5, lh * 0.22));
        if (grid[at + 1]) handles.rect(x, y + lh * 0.45, BW, Math.max(2, lh * 0.4));
      }
    }
    ctx.fillStyle = vectorColor(pal, vec);
    ctx.globalAlpha = 0.6;
    ctx.fill(sends);
    ctx.globalAlpha = 1;
    ctx.fill(handles);
  }
}

function drawIpis(d: DrawContext): void {
  const { ctx, g, ix, pal, lw, h } = d;
  const n = ix.ipiCount;
  if (!n) return;
  const endT = ix.lastT;
  const start = lowerBound(ix.ipiSendT.data, n, g.t0 - ix.maxIpiSpan - 1);
  const stop = upperBound(ix.ipiSendT.data, n, g.t1);
  if (stop - start > MAX_ARROWS) {
    drawIpiDensity(d, start, stop);
    return;
  }
  const mid = (lane: number) => laneTop(g, lane) + g.laneH / 2;
  const head = Math.max(5, g.laneH * 0.28 + lw);
  const endOf = (id: number, status: number) =>
    status === IPI_COALESCED
      ? Number.isNaN(ix.ipiJoinT.data[id])
        ? ix.ipiEndT.data[id]
        : ix.ipiJoinT.data[id]
      : Number.isNaN(ix.ipiEndT.data[id])
        ? endT
        : ix.ipiEndT.data[id];
  ctx.lineCap = 'round';

  const endMark = (id: number, status: number, xb: number, yb: number, ang: number, color: string) => {
    if (status === IPI_HANDLED) {
      arrowHead(ctx, xb, yb, ang, head, color, false, pal.bg);
      const merged = ix.ipiMerged.data[id];
      if (merged > 0) {
        ctx.font = font(d.f, 0.72, 800);
        ctx.textAlign = 'left';
        ctx.textBaseline = 'bottom';
        ctx.fillStyle = pal.fg;
        ctx.fillText(`×${merged + 1}`, xb + 4, yb - 2);
      }
    } else if (status === IPI_DROPPED) {
      ctx.strokeStyle = pal.danger;
      ctx.lineWidth = lw * 1.3;
      const s = head * 0.6;
      ctx.beginPath();
      ctx.moveTo(xb - s, yb - s);
      ctx.lineTo(xb + s, yb + s);
      ctx.moveTo(xb - s, yb + s);
      ctx.lineTo(xb + s, yb - s);
      ctx.stroke();
    } else if (status !== IPI_COALESCED) {
      arrowHead(ctx, xb, yb, ang, head, color, true, pal.bg); // still in flight at the end of the trace
    }
  };

  for (const burst of ipiBursts(ix, start, stop)) {
    const vec = ix.ipiVector[burst[0]];
    const color = vectorColor(pal, vec);
    const from = ix.ipiFrom.data[burst[0]];
    if (burst.length >= FAN_MIN) {
      // A fan: the sends as one thick run on the sender's lane, each target as a short
      // arrow into its lane at its handler time, and the fan's two edges as lines. No
      // hairball of 127 crossing lines (visual-anchors §3.9).
      const ya = mid(from);
      const x0 = xOf(g, ix.ipiSendT.data[burst[0]]);
      const x1 = xOf(g, ix.ipiSendT.data[burst[burst.length - 1]]);
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = Math.max(1, lw * 0.8);
      ctx.setLineDash(dash(vec, lw));
      for (const id of [burst[0], burst[burst.length - 1]]) {
        const status = ix.ipiStatus.data[id];
        ctx.beginPath();
        ctx.moveTo(xOf(g, ix.ipiSendT.data[id]), ya);
        ctx.lineTo(xOf(g, endOf(id, status)), mid(ix.ipiTo.data[id]));
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
      ctx.lineWidth = Math.max(3, lw * 2.4);
      ctx.beginPath();
      ctx.moveTo(x0, ya);
      ctx.lineTo(Math.max(x1, x0 + 2), ya);
      ctx.stroke();
      const stem = Math.max(4, g.laneH * 0.42);
      let lo = Infinity;
      let hi = -Infinity;
      for (const id of burst) {
        const x = xOf(g, endOf(id, ix.ipiStatus.data[id]));
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      if (hi - lo < 4 || g.laneH < 6) {
        // Zoomed out: the whole fan is a few pixels wide — one band over the target lanes.
        let top = Infinity;
        let bottom = -Infinity;
        for (const id of burst) {
          const yb = mid(ix.ipiTo.data[id]);
          top = Math.min(top, yb);
          bottom = Math.max(bottom, yb);
        }
        ctx.fillStyle = color;
        ctx.globalAlpha = 0.75;
        ctx.fillRect(lo - 1, top - stem, Math.max(2, hi - lo + 2), bottom - top + stem);
        ctx.globalAlpha = 1;
        continue;
      }
      const stems = new Path2D();
      const heads = new Path2D();
      const hollow = new Path2D();
      const drops: [number, number][] = [];
      const withHeads = g.laneH >= 9;
      const ang = Math.atan2(stem, stem * 0.35);
      for (const id of burst) {
        const status = ix.ipiStatus.data[id];
        const yb = mid(ix.ipiTo.data[id]);
        if (yb < g.top - g.laneH || yb > h + g.laneH) continue;
        const xb = xOf(g, endOf(id, status));
        stems.moveTo(xb - stem * 0.35, yb - stem);
        stems.lineTo(xb, yb);
        if (status === IPI_DROPPED) drops.push([xb, yb]);
        else if (withHeads && status !== IPI_COALESCED) {
          const p = status === IPI_HANDLED ? heads : hollow;
          p.moveTo(xb, yb);
          p.lineTo(xb - head * Math.cos(ang - 0.45), yb - head * Math.sin(ang - 0.45));
          p.lineTo(xb - head * Math.cos(ang + 0.45), yb - head * Math.sin(ang + 0.45));
          p.closePath();
        }
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = Math.max(1, lw);
      ctx.stroke(stems);
      ctx.fillStyle = color;
      ctx.fill(heads);
      ctx.fillStyle = pal.bg;
      ctx.fill(hollow);
      ctx.lineWidth = 1.5;
      ctx.stroke(hollow);
      for (const [xb, yb] of drops) endMark(-1, IPI_DROPPED, xb, yb, 0, color);
      continue;
    }
    for (const id of burst) {
      const ts = ix.ipiSendT.data[id];
      const status = ix.ipiStatus.data[id];
      const te = endOf(id, status);
      if (te < g.t0) continue;
      const to = ix.ipiTo.data[id];
      const ya = mid(from);
      const yb = mid(to);
      if ((ya < g.top && yb < g.top) || (ya > h && yb > h)) continue;
      const xa = xOf(g, ts);
      const xb = xOf(g, te);
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = status === IPI_COALESCED ? Math.max(1, lw * 0.8) : lw * 1.2;
      ctx.setLineDash(status === IPI_COALESCED ? [2, 3] : dash(vec, lw));
      ctx.globalAlpha = status === IPI_COALESCED ? 0.8 : 1;
      ctx.beginPath();
      ctx.moveTo(xa, ya);
      ctx.lineTo(xb, yb);
      ctx.stroke();
      ctx.setLineDash([]);
      // the send end: a dot on the sender's lane (hollow: this send coalesced)
      ctx.beginPath();
      ctx.arc(xa, ya, Math.max(2, lw * 1.2), 0, Math.PI * 2);
      if (status === IPI_COALESCED) {
        ctx.fillStyle = pal.bg;
        ctx.fill();
        ctx.stroke();
      } else ctx.fill();
      endMark(id, status, xb, yb, Math.atan2(yb - ya, xb - xa), color);
      ctx.globalAlpha = 1;
    }
  }
}

function arrowHead(ctx: CanvasRenderingContext2D, x: number, y: number, ang: number, s: number, color: string, hollow: boolean, bg: string): void {
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x - s * Math.cos(ang - 0.45), y - s * Math.sin(ang - 0.45));
  ctx.lineTo(x - s * Math.cos(ang + 0.45), y - s * Math.sin(ang + 0.45));
  ctx.closePath();
  ctx.fillStyle = hollow ? bg : color;
  ctx.fill();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

export interface OverlayInput {
  /**
   * Playhead time: when given, the veil over the part not played yet and the playhead
   * are drawn too (for pictures made off screen, e.g. a recording; the live diagram
   * moves DOM layers instead).
   */
  time?: number;
  hovered: number | null;
  selected: number | null;
}

/** Where an event is drawn: x and the centre of its lane (-1 lane: no lane). */
export function eventPoint(d: DrawContext, i: number): { x: number; y: number; lane: number } | null {
  if (i < 0 || i >= d.cols.length) return null;
  const e = d.cols.get(i);
  const lane = laneOfEvent(e);
  return { x: xOf(d.g, e.t), y: lane >= 0 ? laneTop(d.g, lane) + d.g.laneH / 2 : d.g.top - d.f * 0.6, lane };
}

/**
 * The overlay canvas: the hovered and selected events. (The playhead and the veil over
 * the part not played yet are DOM layers moved with a transform: nothing is redrawn per
 * frame while playing.)
 */
export function drawOverlay(d: DrawContext, o: OverlayInput): void {
  const { ctx, w, h, g, pal, f, lw } = d;
  ctx.clearRect(0, 0, w, h);
  const px = o.time === undefined ? NaN : xOf(g, o.time);
  if (px < g.left + g.width) {
    // The part of the run not played yet is veiled, so "now" reads at a glance.
    const vx = Math.max(g.left, px);
    ctx.fillStyle = pal.bg;
    ctx.globalAlpha = 0.42;
    ctx.fillRect(vx, g.top, g.left + g.width - vx, h - g.top);
    ctx.globalAlpha = 1;
  }
  for (const [i, sel] of [
    [o.hovered, false],
    [o.selected, true],
  ] as const) {
    if (i === null) continue;
    const p = eventPoint(d, i);
    if (!p || p.x < g.left - 2 || p.x > g.left + g.width + 2) continue;
    ctx.strokeStyle = pal.selection;
    ctx.lineWidth = sel ? lw * 2 : lw * 1.3;
    if (sel) {
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(Math.round(p.x) + 0.5, g.top);
      ctx.lineTo(Math.round(p.x) + 0.5, h);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.beginPath();
    ctx.arc(p.x, p.y, Math.max(6, Math.min(g.laneH * 0.45, f * 0.8)), 0, Math.PI * 2);
    ctx.stroke();
  }
  if (o.time !== undefined && px >= g.left - 1 && px <= g.left + g.width + 1) {
    ctx.strokeStyle = pal.playhead;
    ctx.lineWidth = Math.max(2, lw * 1.4);
    ctx.beginPath();
    ctx.moveTo(px, g.top - 4);
    ctx.lineTo(px, h);
    ctx.stroke();
    const ticks = timeTicks(g);
    const label = ticks.length > 1 ? formatTick(o.time, (ticks[1] - ticks[0]) / 10) : formatNs(o.time);
    ctx.font = font(f, 0.74, 700);
    const tw = ctx.measureText(label).width + 10;
    const lx = Math.min(Math.max(px - tw / 2, g.left), w - tw);
    ctx.fillStyle = pal.playhead;
    ctx.fillRect(lx, 1, tw, f * 1.05);
    ctx.fillStyle = pal.bg;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(label, lx + 5, 3);
  }
}
