// THE STAGE: the live picture at the playhead — vCPU cards (or tiles), the pCPUs they
// run on, IPI arrows between them, the event-channel bitmaps, and a legend. It draws
// only what StageProps gives it and reports clicks through the callbacks.

import { memo, useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { cssVars, PALETTES } from '../theme/palette';
import { ArrowLayer } from './ArrowLayer';
import { bundleArrows, summarizeBundle, waitReason, type ArrowView } from './arrows';
import { arrowsAt } from './arrowsAt';
import { formatNs, VECTOR_SHORT, vectorVar } from './format';
import type { StageProps, VcpuAction } from './contract';
import { Legend } from './Legend';
import { cellRect, layoutColumn, splitStage, type Rect, type StageSplit } from './layout';
import { PcpuRow } from './PcpuRow';
import { layoutPorts, PortGrid, portsSignature } from './PortGrid';
import { groupPorts, maxAllocatedPort, type WordBits } from './ports';
import { CALM_MS, useCalm, useCalmLazy } from './calm';
import type { TileView } from './tileDraw';
import { INDEX_AT_ONCE, kick, traceIndexFor } from './traceIndex';
import { VcpuCard } from './VcpuCard';
import { VcpuTiles, type TileA11y } from './VcpuTiles';
import { menuItems, vcpuSummary, vcpuView, type MenuItem, type VcpuView } from './vcpuView';
import { PopupRootContext } from './VcpuMenu';
import './stage.css';

/** Measures an element's content box (falls back to a desktop size where there is no ResizeObserver, e.g. jsdom). */
export function useSize<T extends HTMLElement>(fallback = { width: 1200, height: 700 }) {
  const ref = useRef<T>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const set = (width: number, height: number) => {
      if (width > 0) setSize((s) => (s && s.width === Math.floor(width) && s.height === Math.floor(height) ? s : { width: Math.floor(width), height: Math.floor(height) }));
    };
    // Where there is a ResizeObserver, its first report comes after the page's own
    // layout (no forced layout on mount); elsewhere (a test DOM) measure at once.
    if (typeof ResizeObserver === 'undefined') {
      const r = el.getBoundingClientRect();
      set(r.width || fallback.width, r.height || fallback.height);
      return;
    }
    const ro = new ResizeObserver((entries) => {
      const e = entries[entries.length - 1];
      const box = e.borderBoxSize?.[0];
      if (box) set(box.inlineSize, box.blockSize);
      else set(e.contentRect.width, e.contentRect.height);
    });
    ro.observe(el, { box: 'border-box' });
    return () => ro.disconnect();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return [ref, size ?? fallback, size !== null] as const;
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
    } else if (v.status === 'handled') text = `${name} handled in ${formatNs(v.waitedNs)}`;
    else text = `${name} dropped: port closed`;
    out.set(to, { text, vector: v.vector });
  }
  return out;
}

/** Section title height and the gap under the vCPU grid, in font sizes. */
const TITLE_EM = 1.45;
const PCPU_GAP_EM = 1.1;
/** Over tiles, at most this many single arrows (in-flight first, then the newest) and fan-outs are drawn: no hairball. */
const TILE_MAX_SINGLES = 10;
const TILE_MAX_BUNDLES = 2;
/** A hundred tiles' words follow the picture at most once a second while playing. */
const BIG_CALM_MS = 1000;

function tileView(v: VcpuView, linked: boolean): TileView {
  return {
    id: v.id,
    runstate: v.runstate,
    os: v.linux ?? (v.online ? 'online' : v.possible ? 'offline' : 'none'),
    mask: v.upcallMask === 1,
    pending: v.upcallPending === 1,
    sel: v.fifo ? v.ready !== '' : v.sel.includes('1'),
    fifo: v.fifo,
    nmi: v.nmi,
    polling: v.polling !== '',
    linked,
  };
}

function menuKey(items: MenuItem[]): string {
  let k = '';
  for (const it of items) k += it.disabled ? '0' : '1';
  return k + items[0]?.hint;
}

const sameA11y = (a: TileA11y[], b: TileA11y[]) => a.length === b.length && a.every((x, i) => x.summary === b[i].summary && x.menuKey === b[i].menuKey);
const sameCaptions = (a: Caption[], b: Caption[]) => a.length === b.length && a.every((x, i) => x.key === b[i].key && x.text === b[i].text);

interface Caption {
  key: string;
  vector: string;
  text: string;
}

function StageImpl(props: StageProps) {
  const { state, theme } = props;
  const pal = PALETTES[theme];
  const f = pal.fontSize;
  const lw = pal.lineWidth;
  const [rootEl, setRootEl] = useState<HTMLDivElement | null>(null);
  const [bodyRef, body, measured] = useSize<HTMLDivElement>();
  // The first render is the frame only (measured for the layout); the pictures come, once
  // it is measured, in a deferred, interruptible render (StageContent): mounting a
  // 128-vCPU stage never makes one long task together with the page's first layout.
  const mounted = useDeferredValue(measured, false);

  const padX = Math.round(0.8 * f) * 2;
  const split = splitStage(body.width - padX, f, body.height);
  const style = useMemo(() => ({ ...cssVars(theme) }) as CSSProperties, [theme]);
  const bodyStyle: CSSProperties = split.twoColumns
    ? { gridTemplateColumns: `minmax(0, 1fr) ${split.rightW}px` }
    : { display: 'block', overflow: 'auto' };
  const classes = ['xs-stage', props.playing ? 'xs-playing' : '', props.reducedMotion ? 'xs-reduced' : ''].filter(Boolean).join(' ');

  return (
    <div ref={setRootEl} className={classes} style={style} data-theme={theme}>
      <PopupRootContext.Provider value={rootEl}>
        <div ref={bodyRef} className="xs-body" style={bodyStyle}>
          {mounted ? <StageContent {...props} body={body} split={split} /> : null}
        </div>
        <Legend lineWidth={lw} fifo={state.abi === 'fifo'} roomy={body.height >= 34 * f} />
      </PopupRootContext.Provider>
    </div>
  );
}

interface ContentProps extends StageProps {
  body: { width: number; height: number };
  split: StageSplit;
}

/** The two columns of the stage: the vCPUs (with pCPUs and arrows) and the event channels. */
function StageContent(props: ContentProps) {
  const { state, theme, body, split } = props;
  const pal = PALETTES[theme];
  const f = pal.fontSize;
  const lw = pal.lineWidth;
  const [hoverVcpu, setHoverVcpu] = useState<number | null>(null);

  // Stable callbacks for memoised children.
  const live = useRef(props);
  live.current = props;
  const onAction = useCallback((cpu: number, action: VcpuAction) => live.current.onVcpuAction(cpu, action), []);
  const onHover = useCallback((cpu: number | null) => setHoverVcpu(cpu), []);

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
  const full = grid.tier === 'roomy' || grid.tier === 'dense';
  const rects = useMemo(() => Array.from({ length: n }, (_, i) => cellRect(grid, i)), [grid, n]);
  const rectOf = useCallback((cpu: number): Rect | undefined => rects[cpu], [rects]);

  // --- event channels -------------------------------------------------------------
  const wordBits: WordBits = props.wordBits ?? 64;
  const groups = groupPorts(state, wordBits);
  const words = state.abi === 'fifo' ? 0 : Math.floor(maxAllocatedPort(state) / wordBits) + 1;
  const portsSig = portsSignature(groups);
  const portW = split.twoColumns ? split.rightW - 10 : leftW;
  const portH = split.twoColumns ? colH - TITLE_EM * f : Math.max(240, colH * 0.6);
  // Layout depends on the number of cells per group and their names, not on their bits.
  let shapeKey = '';
  for (const g of groups) {
    shapeKey += `|${g.key}:`;
    for (const c of g.cells) if (c.allocated) shapeKey += `${c.port}=${c.label}@${c.vcpu},`;
  }
  const plen = useMemo(() => layoutPorts(groups, portW, portH, f, wordBits), [shapeKey, portW, portH, f, wordBits]); // eslint-disable-line react-hooks/exhaustive-deps

  // --- arrows ---------------------------------------------------------------------
  // The index is extended in the background (and at once for small traces): drawing
  // never waits for it (arrowsAt copes with an index that lags).
  const ix = traceIndexFor(props.cols);
  if (ix.processed < props.cols.length && props.cols.length <= INDEX_AT_ONCE) ix.update();
  else kick(ix);
  const views = arrowsAt(state.arrows, ix, n, props);
  const { singles, bundles } = bundleArrows(views, { minSize: full ? 5 : 9, burstNs: 50_000 });
  const liveCaptions: Caption[] = bundles.map((b) => {
    const st = summarizeBundle(b);
    const parts = [st.handled ? `${st.handled} handled` : '', st.inFlight ? `${st.inFlight} pending` : '', st.coalesced ? `${st.coalesced} coalesced` : '', st.dropped ? `${st.dropped} dropped` : ''].filter(Boolean);
    return { key: b.key, vector: b.vector, text: `${VECTOR_SHORT[b.vector] ?? b.vector} from CPU ${b.from} to ${st.total} CPUs: ${parts.join(', ')}` };
  });
  // Words follow the picture a few times a second while playing (readable, and cheap).
  const captions = useCalm(liveCaptions, props.playing, undefined, sameCaptions);
  const reasonOf = (v: ArrowView) => waitReason(state.vcpus[v.to], state.ports[v.port]);
  const inbox = full ? inboxTexts(singles, reasonOf) : null;
  const hotKey = views
    .filter((v) => v.status === 'sent')
    .map((v) => v.port)
    .sort((a, b) => a - b)
    .join(',');
  const hotPorts = useMemo(() => new Set(hotKey ? hotKey.split(',').map(Number) : []), [hotKey]);

  // --- vCPUs: full cards (DOM) for small guests, tiles (canvas) for big ones -------------
  const vviews: VcpuView[] = [];
  for (let i = 0; i < n; i++) vviews.push(vcpuView(state, i, words));
  const ended = !!(state.panic || state.shutdown);
  const latest = useRef({ vviews, ended });
  latest.current = { vviews, ended };
  const itemsOf = useCallback((cpu: number) => {
    const v = latest.current.vviews[cpu];
    return v ? menuItems(v, latest.current.ended) : [];
  }, []);
  const tiles = full ? [] : vviews.map((v) => tileView(v, hoverVcpu === v.id));
  // The tiles' words (a sentence and the menu's state per vCPU) are built only when
  // taken: a few times a second while playing.
  const tileA11y = useCalmLazy(
    () => (full ? [] : vviews.map((v) => ({ summary: vcpuSummary(v), menuKey: menuKey(menuItems(v, ended)) }))),
    props.playing,
    full ? CALM_MS : BIG_CALM_MS,
    sameA11y,
  );

  const pcpuTop = grid.height + pgap + titleH;
  const pcpuSig = state.pcpus.map((p) => `${p.dom}:${p.vcpu}`).join(',');
  const areaH = pcpuTop + (m ? pgrid.height : 0) + 4;
  const areaW = Math.max(grid.width, pgrid.width, 10);

  const colStyle: CSSProperties | undefined = split.twoColumns ? undefined : { overflow: 'visible', marginBottom: '1em' };
  const online = vviews.filter((v) => v.online).length;

  return (
    <>
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
            {full ? (
              vviews.map((v, i) => {
                const r = rects[i];
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
                    inbox={inbox?.get(i)?.text ?? ''}
                    inboxVector={inbox?.get(i)?.vector ?? ''}
                    ended={ended}
                    onAction={onAction}
                    onHover={onHover}
                  />
                );
              })
            ) : (
              <VcpuTiles
                views={tiles}
                rects={rects}
                grid={grid}
                pal={pal}
                theme={theme}
                fs={fs}
                lw={lw}
                words={grid.cellW >= 7.2 * fs}
                a11y={tileA11y}
                itemsOf={itemsOf}
                onAction={onAction}
                onHover={onHover}
              />
            )}
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
              pal={pal}
              maxSingles={full ? Infinity : TILE_MAX_SINGLES}
              maxBundles={full ? Infinity : TILE_MAX_BUNDLES}
              light={!full}
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
          <PortGrid
            signature={portsSig}
            groups={groups}
            abi={state.abi}
            layout={plen}
            hotPorts={hotPorts}
            linkedVcpu={hoverVcpu}
            pal={pal}
            playing={props.playing}
          />
        ) : (
          <p className="xs-empty">No event channel allocated yet (port 0 is reserved).</p>
        )}
      </section>
    </>
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
