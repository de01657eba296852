import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JsonFile {
  /** The parsed content, or undefined when the file is missing or not JSON; callers validate the shape. */
  read(): Promise<unknown>;
  write(value: unknown): Promise<void>;
}

export function jsonFile(path: string): JsonFile {
  // Writes are chained so a slow earlier write can never land after, and overwrite, a later one.
  let pending: Promise<void> = Promise.resolve();
  return {
    async read() {
      try {
        return JSON.parse(await readFile(path, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    write(value) {
      const run = async () => {
        await mkdir(dirname(path), { recursive: true });
        // Write then rename: a crash mid-write leaves the old file, never a truncated one.
        const temp = `${path}.${process.pid}.tmp`;
        await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
        await rename(temp, path);
      };
      pending = pending.then(run, run);
      return pending;
    },
  };
}
