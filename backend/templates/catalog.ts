import type { RuntimeName, TemplateDto, TemplateFile } from '../../protocol';

export function runtimesOf(t: TemplateFile): RuntimeName[] {
  const out: RuntimeName[] = [];
  if (t.local) out.push('local');
  if (t.kubernetes) out.push('kubernetes');
  return out;
}

export function toTemplateDto(t: TemplateFile): TemplateDto {
  return {
    name: t.name,
    displayName: t.displayName,
    description: t.description,
    category: t.category,
    ...(t.icon ? { icon: t.icon } : {}),
    tags: t.tags,
    defaultResources: t.defaultResources,
    runtimes: runtimesOf(t),
  };
}

export class TemplateCatalog {
  private readonly byName: Map<string, TemplateFile>;

  constructor(templates: readonly TemplateFile[]) {
    this.byName = new Map(templates.map((t) => [t.name, t]));
  }

  get(name: string): TemplateFile | undefined {
    return this.byName.get(name);
  }

  /** Only templates that some runtime in `offered` can run: a template with no section for a runtime is not offered on it. */
  list(
    filter: { q?: string | undefined; category?: string | undefined },
    offered?: readonly RuntimeName[],
  ): TemplateFile[] {
    const q = filter.q?.trim().toLowerCase();
    return [...this.byName.values()].filter((t) => {
      if (offered && !runtimesOf(t).some((r) => offered.includes(r))) return false;
      if (filter.category && t.category.toLowerCase() !== filter.category.toLowerCase()) return false;
      if (!q) return true;
      return [t.name, t.displayName, t.description, ...t.tags].some((s) => s.toLowerCase().includes(q));
    });
  }
}
