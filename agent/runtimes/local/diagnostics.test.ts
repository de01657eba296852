import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeExit, readLogTail, tailText, withLog } from './diagnostics';

describe('tailText', () => {
  it('keeps the last non-empty lines and drops bare (EE) markers', () => {
    const log = 'a\n\nb\n(EE) \nFatal server error:\n(EE) failed to bind socket\n(EE)\n';
    expect(tailText(log, 2)).toBe('Fatal server error:\n(EE) failed to bind socket');
  });

  it('caps the length, keeping the end', () => {
    const tail = tailText('x'.repeat(2000), 8, 100);
    expect(tail).toHaveLength(100);
    expect(tail.startsWith('…')).toBe(true);
  });
});

describe('readLogTail', () => {
  it('reads only the end of a big file, and nothing from a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-log-'));
    try {
      const path = join(dir, 'x.log');
      await writeFile(path, `${'noise\n'.repeat(10_000)}the reason\n`);
      expect(await readLogTail(path)).toMatch(/the reason$/);
      expect(await readLogTail(join(dir, 'missing.log'))).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('describeExit', () => {
  it('prefers the signal', () => {
    expect(describeExit(null, 'SIGKILL')).toBe('was killed by SIGKILL');
    expect(describeExit(3, null)).toBe('exited with code 3');
    expect(describeExit(null, null)).toBe('is gone');
  });

  it('appends a log only when there is one', () => {
    expect(withLog('Xvnc exited', '')).toBe('Xvnc exited');
    expect(withLog('Xvnc exited', 'why')).toBe('Xvnc exited:\nwhy');
  });
});
