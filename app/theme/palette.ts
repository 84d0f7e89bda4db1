// Colours of the playground, per theme. Built on the Okabe–Ito palette (safe for the
// common colour-vision deficiencies); meaning is never carried by colour alone — every
// coloured mark also has a label, a pattern or a shape (see the legend).
// The shell writes these as CSS custom properties on the document root; SVG uses
// `var(--name)`, canvas code reads them with `readPalette()`.

export type ThemeName = 'light' | 'dark' | 'projector';
export const THEMES: ThemeName[] = ['light', 'dark', 'projector'];

const OI = {
  black: '#000000',
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
};

export interface Palette {
  bg: string;
  panel: string;
  fg: string;
  muted: string;
  border: string;
  accent: string;
  focus: string;
  /** Runstates. */
  running: string;
  runnable: string;
  blocked: string;
  offline: string;
  /** IPI vectors (arrows, handled counts). */
  RESCHEDULE: string;
  CALL_FUNCTION: string;
  CALL_FUNCTION_SINGLE: string;
  IRQ_WORK: string;
  SPIN_UNLOCK: string;
  NMI: string;
  /** Bits: set pending, set mask, the selector/upcall flags. */
  pending: string;
  masked: string;
  hypercall: string;
  danger: string;
  /** Base font size in px (projector is larger). */
  fontSize: number;
  /** Added for the stage (app/stage): */
  /** Masked AND pending: the "lost edge" a student must learn to see (outline/emphasis). */
  lostEdge: string;
  /** FIFO LINKED bit. */
  linked: string;
  /** Playhead line in the time-space diagram. */
  playhead: string;
  /** Selected / hovered event highlight. */
  selection: string;
  /** Alternating lane / row background (subtle). */
  laneAlt: string;
  /** Grid lines and axis ticks. */
  grid: string;
  /** Stroke width of arrows, bars, outlines in px (projector is thicker). */
  lineWidth: number;
}

export const PALETTES: Record<ThemeName, Palette> = {
  light: {
    bg: '#fbfbfa',
    panel: '#ffffff',
    fg: '#1b1b1b',
    muted: '#5d5d5d',
    border: '#d4d4d0',
    accent: OI.blue,
    focus: OI.orange,
    running: OI.green,
    runnable: OI.vermillion,
    blocked: OI.sky,
    offline: '#a9a9a9',
    RESCHEDULE: OI.blue,
    CALL_FUNCTION: OI.orange,
    CALL_FUNCTION_SINGLE: '#B58900',
    IRQ_WORK: OI.purple,
    SPIN_UNLOCK: OI.green,
    NMI: OI.vermillion,
    pending: OI.orange,
    masked: '#4d4d4d',
    hypercall: '#3a3a3a',
    danger: OI.vermillion,
    fontSize: 14,
    lostEdge: '#C00000',
    linked: OI.blue,
    playhead: '#C00000',
    selection: OI.blue,
    laneAlt: '#f1f1ee',
    grid: '#e2e2de',
    lineWidth: 1.5,
  },
  dark: {
    bg: '#15171a',
    panel: '#1d2024',
    fg: '#ececec',
    muted: '#a6a6a6',
    border: '#3a3e44',
    accent: OI.sky,
    focus: OI.yellow,
    running: OI.green,
    runnable: OI.vermillion,
    blocked: OI.blue,
    offline: '#5c5c5c',
    RESCHEDULE: OI.sky,
    CALL_FUNCTION: OI.orange,
    CALL_FUNCTION_SINGLE: OI.yellow,
    IRQ_WORK: OI.purple,
    SPIN_UNLOCK: OI.green,
    NMI: OI.vermillion,
    pending: OI.orange,
    masked: '#c8c8c8',
    hypercall: '#d0d0d0',
    danger: '#ff7a3d',
    fontSize: 14,
    lostEdge: '#ff6b6b',
    linked: OI.sky,
    playhead: '#ff6b6b',
    selection: OI.yellow,
    laneAlt: '#1a1c20',
    grid: '#2c3036',
    lineWidth: 1.5,
  },
  projector: {
    bg: '#ffffff',
    panel: '#ffffff',
    fg: '#000000',
    muted: '#333333',
    border: '#000000',
    accent: OI.blue,
    focus: OI.vermillion,
    running: OI.green,
    runnable: OI.vermillion,
    blocked: OI.sky,
    offline: '#8c8c8c',
    RESCHEDULE: OI.blue,
    CALL_FUNCTION: OI.orange,
    CALL_FUNCTION_SINGLE: '#8a6d00',
    IRQ_WORK: OI.purple,
    SPIN_UNLOCK: OI.green,
    NMI: OI.vermillion,
    pending: OI.orange,
    masked: '#000000',
    hypercall: '#000000',
    danger: OI.vermillion,
    fontSize: 20,
    lostEdge: '#C00000',
    linked: OI.blue,
    playhead: '#C00000',
    selection: OI.blue,
    laneAlt: '#eeeeee',
    grid: '#9a9a9a',
    lineWidth: 3,
  },
};

/** CSS custom properties for a theme: `--bg`, `--running`, `--vec-RESCHEDULE`, ... */
export function cssVars(theme: ThemeName): Record<string, string> {
  const p = PALETTES[theme];
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    const name = k.toUpperCase() === k || k.startsWith('CALL') ? `--vec-${k}` : `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    vars[name] = typeof v === 'number' ? `${v}px` : v;
  }
  return vars;
}

/** The palette of a theme (for canvas drawing). */
export function readPalette(theme: ThemeName): Palette {
  return PALETTES[theme];
}

/** Dash pattern per IPI vector, so arrows differ without colour too. */
export const VECTOR_DASH: Record<string, string> = {
  RESCHEDULE: '',
  CALL_FUNCTION: '8 4',
  CALL_FUNCTION_SINGLE: '2 3',
  IRQ_WORK: '10 3 2 3',
  SPIN_UNLOCK: '1 2',
  NMI: '12 2',
};
