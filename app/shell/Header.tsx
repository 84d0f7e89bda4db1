// The header: title, preset picker (with each preset's teaching goal), theme switch,
// reduced-motion setting and the help button.

import { useId } from 'react';
import { PRESETS, presetById } from '../../engine/scenario/presets';
import { THEMES, type ThemeName } from '../theme/palette';
import { usePlayground, useActions, usePlaygroundStore } from '../store/context';
import { ShareMenu } from '../share/ShareMenu';
import { enterPresenter } from '../present/Presenter';
import type { MotionPref } from '../store/store';

const THEME_LABEL: Record<ThemeName, string> = { light: 'Light', dark: 'Dark', projector: 'Projector' };

export function Header() {
  const actions = useActions();
  const store = usePlaygroundStore();
  const presetId = usePlayground((s) => s.scenario.presetId);
  const title = usePlayground((s) => s.scenario.scenario?.title ?? '');
  const ownGoal = usePlayground((s) => s.scenario.scenario?.goal ?? '');
  const theme = usePlayground((s) => s.view.theme);
  const motion = usePlayground((s) => s.view.motion);
  const u = useId();
  const preset = presetId ? presetById(presetId) : undefined;
  return (
    <header className="app-header">
      <h1>Xen SMP Playground</h1>
      <div className="preset">
        <label htmlFor={`${u}-preset`}>Scenario</label>
        <select
          id={`${u}-preset`}
          value={presetId ?? ''}
          aria-describedby={`${u}-goal`}
          onChange={(e) => {
            const p = presetById(e.target.value);
            if (p) actions.loadScenario(structuredClone(p.input), { presetId: p.id });
          }}
        >
          {presetId ? null : <option value="">{title ? `Custom: ${title}` : 'Custom scenario'}</option>}
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id} title={p.goal}>
              {p.title}
            </option>
          ))}
        </select>
        <button type="button" className="gallery-btn" aria-label="Presets gallery" title="Presets gallery: every preset with what it teaches" onClick={() => actions.setDialog('presets')}>
          <svg viewBox="0 0 20 20" width="1em" height="1em" aria-hidden="true" focusable="false">
            <path d="M2 2h7v7H2zM11 2h7v7h-7zM2 11h7v7H2zM11 11h7v7h-7z" fill="currentColor" />
          </svg>
        </button>
        <p id={`${u}-goal`} className="goal" title={preset?.goal ?? ownGoal}>
          {preset ? preset.goal : ownGoal || (title ? `Custom scenario: ${title}` : 'A custom scenario (edit it in the Scenario tab).')}
        </p>
      </div>
      <div className="header-tools">
        <ShareMenu />
        <button type="button" onClick={() => enterPresenter(store)} title="Full-screen stage with chapters and speaker notes (PgDn / PgUp / . with a clicker)">
          Present
        </button>
        <div role="radiogroup" aria-label="Theme" className="seg">
          {THEMES.map((t) => (
            <button key={t} type="button" role="radio" aria-checked={theme === t} onClick={() => actions.setTheme(t)}>
              {THEME_LABEL[t]}
            </button>
          ))}
        </div>
        <label className="motion">
          <span>Motion</span>
          <select value={motion} onChange={(e) => actions.setMotion(e.target.value as MotionPref)} aria-label="Motion">
            <option value="system">System</option>
            <option value="reduce">Reduced</option>
            <option value="full">Full</option>
          </select>
        </label>
        <button type="button" className="help-btn" aria-keyshortcuts="?" onClick={() => actions.setHelpOpen(true)}>
          Keys <kbd>?</kbd>
        </button>
      </div>
    </header>
  );
}
