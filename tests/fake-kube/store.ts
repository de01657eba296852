import { randomUUID } from 'node:crypto';
import type { ResourceType } from './resources.js';
import type { KubeObject, WatchEventType } from './types.js';

// The fake's etcd: one resourceVersion counter for every object, and an event history that watches
// resume from. History is bounded and can be compacted on purpose so clients meet 410 Expired.

export interface StoreEvent {
  rv: number;
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  /** The state before a MODIFIED, so selector-filtered watches can turn it into ADDED or DELETED. */
  previous: KubeObject | undefined;
}

export interface StoreOptions {
  /** First resourceVersion handed out; the transcripts' cluster was around 1000. */
  startResourceVersion?: number;
  /** Events kept for watch resumption before the oldest fall off (as the watch cache does). */
  historyLimit?: number;
  now?: () => Date;
}

export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

export class ObjectStore {
  private rv: number;
  private oldest: number;
  private readonly objects = new Map<string, KubeObject>();
  private history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly historyLimit: number;
  readonly now: () => Date;

  constructor(options: StoreOptions = {}) {
    this.rv = options.startResourceVersion ?? 1000;
    this.oldest = this.rv;
    this.historyLimit = options.historyLimit ?? 10_000;
    this.now = options.now ?? (() => new Date());
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may still start from. */
  get oldestResourceVersion(): number {
    return this.oldest;
  }

  nowString(): string {
    return timestamp(this.now());
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(key(type, namespace, name));
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Objects in key order, as etcd range reads return them. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const prefix = namespace === undefined ? `${type.group}/${type.plural}/` : key(type, namespace, '');
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => structuredClone(obj));
  }

  insert(type: ResourceType, obj: KubeObject): KubeObject {
    const stored = structuredClone(obj);
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = this.nowString();
    if (type.hasGeneration) stored.metadata.generation = 1;
    stored.metadata.resourceVersion = String(++this.rv);
    this.objects.set(keyOf(type, stored), stored);
    this.record('ADDED', type, stored, undefined);
    return structuredClone(stored);
  }

  /** Writes a new state; a deleting object whose finalizers are all gone is removed instead, as in the apiserver. */
  write(type: ResourceType, obj: KubeObject, options: { removeWhenFinalized?: boolean } = {}): KubeObject {
    const k = keyOf(type, obj);
    const previous = this.objects.get(k);
    if (previous === undefined) throw new Error(`fake-kube: write to missing ${k}`);
    // A graceful pod deletion (grace > 0) waits for the kubelet even with no finalizers left.
    const finalized =
      obj.metadata.deletionTimestamp !== undefined &&
      (obj.metadata.finalizers ?? []).length === 0 &&
      !((obj.metadata.deletionGracePeriodSeconds ?? 0) > 0);
    if (finalized && options.removeWhenFinalized !== false) {
      this.objects.set(k, structuredClone(obj));
      return this.remove(type, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    }
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, stored);
    this.record('MODIFIED', type, stored, previous);
    return structuredClone(stored);
  }

  remove(type: ResourceType, namespace: string, name: string): KubeObject {
    const k = key(type, namespace, name);
    const existing = this.objects.get(k);
    if (existing === undefined) throw new Error(`fake-kube: remove of missing ${k}`);
    this.objects.delete(k);
    const last = structuredClone(existing);
    last.metadata.resourceVersion = String(++this.rv);
    this.record('DELETED', type, last, existing);
    return structuredClone(last);
  }

  /** Events after `rv`, or undefined when that version has been compacted away. */
  eventsAfter(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldest) return undefined;
    return this.history.filter((event) => event.rv > rv);
  }

  compact(): void {
    this.history = [];
    this.oldest = this.rv;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(
    type: WatchEventType,
    resource: ResourceType,
    object: KubeObject,
    previous?: KubeObject,
  ): void {
    const event: StoreEvent = {
      rv: this.rv,
      type,
      resource,
      object: structuredClone(object),
      previous: previous === undefined ? undefined : structuredClone(previous),
    };
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift() as StoreEvent;
      this.oldest = dropped.rv;
    }
    for (const listener of this.listeners) listener(event);
  }
}

function key(type: ResourceType, namespace: string, name: string): string {
  return type.namespaced
    ? `${type.group}/${type.plural}/${namespace}/${name}`
    : `${type.group}/${type.plural}//${name}`;
}

function keyOf(type: ResourceType, obj: KubeObject): string {
  return key(type, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
}
