import {
  type IpcChannel,
  type IpcRequest,
  type IpcResponse,
  ipcContract,
  type PushChannel,
  type PushPayload,
  pushContract,
} from '../protocol';
import { CodedError, toIpcError } from './errors';

/** What registerIpc needs of Electron's ipcMain and its events; a fake stands in for it in tests. */
export interface IpcInvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, arg: unknown) => Promise<unknown>): void;
}

export type IpcHandlers = {
  [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcResponse<C>> | IpcResponse<C>;
};

export interface IpcLogger {
  warn(details: object, message: string): void;
}

/**
 * Electron keeps only the message of an Error thrown by a handler, so the IpcError travels as JSON in
 * it; the preload finds it there and rebuilds the error.
 */
export function encodeIpcError(error: unknown): Error {
  return new Error(JSON.stringify(toIpcError(error)));
}

export function registerIpc(
  ipcMain: IpcMainLike,
  handlers: IpcHandlers,
  isTrusted: (frameUrl: string | undefined) => boolean,
  log?: IpcLogger,
): void {
  const register = <C extends IpcChannel>(channel: C) => {
    const contract = ipcContract[channel];
    const handler = handlers[channel] as (request: unknown) => unknown;
    ipcMain.handle(channel, async (event, arg) => {
      const frameUrl = event.senderFrame?.url;
      if (!isTrusted(frameUrl)) {
        log?.warn({ channel, frameUrl }, 'IPC from an untrusted frame refused');
        throw encodeIpcError(new CodedError('forbidden', 'This frame may not use the desktop bridge'));
      }
      let request: unknown;
      try {
        request = contract.request.parse(arg);
      } catch (error) {
        throw encodeIpcError(error);
      }
      let result: unknown;
      try {
        result = await handler(request);
      } catch (error) {
        throw encodeIpcError(error);
      }
      const response = contract.response.safeParse(result);
      if (!response.success) {
        // Our own handler broke the contract: the renderer gets a plain internal error, the log the details.
        log?.warn({ channel, issues: response.error.issues }, 'IPC handler answered outside its schema');
        throw encodeIpcError(new CodedError('internal', `Invalid answer on ${channel}`));
      }
      return response.data;
    });
  };
  for (const channel of Object.keys(ipcContract) as IpcChannel[]) register(channel);
}

/** A page main can push to: Electron's WebContents has this. */
export interface PushTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

export type Push = <C extends PushChannel>(channel: C, payload: PushPayload<C>) => void;

/**
 * Sends a push to every open page. The payload is parsed first: a push outside its schema would be
 * dropped by the preload, so it is better refused here, where the log says why.
 */
export function createPush(targets: () => readonly PushTarget[], log?: IpcLogger): Push {
  return (channel, payload) => {
    const parsed = pushContract[channel].safeParse(payload);
    if (!parsed.success) {
      log?.warn({ channel, issues: parsed.error.issues }, 'push outside its schema dropped');
      return;
    }
    for (const target of targets()) if (!target.isDestroyed()) target.send(channel, parsed.data);
  };
}
