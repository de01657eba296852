import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TemplateFile } from '../../protocol';

export interface TemplateLoadProblem {
  file: string;
  message: string;
}

/**
 * Reads every *.yaml / *.yml in the folders, later folders overriding earlier ones by name
 * (the user's folder comes after the built-in one). A broken file is reported, never fatal.
 */
export function loadTemplates(dirs: readonly string[]): {
  templates: TemplateFile[];
  problems: TemplateLoadProblem[];
} {
  const byName = new Map<string, TemplateFile>();
  const problems: TemplateLoadProblem[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(entry)) continue;
      const file = join(dir, entry);
      try {
        const parsed = TemplateFile.safeParse(parseYaml(readFileSync(file, 'utf8')));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          problems.push({ file, message: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` });
          continue;
        }
        byName.set(parsed.data.name, parsed.data);
      } catch (err) {
        problems.push({ file, message: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { templates: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
}
