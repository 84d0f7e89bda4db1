// The `?` dialog: every key, and what the picture's colours and marks mean live in the
// stage's legend.

import { useEffect, useRef } from 'react';
import { usePlayground, useActions } from '../store/context';
import { KEYS, PRESENTER_KEYS } from './keys';

export function HelpDialog() {
  const open = usePlayground((s) => s.view.helpOpen);
  const presenter = usePlayground((s) => s.view.presenter);
  const actions = useActions();
  const close = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    if (open) {
      opener.current = document.activeElement;
      close.current?.focus();
    } else if (opener.current instanceof HTMLElement) {
      opener.current.focus();
      opener.current = null;
    }
  }, [open]);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={() => actions.setHelpOpen(false)}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        className="modal"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Tab') {
            // Keep focus inside: the close button is the only control.
            e.preventDefault();
            close.current?.focus();
          }
        }}
      >
        <h2 id="help-title">Keyboard shortcuts</h2>
        {presenter ? <h3>In presenter mode (a clicker sends PgDn, PgUp and .)</h3> : null}
        <table className="keys">
          <tbody>
            {(presenter ? PRESENTER_KEYS : KEYS).map((k) => (
              <tr key={k.what}>
                <th scope="row">
                  {k.keys.map((key, i) => (
                    <span key={key}>
                      {i > 0 ? ' ' : null}
                      <kbd>{key}</kbd>
                    </span>
                  ))}
                </th>
                <td>{k.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">
          1× plays 1 ms of virtual time per second; long idle gaps are skipped (the stage says how much). Playback pauses by itself when the tab is hidden.
          Click a vCPU to offline it, send it an IPI, preempt it or mask its interrupts: the action becomes a step of the scenario at the playhead.
        </p>
        <p className="muted small">
          Presenter mode (the Present button) shows the stage full screen with the chapters and the scenario&apos;s speaker notes; there <kbd>.</kbd> goes to the next
          chapter, like a clicker&apos;s “next” button, and <kbd>Esc</kbd> leaves. Share → Copy link gives a link to this very moment; drop a scenario file or an
          exported PNG/SVG on the page to open it.
        </p>
        <button ref={close} type="button" className="primary" onClick={() => actions.setHelpOpen(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
