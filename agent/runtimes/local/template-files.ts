import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { HomeRelativePath } from '../../../protocol';

/**
 * Where a template's file goes in the home; throws for a path that would leave it. The schema has
 * refused such paths already: this holds also for a caller that skipped it.
 */
export function templateFilePath(home: string, path: string): string {
  const checked = HomeRelativePath.safeParse(path);
  const target = resolve(home, path);
  const inside = relative(resolve(home), target);
  if (!checked.success || inside === '' || inside.startsWith(`..${sep}`) || inside === '..') {
    throw new Error(`template file ${JSON.stringify(path)} is not a path inside the home`);
  }
  return target;
}

/**
 * Writes a template's files (0600, folders 0700) before its app starts. An existing file is
 * replaced, not written through: in a persistent home it may be a symlink the app left.
 */
export async function writeTemplateFiles(
  home: string,
  files: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = templateFilePath(home, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await rm(target, { force: true });
    await writeFile(target, content, { mode: 0o600, flag: 'wx' });
  }
}
