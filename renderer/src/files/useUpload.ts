import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useServices } from '../app/services-context';
import { uploadFile } from './file-transfer';
import { type UploadItem, uploadPathFor } from './upload-progress';
import { useUploads } from './uploads-store';

let nextId = 0;

/**
 * Uploads files into a session's home folder, each under its own name, one after another (a
 * second upload would only halve the first's speed), with progress in the shared uploads list.
 * `onUploaded` runs after each file that made it, so a listing can refresh.
 */
export function useUpload(session: string, onUploaded?: () => void) {
  const { bridge } = useServices();
  const dispatch = useUploads((s) => s.dispatch);
  const items = useUploads(useShallow((s) => s.items.filter((i) => i.session === session)));

  const upload = useCallback(
    async (files: Iterable<File>) => {
      for (const file of files) {
        const id = `upload-${++nextId}`;
        const path = uploadPathFor(file.name);
        dispatch({ type: 'start', id, session, path: path ?? file.name, total: file.size });
        if (!path) {
          dispatch({ type: 'failed', id, error: 'this file name cannot be used' });
          continue;
        }
        try {
          await uploadFile(bridge, session, path, file, (loaded) =>
            dispatch({ type: 'progress', id, loaded }),
          );
          dispatch({ type: 'done', id });
          onUploaded?.();
        } catch (error) {
          dispatch({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) });
        }
      }
    },
    [bridge, dispatch, session, onUploaded],
  );

  const dismiss = useCallback((item: UploadItem) => dispatch({ type: 'dismiss', id: item.id }), [dispatch]);
  return { items, upload, dismiss };
}
