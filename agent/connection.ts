import { CommandRunner } from './command-runner';
import { type ConnectionState, ControlSocket, type ControlSocketOptions } from './control-socket';
import { FilesTunnels } from './files/files-tunnels';
import type { RuntimeStatusEvent } from './runtime';
import { ThumbnailTaker } from './thumbnails/thumbnail-taker';
import { truncateMessage } from './truncate';
import type { TunnelOptions } from './tunnel';
import { TunnelManager } from './tunnel-manager';

export type { ConnectionState } from './control-socket';

/** What the control socket takes, less the frame handlers the connection supplies, plus the tunnels'. */
export interface AgentConnectionOptions
  extends Omit<ControlSocketOptions, 'onCommand' | 'onTunnelOpen' | 'onThumbnailRequest' | 'onFilesOpen'> {
  tunnel?: TunnelOptions;
}

/**
 * The agent's end of the protocol, put together: a control socket that says hello, heartbeats
 * and reconnects; a command runner; a tunnel manager; and the runtime's status changes forwarded
 * as they happen. Reconnects until stopped.
 */
export class AgentConnection {
  private readonly control: ControlSocket;
  private readonly commands: CommandRunner;
  private readonly tunnels: TunnelManager;
  private readonly thumbnails: ThumbnailTaker;
  private readonly files: FilesTunnels;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: AgentConnectionOptions) {
    const log = options.logger.child({ component: 'agent-connection', agentId: options.agentId });
    const send = (message: Parameters<ControlSocket['send']>[0]) => this.control.send(message);
    this.commands = new CommandRunner({ runtime: options.runtime, logger: log, send });
    this.tunnels = new TunnelManager({ ...options, logger: log, send });
    this.thumbnails = new ThumbnailTaker({
      openStream: (session) => options.runtime.openStream(session),
      logger: log,
      send,
    });
    this.files = new FilesTunnels({
      runtime: options.runtime,
      logger: log,
      send,
      dial: (tunnelId) => this.tunnels.dial(tunnelId),
    });
    this.control = new ControlSocket(
      {
        ...options,
        onCommand: (command) => this.commands.handle(command),
        onTunnelOpen: (message) => void this.tunnels.open(message),
        onThumbnailRequest: (message) => this.thumbnails.handle(message),
        onFilesOpen: (message) => void this.files.handle(message),
      },
      log,
    );
  }

  get state(): ConnectionState {
    return this.control.state;
  }

  start(): void {
    if (this.control.state !== 'idle') return;
    this.unsubscribe = this.options.runtime.onStatus((event) => this.forwardStatus(event));
    this.control.start();
  }

  /** Closes every tunnel and the control socket; no reconnect afterwards. */
  async stop(): Promise<void> {
    if (this.control.state === 'stopped') return;
    this.unsubscribe?.();
    const tunnelsClosed = this.tunnels.closeAll();
    this.files.closeAll();
    await this.control.stop();
    await tunnelsClosed;
  }

  private forwardStatus(event: RuntimeStatusEvent): void {
    const state = this.control.state;
    if (state !== 'open' && state !== 'ready') return;
    this.control.send({
      type: 'session_status',
      name: event.name,
      state: event.state,
      message: truncateMessage(event.message),
    });
  }
}
