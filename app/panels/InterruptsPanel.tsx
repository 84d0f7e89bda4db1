// /proc/interrupts at the playhead, exactly as Linux lays it out (see
// store/interrupts.ts): the visible text of every row and of the header is the
// kernel's, character for character, so a student can hold it against
// `cat /proc/interrupts` on a real guest; underneath it is a real table (column
// headers CPU0…, row headers the irq numbers) for screen readers.

import { useMemo, useRef, useState } from 'react';
import { useRowHeight, useThrottled, useTimeline } from '../shell/hooks';
import { interruptsTable, type InterruptsRow } from '../store/interrupts';

const COUNT_W = 11;

function rowCells(r: InterruptsRow, prec: number): string[] {
  const cells = [`${r.label.padStart(prec)}: `, ...r.counts.map((c) => `${String(c).padStart(10)} `)];
  if (r.chip !== undefined) {
    cells.push(` ${r.chip.padStart(8)}`, ` ${''.padStart(prec)}-${(r.handler ?? '').padEnd(8)}`, `  ${r.name}`);
  } else {
    cells.push('', '', `  ${r.name}`);
  }
  return cells;
}

export function InterruptsPanel() {
  const tl = useTimeline();
  const index = useThrottled((s) => s.playback.index, 200);
  const picture = useThrottled((s) => s.playback.picture, 200);
  const rowH = useRowHeight();
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState(false);

  const table = useMemo(() => interruptsTable(picture, tl ? tl.index.archCountsAt(index) : new Map()), [picture, tl, index]);
  const { prec, cpus, header, rows } = table;
  // Header cells: the header line cut at the column boundaries (labels straddle them, as in the file).
  const headCells = [header.slice(0, prec + 2), ...cpus.map((_, j) => header.slice(prec + 2 + j * COUNT_W, prec + 2 + (j + 1) * COUNT_W))];

  const viewH = box.current?.clientHeight || 600;
  const first = Math.max(0, Math.floor(scrollTop / rowH) - 10);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewH) / rowH) + 10);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(table.text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };

  return (
    <div className="panel-body fill">
      <div className="panel-tools">
        <span className="muted small">
          Online CPUs: {cpus.length ? cpus.join(', ') : 'none'} · {rows.length - 13} irqs
        </span>
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy as text'}
        </button>
      </div>
      <div className="procint-box" ref={box} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <table className="procint" aria-label="/proc/interrupts">
          <thead>
            <tr>
              {headCells.map((c, j) =>
                j === 0 ? (
                  <td key="corner" aria-hidden="true">
                    {c}
                  </td>
                ) : (
                  <th key={cpus[j - 1]} scope="col" aria-label={`CPU${cpus[j - 1]}`}>
                    {c}
                  </th>
                ),
              )}
              <td aria-hidden="true" />
              <td aria-hidden="true" />
              <td aria-hidden="true" />
            </tr>
          </thead>
          <tbody>
            {first > 0 ? <tr style={{ height: first * rowH }} aria-hidden="true" /> : null}
            {rows.slice(first, last).map((r) => {
              const cells = rowCells(r, prec);
              return (
                <tr key={r.key} style={{ height: rowH }}>
                  <th scope="row" aria-label={r.label}>
                    {cells[0]}
                  </th>
                  {cells.slice(1, 1 + cpus.length).map((c, j) => (
                    <td key={j}>{c}</td>
                  ))}
                  <td>{cells[1 + cpus.length]}</td>
                  <td>{cells[2 + cpus.length]}</td>
                  <td>{cells[3 + cpus.length]}</td>
                </tr>
              );
            })}
            {last < rows.length ? <tr style={{ height: (rows.length - last) * rowH }} aria-hidden="true" /> : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
