import { describe, expect, it, vi } from 'vitest';
import { CodedError } from '../main/errors';
import { type IpcHandlers, type IpcInvokeEventLike, registerIpc } from '../main/ipc';
import type { AuthState, IpcChannel } from '../protocol';
import { BridgeError, createBridge, type Invoke, rebuildIpcError } from './bridge';

const auth: AuthState = {
  accessToken: 'a1',
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: { id: 'u1', username: 'admin', role: 'admin', createdAt: '2025-01-01T00:00:00.000Z' },
};

/** main's real registerIpc behind an invoke that fails the way Electron's does. */
function roundTrip(handlers: Partial<IpcHandlers>, frameUrl = 'app://streamspace/index.html') {
  const listeners = new Map<string, (event: IpcInvokeEventLike, arg: unknown) => Promise<unknown>>();
  const all: IpcHandlers = {
    'server:get': () => ({ baseUrl: 'http://127.0.0.1:4000', mode: 'local' }),
    'auth:get': () => auth,
    'auth:login': () => auth,
    'auth:logout': () => {},
    'auth:token': () => 'a1',
    'auth:refresh': () => 'a2',
    'session:open': () => {},
    'local-stack:get-settings': () => ({ runtime: 'local' }),
    'local-stack:set-settings': (settings) => settings,
    'local-stack:kube-contexts': () => ({
      ok: true,
      contexts: ['kind-streamspace'],
      current: 'kind-streamspace',
    }),
    ...handlers,
  };
  registerIpc({ handle: (channel, listener) => listeners.set(channel, listener) }, all, (url) =>
    Boolean(url?.startsWith('app://streamspace/')),
  );
  const invoke: Invoke = async (channel: IpcChannel, arg: unknown) => {
    try {
      return await listeners.get(channel)!({ senderFrame: { url: frameUrl } }, arg);
    } catch (error) {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
  };
  return vi.fn(invoke);
}

describe('createBridge', () => {
  it('implements every DesktopBridge call over its channel', async () => {
    const invoke = roundTrip({});
    const bridge = createBridge(invoke);
    expect(bridge.kind).toBe('electron');
    await expect(bridge.getServer()).resolves.toEqual({ baseUrl: 'http://127.0.0.1:4000', mode: 'local' });
    await expect(bridge.getAuth()).resolves.toEqual(auth);
    await expect(bridge.login({ username: 'admin', password: 'pw' })).resolves.toEqual(auth);
    await expect(bridge.logout()).resolves.toBeUndefined();
    await expect(bridge.getAccessToken()).resolves.toBe('a1');
    await expect(bridge.refreshAccessToken()).resolves.toBe('a2');
    await expect(bridge.openSession('admin-firefox-0a1b2c3d')).resolves.toBeUndefined();
    const stack = bridge.localStack!;
    await expect(stack.getSettings()).resolves.toEqual({ runtime: 'local' });
    const kube = { runtime: 'kubernetes', kubeContext: 'kind-streamspace' } as const;
    await expect(stack.setSettings(kube)).resolves.toEqual(kube);
    await expect(stack.listKubeContexts()).resolves.toEqual({
      ok: true,
      contexts: ['kind-streamspace'],
      current: 'kind-streamspace',
    });
    expect(invoke.mock.calls.map(([channel, arg]) => [channel, arg])).toEqual([
      ['server:get', undefined],
      ['auth:get', undefined],
      ['auth:login', { username: 'admin', password: 'pw' }],
      ['auth:logout', undefined],
      ['auth:token', undefined],
      ['auth:refresh', undefined],
      ['session:open', { name: 'admin-firefox-0a1b2c3d' }],
      ['local-stack:get-settings', undefined],
      ['local-stack:set-settings', kube],
      ['local-stack:kube-contexts', {}],
    ]);
  });

  it("rebuilds main's errors with their code and message", async () => {
    const bridge = createBridge(
      roundTrip({
        'auth:login': () => {
          throw new CodedError('rate_limited', 'Too many attempts, try again in a minute', 429);
        },
      }),
    );
    const error = await bridge.login({ username: 'admin', password: 'pw' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      message: 'Too many attempts, try again in a minute',
    });
  });

  it('surfaces a refused frame as forbidden', async () => {
    const bridge = createBridge(roundTrip({}, 'https://evil.example/'));
    await expect(bridge.getAccessToken()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses bad arguments before they cross, and bad answers after', async () => {
    const invoke = vi.fn<Invoke>(async () => ({ baseUrl: 42 }));
    const bridge = createBridge(invoke);
    await expect(bridge.openSession('Not A Name')).rejects.toMatchObject({ code: 'invalid_request' });
    expect(invoke).not.toHaveBeenCalled();
    await expect(bridge.getServer()).rejects.toMatchObject({
      code: 'internal',
      message: 'Unexpected answer on server:get',
    });
  });
});

describe('rebuildIpcError', () => {
  it('keeps foreign errors readable', () => {
    expect(
      rebuildIpcError(new Error("Error invoking remote method 'x': No handler registered for 'x'")),
    ).toMatchObject({
      code: 'internal',
      message: "Error invoking remote method 'x': No handler registered for 'x'",
    });
    expect(rebuildIpcError(new Error('odd {not json'))).toMatchObject({ code: 'internal' });
    expect(rebuildIpcError('plain')).toMatchObject({ code: 'internal', message: 'plain' });
  });
});
