// The physical CPUs under the vCPU cards: what each one runs now — a vCPU of this
// guest, another domain's vCPU, or nothing.

import { memo } from 'react';
import type { PcpuState } from '../../engine/trace/state';
import { cellRect, type GridLayout } from './layout';

export function pcpuName(p: PcpuState): string {
  const what = p.dom === 'guest' ? `vCPU ${p.vcpu}` : p.dom === 'other' ? 'another domain' : 'idle';
  return `pCPU ${p.id}: ${what}`;
}

interface Props {
  /** `dom:vcpu` per pCPU joined, so the memo compares one string. */
  signature: string;
  pcpus: readonly PcpuState[];
  grid: GridLayout;
  top: number;
  linkedVcpu: number | null;
  onHover(vcpu: number | null): void;
}

function PcpuRowImpl({ pcpus, grid, top, linkedVcpu, onHover }: Props) {
  const small = grid.tier === 'micro';
  const oneLine = grid.tier === 'dense';
  return (
    <ul role="list" aria-label="Physical CPUs" className="xs-pcpus" style={{ position: 'absolute', left: 0, top, width: grid.width, height: grid.height }}>
      {pcpus.map((p, i) => {
        const r = cellRect(grid, i);
        const linked = linkedVcpu !== null && p.dom === 'guest' && p.vcpu === linkedVcpu;
        const name = pcpuName(p);
        return (
          <li
            key={p.id}
            aria-label={name}
            title={name}
            className={small ? 'xs-pcpu xs-small' : 'xs-pcpu'}
            data-dom={p.dom}
            data-linked={linked ? '1' : '0'}
            style={{ left: r.x, top: r.y, width: r.w, height: r.h }}
            onPointerEnter={() => onHover(p.dom === 'guest' ? p.vcpu : null)}
            onPointerLeave={() => onHover(null)}
          >
            {oneLine ? (
              <span>
                <span className="xs-pcpu-name">{pcpus.length > 16 ? p.id : `pCPU ${p.id}`}</span>{' '}
                <span aria-hidden="true">
                  {pcpus.length > 16
                    ? p.dom === 'guest'
                      ? `▶${p.vcpu}`
                      : p.dom === 'other'
                        ? 'dom'
                        : '–'
                    : p.dom === 'guest'
                      ? `▶ vCPU ${p.vcpu}`
                      : p.dom === 'other'
                        ? 'other domain'
                        : 'idle'}
                </span>
              </span>
            ) : small ? (
              <>
                <span className="xs-pcpu-name">{p.id}</span>
                <span aria-hidden="true">{p.dom === 'guest' ? `v${p.vcpu}` : p.dom === 'other' ? 'dom' : '—'}</span>
              </>
            ) : (
              <>
                <span className="xs-pcpu-name">pCPU {p.id}</span>
                <span aria-hidden="true">{p.dom === 'guest' ? `▶ vCPU ${p.vcpu}` : p.dom === 'other' ? 'other domain' : 'idle'}</span>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

export const PcpuRow = memo(PcpuRowImpl, (a, b) => a.signature === b.signature && a.grid === b.grid && a.top === b.top && a.linkedVcpu === b.linkedVcpu);
