import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { localRuntimeAvailable } from '../agent';
import { createRuntime, StackError } from './runtime-factory';

describe('createRuntime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-factory-'));
  const context = { dataDir, logger: pino({ level: 'silent' }) };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('picks the local runtime when none is named', async () => {
    if (!localRuntimeAvailable()) {
      expect(() => createRuntime(undefined, context)).toThrow(StackError);
      return;
    }
    const runtime = createRuntime(undefined, context);
    expect(runtime.name).toBe('local');
    await runtime.close();
  });

  it('says plainly when a runtime is not available', () => {
    expect(() => createRuntime('kubernetes', context)).toThrow(/kubernetes runtime is not available/);
  });
});
