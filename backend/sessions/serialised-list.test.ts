import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SessionList } from '../../protocol';
import { serialiseList } from './serialised-list';

const session = {
  name: 'alice-xterm-0123abcd',
  namespace: 'streamspace',
  user: 'alice',
  template: 'xterm',
  state: 'running' as const,
  status: { phase: 'running' as const, message: 'ünïcode ✓' },
  resources: { memory: '256Mi', cpu: '250m' },
  persistentHome: false,
  agentId: 'a1',
  runtime: 'local' as const,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
};

describe('serialiseList', () => {
  it('encodes a SessionList as UTF-8 JSON', () => {
    const { body } = serialiseList([session]);
    expect(SessionList.parse(JSON.parse(body.toString('utf8')))).toEqual({ sessions: [session] });
  });

  it('tags the body by its byte length and content', () => {
    const a = serialiseList([session]);
    expect(a.etag).toMatch(new RegExp(`^W/"${a.body.length.toString(16)}-[A-Za-z0-9+/]{27}"$`));
    expect(serialiseList([session]).etag).toBe(a.etag);
    expect(serialiseList([{ ...session, state: 'hibernated' }]).etag).not.toBe(a.etag);
    expect(serialiseList([]).body.toString()).toBe('{"sessions":[]}');
  });
});

describe('serialiseList, gzipped', () => {
  it('gzips the very body, once per list', async () => {
    const list = serialiseList(Array.from({ length: 50 }, (_, i) => ({ ...session, name: `s-${i}` })));
    const gz = await list.gzipped();
    expect(gunzipSync(gz).equals(list.body)).toBe(true);
    expect(gz.length).toBeLessThan(list.body.length / 5);
    expect(list.gzipped()).toBe(list.gzipped());
  });
});
