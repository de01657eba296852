import { percentOf, progressLabel, type UploadItem } from './upload-progress';

/** Each upload with a progress bar and its state in words; finished ones can be dismissed. */
export function UploadList({
  items,
  onDismiss,
}: {
  items: readonly UploadItem[];
  onDismiss(item: UploadItem): void;
}) {
  if (items.length === 0) return null;
  return (
    <ul className="upload-list" aria-label="Uploads" data-testid="upload-list">
      {items.map((item) => (
        <li
          key={item.id}
          className={`upload-item upload-${item.status}`}
          data-status={item.status}
          data-testid="upload-item"
        >
          <span className="upload-label" role={item.status === 'failed' ? 'alert' : undefined}>
            {progressLabel(item)}
          </span>
          <progress
            max={100}
            value={percentOf(item)}
            aria-label={`Upload of ${item.path}`}
            data-testid="upload-progress"
          />
          {item.status !== 'uploading' && (
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Dismiss ${item.path}`}
              onClick={() => onDismiss(item)}
            >
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
