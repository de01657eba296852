import { afterEach, describe, expect, it, vi } from 'vitest';
import { connected, setup, teardown, until } from './testing/controller-harness';
import { session } from './testing/fixtures';
import { upsertSession } from './tray-feed';

afterEach(teardown);

describe('upsertSession', () => {
  it('replaces by name, appends new sessions and drops terminated ones', () => {
    const a = session('firefox', 'running');
    const b = session('code', 'pending');
    expect(upsertSession([a], b)).toEqual([a, b]);
    const hibernated = { ...a, state: 'hibernated' as const };
    expect(upsertSession([a, b], hibernated)).toEqual([hibernated, b]);
    expect(upsertSession([a, b], { ...a, state: 'terminated' })).toEqual([b]);
  });

  it('keeps a newer version over a late older one', () => {
    const fresh = session('firefox', 'hibernated', { updatedAt: '2025-01-02T00:00:00.000Z' });
    const stale = { ...fresh, state: 'hibernating' as const, updatedAt: '2025-01-01T00:00:00.000Z' };
    expect(upsertSession([fresh], stale)).toEqual([fresh]);
  });
});

describe('TrayFeed (through AppController)', () => {
  it('updates the tray from a pushed event with no list call in between', async () => {
    const { controller, store, local } = await setup();
    const running = session('firefox', 'running');
    local.sessions = [running];
    await controller.start();
    await until(store, (s) => connected(s) && s.sessions.length === 1);
    const lists = local.countRoute('listSessions');
    local.update(running.name, { state: 'hibernating' });
    await until(store, (s) => s.sessions[0]?.state === 'hibernating');
    const added = session('firefox', 'pending');
    local.sessions.push(added);
    local.push({ type: 'session', session: added });
    await until(store, (s) => s.sessions.length === 2);
    local.update(running.name, { state: 'terminated' });
    await until(store, (s) => s.sessions.length === 1 && s.sessions[0]?.name === added.name);
    expect(local.countRoute('listSessions')).toBe(lists);
    await controller.shutdown();
  });

  it('reconnects a dropped events socket and resyncs with one list call', async () => {
    const { controller, store, local } = await setup();
    await controller.start();
    await until(store, connected);
    const connections = local.eventConnections;
    const lists = local.countRoute('listSessions');
    const templateLists = local.countRoute('listTemplates');
    // Missed while the socket was down: only the resync can tell.
    local.sessions.push(session('firefox', 'running'));
    local.dropEventSockets();
    await vi.waitFor(() => expect(local.eventConnections).toBe(connections + 1));
    await until(store, (s) => connected(s) && s.sessions.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(local.countRoute('listSessions')).toBe(lists + 1);
    expect(local.countRoute('listTemplates')).toBe(templateLists + 1);
    await controller.shutdown();
  });

  it('reports an unreachable server and keeps the last lists', async () => {
    const { controller, store, local } = await setup();
    local.sessions = [session('firefox', 'running')];
    await controller.start();
    await until(store, (s) => connected(s) && s.sessions.length === 1);
    local.offline = true;
    const state = await until(store, (s) => s.connection === 'error');
    expect(state.connectionMessage).toContain(`Cannot reach ${local.baseUrl}`);
    expect(state.sessions).toHaveLength(1);
    local.offline = false;
    await until(store, connected);
    await controller.shutdown();
  });
});
