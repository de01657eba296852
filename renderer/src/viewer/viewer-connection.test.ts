import { describe, expect, it } from 'vitest';
import { sessionDto } from '../testing/fakes';
import { type FakeRfb, flush, NAME, setupViewer as setup } from './viewer-testing';

describe('viewer connection', () => {
  it('shows why the server closed the stream, such as a port-forward error', async () => {
    const channel = new EventTarget();
    const opened: string[] = [];
    const { rfbs, last, connection } = setup('running', (url) => {
      opened.push(url);
      return channel as WebSocket;
    });
    connection.connect();
    await flush();
    const rfb = rfbs[0] as FakeRfb;
    expect(rfb.url).toBe(channel);
    expect(opened[0]).toMatch(/\/vnc\?ticket=/);
    rfb.emit('connect', undefined as never);
    const closed = Object.assign(new Event('close'), {
      code: 4502,
      reason: 'stream error: port-forward to pod p failed: connection refused',
    });
    channel.dispatchEvent(closed);
    rfb.emit('disconnect', { clean: false });
    expect(last()).toEqual({
      status: 'reconnecting',
      message: 'Reconnecting… (stream error: port-forward to pod p failed: connection refused)',
    });
    connection.dispose();
  });

  it('asks for one ticket and connects at once, with the password as a credential', async () => {
    const { api, rfbs, last, connection } = setup('running');
    connection.connect();
    await flush();
    expect(api.viewerTicket).toHaveBeenCalledOnce();
    expect(api.viewerTicket).toHaveBeenCalledWith({ params: { name: NAME } });
    expect(rfbs).toHaveLength(1);
    const rfb = rfbs[0] as FakeRfb;
    expect(rfb.url).toMatch(
      /^ws:\/\/127\.0\.0\.1:9000\/.*\/sessions\/ada-firefox-0123abcd\/vnc\?ticket=T1cket-/,
    );
    expect(rfb.url).not.toContain('pw');
    expect(rfb.options.credentials).toEqual({ password: 'pw' });
    expect(rfb.scaleViewport && rfb.resizeSession && rfb.focusOnClick).toBe(true);
    expect(last()).toEqual({ status: 'connecting', message: 'Connecting…' });
    rfb.emit('connect', {});
    expect(last()).toEqual({ status: 'connected', message: '' });
    expect(rfb.focus).toHaveBeenCalled();
    expect(connection.status).toBe('connected');
  });

  it('connects to a starting session at once and shows why it waits, without a second ticket', async () => {
    const { api, rfbs, last, connection, setState } = setup('starting');
    connection.connect();
    await flush();
    expect(rfbs).toHaveLength(1);
    expect(last()?.message).toMatch(/Starting/);
    setState('running');
    expect(last()).toEqual({ status: 'connecting', message: 'Connecting…' });
    rfbs[0]?.emit('connect', {});
    expect(last()?.status).toBe('connected');
    expect(api.viewerTicket).toHaveBeenCalledOnce();
  });

  it('says it is waking a hibernated session and does not wake it itself', async () => {
    const { api, last, connection } = setup('hibernated');
    connection.connect();
    await flush();
    expect(last()).toEqual({ status: 'connecting', message: 'Waking the session…' });
    expect(api.wakeSession).not.toHaveBeenCalled();
  });

  it('asks for the session once when the app does not know it yet', async () => {
    const { api, rfbs, last, connection, onSession } = setup(null);
    api.getSession.mockResolvedValueOnce(sessionDto(NAME, 'waking'));
    connection.connect();
    await flush();
    expect(api.getSession).toHaveBeenCalledOnce();
    expect(onSession).toHaveBeenCalledWith(expect.objectContaining({ state: 'waking' }));
    expect(rfbs).toHaveLength(1);
    expect(last()?.message).toBe('Waking the session…');
  });

  it('does not ask for a ticket for a session that has ended or failed', async () => {
    const ended = setup('terminated');
    ended.connection.connect();
    await flush();
    expect(ended.last()).toEqual({ status: 'ended', message: 'The session has ended.' });
    expect(ended.api.viewerTicket).not.toHaveBeenCalled();

    const failed = setup('failed');
    failed.store.session = sessionDto(NAME, 'failed', {
      status: { phase: 'failed', message: 'image not found' },
    });
    failed.connection.connect();
    expect(failed.last()).toEqual({ status: 'failed', message: 'The session failed: image not found' });
  });

  it('gives up waiting when the session fails meanwhile', async () => {
    const { rfbs, last, connection, setState } = setup('starting');
    connection.connect();
    await flush();
    setState('failed', 'no image');
    expect(last()).toEqual({ status: 'failed', message: 'The session failed: no image' });
    expect(rfbs[0]?.disconnect).toHaveBeenCalled();
  });

  it('reports refused connections as errors and reconnects with a new ticket', async () => {
    const { api, rfbs, last, connection } = setup('running');
    connection.connect();
    await flush();
    rfbs[0]?.emit('securityfailure', { status: 1, reason: 'Authentication failure' });
    rfbs[0]?.emit('disconnect', { clean: false });
    expect(last()).toEqual({
      status: 'error',
      message:
        'The session refused the connection: Authentication failure. Reconnect to try with a new ticket.',
    });
    connection.connect();
    await flush();
    expect(api.viewerTicket).toHaveBeenCalledTimes(2);
    expect(rfbs).toHaveLength(2);
  });

  it('disconnects when asked for credentials it does not have', async () => {
    const { rfbs, last, connection } = setup('running');
    connection.connect();
    await flush();
    rfbs[0]?.emit('credentialsrequired', { types: ['username', 'password'] });
    expect(rfbs[0]?.disconnect).toHaveBeenCalled();
    expect(last()?.status).toBe('error');
    expect(last()?.message).toMatch(/credentials .*\(username, password\)/);
  });

  it('shows a failed ticket request as an error', async () => {
    const { api, rfbs, last, connection } = setup('running');
    api.viewerTicket.mockRejectedValueOnce(new Error('boom'));
    connection.connect();
    await flush();
    expect(last()).toEqual({ status: 'error', message: 'boom' });
    expect(rfbs).toHaveLength(0);
  });

  it('abandons the previous socket on reconnect and everything on dispose', async () => {
    const { rfbs, views, connection } = setup('running');
    connection.connect();
    await flush();
    connection.connect();
    await flush();
    expect(rfbs[0]?.disconnect).toHaveBeenCalled();
    expect(views.some((v) => v.status === 'disconnected')).toBe(false);
    connection.dispose();
    expect(rfbs[1]?.disconnect).toHaveBeenCalled();
    const shown = views.length;
    rfbs[1]?.emit('connect', {});
    expect(views).toHaveLength(shown);
  });
});
