// "About this run": what identifies the run on screen — title, goal, seed, kernel era,
// the trace hash (SHA-256 of the canonical JSON Lines, the same as the CLI's
// `trace_hash` and `sha256sum` of an exported .jsonl), events, virtual duration — and a
// link to this very moment.

import { useState } from 'react';
import { usePlayground, useActions, usePlaygroundStore } from '../store/context';
import { formatTime } from '../store/printk';
import { Dialog } from './Dialog';
import { appBase, copyText, currentLink } from './links';

export function AboutDialog() {
  const actions = useActions();
  const store = usePlaygroundStore();
  const scenario = usePlayground((s) => s.scenario.scenario);
  const summary = usePlayground((s) => s.run.summary);
  const status = usePlayground((s) => s.run.status);
  const pending = usePlayground((s) => !!s.run.pending);
  const time = usePlayground((s) => s.playback.time);
  const index = usePlayground((s) => s.playback.index);
  const [copied, setCopied] = useState<null | boolean>(null);
  // The link is taken when the dialog renders (the playhead is paused while it is open).
  const link = currentLink(store.getState(), appBase());
  const settled = status === 'done' && !pending && summary?.ok;
  const rows: [string, string, string?][] = scenario
    ? [
        ['Title', scenario.title || '(untitled)'],
        ['Goal', scenario.goal || '—'],
        ['Seed', String(scenario.seed)],
        ['Kernel era', scenario.kernel === '2.6.23' ? 'Linux 2.6.23 (the 2007 original Xen SMP support)' : 'Linux 4.0 (the seed kernel)'],
        ['Guest', `${scenario.guest.type.toUpperCase()}${scenario.guest.dom0 ? ' dom0' : ' domU'}, ${scenario.guest.vcpus} vCPUs on ${scenario.host.pcpus} pCPUs, ${scenario.guest.evtchn === 'fifo' ? 'FIFO' : '2-level'} event channels`],
        ['Trace hash', settled ? summary.trace_hash : status === 'failed' ? 'the run failed' : 'simulating…', 'mono hash'],
        ['Events', settled ? summary.events.toLocaleString('en') : '…'],
        ['Virtual duration', settled ? formatTime(summary.time_ns) : '…'],
        ['Playhead', `${formatTime(time)} (event ${index.toLocaleString('en')})`],
      ]
    : [];
  return (
    <Dialog title="About this run" onClose={() => actions.setDialog(null)} className="about">
      <table className="about-table">
        <tbody>
          {rows.map(([k, v, cls]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td className={cls}>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        The same scenario always gives the same trace: the trace hash is the SHA-256 of its canonical JSON Lines (the exported{' '}
        <code>.jsonl</code> file, and <code>trace_hash</code> in <code>npm run sim</code>&apos;s summary).
      </p>
      <label className="link-field">
        <span>Link to this moment</span>
        <input type="text" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div className="dialog-actions">
        <button
          type="button"
          className="primary"
          onClick={async () => {
            const ok = await copyText(link);
            setCopied(ok);
          }}
        >
          Copy link
        </button>
        <span role="status" className="small">
          {copied === true ? 'Copied.' : copied === false ? 'The browser refused the clipboard: select the link above and copy it.' : ''}
        </span>
      </div>
    </Dialog>
  );
}
