import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import WebSocket, { type RawData } from 'ws';
import { type AgentToBackend, type BackendFilesOpen, type FilesReply, FilesUploadEnd } from '../../protocol';
import type { Runtime } from '../runtime';
import { truncateMessage } from '../truncate';
import { FilesError, type FileWrite, type SessionFiles } from './session-files';

export interface FilesTunnelsOptions {
  runtime: Runtime;
  logger: Logger;
  send(message: AgentToBackend): boolean;
  /** Dials the agentTunnel route back; the socket comes paused. */
  dial(tunnelId: string): Promise<WebSocket>;
}

/** Binary frames handed to the socket and not yet written out, before the file is paused. */
const FRAMES_IN_FLIGHT = 4;

function replyOf(error: unknown): FilesReply {
  if (error instanceof FilesError)
    return { type: 'error', code: error.code, message: truncateMessage(error.message) };
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'error', code: 'failed', message: truncateMessage(message) };
}

function sendReply(ws: WebSocket, reply: FilesReply): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(reply), { binary: false, compress: false });
}

/** The reply, then a normal close: the backend reads the reply before it sees the close. */
function finish(ws: WebSocket, reply: FilesReply): void {
  sendReply(ws, reply);
  if (ws.readyState === WebSocket.OPEN) ws.close(1000, reply.type === 'error' ? reply.code : 'done');
}

/** Sends a stream down the socket as binary frames, pausing it while FRAMES_IN_FLIGHT are unsent. */
function streamTo(ws: WebSocket, stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    const afterSend = (error?: Error) => {
      inFlight--;
      if (error) stream.destroy(error);
      else if (stream.isPaused() && inFlight < FRAMES_IN_FLIGHT) stream.resume();
    };
    stream.on('data', (chunk: Buffer) => {
      inFlight++;
      ws.send(chunk, { binary: true, compress: false }, afterSend);
      if (inFlight >= FRAMES_IN_FLIGHT) stream.pause();
    });
    stream.once('end', () => resolve());
    stream.once('error', reject);
    ws.once('close', () => {
      stream.destroy();
      reject(new Error('the backend closed the download'));
    });
  });
}

/**
 * Takes an upload's bytes off the socket into the file: the socket is paused while the file
 * catches up, so backpressure runs from the disk back to the uploading browser. Ends with the
 * backend's 'end' (commit) or a close before it (abort).
 */
function receiveInto(ws: WebSocket, upload: FileWrite, maxBytes: number): Promise<FilesReply> {
  return new Promise((resolve) => {
    let bytes = 0;
    let done = false;
    const settle = (outcome: Promise<FilesReply>) => {
      if (done) return;
      done = true;
      void outcome.then(resolve);
    };
    const abortWith = (reply: FilesReply) => settle(upload.abort().then(() => reply));
    upload.stream.once('error', (error) => abortWith(replyOf(error)));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (done) return;
      if (isBinary) {
        const chunk = data as Buffer;
        bytes += chunk.length;
        if (bytes > maxBytes) {
          abortWith({
            type: 'error',
            code: 'too_large',
            message: `the file is larger than ${maxBytes} bytes`,
          });
          return;
        }
        if (!upload.stream.write(chunk)) {
          ws.pause();
          upload.stream.once('drain', () => {
            if (!done) ws.resume();
          });
        }
        return;
      }
      let end: FilesUploadEnd;
      try {
        end = FilesUploadEnd.parse(JSON.parse(data.toString()));
      } catch {
        abortWith({ type: 'error', code: 'failed', message: 'unexpected frame during an upload' });
        return;
      }
      if (end.bytes !== bytes) {
        abortWith({
          type: 'error',
          code: 'failed',
          message: `got ${bytes} bytes, the backend sent ${end.bytes}`,
        });
        return;
      }
      settle(
        upload.commit().then(
          (entry): FilesReply => ({ type: 'written', entry }),
          (error: unknown) => replyOf(error),
        ),
      );
    });
    ws.once('close', () =>
      abortWith({ type: 'error', code: 'failed', message: 'the upload was interrupted' }),
    );
  });
}

/**
 * Answers files_open: dials back a tunnel and carries one list, read or write over it (see
 * protocol/files.ts). A runtime without file access answers 'unsupported'.
 */
export class FilesTunnels {
  private readonly open = new Set<WebSocket>();

  constructor(private readonly options: FilesTunnelsOptions) {}

  async handle(message: BackendFilesOpen): Promise<void> {
    const log = this.options.logger;
    let ws: WebSocket;
    try {
      ws = await this.options.dial(message.tunnelId);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.warn({ tunnelId: message.tunnelId, reason }, 'cannot open files tunnel');
      this.options.send({
        type: 'tunnel_error',
        tunnelId: message.tunnelId,
        message: truncateMessage(reason),
      });
      return;
    }
    this.open.add(ws);
    ws.once('close', () => this.open.delete(ws));
    // A peer's frame before we are ready must not become an unhandled error.
    ws.on('error', () => ws.terminate());
    // Read from the start, even where no frame is due: the closing handshake needs it. Each
    // operation's handler is attached in the same turn as the reply that invites frames.
    ws.resume();
    try {
      await this.run(ws, message, this.options.runtime.files);
    } catch (error) {
      log.warn({ op: message.op, session: message.session, err: error }, 'file operation failed');
      finish(ws, replyOf(error));
    }
  }

  private async run(
    ws: WebSocket,
    message: BackendFilesOpen,
    files: SessionFiles | undefined,
  ): Promise<void> {
    if (!files) {
      throw new FilesError(
        'unsupported',
        `the ${this.options.runtime.name} runtime does not offer file access`,
      );
    }
    const { session, path } = message;
    if (message.op === 'list') {
      finish(ws, { type: 'list', list: await files.list(session, path) });
      return;
    }
    if (message.op === 'read') {
      const file = await files.read(session, path);
      if (ws.readyState !== WebSocket.OPEN) {
        file.stream.destroy();
        return;
      }
      sendReply(ws, { type: 'file', size: file.size, mtime: file.mtime.toISOString() });
      await streamTo(ws, file.stream);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'done');
      return;
    }
    const upload = await files.write(session, path);
    if (ws.readyState !== WebSocket.OPEN) {
      await upload.abort();
      return;
    }
    sendReply(ws, { type: 'ready' });
    finish(ws, await receiveInto(ws, upload, message.maxBytes));
  }

  closeAll(): void {
    for (const ws of this.open) ws.terminate();
  }
}
