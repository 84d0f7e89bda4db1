// The stage and the time-space diagram, fed from the store through the StageProps
// contract (app/stage/contract.ts), each behind an error boundary.

import { useMemo } from 'react';
import { usePlayground, useActions } from '../store/context';
import { reducedMotionOf } from '../store/store';
import type { StageProps, TimeWindow } from '../stage/contract';
import { Stage } from '../stage/Stage';
import { TimeSpace } from '../stage/TimeSpace';
import { ErrorBoundary } from './ErrorBoundary';
import { SkipCue } from './Banners';
import { useTimeline } from './hooks';

function useStageProps(): StageProps | null {
  const actions = useActions();
  const tl = useTimeline();
  const traceVersion = usePlayground((s) => s.run.traceVersion);
  const picture = usePlayground((s) => s.playback.picture);
  const index = usePlayground((s) => s.playback.index);
  const time = usePlayground((s) => s.playback.time);
  const playing = usePlayground((s) => s.playback.playing);
  const speed = usePlayground((s) => s.playback.speed);
  const theme = usePlayground((s) => s.view.theme);
  const reducedMotion = usePlayground((s) => reducedMotionOf(s.view));
  const kernel = usePlayground((s) => s.scenario.scenario?.kernel ?? '4.0');
  const guestType = usePlayground((s) => s.scenario.scenario?.guest.type ?? 'pv');
  const wordBits = usePlayground((s) => s.scenario.scenario?.guest.bits ?? 64);
  const selectedEvent = usePlayground((s) => s.view.selectedEvent);
  const hoveredEvent = usePlayground((s) => s.view.hoveredEvent);
  const win = usePlayground((s) => s.view.window);
  const endTime = tl ? tl.endTime : 0;
  const window: TimeWindow = useMemo(() => win ?? { t0: 0, t1: Math.max(1, endTime) }, [win, endTime]);
  if (!tl) return null;
  return {
    cols: tl.cols,
    traceVersion,
    state: picture,
    index,
    time,
    endTime,
    playing,
    speed,
    theme,
    reducedMotion,
    kernel,
    guestType,
    wordBits,
    selectedEvent,
    hoveredEvent,
    onSelectEvent: actions.selectEvent,
    onHoverEvent: actions.hoverEvent,
    onVcpuAction: actions.vcpuAction,
    window,
    onWindowChange: actions.setWindow,
    onSeekTime: actions.seekTime,
  };
}

function Waiting({ what }: { what: string }) {
  const status = usePlayground((s) => s.run.status);
  const received = usePlayground((s) => s.run.received);
  return (
    <div className="stage-wait" role="status">
      {status === 'failed'
        ? `No ${what}: the engine failed (see the message above).`
        : `Simulating… ${received ? `${received.toLocaleString('en')} events so far` : ''}`}
    </div>
  );
}

function PanicBox() {
  const panic = usePlayground((s) => s.playback.picture.panic);
  if (!panic) return null;
  return (
    <section className="panic" role="alert" aria-label="Kernel panic">
      <strong>Kernel panic - not syncing:</strong> <span className="mono">{panic}</span>
    </section>
  );
}

/**
 * The stage. `skipCue`: show the "skipping idle time" cue here, for views without the
 * diagram (the embed); elsewhere the diagram shows it, where the jump is seen.
 */
export function StageArea({ skipCue = false }: { skipCue?: boolean }) {
  const props = useStageProps();
  return (
    <section className="stage-area" aria-label="Stage">
      <PanicBox />
      {skipCue ? <SkipCue /> : null}
      <ErrorBoundary what="stage" resetKey={props?.cols}>
        {props ? <Stage {...props} /> : <Waiting what="picture" />}
      </ErrorBoundary>
    </section>
  );
}

export function TimeSpaceArea() {
  const props = useStageProps();
  return (
    <section className="timespace-area" aria-label="Time-space diagram area">
      <SkipCue />
      <ErrorBoundary what="time-space diagram" resetKey={props?.cols}>
        {props ? <TimeSpace {...props} /> : <Waiting what="diagram" />}
      </ErrorBoundary>
    </section>
  );
}
