import { create } from 'zustand';
import type { ApiClient, TemplateDto } from '../../../protocol';
import { describeError } from '../api/errors';

interface TemplatesStore {
  templates: readonly TemplateDto[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load(api: Pick<ApiClient, 'listTemplates'>): Promise<void>;
}

export const useTemplates = create<TemplatesStore>()((set, get) => ({
  templates: [],
  status: 'idle',
  error: null,
  async load(api) {
    if (get().status === 'loading') return;
    set({ status: 'loading', error: null });
    try {
      const { templates } = await api.listTemplates();
      set({ templates, status: 'ready' });
    } catch (error) {
      set({ status: 'error', error: describeError(error) });
    }
  },
}));

/** The catalog's title for a template, falling back to its name before the catalog has loaded. */
export function useTemplateTitle(name: string): string {
  return useTemplates((s) => s.templates.find((t) => t.name === name)?.displayName ?? name);
}
