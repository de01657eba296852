import type { OnReadOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ObservedState, RuntimeName, SessionSpec } from '../protocol';
import type { SessionFiles } from './files/session-files';

export interface StreamOptions {
  /** For net.connect: the relay reads every chunk out of one reused buffer instead of a fresh one. */
  onread?: OnReadOpts;
}

/** A state change a runtime saw, whether an operation caused it or the session changed by itself. */
export interface RuntimeStatusEvent {
  name: string;
  state: ObservedState;
  message: string;
}

export type RuntimeStatusListener = (event: RuntimeStatusEvent) => void;

export interface RuntimeSession {
  name: string;
  state: ObservedState;
}

/**
 * What every runtime (local Xvnc, kubernetes) offers the agent. Every operation is idempotent by
 * session name, because the backend re-sends commands after a reconnect: starting a running
 * session answers its state and does nothing, stopping an unknown one answers 'terminated'.
 */
export interface Runtime {
  readonly name: RuntimeName;
  start(spec: SessionSpec): Promise<ObservedState>;
  stop(name: string): Promise<ObservedState>;
  hibernate(name: string): Promise<ObservedState>;
  wake(name: string): Promise<ObservedState>;
  /** null when this runtime does not know the session. */
  status(name: string): Promise<ObservedState | null>;
  list(): Promise<RuntimeSession[]>;
  /**
   * A connected byte stream to the session's VNC server (a TCP socket, or a port-forward through
   * the Kubernetes API); the caller owns and closes it. A runtime that connects a socket itself
   * should pass `options.onread` to it (the relay's reused read buffer); one that does not, or
   * cannot (a port-forward), returns a stream that emits 'data' as usual, which works as well.
   */
  openStream(name: string, options?: StreamOptions): Promise<Duplex>;
  /** Access to sessions' home folders, for uploads and downloads; absent where not offered. */
  readonly files?: SessionFiles;
  /** Returns the unsubscribe function. */
  onStatus(listener: RuntimeStatusListener): () => void;
  /** Releases the runtime's own resources; sessions keep running so a restarted agent can adopt them. */
  close(): Promise<void>;
}

export type RuntimeErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'unsupported'
  | 'invalid_state'
  | 'start_failed'
  | 'stop_failed'
  | 'stream_failed'
  | 'internal';

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';

  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRuntimeError(error: unknown, code?: RuntimeErrorCode): error is RuntimeError {
  return error instanceof RuntimeError && (code === undefined || error.code === code);
}

/** States that hold resources on the agent; what a heartbeat counts. */
export function isActiveObservedState(state: ObservedState): boolean {
  return state === 'starting' || state === 'running' || state === 'hibernated';
}
