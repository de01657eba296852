import {
  type DesktopBridge,
  type IpcChannel,
  IpcError,
  type IpcRequest,
  type IpcResponse,
  ipcContract,
  type PushChannel,
  pushContract,
  type Subscribe,
} from '../protocol';

export type Invoke = (channel: IpcChannel, arg: unknown) => Promise<unknown>;
/** ipcRenderer.on for one channel; the answer removes the listener. */
export type Listen = (channel: PushChannel, listener: (payload: unknown) => void) => () => void;

/** Pushes parsed like answers: the renderer gets only payloads its types describe. */
export function createSubscribe(listen: Listen): Subscribe {
  return (channel, listener) =>
    listen(channel, (payload) => {
      const parsed = pushContract[channel].safeParse(payload);
      if (parsed.success) listener(parsed.data as Parameters<typeof listener>[0]);
    });
}

/** An IPC failure with main's code. Across contextBridge only the message survives; code helps in tests and logs. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Electron rejects `invoke` with "Error invoking remote method 'x': Error: <message>"; main puts the
 * IpcError as JSON in <message>, so it is the first JSON object in there.
 */
export function rebuildIpcError(error: unknown): BridgeError {
  const text = error instanceof Error ? error.message : String(error);
  const start = text.indexOf('{');
  if (start >= 0) {
    try {
      const parsed = IpcError.safeParse(JSON.parse(text.slice(start)));
      if (parsed.success) return new BridgeError(parsed.data.code, parsed.data.message);
    } catch {
      // not ours: fall through with the raw text
    }
  }
  return new BridgeError('internal', text);
}

async function call<C extends IpcChannel>(
  invoke: Invoke,
  channel: C,
  request: IpcRequest<C>,
): Promise<IpcResponse<C>> {
  const contract = ipcContract[channel];
  // Parsing here too turns a bad call into a clear error in the renderer rather than a refusal in main.
  const parsedRequest = contract.request.safeParse(request);
  if (!parsedRequest.success) throw new BridgeError('invalid_request', parsedRequest.error.message);
  let raw: unknown;
  try {
    raw = await invoke(channel, parsedRequest.data);
  } catch (error) {
    throw rebuildIpcError(error);
  }
  const parsed = contract.response.safeParse(raw);
  if (!parsed.success) throw new BridgeError('internal', `Unexpected answer on ${channel}`);
  return parsed.data as IpcResponse<C>;
}

/** The renderer's DesktopBridge over IPC. Plain functions only: contextBridge copies this object. */
export function createBridge(invoke: Invoke, listen: Listen): DesktopBridge {
  return {
    kind: 'electron',
    getServer: () => call(invoke, 'server:get', undefined),
    getAuth: () => call(invoke, 'auth:get', undefined),
    login: (request) => call(invoke, 'auth:login', request),
    logout: () => call(invoke, 'auth:logout', undefined),
    getAccessToken: () => call(invoke, 'auth:token', undefined),
    refreshAccessToken: () => call(invoke, 'auth:refresh', undefined),
    openSession: (name) => call(invoke, 'session:open', { name }),
    localStack: {
      getSettings: () => call(invoke, 'local-stack:get-settings', undefined),
      setSettings: (settings) => call(invoke, 'local-stack:set-settings', settings),
      listKubeContexts: (kubeconfig) => call(invoke, 'local-stack:kube-contexts', { kubeconfig }),
    },
    profiles: {
      list: () => call(invoke, 'profiles:list', undefined),
      add: (request) => call(invoke, 'profiles:add', request),
      switchTo: (id) => call(invoke, 'profiles:switch', { id }),
      remove: (id) => call(invoke, 'profiles:remove', { id }),
      getSettings: () => call(invoke, 'app-settings:get', undefined),
      setSettings: (patch) => call(invoke, 'app-settings:set', patch),
    },
    subscribe: createSubscribe(listen),
    clipboard: {
      readText: () => call(invoke, 'clipboard:read-text', undefined),
      writeText: (text) => call(invoke, 'clipboard:write-text', { text }),
    },
  };
}
