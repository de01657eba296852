import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  LAUNCH_PROOF,
  type StackControl,
  StackControl as StackControlSchema,
  type StackMessage,
} from '../protocol';
import { launchProof } from './launch-proof';

/** Electron's `process.parentPort` in a utility process; not in Node's types. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The parts of `process` the channel uses, so a test can hand in a stand-in. */
export interface ChannelProcess {
  parentPort?: ParentPortLike;
  send?: (message: unknown) => boolean;
  connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

export type StackConfig = Extract<StackControl, { type: 'config' }>;

/** The stack's line to whoever started it: Electron main, or a Node parent in tests. */
export interface ParentChannel {
  readonly kind: 'utility-process' | 'node-ipc';
  send(message: StackMessage): void;
  /** Parsed control messages; anything else is dropped, since a newer parent may say more. */
  onControl(listener: (message: StackControl) => void): void;
  /** Only the fork IPC channel can tell; a utility process dies with its parent anyway. */
  onDisconnect(listener: () => void): void;
  /** The first `config` message, or a rejection once `timeoutMs` passed without one. */
  config(timeoutMs: number): Promise<StackConfig>;
}

export class NoConfigError extends Error {
  override readonly name = 'NoConfigError';
}

/** null when nobody started us with a channel: `npm run serve` in a terminal. */
export function parentChannel(proc: ChannelProcess): ParentChannel | null {
  const port = proc.parentPort;
  let send: (message: StackMessage) => void;
  let subscribe: (listener: (raw: unknown) => void) => void;
  let kind: ParentChannel['kind'];
  if (port) {
    kind = 'utility-process';
    send = (message) => port.postMessage(message);
    subscribe = (listener) => port.on('message', (event) => listener(event.data));
  } else if (proc.send && proc.connected) {
    kind = 'node-ipc';
    const nodeSend = proc.send.bind(proc);
    send = (message) => {
      if (proc.connected) nodeSend(message);
    };
    subscribe = (listener) => proc.on('message', listener);
  } else {
    return null;
  }

  const listeners = new Set<(message: StackControl) => void>();
  let latestConfig: StackConfig | null = null;
  // Subscribed at once: a fork IPC message that arrives before anyone listens is lost.
  subscribe((raw) => {
    const parsed = StackControlSchema.safeParse(raw);
    if (!parsed.success) return;
    if (parsed.data.type === 'config' && !latestConfig) latestConfig = parsed.data;
    for (const listener of [...listeners]) listener(parsed.data);
  });

  return {
    kind,
    send,
    onControl: (listener) => {
      listeners.add(listener);
    },
    onDisconnect: (listener) => {
      if (kind === 'node-ipc') proc.on('disconnect', listener);
    },
    config(timeoutMs) {
      if (latestConfig) return Promise.resolve(latestConfig);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new NoConfigError(`no configuration from the parent process within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const listener = (message: StackControl) => {
          if (message.type !== 'config') return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(message);
        };
        listeners.add(listener);
      });
    },
  };
}

/**
 * Answers main's challenge on every request that carries one (main asks on /readyz), before the
 * app sees it: the proof is a response header, so it rides along whatever the route answers.
 */
export function answerLaunchChallenges(server: Server, secret: string): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const challenge = req.headers[LAUNCH_PROOF.challengeHeader];
    if (typeof challenge !== 'string' || challenge.length < 16 || challenge.length > 128) return;
    res.setHeader(LAUNCH_PROOF.proofHeader, launchProof(secret, challenge));
  });
}
