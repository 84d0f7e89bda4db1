// What the page opens with: the default preset, then the scenario and moment in the URL
// hash (app/share/links.ts) when there is one. A damaged, hostile or invalid link is
// reported (the banner says what is wrong) and the default preset runs instead.

import { PRESETS } from '../../engine/scenario/presets';
import { createPlaygroundStore, type PlaygroundStore, type StoreDeps } from '../store/store';
import { openHash, splitHash, type OpenResult } from '../share/links';

export const DEFAULT_PRESET = PRESETS[0];

/** A store that runs the default preset, then opens the link in `hash` over it. */
export function initialStore(hash: string, deps: StoreDeps = {}): { store: PlaygroundStore; opened: OpenResult } {
  const store = createPlaygroundStore(structuredClone(DEFAULT_PRESET.input), deps);
  store.setState((s) => ({ scenario: { ...s.scenario, presetId: DEFAULT_PRESET.id } }));
  const opened = hash && hash !== '#' ? openHash(store, hash) : 'none';
  if (opened === 'opened' && splitHash(hash).flags.has('present') && !deps.embed) store.getState().setPresenter(true);
  return { store, opened };
}
