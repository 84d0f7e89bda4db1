// IPI arrows over the vCPU cards, drawn in one pass into one SVG layer (svgPainter.ts:
// everything in the same style is one <path>). Where an arrow is
// comes from the playhead (arrows.ts, pure); on top of that, while playing, an arrow
// that appears travels from sender to target over ENTER_MS of real time (a send and its
// handler a microsecond apart still visibly go from one card to the other), finished
// arrows fade out over FADE_REAL_MS, arrows that leave the picture fade over FADE_MS,
// and a waiting arrow's ring pulses. A requestAnimationFrame loop runs only while one
// of those is under way; with nothing moving, nothing runs. With reduced motion
// everything is drawn as it is at the playhead.
//
// The SVG is a picture only (aria-hidden): the arrows' accessible names (the contract's
// `RESCHEDULE IPI from CPU 0 to CPU 1: handled`) are a visually hidden list of
// role="img" elements beside it, which follows the picture a few times a second while
// playing and at once otherwise.

import { memo, useDeferredValue, useEffect, useLayoutEffect, useRef } from 'react';
import { VECTOR_DASH, type Palette } from '../theme/palette';
import {
  arrowCurve,
  arrowHeadPoints,
  bundleHub,
  bundleName,
  center,
  quadAt,
  quadHead,
  quadTangent,
  type ArrowView,
  type Bundle,
  type Pt,
  type Quad,
} from './arrows';
import { CALM_MS, cancelSoon, drawSoon, useCalmLazy } from './calm';
import { arrowName, formatNs, VECTOR_SHORT } from './format';
import type { Rect } from './layout';
import { SvgPainter, SvgPath } from './svgPainter';
import { FONT_FAMILY } from './tileDraw';

type Ctx = SvgPainter;

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
  /** Colours (as values: the painter merges paths by colour). */
  pal: Palette;
  /** At most this many single arrows are drawn: in-flight ones first, then the newest. */
  maxSingles?: number;
  /** At most this many bundles (the newest) are drawn. */
  maxBundles?: number;
  /**
   * A big stage (tiles): a lighter picture — no halo or faint full path under an arrow,
   * no real-time travel, fade or pulse (an arrow is drawn as it is at the playhead, its
   * opacity in a few steps) — so a storm of IPIs stays readable and the picture changes
   * only when the playhead changes it.
   */
  light?: boolean;
}

const ENTER_MS = 420;
const FADE_MS = 380;
/** While playing, a finished arrow fades out over this much real time. */
export const FADE_REAL_MS = 900;

const easeCubicInOut = (t: number) => ((t *= 2) <= 1 ? t * t * t : (t -= 2) * t * t + 2) / 2;

/** Real-time state of one arrow (or bundle) in the picture. */
interface Life {
  /** When it first appeared, and whether it travels in (appeared while playing). */
  enterAt: number;
  travels: boolean;
  /** When it was first seen finished (for the real-time fade). */
  doneAt?: number;
  seen: number;
}

/** A drawing of something that left the picture while playing: faded out over FADE_MS. */
interface Ghost {
  key: string;
  at: number;
  delay: number;
  alpha: number;
  draw(ctx: Ctx, alpha: number, now: number): void;
}

export function dashFor(vector: string, lw: number): number[] {
  const d = VECTOR_DASH[vector] ?? '';
  if (!d) return [];
  const k = Math.max(1, lw / 1.5);
  return d.split(' ').map((x) => Number(x) * k);
}

function labelFor(v: ArrowView, reason: string): string {
  const name = VECTOR_SHORT[v.vector] ?? v.vector;
  if (v.status === 'sent') {
    if (v.phase === 'travel') return name;
    return `${name} pending ${formatNs(v.waitedNs)}${reason ? ` · ${reason}` : ''}`;
  }
  if (v.status === 'handled') return `${name} handled in ${formatNs(v.waitedNs)}`;
  if (v.status === 'coalesced') return `${name} coalesced`;
  return `${name} dropped: port closed`;
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

function quadPath(ctx: Ctx, q: Quad): void {
  ctx.beginPath();
  ctx.moveTo(q.p0.x, q.p0.y);
  ctx.quadraticCurveTo(q.c.x, q.c.y, q.p1.x, q.p1.y);
}

function headPath(ctx: Ctx, tip: Pt, dir: Pt, size: number): void {
  const [a, b, c] = arrowHeadPoints(tip, dir, size);
  ctx.beginPath();
  ctx.moveTo(a.x, a.y);
  ctx.lineTo(b.x, b.y);
  ctx.lineTo(c.x, c.y);
  ctx.closePath();
}

function cross(ctx: Ctx, c: Pt, s: number, color: string, width: number): void {
  ctx.beginPath();
  ctx.moveTo(c.x - s, c.y - s);
  ctx.lineTo(c.x + s, c.y + s);
  ctx.moveTo(c.x - s, c.y + s);
  ctx.lineTo(c.x + s, c.y - s);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash([]);
  ctx.stroke();
}

interface SingleGeo {
  v: ArrowView;
  q: Quad;
  color: string;
  dash: number[];
  width: number;
  head: number;
  label: string;
  badge: string;
}

function drawSingle(ctx: Ctx, d: SingleGeo, p: number, alpha: number, pal: Palette, lw: number, f: number, ring: number, light = false): void {
  if (alpha < 0.02) return;
  const v = d.v;
  ctx.globalAlpha = alpha;
  ctx.lineCap = 'round';
  const part = quadHead(d.q, Math.max(0.001, p));
  if (!light) {
    // the whole path, faint: where it is going
    quadPath(ctx, d.q);
    ctx.strokeStyle = d.color;
    ctx.lineWidth = d.width * 0.7;
    ctx.setLineDash(d.dash);
    ctx.globalAlpha = alpha * 0.22;
    ctx.stroke();
    // the travelled part over a halo
    quadPath(ctx, part);
    ctx.setLineDash([]);
    ctx.strokeStyle = pal.panel;
    ctx.lineWidth = d.width + 4;
    ctx.globalAlpha = alpha * 0.9;
    ctx.stroke();
    ctx.globalAlpha = alpha;
  }
  quadPath(ctx, part);
  ctx.setLineDash(d.dash);
  ctx.strokeStyle = d.color;
  ctx.lineWidth = d.width;
  ctx.stroke();
  ctx.setLineDash([]);
  const tip = quadAt(d.q, p);
  const dir = quadTangent(d.q, Math.max(0.001, p));
  if (v.status === 'dropped') cross(ctx, tip, d.head * 0.55, pal.danger, d.width * 1.3);
  else {
    headPath(ctx, tip, dir, d.head);
    ctx.fillStyle = v.status === 'coalesced' ? pal.panel : d.color;
    ctx.fill();
    ctx.strokeStyle = d.color;
    ctx.lineWidth = v.status === 'coalesced' ? d.width * 0.9 : 1;
    ctx.stroke();
  }
  if (v.phase === 'waiting' || d.badge) {
    ctx.beginPath();
    ctx.arc(tip.x, tip.y, d.head * 1.05, 0, Math.PI * 2);
    ctx.strokeStyle = d.color;
    ctx.lineWidth = lw;
    ctx.setLineDash([3, 3]);
    ctx.globalAlpha = alpha * (v.phase === 'waiting' ? ring : 1);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = alpha;
  }
  const len = Math.hypot(dir.x, dir.y) || 1;
  if (d.label) {
    // Words sit on the outside of the bend, next to the head.
    const nx = -dir.y / len;
    const ny = dir.x / len;
    const off = d.head * 1.6;
    ctx.font = `700 ${Math.round(f * 0.8)}px ${FONT_FAMILY}`;
    ctx.textAlign = Math.abs(nx) > 0.6 ? (nx > 0 ? 'left' : 'right') : 'center';
    ctx.textBaseline = ny > 0.3 ? 'top' : ny < -0.3 ? 'alphabetic' : 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 4;
    ctx.strokeStyle = pal.panel;
    ctx.strokeText(d.label, tip.x + nx * off, tip.y + ny * off);
    ctx.fillStyle = pal.fg;
    ctx.fillText(d.label, tip.x + nx * off, tip.y + ny * off);
  }
  if (d.badge) {
    // On the arrow itself, just behind the head: it reads as "this arrow counts ×n".
    const qlen = Math.hypot(d.q.p1.x - d.q.p0.x, d.q.p1.y - d.q.p0.y) || 1;
    const back = quadAt(d.q, Math.max(0, p - (d.head * 2.6) / qlen));
    const w = d.head * 2.6;
    const h = d.head * 1.7;
    ctx.beginPath();
    ctx.roundRect(back.x - w / 2, back.y - h / 2, w, h, h / 3);
    ctx.fillStyle = pal.panel;
    ctx.fill();
    ctx.strokeStyle = d.color;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.font = `800 ${Math.round(f * 0.8)}px ${FONT_FAMILY}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = pal.fg;
    ctx.fillText(d.badge, back.x, back.y + 0.5);
  }
  ctx.globalAlpha = 1;
}

interface BranchGeo {
  v: ArrowView;
  q: Quad;
  at: Pt | null;
  markR: number;
}

interface BundleGeo {
  b: Bundle;
  trunk: Quad;
  hub: Pt;
  color: string;
  dash: number[];
  width: number;
  branches: BranchGeo[];
  head: number;
}

function drawBranch(ctx: Ctx, g: BundleGeo, x: BranchGeo, p: number, alpha: number, pal: Palette, lw: number): void {
  if (alpha < 0.02) return;
  const v = x.v;
  ctx.globalAlpha = alpha;
  const width = lw * 1.1;
  quadPath(ctx, quadHead(x.q, Math.max(0.001, p)));
  ctx.strokeStyle = g.color;
  ctx.lineWidth = width;
  ctx.setLineDash(g.dash);
  ctx.lineCap = 'round';
  ctx.stroke();
  ctx.setLineDash([]);
  const tip = quadAt(x.q, p);
  const dir = quadTangent(x.q, Math.max(0.001, p));
  if (v.status === 'dropped') cross(ctx, tip, 4, pal.danger, width);
  else {
    headPath(ctx, tip, dir, g.head * 0.8);
    ctx.fillStyle = v.status === 'sent' || v.status === 'coalesced' ? pal.panel : g.color;
    ctx.fill();
    ctx.strokeStyle = g.color;
    ctx.lineWidth = width;
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

/**
 * The marks of a big bundle's targets (a downward head on each target tile: filled when
 * handled, hollow while pending; a cross when dropped), batched into one path per kind
 * and opacity step: a broadcast to 127 CPUs is a handful of paths, not 254.
 */
function drawMarks(ctx: Ctx, g: BundleGeo, branches: readonly [BranchGeo, number, number][], k: number, pal: Palette, lw: number): void {
  const groups = new Map<string, { path: SvgPath; kind: string; alpha: number }>();
  for (const [x, , op] of branches) {
    if (!x.at) continue;
    const a = op * k;
    if (a < 0.02) continue;
    const alpha = Math.ceil(a * 8) / 8;
    const kind = x.v.status === 'dropped' ? 'd' : x.v.status === 'handled' ? 'h' : 'p';
    const key = kind + alpha;
    let grp = groups.get(key);
    if (!grp) groups.set(key, (grp = { path: new SvgPath(), kind, alpha }));
    const c = x.at;
    const r = x.markR;
    if (kind === 'd') {
      grp.path.moveTo(c.x - r, c.y - r);
      grp.path.lineTo(c.x + r, c.y + r);
      grp.path.moveTo(c.x - r, c.y + r);
      grp.path.lineTo(c.x + r, c.y - r);
    } else {
      grp.path.moveTo(c.x - r, c.y - r * 0.9);
      grp.path.lineTo(c.x + r, c.y - r * 0.9);
      grp.path.lineTo(c.x, c.y + r * 0.9);
      grp.path.closePath();
    }
  }
  ctx.setLineDash([]);
  ctx.lineWidth = Math.max(1.5, lw);
  for (const grp of groups.values()) {
    ctx.globalAlpha = grp.alpha;
    if (grp.kind === 'd') {
      ctx.strokeStyle = pal.danger;
      ctx.stroke(grp.path);
      continue;
    }
    ctx.fillStyle = grp.kind === 'h' ? g.color : pal.panel;
    ctx.fill(grp.path);
    ctx.strokeStyle = g.color;
    ctx.stroke(grp.path);
  }
  ctx.globalAlpha = 1;
}

function drawTrunk(ctx: Ctx, g: BundleGeo, p: number, alpha: number, pal: Palette, lw: number): void {
  if (alpha < 0.02) return;
  ctx.globalAlpha = alpha;
  ctx.lineCap = 'round';
  const q = p >= 1 ? g.trunk : quadHead(g.trunk, Math.max(0.001, p));
  quadPath(ctx, q);
  ctx.strokeStyle = pal.panel;
  ctx.lineWidth = g.width + 5;
  ctx.setLineDash([]);
  ctx.stroke();
  ctx.strokeStyle = g.color;
  ctx.lineWidth = g.width;
  ctx.setLineDash(g.dash);
  ctx.stroke();
  ctx.setLineDash([]);
  if (p >= 1) {
    ctx.beginPath();
    ctx.arc(g.hub.x, g.hub.y, g.width * 0.9, 0, Math.PI * 2);
    ctx.fillStyle = pal.panel;
    ctx.fill();
    ctx.strokeStyle = g.color;
    ctx.lineWidth = lw * 1.5;
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

/** Single arrows to draw when there are more than `max`: in-flight first, then the newest. */
export function capSingles(singles: readonly ArrowView[], max: number): ArrowView[] {
  if (singles.length <= max) return singles.slice();
  // (Not by opacity: fading arrows would swap in and out of the picture every frame.)
  const sorted = singles.slice().sort((a, b) => (a.status === 'sent' ? 0 : 1) - (b.status === 'sent' ? 0 : 1) || b.id - a.id);
  return sorted.slice(0, max).sort((a, b) => a.id - b.id);
}

/** The accessible names of what is drawn: one per single arrow, per bundle and per bundle member. */
export function arrowNames(singles: readonly ArrowView[], bundles: readonly Bundle[]): { key: string; name: string }[] {
  const out: { key: string; name: string }[] = [];
  for (const v of singles) out.push({ key: `a${v.id}`, name: arrowName(v) });
  for (const b of bundles) {
    out.push({ key: `b${b.key}`, name: bundleName(b) });
    for (const m of b.members) out.push({ key: `m${m.id}`, name: arrowName(m) });
  }
  return out;
}

const sameNames = (a: { key: string; name: string }[], b: { key: string; name: string }[]) =>
  a.length === b.length && a.every((x, i) => x.key === b[i].key && x.name === b[i].name);

const Names = memo(function Names({ names }: { names: { key: string; name: string }[] }) {
  return (
    <div className="xs-vh xs-arrow-names" role="group" aria-label="IPIs">
      {names.map((n) => (
        <span key={n.key} role="img" aria-label={n.name} />
      ))}
    </div>
  );
});

export function ArrowLayer(props: ArrowLayerProps) {
  const group = useRef<SVGGElement>(null);
  const painter = useRef(new SvgPainter());
  const live = useRef(props);
  live.current = props;
  const lives = useRef(new Map<string, Life>());
  const ghosts = useRef<Ghost[]>([]);
  const lastDrawn = useRef(new Map<string, Ghost['draw']>());
  const lastDraw = useRef(-Infinity);
  const gen = useRef(0);
  const W = Math.max(1, Math.round(props.width));
  const H = Math.max(1, Math.round(props.height));

  const singles = capSingles(props.singles, props.maxSingles ?? Infinity);
  const bundles = props.bundles.length > (props.maxBundles ?? Infinity) ? props.bundles.slice().sort((a, b) => a.members[0].id - b.members[0].id).slice(-(props.maxBundles ?? 0)) : props.bundles;
  // A big stage's list is long (a broadcast names each of its targets): it follows less often.
  const namesNow = useCalmLazy(() => arrowNames(singles, bundles), props.playing, props.light ? 1000 : CALM_MS, sameNames);
  // Rendered in a deferred pass: a seek answers its input with the picture first.
  const names = useDeferredValue(namesNow);
  const visible = useRef({ singles, bundles });
  visible.current = { singles, bundles };

  /** Draws the frame at `now`; returns true while something still moves. */
  const draw = (now: number): boolean => {
    const p = live.current;
    const layer = group.current;
    if (!layer) return false;
    const ctx = painter.current;
    lastDraw.current = now;
    const animate = p.playing && !p.reducedMotion;
    const lw = p.lineWidth;
    const f = p.fontSize;
    const head = Math.max(7, f * 0.62 + lw);
    const pal = p.pal;
    const light = !!p.light;
    ctx.alphaSteps = light ? 6 : 16;
    const ring = animate && !light ? 0.65 + 0.35 * Math.cos((2 * Math.PI * now) / 1000) : 1;
    const { singles, bundles } = visible.current;
    let moving = false;
    const seen = ++gen.current;
    const drawnNow = new Map<string, Ghost['draw']>();

    const life = (key: string): Life => {
      let l = lives.current.get(key);
      if (!l) {
        // Light: no real-time travel or fade; arrows change only when the picture does.
        l = { enterAt: now, travels: animate && !light, seen };
        lives.current.set(key, l);
      }
      l.seen = seen;
      return l;
    };
    /** Drawn progress: travelling in over ENTER_MS when it appeared while playing. */
    const shown = (l: Life, target: number): number => {
      if (!l.travels || !animate || target <= 0.05) return target;
      const k = (now - l.enterAt) / ENTER_MS;
      if (k >= 1) return target;
      moving = true;
      return target * easeCubicInOut(Math.max(0, k));
    };
    /** The real-time fade of a finished arrow while playing (1 paused). */
    const fade = (l: Life, finished: boolean): number => {
      if (light) return 1;
      if (!finished) {
        l.doneAt = undefined;
        return 1;
      }
      if (l.doneAt === undefined) l.doneAt = now;
      if (!p.playing) return 1;
      const k = (now - l.doneAt - ENTER_MS * 0.5) / FADE_REAL_MS;
      if (p.reducedMotion) return k < 1 ? 1 : 0;
      if (k < 1) moving = true;
      const a = Math.max(0, Math.min(1, 1 - k));
      return a;
    };

    // ghosts first (underneath)
    ghosts.current = ghosts.current.filter((g) => {
      const k = (now - g.at - g.delay) / FADE_MS;
      if (k >= 1) return false;
      moving = true;
      ctx.begin(`g${g.key}`);
      g.draw(ctx, g.alpha * Math.min(1, 1 - k), now);
      return true;
    });

    // bundles
    for (const b of bundles) {
      const from = p.rectOf(b.from);
      if (!from) continue;
      const targets: Rect[] = [];
      for (const m of b.members) {
        const r = p.rectOf(m.to);
        if (r) targets.push(r);
      }
      const hub = bundleHub(from, targets);
      const start = arrowCurve(from, { x: hub.x - 1, y: hub.y - 1, w: 2, h: 2 }, 0, lw + 2).p0;
      const markers = b.members.length > BRANCH_MAX;
      const g: BundleGeo = {
        b,
        trunk: { p0: start, c: { x: (start.x + hub.x) / 2, y: (start.y + hub.y) / 2 }, p1: hub },
        hub,
        color: (pal as unknown as Record<string, string>)[b.vector] ?? pal.fg,
        dash: dashFor(b.vector, lw),
        width: lw * (1.8 + Math.log2(b.members.length) * 0.45),
        branches: [],
        head,
      };
      for (const m of b.members) {
        const r = p.rectOf(m.to);
        if (!r) continue;
        const tip = borderTowards(r, hub);
        const markR = Math.max(4, Math.min(r.w, r.h) * 0.16);
        g.branches.push({
          v: m,
          q: { p0: hub, c: { x: (hub.x + tip.x) / 2, y: (hub.y + tip.y) / 2 }, p1: tip },
          at: markers ? { x: r.x + r.w - markR - 3, y: r.y + markR + 3 } : null,
          markR,
        });
      }
      const bl = life(`b${b.key}`);
      const done = b.members.every((m) => m.status !== 'sent');
      const alive = done ? fade(bl, true) * Math.max(...b.members.map((m) => m.opacity)) : (fade(bl, false), 1);
      const tp = bl.travels && animate && !light ? Math.min(1, (now - bl.enterAt) / ENTER_MS) : 1;
      if (tp < 1) moving = true;
      const branchDraws: [BranchGeo, number, number][] = [];
      for (const x of g.branches) {
        const l = life(`m${x.v.id}`);
        // Light: every mark of a bundle fades with the bundle (a few paths that change
        // when a target's status does, not one opacity step per target per frame).
        const op = light && x.at ? 1 : x.v.status === 'sent' ? (fade(l, false), 1) : fade(l, true) * Math.max(0.25, x.v.opacity);
        const pr = x.at ? x.v.progress : shown(l, x.v.progress);
        branchDraws.push([x, pr, op]);
      }
      const paint = (cx: Ctx, k: number) => {
        drawMarks(cx, g, branchDraws, alive * k, pal, lw);
        for (const [x, pr, op] of branchDraws) if (!x.at) drawBranch(cx, g, x, pr, op * alive * k, pal, lw);
        drawTrunk(cx, g, tp, alive * k, pal, lw);
      };
      ctx.begin(`b${b.key}`);
      paint(ctx, 1);
      drawnNow.set(`b${b.key}`, (cx, a) => paint(cx, a));
    }

    // single arrows
    for (const v of singles) {
      const a = p.rectOf(v.from);
      const b = p.rectOf(v.to);
      if (!a || !b) continue;
      // Bend to the left of the direction, unless that leaves the area (top row, edges).
      let q = arrowCurve(a, b, 0.2, -Math.max(3, lw * 2), 0.75);
      if (q.c.x < 0 || q.c.y < 0 || q.c.x > W || q.c.y > H) q = arrowCurve(a, b, 0.2, -Math.max(3, lw * 2), 0.75, -1);
      const d: SingleGeo = {
        v,
        q,
        color: (pal as unknown as Record<string, string>)[v.vector] ?? pal.fg,
        dash: dashFor(v.vector, lw),
        width: lw * 1.7,
        head,
        label: p.labels ? labelFor(v, p.reasonOf(v)) : '',
        badge: p.badges && v.merged > 0 ? `×${v.merged + 1}` : '',
      };
      const l = life(`a${v.id}`);
      const finished = v.status !== 'sent' && v.phase === 'done';
      const op = fade(l, finished) * (v.status === 'coalesced' ? Math.min(v.opacity, 0.85) : v.opacity);
      const pr = shown(l, v.progress);
      ctx.begin(`a${v.id}`);
      drawSingle(ctx, d, pr, op, pal, lw, f, ring, light);
      drawnNow.set(`a${v.id}`, (cx, k) => drawSingle(cx, d, pr, op * k, pal, lw, f, 1, light));
      if (v.phase === 'waiting' && animate && !light) moving = true;
    }

    // What was drawn last time and is gone now fades out (while playing).
    if (animate && !light) {
      for (const [key, paint] of lastDrawn.current) {
        if (drawnNow.has(key)) continue;
        const l = lives.current.get(key);
        ghosts.current.push({ key, at: now, delay: l ? Math.max(0, ENTER_MS - (now - l.enterAt)) : 0, alpha: 1, draw: paint });
        moving = true;
      }
    }
    lastDrawn.current = drawnNow;
    for (const [k, l] of lives.current) if (l.seen !== seen) lives.current.delete(k);
    ctx.flush(layer);
    return moving;
  };

  // One drawing per frame (calm.ts, drawSoon): after a render, and again every frame
  // while something moves in real time (travel, fade, pulse). Nothing runs when idle.
  const owner = useRef({});
  const frame = () => {
    if (draw(performance.now())) drawSoon(owner.current, frame);
  };
  useLayoutEffect(() => {
    drawSoon(owner.current, frame);
  });
  useEffect(() => () => cancelSoon(owner.current), []);

  return (
    <>
      <svg className="xs-layer xs-over" aria-hidden="true" width={W} height={H}>
        <g ref={group} />
      </svg>
      <Names names={names} />
    </>
  );
}
