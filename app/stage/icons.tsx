// Small glyphs drawn as SVG (not font characters, which a lecture-hall machine may lack).
// Each runstate has its own shape, so the state reads without colour.

import type { Runstate } from '../../engine/trace/state';

export function RunstateIcon({ state }: { state: Runstate }) {
  return (
    <svg viewBox="0 0 10 10" aria-hidden="true" focusable="false">
      {state === 'running' ? <path d="M3 1.8 L8.4 5 L3 8.2 Z" fill="currentColor" /> : null}
      {state === 'runnable' ? (
        // hourglass: waiting for a pCPU
        <path d="M2.5 1.5 H7.5 L5.6 5 L7.5 8.5 H2.5 L4.4 5 Z" fill="currentColor" />
      ) : null}
      {state === 'blocked' ? (
        // pause bars: idle until an event
        <path d="M2.6 2 H4.3 V8 H2.6 Z M5.7 2 H7.4 V8 H5.7 Z" fill="currentColor" />
      ) : null}
      {state === 'offline' ? (
        // a cross: not scheduled
        <path d="M2.4 3.4 L3.4 2.4 L5 4 L6.6 2.4 L7.6 3.4 L6 5 L7.6 6.6 L6.6 7.6 L5 6 L3.4 7.6 L2.4 6.6 L4 5 Z" fill="currentColor" />
      ) : null}
    </svg>
  );
}

/** Three vertical dots: "more actions". */
export function MenuIcon() {
  return (
    <svg viewBox="0 0 10 10" width="0.9em" height="0.9em" aria-hidden="true" focusable="false">
      <circle cx="5" cy="1.8" r="1.1" fill="currentColor" />
      <circle cx="5" cy="5" r="1.1" fill="currentColor" />
      <circle cx="5" cy="8.2" r="1.1" fill="currentColor" />
    </svg>
  );
}
