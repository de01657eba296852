import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export interface ScratchDirOptions {
  /** One directory for the whole describe block instead of a fresh one for each test. */
  once?: boolean;
  /** Fills the directory once it is made. */
  setup?: (dir: string) => Promise<void>;
}

/**
 * A scratch directory under the system temp dir, made before each test (or once) and removed
 * after it. Call it in a describe block; the function it returns gives the current path.
 */
export function scratchDir(prefix: string, options: ScratchDirOptions = {}): () => string {
  let dir: string | undefined;
  const [before, after] = options.once ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    await options.setup?.(dir);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error(`no scratch directory ${prefix} outside a test`);
    return dir;
  };
}
