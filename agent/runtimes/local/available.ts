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

/** What a local template needs from the host: its program, and the package that brings it. */
export interface LocalProgram {
  command: readonly string[];
  aptPackage?: string | undefined;
}

export interface MissingProgram {
  program: string;
  aptPackage?: string;
  hint: string;
}

/** Whether `program` (a bare name looked up on PATH, or a path) is something this host can run. */
export function programInstalled(program: string, pathEnv: string | undefined): boolean {
  if (!program.includes('/')) return findOnPath(program, pathEnv) !== null;
  if (!isAbsolute(program)) return false;
  try {
    accessSync(program, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Null when the template's program is installed; otherwise what is missing and how to get it,
 * so the catalog can say so instead of the launch failing with "spawn ENOENT".
 */
export function missingProgram(local: LocalProgram, pathEnv: string | undefined): MissingProgram | null {
  const program = local.command[0];
  if (program === undefined || programInstalled(program, pathEnv)) return null;
  if (local.aptPackage) {
    return {
      program,
      aptPackage: local.aptPackage,
      hint: `Install with: sudo apt install ${local.aptPackage}`,
    };
  }
  return { program, hint: `Install ${program} and put it on PATH` };
}
