// Errors and notices above the stage. An invalid scenario names the field and the rule
// (the last good scenario keeps running); an engine failure shows the error, offers a
// bug report to copy, and says that a fresh engine runs the last good scenario.

import { useState } from 'react';
import { makeLink } from '../../engine/scenario/link';
import { usePlayground, useActions } from '../store/context';
import { formatDuration } from '../store/printk';
import { Icon } from './Icon';

export function bugReport(input: unknown, message: string, base: string): string {
  let link: string;
  try {
    link = makeLink(base, input);
  } catch {
    link = '(the scenario could not be put in a link)';
  }
  return [
    'Xen SMP Playground: engine failure',
    `Error: ${message}`,
    `Scenario: ${link}`,
    `Browser: ${typeof navigator !== 'undefined' ? navigator.userAgent : 'unknown'}`,
  ].join('\n');
}

export function Banners() {
  const actions = useActions();
  const error = usePlayground((s) => s.scenario.error);
  const failure = usePlayground((s) => s.run.failure);
  const notice = usePlayground((s) => s.view.notice);
  const [copied, setCopied] = useState(false);
  return (
    <div className="banners">
      {error ? (
        <div role="alert" className="banner error">
          <p>
            <strong>Invalid scenario</strong> — <code>{error.path || '(the whole scenario)'}</code>: {error.message}. The last good scenario keeps running.
          </p>
          <button type="button" onClick={actions.dismissError}>
            Dismiss
          </button>
        </div>
      ) : null}
      {failure ? (
        <div role="alert" className="banner error">
          <p>
            <strong>The engine failed</strong>: {failure.message}. A fresh engine is running the last good scenario.
          </p>
          <button
            type="button"
            onClick={async () => {
              const base = `${location.origin}${location.pathname}`;
              try {
                await navigator.clipboard.writeText(bugReport(failure.input, failure.message, base));
                setCopied(true);
              } catch {
                setCopied(false);
              }
            }}
          >
            {copied ? 'Bug report copied' : 'Copy bug report'}
          </button>
          <button type="button" onClick={actions.dismissFailure}>
            Dismiss
          </button>
        </div>
      ) : null}
      <p role="status" className="notice" aria-live="polite">
        {notice ?? ''}
      </p>
    </div>
  );
}

/** The "⏩ skipping 99.8 ms of idle time" cue while playback jumps a quiet gap. */
export function SkipCue() {
  const skip = usePlayground((s) => s.playback.skip);
  const playing = usePlayground((s) => s.playback.playing);
  if (!skip || !playing) return null;
  return (
    <div className="skip-cue" aria-hidden="true">
      <Icon name="nextChapter" /> skipping {formatDuration(skip.ns)} of idle time
    </div>
  );
}
