import { type ChildProcess, spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { checkPortForwardTarget } from './port-forward.js';
import { badRequest } from './status.js';
import { isRecord, type KubeObject, type Status } from './types.js';

// pods/{name}/exec over WebSocket, subprotocol v4.channel.k8s.io, as a v1.28 API server speaks it
// (it has no v5, so the client cannot half-close stdin; closing the socket ends the input). Each
// message starts with a channel byte: 0 stdin (client → server), 1 stdout, 2 stderr, 3 the
// error channel, which carries one metav1.Status when the command ends, before the close. The
// command runs on this host, in a folder standing in for the container's filesystem.

export const EXEC_PROTOCOL = 'v4.channel.k8s.io';

/** Where a pod's container "is": the command runs there, with HOME pointing at it. */
export interface ExecContainer {
  home: string;
  env?: Record<string, string>;
}

export type ExecLookup = (
  pod: KubeObject,
  container: string,
) => ExecContainer | null | undefined | Promise<ExecContainer | null | undefined>;

export interface ExecRequest {
  command: string[];
  container: string;
  stdin: boolean;
}

/** The query checks the API server makes before upgrading. */
export function parseExecQuery(pod: KubeObject, query: URLSearchParams): ExecRequest {
  const command = query.getAll('command');
  if (command.length === 0) throw badRequest('you must specify at least 1 command');
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const containers = (Array.isArray(spec.containers) ? spec.containers : [])
    .filter(isRecord)
    .map((c) => String(c.name));
  // With one container the name may be left out, as kubectl does.
  const container = query.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
  if (container === undefined) {
    throw badRequest(`a container name must be specified for pod ${pod.metadata.name}`);
  }
  if (!containers.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  }
  if (query.get('tty') === 'true') throw badRequest('this fake does not allocate terminals');
  return { command, container, stdin: query.get('stdin') === 'true' };
}

export function checkExecTarget(pod: KubeObject | undefined, name: string): KubeObject {
  return checkPortForwardTarget(pod, name, true);
}

/** The Status a v1.28 kubelet writes on the error channel for an exit code. */
export function exitStatus(code: number, command: string[]): Omit<Status, 'kind' | 'apiVersion'> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

const FRAMES_IN_FLIGHT = 8;

export class PodExecutor {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(EXEC_PROTOCOL) ? EXEC_PROTOCOL : false),
  });
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly lookup: ExecLookup | undefined) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pod: KubeObject, request: ExecRequest): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.serve(ws, pod, request));
  }

  close(): void {
    for (const child of this.children) child.kill('SIGKILL');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private finish(ws: WebSocket, status: Omit<Status, 'kind' | 'apiVersion'>): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(Buffer.concat([Buffer.of(3), Buffer.from(JSON.stringify(status))]));
    ws.close(1000);
  }

  private async serve(ws: WebSocket, pod: KubeObject, request: ExecRequest): Promise<void> {
    // The streaming server opens each channel with an empty frame.
    for (const channel of [1, 2, 3]) ws.send(Buffer.of(channel));
    const container = await this.lookup?.(pod, request.container);
    if (container === null || container === undefined) {
      this.finish(ws, {
        metadata: {},
        status: 'Failure',
        message: `container "${request.container}" in pod "${pod.metadata.name}" is not running`,
        reason: 'InternalError',
      });
      return;
    }
    const [program, ...args] = request.command;
    const child = spawn(program ?? '', args, {
      cwd: container.home,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...container.env, HOME: container.home },
      stdio: [request.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    let inFlight = 0;
    const forward = (channel: number, from: NodeJS.ReadableStream & { pause(): void; resume(): void }) => {
      from.on('data', (chunk: Buffer) => {
        if (ws.readyState !== ws.OPEN) return;
        inFlight++;
        ws.send(Buffer.concat([Buffer.of(channel), chunk]), () => {
          inFlight--;
          if (inFlight < FRAMES_IN_FLIGHT) from.resume();
        });
        if (inFlight >= FRAMES_IN_FLIGHT) from.pause();
      });
    };
    if (child.stdout) forward(1, child.stdout);
    if (child.stderr) forward(2, child.stderr);
    child.stdin?.on('error', () => undefined);
    ws.on('message', (data: RawData) => {
      const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (buffer[0] !== 0 || !child.stdin || child.stdin.destroyed) return;
      if (!child.stdin.write(buffer.subarray(1))) {
        ws.pause();
        child.stdin.once('drain', () => ws.resume());
      }
    });
    // No v5 here: the socket's end is the only end of input there is.
    ws.on('close', () => child.stdin?.end());
    child.once('error', (error) => {
      this.children.delete(child);
      this.finish(ws, {
        metadata: {},
        status: 'Failure',
        message: `failed to exec in container: ${error.message}`,
        reason: 'InternalError',
      });
    });
    child.once('close', (code, signal) => {
      this.children.delete(child);
      this.finish(ws, exitStatus(code ?? (signal ? 137 : 1), request.command));
    });
  }
}
