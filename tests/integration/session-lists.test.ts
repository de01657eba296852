import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionList, type TokenPair } from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';

/**
 * The list endpoint answers from caches (the caller's user row, the verified token, the encoded
 * list): each must give way to the write that changes what it holds, by the very next request.
 */
describe.each(dbKinds())('session lists served from memory stay in step on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let agent: ProtocolAgent;

  const list = async (token: string, all = false, encoding = 'identity') => {
    const res = await b.api(`/sessions${all ? '?all=true' : ''}`, {
      token,
      headers: { 'Accept-Encoding': encoding },
    });
    return { res, text: res.status === 200 ? await res.text() : '' };
  };
  const states = async (token: string, all = false) =>
    SessionList.parse(JSON.parse((await list(token, all)).text)).sessions.map((s) => `${s.name}:${s.state}`);

  beforeAll(async () => {
    b = await startTestBackend(kind, { STREAMSPACE_MAX_SESSIONS_PER_USER: '20' });
    admin = await b.login();
    agent = await connectAgent(b, 'lists-agent', 20);
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('shows every session write in the next list, the owner’s and the admin’s', async () => {
    const dora = await createUser(b, admin.accessToken, 'dora');
    expect(await states(dora.accessToken)).toEqual([]);
    const created = await b.client(dora.accessToken).createSession({ body: { template: 'xterm' } });
    // Pending or already starting, but there, on the request right after the launch answered.
    expect((await states(dora.accessToken)).map((s) => s.split(':')[0])).toEqual([created.name]);
    await eventually(async () => (await states(dora.accessToken))[0] === `${created.name}:running`);
    expect(await states(admin.accessToken, true)).toContain(`${created.name}:running`);
    // The agent holds its answer to the stop, so the list must show terminating, then terminated.
    const auto = agent.autoReply;
    agent.autoReply = null;
    try {
      const ended = await b.client(dora.accessToken).terminateSession({ params: { name: created.name } });
      expect(ended.session.state).toBe('terminating');
      expect(await states(dora.accessToken)).toEqual([`${created.name}:terminating`]);
      const stop = await agent.command('stop_session');
      agent.send({ type: 'result', commandId: stop.commandId, ok: true, state: 'terminated', message: '' });
    } finally {
      agent.autoReply = auto;
    }
    await eventually(async () =>
      (await states(admin.accessToken, true)).includes(`${created.name}:terminated`),
    );
    expect(await states(dora.accessToken)).toEqual([`${created.name}:terminated`]);
  });

  it('sends the same list gzipped to a client that asks, and plain JSON to one that does not', async () => {
    const erin = await createUser(b, admin.accessToken, 'erin');
    for (let i = 0; i < 3; i++)
      await b.client(erin.accessToken).createSession({ body: { template: 'xterm' } });
    // Settled first: a session that turns running between the two reads would differ honestly.
    await eventually(async () => {
      const mine = await states(erin.accessToken);
      return mine.length === 3 && mine.every((s) => s.endsWith(':running'));
    });
    const plain = await list(admin.accessToken, true);
    const gzipped = await list(admin.accessToken, true, 'gzip, deflate');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(gzipped.res.headers.get('content-encoding')).toBe('gzip');
    expect(gzipped.res.headers.get('vary')).toMatch(/Accept-Encoding/);
    // fetch undoes the gzip: the JSON inside is the very same.
    expect(gzipped.text).toBe(plain.text);
    expect(gzipped.res.headers.get('etag')).toBe(plain.res.headers.get('etag'));
    // And a write after it is in the next gzipped answer too.
    const another = await b.client(erin.accessToken).createSession({ body: { template: 'xterm' } });
    expect((await list(admin.accessToken, true, 'gzip')).text).toContain(another.name);
  });

  it('applies a demotion to the next request: the admin list is refused at once', async () => {
    const fay = await createUser(b, admin.accessToken, 'fay', 'admin');
    expect((await list(fay.accessToken, true)).res.status).toBe(200);
    await b.client(admin.accessToken).updateUser({ params: { id: fay.user.id }, body: { role: 'user' } });
    expect((await list(fay.accessToken, true)).res.status).toBe(403);
    expect((await list(fay.accessToken)).res.status).toBe(200);
  });

  it('refuses the old token at once after a password change and after a logout', async () => {
    const gus = await createUser(b, admin.accessToken, 'gus');
    expect((await list(gus.accessToken)).res.status).toBe(200);
    await b
      .client(admin.accessToken)
      .updateUser({ params: { id: gus.user.id }, body: { password: 'gus-password-2' } });
    expect((await list(gus.accessToken)).res.status).toBe(401);

    const again = await b.login('gus', 'gus-password-2');
    expect((await list(again.accessToken)).res.status).toBe(200);
    await b.client(again.accessToken).logout({ body: { refreshToken: again.refreshToken } });
    expect((await list(again.accessToken)).res.status).toBe(401);
  });
});
