import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The project root: the nearest folder above `from` holding resources/templates. The same code
 * runs from source (backend/), bundled (out/server/) and packaged, at different depths.
 */
export function findAppRoot(from: string): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'resources', 'templates'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find resources/templates above ${from}`);
    dir = parent;
  }
}

export function appPaths(root: string) {
  const renderer = join(root, 'out', 'renderer');
  return {
    migrationsDir: join(root, 'backend', 'db', 'migrations'),
    builtinTemplatesDir: join(root, 'resources', 'templates'),
    rendererDir: existsSync(join(renderer, 'index.html')) ? renderer : undefined,
  };
}
