import type { NotInstalled, RuntimeName, TemplateDto, TemplateFile } from '../../protocol';
import { HttpError } from '../http/errors';

/**
 * What the host the local runtime runs on lacks for a template, or null when it can run it.
 * Only the local stack knows its agent's host; a shared control plane passes none.
 */
export type LocalAvailability = (local: NonNullable<TemplateFile['local']>) => NotInstalled | null;

export function runtimesOf(t: TemplateFile): RuntimeName[] {
  const out: RuntimeName[] = [];
  if (t.local) out.push('local');
  if (t.kubernetes) out.push('kubernetes');
  return out;
}

export function toTemplateDto(t: TemplateFile, notInstalled?: NotInstalled | null): TemplateDto {
  return {
    name: t.name,
    displayName: t.displayName,
    description: t.description,
    category: t.category,
    ...(t.icon ? { icon: t.icon } : {}),
    tags: t.tags,
    defaultResources: t.defaultResources,
    runtimes: runtimesOf(t),
    ...(notInstalled ? { notInstalled } : {}),
  };
}

export class TemplateCatalog {
  private readonly byName: Map<string, TemplateFile>;

  constructor(
    templates: readonly TemplateFile[],
    private readonly localAvailability?: LocalAvailability,
  ) {
    this.byName = new Map(templates.map((t) => [t.name, t]));
  }

  /**
   * What the local runtime lacks to run `t`, or null. Looked up on every call, not cached, so an
   * app installed while the stack runs shows as installed at the next listing.
   */
  notInstalled(t: TemplateFile): NotInstalled | null {
    if (!this.localAvailability || !t.local) return null;
    return this.localAvailability(t.local);
  }

  toDto(t: TemplateFile): TemplateDto {
    return toTemplateDto(t, this.notInstalled(t));
  }

  /** Refuses a launch the host cannot run, naming what to install, before any session exists. */
  assertInstalled(t: TemplateFile): void {
    const missing = this.notInstalled(t);
    if (!missing) return;
    throw new HttpError(
      409,
      'conflict',
      `${t.displayName} is not installed on this computer: ${missing.program} is missing. ${missing.hint}`,
      missing,
    );
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
