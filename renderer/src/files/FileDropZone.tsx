import { useEffect, useRef, useState } from 'react';
import './files.css';
import { UploadList } from './UploadList';
import { useUpload } from './useUpload';

/**
 * Makes its parent element (the viewer's stage) a drop target: files dropped on it upload into the
 * session's home folder, with their progress in a corner. Rendered as a child, so the viewer needs
 * no changes beyond placing it.
 */
export function FileDropZone({ name }: { name: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [over, setOver] = useState(false);
  const { items, upload, dismiss } = useUpload(name);

  useEffect(() => {
    const target = ref.current?.parentElement;
    if (!target) return;
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    // dragleave fires for every child crossed, so entering and leaving are counted.
    let depth = 0;
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setOver(true);
    };
    const onOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setOver(false);
      void upload([...(event.dataTransfer?.files ?? [])]);
    };
    target.addEventListener('dragenter', onEnter);
    target.addEventListener('dragover', onOver);
    target.addEventListener('dragleave', onLeave);
    target.addEventListener('drop', onDrop);
    return () => {
      target.removeEventListener('dragenter', onEnter);
      target.removeEventListener('dragover', onOver);
      target.removeEventListener('dragleave', onLeave);
      target.removeEventListener('drop', onDrop);
    };
  }, [upload]);

  return (
    <div ref={ref} className="file-drop" data-testid="file-drop">
      {over && (
        <div className="file-drop-hint" aria-hidden="true">
          Drop to upload into the session's home folder
        </div>
      )}
      <div className="file-drop-uploads" aria-live="polite">
        <UploadList items={items} onDismiss={dismiss} />
      </div>
    </div>
  );
}
