import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The first executable called `name` on `pathEnv`, or null. */
export function findOnPath(name: string, pathEnv: string | undefined): string | null {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

export interface AvailabilityInput {
  platform?: NodeJS.Platform;
  pathEnv?: string | undefined;
}

/** The local runtime needs Linux (/proc, process groups) and TigerVNC's Xvnc. */
export function localRuntimeAvailable(input: AvailabilityInput = {}): boolean {
  const platform = input.platform ?? process.platform;
  const pathEnv = 'pathEnv' in input ? input.pathEnv : process.env.PATH;
  return platform === 'linux' && findOnPath('Xvnc', pathEnv) !== null;
}
