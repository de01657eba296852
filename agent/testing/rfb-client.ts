import { spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Reads exact byte counts from a socket, for speaking a binary protocol in tests. */
export class ByteReader {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private ended: Error | null = null;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    const end = (error?: Error) => {
      this.ended ??= error ?? new Error('connection closed');
      this.waiter?.();
    };
    socket.on('end', () => end());
    socket.on('close', () => end());
    socket.on('error', end);
  }

  async read(length: number, timeoutMs = 5_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffered.length < length) {
      if (this.ended) throw this.ended;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${length} bytes`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    const out = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return out;
  }
}

/** VNC's DES key: the password's bytes, zero-padded to 8, each byte's bits mirrored. */
export function vncDesKey(password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let byte = key[i]!;
    let mirrored = 0;
    for (let bit = 0; bit < 8; bit++) {
      mirrored = (mirrored << 1) | (byte & 1);
      byte >>= 1;
    }
    key[i] = mirrored;
  }
  return key;
}

/**
 * DES-ECB as VncAuth needs it. OpenSSL 3 keeps DES in its legacy provider, which a running Node
 * cannot load, so fall back to a child Node started with --openssl-legacy-provider. Null when
 * neither has DES.
 */
export function desEcbEncrypt(key: Buffer, data: Buffer): Buffer | null {
  try {
    const cipher = createCipheriv('des-ecb', key, null);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  } catch {}
  const script = `
    const { createCipheriv } = require('node:crypto');
    const [key, data] = require('node:fs').readFileSync(0, 'utf8').split(' ').map((h) => Buffer.from(h, 'hex'));
    const cipher = createCipheriv('des-ecb', key, null);
    cipher.setAutoPadding(false);
    process.stdout.write(Buffer.concat([cipher.update(data), cipher.final()]).toString('hex'));`;
  const result = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', script], {
    input: `${key.toString('hex')} ${data.toString('hex')}`,
    encoding: 'utf8',
  });
  return result.status === 0 && result.stdout ? Buffer.from(result.stdout, 'hex') : null;
}

export interface RfbGreeting {
  version: string;
  securityTypes: number[];
}

export type VncAuthResult =
  | { kind: 'ok'; width: number; height: number; name: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'no-des' };

export async function readGreeting(reader: ByteReader): Promise<RfbGreeting> {
  const version = (await reader.read(12)).toString('latin1').trimEnd();
  reader.socket.write('RFB 003.008\n');
  const count = (await reader.read(1))[0]!;
  const securityTypes = [...(await reader.read(count))];
  return { version, securityTypes };
}

/** Runs an RFB 3.8 VncAuth handshake up to ServerInit. */
export async function vncAuthHandshake(port: number, password: string): Promise<VncAuthResult> {
  const socket = connect({ host: '127.0.0.1', port });
  const reader = new ByteReader(socket);
  try {
    const greeting = await readGreeting(reader);
    if (!greeting.securityTypes.includes(2)) throw new Error(`no VncAuth in ${greeting.securityTypes}`);
    socket.write(Buffer.from([2]));
    const challenge = await reader.read(16);
    const response = desEcbEncrypt(vncDesKey(password), challenge);
    if (response === null) return { kind: 'no-des' };
    socket.write(response);
    const result = (await reader.read(4)).readUInt32BE(0);
    if (result !== 0) {
      const length = (await reader.read(4)).readUInt32BE(0);
      return { kind: 'refused', reason: (await reader.read(length)).toString('utf8') };
    }
    socket.write(Buffer.from([1]));
    const init = await reader.read(24);
    const name = (await reader.read(init.readUInt32BE(20))).toString('utf8');
    return { kind: 'ok', width: init.readUInt16BE(0), height: init.readUInt16BE(2), name };
  } finally {
    socket.destroy();
  }
}
