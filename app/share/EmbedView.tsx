// The embedded view (`?embed`, or `&embed` after the link) for iframes in slides and web
// pages: the stage and the transport only, and a visible link that opens the same
// moment in the full playground (so a frame never passes for the playground itself).

import { useMemo, type ReactNode } from 'react';
import { usePlayground, usePlaygroundStore } from '../store/context';
import { useThrottled } from '../shell/hooks';
import { StageArea } from '../shell/StageArea';
import { Transport } from '../shell/Transport';
import { appBase, currentHash } from './links';

export function EmbedView({ banners }: { banners: ReactNode }) {
  const store = usePlaygroundStore();
  const title = usePlayground((s) => s.scenario.scenario?.title ?? '');
  const input = usePlayground((s) => s.scenario.input);
  const shown = usePlayground((s) => !!s.run.timeline);
  // The link follows the playhead, at most twice a second while playing.
  const index = useThrottled((s) => s.playback.index, 500);
  const hash = useMemo(() => (shown ? currentHash(store.getState()) : ''), [store, shown, input, index]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="app embed">
      <div className="embed-bar">
        <span className="embed-title">
          <strong>Xen SMP Playground</strong>
          {title ? <span className="muted"> · {title}</span> : null}
        </span>
        <a href={`${appBase()}${hash}`} target="_blank" rel="noopener">
          Open in the full playground ↗
        </a>
      </div>
      {banners}
      <StageArea skipCue />
      <Transport />
    </div>
  );
}
