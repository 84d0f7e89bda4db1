// The time-space diagram: one lane per vCPU, virtual time to the right over the shell's
// window, runstate bars, hypercall ticks, IPI arrows from send to handler, console
// marks, scenario steps and the playhead. Canvas, redrawn only when an input changed.
// Wheel / pinch zooms about the pointer, drag pans, a click seeks or selects an event,
// hovering reports the nearest event; keys: ←/→ pan, +/− zoom, 0 shows the whole run.

import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { cssVars, PALETTES } from '../theme/palette';
import type { StageProps, TimeWindow } from './contract';
import { describeEvent, laneOfEvent } from './describe';
import { firstDraw, useCalm } from './calm';
import { formatNs, formatTick } from './format';
import { hitTest, tOf, xOf, type DiagramGeometry } from './hitTest';
import { countInRange } from './lod';
import { useSize } from './Stage';
import { drawBase, drawOverlay, timeTicks, type DrawContext } from './timespaceDraw';
import { INDEX_AT_ONCE, indexInBackground, IPI_COALESCED, lowerBound, traceIndexFor, upperBound, type TraceIndex } from './traceIndex';
import { boundsFor, clampWindow, ensureVisible, panBy, wheelFactor, zoomAt } from './viewport';
import './stage.css';

/** The time ruler at the top (font sizes): a click there always seeks. */
export const RULER_EM = 1.15;

/** While a big trace is being indexed, the diagram redraws at most this often, ms. */
const INDEX_REDRAW_MS = 300;
/** While the trace grows (streaming, indexing), the base is redrawn at most this often, ms. */
const GROWTH_REDRAW_MS = 700;

export interface Geometry extends DiagramGeometry {
  totalH: number;
}

export function diagramGeometry(w: number, h: number, f: number, lanes: number, win: TimeWindow, scrollY: number): Geometry {
  const top = Math.round(f * 2.3);
  const left = Math.round(f * 4.4);
  const minLane = Math.max(7, f * 0.62);
  const maxLane = f * 2.6;
  const laneH = lanes > 0 ? Math.min(maxLane, Math.max(minLane, (h - top - 2) / lanes)) : maxLane;
  const totalH = top + lanes * laneH + 2;
  const maxScroll = Math.max(0, totalH - h);
  return {
    left,
    width: Math.max(10, w - left - 8),
    top,
    laneH,
    scrollY: Math.min(Math.max(0, scrollY), maxScroll),
    lanes,
    t0: win.t0,
    t1: win.t1 > win.t0 ? win.t1 : win.t0 + 1,
    totalH,
  };
}

/** A sentence for screen readers: what the visible window shows. */
export function windowSummary(ix: TraceIndex, g: DiagramGeometry, endT: number, time: number): string {
  return `${windowContents(ix, g, endT)} ${playheadWords(time)}`;
}

export function playheadWords(time: number): string {
  return `Playhead at ${formatNs(time)}. Keys: left and right arrows pan, plus and minus zoom, 0 shows the whole run.`;
}

/** What the window shows (without the playhead): O(lanes + IPIs in view), memoised by the caller. */
export function windowContents(ix: TraceIndex, g: DiagramGeometry, endT: number): string {
  let hc = 0;
  let con = 0;
  for (const L of ix.lanes) {
    hc += countInRange(L.hcT.data, L.hcT.length, g.t0, g.t1);
    con += countInRange(L.conT.data, L.conT.length, g.t0, g.t1);
  }
  const lo = lowerBound(ix.ipiSendT.data, ix.ipiCount, g.t0);
  const hi = upperBound(ix.ipiSendT.data, ix.ipiCount, g.t1);
  let coalesced = 0;
  for (let i = lo; i < hi; i++) if (ix.ipiStatus.data[i] === IPI_COALESCED) coalesced++;
  const steps = countInRange(ix.stepT.data, ix.stepT.length, g.t0, g.t1);
  return (
    `Showing ${formatNs(Math.max(0, g.t0))} to ${formatNs(g.t1)} of a ${formatNs(endT)} run, ${g.lanes} vCPU lanes. ` +
    `In view: ${hc} hypercalls, ${hi - lo} IPIs${coalesced ? ` (${coalesced} coalesced)` : ''}, ${con} console lines, ${steps} scenario steps.`
  );
}

export function TimeSpace(props: StageProps) {
  const pal = PALETTES[props.theme];
  const f = pal.fontSize;
  const [boxRef, size] = useSize<HTMLDivElement>({ width: 1000, height: 280 });
  const scrollRef = useRef<HTMLDivElement>(null);
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overRef = useRef<HTMLCanvasElement>(null);
  const focusRef = useRef<HTMLDivElement>(null);
  const [scrollY, setScrollY] = useState(0);
  const [indexTick, setIndexTick] = useState(0);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const summaryId = useId();

  const live = useRef(props);
  live.current = props;

  // The shared index, extended as the trace grows (never a full rescan): a small trace
  // at once, a big one in background slices of a few ms; the diagram redraws when it
  // has caught up, and every INDEX_REDRAW_MS meanwhile.
  const ix = traceIndexFor(props.cols);
  if (ix.processed < props.cols.length && props.cols.length <= INDEX_AT_ONCE) ix.update();
  useEffect(() => {
    let last = performance.now();
    return indexInBackground(ix, () => {
      const now = performance.now();
      if (ix.processed >= ix.cols.length || now - last >= INDEX_REDRAW_MS) {
        last = now;
        setIndexTick((n) => n + 1);
      }
    });
  }, [ix, props.traceVersion]);
  void indexTick;

  const lanes = Math.max(ix.laneCount, 1);
  const bounds = boundsFor(0, Math.max(props.endTime, ix.lastT));
  const win = clampWindow(props.window, bounds);
  const g = diagramGeometry(size.width, size.height, f, lanes, win, scrollY);
  const geo = useRef(g);
  geo.current = g;

  // --- drawing: base when its inputs change, overlay when the playhead or highlight does
  const dpr = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1;
  // What the next frame draws with: always the latest render's values.
  const frame = useRef({ size, ix, cols: props.cols, pal, f, dpr });
  frame.current = { size, ix, cols: props.cols, pal, f, dpr };
  const ctxOf = (c: HTMLCanvasElement | null): DrawContext | null => {
    if (!c) return null;
    const fr = frame.current;
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = c.getContext('2d');
    } catch {
      ctx = null;
    }
    if (!ctx) return null;
    ctx.setTransform(fr.dpr, 0, 0, fr.dpr, 0, 0);
    return { ctx, w: fr.size.width, h: fr.size.height, g: geo.current, ix: fr.ix, cols: fr.cols, pal: fr.pal, f: fr.f, lw: fr.pal.lineWidth };
  };

  // One animation frame draws whatever became dirty since the last one. (Cancelling and
  // re-requesting a frame on every render would starve it while the shell re-renders
  // every frame during playback.)
  const dirty = useRef({ base: true, over: true });
  const rafId = useRef(0);
  const started = useRef(false);
  const schedule = useCallback(() => {
    if (rafId.current) return;
    const frame = () => {
      rafId.current = 0;
      if (dirty.current.base) {
        dirty.current.base = false;
        const d = ctxOf(baseRef.current);
        if (d) {
          const t0 = performance.now();
          drawBase(d);
          // How long the last full redraw took (ms): for performance checks, not shown.
          focusRef.current?.setAttribute('data-draw-ms', (performance.now() - t0).toFixed(1));
        }
      }
      if (dirty.current.over) {
        dirty.current.over = false;
        const d = ctxOf(overRef.current);
        if (d) drawOverlay(d, { hovered: live.current.hoveredEvent, selected: live.current.selectedEvent });
      }
    };
    if (started.current) {
      rafId.current = requestAnimationFrame(frame);
      return;
    }
    // The first draw sets the canvases up with the compositor: a task of its own.
    started.current = true;
    rafId.current = -1;
    firstDraw(frame);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => cancelAnimationFrame(Math.max(0, rafId.current)), []);

  useLayoutEffect(() => {
    for (const c of [baseRef.current, overRef.current]) {
      if (!c) continue;
      const W = Math.max(1, Math.round(size.width * dpr));
      const H = Math.max(1, Math.round(size.height * dpr));
      if (c.width !== W) c.width = W;
      if (c.height !== H) c.height = H;
      c.style.width = `${size.width}px`;
      c.style.height = `${size.height}px`;
    }
  }, [size.width, size.height, dpr]);

  // What the base shows: a change of view (window, size, scroll, theme) redraws it in the
  // next frame; the trace growing (streaming, indexing) at most every GROWTH_REDRAW_MS.
  const viewKey = `${g.t0}|${g.t1}|${size.width}x${size.height}|${g.scrollY}|${g.laneH}|${props.theme}|${dpr}`;
  const dataKey = `${props.traceVersion}|${ix.processed}`;
  const lastBase = useRef({ view: '', data: '', at: -Infinity });
  const latestKeys = useRef({ view: viewKey, data: dataKey });
  latestKeys.current = { view: viewKey, data: dataKey };
  const growthTimer = useRef<ReturnType<typeof setTimeout> | 0>(0);
  useLayoutEffect(() => {
    const lb = lastBase.current;
    if (lb.view === viewKey && lb.data === dataKey) return;
    const redraw = () => {
      lastBase.current = { view: viewKey, data: dataKey, at: performance.now() };
      dirty.current.base = true;
      dirty.current.over = true;
      schedule();
    };
    if (lb.view !== viewKey) {
      if (growthTimer.current) clearTimeout(growthTimer.current);
      growthTimer.current = 0;
      redraw();
      return;
    }
    if (growthTimer.current) return;
    const wait = GROWTH_REDRAW_MS - (performance.now() - lb.at);
    if (wait <= 0) redraw();
    else
      growthTimer.current = setTimeout(() => {
        // Draws what the latest render saw (the frame reads the latest values).
        growthTimer.current = 0;
        lastBase.current = { ...latestKeys.current, at: performance.now() };
        dirty.current.base = true;
        dirty.current.over = true;
        schedule();
      }, wait);
  }, [viewKey, dataKey, schedule]);
  useEffect(() => () => {
    if (growthTimer.current) clearTimeout(growthTimer.current);
  }, []);

  const overKey = `${props.hoveredEvent}|${props.selectedEvent}`;
  useLayoutEffect(() => {
    dirty.current.over = true;
    schedule();
  }, [overKey, schedule]);

  // --- keeping the linked event in view -----------------------------------------------
  const ownHover = useRef<number | null>(null);
  const reveal = useCallback(
    (i: number | null) => {
      const p = live.current;
      if (i === null || i < 0 || i >= p.cols.length) return;
      const e = p.cols.get(i);
      const w = ensureVisible(clampWindow(p.window, bounds), e.t, 0.04, bounds);
      if (w.t0 !== p.window.t0 || w.t1 !== p.window.t1) p.onWindowChange(w);
      const lane = laneOfEvent(e);
      const sc = scrollRef.current;
      const G = geo.current;
      if (lane >= 0 && sc) {
        const y = G.top + lane * G.laneH;
        if (y - G.top < sc.scrollTop || y + G.laneH > sc.scrollTop + size.height) sc.scrollTop = Math.max(0, y - G.top - (size.height - G.top) / 2);
      }
    },
    [bounds.max, size.height], // eslint-disable-line react-hooks/exhaustive-deps
  );
  useEffect(() => reveal(props.selectedEvent), [props.selectedEvent]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (props.hoveredEvent !== ownHover.current) reveal(props.hoveredEvent);
  }, [props.hoveredEvent]); // eslint-disable-line react-hooks/exhaustive-deps

  // --- input ------------------------------------------------------------------------
  const drag = useRef<{ x: number; y: number; win: TimeWindow; moved: boolean; id: number } | null>(null);
  const pinch = useRef(new Map<number, { x: number; y: number }>());
  const pinchStart = useRef<{ dist: number; win: TimeWindow; mid: number } | null>(null);

  const setWindow = (w: TimeWindow) => {
    const p = live.current;
    if (w.t0 !== p.window.t0 || w.t1 !== p.window.t1) p.onWindowChange(w);
  };
  const local = (e: { clientX: number; clientY: number }) => {
    const r = focusRef.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const hover = (x: number, y: number) => {
    const hit = hitTest(ix, geo.current, x, y, Math.max(5, f * 0.45));
    const idx = hit ? hit.index : null;
    if (idx !== ownHover.current) {
      ownHover.current = idx;
      live.current.onHoverEvent(idx);
    }
    setTip(hit ? { x, y, text: describeEvent(live.current.cols.get(hit.index)) } : null);
  };

  useEffect(() => {
    const el = focusRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const G = geo.current;
      const p = live.current;
      const w = clampWindow(p.window, bounds);
      if (e.shiftKey && Math.abs(e.deltaY) > Math.abs(e.deltaX)) {
        if (scrollRef.current) scrollRef.current.scrollTop += e.deltaY;
        return;
      }
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        setWindow(panBy(w, (e.deltaX / G.width) * (w.t1 - w.t0), bounds));
        return;
      }
      const r = el.getBoundingClientRect();
      const anchor = tOf(G, e.clientX - r.left);
      setWindow(zoomAt(w, anchor, wheelFactor(e.deltaY * (e.ctrlKey ? 2.5 : 1), e.deltaMode), bounds));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }); // re-bound every render: it reads `bounds`

  const onPointerDown = (e: React.PointerEvent) => {
    const { x, y } = local(e);
    pinch.current.set(e.pointerId, { x, y });
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    if (pinch.current.size === 2) {
      const [a, b] = [...pinch.current.values()];
      pinchStart.current = { dist: Math.abs(a.x - b.x) || 1, win: clampWindow(live.current.window, bounds), mid: tOf(geo.current, (a.x + b.x) / 2) };
      drag.current = null;
      return;
    }
    drag.current = { x, y, win: clampWindow(live.current.window, bounds), moved: false, id: e.pointerId };
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const { x, y } = local(e);
    if (pinch.current.has(e.pointerId)) pinch.current.set(e.pointerId, { x, y });
    if (pinchStart.current && pinch.current.size === 2) {
      const [a, b] = [...pinch.current.values()];
      const ps = pinchStart.current;
      setWindow(zoomAt(ps.win, ps.mid, ps.dist / (Math.abs(a.x - b.x) || 1), bounds));
      return;
    }
    const d = drag.current;
    if (d && d.id === e.pointerId) {
      if (!d.moved && Math.hypot(x - d.x, y - d.y) > 4) {
        d.moved = true;
        setDragging(true);
        setTip(null);
      }
      if (d.moved) {
        const span = d.win.t1 - d.win.t0;
        setWindow(panBy(d.win, (-(x - d.x) / geo.current.width) * span, bounds));
        if (scrollRef.current && Math.abs(y - d.y) > 8) scrollRef.current.scrollTop -= e.movementY || 0;
        return;
      }
    }
    hover(x, y);
  };
  const onPointerUp = (e: React.PointerEvent) => {
    pinch.current.delete(e.pointerId);
    if (pinch.current.size < 2) pinchStart.current = null;
    const d = drag.current;
    drag.current = null;
    setDragging(false);
    if (!d || d.id !== e.pointerId || d.moved) return;
    const { x, y } = local(e);
    const G = geo.current;
    if (x < G.left) return;
    const p = live.current;
    // The time ruler always seeks; below it a click on a mark selects that event.
    const hit = y < RULER_EM * f ? null : hitTest(ix, G, x, y, Math.max(5, f * 0.45));
    if (hit) p.onSelectEvent(hit.index);
    else p.onSeekTime(Math.min(Math.max(0, tOf(G, x)), p.endTime));
  };
  const onPointerLeave = () => {
    setTip(null);
    if (ownHover.current !== null) {
      ownHover.current = null;
      live.current.onHoverEvent(null);
    }
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const w = clampWindow(live.current.window, bounds);
    const span = w.t1 - w.t0;
    const mid = (w.t0 + w.t1) / 2;
    let next: TimeWindow | null = null;
    if (e.key === 'ArrowLeft') next = panBy(w, -span * 0.15, bounds);
    else if (e.key === 'ArrowRight') next = panBy(w, span * 0.15, bounds);
    else if (e.key === '+' || e.key === '=') next = zoomAt(w, live.current.time >= w.t0 && live.current.time <= w.t1 ? live.current.time : mid, 0.6, bounds);
    else if (e.key === '-' || e.key === '_') next = zoomAt(w, mid, 1 / 0.6, bounds);
    else if (e.key === '0') next = clampWindow({ t0: bounds.min, t1: bounds.max }, bounds);
    else if (e.key === 'Home') next = clampWindow({ t0: bounds.min, t1: bounds.min + span }, bounds);
    else if (e.key === 'End') next = clampWindow({ t0: bounds.max - span, t1: bounds.max }, bounds);
    else if (e.key === 'PageDown' && scrollRef.current) scrollRef.current.scrollTop += size.height * 0.8;
    else if (e.key === 'PageUp' && scrollRef.current) scrollRef.current.scrollTop -= size.height * 0.8;
    else return;
    // Ours: the shell's global keys (step, speed) must not also act on it.
    e.preventDefault();
    e.stopPropagation();
    if (next) setWindow(next);
  };

  // The text alternative: what is in view (recomputed when the view or the trace changes)
  // and the playhead (a few times a second while playing).
  const contents = useMemo(() => windowContents(ix, g, bounds.max), [ix, g.t0, g.t1, g.lanes, bounds.max, ix.processed]); // eslint-disable-line react-hooks/exhaustive-deps
  const calmTime = useCalm(props.time, props.playing);
  const summary = `${contents} ${playheadWords(calmTime)}`;
  const themeStyle = useMemo(() => cssVars(props.theme) as React.CSSProperties, [props.theme]);

  // The playhead and the veil over the part not played yet: DOM layers moved with a
  // transform (no canvas redraw per frame).
  // Whole device pixels: at 1× a zoomed-out playhead moves a few pixels a second, and a
  // layer that has not moved costs nothing.
  const px = Math.round(xOf(g, props.time) * dpr) / dpr;
  const inPlot = px >= g.left - 1 && px <= g.left + g.width + 1;
  const veilX = Math.min(Math.max(px - g.left, 0), g.width);
  const ticks = useMemo(() => timeTicks(g), [g.t0, g.t1, g.width]); // eslint-disable-line react-hooks/exhaustive-deps
  const headLabel = ticks.length > 1 ? formatTick(props.time, (ticks[1] - ticks[0]) / 10) : formatNs(props.time);
  const labelW = Math.round(headLabel.length * 0.74 * f * 0.62 + 10);
  const labelX = Math.min(Math.max(px - labelW / 2, g.left), size.width - labelW);
  const tipStyle = tip
    ? {
        left: Math.min(tip.x + 14, Math.max(0, size.width - 360)),
        top: tip.y + 18 + (tip.y > size.height - 80 ? -70 : 0),
      }
    : undefined;

  return (
    <div ref={boxRef} className="xs-ts" style={themeStyle} data-theme={props.theme}>
      <div ref={scrollRef} className="xs-ts-scroll" onScroll={(e) => setScrollY((e.target as HTMLElement).scrollTop)}>
        <div style={{ height: g.totalH, position: 'relative' }}>
          <div className="xs-ts-sticky" style={{ height: size.height, width: size.width }}>
            <canvas ref={baseRef} aria-hidden="true" />
            <div className="xs-ts-veilclip" aria-hidden="true" style={{ left: g.left, top: g.top, width: g.width, height: Math.max(0, size.height - g.top) }}>
              <div className="xs-ts-veil" style={{ transform: `translateX(${veilX}px)` }} />
            </div>
            <canvas ref={overRef} aria-hidden="true" />
            {inPlot ? (
              <>
                <div
                  className="xs-ts-playhead"
                  aria-hidden="true"
                  style={{ top: g.top - 4, height: Math.max(0, size.height - g.top + 4), width: Math.max(2, pal.lineWidth * 1.4), transform: `translateX(${px - Math.max(2, pal.lineWidth * 1.4) / 2}px)` }}
                />
                <div className="xs-ts-headlabel" aria-hidden="true" style={{ width: labelW, height: Math.round(f * 1.05), transform: `translateX(${labelX}px)`, fontSize: Math.round(f * 0.74) }}>
                  {headLabel}
                </div>
              </>
            ) : null}
            <div
              ref={focusRef}
              className="xs-ts-focus"
              role="img"
              aria-label="Time-space diagram"
              aria-describedby={summaryId}
              tabIndex={0}
              data-drag={dragging ? '1' : '0'}
              data-t0={g.t0}
              data-t1={g.t1}
              data-plot-left={g.left}
              data-plot-width={g.width}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={onPointerUp}
              onPointerLeave={onPointerLeave}
              onKeyDown={onKeyDown}
            />
            {tip ? (
              <div className="xs-ts-tip" style={tipStyle} aria-hidden="true">
                {tip.text}
              </div>
            ) : null}
          </div>
        </div>
      </div>
      <p id={summaryId} className="xs-vh">
        {summary}
      </p>
    </div>
  );
}
