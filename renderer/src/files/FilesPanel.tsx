import { useCallback, useEffect, useId, useState } from 'react';
import { DOWNLOADS_DIR, type FileEntry } from '../../../protocol';
import { useServices } from '../app/services-context';
import { saveBlob } from './file-transfer';
import { UploadList } from './UploadList';
import { formatBytes } from './upload-progress';
import { useUpload } from './useUpload';

type Listing =
  | { kind: 'loading' }
  | { kind: 'ready'; entries: FileEntry[]; truncated: boolean }
  | { kind: 'error'; message: string };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A session's files: upload into its home folder (picker), and its Downloads folder with a
 * download button per file.
 */
export function FilesPanel({ name }: { name: string }) {
  const { api } = useServices();
  const [listing, setListing] = useState<Listing>({ kind: 'loading' });
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const inputId = useId();

  const refresh = useCallback(async () => {
    try {
      const list = await api.listFiles({ params: { name }, query: { dir: DOWNLOADS_DIR } });
      setListing({
        kind: 'ready',
        entries: list.entries.filter((e) => e.type === 'file'),
        truncated: list.truncated,
      });
    } catch (error) {
      setListing({ kind: 'error', message: messageOf(error) });
    }
  }, [api, name]);
  const { items, upload, dismiss } = useUpload(name, () => void refresh());

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function download(entry: FileEntry) {
    setDownloadError(null);
    setDownloading(entry.name);
    try {
      const bytes = await api.downloadFile({ params: { name, path: `${DOWNLOADS_DIR}/${entry.name}` } });
      saveBlob(new Blob([bytes]), entry.name);
    } catch (error) {
      setDownloadError(`Could not download ${entry.name}: ${messageOf(error)}`);
    } finally {
      setDownloading(null);
    }
  }

  return (
    <section className="files-panel" aria-label="Session files" data-testid={`files-panel-${name}`}>
      <div className="files-upload">
        <input
          id={inputId}
          className="visually-hidden"
          type="file"
          multiple
          data-testid="files-upload-input"
          onChange={(event) => {
            const files = [...(event.currentTarget.files ?? [])];
            event.currentTarget.value = '';
            void upload(files);
          }}
        />
        <label htmlFor={inputId} className="btn btn-small">
          Upload files…
        </label>
        <span className="files-hint">
          Uploads go into the session's home folder. You can also drop files on the screen.
        </span>
      </div>
      <UploadList items={items} onDismiss={dismiss} />

      <div className="files-heading">
        <h3>{DOWNLOADS_DIR}</h3>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void refresh()}
          data-testid="files-refresh"
        >
          Refresh
        </button>
      </div>
      {listing.kind === 'loading' && <p className="files-empty">Loading…</p>}
      {listing.kind === 'error' && (
        <p className="files-error" role="alert">
          Could not list {DOWNLOADS_DIR}: {listing.message}
        </p>
      )}
      {listing.kind === 'ready' && listing.entries.length === 0 && (
        <p className="files-empty" data-testid="files-empty">
          Nothing in {DOWNLOADS_DIR} yet. Files the app saves to ~/{DOWNLOADS_DIR} show here.
        </p>
      )}
      {listing.kind === 'ready' && listing.entries.length > 0 && (
        <ul className="files-list" data-testid="files-list">
          {listing.entries.map((entry) => (
            <li key={entry.name} className="files-entry" data-testid={`files-entry-${entry.name}`}>
              <span className="files-entry-name">{entry.name}</span>
              <span className="files-entry-meta">
                {formatBytes(entry.size)} · {new Date(entry.mtime).toLocaleString()}
              </span>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Download ${entry.name}`}
                data-testid={`files-download-${entry.name}`}
                disabled={downloading !== null}
                onClick={() => void download(entry)}
              >
                {downloading === entry.name ? 'Downloading…' : 'Download'}
              </button>
            </li>
          ))}
        </ul>
      )}
      {listing.kind === 'ready' && listing.truncated && (
        <p className="files-empty">Only the first files are shown.</p>
      )}
      {downloadError && (
        <p className="files-error" role="alert">
          {downloadError}
        </p>
      )}
    </section>
  );
}
