import { describe, expect, it } from 'vitest';
import { cellRect, fitColumns, FULL_CARD_MAX, gridFor, layoutColumn, layoutPcpus, layoutVcpus, MICRO_FLOOR_PX, splitStage, TIERS, type GridLayout } from './layout';

function noOverlap(g: GridLayout): boolean {
  const rects = Array.from({ length: g.n }, (_, i) => cellRect(g, i));
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i];
      const b = rects[j];
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      if (!apart) return false;
    }
  }
  return true;
}

describe('fitColumns', () => {
  it('balances the last row instead of leaving a stub', () => {
    // 5 cards where 4 fit: 3 + 2, not 4 + 1.
    expect(fitColumns(5, 4 * 100 + 3 * 10, 100, 10)).toEqual({ cols: 3, rows: 2 });
    expect(fitColumns(4, 1000, 100, 10)).toEqual({ cols: 4, rows: 1 });
    expect(fitColumns(0, 1000, 100, 10)).toEqual({ cols: 0, rows: 0 });
  });
  it('always has at least one column, even when nothing fits', () => {
    expect(fitColumns(3, 50, 100, 10)).toEqual({ cols: 1, rows: 3 });
  });
});

describe('layoutVcpus', () => {
  it('gives full cards to small guests and tiles above 16 vCPUs', () => {
    expect(['roomy', 'dense']).toContain(layoutVcpus(4, 900, 600, 14).tier);
    expect(layoutVcpus(1, 900, 600, 14).tier).toBe('roomy');
    expect(['compact', 'micro']).toContain(layoutVcpus(FULL_CARD_MAX + 1, 900, 600, 14).tier);
  });

  it('prefers roomy cards and drops to dense ones when the height is short', () => {
    const roomy = layoutVcpus(8, 800, 2000, 14);
    expect(roomy.tier).toBe('roomy');
    const short = layoutVcpus(8, 1000, 2 * TIERS.dense.h * 14 + 20, 14);
    expect(short.tier).toBe('dense');
    expect(short.height).toBeLessThanOrEqual(2 * TIERS.dense.h * 14 + 20);
  });

  it('fits 128 vCPUs on a 1280×800 screen in every theme size, without overlap', () => {
    for (const f of [14, 20]) {
      const g = layoutVcpus(128, 800, 420, f);
      expect(g.height).toBeLessThanOrEqual(420);
      expect(g.width).toBeLessThanOrEqual(800);
      expect(g.cellW).toBeGreaterThanOrEqual(Math.max(MICRO_FLOOR_PX, 1.9 * f) - 1);
      expect(noOverlap(g)).toBe(true);
    }
  });

  it('never overlaps and never exceeds the width, from 1 to 512 vCPUs', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 31, 64, 100, 128, 200, 256, 512]) {
      for (const w of [420, 800, 1280, 1900]) {
        const g = layoutVcpus(n, w, 500, 14);
        expect(g.width).toBeLessThanOrEqual(w);
        expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
        expect((g.rows - 1) * g.cols).toBeLessThan(n); // no empty row
        const last = cellRect(g, n - 1);
        expect(last.y + last.h).toBe(g.height);
        if (n <= 128) expect(noOverlap(g)).toBe(true);
      }
    }
  });

  it('scrolls rather than shrinking text when nothing fits', () => {
    const g = layoutVcpus(512, 600, 100, 14);
    expect(g.tier).toBe('micro');
    expect(g.height).toBeGreaterThan(100);
    expect(g.cellW).toBeGreaterThanOrEqual(MICRO_FLOOR_PX);
  });

  it('scales cells with the font size (projector)', () => {
    const a = gridFor('dense', 4, 2000, 14);
    const b = gridFor('dense', 4, 2000, 20);
    expect(b.cellH).toBeGreaterThan(a.cellH);
    expect(b.cellW).toBeGreaterThan(a.cellW);
  });
});

describe('layoutPcpus', () => {
  it('labels up to 16 pCPUs with chips and uses small ones beyond', () => {
    expect(layoutPcpus(4, 800, 14).tier).toBe('compact');
    const many = layoutPcpus(64, 800, 14);
    expect(many.tier).toBe('micro');
    expect(many.width).toBeLessThanOrEqual(800);
    expect(many.cols * many.rows).toBeGreaterThanOrEqual(64);
  });
});

describe('splitStage', () => {
  it('puts event channels beside the vCPUs only when both stay readable', () => {
    const wide = splitStage(1280, 14);
    expect(wide.twoColumns).toBe(true);
    expect(wide.leftW + wide.rightW).toBeLessThanOrEqual(1280);
    expect(wide.rightW).toBeGreaterThanOrEqual(21 * 14);
    expect(splitStage(700, 14).twoColumns).toBe(false);
    expect(splitStage(1000, 20).twoColumns).toBe(false);
  });

  it('goes side by side on a short wide stage (projector at 1280×800)', () => {
    const s = splitStage(800, 20, 250);
    expect(s.twoColumns).toBe(true);
    expect(s.rightW).toBeGreaterThanOrEqual(14 * 20);
    expect(s.leftW).toBeGreaterThanOrEqual(400);
    expect(splitStage(600, 20, 250).twoColumns).toBe(false); // too narrow for two
  });
});

describe('layoutColumn', () => {
  it('keeps titles and two-line pCPU chips when there is room', () => {
    const c = layoutColumn(4, 4, 800, 700, 14);
    expect(c.chrome).toEqual({ titles: true, oneLinePcpus: false });
    expect(c.grid.tier).toBe('roomy');
  });

  it('gives up chrome on a short stage when that buys the cards a better tier', () => {
    // A projector (20 px type) with ~430 px for the column: dense cards only fit without titles.
    const c = layoutColumn(4, 4, 600, 430, 20);
    expect(c.grid.tier).toBe('dense');
    expect(c.chrome.titles).toBe(false);
    expect(c.grid.height + c.pcpus.height + c.pgap).toBeLessThanOrEqual(430);
  });

  it('fits full cards on a narrow short projector stage in slightly smaller type, never clipped', () => {
    // 540 px cannot hold two dense cards at 20 px (their heads would clip "running"):
    // 18 px type does, and still beats tiles.
    const c = layoutColumn(4, 4, 540, 430, 20);
    expect(c.grid.tier).toBe('dense');
    expect(c.fs).toBeLessThan(20);
    expect(c.fs).toBeGreaterThanOrEqual(17);
    expect(c.grid.cellW).toBeGreaterThanOrEqual(TIERS.dense.minW * c.fs - 1);
    expect(c.grid.width).toBeLessThanOrEqual(540);
  });

  it('keeps the chrome when dropping it would not help', () => {
    const c = layoutColumn(128, 64, 540, 430, 14);
    expect(c.chrome.titles).toBe(true);
  });
});

describe('layoutColumn scaling', () => {
  it('draws a few cards larger when the stage has room, never past what fits', () => {
    const c = layoutColumn(4, 4, 930, 690, 14);
    expect(c.fs).toBeGreaterThan(14);
    expect(c.grid.tier).toBe('roomy');
    expect(c.grid.width).toBeLessThanOrEqual(930);
    expect(c.titleH + c.grid.height + c.pgap + c.titleH + c.pcpus.height).toBeLessThanOrEqual(690);
    expect(layoutColumn(16, 4, 930, 690, 14).fs).toBe(14); // no room to spare: the theme's size
  });
});
