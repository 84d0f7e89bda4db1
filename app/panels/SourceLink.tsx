// A kernel function name linked to its upstream source for the scenario's era.

import { sourceRef } from '../../engine/linux/sources';

export function SourceLink({ fn, era }: { fn: string; era: '4.0' | '2.6.23' }) {
  const ref = sourceRef(fn, era);
  return (
    <a className="fn-link" href={ref.url} target="_blank" rel="noreferrer" title={`${fn}: ${ref.where} (opens the upstream source)`}>
      <code>{fn}</code>
    </a>
  );
}
