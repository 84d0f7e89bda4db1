// Words that change sixty times a second can be neither read nor heard: while playing,
// the stage's text (accessible names, summaries, captions, the "pending now" list)
// follows the picture a few times a second; paused, stepping or seeking, at once. The
// pictures themselves (canvas) always follow every frame.

import { useEffect, useReducer, useRef } from 'react';

/** How often text follows the picture while playing, ms. */
export const CALM_MS = 400;

/**
 * `value` while not playing; while playing, the value of the last render at least `ms`
 * after the previous refresh (a timer makes sure the last value lands when renders stop).
 * `same` decides whether two values are equal (then nothing changes downstream).
 */
export function useCalm<T>(value: T, playing: boolean, ms = CALM_MS, same: (a: T, b: T) => boolean = Object.is): T {
  const held = useRef<{ v: T; at: number } | null>(null);
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const now = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const h = held.current;
  if (!h || !playing || now - h.at >= ms) {
    if (!h || !same(h.v, value)) held.current = { v: value, at: now };
    else h.at = now;
  }
  const stale = playing && held.current !== null && !same(held.current.v, value);
  useEffect(() => {
    if (!stale) return;
    const t = setTimeout(refresh, ms);
    return () => clearTimeout(t);
  });
  return held.current!.v;
}

/**
 * Like useCalm, but the value is only computed when it is taken: while playing, `make`
 * runs a few times a second instead of every frame (for text that is costly to build).
 */
export function useCalmLazy<T>(make: () => T, playing: boolean, ms = CALM_MS, same: (a: T, b: T) => boolean = Object.is): T {
  const held = useRef<{ v: T; at: number } | null>(null);
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const now = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const h = held.current;
  let taken = false;
  if (!h || !playing || now - h.at >= ms) {
    const value = make();
    taken = true;
    if (!h || !same(h.v, value)) held.current = { v: value, at: now };
    else h.at = now;
  }
  // While playing, make sure the last value lands when renders stop coming.
  useEffect(() => {
    if (!playing || taken) return;
    const t = setTimeout(refresh, ms);
    return () => clearTimeout(t);
  });
  return held.current!.v;
}

const firstDraws: (() => void)[] = [];
let firstDrawTimer: ReturnType<typeof setTimeout> | 0 = 0;

/**
 * Runs `draw` soon, in a task of its own, one queued draw per task: the first draw on a
 * canvas sets up its pixels with the compositor, which on a busy machine takes long —
 * mounting a stage with fifteen canvases must not make one long task of it.
 */
export function firstDraw(draw: () => void): void {
  firstDraws.push(draw);
  if (firstDrawTimer) return;
  const run = () => {
    firstDrawTimer = 0;
    const f = firstDraws.shift();
    if (f) f();
    if (firstDraws.length) firstDrawTimer = setTimeout(run, 0);
  };
  firstDrawTimer = setTimeout(run, 0);
}

const soon = new Map<object, () => void>();
let soonFrame = 0;

/**
 * Runs `draw` in the next animation frame, once however often it is asked for before
 * then (the latest `draw` for `owner` wins). Pictures on canvases are drawn here rather
 * than in React's commit: a seek or a scrub answers its input event with the DOM only,
 * and several updates within one frame make one drawing.
 */
export function drawSoon(owner: object, draw: () => void): void {
  soon.set(owner, draw);
  if (soonFrame) return;
  if (typeof requestAnimationFrame !== 'function') {
    runSoon();
    return;
  }
  soonFrame = requestAnimationFrame(runSoon);
}

function runSoon(): void {
  soonFrame = 0;
  const draws = [...soon.values()];
  soon.clear();
  for (const d of draws) {
    try {
      d();
    } catch (e) {
      console.error(e);
    }
  }
}

/** Forgets a pending draw (an unmounted picture). */
export function cancelSoon(owner: object): void {
  soon.delete(owner);
}
