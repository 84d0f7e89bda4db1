// The header's "Share" menu (a disclosure: a button that shows a small panel of
// buttons): copy a link to this moment, copy an iframe snippet, about this run, record a
// video, export PNG / SVG of the stage, export the trace (JSON Lines, Chrome trace), open
// a file. The actions are in ./actions.ts so presenter mode and tests share them.

import { useEffect, useId, useRef, useState } from 'react';
import { usePlayground, useActions, usePlaygroundStore } from '../store/context';
import { copyLink, copyEmbed, exportPng, exportSvg, exportTrace, pickFile } from './actions';

export function ShareMenu() {
  const store = usePlaygroundStore();
  const actions = useActions();
  const [open, setOpen] = useState(false);
  const hasTrace = usePlayground((s) => !!s.run.timeline);
  const done = usePlayground((s) => s.run.status === 'done' && !s.run.pending);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', onDown);
    return () => window.removeEventListener('pointerdown', onDown);
  }, [open]);

  const run = (f: () => unknown) => () => {
    setOpen(false);
    void f();
  };

  return (
    <div
      className="share-menu"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button ref={button} type="button" aria-expanded={open} aria-controls={`${id}-panel`} onClick={() => setOpen(!open)}>
        Share <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div id={`${id}-panel`} className="share-panel" role="group" aria-label="Share and export">
          <p className="share-head">Link</p>
          <button type="button" onClick={run(() => copyLink(store))} disabled={!hasTrace}>
            Copy link
          </button>
          <button type="button" onClick={run(() => copyEmbed(store))} disabled={!hasTrace} title="Copy an <iframe> for slides">
            Embed
          </button>
          <button type="button" onClick={run(() => actions.setDialog('about'))}>
            About this run
          </button>
          <p className="share-head">Export</p>
          <button type="button" onClick={run(() => actions.setDialog('record'))} disabled={!done}>
            Record video…
          </button>
          <button type="button" onClick={run(() => exportPng(store))} disabled={!hasTrace}>
            PNG image
          </button>
          <button type="button" onClick={run(() => exportSvg(store))} disabled={!hasTrace}>
            SVG image
          </button>
          <button type="button" onClick={run(() => exportTrace(store, 'jsonl'))} disabled={!done}>
            Trace (JSON Lines)
          </button>
          <button type="button" onClick={run(() => exportTrace(store, 'perfetto'))} disabled={!done} title="Chrome trace JSON: open it in ui.perfetto.dev">
            Trace for Perfetto
          </button>
          <p className="share-head">Open</p>
          <button type="button" onClick={run(() => pickFile(store))}>
            Open a file…
          </button>
          <button type="button" onClick={run(() => actions.setDialog('presets'))}>
            Presets gallery
          </button>
        </div>
      ) : null}
    </div>
  );
}
