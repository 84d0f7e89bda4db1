// IPI arrows over the vCPU cards, drawn with a d3 data join keyed by the send's trace
// index. Where an arrow is comes from the playhead (arrows.ts, pure); while playing,
// d3 transitions ease it there in real time — a send and its handler a microsecond
// apart still visibly travel from sender to target before fading — and with reduced
// motion everything is set statically.

import { useLayoutEffect, useRef } from 'react';
import { select, type Selection } from 'd3-selection';
import 'd3-transition';
import { VECTOR_DASH } from '../theme/palette';
import {
  arrowCurve,
  arrowHeadD,
  bundleHub,
  bundleName,
  center,
  quadAt,
  quadD,
  quadHead,
  quadTangent,
  summarizeBundle,
  type ArrowView,
  type Bundle,
  type Pt,
  type Quad,
} from './arrows';
import { arrowName, formatNs, VECTOR_SHORT, vectorVar } from './format';
import type { Rect } from './layout';

/** Bundles with more targets than this mark the targets instead of drawing branches. */
export const BRANCH_MAX = 24;

export interface ArrowLayerProps {
  singles: ArrowView[];
  bundles: Bundle[];
  rectOf(cpu: number): Rect | undefined;
  /** Why an in-flight arrow waits at its target ('' = it is about to be handled). */
  reasonOf(v: ArrowView): string;
  width: number;
  height: number;
  fontSize: number;
  lineWidth: number;
  playing: boolean;
  reducedMotion: boolean;
  /** Show words next to single arrows (off when there are many). */
  labels: boolean;
  /** Show the ×n badge of coalesced sends on the arrow (full cards; tiles are too small). */
  badges: boolean;
}

interface Geo {
  q: Quad;
  color: string;
  dash: string;
  width: number;
  head: number;
}

interface SingleDatum extends Geo {
  key: string;
  v: ArrowView;
  name: string;
  label: string;
  badge: string;
}

interface BranchDatum extends Geo {
  key: string;
  v: ArrowView;
  name: string;
  /** Marker mode: a mark on the target tile instead of a curve. */
  at: Pt | null;
  markR: number;
}

interface BundleDatum {
  key: string;
  b: Bundle;
  name: string;
  trunk: Quad;
  hub: Pt;
  color: string;
  dash: string;
  width: number;
  text: string;
  branches: BranchDatum[];
}

const ENTER_MS = 420;
const FADE_MS = 380;

type AnyEl = SVGGElement & { __xsP?: number; __xsEnter?: number; __xsTarget?: number; __xsEntering?: boolean };

/** While playing, a finished arrow fades out over this much real time. */
export const FADE_REAL_MS = 900;

/**
 * The real-time factor of a finished arrow's opacity while playing: it fades out over
 * FADE_REAL_MS from when it was first seen finished (with reduced motion it simply
 * disappears then). Paused or stepping, the pure playhead rule alone applies (1).
 */
function realFade(el: AnyEl & { __xsDoneAt?: number }, v: Pick<ArrowView, 'status' | 'phase'>, playing: boolean, reduced: boolean, now: number): number {
  const finished = v.status !== 'sent' && v.phase === 'done';
  if (!finished) {
    el.__xsDoneAt = undefined;
    return 1;
  }
  if (el.__xsDoneAt === undefined) el.__xsDoneAt = now;
  if (!playing) return 1;
  const k = (now - el.__xsDoneAt - ENTER_MS * 0.5) / FADE_REAL_MS;
  if (reduced) return k < 1 ? 1 : 0;
  return Math.max(0, Math.min(1, 1 - k));
}

/**
 * Moves an arrow to `to` (0..1 along its path). The playhead already moves smoothly
 * while playing, so updates are set directly; only an arrow that appears while playing
 * travels there in real time (ENTER_MS) — a send and its handler a microsecond apart
 * still visibly go from sender to target. Updates during that travel retarget it.
 */
function progress(el: AnyEl, to: number, animate: boolean, now: number, draw: (p: number) => void): void {
  el.__xsTarget = to;
  if (el.__xsEntering) return;
  const fresh = now - (el.__xsEnter ?? 0) < 30;
  if (animate && fresh && to > 0.05) {
    el.__xsEntering = true;
    select(el)
      .transition('p')
      .duration(ENTER_MS)
      .tween('progress', () => (t: number) => {
        const cur = (el.__xsTarget ?? to) * t;
        el.__xsP = cur;
        draw(cur);
      })
      .on('end interrupt', () => {
        el.__xsEntering = false;
        el.__xsP = el.__xsTarget ?? to;
        draw(el.__xsP);
      });
    return;
  }
  el.__xsP = to;
  draw(to);
}

function dashFor(vector: string, lw: number): string {
  const d = VECTOR_DASH[vector] ?? '';
  if (!d) return '';
  const k = Math.max(1, lw / 1.5);
  return d
    .split(' ')
    .map((x) => String(Number(x) * k))
    .join(' ');
}

function labelFor(v: ArrowView, reason: string): string {
  const name = VECTOR_SHORT[v.vector] ?? v.vector;
  if (v.status === 'sent') {
    if (v.phase === 'travel') return name;
    return `${name} pending ${formatNs(v.waitedNs)}${reason ? ` · ${reason}` : ''}`;
  }
  if (v.status === 'handled') return `${name} handled after ${formatNs(v.waitedNs)}`;
  if (v.status === 'coalesced') return `${name} coalesced`;
  return `${name} dropped: port closed`;
}

function drawSingle(g: Selection<AnyEl, SingleDatum, null, undefined>, d: SingleDatum, p: number): void {
  const tip = quadAt(d.q, p);
  const dir = quadTangent(d.q, Math.max(0.001, p));
  const part = quadD(quadHead(d.q, Math.max(0.001, p)));
  g.select('.xs-arrow-halo').attr('d', part);
  g.select('.xs-arrow-trail').attr('d', part);
  const v = d.v;
  const head = g.select('.xs-arrow-head');
  if (v.status === 'dropped') {
    const s = d.head * 0.55;
    head
      .attr('d', `M${tip.x - s},${tip.y - s}L${tip.x + s},${tip.y + s}M${tip.x - s},${tip.y + s}L${tip.x + s},${tip.y - s}`)
      .attr('fill', 'none')
      .attr('stroke', 'var(--danger)')
      .attr('stroke-width', d.width * 1.3);
  } else {
    head
      .attr('d', arrowHeadD(tip, dir, d.head))
      .attr('fill', v.status === 'coalesced' ? 'var(--panel)' : d.color)
      .attr('stroke', d.color)
      .attr('stroke-width', v.status === 'coalesced' ? d.width * 0.9 : 1);
  }
  const waiting = v.phase === 'waiting';
  g.select('.xs-wait-ring')
    .attr('cx', tip.x)
    .attr('cy', tip.y)
    .attr('r', d.head * 1.05)
    .attr('display', waiting || d.badge ? null : 'none');
  const len = Math.hypot(dir.x, dir.y) || 1;
  // Words sit on the outside of the bend, next to the head.
  const nx = -dir.y / len;
  const ny = dir.x / len;
  const off = d.head * 1.6;
  const lx = tip.x + nx * off;
  const ly = tip.y + ny * off;
  g.select('.xs-arrow-text')
    .attr('x', lx)
    .attr('y', ly)
    .attr('text-anchor', Math.abs(nx) > 0.6 ? (nx > 0 ? 'start' : 'end') : 'middle')
    .attr('dominant-baseline', ny > 0.3 ? 'hanging' : ny < -0.3 ? 'auto' : 'middle')
    .text(d.label);
  const badge = g.select('.xs-arrow-badge').attr('display', d.badge ? null : 'none');
  if (d.badge) {
    // On the arrow itself, just behind the head: it reads as "this arrow counts ×n".
    const qlen = Math.hypot(d.q.p1.x - d.q.p0.x, d.q.p1.y - d.q.p0.y) || 1;
    const back = quadAt(d.q, Math.max(0, p - (d.head * 2.6) / qlen));
    const bx = back.x;
    const by = back.y;
    const w = d.head * 2.6;
    const h = d.head * 1.7;
    badge.select('rect').attr('x', bx - w / 2).attr('y', by - h / 2).attr('width', w).attr('height', h).attr('rx', h / 3).attr('stroke', d.color);
    badge.select('text').attr('x', bx).attr('y', by).text(d.badge);
  }
}

function drawBranch(g: Selection<AnyEl, BranchDatum, null, undefined>, d: BranchDatum, p: number): void {
  const v = d.v;
  if (d.at) {
    const c = d.at;
    const r = d.markR;
    g.select('.xs-branch-path').attr('display', 'none');
    const mark = g.select('.xs-branch-mark').attr('display', null);
    if (v.status === 'dropped') {
      mark
        .attr('d', `M${c.x - r},${c.y - r}L${c.x + r},${c.y + r}M${c.x - r},${c.y + r}L${c.x + r},${c.y - r}`)
        .attr('fill', 'none')
        .attr('stroke', 'var(--danger)');
    } else {
      // A downward arrowhead onto the tile: filled once handled, hollow while pending.
      const filled = v.status === 'handled';
      mark
        .attr('d', `M${c.x - r},${c.y - r * 0.9}L${c.x + r},${c.y - r * 0.9}L${c.x},${c.y + r * 0.9}Z`)
        .attr('fill', filled ? d.color : 'var(--panel)')
        .attr('stroke', d.color);
    }
    mark.attr('stroke-width', d.width);
    return;
  }
  g.select('.xs-branch-mark').attr('display', null);
  const part = quadD(quadHead(d.q, Math.max(0.001, p)));
  g.select('.xs-branch-path').attr('display', null).attr('d', part);
  const tip = quadAt(d.q, p);
  const dir = quadTangent(d.q, Math.max(0.001, p));
  g.select('.xs-branch-mark')
    .attr('d', v.status === 'dropped' ? `M${tip.x - 4},${tip.y - 4}L${tip.x + 4},${tip.y + 4}M${tip.x - 4},${tip.y + 4}L${tip.x + 4},${tip.y - 4}` : arrowHeadD(tip, dir, d.head))
    .attr('fill', v.status === 'dropped' ? 'none' : v.status === 'sent' || v.status === 'coalesced' ? 'var(--panel)' : d.color)
    .attr('stroke', v.status === 'dropped' ? 'var(--danger)' : d.color)
    .attr('stroke-width', d.width);
}

export function ArrowLayer(props: ArrowLayerProps) {
  const svg = useRef<SVGSVGElement>(null);
  const live = useRef(props);
  live.current = props;

  useLayoutEffect(() => {
    const p = live.current;
    const root = svg.current;
    if (!root) return;
    const animate = p.playing && !p.reducedMotion;
    const lw = p.lineWidth;
    const head = Math.max(7, p.fontSize * 0.62 + lw);
    const now = performance.now();

    // --- single arrows ------------------------------------------------------------
    const singles: SingleDatum[] = [];
    for (const v of p.singles) {
      const a = p.rectOf(v.from);
      const b = p.rectOf(v.to);
      if (!a || !b) continue;
      // Bend to the left of the direction, unless that leaves the grid (top row, edges).
      let q = arrowCurve(a, b, 0.2, -Math.max(3, lw * 2), 0.75);
      if (q.c.x < 0 || q.c.y < 0 || q.c.x > p.width || q.c.y > p.height) q = arrowCurve(a, b, 0.2, -Math.max(3, lw * 2), 0.75, -1);
      singles.push({
        key: `a${v.id}`,
        v,
        q,
        color: vectorVar(v.vector),
        dash: dashFor(v.vector, lw),
        width: lw * 1.7,
        head,
        name: arrowName(v),
        label: p.labels ? labelFor(v, p.reasonOf(v)) : '',
        badge: p.badges && v.merged > 0 ? `×${v.merged + 1}` : '',
      });
    }
    const sg = select(root)
      .select<SVGGElement>('.xs-singles')
      .selectAll<AnyEl, SingleDatum>('g.xs-arrow')
      .data(singles, (d) => d.key);
    sg.exit<SingleDatum>().each(function () {
      const el = this as AnyEl;
      if (!animate) return void select(el).interrupt('p').remove();
      const wait = Math.max(0, ENTER_MS - (now - (el.__xsEnter ?? 0)));
      select(el).transition('fade').delay(wait).duration(FADE_MS).style('opacity', 0).remove();
    });
    const entered = sg
      .enter()
      .append('g')
      .attr('class', 'xs-arrow')
      .attr('role', 'img')
      .each(function () {
        const el = this as AnyEl;
        el.__xsP = 0;
        el.__xsEnter = now;
        const g = select(el);
        g.append('path').attr('class', 'xs-arrow-track');
        g.append('path').attr('class', 'xs-arrow-halo');
        g.append('path').attr('class', 'xs-arrow-trail');
        g.append('circle').attr('class', 'xs-wait-ring');
        g.append('path').attr('class', 'xs-arrow-head');
        const badge = g.append('g').attr('class', 'xs-arrow-badge');
        badge.append('rect');
        badge.append('text').attr('text-anchor', 'middle').attr('dominant-baseline', 'central');
        g.append('text').attr('class', 'xs-arrow-text');
      });
    entered.merge(sg).each(function (d) {
      const el = this as AnyEl;
      const g = select<AnyEl, SingleDatum>(el);
      g.attr('aria-label', d.name).attr('data-status', d.v.status).attr('data-phase', d.v.phase);
      g.select('.xs-arrow-track').attr('d', quadD(d.q)).attr('stroke', d.color).attr('stroke-width', d.width * 0.7).attr('stroke-dasharray', d.dash || null);
      g.select('.xs-arrow-halo').attr('stroke-width', d.width + 4);
      g.select('.xs-arrow-trail').attr('stroke', d.color).attr('stroke-width', d.width).attr('stroke-dasharray', d.dash || null);
      g.select('.xs-wait-ring').attr('stroke', d.color).attr('stroke-width', lw).attr('stroke-dasharray', '3 3');
      const op = realFade(el, d.v, p.playing, p.reducedMotion, now) * (d.v.status === 'coalesced' ? Math.min(d.v.opacity, 0.85) : d.v.opacity);
      // Faded out: out of the picture and out of the accessibility tree.
      g.style('opacity', op).style('display', op < 0.02 ? 'none' : '');
      progress(el, d.v.progress, animate, now, (cur) => drawSingle(g, d, cur));
    });

    // --- bundles --------------------------------------------------------------------
    const bundles: BundleDatum[] = [];
    for (const b of p.bundles) {
      const from = p.rectOf(b.from);
      if (!from) continue;
      const targets: Rect[] = [];
      for (const m of b.members) {
        const r = p.rectOf(m.to);
        if (r) targets.push(r);
      }
      const hub = bundleHub(from, targets);
      const start = arrowCurve(from, { x: hub.x - 1, y: hub.y - 1, w: 2, h: 2 }, 0, lw + 2).p0;
      const trunk: Quad = { p0: start, c: { x: (start.x + hub.x) / 2, y: (start.y + hub.y) / 2 }, p1: hub };
      const markers = b.members.length > BRANCH_MAX;
      const color = vectorVar(b.vector);
      const dash = dashFor(b.vector, lw);
      const s = summarizeBundle(b);
      const parts = [`${s.total} sent`];
      if (s.handled) parts.push(`${s.handled} handled`);
      if (s.inFlight) parts.push(`${s.inFlight} pending`);
      if (s.coalesced) parts.push(`${s.coalesced} coalesced`);
      if (s.dropped) parts.push(`${s.dropped} dropped`);
      const branches: BranchDatum[] = [];
      for (const m of b.members) {
        const r = p.rectOf(m.to);
        if (!r) continue;
        const tip = borderTowards(r, hub);
        const q: Quad = { p0: hub, c: { x: (hub.x + tip.x) / 2, y: (hub.y + tip.y) / 2 }, p1: tip };
        const markR = Math.max(4, Math.min(r.w, r.h) * 0.16);
        branches.push({
          key: `m${m.id}`,
          v: m,
          name: arrowName(m),
          q,
          color,
          dash,
          width: markers ? Math.max(1.5, lw) : lw * 1.1,
          head: head * 0.8,
          at: markers ? { x: r.x + r.w - markR - 3, y: r.y + markR + 3 } : null,
          markR,
        });
      }
      bundles.push({
        key: b.key,
        b,
        name: bundleName(b),
        trunk,
        hub,
        color,
        dash,
        width: lw * (1.8 + Math.log2(b.members.length) * 0.45),
        text: `${VECTOR_SHORT[b.vector] ?? b.vector} ×${s.total}: ${parts.slice(1).join(', ') || 'sent'}`,
        branches,
      });
    }
    const bg = select(root)
      .select<SVGGElement>('.xs-bundles')
      .selectAll<AnyEl, BundleDatum>('g.xs-bundle')
      .data(bundles, (d) => d.key);
    bg.exit<BundleDatum>().each(function () {
      const el = this as AnyEl;
      if (!animate) return void select(el).remove();
      select(el).transition('fade').duration(FADE_MS).style('opacity', 0).remove();
    });
    const benter = bg
      .enter()
      .append('g')
      .attr('class', 'xs-bundle')
      .each(function () {
        const g = select(this);
        const trunk = g.append('g').attr('class', 'xs-trunk').attr('role', 'img');
        trunk.append('path').attr('class', 'xs-arrow-halo');
        trunk.append('path').attr('class', 'xs-arrow-trail');
        trunk.append('circle').attr('class', 'xs-hub');
        trunk.append('rect').attr('class', 'xs-hub-bg');
        trunk.append('text').attr('class', 'xs-arrow-text');
        g.append('g').attr('class', 'xs-branches');
      });
    benter.merge(bg).each(function (d) {
      const g = select<AnyEl, BundleDatum>(this as AnyEl);
      const fresh = benter.nodes().includes(this as AnyEl);
      const bundleEl = this as AnyEl;
      const done = d.b.members.every((m) => m.status !== 'sent');
      const alive = done
        ? realFade(bundleEl, { status: 'handled', phase: 'done' }, p.playing, p.reducedMotion, now) * Math.max(...d.b.members.map((m) => m.opacity))
        : 1;
      g.style('opacity', alive).style('display', alive < 0.02 ? 'none' : '');
      const trunk = g.select('.xs-trunk').attr('aria-label', d.name);
      const td = quadD(d.trunk);
      trunk.select('.xs-arrow-halo').attr('d', td).attr('stroke-width', d.width + 5);
      const trail = trunk
        .select('.xs-arrow-trail')
        .attr('d', td)
        .attr('stroke', d.color)
        .attr('stroke-width', d.width)
        .attr('stroke-dasharray', d.dash || null);
      if (fresh && animate && !d.dash) {
        const len = Math.hypot(d.trunk.p1.x - d.trunk.p0.x, d.trunk.p1.y - d.trunk.p0.y);
        trail.attr('stroke-dasharray', `${len} ${len}`).attr('stroke-dashoffset', len).transition('p').duration(ENTER_MS).attr('stroke-dashoffset', 0);
      }
      trunk
        .select('.xs-hub')
        .attr('cx', d.hub.x)
        .attr('cy', d.hub.y)
        .attr('r', d.width * 0.9)
        .attr('fill', 'var(--panel)')
        .attr('stroke', d.color)
        .attr('stroke-width', lw * 1.5);
      // The words of a bundle go in the stage's caption (no text over the tiles).
      trunk.select('.xs-arrow-text').text('');
      trunk.select('.xs-hub-bg').attr('width', 0).attr('height', 0);
      const br = g
        .select('.xs-branches')
        .selectAll<AnyEl, BranchDatum>('g.xs-branch')
        .data(d.branches, (x) => x.key);
      br.exit().remove();
      const bre = br
        .enter()
        .append('g')
        .attr('class', 'xs-branch')
        .attr('role', 'img')
        .each(function () {
          const el = this as AnyEl;
          el.__xsP = 0;
          el.__xsEnter = now;
          const gg = select(el);
          gg.append('path').attr('class', 'xs-branch-path').attr('fill', 'none');
          gg.append('path').attr('class', 'xs-branch-mark');
        });
      bre.merge(br).each(function (x) {
        const el = this as AnyEl;
        const gg = select<AnyEl, BranchDatum>(el);
        gg.attr('aria-label', x.name).attr('data-status', x.v.status);
        gg.select('.xs-branch-path').attr('stroke', x.color).attr('stroke-width', x.width).attr('stroke-dasharray', x.dash || null);
        const op = x.v.status === 'sent' ? 1 : realFade(el, x.v, p.playing, p.reducedMotion, now) * Math.max(0.25, x.v.opacity);
        gg.style('opacity', op).style('display', op < 0.02 ? 'none' : '');
        progress(el, x.v.progress, animate && !x.at, now, (cur) => drawBranch(gg, x, cur));
      });
    });
  });

  return (
    <svg
      ref={svg}
      className="xs-layer xs-over"
      width={Math.max(1, props.width)}
      height={Math.max(1, props.height)}
      aria-label="IPIs"
      role="group"
    >
      <g className="xs-bundles" />
      <g className="xs-singles" />
    </svg>
  );
}

/** Point on a rectangle's border facing `from`, just outside it. */
function borderTowards(r: Rect, from: Pt): Pt {
  const c = center(r);
  const dx = from.x - c.x;
  const dy = from.y - c.y;
  const hw = r.w / 2 + 2;
  const hh = r.h / 2 + 2;
  if (dx === 0 && dy === 0) return { x: c.x, y: r.y - 2 };
  const s = Math.min(dx !== 0 ? hw / Math.abs(dx) : Infinity, dy !== 0 ? hh / Math.abs(dy) : Infinity);
  return { x: c.x + dx * s, y: c.y + dy * s };
}
