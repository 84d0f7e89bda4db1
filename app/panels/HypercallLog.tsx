// The hypercall log up to the playhead: one row per call, runs of the same call from the
// same vCPU collapsed ("SCHEDOP_yield ×252"). Linked both ways with the diagram: hovering
// or clicking a row hovers/selects its event; when another view selects an event, the
// log scrolls to its row.

import { memo } from 'react';
import { usePlayground, useActions } from '../store/context';
import { useRowHeight, useThrottled, useTimeline } from '../shell/hooks';
import { formatTime } from '../store/printk';
import type { HcRow } from '../store/traceIndex';
import { VirtualList } from './VirtualList';

/** Arguments as a reader writes them: `{vcpu: 1, cr3: 0x1000}` → `vcpu=1 cr3=4096`. */
export function formatArgs(args: unknown): string {
  if (args === null || typeof args !== 'object') return args === undefined ? '' : JSON.stringify(args);
  const parts = Object.entries(args as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.join(' ');
}

export function formatResult(ret: number, errno?: string): string {
  return errno ? `${ret} ${errno}` : String(ret);
}

/** The accessible name of a log row. */
export function hcRowName(r: HcRow, count: number): string {
  const args = formatArgs(r.args);
  return `${formatTime(r.t)}, vCPU ${r.vcpu}, ${r.op}${args ? ` ${args}` : ''}, returned ${formatResult(r.ret, r.errno)}${count > 1 ? `, ${count} times` : ''}`;
}

const Row = memo(function Row({
  row,
  count,
  selected,
  hovered,
  onHover,
  onSelect,
}: {
  row: HcRow;
  count: number;
  selected: boolean;
  hovered: boolean;
  onHover(i: number | null): void;
  onSelect(i: number): void;
}) {
  return (
    <button
      type="button"
      className={`logrow hcrow${selected ? ' is-selected' : ''}${hovered ? ' is-hovered' : ''}${row.ret < 0 ? ' is-error' : ''}`}
      aria-pressed={selected}
      aria-label={hcRowName(row, count)}
      onMouseEnter={() => onHover(row.first)}
      onMouseLeave={() => onHover(null)}
      onFocus={() => onHover(row.first)}
      onBlur={() => onHover(null)}
      onClick={() => onSelect(row.first)}
    >
      <span className="c-time mono">{formatTime(row.t)}</span>
      <span className="c-vcpu">v{row.vcpu}</span>
      <span className="c-op mono">{row.op}</span>
      <span className="c-args mono">{formatArgs(row.args)}</span>
      <span className="c-ret mono">→ {formatResult(row.ret, row.errno)}</span>
      {count > 1 ? <span className="c-count">×{count}</span> : null}
    </button>
  );
});

export function HypercallLog() {
  const tl = useTimeline();
  const actions = useActions();
  const index = useThrottled((s) => s.playback.index, 150);
  const selected = usePlayground((s) => s.view.selectedEvent);
  const hovered = usePlayground((s) => s.view.hoveredEvent);
  const rowH = useRowHeight();
  if (!tl) return <p className="muted panel-body">No trace yet.</p>;
  const ix = tl.index;
  const count = ix.hcRowsBefore(index);
  const selRow = selected !== null ? ix.rowNear(selected) : -1;
  const hovRow = hovered !== null ? ix.rowNear(hovered) : -1;
  return (
    <div className="panel-body fill">
      <p className="muted small panel-note">
        {count.toLocaleString('en')} rows up to the playhead. Hover or click a row to find it in the diagram.
      </p>
      <VirtualList
        label="Hypercall log"
        count={count}
        rowHeight={rowH}
        scrollTo={selRow >= 0 && selRow < count ? selRow : null}
        renderRow={(i) => (
          <Row
            row={ix.hcRows[i]}
            count={ix.rowCountBefore(i, index)}
            selected={i === selRow && selected !== null && isInRow(ix.hcRows[i], selected)}
            hovered={i === hovRow && hovered !== null && isInRow(ix.hcRows[i], hovered)}
            onHover={actions.hoverEvent}
            onSelect={actions.selectEvent}
          />
        )}
      />
    </div>
  );
}

function isInRow(r: HcRow, ev: number): boolean {
  return r.first === ev || r.more.includes(ev);
}
