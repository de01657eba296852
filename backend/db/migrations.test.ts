import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const migrations = join(root, 'backend', 'db', 'migrations');

describe('committed migrations', () => {
  it('match the drizzle schema: generating against them finds nothing to add', () => {
    // A column used in code but missing from the database broke the original control plane.
    const out = mkdtempSync(join(tmpdir(), 'drift-'));
    cpSync(migrations, out, { recursive: true });
    const before = readdirSync(out).filter((f) => f.endsWith('.sql'));
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'drizzle-kit', 'bin.cjs'),
        'generate',
        '--dialect',
        'postgresql',
        '--schema',
        join(root, 'backend', 'db', 'schema.ts'),
        '--out',
        // drizzle-kit prefixes './' to this, so it has to be relative.
        relative(root, out),
      ],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/No schema changes/);
    expect(readdirSync(out).filter((f) => f.endsWith('.sql'))).toEqual(before);
  });
});
