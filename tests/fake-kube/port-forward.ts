import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { resourceType } from './resources.js';
import { badRequest, KubeError, notFound } from './status.js';
import { isRecord, type KubeObject, type Status } from './types.js';

// pods/{name}/portforward over WebSocket, subprotocol v4.channel.k8s.io: each message starts with
// a channel byte (2i data, 2i+1 error for the i-th port), and the first message on every channel
// is the port as two little-endian bytes. The data channel is piped to a loopback TCP backend
// standing in for the container's port.

export interface Backend {
  host: string;
  port: number;
}

export type BackendLookup = (
  pod: KubeObject,
  port: number,
) => Backend | null | undefined | Promise<Backend | null | undefined>;

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const pods = resourceType('pods');

/** The checks the apiserver makes before upgrading (transcript 11): pod exists, has a node. */
export function checkPortForwardTarget(
  pod: KubeObject | undefined,
  name: string,
  upgrade: boolean,
): KubeObject {
  if (pod === undefined) throw notFound(pods, name);
  const spec = isRecord(pod.spec) ? pod.spec : {};
  if (typeof spec.nodeName !== 'string' || spec.nodeName === '') {
    throw badRequest(`pod ${name} does not have a host assigned`);
  }
  if (!upgrade) throw badRequest('Upgrade request required');
  return pod;
}

export function parsePorts(query: URLSearchParams): number[] {
  const ports = (query.get('ports') ?? '')
    .split(',')
    .filter((p) => p !== '')
    .map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw badRequest('query parameter "ports" is required and must list ports between 1 and 65535');
  }
  return ports;
}

/** Writes a Status as a plain HTTP response on a socket that asked to upgrade. */
export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const status: Status =
    error instanceof KubeError
      ? error.status
      : {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: String(error),
          code: 500,
        };
  const code = status.code ?? 500;
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\ncontent-type: application/json\r\n` +
      `cache-control: no-cache, private\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function frame(channel: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), payload]);
}

function portPrefix(channel: number, port: number): Buffer {
  const out = Buffer.alloc(3);
  out.writeUInt8(channel, 0);
  out.writeUInt16LE(port, 1);
  return out;
}

function refusedMessage(pod: KubeObject, port: number, error: NodeJS.ErrnoException): string {
  const cause = error.code === 'ECONNREFUSED' ? 'connect: connection refused' : error.message;
  return (
    `error forwarding port ${port} to pod ${pod.metadata.uid}, uid : failed to connect to localhost:${port} ` +
    `inside namespace "${pod.metadata.name}", IPv4: dial tcp4 127.0.0.1:${port}: ${cause}`
  );
}

export class PortForwarder {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(PORT_FORWARD_PROTOCOL) ? PORT_FORWARD_PROTOCOL : false),
  });
  private readonly sockets = new Set<Socket>();

  constructor(private readonly backend: BackendLookup | undefined) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pod: KubeObject, ports: number[]): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, pod, ports));
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
  }

  private serve(ws: WebSocket, pod: KubeObject, ports: number[]): void {
    const tcp: (Socket | undefined)[] = ports.map(() => undefined);
    const queued: Buffer[][] = ports.map(() => []);
    ports.forEach((port, i) => {
      ws.send(portPrefix(2 * i, port));
      ws.send(portPrefix(2 * i + 1, port));
      void this.dial(ws, pod, port, i, tcp, queued);
    });
    ws.on('message', (data: RawData) => {
      const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      const channel = buffer[0];
      if (channel === undefined || channel % 2 === 1) return;
      const index = channel / 2;
      const payload = buffer.subarray(1);
      const target = tcp[index];
      if (target !== undefined) target.write(payload);
      else queued[index]?.push(payload);
    });
    ws.on('close', () => {
      for (const socket of tcp) socket?.destroy();
    });
  }

  private async dial(
    ws: WebSocket,
    pod: KubeObject,
    port: number,
    index: number,
    tcp: (Socket | undefined)[],
    queued: Buffer[][],
  ): Promise<void> {
    const fail = (error: NodeJS.ErrnoException): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frame(2 * index + 1, Buffer.from(refusedMessage(pod, port, error))));
      ws.close(1000);
    };
    let target: Backend | null | undefined;
    try {
      target = await this.backend?.(pod, port);
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (target === null || target === undefined) {
      fail(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
      return;
    }
    const socket = connect({ host: target.host, port: target.port });
    this.sockets.add(socket);
    tcp[index] = socket;
    for (const chunk of queued[index] ?? []) socket.write(chunk);
    queued[index] = [];
    let connected = false;
    socket.on('connect', () => {
      connected = true;
    });
    socket.on('data', (chunk: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(2 * index, chunk));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) fail(error);
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (connected && ws.readyState === ws.OPEN) ws.close(1000);
    });
  }
}
