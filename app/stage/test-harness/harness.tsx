// Test-only page (e2e/stage-visual.spec.ts builds it on its own; the product build never
// includes it): runs a scenario in the page and mounts <Stage {...props} /> and
// <TimeSpace {...props} /> in a frame shaped like the shell's stage column, so the
// stage can be looked at and driven without the shell.
//
// URL: harness.html?preset=<id>|scenario=<json> &t=<ns> &theme=light|dark|projector
//      &motion=reduce &side=<px> (width of the placeholder side panel)

import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { PRESETS } from '../../../engine/scenario/presets';
import { simulate } from '../../../engine/simulate';
import { Keyframes } from '../../../engine/trace/keyframes';
import { cssVars, THEMES, type ThemeName } from '../../theme/palette';
import type { StageProps, TimeWindow, VcpuAction } from '../contract';
import { Stage } from '../Stage';
import { TimeSpace } from '../TimeSpace';

const q = new URLSearchParams(location.search);
const theme = (THEMES as string[]).includes(q.get('theme') ?? '') ? (q.get('theme') as ThemeName) : 'light';
/** `gen=broadcasts&n=420`: a big run for performance checks (~1.4M events with 128 vCPUs). */
function generated(): unknown {
  const n = Number(q.get('n') ?? 420);
  const vcpus = Number(q.get('vcpus') ?? 128);
  const steps = Array.from({ length: n }, (_, i) => ({
    at: `${70 + i}ms`,
    do: 'ipi',
    from: i % vcpus,
    to: 'allbutself',
    vector: i % 2 ? 'CALL_FUNCTION' : 'RESCHEDULE',
  }));
  return { version: 1, title: `${n} broadcasts on ${vcpus} vCPUs`, host: { pcpus: Math.max(1, vcpus / 2) }, guest: { vcpus, nr_cpus: vcpus }, steps };
}
const input = q.get('gen')
  ? generated()
  : q.get('scenario')
    ? JSON.parse(q.get('scenario')!)
    : PRESETS.find((p) => p.id === (q.get('preset') ?? 'boot-4-vcpus'))?.input;
const run = simulate(input);
const cols = run.cols;
const kf = new Keyframes(cols);
const endTime = cols.length ? cols.t[cols.length - 1] : 0;

function Harness() {
  const [index, setIndex] = useState(() => kf.indexAtTime(Number(q.get('t') ?? endTime)));
  const state = useMemo(() => kf.at(index), [index]);
  const [playTime, setPlayTime] = useState<number | null>(null);
  const time = playTime ?? (index > 0 ? cols.t[index - 1] : 0);
  // `play=<virtual ns per real second>`: a minimal player, to see the arrows move.
  const rate = Number(q.get('play') ?? 0);
  useEffect(() => {
    if (!rate) return;
    let t = Number(q.get('t') ?? 0);
    let last = performance.now();
    let raf = 0;
    const tick = (now: number) => {
      t = Math.min(endTime, t + ((now - last) / 1000) * rate);
      last = now;
      setPlayTime(t);
      setIndex(kf.indexAtTime(t));
      if (t < endTime) raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [rate]);
  const [win, setWin] = useState<TimeWindow>(() => {
    const span = Number(q.get('span') ?? 0);
    return span > 0 ? { t0: Math.max(0, time - span / 2), t1: time + span / 2 } : { t0: 0, t1: Math.max(1, endTime) };
  });
  const [selected, setSelected] = useState<number | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [actions, setActions] = useState<string[]>([]);
  const onVcpuAction = useCallback((cpu: number, action: VcpuAction) => setActions((a) => [...a, `${action} ${cpu}`]), []);
  const onSeekTime = useCallback((t: number) => {
    setPlayTime(null);
    setIndex(kf.indexAtTime(t));
  }, []);

  const props: StageProps = {
    cols,
    traceVersion: 1,
    state,
    index,
    time,
    endTime,
    playing: rate > 0,
    speed: 1,
    theme,
    reducedMotion: q.get('motion') === 'reduce',
    kernel: '4.0',
    guestType: 'pv',
    selectedEvent: selected,
    hoveredEvent: hovered,
    onSelectEvent: setSelected,
    onHoverEvent: setHovered,
    onVcpuAction,
    window: win,
    onWindowChange: setWin,
    onSeekTime,
  };
  const side = Number(q.get('side') ?? (innerWidth >= 1600 ? 480 : 400));
  return (
    <div
      style={{
        ...(cssVars(theme) as React.CSSProperties),
        height: '100vh',
        display: 'grid',
        gridTemplateColumns: `minmax(0, 1fr) ${side}px`,
        background: 'var(--bg)',
        color: 'var(--fg)',
        fontFamily: 'system-ui, sans-serif',
        fontSize: 'var(--font-size)',
      }}
    >
      <div style={{ display: 'grid', gridTemplateRows: 'auto minmax(0, 1fr) minmax(7em, 30%) auto', minHeight: 0, minWidth: 0 }}>
        <div style={{ padding: '0.4em 0.8em', borderBottom: '1px solid var(--border)' }}>
          <b>Stage harness</b> · {(input as { title?: string })?.title ?? 'scenario'} · event {index} of {cols.length}
        </div>
        <div style={{ minHeight: 0, minWidth: 0, overflow: 'hidden' }}>
          <Stage {...props} />
        </div>
        <div style={{ minHeight: 0, minWidth: 0, overflow: 'hidden', borderTop: '1px solid var(--border)' }}>
          <TimeSpace {...props} />
        </div>
        <div style={{ padding: '0.3em 0.8em', borderTop: '1px solid var(--border)', fontSize: '0.85em' }} data-testid="harness-status">
          playhead {time} ns · selected {selected ?? '-'} · hovered {hovered ?? '-'} · actions: <span data-testid="actions">{actions.join(', ')}</span>
        </div>
      </div>
      <aside style={{ borderLeft: '1px solid var(--border)', padding: '0.8em', overflow: 'auto' }} aria-label="Narration">
        <p style={{ margin: 0, lineHeight: 1.4 }}>{state.narration?.text ?? '—'}</p>
      </aside>
    </div>
  );
}

// Through the CSSOM: the build's Content Security Policy forbids style attributes in HTML.
document.body.style.margin = '0';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
