// The transport: reset, chapters, step back/forward, play/pause, end; speed on a log
// scale (0.01×–100×); the playhead time; and the scrubber with a marker for every
// chapter (scenario steps stand out), clickable, plus a chapter list for the keyboard.

import { useId, useMemo, useState } from 'react';
import { usePlayground, useActions } from '../store/context';
import { formatSpeed, sliderFromSpeed, speedFromSlider } from '../store/playback';
import { formatTime } from '../store/printk';
import { useTimeline } from './hooks';
import { Icon } from './Icon';
import { Markers } from './Markers';

export function Transport() {
  const actions = useActions();
  const playing = usePlayground((s) => s.playback.playing);
  const speed = usePlayground((s) => s.playback.speed);
  const everyEvent = usePlayground((s) => s.playback.everyEvent);
  const stopAt = usePlayground((s) => s.playback.stopAtChapters);
  const time = usePlayground((s) => s.playback.time);
  const index = usePlayground((s) => s.playback.index);
  const status = usePlayground((s) => s.run.status);
  const pending = usePlayground((s) => !!s.run.pending);
  const tl = useTimeline();
  const theme = usePlayground((s) => s.view.theme);
  const u = useId();
  const end = tl ? tl.endTime : 0;
  const traceVersion = usePlayground((s) => s.run.traceVersion);
  const chapters = useMemo(() => (tl ? tl.index.chapters.filter((c) => c.pos <= tl.folded) : []), [tl, traceVersion]);
  // The options exist only while the list is in use (focused or pressed): a select with
  // thousands of options costs the browser a full re-measure whenever they change, which
  // they do all the time while a big trace streams in.
  const [armed, setArmed] = useState(false);
  const options = useMemo(
    () =>
      armed
        ? chapters.map((c, i) => (
            <option key={i} value={i}>
              {formatTime(c.t)} — {c.label}
            </option>
          ))
        : null,
    [chapters, armed],
  );
  const current = chapters.reduce((acc, c, i) => (c.pos <= index ? i : acc), -1);
  const currentLabel = current >= 0 ? `${formatTime(chapters[current].t)} — ${chapters[current].label}` : 'Chapters…';
  // The list can hold thousands of chapters (a storm's steps). A select that changes its
  // selected option or its option texts makes the browser measure every option again
  // (~100 ms for 2,000 options), so this one never changes while playing: its value
  // stays "", and the current chapter is shown by a label laid over it.
  const chapterList = useMemo(
    () => (
      <select
        id={`${u}-chapter`}
        aria-label="Chapter"
        aria-describedby={`${u}-current`}
        value=""
        onFocus={() => setArmed(true)}
        onPointerDown={() => setArmed(true)}
        onBlur={() => setArmed(false)}
        onChange={(e) => {
          const c = chapters[Number(e.target.value)];
          if (c) actions.seekIndex(c.pos);
        }}
      >
        <option value="">Jump to a chapter…</option>
        {options}
      </select>
    ),
    [chapters, options, actions, u],
  );
  const chapterPick = (
    <div className="chapter-pick">
      {chapterList}
      <span id={`${u}-current`} className="current-chapter" aria-hidden="false">
        {currentLabel}
      </span>
    </div>
  );
  const total = tl ? tl.cols.length : 0;
  const working = status === 'running' || pending || (tl ? tl.folded < tl.cols.length : false);

  return (
    <div className="transport" role="group" aria-label="Transport">
        <div className="buttons">
          <button type="button" onClick={actions.reset} aria-label="Reset to the start" aria-keyshortcuts="Home" title="Reset (Home)">
            <Icon name="reset" />
          </button>
          <button type="button" onClick={actions.prevChapter} aria-label="Previous chapter" aria-keyshortcuts="PageUp" title="Previous chapter (PgUp)">
            <Icon name="prevChapter" />
          </button>
          <button type="button" onClick={actions.stepBack} aria-label="Step back" aria-keyshortcuts="ArrowLeft" title="Step back (←)">
            <Icon name="stepBack" />
          </button>
          <button
            type="button"
            className="play primary"
            onClick={actions.togglePlay}
            aria-label={playing ? 'Pause' : 'Play'}
            aria-keyshortcuts="Space"
            title={playing ? 'Pause (Space)' : 'Play (Space)'}
          >
            <Icon name={playing ? 'pause' : 'play'} />
          </button>
          <button type="button" onClick={actions.stepForward} aria-label="Step forward" aria-keyshortcuts="ArrowRight" title="Step forward (→)">
            <Icon name="stepForward" />
          </button>
          <button type="button" onClick={actions.nextChapter} aria-label="Next chapter" aria-keyshortcuts="PageDown" title="Next chapter (PgDn)">
            <Icon name="nextChapter" />
          </button>
          <button type="button" onClick={actions.goToEnd} aria-label="Go to the end" aria-keyshortcuts="End" title="End (End)">
            <Icon name="end" />
          </button>
        </div>
        <div className="speed">
          <label htmlFor={`${u}-speed`}>Speed</label>
          <input
            id={`${u}-speed`}
            type="range"
            min={-2}
            max={2}
            step={0.05}
            value={sliderFromSpeed(speed)}
            aria-valuetext={`${formatSpeed(speed)} (1× = 1 ms of virtual time per second)`}
            onChange={(e) => actions.setSpeed(speedFromSlider(Number(e.target.value)))}
          />
          <output htmlFor={`${u}-speed`} className="mono">
            {formatSpeed(speed)}
          </output>
        </div>
        {chapterPick}
        <details className="transport-opts">
          <summary aria-label="Playback options">Options</summary>
          <div className="popover">
            <label>
              <input type="checkbox" checked={everyEvent} onChange={(e) => actions.setEveryEvent(e.target.checked)} /> Step through every event (function
              entry and exit too)
            </label>
            <label>
              <input type="checkbox" checked={stopAt} onChange={(e) => actions.setStopAtChapters(e.target.checked)} /> Pause at each chapter while playing
            </label>
          </div>
        </details>
        <div className="clock mono" aria-live="off">
          <span title="playhead virtual time">{formatTime(time)}</span>
          <span className="muted"> / {formatTime(end)}</span>
          <span className="muted small events">
            event {index.toLocaleString('en')} of {total.toLocaleString('en')}
            {working ? ' · computing…' : ''}
          </span>
        </div>
        <div className="scrubber">
          <Markers chapters={chapters} end={end} theme={theme} onPick={(c) => actions.seekIndex(c.pos)} />
          <input
            type="range"
            className="scrub"
            aria-label="Playhead"
            min={0}
            max={Math.max(1, end)}
            step={1}
            value={Math.min(time, Math.max(1, end))}
            aria-valuetext={`${formatTime(time)} of ${formatTime(end)}`}
            onChange={(e) => actions.seekTime(Number(e.target.value))}
          />
        </div>
    </div>
  );
}
