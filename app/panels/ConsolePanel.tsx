// The guest console up to the playhead, with printk timestamps computed from the event
// times (`[    0.002568] smpboot: Allowing 4 CPUs, 0 hotplug CPUs`). Linked both ways
// with the diagram, like the hypercall log.

import { memo } from 'react';
import { usePlayground, useActions } from '../store/context';
import { useRowHeight, useThrottled, useTimeline } from '../shell/hooks';
import { printkStamp } from '../store/printk';
import { VirtualList } from './VirtualList';

const Line = memo(function Line({
  ev,
  t,
  cpu,
  text,
  selected,
  hovered,
  onHover,
  onSelect,
}: {
  ev: number;
  t: number;
  cpu: number;
  text: string;
  selected: boolean;
  hovered: boolean;
  onHover(i: number | null): void;
  onSelect(i: number): void;
}) {
  const stamp = printkStamp(t);
  return (
    <button
      type="button"
      className={`logrow conline${selected ? ' is-selected' : ''}${hovered ? ' is-hovered' : ''}`}
      aria-pressed={selected}
      aria-label={`${stamp} ${text}`}
      title={`printed by CPU ${cpu}`}
      onMouseEnter={() => onHover(ev)}
      onMouseLeave={() => onHover(null)}
      onFocus={() => onHover(ev)}
      onBlur={() => onHover(null)}
      onClick={() => onSelect(ev)}
    >
      <span className="mono stamp">{stamp}</span> <span className="mono">{text}</span>
    </button>
  );
});

export function ConsolePanel() {
  const tl = useTimeline();
  const actions = useActions();
  const index = useThrottled((s) => s.playback.index, 150);
  const selected = usePlayground((s) => s.view.selectedEvent);
  const hovered = usePlayground((s) => s.view.hoveredEvent);
  const rowH = useRowHeight();
  if (!tl) return <p className="muted panel-body">No trace yet.</p>;
  const ix = tl.index;
  const count = ix.consoleBefore(index);
  const selLine = selected !== null ? ix.consoleNear(selected) : -1;
  const hovLine = hovered !== null ? ix.consoleNear(hovered) : -1;
  return (
    <div className="panel-body fill">
      <VirtualList
        label="Guest console"
        className="console"
        count={count}
        rowHeight={rowH}
        scrollTo={selLine >= 0 && selLine < count ? selLine : null}
        renderRow={(i) => {
          const ev = ix.consoleEvents.at(i);
          const e = tl.cols.get(ev) as { t: number; cpu: number; text: string };
          return (
            <Line
              ev={ev}
              t={e.t}
              cpu={e.cpu}
              text={e.text}
              selected={selected === ev}
              hovered={hovered === ev || (i === hovLine && hovered === ev)}
              onHover={actions.hoverEvent}
              onSelect={actions.selectEvent}
            />
          );
        }}
      />
    </div>
  );
}
