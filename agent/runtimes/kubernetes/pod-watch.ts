import { type KubeConfig, type V1Pod, Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type BackoffOptions, backoffDelay } from '../../../protocol';

export interface PodWatchOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  labelSelector: string;
  /** Lists the pods and the collection's resourceVersion; throws on failure. */
  list(): Promise<{ items: V1Pod[]; resourceVersion: string }>;
  /** Every change, and after every (re)list each pod again, so the receiver needs no diffing. */
  onPod(pod: V1Pod, deleted: boolean): void;
  /** After a (re)list: pods the list no longer has were deleted while no watch was open. */
  onGone(pod: V1Pod): void;
  logger: Logger;
  backoff?: BackoffOptions;
}

type Phase = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

function podKey(pod: V1Pod): string {
  return pod.metadata?.name ?? '';
}

function errorCode(object: unknown): number | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const code =
    (object as { code?: unknown; statusCode?: unknown }).code ??
    (object as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A list-then-watch of the session pods. A watch that ends or drops is resumed from the last
 * resourceVersion it saw (BOOKMARKs included), so nothing is listed twice; a 410 Gone, which means
 * the server no longer has that version, starts over with a fresh list.
 */
export class PodWatch {
  private readonly pods = new Map<string, V1Pod>();
  private resourceVersion = '';
  private abort: AbortController | null = null;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  readonly stats = { lists: 0, watches: 0, expired: 0 };

  constructor(private readonly options: PodWatchOptions) {}

  /** Resolves after the first list, so the cache is complete from then on. */
  async start(): Promise<void> {
    await this.relist();
    this.watch();
  }

  get(name: string): V1Pod | undefined {
    return this.pods.get(name);
  }

  all(): V1Pod[] {
    return [...this.pods.values()];
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.abort = null;
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.options.list();
    this.stats.lists++;
    const seen = new Set(items.map(podKey));
    for (const [key, pod] of [...this.pods]) {
      if (!seen.has(key)) {
        this.pods.delete(key);
        this.options.onGone(pod);
      }
    }
    for (const pod of items) {
      this.pods.set(podKey(pod), pod);
      this.options.onPod(pod, false);
    }
    this.resourceVersion = resourceVersion;
  }

  private watch(): void {
    if (this.stopped) return;
    let expired = false;
    this.stats.watches++;
    const watcher = new Watch(this.options.kubeConfig);
    const path = `/api/v1/namespaces/${encodeURIComponent(this.options.namespace)}/pods`;
    const query = {
      labelSelector: this.options.labelSelector,
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
    };
    const onEvent = (phase: string, object: unknown) => {
      if (this.stopped) return;
      this.failures = 0;
      const type = phase as Phase;
      if (type === 'ERROR') {
        if (errorCode(object) === 410) expired = true;
        else this.options.logger.warn({ status: object }, 'pod watch sent an error event');
        return;
      }
      const pod = object as V1Pod;
      const version = pod.metadata?.resourceVersion;
      if (version) this.resourceVersion = version;
      if (type === 'BOOKMARK') return;
      if (type === 'DELETED') this.pods.delete(podKey(pod));
      else this.pods.set(podKey(pod), pod);
      this.options.onPod(pod, type === 'DELETED');
    };
    const onDone = (error: unknown) => {
      this.abort = null;
      if (this.stopped) return;
      if (expired || errorCode(error) === 410) {
        this.stats.expired++;
        this.options.logger.info('pod watch expired (410 Gone); listing again');
        this.retry(0, true);
        return;
      }
      if (error) {
        this.failures++;
        this.options.logger.warn({ err: error }, 'pod watch failed; resuming');
      }
      // A clean end is how servers close a long watch; resuming at once is what it expects.
      this.retry(error ? this.delay() : 0, false);
    };
    watcher.watch(path, query, onEvent, onDone).then(
      (controller) => {
        if (this.stopped) controller.abort();
        else this.abort = controller;
      },
      (error: unknown) => onDone(error),
    );
  }

  private delay(): number {
    return backoffDelay(this.failures - 1, this.options.backoff ?? { initialMs: 200, maxMs: 5_000 });
  }

  private retry(delayMs: number, relist: boolean): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      if (!relist) {
        this.watch();
        return;
      }
      this.relist().then(
        () => this.watch(),
        (error: unknown) => {
          this.failures++;
          this.options.logger.warn({ err: error }, 'listing pods failed; trying again');
          this.retry(this.delay(), true);
        },
      );
    }, delayMs);
    this.retryTimer.unref();
  }
}
