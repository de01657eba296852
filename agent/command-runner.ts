import type { Logger } from 'pino';
import {
  type AgentResult,
  type AgentToBackend,
  type BackendCommand,
  commandSession,
  type ObservedState,
} from '../protocol';
import type { Runtime } from './runtime';
import { truncateMessage } from './truncate';

export interface CommandRunnerOptions {
  runtime: Runtime;
  logger: Logger;
  /** Sends on whatever control socket is current; false when none is. */
  send(message: AgentToBackend): boolean;
  /** How many finished commands' results are kept for re-sent commands. */
  rememberedResults?: number;
}

const REMEMBERED_RESULTS = 256;

/**
 * Runs the backend's commands on the runtime, idempotently by commandId: every command is acked at
 * once; one still running is not started twice; one that finished is answered again from memory,
 * because the backend re-sends a command whose result was lost with an old socket.
 */
export class CommandRunner {
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly results = new Map<string, AgentResult>();

  constructor(private readonly options: CommandRunnerOptions) {}

  /** Commands still running. */
  get running(): number {
    return this.inflight.size;
  }

  handle(command: BackendCommand): void {
    const { commandId, action } = command;
    const { send, logger: log } = this.options;
    send({ type: 'ack', commandId });
    const remembered = this.results.get(commandId);
    if (remembered) {
      // Re-sent after a reconnect: the first result was lost with the old socket.
      send(remembered);
      return;
    }
    // Still running: its result goes out on whatever socket is current when it finishes.
    if (this.inflight.has(commandId)) return;
    log.info({ commandId, action, session: commandSession(command) }, 'running command');
    const run = this.execute(command).then((result) => {
      this.inflight.delete(commandId);
      this.remember(result);
      log.info({ commandId, ok: result.ok, state: result.state }, 'command finished');
      send(result);
    });
    this.inflight.set(commandId, run);
  }

  private remember(result: AgentResult): void {
    this.results.set(result.commandId, result);
    if (this.results.size > (this.options.rememberedResults ?? REMEMBERED_RESULTS)) {
      this.results.delete(this.results.keys().next().value!);
    }
  }

  /** The command's result; a failure is a result too, with the state the session was left in. */
  private async execute(command: BackendCommand): Promise<AgentResult> {
    const { commandId, action } = command;
    const runtime = this.options.runtime;
    const session = commandSession(command);
    try {
      const state = await this.dispatch(command);
      return { type: 'result', commandId, ok: true, state, message: '' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const state = (await runtime.status(session).catch(() => null)) ?? 'failed';
      this.options.logger.warn({ commandId, action, session, reason: message }, 'command failed');
      return { type: 'result', commandId, ok: false, state, message: truncateMessage(message) };
    }
  }

  private dispatch(command: BackendCommand): Promise<ObservedState> {
    const runtime = this.options.runtime;
    switch (command.action) {
      case 'start_session':
        return runtime.start(command.session);
      case 'stop_session':
        return runtime.stop(command.name);
      case 'hibernate_session':
        return runtime.hibernate(command.name);
      case 'wake_session':
        return runtime.wake(command.name);
    }
  }
}
