// Errors and notices above the stage. An invalid scenario names the field and the rule
// (the last good scenario keeps running). An engine failure shows the error, offers a
// bug report to copy (shown for copying by hand when the browser refuses the clipboard),
// says what runs now on the fresh engine, and offers to run the failed scenario again. A
// run the engine cut short at the trace limit, or stopped because it never settled, says
// so in words. All scenario text is rendered as text (React escapes it), never as HTML.

import { useState } from 'react';
import { makeLink } from '../../engine/scenario/link';
import type { ScenarioInput } from '../../engine/scenario/types';
import type { Summary } from '../engine/client';
import { usePlayground, useActions } from '../store/context';
import { formatDuration, formatTime } from '../store/printk';
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

async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (typeof navigator === 'undefined' || !navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function Banners() {
  const actions = useActions();
  const error = usePlayground((s) => s.scenario.error);
  const failure = usePlayground((s) => s.run.failure);
  const notice = usePlayground((s) => s.view.notice);
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
      {failure ? <FailureBanner key={idOf(failure)} failure={failure} /> : null}
      <RunEndBanner />
      <p role="status" className="notice" aria-live="polite">
        {notice ?? ''}
      </p>
    </div>
  );
}

const ids = new WeakMap<object, number>();
let nextId = 0;
/** A number per failure object: a new failure starts with a fresh banner (not "copied"). */
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++nextId));
  return id;
}

function FailureBanner({ failure }: { failure: { message: string; input: ScenarioInput } }) {
  const actions = useActions();
  const fallback = usePlayground((s) => s.scenario.lastGood !== null);
  const [copied, setCopied] = useState(false);
  /** The report, shown for copying by hand when the clipboard is not available. */
  const [manual, setManual] = useState<string | null>(null);
  return (
    <div role="alert" className="banner error engine-failure">
      <p>
        <strong>The engine failed</strong>: {failure.message}.{' '}
        {fallback ? 'A fresh engine is running the last good scenario.' : 'A fresh engine has started; your scenario is kept.'}
      </p>
      <button
        type="button"
        onClick={async () => {
          const report = bugReport(failure.input, failure.message, `${location.origin}${location.pathname}`);
          const ok = await writeClipboard(report);
          setCopied(ok);
          setManual(ok ? null : report);
        }}
      >
        {copied ? 'Bug report copied' : 'Copy bug report'}
      </button>
      <button
        type="button"
        title="Simulate the scenario that failed once more, on the fresh engine"
        onClick={() => {
          actions.dismissFailure();
          actions.loadScenario(failure.input);
        }}
      >
        Run it again
      </button>
      <button type="button" onClick={actions.dismissFailure}>
        Dismiss
      </button>
      {manual !== null ? (
        <label className="bug-report">
          <span>The browser did not allow copying: select the report and copy it.</span>
          <textarea readOnly rows={4} value={manual} onFocus={(e) => e.currentTarget.select()} />
        </label>
      ) : null}
    </div>
  );
}

/** engine/simulate.ts's SETTLE_CAP_NS (not imported: that would pull the engine into the page's bundle). */
const SETTLE_CAP_NS = 10_000_000_000;

/** Why a finished run stopped, when that is not the scenario's own end: the trace limit, or never settling. */
export function runEndMessage(summary: Summary): string | null {
  if (summary.end === 'limit') {
    return (
      `This run stopped at the trace limit: it recorded ${summary.events.toLocaleString('en')} events, the most one run may, ` +
      `and was cut short at ${formatTime(summary.time_ns)} of virtual time. ` +
      'Everything up to there is shown; to see further, use fewer steps or vCPUs, or an earlier "Stop at".'
    );
  }
  if (summary.end === 'cap') {
    return (
      `This run never settled: it was stopped at ${formatTime(summary.time_ns)} of virtual time, ` +
      `${formatDuration(SETTLE_CAP_NS)} after its last step. Set "Stop at" to choose when it ends.`
    );
  }
  return null;
}

function RunEndBanner() {
  const summary = usePlayground((s) => (s.run.status === 'done' ? s.run.summary : null));
  const [dismissed, setDismissed] = useState<Summary | null>(null);
  const message = summary && summary !== dismissed ? runEndMessage(summary) : null;
  if (!message) return null;
  return (
    <div role="status" className="banner run-end" aria-label={summary!.end === 'limit' ? 'Stopped at the trace limit' : 'Stopped: the run never settled'}>
      <p>{message}</p>
      <button type="button" onClick={() => setDismissed(summary)}>
        Dismiss
      </button>
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
