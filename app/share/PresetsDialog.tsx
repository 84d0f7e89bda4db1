// The presets gallery: every preset of the engine (engine/scenario/presets.ts) with its
// teaching goal and what it runs, one click to open it.

import { PRESETS, type Preset } from '../../engine/scenario/presets';
import { usePlayground, useActions } from '../store/context';
import { Dialog } from './Dialog';

function facts(p: Preset): string {
  const s = p.input;
  const g = s.guest ?? {};
  const parts = [
    `${(g.type ?? 'pv').toUpperCase()}${g.dom0 ? ' dom0' : ''}`,
    g.vcpus !== undefined ? `${g.vcpus} vCPUs` : g.dom0 ? 'dom0_max_vcpus' : '1 vCPU',
    s.host?.pcpus !== undefined ? `${s.host.pcpus} pCPUs` : '',
    s.kernel === '2.6.23' ? 'Linux 2.6.23' : 'Linux 4.0',
    s.steps?.length ? `${s.steps.length} step${s.steps.length > 1 ? 's' : ''}` : '',
    s.notes?.length ? 'speaker notes' : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

export function PresetsDialog() {
  const actions = useActions();
  const current = usePlayground((s) => s.scenario.presetId);
  return (
    <Dialog title="Presets" onClose={() => actions.setDialog(null)} className="presets" description="Each preset with what it teaches.">
      <ul className="preset-gallery" aria-label="Presets">
        {PRESETS.map((p) => (
          <li key={p.id} className={p.id === current ? 'current' : undefined}>
            <h3>{p.title}</h3>
            <p className="preset-goal">{p.goal}</p>
            <p className="muted small">{facts(p)}</p>
            <button
              type="button"
              className={p.id === current ? undefined : 'primary'}
              aria-label={`Open “${p.title}”`}
              onClick={() => {
                actions.loadScenario(structuredClone(p.input), { presetId: p.id });
                actions.setDialog(null);
              }}
            >
              {p.id === current ? 'Open again' : 'Open'}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
