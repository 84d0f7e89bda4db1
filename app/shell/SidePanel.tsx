// The side panel: tabs for narration and code, the hypercall log, the guest console,
// /proc/interrupts, the raw hypercall console and the scenario form (WAI-ARIA tabs:
// arrow keys move between tabs, the active one owns the panel).

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { usePlayground, useActions } from '../store/context';
import { PANELS, type PanelId } from '../store/store';
import { NarrationPanel } from '../panels/NarrationPanel';
import { HypercallLog } from '../panels/HypercallLog';
import { ConsolePanel } from '../panels/ConsolePanel';
import { InterruptsPanel } from '../panels/InterruptsPanel';
import { RawHypercallPanel } from '../panels/RawHypercallPanel';
import { ScenarioForm } from '../panels/ScenarioForm';
import { ErrorBoundary } from './ErrorBoundary';
import { Icon } from './Icon';

export const PANEL_LABEL: Record<PanelId, string> = {
  narration: 'Narration & code',
  hypercalls: 'Hypercalls',
  console: 'Console',
  interrupts: '/proc/interrupts',
  raw: 'Raw hypercall',
  scenario: 'Scenario',
};

function PanelContent({ id }: { id: PanelId }) {
  switch (id) {
    case 'narration':
      return <NarrationPanel />;
    case 'hypercalls':
      return <HypercallLog />;
    case 'console':
      return <ConsolePanel />;
    case 'interrupts':
      return <InterruptsPanel />;
    case 'raw':
      return <RawHypercallPanel />;
    case 'scenario':
      return <ScenarioForm />;
  }
}

/** Screens where the projector theme collapses the side panel by default (the stage needs the room). */
export const SMALL_SCREEN = '(max-width: 1599px)';

function useMedia(query: string): boolean {
  const get = () => (typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(query).matches : false);
  const [on, setOn] = useState(get);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia(query);
    const f = () => setOn(mq.matches);
    f();
    mq.addEventListener?.('change', f);
    return () => mq.removeEventListener?.('change', f);
  }, [query]);
  return on;
}

/** Is the side panel shown? 'auto' hides it in the projector theme on small screens. */
export function useSidePanelOpen(): boolean {
  const pref = usePlayground((s) => s.view.sidePanel);
  const theme = usePlayground((s) => s.view.theme);
  const small = useMedia(SMALL_SCREEN);
  return pref === 'auto' ? !(theme === 'projector' && small) : pref === 'open';
}

export function SidePanel() {
  const open = useSidePanelOpen();
  return open ? <SidePanelOpen /> : <SidePanelRail />;
}

/** The collapsed side panel: a rail with a button that shows it again. */
function SidePanelRail() {
  const actions = useActions();
  return (
    <aside className="side-panel collapsed" aria-label="Details">
      <button type="button" className="rail-btn" aria-expanded={false} aria-label="Show the details panel" title="Show the details panel (narration, logs, /proc/interrupts, scenario)" onClick={() => actions.setSidePanel('open')}>
        <Icon name="narrow" />
        <span className="rail-label" aria-hidden="true">
          Details
        </span>
      </button>
    </aside>
  );
}

function SidePanelOpen() {
  const actions = useActions();
  const panel = usePlayground((s) => s.view.panel);
  const wide = usePlayground((s) => s.view.widePanel);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent) => {
    const i = PANELS.indexOf(panel);
    let j = -1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = (i + 1) % PANELS.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = (i - 1 + PANELS.length) % PANELS.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = PANELS.length - 1;
    if (j < 0) return;
    e.preventDefault();
    e.stopPropagation();
    actions.setPanel(PANELS[j]);
    tabs.current[j]?.focus();
  };
  return (
    <aside className="side-panel" aria-label="Details">
      <div className="tabbar">
      <div role="tablist" aria-label="Details" className="tabs" onKeyDown={onKey}>
        {PANELS.map((p, i) => (
          <button
            key={p}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            id={`tab-${p}`}
            role="tab"
            type="button"
            aria-selected={panel === p}
            aria-controls={`panel-${p}`}
            tabIndex={panel === p ? 0 : -1}
            onClick={() => actions.setPanel(p)}
          >
            {PANEL_LABEL[p]}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="widen"
        aria-pressed={wide}
        aria-label="Wide side panel"
        title={wide ? 'Narrow the side panel' : 'Widen the side panel (for /proc/interrupts with many CPUs)'}
        onClick={() => actions.setWidePanel(!wide)}
      >
        <Icon name={wide ? 'narrow' : 'widen'} />
      </button>
      <button
        type="button"
        className="widen"
        aria-expanded={true}
        aria-label="Hide the details panel"
        title="Hide the details panel (more room for the stage)"
        onClick={() => actions.setSidePanel('closed')}
      >
        ×
      </button>
      </div>
      <div role="tabpanel" id={`panel-${panel}`} aria-labelledby={`tab-${panel}`} className="tabpanel">
        <ErrorBoundary what={PANEL_LABEL[panel]}>
          <PanelContent id={panel} />
        </ErrorBoundary>
      </div>
    </aside>
  );
}
