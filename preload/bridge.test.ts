import { describe, expect, it, vi } from 'vitest';
import { createClipboardHandlers } from '../main/clipboard-handlers';
import { CodedError } from '../main/errors';
import { type IpcHandlers, type IpcInvokeEventLike, registerIpc } from '../main/ipc';
import { desktopHandlerStubs } from '../main/testing/fixtures';
import type { AuthState, IpcChannel } from '../protocol';
import {
  BridgeError,
  createBridge,
  createSubscribe,
  type Invoke,
  type Listen,
  rebuildIpcError,
} from './bridge';

const auth: AuthState = {
  accessToken: 'a1',
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: { id: 'u1', username: 'admin', role: 'admin', createdAt: '2025-01-01T00:00:00.000Z' },
};

/** main's real registerIpc behind an invoke that fails the way Electron's does. */
function roundTrip(handlers: Partial<IpcHandlers>, frameUrl = 'app://streamspace/index.html') {
  const listeners = new Map<string, (event: IpcInvokeEventLike, arg: unknown) => Promise<unknown>>();
  const all: IpcHandlers = {
    ...desktopHandlerStubs,
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
    'clipboard:read-text': () => '',
    'clipboard:write-text': () => {},
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

const noListen: Listen = () => () => {};

describe('createBridge', () => {
  it('implements every DesktopBridge call over its channel', async () => {
    const invoke = roundTrip({});
    const bridge = createBridge(invoke, noListen);
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

  it('reads and writes the system clipboard through main, UTF-8 intact', async () => {
    let system = 'Grüße — 東京 ✓';
    const clipboard = {
      readText: () => system,
      writeText: (text: string) => {
        system = text;
      },
    };
    const bridge = createBridge(roundTrip(createClipboardHandlers(clipboard)), noListen);
    await expect(bridge.clipboard!.readText()).resolves.toBe('Grüße — 東京 ✓');
    await bridge.clipboard!.writeText('ñ 𝄞 😀');
    expect(system).toBe('ñ 𝄞 😀');
    await expect(bridge.clipboard!.writeText('x'.repeat(1_000_001))).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it("rebuilds main's errors with their code and message", async () => {
    const bridge = createBridge(
      roundTrip({
        'auth:login': () => {
          throw new CodedError('rate_limited', 'Too many attempts, try again in a minute', 429);
        },
      }),
      noListen,
    );
    const error = await bridge.login({ username: 'admin', password: 'pw' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      message: 'Too many attempts, try again in a minute',
    });
  });

  it('surfaces a refused frame as forbidden', async () => {
    const bridge = createBridge(roundTrip({}, 'https://evil.example/'), noListen);
    await expect(bridge.getAccessToken()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses bad arguments before they cross, and bad answers after', async () => {
    const invoke = vi.fn<Invoke>(async () => ({ baseUrl: 42 }));
    const bridge = createBridge(invoke, noListen);
    await expect(bridge.openSession('Not A Name')).rejects.toMatchObject({ code: 'invalid_request' });
    expect(invoke).not.toHaveBeenCalled();
    await expect(bridge.getServer()).rejects.toMatchObject({
      code: 'internal',
      message: 'Unexpected answer on server:get',
    });
  });
});

describe('profiles and app settings over IPC', () => {
  it('sends each call on its channel and checks the URL before it crosses', async () => {
    const invoke = roundTrip({});
    const profiles = createBridge(invoke, noListen).profiles!;
    await expect(profiles.list()).resolves.toMatchObject({ activeId: 'local' });
    await profiles.add({ url: 'https://work.example.com/', name: 'Work' });
    // Normalised by the shared ServerUrl schema on the way.
    expect(invoke).toHaveBeenLastCalledWith('profiles:add', {
      url: 'https://work.example.com',
      name: 'Work',
    });
    await profiles.switchTo('work-1');
    expect(invoke).toHaveBeenLastCalledWith('profiles:switch', { id: 'work-1' });
    await profiles.remove('work-1');
    expect(invoke).toHaveBeenLastCalledWith('profiles:remove', { id: 'work-1' });
    await expect(profiles.getSettings()).resolves.toEqual({
      terminateSessionsOnQuit: false,
      closeDashboard: 'auto',
    });
    await profiles.setSettings({ terminateSessionsOnQuit: true });
    expect(invoke).toHaveBeenLastCalledWith('app-settings:set', { terminateSessionsOnQuit: true });

    invoke.mockClear();
    await expect(profiles.add({ url: 'http://work.example.com' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(profiles.add({ url: 'https://u:p@work.example.com' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(invoke).not.toHaveBeenCalled();
  });
});

describe('pushes', () => {
  function fakeListen() {
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    const listen: Listen = (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    };
    const emit = (channel: string, payload: unknown) => {
      for (const l of listeners.get(channel) ?? []) l(payload);
    };
    return { listen, emit };
  }

  it('delivers parsed payloads, drops the rest, and unsubscribes', () => {
    const { listen, emit } = fakeListen();
    const subscribe = createSubscribe(listen);
    const renewed = vi.fn();
    const signedOut = vi.fn();
    const off = subscribe('auth:renewed', renewed);
    subscribe('auth:signed-out', signedOut);
    emit('auth:renewed', auth);
    emit('auth:renewed', { accessToken: 7 });
    emit('auth:signed-out', null);
    expect(renewed).toHaveBeenCalledOnce();
    expect(renewed).toHaveBeenCalledWith(auth);
    expect(signedOut).toHaveBeenCalledOnce();
    off();
    emit('auth:renewed', auth);
    expect(renewed).toHaveBeenCalledOnce();
  });

  it('is the bridge subscribe', () => {
    const { listen, emit } = fakeListen();
    const changed = vi.fn();
    createBridge(roundTrip({}), listen).subscribe!('profile:changed', changed);
    emit('profile:changed', { activeId: 'local', profiles: [{ id: 'local', name: 'Local', mode: 'local' }] });
    expect(changed).toHaveBeenCalledWith(expect.objectContaining({ activeId: 'local' }));
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
