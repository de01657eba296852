import net from 'node:net';

export interface RawAnswer {
  status: number;
  bytes: number;
  body: Buffer | undefined;
}

interface Pending {
  resolve: (answer: RawAnswer) => void;
  reject: (err: Error) => void;
  keepBody: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const READ_BUFFER_BYTES = 256 * 1024;

/**
 * One kept-alive HTTP/1.1 connection for a load generator: a GET at a time, read into one reused
 * buffer and counted, not parsed. With node:http the clients spent more CPU taking in 370 KB
 * answers than the control plane spent sending them, and their garbage collection showed up in
 * the very latencies they measured (50 ms of client lag at an admin's list of 1,000).
 * Only answers with a Content-Length are understood, which is what express sends.
 */
export class RawHttpClient {
  private readonly socket: net.Socket;
  private readonly host: string;
  private readonly ready: Promise<void>;
  private pending: Pending | null = null;
  private isClosed = false;
  private head: Buffer | null = null;
  private status = 0;
  private remaining = 0;
  private bytes = 0;
  private chunks: Buffer[] = [];

  constructor(url: URL) {
    this.host = url.host;
    this.socket = net.connect({
      host: url.hostname,
      port: Number(url.port),
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
        callback: (n, buf) => {
          this.onData(Buffer.from(buf.buffer, buf.byteOffset, n));
          return true;
        },
      },
    });
    this.socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => {
      this.isClosed = true;
      this.fail(new Error('connection closed'));
    });
  }

  async get(pathAndQuery: string, headers: Record<string, string>, keepBody = false): Promise<RawAnswer> {
    await this.ready;
    if (this.pending) throw new Error('one request at a time');
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, keepBody };
      this.head = null;
      this.status = 0;
      this.remaining = -1;
      this.bytes = 0;
      this.chunks = [];
      this.socket.write(`GET ${pathAndQuery} HTTP/1.1\r\nHost: ${this.host}\r\n${lines.join('')}\r\n`);
    });
  }

  /** The server ends idle kept-alive connections (after 5 s, Node's default). */
  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    const p = this.pending;
    if (!p) return;
    let body = data;
    if (this.remaining < 0) {
      // The read buffer is reused, so a header split across reads is copied until it is whole.
      const seen = this.head ? Buffer.concat([this.head, data]) : data;
      const end = seen.indexOf(HEADER_END);
      if (end < 0) {
        this.head = Buffer.from(seen);
        return;
      }
      const header = seen.toString('latin1', 0, end);
      this.status = Number(header.slice(9, 12));
      const length = /\r\ncontent-length: *(\d+)/i.exec(header)?.[1];
      if (length === undefined) {
        this.fail(new Error('answer without Content-Length'));
        return;
      }
      this.remaining = Number(length);
      body = seen.subarray(end + HEADER_END.length);
    }
    this.bytes += body.length;
    this.remaining -= body.length;
    if (p.keepBody) this.chunks.push(Buffer.from(body));
    if (this.remaining > 0) return;
    if (this.remaining < 0) {
      this.fail(new Error('more bytes than the Content-Length said'));
      return;
    }
    this.pending = null;
    p.resolve({
      status: this.status,
      bytes: this.bytes,
      body: p.keepBody ? Buffer.concat(this.chunks) : undefined,
    });
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = null;
    p?.reject(err);
  }
}
