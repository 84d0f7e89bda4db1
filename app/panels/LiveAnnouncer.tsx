// An ARIA live region that does not flood a screen reader: while the text changes
// quickly (playback), it announces at most one text per `minGapMs`, always the newest.

import { useEffect, useRef, useState } from 'react';

export function LiveAnnouncer({ text, minGapMs = 2500, label }: { text: string; minGapMs?: number; label: string }) {
  const [spoken, setSpoken] = useState(text);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (text === spoken) return;
    const wait = last.current + minGapMs - Date.now();
    if (timer.current) clearTimeout(timer.current);
    if (wait <= 0) {
      last.current = Date.now();
      setSpoken(text);
      return;
    }
    timer.current = setTimeout(() => {
      last.current = Date.now();
      setSpoken(text);
    }, wait);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [text, spoken, minGapMs]);

  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" aria-label={label}>
      {spoken}
    </div>
  );
}
