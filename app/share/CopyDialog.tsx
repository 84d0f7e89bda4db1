// When the browser refuses the clipboard (no permission, an insecure page, a sandboxed
// frame): the text to copy, selected, in a field.

import { usePlayground, useActions } from '../store/context';
import { Dialog } from './Dialog';

export function CopyDialog() {
  const actions = useActions();
  const clip = usePlayground((s) => s.view.copyText);
  if (!clip) return null;
  return (
    <Dialog title="Copy this" onClose={() => actions.setDialog(null)}>
      <p>The browser did not let the playground use the clipboard: the text is selected below — press Ctrl+C (⌘C on a Mac).</p>
      <label className="link-field">
        <span>{clip.label}</span>
        <textarea data-autofocus readOnly rows={4} value={clip.text} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={() => actions.setDialog(null)}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
