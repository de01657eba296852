/** Characters Windows or macOS refuse in a file name. */
const FORBIDDEN = '\\/:*?"<>|';

/** The file name of a screenshot: the app's name and the local time, safe on every system. */
export function screenshotName(title: string, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  const safe =
    Array.from(title, (c) => (c.charCodeAt(0) < 0x20 || FORBIDDEN.includes(c) ? ' ' : c))
      .join('')
      .replace(/\s+/g, ' ')
      .trim() || 'Session';
  return `${safe} ${stamp}.png`;
}

export class ScreenshotError extends Error {
  constructor(readonly reason: 'no-picture' | 'encode-failed') {
    super(
      reason === 'no-picture' ? 'There is no picture to save yet.' : 'The picture could not be saved as PNG.',
    );
    this.name = 'ScreenshotError';
  }
}

/** The session's picture as a PNG, at the desktop's own size (not the scaled view). */
export function canvasPng(canvas: HTMLCanvasElement | null): Promise<Blob> {
  if (!canvas || canvas.width === 0 || canvas.height === 0) {
    return Promise.reject(new ScreenshotError('no-picture'));
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new ScreenshotError('encode-failed'))),
      'image/png',
    ),
  );
}

/** Saves `blob` as a download named `name` (the desktop app's session downloads it as well). */
export function downloadBlob(doc: Document, blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the download starts asynchronously from the URL.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
