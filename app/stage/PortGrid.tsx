// The event channels: evtchn_pending and evtchn_mask as bit grids over the allocated
// port range, grouped by selector word (2-level) or by the notify vCPU's queues (FIFO).
// The most readable mode that fits is used:
// - labelled: a cell per port with its number, /proc/interrupts name, notify vCPU, P/M;
// - table: per word, a /proc/interrupts-like table (rows: notify vCPU; columns: kind);
// - register: the bitmap in port order with names written vertically above;
// - bitmap: small cells only (hundreds of ports) plus a labelled list of pending ports.
// In every mode a cell's top half (or P box) is PENDING and its bottom half (or M box)
// MASK, and masked + pending — the lost edge — gets a thick outline.

import { memo, useCallback, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import { isLostEdge, portDetails, portName, portTable, rangesText, type PortCell, type PortGroup } from './ports';

export type PortMode = 'labelled' | 'table' | 'register' | 'bitmap';

export interface PortLayout {
  mode: PortMode;
  /** Cells per row (labelled, register, bitmap); for tables, the widest table's columns. */
  cols: number;
  cellW: number;
  cellH: number;
  gap: number;
  /** register and table: height of the band of vertical names. */
  labelH: number;
  /** table: width of the row-header column. */
  headW: number;
  /** table: one row per kind of port (`resched`), one column per vCPU — /proc/interrupts' shape. */
  kindRows?: boolean;
}

const HEAD_EM = 1.9;
const DETAILS_EM = 2.6;

function pow2Cols(width: number, minCell: number, gap: number, max: number): number {
  let cols = 1;
  while (cols * 2 * (minCell + gap) <= width + gap && cols * 2 <= max) cols *= 2;
  return cols;
}

/**
 * The groups a table is drawn for: each selector word (2-level), or, for FIFO, all
 * queues in one table whose columns are the notify vCPUs (READY under each).
 */
export function tableGroups(groups: readonly PortGroup[]): PortGroup[] {
  if (groups.length === 0 || groups[0].kind !== 'queue') return groups.slice();
  const cells = groups.flatMap((g) => g.cells).sort((a, b) => a.port - b.port);
  return [{ key: 'fifo', kind: 'queue', id: -1, title: 'queues', cells, flags: [] }];
}

const vtextH = (chars: number, f: number) => Math.ceil(chars * 0.62 * 0.72 * f + 0.5 * f);

/** The most readable mode that fits `width` × `height` px at font size `f`. */
export function layoutPorts(groups: readonly PortGroup[], width: number, height: number, f: number, wordBits: number): PortLayout {
  const total = groups.reduce((n, g) => n + g.cells.length, 0);
  const rowsOf = (cols: number) => groups.reduce((n, g) => n + Math.ceil(g.cells.length / cols), 0);
  const fixed = groups.length * HEAD_EM * f + DETAILS_EM * f;
  // labelled
  {
    const gap = 3;
    const cols = Math.max(1, Math.floor((width + gap) / (6.4 * f + gap)));
    const cellH = Math.round(2.5 * f);
    if (total <= 160 && fixed + rowsOf(cols) * (cellH + gap) <= height) {
      return { mode: 'labelled', cols, cellW: Math.floor((width - (cols - 1) * gap) / cols), cellH, gap, labelH: 0, headW: 0 };
    }
  }
  // table: /proc/interrupts-like, kinds as rows and vCPUs as columns (horizontal names),
  // or transposed (kinds as columns with vertical names) when that is what fits.
  if (total <= 640) {
    const gap = 2;
    let digits = 1;
    let widestKinds = 0;
    let widestVcpus = 0;
    let longest = 0;
    const tfixed = tableGroups(groups).length * HEAD_EM * f + DETAILS_EM * f;
    let needRows = tfixed;
    let needCols = tfixed;
    const tgroups = tableGroups(groups);
    for (const g of tgroups) {
      const t = portTable(g);
      widestKinds = Math.max(widestKinds, t.kinds.length);
      widestVcpus = Math.max(widestVcpus, t.rows.length);
      for (const k of t.kinds) longest = Math.max(longest, k.length);
      for (const c of g.cells) digits = Math.max(digits, String(c.port).length);
    }
    const cellH = Math.round(1.55 * f);
    const cellW = Math.round(Math.max(2.3, digits * 0.55 + 1.3) * f);
    for (const g of tgroups) {
      const t = portTable(g);
      needRows += 1.35 * f + t.kinds.length * (cellH + gap) + 0.3 * f;
      needCols += vtextH(longest, f) + t.rows.length * (cellH + gap) + 0.3 * f;
    }
    const kindW = Math.ceil(longest * 0.6 * 0.8 * f + 0.6 * f);
    if (widestKinds > 0 && kindW + widestVcpus * (cellW + gap) <= width && needRows <= height) {
      return { mode: 'table', cols: widestVcpus, cellW, cellH, gap, labelH: Math.round((groups[0]?.kind === 'queue' ? 2.3 : 1.35) * f), headW: kindW, kindRows: true };
    }
    const headW = Math.round(3.4 * f);
    if (widestKinds > 0 && headW + widestKinds * (cellW + gap) <= width && needCols <= height) {
      return { mode: 'table', cols: widestKinds, cellW, cellH, gap, labelH: vtextH(longest, f), headW, kindRows: false };
    }
  }
  // register
  if (total <= 192) {
    const gap = 2;
    const cols = pow2Cols(width, 1.3 * f, gap, wordBits);
    let longest = 0;
    for (const g of groups) for (const c of g.cells) longest = Math.max(longest, `${c.port} ${c.label}`.length);
    const labelH = vtextH(longest, f);
    const cellH = Math.round(1.3 * f);
    if (cols >= 8 && fixed + rowsOf(cols) * (labelH + cellH + gap + 4) <= height) {
      return { mode: 'register', cols, cellW: Math.floor((width - (cols - 1) * gap) / cols), cellH, gap, labelH, headW: 0 };
    }
  }
  const s = Math.max(9, Math.round(1.05 * f));
  const cols = pow2Cols(width, s, 2, wordBits);
  return { mode: 'bitmap', cols, cellW: Math.floor((width - (cols - 1) * 2) / cols), cellH: s, gap: 2, labelH: 0, headW: 0 };
}

interface Props {
  /** Changes whenever any cell's drawing changes (the memo key). */
  signature: string;
  groups: PortGroup[];
  abi: string;
  layout: PortLayout;
  /** Ports an in-flight IPI is heading for. */
  hotPorts: ReadonlySet<number>;
  /** vCPU pointed at elsewhere (its ports are highlighted). */
  linkedVcpu: number | null;
}

function Bits({ c }: { c: PortCell }) {
  return (
    <span className="xs-pbits xs-mono" aria-hidden="true">
      <span className="xs-bit" data-kind="pending" data-on={c.pending ? '1' : '0'}>
        P
      </span>
      <span className="xs-bit" data-kind="mask" data-on={c.masked ? '1' : '0'}>
        M
      </span>
    </span>
  );
}

interface CellProps {
  c: PortCell;
  i: number;
  mode: PortMode;
  focusable: boolean;
  hot: boolean;
  dim: boolean;
  fifo: boolean;
  onFocus(i: number): void;
  style?: CSSProperties;
}

function Cell({ c, i, mode, focusable, hot, dim, fifo, onFocus, style }: CellProps) {
  const common = {
    role: 'gridcell',
    'aria-label': portName(c),
    title: portDetails(c, fifo ? 'fifo' : '2l'),
    tabIndex: focusable ? 0 : -1,
    'data-i': i,
    'data-free': c.allocated ? '0' : '1',
    'data-reserved': c.reserved ? '1' : '0',
    'data-lost': isLostEdge(c) ? '1' : '0',
    'data-hot': hot ? '1' : '0',
    'data-dim': dim ? '1' : '0',
    onFocus: () => onFocus(i),
    onPointerEnter: () => onFocus(i),
    style,
  } as const;
  if (mode === 'register' || mode === 'bitmap') {
    return (
      <div {...common} className="xs-pcell xs-pcell-b">
        <span className="xs-h-p" data-on={c.pending ? '1' : '0'} />
        <span className="xs-h-m" data-on={c.masked ? '1' : '0'} />
        {fifo && c.linked ? <span className="xs-linked-dot" aria-hidden="true" /> : null}
      </div>
    );
  }
  if (mode === 'table') {
    // The number sits on the PENDING area (filled when set) over the MASK bar (filled when set).
    return (
      <div {...common} className="xs-pcell xs-pcell-t" data-p={c.pending ? '1' : '0'} data-m={c.masked ? '1' : '0'}>
        <span className="xs-pnum xs-mono" aria-hidden="true">
          {c.port}
        </span>
        {fifo ? (
          <span className="xs-prio" aria-hidden="true">
            {c.linked ? 'L' : ''}
            {c.prio !== 7 ? `p${c.prio}` : ''}
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <div {...common} className="xs-pcell xs-pcell-l">
      <Bits c={c} />
      <span className="xs-pnum xs-mono" aria-hidden="true">
        {c.port}
        {fifo ? <span className="xs-prio"> p{c.prio}</span> : null}
        {fifo && c.linked ? <span className="xs-linked"> L</span> : null}
      </span>
      <span className="xs-pcpu-of" aria-hidden="true">
        {c.vcpu >= 0 ? `→${c.vcpu}` : ''}
      </span>
      <span className="xs-plabel xs-mono" aria-hidden="true">
        {c.label}
      </span>
    </div>
  );
}

function chunks<T>(a: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += Math.max(1, n)) out.push(a.slice(i, i + Math.max(1, n)));
  return out;
}

function GroupHead({ g, extra }: { g: PortGroup; extra?: string }) {
  return (
    <div role="rowheader" className="xs-pgroup-head">
      {g.kind === 'word' ? (
        <>
          <b>word {g.id}</b>
          <span className="xs-mono">
            ports {g.cells[0]?.port}–{g.cells[g.cells.length - 1]?.port}
          </span>
          <span className="xs-note">
            {g.flags.length ? `selector bit ${g.id} set on vCPU ${g.flags.join(', ')}` : `selector bit ${g.id} clear on every vCPU`}
          </span>
        </>
      ) : g.id < 0 ? (
        <>
          <b>per-vCPU queues</b>
          <span className="xs-note">columns: notify vCPU, with its READY priorities; L = LINKED, p0 = priority 0</span>
        </>
      ) : (
        <>
          <b>vCPU {g.id}</b>
          <span className="xs-note">READY {g.flags.length ? g.flags.map((p) => `P${p}`).join(' ') : 'none'}</span>
        </>
      )}
      {extra ? <span className="xs-note">{extra}</span> : null}
    </div>
  );
}

function PortGridImpl({ groups, abi, layout, hotPorts, linkedVcpu }: Props) {
  const fifo = abi === 'fifo';
  const [focusIdx, setFocusIdx] = useState(0);
  const [shownPort, setShownPort] = useState<number | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  const flatRef = useRef<PortCell[]>([]);

  const onFocusCell = useCallback((i: number) => {
    setShownPort(flatRef.current[i]?.port ?? null);
  }, []);

  const flat: PortCell[] = [];
  const cellProps = (c: PortCell, style?: CSSProperties): CellProps => {
    const idx = flat.push(c) - 1;
    return {
      c,
      i: idx,
      mode: layout.mode,
      focusable: idx === focusIdx,
      hot: hotPorts.has(c.port),
      dim: linkedVcpu !== null && c.allocated && c.vcpu !== linkedVcpu,
      fifo,
      onFocus: onFocusCell,
      style,
    };
  };

  const cellsStyle: CSSProperties = {
    gridTemplateColumns: `repeat(${layout.cols}, ${layout.cellW}px)`,
    gridAutoRows: `${layout.cellH}px`,
    gap: layout.gap,
  };

  const ready = new Map(groups.filter((g) => g.kind === 'queue').map((g) => [g.id, g.flags]));
  const rows: ReactNode[] = (layout.mode === 'table' ? tableGroups(groups) : groups).map((g) => {
    if (layout.mode === 'table') {
      const t = portTable(g);
      const extra = [t.reserved ? 'port 0 reserved' : '', t.free.length ? `free: ${rangesText(t.free)}` : ''].filter(Boolean).join(' · ');
      const across = layout.kindRows ? t.rows.length : t.kinds.length;
      const style: CSSProperties = {
        display: 'grid',
        gridTemplateColumns: `${layout.headW}px repeat(${across}, ${layout.cellW}px)`,
        gridTemplateRows: `${layout.labelH}px`,
        gridAutoRows: `${layout.cellH}px`,
        gap: layout.gap,
      };
      const empty = (key: string) => <span key={key} className="xs-pempty" aria-hidden="true" />;
      return (
        <div role="row" key={g.key} className="xs-pgroup">
          <GroupHead g={g} extra={extra} />
          <div className="xs-ptable" style={style}>
            <span aria-hidden="true" />
            {layout.kindRows ? (
              <>
                {t.rows.map((r) => (
                  <span key={`v${r.vcpu}`} className="xs-pcolhead" aria-hidden="true">
                    {r.vcpu === t.rows[0].vcpu ? `vCPU ${r.vcpu}` : r.vcpu}
                    {fifo ? <span className="xs-ready">{(ready.get(r.vcpu) ?? []).map((p) => `P${p}`).join(' ') || '—'}</span> : null}
                  </span>
                ))}
                {t.kinds.map((k, j) => [
                  <span key={`k${k}`} className="xs-prowhead xs-mono" aria-hidden="true">
                    {k}
                  </span>,
                  ...t.rows.map((r) => {
                    const c = r.cells[j];
                    return c ? <Cell key={c.port} {...cellProps(c)} /> : empty(`e${k}:${r.vcpu}`);
                  }),
                ])}
              </>
            ) : (
              <>
                {t.kinds.map((k) => (
                  <span key={k} className="xs-vlabel xs-mono" aria-hidden="true">
                    {k}
                  </span>
                ))}
                {t.rows.map((r) => [
                  <span key={`h${r.vcpu}`} className="xs-prowhead" aria-hidden="true">
                    vCPU {r.vcpu}
                  </span>,
                  ...r.cells.map((c, j) => (c ? <Cell key={c.port} {...cellProps(c)} /> : empty(`e${r.vcpu}:${j}`))),
                ])}
              </>
            )}
          </div>
        </div>
      );
    }
    return (
      <div role="row" key={g.key} className="xs-pgroup">
        <GroupHead g={g} />
        {chunks(g.cells, layout.mode === 'labelled' ? g.cells.length : layout.cols).map((row) => (
          <div key={row[0].port} className="xs-prow">
            {layout.mode === 'register' ? (
              <div className="xs-plabels" aria-hidden="true" style={{ ...cellsStyle, gridAutoRows: `${layout.labelH}px` }}>
                {row.map((c) => (
                  <span key={c.port} className="xs-vlabel xs-mono" data-free={c.allocated ? '0' : '1'} data-lost={isLostEdge(c) ? '1' : '0'}>
                    <b>{c.port}</b> {c.allocated || c.reserved ? c.label : ''}
                  </span>
                ))}
              </div>
            ) : null}
            <div className="xs-pcells" style={cellsStyle}>
              {row.map((c) => (
                <Cell key={c.port} {...cellProps(c)} />
              ))}
            </div>
          </div>
        ))}
      </div>
    );
  });
  flatRef.current = flat;
  const shown = shownPort === null ? null : (flat.find((c) => c.port === shownPort) ?? null);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(flat.length - 1, to));
    setFocusIdx(i);
    grid.current?.querySelector<HTMLElement>(`[data-i="${i}"]`)?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: layout.cols, ArrowUp: -layout.cols };
    if (e.key in step) move(focusIdx + step[e.key]);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(flat.length - 1);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const hot =
    layout.mode === 'bitmap'
      ? flat.filter((c) => c.allocated && (c.pending || hotPorts.has(c.port) || (fifo && c.linked))).slice(0, 12)
      : [];

  return (
    <div className="xs-ports">
      {hot.length ? (
        <div>
          <div className="xs-ports-summary">Pending now</div>
          <ul className="xs-hot-list" aria-label="Pending event channels">
            {hot.map((c) => (
              <li key={c.port} className="xs-hot" data-lost={isLostEdge(c) ? '1' : '0'} title={portDetails(c, abi)}>
                <Bits c={c} />
                <b className="xs-mono">{c.port}</b> <span className="xs-mono">{c.label}</span>
                <span className="xs-pcpu-of">→{c.vcpu}</span>
                <span className="xs-vh">{portName(c)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div ref={grid} role="grid" aria-label="Event channels" aria-readonly="true" className="xs-ports" onKeyDown={onKey}>
        {rows}
      </div>
      <div className="xs-pdetails" aria-hidden="true">
        {shown
          ? portDetails(shown, abi)
          : layout.mode === 'labelled'
            ? ' '
            : layout.mode === 'table'
              ? 'Filled = PENDING, dark bar below = MASK. Point at a cell, or focus it and use the arrow keys.'
              : 'Top half: PENDING, bottom half: MASK. Point at a cell, or focus it and use the arrow keys.'}
      </div>
    </div>
  );
}

export const PortGrid = memo(
  PortGridImpl,
  (a, b) => a.signature === b.signature && a.layout === b.layout && a.hotPorts === b.hotPorts && a.linkedVcpu === b.linkedVcpu && a.abi === b.abi,
);

/** A compact string that changes whenever a cell's picture changes. */
export function portsSignature(groups: readonly PortGroup[]): string {
  let s = '';
  for (const g of groups) {
    s += `|${g.key}:${g.flags.join(',')}:`;
    for (const c of g.cells) {
      s += (c.allocated ? 1 : 0) + (c.pending ? 2 : 0) + (c.masked ? 4 : 0) + (c.linked ? 8 : 0) + ',';
      s += `${c.label}${c.vcpu}p${c.prio};`;
    }
  }
  return s;
}
