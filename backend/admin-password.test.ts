import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD_FILE, announceAdminPassword } from './admin-password';

describe('announceAdminPassword', () => {
  let dataDir: string;
  let out: string[];
  let logged: string[];
  const logger = () =>
    pino({ level: 'info' }, { write: (line: string) => void logged.push(line) } as pino.DestinationStream);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ss-admin-pw-'));
    out = [];
    logged = [];
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shows the password on an interactive terminal and writes no file', async () => {
    await announceAdminPassword('pw-123', {
      dataDir,
      interactive: true,
      write: (t) => out.push(t),
      logger: logger(),
    });
    expect(out.join('')).toContain('Created user admin with password: pw-123');
    expect(() => statSync(join(dataDir, ADMIN_PASSWORD_FILE))).toThrow();
  });

  it('otherwise writes it to a 0600 file and says where, without the password', async () => {
    const file = join(dataDir, ADMIN_PASSWORD_FILE);
    // A file left by an earlier start, readable by everyone: it must not stay so.
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    await announceAdminPassword('pw-456', {
      dataDir,
      interactive: false,
      write: (t) => out.push(t),
      logger: logger(),
    });
    expect(readFileSync(file, 'utf8')).toBe('pw-456\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out.join('')).toContain(file);
    expect(logged.join('')).toContain(file);
    expect(`${out.join('')}${logged.join('')}`).not.toContain('pw-456');
  });
});
