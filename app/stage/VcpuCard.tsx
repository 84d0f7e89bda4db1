// One vCPU on the stage as a full card (roomy or dense tier, up to 16 vCPUs; bigger
// guests get canvas tiles, VcpuTiles.tsx). Props are primitives only, so React.memo
// skips cards whose picture did not change.

import { memo, type CSSProperties } from 'react';
import type { VcpuAction } from './contract';
import { MenuIcon, RunstateIcon } from './icons';
import type { Tier } from './layout';
import { vectorVar } from './format';
import { menuItems, vcpuSummary, type VcpuView } from './vcpuView';
import { VcpuMenu } from './VcpuMenu';

export interface VcpuCardProps extends VcpuView {
  tier: Tier;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Highlighted because its pCPU (or an arrow end) is pointed at. */
  linked: boolean;
  /** Tiles wide enough say their runstate in words too. */
  words: boolean;
  /** The IPI coming in, in words ('' = none), and its vector (for the colour). */
  inbox: string;
  inboxVector: string;
  ended: boolean;
  onAction(cpu: number, action: VcpuAction): void;
  onHover(cpu: number | null): void;
}

export const BIT_NAMES = {
  mask: 'evtchn_upcall_mask',
  pending: 'evtchn_upcall_pending',
  sel: 'evtchn_pending_sel',
} as const;

const BIT_HELP = {
  mask: 'evtchn_upcall_mask: 1 = the guest has event delivery ("interrupts") disabled on this vCPU',
  pending: 'evtchn_upcall_pending: 1 = Xen has events for this vCPU; an upcall follows when the mask is 0',
  sel: 'evtchn_pending_sel: bit w = word w of evtchn_pending may have pending ports (2-level ABI)',
  ready: 'FIFO READY: bit p = priority queue p of this vCPU is non-empty',
};

function Bit({ kind, on, label }: { kind: 'mask' | 'pending' | 'sel' | 'ready'; on: boolean; label?: string }) {
  return (
    <span className="xs-bit xs-mono" data-kind={kind} data-on={on ? '1' : '0'}>
      {label ?? (on ? '1' : '0')}
    </span>
  );
}

function SelBits({ sel }: { sel: string }) {
  if (!sel) return <Bit kind="sel" on={false} />;
  return (
    <span className="xs-bitrow" title={`${BIT_HELP.sel}; word 0 first`}>
      {Array.from(sel, (c, w) => (
        <Bit key={w} kind="sel" on={c === '1'} />
      ))}
    </span>
  );
}

function ReadyBits({ ready }: { ready: string }) {
  const set = ready ? ready.split(' ') : [];
  return (
    <span className="xs-bitrow" title={BIT_HELP.ready}>
      {set.length === 0 ? <span className="xs-note">none</span> : set.map((p) => <Bit key={p} kind="ready" on label={`P${p}`} />)}
    </span>
  );
}

function RunstatePill({ v, short }: { v: VcpuView; short?: boolean }) {
  // Dense cards say the bare runstate here ("on pCPU k" is on the Xen line; the tooltip
  // and the legend say runnable = stolen).
  const text = short ? v.runstate : v.runstateText;
  return (
    <span className="xs-rs" data-rs={v.runstate}>
      <span className="xs-rs-icon">
        <RunstateIcon state={v.runstate} />
      </span>
      {text}
    </span>
  );
}

function Badges({ v, inbox, inboxVector }: { v: VcpuView; inbox: string; inboxVector: string }) {
  return (
    <div className="xs-badges">
      {inbox ? (
        <span className="xs-badge xs-inbox" title={`IPI to this CPU: ${inbox}`} style={{ borderColor: vectorVar(inboxVector) }}>
          <span aria-hidden="true" style={{ color: vectorVar(inboxVector) }}>
            ⇠{' '}
          </span>
          {inbox}
        </span>
      ) : null}
      {v.nmi ? (
        <span className="xs-badge" data-kind="nmi">
          NMI pending
        </span>
      ) : null}
      {v.polling ? (
        <span className="xs-badge" data-kind="poll" title="blocked in SCHEDOP_poll until one of these ports is pending">
          polling port {v.polling}
        </span>
      ) : null}
      {v.lock ? <span className="xs-badge">{v.lock}</span> : null}
    </div>
  );
}

function osKey(v: VcpuView): string {
  return v.linux ?? (v.online ? 'online' : v.possible ? 'offline' : 'none');
}

function FullCard(p: VcpuCardProps) {
  const roomy = p.tier === 'roomy';
  const style: CSSProperties = { left: p.x, top: p.y, width: p.w, height: p.h };
  const items = menuItems(p, p.ended);
  return (
    <div
      role="group"
      aria-label={`vCPU ${p.id}`}
      className="xs-card"
      data-rs={p.runstate}
      data-os={osKey(p)}
      data-linked={p.linked ? '1' : '0'}
      style={style}
      title={vcpuSummary(p)}
      onPointerEnter={() => p.onHover(p.id)}
      onPointerLeave={() => p.onHover(null)}
    >
      <div className="xs-card-head">
        <span className="xs-card-name">vCPU {p.id}</span>
        <RunstatePill v={p} short={!roomy} />
        <VcpuMenu cpu={p.id} items={items} onAction={p.onAction}>
          <MenuIcon />
        </VcpuMenu>
      </div>
      <div className="xs-line">
        <span className="xs-k">Linux</span>
        <span className="xs-v">{p.linuxText}</span>
      </div>
      <div className="xs-line">
        <span className="xs-k">Xen</span>
        <span className="xs-v">{p.xenText}</span>
        {!roomy && p.runstate === 'running' && p.pcpu >= 0 ? <span className="xs-v">· on pCPU {p.pcpu}</span> : null}
      </div>
      {roomy ? (
        <div className="xs-flags" aria-label="Linux cpumasks">
          {(['possible', 'present', 'online'] as const).map((m) => (
            <span key={m} className="xs-flag" data-on={p[m] ? '1' : '0'} title={`cpu_${m}_mask: ${p[m] ? 'set' : 'clear'}`}>
              {m}
              <span className="xs-vh">{p[m] ? ' yes' : ' no'}</span>
            </span>
          ))}
        </div>
      ) : null}
      {roomy ? (
        <div className="xs-bits xs-mono">
          <span className="xs-bitname" title={BIT_HELP.mask}>
            {BIT_NAMES.mask}
          </span>
          <span className="xs-bitrow">
            <Bit kind="mask" on={p.upcallMask === 1} />
          </span>
          <span className="xs-bitname" title={BIT_HELP.pending}>
            {BIT_NAMES.pending}
          </span>
          <span className="xs-bitrow">
            <Bit kind="pending" on={p.upcallPending === 1} />
          </span>
          {p.fifo ? (
            <>
              <span className="xs-bitname" title={BIT_HELP.ready}>
                READY
              </span>
              <ReadyBits ready={p.ready} />
            </>
          ) : (
            <>
              <span className="xs-bitname" title={BIT_HELP.sel}>
                {BIT_NAMES.sel}
              </span>
              <SelBits sel={p.sel} />
            </>
          )}
        </div>
      ) : (
        <div className="xs-bits-inline xs-mono">
          <span className="xs-bitname" title={BIT_HELP.mask}>
            mask
          </span>
          <Bit kind="mask" on={p.upcallMask === 1} />
          <span className="xs-bitname" title={BIT_HELP.pending}>
            pend
          </span>
          <Bit kind="pending" on={p.upcallPending === 1} />
          {p.fifo ? (
            <>
              <span className="xs-bitname" title={BIT_HELP.ready}>
                ready
              </span>
              <ReadyBits ready={p.ready} />
            </>
          ) : (
            <>
              <span className="xs-bitname" title={BIT_HELP.sel}>
                sel
              </span>
              <SelBits sel={p.sel} />
            </>
          )}
        </div>
      )}
      {roomy || !(p.inbox || p.nmi || p.polling || p.lock) ? (
        <div className="xs-line" title={p.stack || 'no kernel function on this CPU'}>
          <span className="xs-k" aria-hidden="true">
            ƒ
          </span>
          <span className="xs-vh">kernel function: </span>
          <span className="xs-fn xs-mono">{p.fn || '—'}</span>
        </div>
      ) : (
        // Dense cards: what is happening to the CPU right now takes the function's line
        // (the function is in the tooltip and in the side panel's stacks).
        <div className="xs-line xs-fnline" title={p.stack || undefined}>
          <Badges v={p} inbox={p.inbox} inboxVector={p.inboxVector} />
        </div>
      )}
      {roomy ? <Badges v={p} inbox={p.inbox} inboxVector={p.inboxVector} /> : null}
    </div>
  );
}

function VcpuCardImpl(p: VcpuCardProps) {
  return <FullCard {...p} />;
}

/** Re-renders only when one of its primitive props changed. */
export const VcpuCard = memo(VcpuCardImpl);
