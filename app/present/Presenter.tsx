// Presenter mode: the stage full screen (the Fullscreen API where the browser allows it,
// else the whole window), big type, the chapters (scenario steps and boot phases) in a
// list, the speaker notes and the narration in a strip at the bottom. A clicker drives
// it: PgDn and `.` go to the next chapter, PgUp to the previous one; Space plays; Esc
// leaves (keys.ts).

import { useEffect, useMemo, useState } from 'react';
import type { ThemeName } from '../theme/palette';
import { usePlayground, useActions, usePlaygroundStore } from '../store/context';
import { formatTime } from '../store/printk';
import type { PlaygroundStore } from '../store/store';
import { StageArea, TimeSpaceArea } from '../shell/StageArea';
import { Icon } from '../shell/Icon';
import { useTimeline } from '../shell/hooks';
import { chapterIndexAt, noteFor } from './notes';

/** Enters presenter mode; asks for full screen (a click's user gesture lets it). */
export function enterPresenter(store: PlaygroundStore): void {
  store.getState().setPresenter(true);
  try {
    const el = document.documentElement;
    if (!document.fullscreenElement && el.requestFullscreen) void el.requestFullscreen({ navigationUI: 'hide' }).catch(() => undefined);
  } catch {
    /* not allowed (an iframe without allowfullscreen): the layout fills the window anyway */
  }
}

export function leavePresenter(store: PlaygroundStore): void {
  store.getState().setPresenter(false);
  try {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  } catch {
    /* nothing to leave */
  }
}

/** Leaving full screen (the browser's own Esc) leaves presenter mode too. */
function useFullscreenExit(store: PlaygroundStore) {
  useEffect(() => {
    let was = !!document.fullscreenElement;
    const on = () => {
      const now = !!document.fullscreenElement;
      if (was && !now && store.getState().view.presenter) store.getState().setPresenter(false);
      was = now;
    };
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, [store]);
}

const LIST_AROUND = 6;

export function Presenter() {
  const store = usePlaygroundStore();
  const actions = useActions();
  const tl = useTimeline();
  const index = usePlayground((s) => s.playback.index);
  const time = usePlayground((s) => s.playback.time);
  const playing = usePlayground((s) => s.playback.playing);
  const scenario = usePlayground((s) => s.scenario.scenario);
  const narration = usePlayground((s) => s.playback.picture.narration);
  const panic = usePlayground((s) => s.playback.picture.panic);
  const traceVersion = usePlayground((s) => s.run.traceVersion);
  const theme = usePlayground((s) => s.view.theme);
  const [before, setBefore] = useState<ThemeName>(theme === 'projector' ? 'light' : theme);
  useFullscreenExit(store);

  const chapters = useMemo(() => (tl ? tl.index.chapters.filter((c) => c.pos <= tl.folded) : []), [tl, traceVersion]); // eslint-disable-line react-hooks/exhaustive-deps
  const k = chapterIndexAt(chapters, index);
  const note = noteFor(chapters, k, scenario?.notes, scenario?.steps.length ?? 0);
  const end = tl ? tl.endTime : 0;
  const from = Math.max(0, Math.min(k - LIST_AROUND, chapters.length - 2 * LIST_AROUND - 1));
  const shown = chapters.slice(from, from + 2 * LIST_AROUND + 1);

  return (
    <div className="presenter" role="region" aria-label="Presenter mode">
      <header className="presenter-bar">
        <h1 className="sr-only">Xen SMP Playground — presenter mode</h1>
        <div className="p-title">{scenario?.title || 'Xen SMP Playground'}</div>
        <div className="p-time mono" aria-label="Playhead">
          {formatTime(time)} <span className="muted">/ {formatTime(end)}</span>
        </div>
        <button
          type="button"
          aria-pressed={theme === 'projector'}
          title="The projector theme: bigger type, thicker lines, more contrast"
          onClick={() => {
            if (theme === 'projector') actions.setTheme(before);
            else {
              setBefore(theme);
              actions.setTheme('projector');
            }
          }}
        >
          Big type
        </button>
        <button type="button" onClick={() => leavePresenter(store)} aria-keyshortcuts="Escape" title="Leave presenter mode (Esc)">
          Exit presenter mode
        </button>
      </header>
      <div className="presenter-main">
        <div className="presenter-stage">
          <StageArea />
          <TimeSpaceArea />
        </div>
        <nav className="presenter-chapters" aria-label="Chapters">
          <ol start={from + 1}>
            {shown.map((c, j) => {
              const i = from + j;
              return (
                <li key={`${c.pos}-${i}`} aria-current={i === k ? 'step' : undefined} className={c.kind}>
                  <button type="button" onClick={() => actions.seekIndex(c.pos)}>
                    <span className="mono small">{formatTime(c.t)}</span> {c.label}
                  </button>
                </li>
              );
            })}
          </ol>
        </nav>
      </div>
      <footer className="presenter-strip">
        <section className="p-notes" aria-label="Speaker notes">
          <div className="p-chapter-line" role="status" aria-label="Current chapter">
            {k >= 0 ? (
              <>
                <span className="muted">
                  Chapter {k + 1} of {chapters.length}:
                </span>{' '}
                <strong>{chapters[k].label}</strong>
              </>
            ) : (
              <span className="muted">Before the first chapter</span>
            )}
          </div>
          {note ? <p className="p-note">{note}</p> : null}
          <p className="p-narration">
            {panic ? `Kernel panic: ${panic}` : narration ? `${narration.cpu < 0 ? 'Xen' : `CPU ${narration.cpu}`}${narration.fn ? ` in ${narration.fn}` : ''}: ${narration.text}` : 'Press Space to play, PgDn or . for the next chapter.'}
          </p>
        </section>
        <div className="p-transport" role="group" aria-label="Presenter controls">
          <button type="button" onClick={actions.prevChapter} aria-label="Previous chapter" aria-keyshortcuts="PageUp" title="Previous chapter (PgUp)">
            <Icon name="prevChapter" />
          </button>
          <button type="button" className="primary" onClick={actions.togglePlay} aria-label={playing ? 'Pause' : 'Play'} aria-keyshortcuts="Space">
            <Icon name={playing ? 'pause' : 'play'} />
          </button>
          <button type="button" onClick={actions.nextChapter} aria-label="Next chapter" aria-keyshortcuts="PageDown ." title="Next chapter (PgDn or .)">
            <Icon name="nextChapter" />
          </button>
        </div>
      </footer>
    </div>
  );
}
