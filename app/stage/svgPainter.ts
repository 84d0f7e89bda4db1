// A small canvas-like painter that draws into one SVG element: the drawing code speaks
// the 2D-canvas API (beginPath, moveTo, stroke, globalAlpha...), and everything drawn in
// the same style is merged into one <path> — a frame of IPI arrows is a few dozen path
// elements whose `d` changes, not a bitmap re-rasterised and re-uploaded on the main
// thread every frame (which a 2D canvas is in software compositing). The browser then
// rasterises only the parts that changed, off the main thread.

/** A path under construction (the subset of Path2D the arrows use). */
export class SvgPath {
  d = '';
  private cx = 0;
  private cy = 0;
  moveTo(x: number, y: number): void {
    this.d += `M${r(x)} ${r(y)}`;
    this.cx = x;
    this.cy = y;
  }
  lineTo(x: number, y: number): void {
    this.d += `L${r(x)} ${r(y)}`;
    this.cx = x;
    this.cy = y;
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.d += `Q${r(cx)} ${r(cy)} ${r(x)} ${r(y)}`;
    this.cx = x;
    this.cy = y;
  }
  closePath(): void {
    this.d += 'Z';
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.d += `M${r(x)} ${r(y)}h${r(w)}v${r(h)}h${r(-w)}Z`;
  }
  roundRect(x: number, y: number, w: number, h: number, rad: number): void {
    const k = Math.max(0, Math.min(rad, w / 2, h / 2));
    if (k === 0) return this.rect(x, y, w, h);
    this.d +=
      `M${r(x + k)} ${r(y)}H${r(x + w - k)}A${r(k)} ${r(k)} 0 0 1 ${r(x + w)} ${r(y + k)}` +
      `V${r(y + h - k)}A${r(k)} ${r(k)} 0 0 1 ${r(x + w - k)} ${r(y + h)}` +
      `H${r(x + k)}A${r(k)} ${r(k)} 0 0 1 ${r(x)} ${r(y + h - k)}` +
      `V${r(y + k)}A${r(k)} ${r(k)} 0 0 1 ${r(x + k)} ${r(y)}Z`;
  }
  arc(x: number, y: number, rad: number, a0: number, a1: number): void {
    const full = Math.abs(a1 - a0) >= Math.PI * 2 - 1e-9;
    if (full) {
      // Two half circles (one arc command cannot draw a whole circle).
      this.d += `M${r(x - rad)} ${r(y)}A${r(rad)} ${r(rad)} 0 1 0 ${r(x + rad)} ${r(y)}A${r(rad)} ${r(rad)} 0 1 0 ${r(x - rad)} ${r(y)}`;
      this.cx = x - rad;
      this.cy = y;
      return;
    }
    const sx = x + rad * Math.cos(a0);
    const sy = y + rad * Math.sin(a0);
    const ex = x + rad * Math.cos(a1);
    const ey = y + rad * Math.sin(a1);
    const large = Math.abs(a1 - a0) > Math.PI ? 1 : 0;
    this.d += `${this.d ? 'L' : 'M'}${r(sx)} ${r(sy)}A${r(rad)} ${r(rad)} 0 ${large} 1 ${r(ex)} ${r(ey)}`;
    this.cx = ex;
    this.cy = ey;
  }
}

const r = (n: number) => Math.round(n * 10) / 10;

interface Group {
  fill: boolean;
  color: string;
  alpha: number;
  width: number;
  dash: string;
  cap: CanvasLineCap;
  d: string;
}

interface TextItem {
  text: string;
  x: number;
  y: number;
  font: string;
  anchor: string;
  baseline: string;
  fill: string;
  stroke: string;
  strokeWidth: number;
  alpha: number;
}

const ANCHOR: Record<string, string> = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };
const BASELINE: Record<string, string> = { top: 'text-before-edge', hanging: 'hanging', middle: 'central', alphabetic: 'auto', bottom: 'text-after-edge', ideographic: 'ideographic' };

/**
 * The canvas-like painter. Opacity is rounded (to sixteenths by default) so that what is
 * drawn in the same colour, width and dash at about the same opacity shares one path.
 */
export class SvgPainter {
  globalAlpha = 1;
  fillStyle = '#000';
  strokeStyle = '#000';
  lineWidth = 1;
  lineCap: CanvasLineCap = 'butt';
  lineJoin: CanvasLineJoin = 'miter';
  font = '10px sans-serif';
  textAlign: CanvasTextAlign = 'start';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  /** Opacity is rounded to 1/alphaSteps (fewer steps: fewer changes while fading). */
  alphaSteps = 16;
  private dash = '';
  private path = new SvgPath();
  private items = new Map<string, { groups: Map<string, Group>; texts: TextItem[] }>();
  private item = this.itemFor('');
  private groups = this.item.groups;
  private texts = this.item.texts;

  private itemFor(key: string) {
    let it = this.items.get(key);
    if (!it) this.items.set(key, (it = { groups: new Map<string, Group>(), texts: [] as TextItem[] }));
    return it;
  }

  /**
   * What follows belongs to the item `key` (one arrow, one bundle) until the next
   * call: each item is a <g> of its own, so a change to one arrow makes the browser
   * redraw that arrow's area only. Items keep the order of their first use.
   */
  begin(key: string): void {
    this.item = this.itemFor(key);
    this.groups = this.item.groups;
    this.texts = this.item.texts;
  }

  setLineDash(d: number[]): void {
    this.dash = d.length ? d.map(r).join(' ') : '';
  }
  beginPath(): void {
    this.path = new SvgPath();
  }
  moveTo(x: number, y: number): void {
    this.path.moveTo(x, y);
  }
  lineTo(x: number, y: number): void {
    this.path.lineTo(x, y);
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.path.quadraticCurveTo(cx, cy, x, y);
  }
  closePath(): void {
    this.path.closePath();
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.path.rect(x, y, w, h);
  }
  roundRect(x: number, y: number, w: number, h: number, rad: number): void {
    this.path.roundRect(x, y, w, h, rad);
  }
  arc(x: number, y: number, rad: number, a0: number, a1: number): void {
    this.path.arc(x, y, rad, a0, a1);
  }
  private add(fill: boolean, p: SvgPath | undefined): void {
    const d = (p ?? this.path).d;
    if (!d) return;
    const k = this.alphaSteps;
    const alpha = Math.round(Math.max(0, Math.min(1, this.globalAlpha)) * k) / k;
    if (alpha <= 0) return;
    const color = fill ? this.fillStyle : this.strokeStyle;
    const key = fill ? `f|${color}|${alpha}` : `s|${color}|${alpha}|${r(this.lineWidth)}|${this.dash}|${this.lineCap}`;
    const g = this.groups.get(key);
    if (g) g.d += d;
    else this.groups.set(key, { fill, color, alpha, width: this.lineWidth, dash: fill ? '' : this.dash, cap: this.lineCap, d });
  }
  fill(p?: SvgPath): void {
    this.add(true, p);
  }
  stroke(p?: SvgPath): void {
    this.add(false, p);
  }
  fillText(text: string, x: number, y: number): void {
    this.text(text, x, y, true);
  }
  strokeText(text: string, x: number, y: number): void {
    this.text(text, x, y, false);
  }
  private text(text: string, x: number, y: number, fill: boolean): void {
    const last = this.texts[this.texts.length - 1];
    // strokeText then fillText at the same place: one <text> with paint-order stroke.
    if (fill && last && last.text === text && last.x === x && last.y === y && !last.fill) {
      last.fill = this.fillStyle;
      return;
    }
    this.texts.push({
      text,
      x,
      y,
      font: this.font,
      anchor: ANCHOR[this.textAlign] ?? 'start',
      baseline: BASELINE[this.textBaseline] ?? 'auto',
      fill: fill ? this.fillStyle : '',
      stroke: fill ? '' : this.strokeStyle,
      strokeWidth: fill ? 0 : this.lineWidth,
      alpha: this.globalAlpha,
    });
  }
  /** Nothing drawn since the last flush. */
  get empty(): boolean {
    for (const it of this.items.values()) if (it.groups.size || it.texts.length) return false;
    return true;
  }

  /**
   * Puts what was drawn into `root`, one <g> per item (reusing the elements of the items
   * drawn last time: only attributes that changed are set), and starts a new frame.
   */
  flush(root: SVGGElement): void {
    const NS = 'http://www.w3.org/2000/svg';
    type El = SVGElement & { __xs?: Record<string, string>; __key?: string };
    const old = new Map<string, El>();
    // Items gone since the last frame leave first, so the others never move.
    for (const c of Array.from(root.childNodes) as El[]) {
      const it = c.__key !== undefined ? this.items.get(c.__key) : undefined;
      if (!it || (it.groups.size === 0 && it.texts.length === 0)) c.remove();
      else old.set(c.__key!, c);
    }
    let pos = 0;
    for (const [key, it] of this.items) {
      if (it.groups.size === 0 && it.texts.length === 0) continue;
      let g = old.get(key);
      if (g) old.delete(key);
      else {
        g = document.createElementNS(NS, 'g') as El;
        g.__key = key;
      }
      if (root.childNodes[pos] !== g) root.insertBefore(g, root.childNodes[pos] ?? null);
      pos++;
      fill(g as unknown as SVGGElement, it.groups, it.texts);
    }
    this.items = new Map();
    this.begin('');
    this.path = new SvgPath();
    this.globalAlpha = 1;

    function fill(g: SVGGElement, groups: Map<string, Group>, texts: TextItem[]): void {
      let i = 0;
      const at = (tag: 'path' | 'text'): El => {
        let el = g.childNodes[i] as El | undefined;
        if (!el || el.localName !== tag) {
          const made = document.createElementNS(NS, tag) as El;
          g.insertBefore(made, el ?? null);
          el = made;
        }
        i++;
        if (!el.__xs) el.__xs = {};
        return el;
      };
      const set = (el: El, name: string, value: string) => {
        if (el.__xs![name] === value) return;
        el.__xs![name] = value;
        if (value === '') el.removeAttribute(name);
        else el.setAttribute(name, value);
      };
      for (const grp of groups.values()) {
        const el = at('path');
        set(el, 'd', grp.d);
        if (grp.fill) {
          set(el, 'fill', grp.color);
          set(el, 'fill-opacity', grp.alpha === 1 ? '' : String(grp.alpha));
          set(el, 'stroke', '');
          set(el, 'stroke-opacity', '');
          set(el, 'stroke-width', '');
          set(el, 'stroke-dasharray', '');
          set(el, 'stroke-linecap', '');
        } else {
          set(el, 'fill', 'none');
          set(el, 'fill-opacity', '');
          set(el, 'stroke', grp.color);
          set(el, 'stroke-opacity', grp.alpha === 1 ? '' : String(grp.alpha));
          set(el, 'stroke-width', String(r(grp.width)));
          set(el, 'stroke-dasharray', grp.dash);
          set(el, 'stroke-linecap', grp.cap === 'butt' ? '' : grp.cap);
        }
      }
      for (const t of texts) {
        const el = at('text');
        set(el, 'x', String(r(t.x)));
        set(el, 'y', String(r(t.y)));
        set(el, 'text-anchor', t.anchor);
        set(el, 'dominant-baseline', t.baseline);
        set(el, 'fill', t.fill || 'none');
        set(el, 'stroke', t.stroke);
        set(el, 'stroke-width', t.stroke ? String(t.strokeWidth) : '');
        set(el, 'paint-order', t.stroke ? 'stroke' : '');
        set(el, 'stroke-linejoin', t.stroke ? 'round' : '');
        set(el, 'opacity', t.alpha >= 1 ? '' : String(Math.round(t.alpha * 16) / 16));
        if (el.__xs!.font !== t.font) {
          el.__xs!.font = t.font;
          (el as unknown as SVGTextElement).style.font = t.font;
        }
        if (el.textContent !== t.text) el.textContent = t.text;
      }
      while (g.childNodes.length > i) g.removeChild(g.lastChild!);
    }
  }
}
