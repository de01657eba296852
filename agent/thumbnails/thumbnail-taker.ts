import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { AgentThumbnail, BackendThumbnailRequest } from '../../protocol';
import { truncateMessage } from '../truncate';
import { snapshotScreen } from './rfb-snapshot';
import { encodeThumbnail } from './thumbnail-image';

export interface ThumbnailTakerOptions {
  /** The session's VNC stream, as a viewer's tunnel gets it (the runtime's openStream). */
  openStream(session: string): Promise<Duplex>;
  /** Sends on whatever control socket is current; false when none is. */
  send(message: AgentThumbnail): boolean;
  logger: Logger;
  /** Pictures taken at once; each holds a whole screen's pixels for a moment. */
  concurrency?: number;
  /** Requests waiting for a turn; beyond it they are refused at once, not queued. */
  maxWaiting?: number;
  snapshotTimeoutMs?: number;
}

/**
 * Answers thumbnail_request: opens the session's VNC stream, takes one picture, shrinks and
 * encodes it here, so that only the small image crosses to the backend, and closes the stream.
 * Works on request only: nothing runs for a session nobody is looking at.
 */
export class ThumbnailTaker {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: ThumbnailTakerOptions) {}

  handle(request: BackendThumbnailRequest): void {
    void this.answer(request);
  }

  /** Takes the picture and sends the answer; resolves with what was sent. */
  async answer(request: BackendThumbnailRequest): Promise<AgentThumbnail> {
    const reply = await this.take(request);
    this.options.send(reply);
    return reply;
  }

  private async take(request: BackendThumbnailRequest): Promise<AgentThumbnail> {
    const { requestId, session } = request;
    const concurrency = this.options.concurrency ?? 2;
    if (this.running < concurrency) this.running++;
    else if (this.waiting.length >= (this.options.maxWaiting ?? 16)) {
      return { type: 'thumbnail', requestId, ok: false, message: 'the agent is busy taking thumbnails' };
    } else {
      // The finishing picture hands its slot over, so none is taken in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let stream: Duplex | null = null;
    try {
      stream = await this.options.openStream(session);
      const picture = await snapshotScreen(stream, request.vncPassword, {
        timeoutMs: this.options.snapshotTimeoutMs ?? 10_000,
      });
      const image = encodeThumbnail(picture, request.width, request.maxBytes);
      return {
        type: 'thumbnail',
        requestId,
        ok: true,
        mime: image.mime,
        data: image.bytes.toString('base64'),
        width: image.width,
        height: image.height,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.logger.debug({ session, reason: message }, 'no thumbnail');
      return { type: 'thumbnail', requestId, ok: false, message: truncateMessage(message) };
    } finally {
      stream?.destroy();
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
