import type { Request, Response } from 'express';
import WebSocket, { type RawData } from 'ws';
import {
  type FileEntry,
  type FileList,
  type FilesReply,
  FilesReply as FilesReplySchema,
} from '../../protocol';
import { HttpError } from '../http/errors';

/** Chunks of an upload sent to the agent and not yet written out, before the request is paused. */
const FRAMES_IN_FLIGHT = 4;
/** How long the agent may take to answer an operation before the request gives up. */
export const FIRST_REPLY_TIMEOUT_MS = 30_000;

/** The API's answer for an agent's refusal: the status says whose fault it was. */
export function httpErrorOf(reply: Extract<FilesReply, { type: 'error' }>): HttpError {
  switch (reply.code) {
    case 'invalid_path':
      return new HttpError(400, 'invalid_request', reply.message);
    case 'not_found':
      return new HttpError(404, 'not_found', reply.message);
    case 'too_large':
      return new HttpError(413, 'payload_too_large', reply.message);
    case 'unsupported':
      return new HttpError(409, 'conflict', reply.message);
    case 'failed':
      return new HttpError(500, 'internal', reply.message);
  }
}

/** Closes the connection after answering: the rest of the body is not worth reading. */
export const tooLarge = (maxBytes: number) =>
  new HttpError(413, 'payload_too_large', `a file may have at most ${maxBytes} bytes`, undefined, {
    Connection: 'close',
  });

const brokenTunnel = (why: string) => new HttpError(503, 'no_agent', `the agent's file stream ${why}`);

function parseReply(data: RawData): FilesReply | null {
  try {
    const parsed = FilesReplySchema.safeParse(JSON.parse(data.toString()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function close(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
  else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
}

/**
 * One operation's conversation with the agent, as a state machine on a single message listener:
 * frames can arrive several in one turn, so no frame may wait for a promise to attach its handler.
 * `onText` gets each reply; `onBinary` each chunk; `onClose` the tunnel's end. A peer's frame
 * that is not a reply fails the operation.
 */
function converse(
  ws: WebSocket,
  handlers: {
    onText(reply: FilesReply): void;
    onBinary?(chunk: Buffer): void;
    onClose(code: number): void;
    onBroken(error: HttpError): void;
  },
): () => void {
  const timer = setTimeout(() => {
    handlers.onBroken(brokenTunnel('did not answer in time'));
    ws.terminate();
  }, FIRST_REPLY_TIMEOUT_MS);
  const answered = () => clearTimeout(timer);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    answered();
    if (isBinary) {
      if (handlers.onBinary) handlers.onBinary(data as Buffer);
      else {
        handlers.onBroken(brokenTunnel('sent bytes where none were due'));
        close(ws, 4400, 'unexpected bytes');
      }
      return;
    }
    const reply = parseReply(data);
    if (!reply) {
      handlers.onBroken(brokenTunnel('sent a malformed reply'));
      close(ws, 4400, 'malformed reply');
      return;
    }
    handlers.onText(reply);
  });
  ws.on('close', (code) => {
    answered();
    handlers.onClose(code);
  });
  ws.on('error', () => ws.terminate());
  return answered;
}

/** The agent's listing of a folder. */
export function listOver(ws: WebSocket): Promise<FileList> {
  return new Promise((resolve, reject) => {
    converse(ws, {
      onText: (reply) => {
        if (reply.type === 'list') resolve(reply.list);
        else if (reply.type === 'error') reject(httpErrorOf(reply));
        else reject(brokenTunnel(`answered ${reply.type} to a listing`));
      },
      onClose: () => reject(brokenTunnel('closed before it answered')),
      onBroken: reject,
    });
  });
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function contentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Streams the agent's file into the response. The tunnel is paused whenever the response's buffer
 * is full, so a slow browser slows the agent's disk reads instead of filling this process. Rejects
 * (for the error handler) only before the headers went out; a failure after them cuts the
 * response short, which the client sees as an incomplete body.
 */
export function downloadOver(ws: WebSocket, path: string, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    let expected = 0;
    let received = 0;
    let streaming = false;
    let ended = false;
    const cut = () => {
      ended = true;
      res.destroy();
      resolve();
    };
    converse(ws, {
      onText: (reply) => {
        if (streaming) {
          // An error after the bytes began: the agent's disk failed mid-file.
          close(ws, 1000, 'done');
          cut();
        } else if (reply.type === 'error') {
          reject(httpErrorOf(reply));
        } else if (reply.type !== 'file') {
          reject(brokenTunnel(`answered ${reply.type} to a download`));
        } else {
          streaming = true;
          expected = reply.size;
          res.status(200).set({
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(reply.size),
            'Content-Disposition': contentDisposition(path),
            'Last-Modified': new Date(reply.mtime).toUTCString(),
            'Cache-Control': 'no-store',
          });
          res.flushHeaders();
        }
      },
      onBinary: (chunk) => {
        if (!streaming || ended) return;
        received += chunk.length;
        if (!res.write(chunk)) {
          ws.pause();
          res.once('drain', () => ws.resume());
        }
      },
      onClose: (code) => {
        if (ended) return;
        if (!streaming) return reject(brokenTunnel('closed before it answered'));
        ended = true;
        if (code === 1000 && received === expected) {
          res.end();
          resolve();
        } else cut();
      },
      onBroken: (error) => {
        if (streaming) cut();
        else reject(error);
      },
    });
    // The browser went away: stop the agent reading.
    res.once('close', () => {
      if (!res.writableFinished) close(ws, 4499, 'download cancelled');
    });
  });
}

/**
 * Streams the request's body to the agent once it is ready for it, counting bytes against the
 * limit, then tells it the end and waits for the rename. The request is paused while
 * FRAMES_IN_FLIGHT chunks are unsent, so backpressure runs from the agent's disk to the browser.
 * A request that ends early closes the tunnel, which makes the agent delete its temporary file.
 */
export function uploadOver(ws: WebSocket, req: Request, maxBytes: number): Promise<FileEntry> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let inFlight = 0;
    let bodyDone = false;
    let settled = false;
    const fail = (error: HttpError, closeCode: number, why: string) => {
      if (settled) return;
      settled = true;
      close(ws, closeCode, why);
      reject(error);
    };
    const afterSend = (error?: Error) => {
      inFlight--;
      if (error) fail(brokenTunnel('failed mid-upload'), 4500, 'send failed');
      else if (req.isPaused() && inFlight < FRAMES_IN_FLIGHT && !settled) req.resume();
    };
    const pump = () => {
      req.on('data', (chunk: Buffer) => {
        if (settled) return;
        sent += chunk.length;
        if (sent > maxBytes) {
          req.pause();
          fail(tooLarge(maxBytes), 4413, 'too large');
          return;
        }
        inFlight++;
        ws.send(chunk, { binary: true, compress: false }, afterSend);
        if (inFlight >= FRAMES_IN_FLIGHT) req.pause();
      });
      req.once('end', () => {
        bodyDone = true;
        if (!settled)
          ws.send(JSON.stringify({ type: 'end', bytes: sent }), { binary: false, compress: false });
      });
      req.resume();
    };
    // 'close' before 'end' is a client that went away mid-body.
    req.once('close', () => {
      if (!bodyDone)
        fail(new HttpError(400, 'invalid_request', 'the upload was interrupted'), 4499, 'interrupted');
    });
    converse(ws, {
      onText: (reply) => {
        if (settled) return;
        if (reply.type === 'ready') pump();
        else if (reply.type === 'written') {
          settled = true;
          resolve(reply.entry);
        } else if (reply.type === 'error') {
          settled = true;
          req.pause();
          reject(httpErrorOf(reply));
        } else fail(brokenTunnel(`answered ${reply.type} to an upload`), 4400, 'unexpected reply');
      },
      onClose: () => fail(brokenTunnel('closed before the upload finished'), 1000, 'closed'),
      onBroken: (error) => fail(error, 4400, 'broken'),
    });
  });
}
