// The playground's shell: header, banners, actions, the stage with the time-space
// diagram and the transport, and the side panel. The store (store/) owns the scenario,
// the run, the playhead and the view; drivers.ts runs the engine worker, the folding
// and the frame loop around it.

import { useEffect, useState, type ReactNode } from 'react';
import { createEngineClient, type EngineClient } from './engine/client';
import { StoreProvider, usePlayground } from './store/context';
import { createPlaygroundStore, reducedMotionOf, type PlaygroundStore } from './store/store';
import { startDrivers } from './store/drivers';
import { cssVars } from './theme/palette';
import { Header } from './shell/Header';
import { Banners } from './shell/Banners';
import { ActionsBar } from './shell/ActionsBar';
import { StageArea, TimeSpaceArea } from './shell/StageArea';
import { Transport } from './shell/Transport';
import { SidePanel } from './shell/SidePanel';
import { HelpDialog } from './shell/HelpDialog';
import { handleKey } from './shell/keys';
import { initialLoad } from './shell/initial';
import { PRESETS } from '../engine/scenario/presets';

export interface AppProps {
  /** Makes the engine client; tests pass their own. */
  createClient?: () => EngineClient;
  /** The URL hash to open (default: the page's). */
  hash?: string;
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage !== 'undefined' ? localStorage : null;
  } catch {
    return null;
  }
}

export function makeStore(hash: string): PlaygroundStore {
  const init = initialLoad(hash);
  const store = createPlaygroundStore(init.fallback.input, { storage: safeStorage() });
  store.setState((s) => ({ scenario: { ...s.scenario, presetId: init.fallback.presetId } }));
  if (init.error) store.setState((s) => ({ scenario: { ...s.scenario, error: init.error, rejected: null } }));
  if (init.link) {
    // A link that holds a preset as it is shows as that preset.
    const same = PRESETS.find((p) => JSON.stringify(p.input) === JSON.stringify(init.link!.input));
    store.getState().loadScenario(init.link.input, { presetId: same?.id ?? null, keepTime: init.link.time });
  }
  return store;
}

export function App({ createClient = createEngineClient, hash }: AppProps) {
  const [store] = useState(() => makeStore(hash ?? (typeof location !== 'undefined' ? location.hash : '')));
  const [makeClient] = useState(() => createClient);

  useEffect(() => {
    // StrictMode runs effects twice in development: each run gets its own worker, and
    // the cleanup terminates it.
    store.getState().attach(makeClient);
    const stop = startDrivers(store);
    const onKey = (e: KeyboardEvent) => {
      if (handleKey(e, store.getState())) e.preventDefault();
    };
    // A button clicked with the mouse gives focus back to the page, so that Space and the
    // arrows (and a presenter's clicker) drive playback next, not the button again.
    const onClick = (e: MouseEvent) => {
      const b = e.target instanceof Element ? e.target.closest('button') : null;
      if (b && e.detail > 0 && b.closest('.app-header, .actions-bar, .transport') && !b.closest('[role="tablist"]')) b.blur();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('click', onClick);
      stop();
      store.getState().detach();
    };
  }, [store, makeClient]);

  return (
    <StoreProvider store={store}>
      <ThemeRoot />
      <div className="app">
        <Header />
        <Banners />
        <Main>
          <div className="stage-column">
            <ActionsBar />
            <StageArea />
            <TimeSpaceArea />
            <Transport />
          </div>
          <SidePanel />
        </Main>
      </div>
      <HelpDialog />
    </StoreProvider>
  );
}

function Main({ children }: { children: ReactNode }) {
  const wide = usePlayground((s) => s.view.widePanel);
  return <main className={`main${wide ? ' wide' : ''}`}>{children}</main>;
}

/** Writes the theme's colours and the motion setting onto the document root. */
function ThemeRoot() {
  const theme = usePlayground((s) => s.view.theme);
  const reduced = usePlayground((s) => reducedMotionOf(s.view));
  useEffect(() => {
    const root = document.documentElement;
    for (const [k, v] of Object.entries(cssVars(theme))) root.style.setProperty(k, v);
    root.dataset.theme = theme;
    root.style.colorScheme = theme === 'dark' ? 'dark' : 'light';
  }, [theme]);
  useEffect(() => {
    document.documentElement.dataset.motion = reduced ? 'reduce' : 'full';
  }, [reduced]);
  return null;
}
