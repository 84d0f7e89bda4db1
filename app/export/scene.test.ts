// The export scene (video frames, PNG, SVG) drawn for every preset at several moments:
// it never throws, states the time, the chapter and every vCPU, and the SVG output is
// self-contained (attributes only).
import { describe, expect, it } from 'vitest';
import { PRESETS, presetById } from '../../engine/scenario/presets';
import { mustValidate } from '../../engine/scenario/validate';
import { runScenario } from '../../engine/simulate';
import { Timeline } from '../store/timeline';
import { chapterAt } from './chapters';
import { SvgPainter, type Painter, type ShapeStyle, type TextStyle } from './painter';
import { drawScene, gridOf, mix, wrap, type FrameInput } from './scene';

// The diagram's drawing code builds Path2D objects: a stand-in outside the browser.
const g = globalThis as unknown as { Path2D?: unknown };
if (typeof g.Path2D === 'undefined') g.Path2D = function Path2D() {
  return new Proxy({}, { get: () => () => undefined });
};

/** A 2D context that accepts every call (the diagram's drawing code runs against it). */
function anyContext(): CanvasRenderingContext2D {
  const fn = (): unknown => undefined;
  return new Proxy({} as Record<string | symbol, unknown>, {
    get: (t, p) => (p in t ? t[p] : p === 'measureText' ? () => ({ width: 7 }) : fn),
    set: (t, p, v) => {
      t[p] = v;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

class Recorder implements Painter {
  texts: string[] = [];
  shapes = 0;
  /** Anything drawn at a position or size that is not a finite number. */
  bad: string[] = [];
  rect(x: number, y: number, w: number, h: number, _s: ShapeStyle) {
    if (![x, y, w, h].every(Number.isFinite)) this.bad.push(`rect ${x} ${y} ${w} ${h}`);
    this.shapes++;
  }
  path(d: string) {
    if (/NaN|Infinity/.test(d)) this.bad.push(`path ${d}`);
    this.shapes++;
  }
  text(x: number, y: number, t: string, s: TextStyle) {
    if (![x, y].every(Number.isFinite) || !(s.size > 0)) this.bad.push(`text ${t} at ${x} ${y} size ${s.size}`);
    this.texts.push(t);
  }
  measure(t: string, s: { size: number }) {
    return t.length * s.size * 0.55;
  }
  raster(_x: number, _y: number, w: number, h: number, _k: string, draw: (c: CanvasRenderingContext2D, w: number, h: number) => void) {
    draw(anyContext(), w, h);
  }
}

function frames(id: string, at: number[]) {
  const input = presetById(id)!.input;
  const { cols } = runScenario(mustValidate(input));
  const tl = new Timeline(cols);
  tl.extend();
  tl.markComplete();
  return at.map((f) => {
    const index = Math.round(f * tl.folded);
    const inp: FrameInput = {
      state: tl.at(index),
      cols,
      time: tl.timeAt(index),
      index,
      endTime: tl.endTime,
      theme: 'light',
      title: input.title ?? '',
      chapter: chapterAt(tl.index.chapters, index)?.label ?? '',
      window: { t0: 0, t1: tl.endTime },
      cue: f > 0.5 ? '» skipping 1.00 ms of idle time' : null,
    };
    return inp;
  });
}

describe('drawScene', () => {
  it('draws every preset at the start, in the middle and at the end, in every theme', () => {
    for (const p of PRESETS) {
      for (const inp of frames(p.id, [0, 0.37, 1])) {
        for (const theme of ['light', 'dark', 'projector'] as const) {
          const r = new Recorder();
          drawScene(r, { ...inp, theme });
          expect(r.bad, `${p.id} ${theme}`).toEqual([]);
          expect(r.texts.join('\n')).toContain(inp.title);
          expect(r.shapes).toBeGreaterThan(5);
        }
      }
    }
  }, 60_000);

  it('states the time, the chapter, each vCPU and the narration', () => {
    const [mid] = frames('boot-4-vcpus', [0.6]);
    const r = new Recorder();
    drawScene(r, mid);
    expect(r.bad).toEqual([]);
    const all = r.texts.join('\n');
    for (const n of [0, 1, 2, 3]) expect(all).toContain(`vCPU ${n}`);
    expect(all).toMatch(/\d\.\d{3} ms/);
    expect(all).toContain(`Chapter: ${mid.chapter}`);
    expect(all).toContain('pCPU 0');
    expect(all).toContain('EVENT CHANNELS');
    expect(all).toContain('skipping 1.00 ms of idle time');
  });

  it('shows a panic', () => {
    const [end] = frames('nosmp-panic', [1]);
    const r = new Recorder();
    drawScene(r, end);
    expect(r.texts.join('\n')).toMatch(/Kernel panic/);
  });

  it('writes SVG with attributes only: no CSS variables, no classes, no style elements', () => {
    const [mid] = frames('ipi-coalescing', [0.8]);
    const P = new SvgPainter((t) => t.length * 7);
    drawScene(P, mid);
    const svg = P.parts.join('\n');
    expect(svg).toContain('<text');
    expect(svg).not.toMatch(/var\(--|class=|<style|style=/);
    expect(svg).toContain('IPI coalescing while interrupts are masked');
  });
});

describe('scene helpers', () => {
  it('lays out grids, wraps text and mixes colours', () => {
    expect(gridOf(4, 800, 400, 10, 2.3)).toMatchObject({ cols: 2, rows: 2 });
    expect(gridOf(128, 800, 400, 3, 1.6).cols).toBeGreaterThan(8);
    const m = { measure: (t: string) => t.length * 10 };
    expect(wrap(m, 'aa bb cc dd ee', 10, 55, 2)).toEqual(['aa bb', 'cc dd ee']);
    expect(mix('#000000', '#ffffff', 0.5)).toBe('#808080');
    expect(mix('red', '#ffffff', 0.5)).toBe('red');
  });
});
