import { describe, expect, it, vi } from 'vitest';
import { type AuthState, IpcError, ipcContract } from '../protocol';
import { CodedError } from './errors';
import {
  createPush,
  type IpcHandlers,
  type IpcInvokeEventLike,
  type IpcMainLike,
  type PushTarget,
  registerIpc,
} from './ipc';
import { desktopHandlerStubs } from './testing/fixtures';

type Listener = (event: IpcInvokeEventLike, arg: unknown) => Promise<unknown>;

function fakeIpcMain() {
  const listeners = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (listeners.has(channel)) throw new Error(`second handler for ${channel}`);
      listeners.set(channel, listener);
    },
  };
  const invoke = (
    channel: string,
    arg?: unknown,
    frameUrl: string | null = 'app://streamspace/index.html',
  ) => {
    const listener = listeners.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, arg);
  };
  return { ipcMain, invoke, listeners };
}

const auth: AuthState = {
  accessToken: 'a1',
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: { id: 'u1', username: 'admin', role: 'admin', createdAt: '2025-01-01T00:00:00.000Z' },
};

function handlers(overrides: Partial<IpcHandlers> = {}): IpcHandlers {
  return {
    ...desktopHandlerStubs,
    'server:get': () => ({ baseUrl: 'http://127.0.0.1:4000', mode: 'local' }),
    'auth:get': () => null,
    'auth:login': vi.fn(async () => auth),
    'auth:logout': async () => {},
    'auth:token': async () => 'a1',
    'auth:refresh': async () => 'a2',
    'session:open': vi.fn(async () => {}),
    'local-stack:get-settings': () => ({ runtime: 'local' }),
    'local-stack:set-settings': vi.fn(async (settings) => settings),
    'local-stack:kube-contexts': () => ({ ok: true, contexts: [] }),
    'clipboard:read-text': () => '',
    'clipboard:write-text': () => {},
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return IpcError.parse(JSON.parse((error as Error).message));
}

const trusted = (url: string | undefined) => url?.startsWith('app://streamspace/') ?? false;

describe('registerIpc', () => {
  it('registers exactly the channels of the contract', () => {
    const { ipcMain, listeners } = fakeIpcMain();
    registerIpc(ipcMain, handlers(), trusted);
    expect([...listeners.keys()].sort()).toEqual(Object.keys(ipcContract).sort());
  });

  it('passes the parsed request to the handler and returns its answer', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const h = handlers();
    registerIpc(ipcMain, h, trusted);
    await expect(invoke('auth:login', { username: 'admin', password: 'pw' })).resolves.toEqual(auth);
    expect(h['auth:login']).toHaveBeenCalledWith({ username: 'admin', password: 'pw' });
    await expect(invoke('server:get')).resolves.toEqual({ baseUrl: 'http://127.0.0.1:4000', mode: 'local' });
    await expect(invoke('auth:logout')).resolves.toBeUndefined();
  });

  it('refuses untrusted or vanished frames before calling the handler', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const h = handlers();
    const warn = vi.fn();
    registerIpc(ipcMain, h, trusted, { warn });
    expect(await rejection(invoke('session:open', { name: 'abc' }, 'https://evil.example/'))).toMatchObject({
      code: 'forbidden',
    });
    expect(await rejection(invoke('session:open', { name: 'abc' }, null))).toMatchObject({
      code: 'forbidden',
    });
    expect(h['session:open']).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('rejects malformed requests as invalid_request without calling the handler', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const h = handlers();
    registerIpc(ipcMain, h, trusted);
    expect(await rejection(invoke('session:open', { name: '../etc' }))).toMatchObject({
      code: 'invalid_request',
    });
    expect(await rejection(invoke('session:open', { name: 'abc', extra: 1 }))).toMatchObject({
      code: 'invalid_request',
    });
    expect(await rejection(invoke('auth:login', { username: 'admin' }))).toMatchObject({
      code: 'invalid_request',
    });
    expect(
      await rejection(invoke('local-stack:set-settings', { runtime: 'kubernetes', kubeNamespace: 'No_' })),
    ).toMatchObject({ code: 'invalid_request' });
    expect(h['session:open']).not.toHaveBeenCalled();
    expect(h['auth:login']).not.toHaveBeenCalled();
    expect(h['local-stack:set-settings']).not.toHaveBeenCalled();
  });

  it('keeps the code and message of handler errors', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    registerIpc(
      ipcMain,
      handlers({
        'auth:login': async () => {
          throw new CodedError('unauthorized', 'Invalid username or password', 401);
        },
        'auth:token': async () => {
          throw new TypeError('boom');
        },
      }),
      trusted,
    );
    expect(await rejection(invoke('auth:login', { username: 'a', password: 'b' }))).toEqual({
      code: 'unauthorized',
      message: 'Invalid username or password',
    });
    expect(await rejection(invoke('auth:token'))).toEqual({ code: 'internal', message: 'boom' });
  });

  it('does not leak answers that break the contract', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const warn = vi.fn();
    registerIpc(
      ipcMain,
      handlers({ 'server:get': () => ({ baseUrl: 'not a url', mode: 'local' }) }),
      trusted,
      { warn },
    );
    expect(await rejection(invoke('server:get'))).toEqual({
      code: 'internal',
      message: 'Invalid answer on server:get',
    });
    expect(warn).toHaveBeenCalledOnce();
  });
});

describe('createPush', () => {
  const target = (destroyed = false) => {
    const sent: [string, unknown][] = [];
    const t: PushTarget = {
      isDestroyed: () => destroyed,
      send: (channel, payload) => sent.push([channel, payload]),
    };
    return { t, sent };
  };

  it('sends a parsed push to every live page', () => {
    const a = target();
    const b = target();
    const gone = target(true);
    createPush(() => [a.t, b.t, gone.t])('auth:renewed', auth);
    expect(a.sent).toEqual([['auth:renewed', auth]]);
    expect(b.sent).toEqual([['auth:renewed', auth]]);
    expect(gone.sent).toEqual([]);
  });

  it('drops a push outside its schema and says so', () => {
    const a = target();
    const warn = vi.fn();
    const push = createPush(() => [a.t], { warn });
    // A caller that lost its types: the schema still guards the page.
    (push as (channel: string, payload: unknown) => void)('auth:renewed', { accessToken: 1 });
    expect(a.sent).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
  });
});
