// What the page opens with: the scenario in the URL hash (engine/scenario/link.ts) when
// there is one, else the default preset. A damaged or invalid link is reported (the
// banner names the field) and the default preset runs instead.

import { decodeLink } from '../../engine/scenario/link';
import { PRESETS } from '../../engine/scenario/presets';
import type { ScenarioError, ScenarioInput } from '../../engine/scenario/types';

export const DEFAULT_PRESET = PRESETS[0];

export interface InitialLoad {
  /** The default preset (always loaded first, so something good runs). */
  fallback: { input: ScenarioInput; presetId: string };
  /** The link's scenario, to load over it (validated by the store). */
  link: { input: unknown; time: number | null } | null;
  /** The link could not be decoded. */
  error: ScenarioError | null;
}

export function initialLoad(hash: string): InitialLoad {
  const fallback = { input: structuredClone(DEFAULT_PRESET.input), presetId: DEFAULT_PRESET.id };
  if (!hash || hash === '#') return { fallback, link: null, error: null };
  const d = decodeLink(hash);
  if (!d.ok) return { fallback, link: null, error: d.error };
  return { fallback, link: { input: d.input, time: typeof d.view.t === 'number' ? d.view.t : null }, error: null };
}
