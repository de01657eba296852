import { randomUUID } from 'node:crypto';
import type { AgentThumbnail, ThumbnailMime } from '../../protocol';
import type { AgentSender } from '../agents/connections';

/** A session's screen as the agent drew it. */
export interface Thumbnail {
  mime: ThumbnailMime;
  bytes: Buffer;
  width: number;
  height: number;
  /** When the agent's answer arrived (epoch ms). */
  takenAt: number;
}

export type ThumbnailFailure = 'agent_offline' | 'timeout' | 'agent_error';

export class ThumbnailError extends Error {
  override readonly name = 'ThumbnailError';

  constructor(
    readonly reason: ThumbnailFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ThumbnailAsk {
  agentId: string;
  session: string;
  vncPassword: string;
  width: number;
  maxBytes: number;
}

interface Pending {
  agentId: string;
  maxBytes: number;
  resolve(thumbnail: Thumbnail): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Asks agents for thumbnails over their control sockets and pairs each answer with its request.
 * Only the agent that was asked may answer, and an answer larger than was asked for is refused.
 */
export class ThumbnailRequests {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly sender: AgentSender,
    private readonly timeoutMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests waiting for an answer. */
  get size(): number {
    return this.pending.size;
  }

  request(ask: ThumbnailAsk): Promise<Thumbnail> {
    const requestId = randomUUID();
    return new Promise<Thumbnail>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ThumbnailError('timeout', 'the agent did not send the thumbnail in time'));
      }, this.timeoutMs);
      this.pending.set(requestId, { agentId: ask.agentId, maxBytes: ask.maxBytes, resolve, reject, timer });
      const sent = this.sender.send(ask.agentId, {
        type: 'thumbnail_request',
        requestId,
        session: ask.session,
        vncPassword: ask.vncPassword,
        width: ask.width,
        maxBytes: ask.maxBytes,
      });
      if (!sent) {
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(new ThumbnailError('agent_offline', 'the agent running this session is offline'));
      }
    });
  }

  /** An agent's answer; one for a request it was not asked, or that is over, is dropped. */
  answer(agentId: string, frame: AgentThumbnail): void {
    const p = this.pending.get(frame.requestId);
    if (!p || p.agentId !== agentId) return;
    this.pending.delete(frame.requestId);
    clearTimeout(p.timer);
    if (!frame.ok) {
      p.reject(new ThumbnailError('agent_error', frame.message));
      return;
    }
    const bytes = Buffer.from(frame.data, 'base64');
    if (bytes.length > p.maxBytes) {
      p.reject(new ThumbnailError('agent_error', `the agent sent ${bytes.length} bytes, over ${p.maxBytes}`));
      return;
    }
    p.resolve({ mime: frame.mime, bytes, width: frame.width, height: frame.height, takenAt: this.now() });
  }
}
