// One drawing interface, two outputs: a 2D canvas (video frames, PNG) and SVG text (the
// SVG export, styled only with attributes so it renders the same anywhere: no external
// CSS, no CSS variables). The scene (scene.ts) draws through it.

export const SANS = 'system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
export const MONO = '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace';

export interface ShapeStyle {
  fill?: string;
  stroke?: string;
  lw?: number;
  /** Dash lengths (px). */
  dash?: number[];
  alpha?: number;
  /** Corner radius (rects). */
  r?: number;
}

export interface TextStyle {
  size: number;
  fill: string;
  weight?: number;
  anchor?: 'start' | 'middle' | 'end';
  mono?: boolean;
  /** Cut with an ellipsis to this width. */
  maxW?: number;
  alpha?: number;
}

/** The time-space diagram's picture, drawn by the caller's code into a canvas. */
export type RasterDraw = (ctx: CanvasRenderingContext2D, w: number, h: number) => void;

export interface Painter {
  rect(x: number, y: number, w: number, h: number, s: ShapeStyle): void;
  path(d: string, s: ShapeStyle): void;
  text(x: number, y: number, text: string, s: TextStyle): void;
  /** Text width with this style (for layout). */
  measure(text: string, s: Pick<TextStyle, 'size' | 'weight' | 'mono'>): number;
  /** A raster region (the diagram): `key` names it for caching. */
  raster(x: number, y: number, w: number, h: number, key: string, draw: RasterDraw): void;
}

export function fontOf(s: Pick<TextStyle, 'size' | 'weight' | 'mono'>): string {
  return `${s.weight ?? 400} ${Math.round(s.size * 10) / 10}px ${s.mono ? MONO : SANS}`;
}

/** `text` cut to fit `maxW` with an ellipsis (binary search on the length). */
export function fit(text: string, maxW: number | undefined, width: (t: string) => number): string {
  if (maxW === undefined || width(text) <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (width(text.slice(0, mid) + '…') <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? text.slice(0, lo) + '…' : '';
}

// --- canvas ---------------------------------------------------------------------------

export class CanvasPainter implements Painter {
  private widths = new Map<string, number>();
  /** Rasters already drawn at this size (the diagram's base is drawn once per export). */
  readonly rasters = new Map<string, HTMLCanvasElement | OffscreenCanvas>();

  constructor(
    readonly ctx: CanvasRenderingContext2D,
    /** Device pixels per layout pixel (rasters are drawn at this density). */
    readonly density = 1,
  ) {}

  private style(s: ShapeStyle) {
    const c = this.ctx;
    c.globalAlpha = s.alpha ?? 1;
    c.setLineDash(s.dash ?? []);
    if (s.lw !== undefined) c.lineWidth = s.lw;
  }

  rect(x: number, y: number, w: number, h: number, s: ShapeStyle): void {
    const c = this.ctx;
    this.style(s);
    c.beginPath();
    if (s.r) c.roundRect(x, y, w, h, s.r);
    else c.rect(x, y, w, h);
    if (s.fill) {
      c.fillStyle = s.fill;
      c.fill();
    }
    if (s.stroke) {
      c.strokeStyle = s.stroke;
      c.stroke();
    }
    c.globalAlpha = 1;
  }

  path(d: string, s: ShapeStyle): void {
    const c = this.ctx;
    this.style(s);
    const p = new Path2D(d);
    if (s.fill) {
      c.fillStyle = s.fill;
      c.fill(p);
    }
    if (s.stroke) {
      c.strokeStyle = s.stroke;
      c.lineCap = 'round';
      c.stroke(p);
    }
    c.globalAlpha = 1;
    c.setLineDash([]);
  }

  measure(text: string, s: Pick<TextStyle, 'size' | 'weight' | 'mono'>): number {
    const font = fontOf(s);
    const key = `${font}|${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      this.ctx.font = font;
      w = this.ctx.measureText(text).width;
      if (this.widths.size > 20_000) this.widths.clear();
      this.widths.set(key, w);
    }
    return w;
  }

  text(x: number, y: number, text: string, s: TextStyle): void {
    const c = this.ctx;
    const t = fit(text, s.maxW, (u) => this.measure(u, s));
    if (!t) return;
    c.globalAlpha = s.alpha ?? 1;
    c.font = fontOf(s);
    c.fillStyle = s.fill;
    c.textAlign = s.anchor === 'middle' ? 'center' : s.anchor === 'end' ? 'right' : 'left';
    c.textBaseline = 'alphabetic';
    c.fillText(t, x, y);
    c.globalAlpha = 1;
  }

  raster(x: number, y: number, w: number, h: number, key: string, draw: RasterDraw): void {
    // Keys starting with "!" change every frame: their canvas is reused and redrawn.
    const volatile = key.startsWith('!');
    const k = `${key}|${w}x${h}@${this.density}`;
    let img = this.rasters.get(k);
    if (!img || volatile) {
      if (!img) {
        img = makeCanvas(Math.max(1, Math.round(w * this.density)), Math.max(1, Math.round(h * this.density)));
        this.rasters.set(k, img);
      }
      const c = img.getContext('2d') as CanvasRenderingContext2D | null;
      if (c) {
        c.setTransform(1, 0, 0, 1, 0, 0);
        c.clearRect(0, 0, img.width, img.height);
        c.setTransform(this.density, 0, 0, this.density, 0, 0);
        draw(c, w, h);
      }
    }
    this.ctx.drawImage(img as CanvasImageSource, x, y, w, h);
  }
}

export function makeCanvas(w: number, h: number): HTMLCanvasElement | OffscreenCanvas {
  if (typeof document !== 'undefined') {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    return c;
  }
  if (typeof OffscreenCanvas === 'undefined') throw new Error('no canvas here');
  return new OffscreenCanvas(w, h);
}

// --- SVG ------------------------------------------------------------------------------

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number) => String(Math.round(n * 100) / 100);

export class SvgPainter implements Painter {
  readonly parts: string[] = [];

  constructor(
    /** Text widths (a canvas context measures; the SVG viewer's fonts may differ a little). */
    private readonly measureWith: (text: string, font: string) => number,
    /** Rasters as PNG data URLs, drawn at this density. */
    private readonly rasterDensity = 2,
  ) {}

  private shape(s: ShapeStyle): string {
    let a = ` fill="${s.fill ? esc(s.fill) : 'none'}"`;
    if (s.stroke) a += ` stroke="${esc(s.stroke)}" stroke-width="${num(s.lw ?? 1)}"`;
    if (s.dash?.length) a += ` stroke-dasharray="${s.dash.map(num).join(' ')}"`;
    if (s.alpha !== undefined && s.alpha < 1) a += ` opacity="${num(s.alpha)}"`;
    return a;
  }

  rect(x: number, y: number, w: number, h: number, s: ShapeStyle): void {
    const r = s.r ? ` rx="${num(s.r)}"` : '';
    this.parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}"${r}${this.shape(s)}/>`);
  }

  path(d: string, s: ShapeStyle): void {
    const cap = s.stroke ? ' stroke-linecap="round"' : '';
    this.parts.push(`<path d="${esc(d)}"${this.shape(s)}${cap}/>`);
  }

  measure(text: string, s: Pick<TextStyle, 'size' | 'weight' | 'mono'>): number {
    return this.measureWith(text, fontOf(s));
  }

  text(x: number, y: number, text: string, s: TextStyle): void {
    const t = fit(text, s.maxW, (u) => this.measure(u, s));
    if (!t) return;
    const anchor = s.anchor && s.anchor !== 'start' ? ` text-anchor="${s.anchor}"` : '';
    const weight = s.weight && s.weight !== 400 ? ` font-weight="${s.weight}"` : '';
    const op = s.alpha !== undefined && s.alpha < 1 ? ` opacity="${num(s.alpha)}"` : '';
    const family = esc(s.mono ? MONO : SANS);
    this.parts.push(
      `<text x="${num(x)}" y="${num(y)}" font-family="${family}" font-size="${num(s.size)}"${weight} fill="${esc(s.fill)}"${anchor}${op} xml:space="preserve">${esc(t)}</text>`,
    );
  }

  raster(x: number, y: number, w: number, h: number, _key: string, draw: RasterDraw): void {
    let c: HTMLCanvasElement;
    try {
      c = makeCanvas(Math.max(1, Math.round(w * this.rasterDensity)), Math.max(1, Math.round(h * this.rasterDensity))) as HTMLCanvasElement;
    } catch {
      return; // no canvas (a test outside a browser): the rest of the picture is vector anyway
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(this.rasterDensity, 0, 0, this.rasterDensity, 0, 0);
    draw(ctx, w, h);
    const url = c.toDataURL('image/png');
    this.parts.push(`<image x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" href="${url}" preserveAspectRatio="none"/>`);
  }
}
