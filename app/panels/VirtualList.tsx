// A list that renders only the rows in view (fixed row height), so a log of a
// million-event trace stays cheap. It can follow the end as rows arrive (unless the
// reader scrolled up) and scroll a given row into view.

import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow(i: number): ReactNode;
  /** Accessible name of the list. */
  label: string;
  /** Scroll this row into view when it changes. */
  scrollTo?: number | null;
  /** Keep the last row in view as rows arrive, while the reader is at the end. */
  follow?: boolean;
  className?: string;
  overscan?: number;
}

export function VirtualList({ count, rowHeight, renderRow, label, scrollTo, follow = true, className, overscan = 8 }: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const atEnd = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight || 400);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight || 400));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Follow the end as rows arrive.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !follow || !atEnd.current) return;
    const top = Math.max(0, count * rowHeight - el.clientHeight);
    if (Math.abs(el.scrollTop - top) > 1) {
      el.scrollTop = top;
      setScrollTop(top);
    }
  }, [count, rowHeight, follow]);

  // Bring a chosen row into view.
  useEffect(() => {
    const el = ref.current;
    if (!el || scrollTo === null || scrollTo === undefined || scrollTo < 0) return;
    const top = scrollTo * rowHeight;
    if (top < el.scrollTop || top + rowHeight > el.scrollTop + el.clientHeight) {
      el.scrollTop = Math.max(0, top - el.clientHeight / 2);
      setScrollTop(el.scrollTop);
      atEnd.current = false;
    }
  }, [scrollTo, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <li key={i} role="listitem" className="vrow" style={{ top: i * rowHeight, height: rowHeight }} aria-setsize={count} aria-posinset={i + 1}>
        {renderRow(i)}
      </li>,
    );
  }
  return (
    <div
      ref={ref}
      className={`vlist ${className ?? ''}`}
      onScroll={(e) => {
        const el = e.currentTarget;
        setScrollTop(el.scrollTop);
        atEnd.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
      }}
    >
      <ul aria-label={label} className="vlist-inner" style={{ height: Math.max(count * rowHeight, 1) }}>
        {rows}
      </ul>
    </div>
  );
}
