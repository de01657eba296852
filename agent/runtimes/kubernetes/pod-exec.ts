import { PassThrough, Readable, Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { channelSink } from './channel-sink';
import { describeUpgradeFailure } from './kube-errors';

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** How a command ended: its exit code when the API server said, and what it wrote to stderr. */
export interface ExecOutcome {
  /** null when the connection closed before the error channel carried a Status. */
  exitCode: number | null;
  stderr: string;
}

/** A command running in a container. */
export interface PodProcess {
  readonly stdout: Readable;
  /** Present when asked for. Ending it closes the connection: a v1.28 API server has no other end of input. */
  readonly stdin: Writable | undefined;
  readonly done: Promise<ExecOutcome>;
  /** Cuts the connection; the command's input ends with it. */
  kill(): void;
}

export type PodExec = (
  target: ExecTarget,
  command: string[],
  options?: { stdin?: boolean },
) => Promise<PodProcess>;

const STDERR_LIMIT = 4096;

/** The exit code in the Status the error channel carries: 0 for Success, the ExitCode cause otherwise. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) && code > 0 ? code : -1;
}

/**
 * pods/exec through the API server with client-node's WebSocket handler. Stdout is read with
 * backpressure (the socket pauses while the reader is behind); stdin frames are written straight
 * to the socket with completion callbacks, which client-node's own stdin piping does not offer.
 */
export function kubeExec(kubeConfig: KubeConfig): PodExec {
  return async (target, command, options = {}) => {
    let ws: WebSocket | undefined;
    let status: V1Status | undefined;
    let stderr = '';
    const stdout: Readable = new Readable({
      read() {
        out.drained();
      },
    });
    const out = channelSink(stdout, () => ws);
    const errors = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (stderr.length < STDERR_LIMIT) stderr = (stderr + chunk.toString('utf8')).slice(0, STDERR_LIMIT);
        callback();
      },
    });
    // client-node asks for stdin only when handed a stream; this one stays empty (see above).
    const unused = options.stdin ? new PassThrough() : null;
    try {
      const opened = await new Exec(kubeConfig).exec(
        target.namespace,
        target.pod,
        target.container,
        command,
        out.sink,
        errors,
        unused,
        false,
        (s) => {
          status = s;
        },
      );
      ws = opened as unknown as WebSocket;
    } catch (error) {
      throw describeUpgradeFailure(error, 'execInPod', target, 'a command');
    }
    const socket = ws;
    const done = new Promise<ExecOutcome>((resolve) => {
      socket.once('close', () => {
        unused?.destroy();
        if (!stdout.destroyed) stdout.push(null);
        resolve({ exitCode: status ? exitCodeOf(status) : null, stderr: stderr.trim() });
      });
    });
    socket.on('error', (error) => stdout.destroy(error));
    const stdin = options.stdin
      ? new Writable({
          write(chunk: Buffer, _encoding, callback) {
            if (socket.readyState !== socket.OPEN) callback(new Error('the command’s connection is closed'));
            else socket.send(Buffer.concat([Buffer.of(0), chunk]), callback);
          },
          final(callback) {
            socket.close();
            callback();
          },
        })
      : undefined;
    return {
      stdout,
      stdin,
      done,
      kill: () => {
        if (socket.readyState !== socket.CLOSED) socket.terminate();
      },
    };
  };
}
