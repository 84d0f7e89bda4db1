// "Narration & code": what the kernel is doing now and why (the latest narration at the
// playhead, with its function linked to the upstream source and the xen-facts id it
// cites), the kernel function stack on each CPU, and the IPI counters.

import { usePlayground } from '../store/context';
import { useKernelEra, useThrottled } from '../shell/hooks';
import { formatTime } from '../store/printk';
import { LiveAnnouncer } from './LiveAnnouncer';
import { SourceLink } from './SourceLink';

const VECTORS = ['RESCHEDULE', 'CALL_FUNCTION', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK', 'NMI'];
const MAX_STACKS = 16;

function who(cpu: number): string {
  return cpu < 0 ? 'Xen / toolstack' : `CPU ${cpu}`;
}

export function NarrationPanel() {
  const era = useKernelEra();
  const narration = useThrottled((s) => s.playback.picture.narration, 250);
  const panic = usePlayground((s) => s.playback.picture.panic);
  const stacks = useThrottled((s) => stackKey(s.playback.picture.vcpus.map((v) => v.stack)), 150);
  const counts = useThrottled((s) => s.playback.picture.counts, 150);

  const spoken = narration ? `${who(narration.cpu)}${narration.fn ? `, ${narration.fn}` : ''}: ${narration.text}` : '';
  const stackRows = JSON.parse(stacks) as [number, string[]][];

  return (
    <div className="panel-body narration">
      <LiveAnnouncer text={panic ? `Kernel panic: ${panic}` : spoken} label="Narration" />
      <section aria-labelledby="narr-now">
        <h3 id="narr-now">What the kernel is doing</h3>
        {narration ? (
          <figure className="narration-now" aria-label="Current narration">
            <p className="narration-text">{narration.text}</p>
            <figcaption>
              <span className="who">{who(narration.cpu)}</span>
              {narration.fn ? (
                <>
                  {' in '}
                  <SourceLink fn={narration.fn} era={era} />
                </>
              ) : null}
              {' at '}
              <span className="mono">{formatTime(narration.t)}</span>
              {narration.fact ? (
                <>
                  {' · '}
                  <span className="fact" title="the rule in xen-facts.md this follows">
                    xen-facts {narration.fact}
                  </span>
                </>
              ) : null}
            </figcaption>
          </figure>
        ) : (
          <p className="muted">Nothing yet: press Boot (or Space) to start.</p>
        )}
      </section>

      <section aria-labelledby="narr-stacks">
        <h3 id="narr-stacks">Function stack per CPU</h3>
        {stackRows.length === 0 ? (
          <p className="muted">No kernel function is running.</p>
        ) : (
          <ul className="stacks" aria-label="Function stack per CPU">
            {stackRows.slice(0, MAX_STACKS).map(([cpu, stack]) => (
              <li key={cpu}>
                <span className="who">CPU {cpu}</span>{' '}
                {stack.map((fn, j) => (
                  <span key={j}>
                    {j > 0 ? <span aria-hidden="true"> › </span> : null}
                    <SourceLink fn={fn} era={era} />
                  </span>
                ))}
              </li>
            ))}
            {stackRows.length > MAX_STACKS ? <li className="muted">…and {stackRows.length - MAX_STACKS} more CPUs</li> : null}
          </ul>
        )}
      </section>

      <section aria-labelledby="narr-ipis">
        <h3 id="narr-ipis">IPIs so far</h3>
        <table className="ipi-counts" aria-labelledby="narr-ipis">
          <thead>
            <tr>
              <th scope="col">Vector</th>
              <th scope="col">Sent</th>
              <th scope="col">Handled</th>
            </tr>
          </thead>
          <tbody>
            {VECTORS.map((v) => (
              <tr key={v}>
                <th scope="row">
                  <span className="swatch" style={{ background: `var(--vec-${v})` }} aria-hidden="true" /> {v}
                </th>
                <td>{counts.ipiSent[v] ?? 0}</td>
                <td>{counts.ipiHandled[v] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">
          Coalesced sends (the port was already pending): {counts.coalescedIpi}. Upcalls delivered: {counts.upcalls}.
        </p>
      </section>
    </div>
  );
}

function stackKey(stacks: string[][]): string {
  const rows: [number, string[]][] = [];
  stacks.forEach((s, cpu) => {
    if (s.length) rows.push([cpu, s]);
  });
  return JSON.stringify(rows);
}
