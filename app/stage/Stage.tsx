// THE STAGE: the live picture at the playhead — vCPU cards (or tiles), the pCPUs they
// run on, IPI arrows between them, the event-channel bitmaps, and a legend. It draws
// only what StageProps gives it and reports clicks through the callbacks.

import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { cssVars, PALETTES } from '../theme/palette';
import { ArrowLayer } from './ArrowLayer';
import { arrowViews, bundleArrows, summarizeBundle, waitReason, type ArrowClock, type ArrowView } from './arrows';
import { formatNs, VECTOR_SHORT, vectorVar } from './format';
import type { StageProps, VcpuAction } from './contract';
import { Legend } from './Legend';
import { cellRect, layoutColumn, splitStage, type Rect } from './layout';
import { PcpuRow } from './PcpuRow';
import { layoutPorts, PortGrid, portsSignature } from './PortGrid';
import { groupPorts, maxAllocatedPort, type WordBits } from './ports';
import { IPI_STATUS_NAMES, lowerBound, traceIndexFor } from './traceIndex';
import { VcpuCard } from './VcpuCard';
import { vcpuView } from './vcpuView';
import { PopupRootContext } from './VcpuMenu';
import './stage.css';

/** Measures an element's content box (falls back to a desktop size where there is no ResizeObserver, e.g. jsdom). */
export function useSize<T extends HTMLElement>(fallback = { width: 1200, height: 700 }) {
  const ref = useRef<T>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => {
      const r = el.getBoundingClientRect();
      if (r.width > 0) setSize((s) => (s && s.width === Math.floor(r.width) && s.height === Math.floor(r.height) ? s : { width: Math.floor(r.width), height: Math.floor(r.height) }));
    };
    read();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size ?? fallback] as const;
}

const STATUS_RANK = { sent: 0, dropped: 1, handled: 2, coalesced: 3 } as const;

/**
 * What each vCPU card says about the IPI coming in to it (the arrow shows direction,
 * the card says what is going on in words): the most telling single arrow per target.
 */
export function inboxTexts(singles: readonly ArrowView[], reasonOf: (v: ArrowView) => string): Map<number, { text: string; vector: string }> {
  const best = new Map<number, ArrowView>();
  for (const v of singles) {
    if (v.status === 'coalesced' || (v.status !== 'sent' && v.opacity < 0.35)) continue;
    const b = best.get(v.to);
    if (!b || STATUS_RANK[v.status] < STATUS_RANK[b.status] || (v.status === b.status && v.id > b.id)) best.set(v.to, v);
  }
  const out = new Map<number, { text: string; vector: string }>();
  for (const [to, v] of best) {
    const name = `${VECTOR_SHORT[v.vector] ?? v.vector}${v.merged ? ` ×${v.merged + 1}` : ''}`;
    let text: string;
    if (v.status === 'sent') {
      const r = reasonOf(v);
      text = v.phase === 'travel' ? `${name} from ${v.from} arriving` : `${name} pending ${formatNs(v.waitedNs)}${r ? ` · ${r}` : ''}`;
    } else if (v.status === 'handled') text = `${name} handled after ${formatNs(v.waitedNs)}`;
    else text = `${name} dropped: port closed`;
    out.set(to, { text, vector: v.vector });
  }
  return out;
}

/** Section title height and the gap under the vCPU grid, in font sizes. */
const TITLE_EM = 1.45;
const PCPU_GAP_EM = 1.1;

function StageImpl(props: StageProps) {
  const { state, theme } = props;
  const pal = PALETTES[theme];
  const f = pal.fontSize;
  const lw = pal.lineWidth;
  const [rootEl, setRootEl] = useState<HTMLDivElement | null>(null);
  const [bodyRef, body] = useSize<HTMLDivElement>();
  const [hoverVcpu, setHoverVcpu] = useState<number | null>(null);

  // Stable callbacks for memoised children.
  const live = useRef(props);
  live.current = props;
  const onAction = useCallback((cpu: number, action: VcpuAction) => live.current.onVcpuAction(cpu, action), []);
  const onHover = useCallback((cpu: number | null) => setHoverVcpu(cpu), []);

  const padX = Math.round(0.8 * f) * 2;
  const split = splitStage(body.width - padX, f, body.height);
  const leftW = Math.max(120, split.leftW - 10); // room for a (thin) scrollbar
  const colH = Math.max(100, body.height - Math.round(1 * f));

  const n = Math.min(state.maxVcpus || state.vcpus.length, state.vcpus.length);
  const m = state.pcpus.length;
  // A short stage (a projector at 1280×800) gives up chrome — two-line pCPU chips, then
  // the section titles — when that buys the cards a more detailed tier.
  const colAvail = split.twoColumns ? colH : Math.max(colH * 0.55, 200);
  const column = useMemo(() => layoutColumn(n, m, leftW, colAvail, f, TITLE_EM, PCPU_GAP_EM), [n, m, leftW, colAvail, f]);
  const { grid, pcpus: pgrid, titleH, pgap } = column;
  const fs = column.fs; // the vCPU area's font size (≥ the theme's)
  const tight = !column.chrome.titles;
  const rects = useMemo(() => Array.from({ length: n }, (_, i) => cellRect(grid, i)), [grid, n]);
  const rectOf = useCallback((cpu: number): Rect | undefined => rects[cpu], [rects]);

  // --- event channels -------------------------------------------------------------
  const wordBits: WordBits = props.wordBits ?? 64;
  const groups = groupPorts(state, wordBits);
  const words = state.abi === 'fifo' ? 0 : Math.floor(maxAllocatedPort(state) / wordBits) + 1;
  const portsSig = portsSignature(groups);
  const portW = split.twoColumns ? split.rightW - 10 : leftW;
  const portH = split.twoColumns ? colH - TITLE_EM * f : Math.max(240, colH * 0.6);
  // Layout depends on the number of cells per group, not on their bits.
  const shapeKey = groups.map((g) => `${g.key}:${g.cells.map((c) => (c.allocated ? `${c.label}@${c.vcpu}` : '')).join(',')}`).join('|');
  const plen = useMemo(() => layoutPorts(groups, portW, portH, f, wordBits), [shapeKey, portW, portH, f, wordBits]); // eslint-disable-line react-hooks/exhaustive-deps

  // --- arrows ---------------------------------------------------------------------
  const ix = traceIndexFor(props.cols);
  if (ix.processed < props.cols.length) ix.update(100_000); // the diagram schedules the rest
  const clock: ArrowClock = {
    reducedMotion: props.reducedMotion,
    time: props.time,
    index: props.index,
    endIndex: (a) => {
      const id = ix.ipiBySendIndex(a.id);
      if (id >= 0 && ix.ipiEndIdx.data[id] >= 0) return ix.ipiEndIdx.data[id];
      return Math.max(0, lowerBound(props.cols.t, props.cols.length, a.tEnd));
    },
    futureEnd: (a) => {
      const id = ix.ipiBySendIndex(a.id);
      return id >= 0 && ix.ipiEndIdx.data[id] >= 0 ? ix.ipiEndT.data[id] : undefined;
    },
  };
  // NMIs all share port -1, and the fold pairs a handler run with the oldest send on its
  // port, so with NMIs to several CPUs it can finish the wrong arrow (reported as an
  // engine issue). The trace index pairs NMIs by target CPU: take their status from it.
  const arrows = state.arrows
    .filter((a) => a.from < n && a.to < n)
    .map((a) => {
      if (a.port >= 0) return a;
      const id = ix.ipiBySendIndex(a.id);
      if (id < 0) return a;
      const end = ix.ipiEndIdx.data[id];
      return end >= 0 && end < props.index
        ? { ...a, status: IPI_STATUS_NAMES[ix.ipiStatus.data[id]], tEnd: ix.ipiEndT.data[id] }
        : { ...a, status: 'sent' as const, tEnd: -1 };
    });
  const views = arrowViews(arrows, clock);
  const { singles, bundles } = bundleArrows(views, { minSize: grid.tier === 'roomy' || grid.tier === 'dense' ? 5 : 9, burstNs: 50_000 });
  const captions = bundles.map((b) => {
    const st = summarizeBundle(b);
    const parts = [st.handled ? `${st.handled} handled` : '', st.inFlight ? `${st.inFlight} pending` : '', st.coalesced ? `${st.coalesced} coalesced` : '', st.dropped ? `${st.dropped} dropped` : ''].filter(Boolean);
    return { key: b.key, vector: b.vector, text: `${VECTOR_SHORT[b.vector] ?? b.vector} from CPU ${b.from} to ${st.total} CPUs: ${parts.join(', ')}` };
  });
  const reasonOf = (v: ArrowView) => waitReason(state.vcpus[v.to], state.ports[v.port]);
  const inbox = inboxTexts(singles, reasonOf);
  const hotKey = views
    .filter((v) => v.status === 'sent')
    .map((v) => v.port)
    .sort((a, b) => a - b)
    .join(',');
  const hotPorts = useMemo(() => new Set(hotKey ? hotKey.split(',').map(Number) : []), [hotKey]);

  // --- connectors pCPU → card (few actors only) --------------------------------------
  const full = grid.tier === 'roomy' || grid.tier === 'dense';
  const pcpuTop = grid.height + pgap + titleH;
  const pcpuSig = state.pcpus.map((p) => `${p.dom}:${p.vcpu}`).join(',');
  const connectors: string[] = [];
  if (full && m <= 16) {
    state.pcpus.forEach((p, i) => {
      if (p.dom !== 'guest' || p.vcpu < 0 || p.vcpu >= n) return;
      const c = rects[p.vcpu];
      const pr = cellRect(pgrid, i);
      const x0 = pr.x + pr.w / 2;
      const y0 = pcpuTop + pr.y;
      const x1 = c.x + c.w / 2;
      const y1 = c.y + c.h;
      const my = (y0 + y1) / 2;
      connectors.push(`M${x0},${y0}C${x0},${my} ${x1},${my} ${x1},${y1}`);
    });
  }
  const areaH = pcpuTop + (m ? pgrid.height : 0) + 4;
  const areaW = Math.max(grid.width, pgrid.width, 10);

  const ended = !!(state.panic || state.shutdown);
  const style = { ...cssVars(theme) } as CSSProperties;
  const bodyStyle: CSSProperties = split.twoColumns
    ? { gridTemplateColumns: `minmax(0, 1fr) ${split.rightW}px` }
    : { display: 'block', overflow: 'auto' };
  const colStyle: CSSProperties | undefined = split.twoColumns ? undefined : { overflow: 'visible', marginBottom: '1em' };
  const classes = ['xs-stage', props.playing ? 'xs-playing' : '', props.reducedMotion ? 'xs-reduced' : ''].filter(Boolean).join(' ');
  const online = state.vcpus.slice(0, n).filter((v) => v.online).length;

  return (
    <div ref={setRootEl} className={classes} style={style} data-theme={theme}>
      <PopupRootContext.Provider value={rootEl}>
        <div ref={bodyRef} className="xs-body" style={bodyStyle}>
          <section className="xs-col" aria-labelledby="xs-vcpus-title" style={colStyle}>
            {state.panic ? (
              <p className="xs-banner" role="note">
                Guest panic: {state.panic}
              </p>
            ) : state.shutdown ? (
              <p className="xs-banner" role="note">
                Domain shut down: {state.shutdown}
              </p>
            ) : null}
            {captions.length ? (
              <div className="xs-captions" aria-hidden="true" style={!m ? undefined : { top: titleH + grid.height + (tight ? pgap : pgap * 0.6) }}>
                {captions.slice(0, 2).map((c) => (
                  <span key={c.key} className="xs-caption" style={{ borderColor: vectorVar(c.vector) }}>
                    <span style={{ color: vectorVar(c.vector) }}>⇉</span> {c.text}
                  </span>
                ))}
              </div>
            ) : null}
            <h2 className={tight ? 'xs-vh' : 'xs-section-title'} id="xs-vcpus-title">
              vCPUs <span style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 400 }}>· {n} created by Xen, {online} online in Linux</span>
            </h2>
            {n === 0 ? (
              <p className="xs-empty">No guest domain yet: Xen has not created it at this point of the run.</p>
            ) : (
              <div className="xs-vcpus" style={{ width: areaW, height: areaH, fontSize: fs }}>
                <svg className="xs-layer xs-under" width={areaW} height={areaH} aria-hidden="true">
                  {connectors.map((d, i) => (
                    <path key={i} className="xs-connector" d={d} strokeWidth={lw * 1.4} />
                  ))}
                </svg>
                {rects.map((r, i) => {
                  const v = vcpuView(state, i, words);
                  return (
                    <VcpuCard
                      key={i}
                      {...v}
                      tier={grid.tier}
                      words={grid.cellW >= 7.2 * fs}
                      x={r.x}
                      y={r.y}
                      w={r.w}
                      h={r.h}
                      linked={hoverVcpu === i}
                      inbox={inbox.get(i)?.text ?? ''}
                      inboxVector={inbox.get(i)?.vector ?? ''}
                      ended={ended}
                      onAction={onAction}
                      onHover={onHover}
                    />
                  );
                })}
                {m ? (
                  <>
                    <h2 className={tight ? 'xs-vh' : 'xs-section-title'} style={tight ? undefined : { position: 'absolute', left: 0, top: grid.height + pgap * 0.6, fontSize: 0.78 * f }}>
                      pCPUs <span style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 400 }}>· what each physical CPU runs now</span>
                    </h2>
                    <PcpuRow signature={pcpuSig} pcpus={state.pcpus} grid={pgrid} top={pcpuTop} linkedVcpu={hoverVcpu} onHover={onHover} />
                  </>
                ) : null}
                <ArrowLayer
                  singles={singles}
                  bundles={bundles}
                  rectOf={rectOf}
                  reasonOf={reasonOf}
                  width={areaW}
                  height={areaH}
                  fontSize={fs}
                  lineWidth={lw * Math.max(1, fs / f / 1.15)}
                  playing={props.playing}
                  reducedMotion={props.reducedMotion}
                  labels={false}
                  badges={full}
                />
              </div>
            )}
          </section>
          <section className="xs-col" aria-labelledby="xs-ports-title" style={colStyle}>
            <h2 className={tight ? 'xs-section-title xs-tight-title' : 'xs-section-title'} id="xs-ports-title">
              Event channels{' '}
              <span style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 400 }}>
                · {state.abi === 'fifo' ? 'FIFO ABI, by notify vCPU' : `2-level ABI, ${wordBits} ports per selector word`}
              </span>
            </h2>
            {groups.length ? (
              <PortGrid signature={portsSig} groups={groups} abi={state.abi} layout={plen} hotPorts={hotPorts} linkedVcpu={hoverVcpu} />
            ) : (
              <p className="xs-empty">No event channel allocated yet (port 0 is reserved).</p>
            )}
          </section>
        </div>
        <Legend lineWidth={lw} fifo={state.abi === 'fifo'} roomy={body.height >= 34 * f} />
      </PopupRootContext.Provider>
    </div>
  );
}

/** Props the stage does not draw: a change in them alone does not re-render it. */
const IGNORED: ReadonlySet<string> = new Set(['selectedEvent', 'hoveredEvent', 'window', 'speed', 'onSelectEvent', 'onHoverEvent', 'onWindowChange', 'onSeekTime']);

function sameStage(a: StageProps, b: StageProps): boolean {
  for (const k of Object.keys(b) as (keyof StageProps)[]) if (!IGNORED.has(k) && a[k] !== b[k]) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

/**
 * The live picture at the playhead (vCPU cards, pCPUs, IPI arrows, event channels,
 * legend). Memoised: hovering or selecting in the logs or the diagram, or zooming the
 * diagram, does not re-render it.
 */
export const Stage = memo(StageImpl, sameStage);
