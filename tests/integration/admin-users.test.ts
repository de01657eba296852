import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiWebSocketUrl, ServerEvent, SIGNED_OUT_CLOSE_CODE, type TokenPair } from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';

describe.each(dbKinds())('the admin view on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let agent: ProtocolAgent;

  beforeAll(async () => {
    b = await startTestBackend(kind);
    admin = await b.login();
    agent = await connectAgent(b, 'admin-view-agent', 5);
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('disables a user: sign-in, tokens and refresh all stop; enabling lets them back in', async () => {
    const dora = await createUser(b, admin.accessToken, 'dora');
    const users = b.client(admin.accessToken);
    const disabled = await users.updateUser({ params: { id: 'dora' }, body: { disabled: true } });
    expect(disabled.disabled).toBe(true);
    expect((await users.listUsers()).users.find((u) => u.username === 'dora')?.disabled).toBe(true);

    expect((await b.api('/me', { token: dora.accessToken })).status).toBe(401);
    await expect(b.client().refresh({ body: { refreshToken: dora.refreshToken } })).rejects.toMatchObject({
      status: 401,
    });
    await expect(b.login('dora', 'dora-password-1')).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/disabled/),
    });
    // A wrong password says nothing of the account's state.
    await expect(b.login('dora', 'not-the-password')).rejects.toMatchObject({
      message: expect.not.stringMatching(/disabled/),
    });

    const enabled = await users.updateUser({ params: { id: 'dora' }, body: { disabled: false } });
    expect(enabled.disabled).toBe(false);
    const again = await b.login('dora', 'dora-password-1');
    expect((await b.client(again.accessToken).me()).username).toBe('dora');
  });

  it("closes a disabled user's open /events socket, saying why", async () => {
    const finn = await createUser(b, admin.accessToken, 'finn');
    const ws = new WebSocket(apiWebSocketUrl(b.url, 'events'));
    const frames: ServerEvent[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: `${reason}` })),
    );
    ws.on('message', (d) => frames.push(ServerEvent.parse(JSON.parse(d.toString()))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: finn.accessToken }));
    await eventually(async () => frames.some((f) => f.type === 'ready'), 10_000, 'ready');
    await b.client(admin.accessToken).updateUser({ params: { id: finn.user.id }, body: { disabled: true } });
    expect(await closed).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'account disabled' });
  });

  it('refuses to let an admin disable their own account', async () => {
    await expect(
      b.client(admin.accessToken).updateUser({ params: { id: 'admin' }, body: { disabled: true } }),
    ).rejects.toMatchObject({ status: 409 });
    expect((await b.client(admin.accessToken).me()).username).toBe('admin');
  });

  it('filters the audit log by action, kind, actor and time, and refuses a malformed filter', async () => {
    await createUser(b, admin.accessToken, 'erin');
    const client = b.client(admin.accessToken);
    await eventually(async () => {
      const { entries } = await client.audit({ query: { action: 'user.create', actor: 'admin' } });
      return entries.some((e) => e.target === 'erin');
    });
    const creates = await client.audit({ query: { action: 'user.create' } });
    expect(creates.entries.length).toBeGreaterThan(0);
    expect(creates.entries.every((e) => e.action === 'user.create')).toBe(true);
    const kind = await client.audit({ query: { action: 'user.' } });
    expect(new Set(kind.entries.map((e) => e.action))).toEqual(new Set(['user.create', 'user.update']));
    expect((await client.audit({ query: { actor: 'nobody-at-all' } })).entries).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await client.audit({ query: { since: future } })).entries).toEqual([]);
    expect((await client.audit({ query: { until: future, action: 'user.create' } })).entries.length).toBe(
      creates.entries.length,
    );
    // An empty field is what a form sends for "any".
    expect((await b.api('/audit?action=&actor=&since=', { token: admin.accessToken })).status).toBe(200);
    for (const bad of [
      'since=yesterday',
      'action=DROP%20TABLE',
      'since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z',
    ]) {
      expect((await b.api(`/audit?${bad}`, { token: admin.accessToken })).status, bad).toBe(400);
    }
  });

  it('lists agents with their last heartbeat', async () => {
    const { agents } = await b.client(admin.accessToken).listAgents();
    const listed = agents.find((a) => a.name === 'admin-view-agent');
    expect(listed?.status).toBe('online');
    expect(Date.parse(listed?.lastHeartbeatAt ?? '')).toBeGreaterThan(Date.now() - 600_000);
  });
});
