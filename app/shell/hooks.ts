// Small hooks over the store that panels share.

import type { Timeline } from '../store/timeline';
import { PALETTES } from '../theme/palette';
import { useEffect, useRef, useState } from 'react';
import { usePlayground, usePlaygroundStore } from '../store/context';
import type { PlaygroundState } from '../store/store';

/** The displayed timeline; re-renders when it grows (traceVersion) or is replaced. */
export function useTimeline(): Timeline | null {
  usePlayground((s) => s.run.traceVersion);
  return usePlayground((s) => s.run.timeline);
}

/** Row height of lists and tables for the current theme (projector type is larger). */
export function useRowHeight(): number {
  const theme = usePlayground((s) => s.view.theme);
  return Math.round(PALETTES[theme].fontSize * 1.7);
}

/** The kernel era of the scenario shown. */
export function useKernelEra(): '4.0' | '2.6.23' {
  return usePlayground((s) => s.scenario.scenario?.kernel ?? '4.0');
}


/**
 * A store value that updates at most every `ms` while playing (panels beside the stage
 * need not redraw at 60 fps) and at once when paused.
 */
export function useThrottled<T>(selector: (s: PlaygroundState) => T, ms = 200): T {
  const store = usePlaygroundStore();
  const [value, setValue] = useState(() => selector(store.getState()));
  const sel = useRef(selector);
  sel.current = selector;
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let current = sel.current(store.getState());
    setValue(() => current);
    const flush = () => {
      timer = null;
      last = Date.now();
      const v = sel.current(store.getState());
      if (!Object.is(v, current)) {
        current = v;
        setValue(() => v);
      }
    };
    const unsub = store.subscribe((s) => {
      const v = sel.current(s);
      if (Object.is(v, current)) return;
      if (!s.playback.playing || Date.now() - last >= ms) {
        if (timer) clearTimeout(timer);
        flush();
      } else if (!timer) {
        timer = setTimeout(flush, ms - (Date.now() - last));
      }
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [store, ms]);
  return value;
}
