import { randomBytes, randomInt } from 'node:crypto';
import type { ResourceApi } from './crud.js';
import { resourceType } from './resources.js';
import type { ObjectStore, StoreEvent } from './store.js';
import type { Timers } from './timers.js';
import { isRecord, type KubeObject } from './types.js';

// A scheduler plus kubelet for one node: binds new Pods, walks them through ContainerCreating to
// Running (or ErrImagePull/ImagePullBackOff), records the Events a real kubelet emits, and finishes
// graceful deletions. Delays are options so tests can watch each phase or skip through them.

const pods = resourceType('pods');
const events = resourceType('events');

export interface KubeletOptions {
  nodeName?: string;
  /** Pending, unscheduled → scheduled (PodScheduled) and ContainerCreating. */
  scheduleDelayMs?: number;
  /** ContainerCreating → Running, or → ErrImagePull. */
  pullDelayMs?: number;
  /** ErrImagePull → ImagePullBackOff. */
  backOffDelayMs?: number;
  /** deletionTimestamp set → object gone, standing in for the real grace period. */
  terminateDelayMs?: number;
  /** Images whose pull fails. */
  failImagePull?: RegExp | ((image: string) => boolean);
}

type Stage = (pod: KubeObject) => void;

function containersOf(pod: KubeObject): { name: string; image: string }[] {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  return containers.filter(isRecord).map((c) => ({ name: String(c.name), image: String(c.image) }));
}

export class Kubelet {
  private readonly nodeName: string;
  private readonly failPull: (image: string) => boolean;

  constructor(
    private readonly store: ObjectStore,
    private readonly api: ResourceApi,
    private readonly timers: Timers,
    private readonly options: KubeletOptions = {},
  ) {
    this.nodeName = options.nodeName ?? 'fake-node';
    const fail = options.failImagePull;
    this.failPull = fail === undefined ? () => false : fail instanceof RegExp ? (i) => fail.test(i) : fail;
    store.subscribe((event) => this.onEvent(event));
  }

  private onEvent(event: StoreEvent): void {
    if (event.resource !== pods) return;
    const pod = event.object;
    if (event.type === 'ADDED') {
      this.later(pod, this.options.scheduleDelayMs ?? 20, (p) => this.schedule(p));
    } else if (event.type === 'MODIFIED' && pod.metadata.deletionTimestamp !== undefined) {
      if (event.previous?.metadata.deletionTimestamp === undefined) {
        this.timers.after(this.options.terminateDelayMs ?? 20, () => this.finishDeletion(pod));
      }
    }
  }

  /** Runs a stage on the current state of the same pod, unless it is gone or being deleted. */
  private later(pod: KubeObject, ms: number, stage: Stage): void {
    this.timers.after(ms, () => {
      const current = this.store.get(pods, pod.metadata.namespace as string, pod.metadata.name as string);
      if (current === undefined || current.metadata.uid !== pod.metadata.uid) return;
      if (current.metadata.deletionTimestamp !== undefined) return;
      stage(current);
    });
  }

  private finishDeletion(pod: KubeObject): void {
    const current = this.store.get(pods, pod.metadata.namespace as string, pod.metadata.name as string);
    if (current === undefined || current.metadata.uid !== pod.metadata.uid) return;
    if ((current.metadata.finalizers ?? []).length > 0) return;
    this.store.remove(pods, pod.metadata.namespace as string, pod.metadata.name as string);
  }

  private schedule(pod: KubeObject): void {
    const now = this.store.nowString();
    const spec = isRecord(pod.spec) ? pod.spec : {};
    if (typeof spec.nodeName !== 'string' || spec.nodeName === '') {
      spec.nodeName = this.nodeName;
      this.event(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${this.nodeName}`,
        'default-scheduler',
      );
    }
    pod.spec = spec;
    pod.status = {
      phase: 'Pending',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        this.notReady('Ready', now, pod),
        this.notReady('ContainersReady', now, pod),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
      hostIP: '127.0.0.1',
      startTime: now,
      containerStatuses: containersOf(pod).map((c) => ({
        name: c.name,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: c.image,
        imageID: '',
        started: false,
      })),
      qosClass: 'BestEffort',
    };
    const written = this.store.write(pods, pod);
    for (const c of containersOf(pod))
      this.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, 'kubelet', c.name);
    this.later(written, this.options.pullDelayMs ?? 50, (p) => this.pull(p));
  }

  private notReady(type: string, now: string, pod: KubeObject): Record<string, unknown> {
    const names = containersOf(pod).map((c) => c.name);
    const message = `containers with unready status: [${names.join(' ')}]`;
    return {
      type,
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: now,
      reason: 'ContainersNotReady',
      message,
    };
  }

  private pull(pod: KubeObject): void {
    const containers = containersOf(pod);
    const failing = containers.filter((c) => this.failPull(c.image));
    const status = isRecord(pod.status) ? pod.status : {};
    if (failing.length > 0) {
      this.setWaiting(
        status,
        failing,
        'ErrImagePull',
        (image) => `failed to pull and unpack image "${image}": not found`,
      );
      const written = this.store.write(pods, pod);
      for (const c of failing) {
        this.event(
          pod,
          'Warning',
          'Failed',
          `Failed to pull image "${c.image}": not found`,
          'kubelet',
          c.name,
        );
        this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', c.name);
      }
      this.later(written, this.options.backOffDelayMs ?? 50, (p) => {
        const s = isRecord(p.status) ? p.status : {};
        this.setWaiting(s, failing, 'ImagePullBackOff', (image) => `Back-off pulling image "${image}"`);
        this.store.write(pods, p);
        for (const c of failing)
          this.event(p, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, 'kubelet', c.name);
      });
      return;
    }
    const now = this.store.nowString();
    for (const c of containers) {
      this.event(
        pod,
        'Normal',
        'Pulled',
        `Successfully pulled image "${c.image}" in 1ms (1ms including waiting)`,
        'kubelet',
        c.name,
      );
      this.event(pod, 'Normal', 'Created', `Created container ${c.name}`, 'kubelet', c.name);
      this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet', c.name);
    }
    const ip = `10.244.0.${randomInt(2, 254)}`;
    Object.assign(status, {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      })),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        state: { running: { startedAt: now } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: c.image,
        imageID: `${c.image}@sha256:${randomBytes(32).toString('hex')}`,
        containerID: `containerd://${randomBytes(32).toString('hex')}`,
        started: true,
      })),
    });
    pod.status = status;
    this.store.write(pods, pod);
  }

  private setWaiting(
    status: Record<string, unknown>,
    containers: { name: string; image: string }[],
    reason: string,
    message: (image: string) => string,
  ): void {
    const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses : [];
    for (const entry of statuses) {
      const failing = containers.find((c) => isRecord(entry) && entry.name === c.name);
      if (failing !== undefined && isRecord(entry))
        entry.state = { waiting: { reason, message: message(failing.image) } };
    }
  }

  private event(
    pod: KubeObject,
    type: string,
    reason: string,
    message: string,
    component: string,
    container?: string,
  ): void {
    const now = this.store.nowString();
    const namespace = pod.metadata.namespace as string;
    this.api.create(events, namespace, {
      metadata: { name: `${pod.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        kind: 'Pod',
        namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pod.metadata.resourceVersion,
        ...(container === undefined ? {} : { fieldPath: `spec.containers{${container}}` }),
      },
      reason,
      message,
      source: component === 'kubelet' ? { component, host: this.nodeName } : { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? this.nodeName : '',
    });
  }
}
