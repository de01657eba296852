import { type RefObject, useEffect, useRef, useState } from 'react';
import { useServices } from '../app/services-context';
import { fetchThumbnail, THUMBNAIL_REFRESH_MS } from './thumbnail-source';
import './thumbnail.css';

/** Whether the page is shown: a hidden tab or a minimised window asks for nothing. */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/** Whether the element is scrolled into view; a row below the fold asks for nothing. */
function useOnScreen(ref: RefObject<Element | null>): boolean {
  const [onScreen, setOnScreen] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      const last = entries[entries.length - 1];
      if (last) setOnScreen(last.isIntersecting);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return onScreen;
}

/**
 * A running session's screen, as a small picture refreshed every few seconds while it can be
 * seen (page visible, row on screen), and not at all otherwise. One GET per refresh; never a
 * viewer connection.
 */
export function Thumbnail({ name, title }: { name: string; title: string }) {
  const { api } = useServices();
  const ref = useRef<HTMLDivElement>(null);
  const [url, setUrl] = useState<string | null>(null);
  const onScreen = useOnScreen(ref);
  const pageVisible = usePageVisible();
  const active = onScreen && pageVisible;

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      // fetchThumbnail answers every failure in its result: a miss just waits for the next turn.
      const result = await fetchThumbnail(api, name);
      if (stopped) return;
      if (result.kind === 'image') setUrl(URL.createObjectURL(result.blob));
      // Timed from the end of this one, so a slow server is never asked twice at once.
      timer = setTimeout(() => void refresh(), THUMBNAIL_REFRESH_MS);
    };
    void refresh();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, api, name]);

  // Each picture's URL is revoked once the next replaces it, and the last when the row goes.
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  return (
    <div ref={ref} className="session-thumbnail" data-testid={`thumbnail-${name}`}>
      {url && <img src={url} alt={`Screen of ${title}`} data-testid={`thumbnail-img-${name}`} />}
    </div>
  );
}
