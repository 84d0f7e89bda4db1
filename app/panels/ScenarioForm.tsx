// The scenario form: every CONTRACT.md field, with a label and help text. Apply
// validates and simulates; a rejected field is marked inline (and in the banner), and
// the last good scenario keeps running. Reset loads the defaults.

import { useId, useState, type ReactNode } from 'react';
import { defaultScenarioInput } from '../../engine/scenario/defaults';
import { STEP_KINDS } from '../../engine/scenario/types';
import { usePlayground, useActions } from '../store/context';
import { STEP_TEMPLATES, draftFromInput, inputFromDraft, nextStepKey, type Draft, type StepDraft } from './scenarioDraft';

interface FieldError {
  path: string;
  message: string;
}

function errorFor(err: FieldError | null, path: string): string | null {
  if (!err) return null;
  return err.path === path || err.path.startsWith(`${path}.`) || err.path.startsWith(`${path}[`) ? err.message : null;
}

function Field({
  id,
  label,
  help,
  error,
  children,
}: {
  id: string;
  label: string;
  help: string;
  error: string | null;
  children: (aria: { id: string; 'aria-describedby': string; 'aria-invalid': boolean }) => ReactNode;
}) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': `${id}-help${error ? ` ${id}-err` : ''}`, 'aria-invalid': !!error })}
      <p id={`${id}-help`} className="help">
        {help}
      </p>
      {error ? (
        <p id={`${id}-err`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function Check({ id, label, help, checked, onChange, error }: { id: string; label: string; help: string; checked: boolean; onChange(v: boolean): void; error?: string | null }) {
  return (
    <div className={`field check${error ? ' has-error' : ''}`}>
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-help`} />
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-help`} className="help">
        {help}
      </p>
      {error ? <p className="field-error">{error}</p> : null}
    </div>
  );
}

export function ScenarioForm() {
  const input = usePlayground((s) => s.scenario.rejected ?? s.scenario.input);
  // A new scenario (preset, link, action) resets the form; edits in progress are local.
  return <ScenarioFormBody key={identity(input)} />;
}

const ids = new WeakMap<object, number>();
let nextId = 0;
function identity(o: unknown): number {
  if (typeof o !== 'object' || o === null) return -1;
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++nextId));
  return id;
}

function ScenarioFormBody() {
  const actions = useActions();
  const shown = usePlayground((s) => s.scenario.input);
  const rejected = usePlayground((s) => s.scenario.rejected);
  const storeError = usePlayground((s) => s.scenario.error);
  const [draft, setDraft] = useState<Draft>(() => draftFromInput((rejected as typeof shown) ?? shown));
  const [localError, setLocalError] = useState<FieldError | null>(null);
  const [applied, setApplied] = useState(false);
  const error: FieldError | null = localError ?? (rejected ? storeError : null);
  const u = useId();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setApplied(false);
  };
  const setStep = (i: number, p: Partial<StepDraft>) => set('steps', draft.steps.map((s, j) => (j === i ? { ...s, ...p } : s)));

  const apply = () => {
    const built = inputFromDraft(draft);
    if (!built.ok) {
      setLocalError({ path: built.path, message: built.message });
      return;
    }
    setLocalError(null);
    const ok = actions.loadScenario(built.input, { presetId: null });
    setApplied(ok);
  };

  const f = (path: string) => errorFor(error, path);
  return (
    <form
      className="panel-body scenario-form"
      aria-label="Scenario"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <fieldset>
        <legend>Scenario</legend>
        <Field id={`${u}-title`} label="Title" help="Plain text, one line, at most 200 characters." error={f('title')}>
          {(a) => <input {...a} type="text" value={draft.title} onChange={(e) => set('title', e.target.value)} />}
        </Field>
        <Field id={`${u}-seed`} label="Seed" help="The one seed of the run's randomness (0 to 4294967295): the same seed gives the same trace." error={f('seed')}>
          {(a) => <input {...a} type="text" inputMode="numeric" value={draft.seed} onChange={(e) => set('seed', e.target.value)} />}
        </Field>
        <Field
          id={`${u}-kernel`}
          label="Kernel era"
          help="4.0: arch/x86/xen/smp.c of Linux 4.0 (the seed). 2.6.23: the 2007 commit that added Xen SMP guest support (PV only)."
          error={f('kernel')}
        >
          {(a) => (
            <select {...a} value={draft.kernel} onChange={(e) => set('kernel', e.target.value)}>
              <option value="4.0">Linux 4.0</option>
              <option value="2.6.23">Linux 2.6.23 (2007)</option>
            </select>
          )}
        </Field>
        <Field id={`${u}-until`} label="Stop at" help='Virtual time to stop, e.g. "500ms" or "1.5s"; empty: when nothing is left to do.' error={f('until')}>
          {(a) => <input {...a} type="text" value={draft.until} placeholder="until idle" onChange={(e) => set('until', e.target.value)} />}
        </Field>
      </fieldset>

      <fieldset>
        <legend>Host (Xen)</legend>
        <Field id={`${u}-pcpus`} label="Physical CPUs" help="pCPUs Xen schedules vCPUs on (1 to 512)." error={f('host.pcpus')}>
          {(a) => <input {...a} type="text" inputMode="numeric" value={draft.pcpus} onChange={(e) => set('pcpus', e.target.value)} />}
        </Field>
        <Field id={`${u}-tslice`} label="Credit timeslice (ms)" help="Xen's credit scheduler timeslice, tslice_ms." error={f('host.sched.tslice_ms')}>
          {(a) => <input {...a} type="text" inputMode="numeric" value={draft.tslice} onChange={(e) => set('tslice', e.target.value)} />}
        </Field>
        <Field id={`${u}-ratelimit`} label="Rate limit (µs)" help="ratelimit_us: the least time a vCPU runs before it can be preempted." error={f('host.sched.ratelimit_us')}>
          {(a) => <input {...a} type="text" inputMode="numeric" value={draft.ratelimit} onChange={(e) => set('ratelimit', e.target.value)} />}
        </Field>
      </fieldset>

      <fieldset>
        <legend>Guest</legend>
        <Field id={`${u}-type`} label="Guest type" help="PV (paravirtualised, the seed's smp_ops), HVM or PVH." error={f('guest.type')}>
          {(a) => (
            <select {...a} value={draft.type} onChange={(e) => set('type', e.target.value)}>
              <option value="pv">PV</option>
              <option value="hvm">HVM</option>
              <option value="pvh">PVH</option>
            </select>
          )}
        </Field>
        <Check
          id={`${u}-dom0`}
          label="dom0 (the control domain)"
          help="dom0's vCPU count comes from Xen's dom0_max_vcpus; a domU's from the toolstack."
          checked={draft.dom0}
          onChange={(v) => set('dom0', v)}
          error={f('guest.dom0')}
        />
        {draft.dom0 ? (
          <>
            <Field
              id={`${u}-d0max`}
              label="dom0_max_vcpus"
              help='Xen syntax: N, N-, N-M or -M (e.g. "4", "2-8"). Empty: one vCPU per pCPU.'
              error={f('guest.dom0_max_vcpus')}
            >
              {(a) => <input {...a} type="text" value={draft.dom0MaxVcpus} onChange={(e) => set('dom0MaxVcpus', e.target.value)} />}
            </Field>
            <Field id={`${u}-madt`} label="CPUs in the ACPI MADT" help="LAPICs dom0's ACPI tables list; empty: as many as pCPUs." error={f('guest.madt_cpus')}>
              {(a) => <input {...a} type="text" inputMode="numeric" value={draft.madtCpus} onChange={(e) => set('madtCpus', e.target.value)} />}
            </Field>
          </>
        ) : (
          <Field id={`${u}-vcpus`} label="vCPUs" help="vCPUs the toolstack creates for the domU (1 to 512)." error={f('guest.vcpus')}>
            {(a) => <input {...a} type="text" inputMode="numeric" value={draft.vcpus} onChange={(e) => set('vcpus', e.target.value)} />}
          </Field>
        )}
        <fieldset className="inner">
          <legend>Kernel command line</legend>
          <Check id={`${u}-nosmp`} label="nosmp" help="No secondary CPUs: Xen PV panics (use dom0_max_vcpus=1 instead)." checked={draft.nosmp} onChange={(v) => set('nosmp', v)} />
          <Check id={`${u}-noapic`} label="noapic" help="No IO-APIC setup: Xen PV's smp code panics too." checked={draft.noapic} onChange={(v) => set('noapic', v)} />
          <Check id={`${u}-nopvspin`} label="nopvspin" help="PV spinlocks off: waiters spin instead of polling an event channel." checked={draft.nopvspin} onChange={(v) => set('nopvspin', v)} />
          <Field id={`${u}-maxcpus`} label="maxcpus" help="Bring up at most N CPUs at boot; empty: not given." error={null}>
            {(a) => <input {...a} type="text" inputMode="numeric" value={draft.maxcpus} onChange={(e) => set('maxcpus', e.target.value)} />}
          </Field>
          <Field
            id={`${u}-cmdline`}
            label="Other options"
            help="The rest of the command line (nr_cpus=N is modelled; other options go to init)."
            error={f('guest.cmdline')}
          >
            {(a) => <input {...a} type="text" className="mono" value={draft.otherCmdline} onChange={(e) => set('otherCmdline', e.target.value)} />}
          </Field>
        </fieldset>
        <Check
          id={`${u}-hotplug`}
          label="CONFIG_HOTPLUG_CPU"
          help="CPU hotplug built in: CPUs can be taken offline and back."
          checked={draft.hotplug}
          onChange={(v) => set('hotplug', v)}
          error={f('guest.hotplug')}
        />
        <Field id={`${u}-nrcpus`} label="CONFIG_NR_CPUS" help="The kernel's compiled-in CPU limit: the starting nr_cpu_ids." error={f('guest.nr_cpus')}>
          {(a) => <input {...a} type="text" inputMode="numeric" value={draft.nrCpus} onChange={(e) => set('nrCpus', e.target.value)} />}
        </Field>
        <Field id={`${u}-evtchn`} label="Event-channel ABI" help="2-level (bitmaps and selector words) or FIFO (queues)." error={f('guest.evtchn')}>
          {(a) => (
            <select {...a} value={draft.evtchn} onChange={(e) => set('evtchn', e.target.value)}>
              <option value="2l">2-level</option>
              <option value="fifo">FIFO</option>
            </select>
          )}
        </Field>
        <Field id={`${u}-bits`} label="Word size" help="64-bit or 32-bit guest: the 2-level ABI's word width." error={f('guest.bits')}>
          {(a) => (
            <select {...a} value={draft.bits} onChange={(e) => set('bits', e.target.value)}>
              <option value="64">64-bit</option>
              <option value="32">32-bit</option>
            </select>
          )}
        </Field>
        <Check
          id={`${u}-vip`}
          label="Xen accepts VCPUOP_register_vcpu_info"
          help="Whether vcpu_info can be placed in per-CPU memory (else the first 32 vCPUs use shared_info)."
          checked={draft.vcpuInfoPlacement}
          onChange={(v) => set('vcpuInfoPlacement', v)}
          error={f('guest.vcpu_info_placement')}
        />
      </fieldset>

      <fieldset>
        <legend>Steps</legend>
        <p className="help">Applied at virtual time "at" (e.g. "20ms"); the other fields as JSON. Boot starts at 0.</p>
        {f('steps') && !draft.steps.some((_, i) => f(`steps[${i}]`)) ? <p className="field-error">{f('steps')}</p> : null}
        <ol className="steps-list" aria-label="Steps">
          {draft.steps.map((st, i) => {
            const err = f(`steps[${i}]`);
            return (
              <li key={st.key} className={err ? 'has-error' : undefined}>
                <label className="sr-only" htmlFor={`${u}-s${st.key}-at`}>
                  Step {i + 1} time
                </label>
                <input id={`${u}-s${st.key}-at`} className="step-at mono" type="text" value={st.at} onChange={(e) => setStep(i, { at: e.target.value })} />
                <label className="sr-only" htmlFor={`${u}-s${st.key}-do`}>
                  Step {i + 1} kind
                </label>
                <select
                  id={`${u}-s${st.key}-do`}
                  value={st.do}
                  onChange={(e) => setStep(i, { do: e.target.value, fields: JSON.stringify(STEP_TEMPLATES[e.target.value] ?? {}) })}
                >
                  {STEP_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
                <label className="sr-only" htmlFor={`${u}-s${st.key}-f`}>
                  Step {i + 1} fields (JSON)
                </label>
                <input
                  id={`${u}-s${st.key}-f`}
                  className="step-fields mono"
                  type="text"
                  value={st.fields}
                  aria-invalid={!!err}
                  onChange={(e) => setStep(i, { fields: e.target.value })}
                />
                <button type="button" aria-label={`Remove step ${i + 1}`} onClick={() => set('steps', draft.steps.filter((_, j) => j !== i))}>
                  ✕
                </button>
                {err ? <p className="field-error">{`steps[${i}]: ${err}`}</p> : null}
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          onClick={() => set('steps', [...draft.steps, { key: nextStepKey(), at: '10ms', do: 'cpu_down', fields: JSON.stringify(STEP_TEMPLATES.cpu_down) }])}
        >
          Add step
        </button>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="primary">
          Apply
        </button>
        <button
          type="button"
          onClick={() => {
            setLocalError(null);
            actions.loadScenario(defaultScenarioInput(), { presetId: null });
          }}
        >
          Reset to defaults
        </button>
        <span role="status" className="muted small">
          {applied && !error ? 'Applied: simulating…' : error ? `Not applied: ${error.path || 'scenario'}: ${error.message}` : ''}
        </span>
      </div>
    </form>
  );
}
