// The page's side effects around the store: folding the trace in idle slices, the one
// requestAnimationFrame loop that plays, auto-pause when the tab is hidden, and the
// system's reduced-motion preference. `startDrivers(store)` returns the cleanup.

import type { PlaygroundStore } from './store';

/** Longest slice of folding work, ms (well under the 50 ms long-task line). */
export const FOLD_SLICE_MS = 8;

type IdleDeadlineLike = { timeRemaining(): number };

export function startDrivers(store: PlaygroundStore, win: Window & typeof globalThis = window): () => void {
  let stopped = false;
  const now = () => win.performance.now();

  // --- folding in idle slices ---------------------------------------------------
  let foldScheduled = false;
  const ric: (cb: (d: IdleDeadlineLike) => void) => void =
    typeof win.requestIdleCallback === 'function'
      ? (cb) => win.requestIdleCallback(cb, { timeout: 50 })
      : (cb) => win.setTimeout(() => cb({ timeRemaining: () => FOLD_SLICE_MS }), 0);
  const fold = (d: IdleDeadlineLike) => {
    foldScheduled = false;
    if (stopped) return;
    const budget = Math.max(2, Math.min(FOLD_SLICE_MS, d.timeRemaining()));
    const more = store.getState().work(now() + budget);
    if (more) scheduleFold();
  };
  const scheduleFold = () => {
    if (foldScheduled || stopped) return;
    foldScheduled = true;
    ric(fold);
  };

  // --- playback frames ----------------------------------------------------------
  let frame = 0;
  const loop = (ts: number) => {
    frame = 0;
    if (stopped) return;
    const s = store.getState();
    if (!s.playback.playing) return;
    s.tick(ts);
    frame = win.requestAnimationFrame(loop);
  };
  const ensureLoop = () => {
    if (!frame && !stopped && store.getState().playback.playing) frame = win.requestAnimationFrame(loop);
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.run.received !== prev.run.received || s.run.status !== prev.run.status || s.run.pending !== prev.run.pending || s.run.timeline !== prev.run.timeline) {
      if (s.hasWork()) scheduleFold();
    }
    if (s.playback.playing && !prev.playback.playing) ensureLoop();
  });
  if (store.getState().hasWork()) scheduleFold();
  ensureLoop();

  // --- auto-pause when hidden ---------------------------------------------------
  const onVisibility = () => store.getState().visibilityChanged(win.document.hidden);
  win.document.addEventListener('visibilitychange', onVisibility);

  // --- reduced motion -----------------------------------------------------------
  const mq = typeof win.matchMedia === 'function' ? win.matchMedia('(prefers-reduced-motion: reduce)') : null;
  const onMotion = () => store.getState().setSystemReducedMotion(!!mq?.matches);
  if (mq) {
    onMotion();
    mq.addEventListener?.('change', onMotion);
  }

  return () => {
    stopped = true;
    unsubscribe();
    if (frame) win.cancelAnimationFrame(frame);
    win.document.removeEventListener('visibilitychange', onVisibility);
    mq?.removeEventListener?.('change', onMotion);
  };
}
