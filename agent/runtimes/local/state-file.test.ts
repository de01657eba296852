import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../tests/support/scratch-dir';
import { type LocalSessionFile, readStateFile, writeStateFile } from './state-file';

const sample: LocalSessionFile = {
  version: 2,
  name: 'alice-xterm-0123abcd',
  user: 'alice',
  template: 'xterm',
  state: 'running',
  display: 3,
  xvnc: { pid: 100, pgid: 100, startTime: 5000 },
  app: { pid: 200, pgid: 200, startTime: 5100 },
  home: '/s/home',
  persistentHome: false,
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('state file', () => {
  const dir = scratchDir('ss-state-');

  it('round-trips, private to the user, with no temporary left behind', async () => {
    const path = join(dir(), 'state.json');
    await writeStateFile(path, sample);
    expect(await readStateFile(path)).toEqual({ ok: true, data: sample, tcpPort: null });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir())).toEqual(['state.json']);
  });

  it('refuses to write an invalid record', async () => {
    await expect(writeStateFile(join(dir(), 's.json'), { ...sample, display: -1 })).rejects.toThrow();
    expect(await readdir(dir())).toEqual([]);
  });

  it('tells a missing file from a broken one', async () => {
    expect(await readStateFile(join(dir(), 'nope.json'))).toMatchObject({ ok: false, reason: 'missing' });
    await writeFile(join(dir(), 'bad.json'), '{ not json');
    expect(await readStateFile(join(dir(), 'bad.json'))).toMatchObject({ ok: false, reason: 'invalid' });
    await writeFile(join(dir(), 'shape.json'), JSON.stringify({ ...sample, name: '../etc' }));
    const result = await readStateFile(join(dir(), 'shape.json'));
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it("reads an older agent's record of a session on a TCP port, so that it can be ended", async () => {
    const path = join(dir(), 'old.json');
    await writeFile(path, JSON.stringify({ ...sample, version: 1, port: 40123 }));
    expect(await readStateFile(path)).toEqual({ ok: true, data: sample, tcpPort: 40123 });
    // A current record names no port: its socket is always the session dir's.
    await writeFile(path, JSON.stringify({ ...sample, port: 40123 }));
    expect(await readStateFile(path)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('writes JSON a human can read', async () => {
    const path = join(dir(), 'state.json');
    await writeStateFile(path, sample);
    expect(JSON.parse(await readFile(path, 'utf8')).display).toBe(3);
  });
});
