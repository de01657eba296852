import type { Duplex } from 'node:stream';
import type { FrameReader } from '../../protocol/lib/frame-reader';

/**
 * The runtime's own streams, for sessions of the agent that runs in the backend's process (the
 * local stack): a viewer of one is piped straight to the session's VNC server, one hop, instead
 * of through a tunnel the agent dials back over loopback.
 */
export interface LocalStreams {
  /** Whether sessions placed on this agent are reachable here. */
  serves(agentId: string): boolean;
  /**
   * A connected stream to the session's VNC server. `reader` is for an opener that creates the
   * socket itself: passing `reader.onread` to it spares a fresh buffer per read; one that does not
   * is carried all the same.
   */
  open(session: string, reader: FrameReader): Promise<Duplex>;
}
