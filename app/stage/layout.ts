// Where things go on the stage, as pure functions of the available size and the theme's
// font size (px). Positions are computed, not measured, so arrows and connectors can be
// drawn between cards without reading the DOM, and so the layout is unit-testable.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * How much of a vCPU a cell shows:
 * - `roomy`: a full card with the vcpu_info fields' full names;
 * - `dense`: a full card with short field names (tooltips give the full ones);
 * - `compact`: a tile with the id, runstate and the three bits (M P S);
 * - `micro`: a small tile with the id, runstate and three bit dots (hundreds of vCPUs).
 */
export type Tier = 'roomy' | 'dense' | 'compact' | 'micro';

export interface GridLayout {
  tier: Tier;
  n: number;
  cols: number;
  rows: number;
  cellW: number;
  cellH: number;
  gap: number;
  /** Total size of the grid. */
  width: number;
  height: number;
}

interface TierSpec {
  /** In units of the font size. */
  minW: number;
  maxW: number;
  h: number;
  gap: number;
}

/** Cell sizes per tier, in font-size units (tuned by looking at screenshots). */
export const TIERS: Record<Tier, TierSpec> = {
  roomy: { minW: 19.5, maxW: 27, h: 12.6, gap: 1 },
  // dense: wide enough for its head ("vCPU 12", the runstate pill, the menu) at any font size
  dense: { minW: 14.5, maxW: 19.4, h: 8.3, gap: 0.8 },
  compact: { minW: 5, maxW: 8.5, h: 4.1, gap: 0.45 },
  micro: { minW: 2.8, maxW: 4, h: 2.8, gap: 0.25 },
};

/** Full cards are for small guests only (DESIGN: ≤ 16); above that, tiles. */
export const FULL_CARD_MAX = 16;

/** Balanced columns: as many as fit, then evened out so the last row is not a stub. */
export function fitColumns(n: number, width: number, minW: number, gap: number): { cols: number; rows: number } {
  if (n <= 0) return { cols: 0, rows: 0 };
  const maxCols = Math.max(1, Math.floor((width + gap) / (minW + gap)));
  let cols = Math.min(n, maxCols);
  const rows = Math.ceil(n / cols);
  cols = Math.ceil(n / rows);
  return { cols, rows };
}

/** Micro tiles may shrink to fit, down to this (px) or 1.9 font sizes, whichever is larger. */
export const MICRO_FLOOR_PX = 30;

export function gridFor(tier: Tier, n: number, width: number, f: number, shrink = 1): GridLayout {
  const t = TIERS[tier];
  const gap = Math.max(2, Math.round(t.gap * f * shrink));
  const minW = t.minW * f * shrink;
  const { cols, rows } = fitColumns(n, width, minW, gap);
  const avail = cols > 0 ? (width - (cols - 1) * gap) / cols : 0;
  const cellW = Math.floor(Math.max(Math.min(t.maxW * f * shrink, avail), Math.min(minW, width)));
  const cellH = Math.round(t.h * f * shrink);
  return {
    tier,
    n,
    cols,
    rows,
    cellW,
    cellH,
    gap,
    width: cols * cellW + Math.max(0, cols - 1) * gap,
    height: rows * cellH + Math.max(0, rows - 1) * gap,
  };
}

/**
 * The vCPU grid for `n` vCPUs in `width` × `height` px at font size `f`: the most
 * detailed tier that fits the height (full cards only up to 16 vCPUs). When nothing
 * fits, the most readable fallback is used and the area scrolls: full dense cards for
 * small guests, micro tiles for big ones.
 */
export function layoutVcpus(n: number, width: number, height: number, f: number): GridLayout {
  const order: Tier[] = n <= FULL_CARD_MAX ? ['roomy', 'dense', 'compact'] : ['compact', 'micro'];
  for (const tier of order) {
    const g = gridFor(tier, n, width, f);
    if (tier === 'roomy' && g.cellW < TIERS.roomy.minW * f) continue;
    if (g.height <= height) return g;
  }
  if (n <= FULL_CARD_MAX) return gridFor('dense', n, width, f);
  // Micro tiles shrink (never below the floor) until the grid fits; past that it scrolls.
  const floor = Math.max(MICRO_FLOOR_PX, 1.9 * f) / (TIERS.micro.minW * f);
  let g = gridFor('micro', n, width, f);
  for (let s = 0.92; g.height > height && s >= floor; s *= 0.92) g = gridFor('micro', n, width, f, s);
  if (g.height > height) g = gridFor('micro', n, width, f, Math.min(1, floor));
  return g;
}

export function cellRect(g: GridLayout, i: number): Rect {
  const c = g.cols > 0 ? i % g.cols : 0;
  const r = g.cols > 0 ? Math.floor(i / g.cols) : 0;
  return { x: c * (g.cellW + g.gap), y: r * (g.cellH + g.gap), w: g.cellW, h: g.cellH };
}

/**
 * The pCPU row: labelled two-line chips up to 16 pCPUs, small ones above; `oneLine`
 * (a short stage) makes every chip a single line.
 */
export function layoutPcpus(m: number, width: number, f: number, oneLine = false): GridLayout {
  const small = m > 16;
  const minW = (small ? (oneLine ? 3.6 : 3.1) : oneLine ? 7.6 : 6.4) * f;
  const maxW = (small ? 4.4 : 9.5) * f;
  const gap = Math.round((small ? 0.25 : 0.5) * f);
  const { cols, rows } = fitColumns(m, width, minW, gap);
  const avail = cols > 0 ? (width - (cols - 1) * gap) / cols : 0;
  const cellW = Math.floor(Math.max(Math.min(maxW, avail), Math.min(minW, width)));
  const cellH = Math.round((oneLine ? 1.55 : small ? 2.6 : 3) * f);
  return {
    tier: oneLine ? 'dense' : small ? 'micro' : 'compact',
    n: m,
    cols,
    rows,
    cellW,
    cellH,
    gap,
    width: cols * cellW + Math.max(0, cols - 1) * gap,
    height: rows * cellH + Math.max(0, rows - 1) * gap,
  };
}

export interface StageSplit {
  /** Event channels beside the vCPUs (wide stage) or below them. */
  twoColumns: boolean;
  /** Width of the left (vCPU) column and of the right (event channels) column, px. */
  leftW: number;
  rightW: number;
}

/**
 * Splits the stage body: side by side when wide enough for both to stay readable, or
 * when the stage is short and wide (a projector at 1280×800 leaves little height: the
 * event channels then go beside the vCPUs in a narrower column rather than below them).
 */
export function splitStage(width: number, f: number, height = Infinity): StageSplit {
  const gap = Math.round(f);
  const wide = width >= 52 * f;
  const short = height < width * 0.55 && width >= 34 * f;
  if (!wide && !short) return { twoColumns: false, leftW: width, rightW: width };
  const minRight = wide ? 21 * f : 14 * f;
  const rightW = Math.round(Math.min(Math.max(width * (wide ? 0.34 : 0.3), minRight), 36 * f));
  return { twoColumns: true, leftW: width - rightW - gap, rightW };
}

/** How much chrome the vCPU column keeps: section titles, and one- or two-line pCPU chips. */
export interface Chrome {
  titles: boolean;
  oneLinePcpus: boolean;
}

export interface ColumnLayout {
  /** Font size the vCPU area is drawn at: the theme's, larger when few cards leave room, or a little smaller so full cards fit a short stage. */
  fs: number;
  chrome: Chrome;
  grid: GridLayout;
  pcpus: GridLayout;
  /** Section title height and gap under the vCPU grid, px. */
  titleH: number;
  pgap: number;
}

const TIER_RANK: Record<Tier, number> = { roomy: 0, dense: 1, compact: 2, micro: 3 };

/**
 * Lays out the vCPU column (title, vCPU grid, pCPU row) in `width` × `height`: gives up
 * chrome (two-line pCPU chips, then the section titles) only when that buys the vCPUs
 * a more detailed tier — on a short stage (a projector at 1280×800) the cards matter
 * more than the titles.
 */
export function layoutColumn(n: number, m: number, width: number, height: number, f: number, titleEm = 1.45, gapEm = 1.1): ColumnLayout {
  const at = (fs: number): { best: ColumnLayout; rank: number } => {
    const options: Chrome[] = [
      { titles: true, oneLinePcpus: false },
      { titles: true, oneLinePcpus: true },
      { titles: false, oneLinePcpus: true },
    ];
    let best: ColumnLayout | null = null;
    let bestRank = Infinity;
    for (const chrome of options) {
      const titleH = chrome.titles ? titleEm * f : 0;
      const pgap = chrome.titles ? gapEm * fs : 0.5 * fs;
      const pcpus = layoutPcpus(m, width, fs, chrome.oneLinePcpus);
      const avail = height - titleH - (m ? pcpus.height + pgap + titleH : 0);
      const grid = layoutVcpus(n, width, avail, fs);
      const rank = grid.height <= avail ? TIER_RANK[grid.tier] : 10 + TIER_RANK[grid.tier];
      if (rank < bestRank) {
        best = { fs, chrome, grid, pcpus, titleH, pgap };
        bestRank = rank;
      }
    }
    return { best: best!, rank: bestRank };
  };
  const base = at(f);
  // A short stage (a projector at 1280×800): rather than tiles, or cards that clip their
  // words, full cards in slightly smaller type — still larger than the other themes'.
  if (n <= FULL_CARD_MAX && base.rank > TIER_RANK.dense) {
    for (const k of [0.92, 0.85]) {
      const small = at(Math.round(f * k));
      if (small.rank <= TIER_RANK.dense) return small.best;
    }
  }
  // Few roomy cards on a big stage: draw them larger (a lecture hall reads them from afar).
  if (base.rank === TIER_RANK.roomy && base.best.chrome.titles && !base.best.chrome.oneLinePcpus) {
    for (let k = 1.6; k > 1.05; k -= 0.1) {
      const big = at(Math.round(f * k));
      if (big.rank === TIER_RANK.roomy && big.best.chrome.titles && !big.best.chrome.oneLinePcpus) return big.best;
    }
  }
  return base.best;
}
