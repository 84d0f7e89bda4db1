// Chapter markers above the scrubber, drawn on a canvas (a storm scenario has thousands
// of steps: one draw call instead of thousands of SVG nodes to update as the run grows).
// The draw reads no layout or style (size from a ResizeObserver, colours from the
// palette), so it never forces a reflow after a big commit.
// Pointer only: click a marker to jump there, hover for its label; keyboard and screen
// reader users have the Chapter list beside the scrubber and PgUp/PgDn.

import { useEffect, useRef, useState } from 'react';
import type { Chapter } from '../store/traceIndex';
import { PALETTES, type ThemeName } from '../theme/palette';

const HIT_PX = 5;

export function Markers({ chapters, end, theme, onPick }: { chapters: Chapter[]; end: number; theme: ThemeName; onPick(c: Chapter): void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });

  useEffect(() => {
    const c = ref.current;
    if (!c || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      setSize((s) => (s.w === r.width && s.h === r.height ? s : { w: r.width, h: r.height }));
    });
    ro.observe(c);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = ref.current;
    const { w, h } = size;
    if (!c || w <= 0 || h <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    if (end <= 0) return;
    const pal = PALETTES[theme];
    const x = (ch: Chapter) => Math.round((ch.t / end) * (w - 2)) + 1;
    g.fillStyle = pal.muted;
    for (const ch of chapters) if (ch.kind === 'phase' || ch.kind === 'boot') g.fillRect(x(ch) - 0.75, h * 0.3, 1.5, h * 0.7);
    g.fillStyle = pal.accent;
    for (const ch of chapters) if (ch.kind === 'step') g.fillRect(x(ch) - 1.5, 0, 3, h);
    g.fillStyle = pal.danger;
    for (const ch of chapters) if (ch.kind === 'panic') g.fillRect(x(ch) - 1.5, 0, 3, h);
  }, [chapters, end, theme, size]);

  const nearest = (clientX: number, rect: DOMRect): Chapter | null => {
    if (end <= 0) return null;
    let best: Chapter | null = null;
    let bestD = HIT_PX;
    for (const ch of chapters) {
      const d = Math.abs(rect.left + 1 + (ch.t / end) * (rect.width - 2) - clientX);
      if (d <= bestD) {
        best = ch;
        bestD = d;
      }
    }
    return best;
  };

  return (
    <canvas
      ref={ref}
      className="markers"
      aria-hidden="true"
      onClick={(e) => {
        const ch = nearest(e.clientX, e.currentTarget.getBoundingClientRect());
        if (ch) onPick(ch);
      }}
      onMouseMove={(e) => {
        const ch = nearest(e.clientX, e.currentTarget.getBoundingClientRect());
        e.currentTarget.title = ch ? ch.label : '';
        e.currentTarget.style.cursor = ch ? 'pointer' : 'default';
      }}
    />
  );
}
