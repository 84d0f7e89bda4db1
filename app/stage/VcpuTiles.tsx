// The vCPU grid for big guests (> 16 vCPUs, compact and micro tiles): the picture is one
// canvas (tileDraw.ts) where only the tiles that changed are redrawn each frame; over it
// sits a light accessible layer — per vCPU a transparent group named `vCPU <n>` with its
// actions button (the whole tile) and its state in words. While playing, those words
// follow the picture a few times a second (calm.ts); the canvas follows every frame.

import { memo, useCallback, useDeferredValue, useEffect, useId, useLayoutEffect, useRef, type CSSProperties } from 'react';
import type { VcpuAction } from './contract';
import type { GridLayout, Rect } from './layout';
import { context2d, drawTile, drawTileBody, drawTileId, makeSprite, tileKey, type TileStyle, type TileView } from './tileDraw';
import type { MenuItem } from './vcpuView';
import { VcpuMenu } from './VcpuMenu';
import { cancelSoon, drawSoon, firstDraw } from './calm';
import type { Palette } from '../theme/palette';

export interface TileA11y {
  /** The tile's state in one sentence (vcpuSummary). */
  summary: string;
  /** Changes when the actions menu's items change (disabled flags, hints). */
  menuKey: string;
}

interface Props {
  views: readonly TileView[];
  rects: readonly Rect[];
  grid: GridLayout;
  pal: Palette;
  /** Theme name (a change redraws everything). */
  theme: string;
  fs: number;
  lw: number;
  /** Wide enough tiles say their runstate in words. */
  words: boolean;
  /** The accessible text of each tile (calm: a few updates a second while playing). */
  a11y: readonly TileA11y[];
  itemsOf(cpu: number): MenuItem[];
  onAction(cpu: number, action: VcpuAction): void;
  onHover(cpu: number | null): void;
}

interface A11yProps {
  id: number;
  summary: string;
  menuKey: string;
  /** Id of the element holding the summary (the group's description). */
  describedBy: string;
  itemsOf(cpu: number): MenuItem[];
  onAction(cpu: number, action: VcpuAction): void;
  onHover(cpu: number | null): void;
}

/**
 * One tile's accessible group: a grid item (no positioning, no clipping — hundreds of
 * positioned or clipped boxes each cost the browser a paint layer every frame) holding
 * the actions button, which covers the tile; the words are its description.
 */
function A11yTileImpl({ id, summary, describedBy, itemsOf, onAction, onHover }: A11yProps) {
  const items = useCallback(() => itemsOf(id), [itemsOf, id]);
  return (
    <div
      role="group"
      aria-label={`vCPU ${id}`}
      aria-describedby={describedBy}
      className="xs-tile-a11y"
      title={summary}
      onPointerEnter={() => onHover(id)}
      onPointerLeave={() => onHover(null)}
    >
      <VcpuMenu cpu={id} items={items} onAction={onAction} className="xs-tile-button">
        {null}
      </VcpuMenu>
    </div>
  );
}

const A11yTile = memo(
  A11yTileImpl,
  (a, b) => a.id === b.id && a.summary === b.summary && a.menuKey === b.menuKey && a.describedBy === b.describedBy && a.onAction === b.onAction && a.onHover === b.onHover,
);

/** The tiles' sentences, in one visually hidden list (one box for the browser to lay out, not a hundred). */
const Summaries = memo(function Summaries({ a11y, idBase }: { a11y: readonly TileA11y[]; idBase: string }) {
  return (
    <div className="xs-vh">
      {a11y.map((t, i) => (
        <span key={i} id={`${idBase}-${i}`}>
          {t.summary}{' '}
        </span>
      ))}
    </div>
  );
});

const NO_A11Y: readonly TileA11y[] = [];
/** Tile numbers per row of the numbers' sprite. */
const ATLAS_COLS = 16;

function VcpuTilesImpl({ views, rects, grid, pal, theme, fs, lw, words, a11y: a11yNow, itemsOf, onAction, onHover }: Props) {
  // The accessible layer (a hundred groups with their menu buttons) is rendered in a
  // deferred, interruptible pass: mounting it never holds up the picture or a frame.
  const a11y = useDeferredValue(a11yNow, NO_A11Y);
  const idBase = `xs-tile${useId().replace(/:/g, '')}`;
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawn = useRef<{ keys: string[]; layout: string }>({ keys: [], layout: '' });
  const dpr = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1;
  const W = Math.max(1, grid.width);
  const H = Math.max(1, grid.height);

  // Redraw the tiles whose picture changed (all of them when the layout or theme did).
  // Every tile in the same state looks the same but for its number: a tile is a sprite
  // of its state and a sprite of its number, both drawn once off screen and copied.
  // (Drawing text on a canvas in the document would make the browser bring the page's
  // style up to date first — mid-commit, every frame.)
  const sprites = useRef(new Map<string, CanvasImageSource | null>());
  const ctxRef = useRef<CanvasRenderingContext2D | null>(null);
  const live = useRef({ views, rects });
  live.current = { views, rects };
  const pending = useRef(0);
  /**
   * Draws what changed, for about `budget` ms at most; returns false if tiles are left
   * (the first picture of 128 tiles, with its sprites, is drawn over a few frames rather
   * than in one long task).
   */
  const paint = useRef<(budget: number) => boolean>(() => true);
  paint.current = (budget: number): boolean => {
    const { views, rects } = live.current;
    const c = canvas.current;
    if (!c) return true;
    const deadline = performance.now() + budget;
    const layout = `${W}x${H}@${dpr}|${grid.tier}|${grid.cols}|${grid.cellW}x${grid.cellH}|${fs}|${lw}|${theme}|${words}`;
    const all = drawn.current.layout !== layout;
    const cw = Math.round(W * dpr);
    const ch = Math.round(H * dpr);
    if (all) {
      if (c.width !== cw) c.width = cw;
      if (c.height !== ch) c.height = ch;
      sprites.current.clear();
    }
    const ctx = context2d(ctxRef, c);
    if (!ctx) return true;
    const st: TileStyle = { pal, fs, lw, micro: grid.tier === 'micro', words };
    const tw = grid.cellW;
    const th = grid.cellH;
    const local = { x: 0, y: 0, w: tw, h: th };
    const sprite = (key: string, paint: (x: CanvasRenderingContext2D) => void, w = tw, h = th) => {
      let sp = sprites.current.get(key);
      if (sp === undefined) sprites.current.set(key, (sp = makeSprite(w, h, dpr, paint)));
      return sp;
    };
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (all) ctx.clearRect(0, 0, cw, ch);
    const keys = drawn.current.keys;
    const next: string[] = new Array(views.length);
    let done = true;
    for (let i = 0; i < views.length; i++) {
      const v = views[i];
      const k = tileKey(v);
      next[i] = k;
      if (!all && keys[i] === k) continue;
      if (!done || performance.now() > deadline) {
        // Out of time: this one is drawn next frame.
        done = false;
        next[i] = '';
        continue;
      }
      const r = rects[i];
      const body = sprite(`b|${k}`, (x) => drawTileBody(x, v, local, st));
      const dim = v.os === 'offline' || v.os === 'dead' || v.os === 'none';
      // The numbers, ATLAS_COLS to a sprite.
      const row = Math.floor(i / ATLAS_COLS);
      const num = sprite(`n|${row}|${+dim}`, (x) => {
        for (let j = 0; j < ATLAS_COLS; j++) drawTileId(x, { id: row * ATLAS_COLS + j, os: dim ? 'offline' : 'online' }, { x: j * tw, y: 0, w: tw, h: th }, st);
      }, ATLAS_COLS * tw, th);
      if (!body || !num) {
        // No off-screen canvas (a test DOM): draw in place.
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        drawTile(ctx, v, r, st);
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        continue;
      }
      const dx = Math.round(r.x * dpr);
      const dy = Math.round(r.y * dpr);
      ctx.clearRect(dx, dy, Math.ceil(tw * dpr), Math.ceil(th * dpr));
      ctx.drawImage(body, dx, dy);
      const sw = Math.ceil(tw * dpr);
      const sh = Math.ceil(th * dpr);
      ctx.drawImage(num, Math.round((i % ATLAS_COLS) * tw * dpr), 0, sw, sh, dx, dy, sw, sh);
    }
    // Tiles that went away (fewer vCPUs): clear their place.
    if (!all)
      for (let i = views.length; i < keys.length; i++) {
        const r = rects[i];
        if (r) ctx.clearRect(Math.round(r.x * dpr), Math.round(r.y * dpr), Math.ceil(tw * dpr), Math.ceil(th * dpr));
      }
    drawn.current = { keys: next, layout };
    return done;
  };
  // Drawn in the next frame (calm.ts, drawSoon), not in React's commit; the first draw
  // on a canvas sets up its pixels with the compositor (slow on a busy machine) and gets
  // a task of its own; a big redraw goes on over the next frames (5 ms a frame).
  const owner = useRef({});
  useLayoutEffect(() => {
    if (pending.current) return;
    const more = () => {
      pending.current = 0;
      if (!paint.current(5)) {
        pending.current = 1;
        drawSoon(owner.current, more);
      }
    };
    pending.current = 1;
    if (!ctxRef.current) firstDraw(more);
    else drawSoon(owner.current, more);
  });
  useEffect(() => () => cancelSoon(owner.current), []);

  const gridStyle: CSSProperties = {
    width: W,
    height: H,
    gridTemplateColumns: `repeat(${Math.max(1, grid.cols)}, ${grid.cellW}px)`,
    gridAutoRows: `${grid.cellH}px`,
    gap: grid.gap,
  };
  return (
    <>
      <canvas ref={canvas} className="xs-tiles-canvas" aria-hidden="true" style={{ width: W, height: H }} />
      <div className="xs-tiles-a11y" style={gridStyle}>
        {views.map((_, i) =>
          i < a11y.length ? (
            <A11yTile
              key={i}
              id={i}
              summary={a11y[i].summary}
              menuKey={a11y[i].menuKey}
              describedBy={`${idBase}-${i}`}
              itemsOf={itemsOf}
              onAction={onAction}
              onHover={onHover}
            />
          ) : null,
        )}
      </div>
      <Summaries a11y={a11y} idBase={idBase} />
    </>
  );
}

export const VcpuTiles = memo(VcpuTilesImpl);
