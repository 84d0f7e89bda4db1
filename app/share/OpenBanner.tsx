// The banner for a link or a file that could not be opened: what is wrong (the field
// and the rule for an invalid scenario), and what runs instead. The playground stays
// usable underneath.

import { usePlayground, useActions } from '../store/context';

export function OpenBanner() {
  const actions = useActions();
  const e = usePlayground((s) => s.scenario.openError);
  const title = usePlayground((s) => s.scenario.scenario?.title || 'the scenario on screen');
  if (!e) return null;
  const what = e.source === 'link' ? 'link' : 'file';
  return (
    <div role="alert" className="banner error open-error" aria-label={`This ${what} could not be opened`}>
      <p>
        <strong>This {what} could not be opened</strong>
        {e.path ? (
          <>
            {' '}— it holds an invalid scenario: <code>{e.path}</code> {e.message}.
          </>
        ) : (
          <>: {e.message}.</>
        )}{' '}
        Running instead: “{title}”.
      </p>
      <button type="button" onClick={actions.dismissOpenError}>
        Dismiss
      </button>
    </div>
  );
}
