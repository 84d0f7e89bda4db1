// The playground's shell: header, banners, actions, the stage with the time-space
// diagram and the transport, and the side panel; or the presenter layout (app/present);
// or the embedded view for iframes (`?embed`). The store (store/) owns the scenario,
// the run, the playhead and the view; drivers.ts runs the engine worker, the folding
// and the frame loop around it. Links, files, exports and the record dialog live in
// app/share, app/export and app/record (the video encoder is loaded only when needed).

import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { createEngineClient, type EngineClient } from './engine/client';
import { StoreProvider, usePlayground, usePlaygroundStore } from './store/context';
import { reducedMotionOf, type PlaygroundStore } from './store/store';
import { startDrivers } from './store/drivers';
import { cssVars } from './theme/palette';
import { Header } from './shell/Header';
import { Banners } from './shell/Banners';
import { ActionsBar } from './shell/ActionsBar';
import { StageArea, TimeSpaceArea } from './shell/StageArea';
import { Transport } from './shell/Transport';
import { SidePanel, useSidePanelOpen } from './shell/SidePanel';
import { HelpDialog } from './shell/HelpDialog';
import { handleKey } from './shell/keys';
import { initialStore } from './shell/initial';
import { decodeLink, encodeLink } from '../engine/scenario/link';
import { isEmbedUrl, openHash, splitHash } from './share/links';
import { OpenBanner } from './share/OpenBanner';
import { AboutDialog } from './share/AboutDialog';
import { PresetsDialog } from './share/PresetsDialog';
import { CopyDialog } from './share/CopyDialog';
import { DropZone } from './share/DropZone';
import { EmbedView } from './share/EmbedView';
import { showInAddressBar } from './share/actions';
import { Presenter } from './present/Presenter';

// The record dialog pulls in the frame renderer; the muxer (mediabunny) is a further
// lazy import inside it, fetched only when a recording starts.
const RecordDialog = lazy(() => import('./record/RecordDialog').then((m) => ({ default: m.RecordDialog })));

export interface AppProps {
  /** Makes the engine client; tests pass their own. */
  createClient?: () => EngineClient;
  /** The URL hash to open (default: the page's). */
  hash?: string;
  /** The embedded view (default: from the page's URL). */
  embed?: boolean;
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage !== 'undefined' ? localStorage : null;
  } catch {
    return null;
  }
}

export function makeStore(hash: string, embed = false): PlaygroundStore {
  return initialStore(hash, { storage: safeStorage(), embed }).store;
}

export function App({ createClient = createEngineClient, hash, embed }: AppProps) {
  const [store] = useState(() => {
    const h = hash ?? (typeof location !== 'undefined' ? location.hash : '');
    const e = embed ?? (typeof location !== 'undefined' ? isEmbedUrl(location.search, location.hash) : false);
    return makeStore(h, e);
  });
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
      if (b && e.detail > 0 && b.closest('.app-header, .actions-bar, .transport, .presenter-bar, .p-transport, .presenter-chapters') && !b.closest('[role="tablist"], .share-menu')) b.blur();
    };
    // A link pasted into the address bar of an open page: open it (a bad one says why).
    const onHash = () => {
      if (splitHash(location.hash).link) openHash(store, location.hash);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('click', onClick);
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('click', onClick);
      window.removeEventListener('hashchange', onHash);
      stop();
      store.getState().detach();
    };
  }, [store, makeClient]);

  useAddressBar(store, hash === undefined);

  return (
    <StoreProvider store={store}>
      <ThemeRoot />
      <Layout />
      <Dialogs />
      <DropZone />
    </StoreProvider>
  );
}

/**
 * Keeps the address bar on the scenario shown: after the scenario changes (a preset, an
 * edit, a file), the hash becomes its link, so a reload reopens it. (Copy link adds the
 * moment.) Not on the first load: a bad link stays in the address bar as it came.
 */
function useAddressBar(store: PlaygroundStore, enabled: boolean) {
  useEffect(() => {
    if (!enabled || typeof history === 'undefined') return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsub = store.subscribe((s, prev) => {
      if (s.scenario.input === prev.scenario.input) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        try {
          const input = store.getState().scenario.input;
          // Opened from the link in the address bar (pasted, or the page's own): keep it, moment and all.
          const d = decodeLink(splitHash(location.hash).link);
          if (d.ok && JSON.stringify(d.input) === JSON.stringify(input)) return;
          showInAddressBar(encodeLink(input));
        } catch {
          /* not JSON-able: leave the address bar */
        }
      }, 300);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [store, enabled]);
}

function BannerRow() {
  return (
    <div className="banner-row">
      <OpenBanner />
      <Banners />
    </div>
  );
}

function Layout() {
  const presenter = usePlayground((s) => s.view.presenter);
  const embed = usePlayground((s) => s.view.embed);
  if (embed) return <EmbedView banners={<BannerRow />} />;
  if (presenter) return <Presenter />;
  return (
    <div className="app">
      <Header />
      <BannerRow />
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
  );
}

function Dialogs() {
  const dialog = usePlayground((s) => s.view.dialog);
  const store = usePlaygroundStore();
  return (
    <>
      <HelpDialog />
      {dialog === 'about' ? <AboutDialog /> : null}
      {dialog === 'presets' ? <PresetsDialog /> : null}
      {dialog === 'copy' ? <CopyDialog /> : null}
      {dialog === 'record' ? (
        <Suspense fallback={<div className="modal-backdrop" role="status">Loading the recorder…</div>}>
          <RecordDialog store={store} />
        </Suspense>
      ) : null}
    </>
  );
}

function Main({ children }: { children: ReactNode }) {
  const wide = usePlayground((s) => s.view.widePanel);
  const open = useSidePanelOpen();
  return <main className={`main${wide && open ? ' wide' : ''}${open ? '' : ' side-collapsed'}`}>{children}</main>;
}

/** Writes the theme's colours and the motion setting onto the document root. */
function ThemeRoot() {
  const theme = usePlayground((s) => s.view.theme);
  const reduced = usePlayground((s) => reducedMotionOf(s.view));
  const presenter = usePlayground((s) => s.view.presenter);
  useEffect(() => {
    const root = document.documentElement;
    for (const [k, v] of Object.entries(cssVars(theme))) root.style.setProperty(k, v);
    root.dataset.theme = theme;
    root.style.colorScheme = theme === 'dark' ? 'dark' : 'light';
  }, [theme]);
  useEffect(() => {
    document.documentElement.dataset.motion = reduced ? 'reduce' : 'full';
  }, [reduced]);
  useEffect(() => {
    if (presenter) document.documentElement.dataset.presenter = 'on';
    else delete document.documentElement.dataset.presenter;
  }, [presenter]);
  return null;
}
