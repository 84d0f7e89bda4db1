// What every colour, pattern, dash and box on the stage means.

import { memo, useState } from 'react';
import { RUNSTATES } from '../../engine/trace/state';
import { VECTOR_DASH } from '../theme/palette';
import { RUNSTATE_HELP, VECTORS, VECTOR_SHORT, vectorVar } from './format';
import { RunstateIcon } from './icons';

function VectorSample({ vector, lw }: { vector: string; lw: number }) {
  const dash = VECTOR_DASH[vector]
    ?.split(' ')
    .filter(Boolean)
    .map((x) => Number(x) * Math.max(1, lw / 1.5))
    .join(' ');
  return (
    <svg width="2.4em" height="0.9em" viewBox="0 0 34 12" aria-hidden="true">
      <path d="M1 6 H26" stroke={vectorVar(vector)} strokeWidth={lw * 1.7} strokeDasharray={dash || undefined} fill="none" />
      <path d="M33 6 L24 1.5 L24 10.5 Z" fill={vectorVar(vector)} />
    </svg>
  );
}

function ArrowSample({ kind, lw }: { kind: 'flight' | 'waiting' | 'coalesced' | 'handled' | 'dropped'; lw: number }) {
  const c = 'var(--fg)';
  return (
    <svg width="2.6em" height="1.1em" viewBox="0 0 38 16" aria-hidden="true">
      {kind === 'flight' ? (
        <>
          <path d="M1 8 H34" stroke={c} strokeOpacity={0.22} strokeWidth={lw} fill="none" />
          <path d="M1 8 H18" stroke={c} strokeWidth={lw * 1.5} fill="none" />
          <path d="M25 8 L16 3 L16 13 Z" fill={c} />
        </>
      ) : null}
      {kind === 'waiting' ? (
        <>
          <path d="M1 8 H24" stroke={c} strokeWidth={lw * 1.5} fill="none" />
          <path d="M31 8 L22 3 L22 13 Z" fill={c} />
          <circle cx="29" cy="8" r="7" fill="none" stroke={c} strokeWidth={lw * 0.8} strokeDasharray="3 3" />
        </>
      ) : null}
      {kind === 'coalesced' ? (
        <>
          <path d="M1 8 H26" stroke={c} strokeWidth={lw * 1.2} fill="none" />
          <path d="M34 8 L24 3 L24 13 Z" fill="var(--panel)" stroke={c} strokeWidth={lw} />
        </>
      ) : null}
      {kind === 'handled' ? (
        <>
          <path d="M1 8 H28" stroke={c} strokeOpacity={0.55} strokeWidth={lw * 1.5} fill="none" />
          <path d="M36 8 L26 3 L26 13 Z" fill={c} fillOpacity={0.55} />
        </>
      ) : null}
      {kind === 'dropped' ? (
        <>
          <path d="M1 8 H22" stroke={c} strokeWidth={lw * 1.5} fill="none" />
          <path d="M23 2 L33 14 M23 14 L33 2" stroke="var(--danger)" strokeWidth={lw * 1.6} />
        </>
      ) : null}
    </svg>
  );
}

function LegendImpl({ lineWidth, fifo, roomy }: { lineWidth: number; fifo: boolean; roomy: boolean }) {
  const [open, setOpen] = useState<boolean | null>(null);
  const expanded = open ?? roomy;
  return (
    <section className="xs-legend" aria-label="Legend" data-expanded={expanded ? '1' : '0'}>
      <button
        type="button"
        className="xs-legend-toggle"
        aria-expanded={expanded}
        title={expanded ? 'Show the legend on one line' : 'Show the whole legend'}
        onClick={() => setOpen(!expanded)}
      >
        Legend <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
      </button>
      <div className="xs-legend-body">
      <div className="xs-legend-group">
        <b>Runstate</b>
        {RUNSTATES.map((r) => (
          <span key={r} className="xs-legend-item" title={RUNSTATE_HELP[r]}>
            <span className="xs-rs" data-rs={r}>
              <span className="xs-rs-icon">
                <RunstateIcon state={r} />
              </span>
              {r === 'runnable' ? 'runnable = stolen' : r}
            </span>
          </span>
        ))}
      </div>
      <div className="xs-legend-group">
        <b>IPI</b>
        {VECTORS.map((v) => (
          <span key={v} className="xs-legend-item" title={v}>
            <VectorSample vector={v} lw={lineWidth} />
            {VECTOR_SHORT[v]}
          </span>
        ))}
      </div>
      <div className="xs-legend-group">
        <span className="xs-legend-item" title="sent: travelling towards the target vCPU">
          <ArrowSample kind="flight" lw={lineWidth} /> in flight
        </span>
        <span className="xs-legend-item" title="PENDING is set; the handler has not run yet (masked, stolen, blocked...)">
          <ArrowSample kind="waiting" lw={lineWidth} /> pending
        </span>
        <span className="xs-legend-item" title="the port was already PENDING: no new upcall (fact 5.3.1); ×n counts the sends one handler run answers">
          <ArrowSample kind="coalesced" lw={lineWidth} /> coalesced ×n
        </span>
        <span className="xs-legend-item" title="the target's handler ran; the arrow fades">
          <ArrowSample kind="handled" lw={lineWidth} /> handled
        </span>
        <span className="xs-legend-item" title="the port was closed before a handler ran">
          <ArrowSample kind="dropped" lw={lineWidth} /> dropped
        </span>
      </div>
      <div className="xs-legend-group">
        <b>Bits</b>
        <span className="xs-legend-item" title="a set PENDING / upcall_pending / selector bit">
          <span className="xs-bit xs-mono" data-kind="pending" data-on="1">
            1
          </span>
          pending
        </span>
        <span className="xs-legend-item" title="a set MASK / upcall_mask bit">
          <span className="xs-bit xs-mono" data-kind="mask" data-on="1">
            1
          </span>
          masked
        </span>
        <span className="xs-legend-item" title="masked and pending: no upcall; the guest must notice it on unmask (fact A4)">
          <span className="xs-pcell xs-pcell-b" data-lost="1" style={{ display: 'inline-flex', width: '1.1em', height: '1.1em' }} aria-hidden="true">
            <span className="xs-h-p" data-on="1" />
            <span className="xs-h-m" data-on="1" />
          </span>
          masked + pending = lost edge
        </span>
        <span className="xs-legend-item" title="tiles: M = evtchn_upcall_mask, P = evtchn_upcall_pending, S = any evtchn_pending_sel bit (R = FIFO READY)">
          M P {fifo ? 'R' : 'S'} = upcall mask, upcall pending, {fifo ? 'READY' : 'pending_sel'}
        </span>
      </div>
      </div>
    </section>
  );
}

export const Legend = memo(LegendImpl);
