// Opening by drag and drop (anywhere on the page) or with the file picker: a scenario
// (.json) or an image the playground exported (.png, .svg); a link dragged as text
// works too. While files are dragged over the page a full-window cue says what it takes.

import { useEffect, useState } from 'react';
import { usePlaygroundStore } from '../store/context';
import { FILE_INPUT_ID, openDroppedText, openFile } from './actions';

const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).some((t) => t === 'Files' || t === 'text/uri-list');

export function DropZone() {
  const store = usePlaygroundStore();
  const [over, setOver] = useState(false);

  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const overH = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      const dt = e.dataTransfer;
      if (!dt) return;
      const file = dt.files?.[0];
      const text = file ? '' : dt.getData('text/uri-list') || dt.getData('text/plain');
      if (!file && !text) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      if (file) void openFile(store, file);
      else if (!openDroppedText(store, text)) {
        store.getState().reportOpenError({ source: 'link', path: '', message: 'what was dropped holds no playground link (a link starts with #v1:)' });
      }
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overH);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overH);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [store]);

  return (
    <>
      <input
        id={FILE_INPUT_ID}
        type="file"
        className="sr-only"
        tabIndex={-1}
        aria-label="Open a scenario or an exported image"
        accept=".json,.png,.svg,application/json,image/png,image/svg+xml"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void openFile(store, f);
        }}
      />
      {over ? (
        <div className="drop-cue" aria-hidden="true">
          <p>
            Drop a scenario (<code>.json</code>) or an image exported by the playground (<code>.png</code>, <code>.svg</code>) to open it
          </p>
        </div>
      ) : null}
    </>
  );
}
