import { useEffect } from 'react';
import { useServices } from '../app/services-context';
import { useTemplates } from '../catalog/templates-store';

/**
 * The app's name (the template's displayName) for the window title and the toolbar: the session
 * id means nothing to most people. The viewer loads the catalog itself, since the dashboard that
 * usually does may not be open.
 */
export function useViewerTitle(name: string, template: string | undefined): string {
  const { api } = useServices();
  useEffect(() => {
    const templates = useTemplates.getState();
    if (templates.status === 'idle' || templates.status === 'error') void templates.load(api);
  }, [api]);
  const displayName = useTemplates((s) => s.templates.find((t) => t.name === template)?.displayName);
  const title = displayName ?? template ?? name;
  useEffect(() => {
    document.title = title;
  }, [title]);
  return title;
}
