import type { TemplateDto } from '../../../protocol';

export interface TemplateFilter {
  q: string;
  /** Empty for every category. */
  category: string;
}

/** Every whitespace-separated word must appear in the name, title, description, category or tags. */
export function filterTemplates(templates: readonly TemplateDto[], filter: TemplateFilter): TemplateDto[] {
  const words = filter.q.toLowerCase().split(/\s+/).filter(Boolean);
  return templates.filter((template) => {
    if (filter.category && template.category !== filter.category) return false;
    const haystack = [
      template.name,
      template.displayName,
      template.description,
      template.category,
      ...template.tags,
    ]
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

export function categoriesOf(templates: readonly TemplateDto[]): string[] {
  return [...new Set(templates.map((t) => t.category))].sort((a, b) => a.localeCompare(b));
}
