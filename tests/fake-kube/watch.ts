import type { ServerResponse } from 'node:http';
import {
  type FieldRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type Requirement,
} from './label-selector.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { expiredWatch } from './status.js';
import type { ObjectStore, StoreEvent } from './store.js';
import type { KubeObject } from './types.js';

// Watch streams: newline-delimited `{type, object}` over a chunked 200, resumable from a
// resourceVersion, with BOOKMARKs and a 410 ERROR event for compacted versions (transcripts 07, 08).

interface OpenWatch {
  res: ServerResponse;
  close: () => void;
}

export interface WatchRequest {
  type: ResourceType;
  namespace: string | undefined;
  query: URLSearchParams;
}

export class WatchHub {
  private readonly open = new Set<OpenWatch>();

  constructor(
    private readonly store: ObjectStore,
    private readonly bookmarkIntervalMs: number,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  serve(req: WatchRequest, res: ServerResponse): void {
    // Selector errors must surface as a 400 before the 200 header goes out.
    const labels = parseLabelSelector(req.query.get('labelSelector'));
    const fields = parseFieldSelector(req.query.get('fieldSelector'));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    res.flushHeaders();
    const send = (type: string, object: unknown): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const rvText = req.query.get('resourceVersion');
    const from = rvText === null || rvText === '' || rvText === '0' ? undefined : Number(rvText);
    const backlog = from === undefined ? undefined : this.store.eventsAfter(from);
    if (from !== undefined && backlog === undefined) {
      send('ERROR', expiredWatch(from, this.store.oldestResourceVersion));
      res.end();
      return;
    }
    const matches = (obj: KubeObject): boolean => selects(labels, fields, obj);
    const inScope = (event: StoreEvent): boolean =>
      event.resource === req.type &&
      (req.namespace === undefined || event.object.metadata.namespace === req.namespace);
    const deliver = (event: StoreEvent): void => {
      if (!inScope(event)) return;
      const type = transition(event, matches);
      if (type !== undefined) send(type, event.object);
    };
    if (backlog === undefined) {
      // No version given: the current state arrives as synthetic ADDED events first.
      for (const obj of this.store.list(req.type, req.namespace)) if (matches(obj)) send('ADDED', obj);
    } else {
      for (const event of backlog) deliver(event);
    }
    const unsubscribe = this.store.subscribe(deliver);
    const timers: NodeJS.Timeout[] = [];
    if (req.query.get('allowWatchBookmarks') === 'true') {
      timers.push(setInterval(() => send('BOOKMARK', this.bookmark(req.type)), this.bookmarkIntervalMs));
    }
    const timeoutSeconds = Number(req.query.get('timeoutSeconds') ?? '');
    if (timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), timeoutSeconds * 1000));
    const entry: OpenWatch = {
      res,
      close: () => {
        unsubscribe();
        for (const timer of timers) clearTimeout(timer);
        this.open.delete(entry);
      },
    };
    this.open.add(entry);
    res.on('close', entry.close);
  }

  /** Ends every open watch as the apiserver does on restart or a load-balancer cut. */
  dropAll(mode: 'end' | 'destroy' = 'end'): number {
    const dropped = [...this.open];
    for (const watch of dropped) {
      watch.close();
      if (mode === 'destroy') watch.res.destroy();
      else watch.res.end();
    }
    return dropped.length;
  }

  /** Sends a BOOKMARK on every open watch now, without waiting for the interval. */
  bookmarkAll(): void {
    for (const watch of this.open) {
      // The resource type is not kept per watch; a bare bookmark is what clients read anyway.
      watch.res.write(`${JSON.stringify({ type: 'BOOKMARK', object: this.bareBookmark() })}\n`);
    }
  }

  private bareBookmark(): KubeObject {
    return { metadata: { resourceVersion: String(this.store.resourceVersion), creationTimestamp: null } };
  }

  private bookmark(type: ResourceType): KubeObject {
    const object: KubeObject = { kind: type.kind, apiVersion: apiVersionOf(type), ...this.bareBookmark() };
    // Go serialises an empty Pod with `spec.containers: null`, as transcript 07 shows.
    if (type.plural === 'pods') Object.assign(object, { spec: { containers: null }, status: {} });
    return object;
  }
}

function selects(labels: Requirement[], fields: FieldRequirement[], obj: KubeObject): boolean {
  return matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj);
}

/** A selector-filtered watch sees an object leave its selector as DELETED and enter it as ADDED. */
function transition(event: StoreEvent, matches: (obj: KubeObject) => boolean): string | undefined {
  if (event.type !== 'MODIFIED') return matches(event.object) ? event.type : undefined;
  const before = event.previous !== undefined && matches(event.previous);
  const after = matches(event.object);
  if (before && after) return 'MODIFIED';
  if (before) return 'DELETED';
  if (after) return 'ADDED';
  return undefined;
}
