import type { V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describePod, describeSession, readable, type SessionView } from './pod-status';

const IMAGE = 'ghcr.io/streamspace/xterm:latest';
const T0 = '2026-12-02T05:19:44Z';

// Shapes follow tests/fake-kube/kubelet.ts and the 1.28 transcripts.
function pod(status: V1Pod['status'], meta: Partial<NonNullable<V1Pod['metadata']>> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 's1-6dbffdbb88-lh8m7',
      namespace: 'streamspace',
      uid: 'f190e8dd-b9f7-4cf0-a6ba-c42f03d90624',
      creationTimestamp: new Date(T0),
      labels: { 'app.kubernetes.io/managed-by': 'streamspace', 'streamspace.io/session': 's1' },
      ...meta,
    },
    spec: { containers: [{ name: 'session', image: IMAGE }], nodeName: 'fake-node' },
    status,
  };
}

const cond = (type: string, status: string, extra: Partial<V1PodCondition> = {}): V1PodCondition => ({
  type,
  status,
  ...extra,
});
const notReady = { reason: 'ContainersNotReady', message: 'containers with unready status: [session]' };
const scheduledConditions = [
  cond('Initialized', 'True'),
  cond('Ready', 'False', notReady),
  cond('ContainersReady', 'False', notReady),
  cond('PodScheduled', 'True'),
];
const readyConditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((t) =>
  cond(t, 'True'),
);

function container(
  state: V1ContainerStatus['state'],
  extra: Partial<V1ContainerStatus> = {},
): V1ContainerStatus {
  return { name: 'session', image: IMAGE, imageID: '', ready: false, restartCount: 0, state, ...extra };
}
const waiting = (reason: string, message?: string) =>
  pod({
    phase: 'Pending',
    conditions: scheduledConditions,
    containerStatuses: [container({ waiting: { reason, ...(message ? { message } : {}) } })],
  });

const unscheduled = pod({ phase: 'Pending', qosClass: 'BestEffort' });
const creating = waiting('ContainerCreating');
const runningNotReady = pod({
  phase: 'Running',
  conditions: scheduledConditions,
  containerStatuses: [container({ running: { startedAt: new Date(T0) } }, { started: true })],
});
const ready = pod({
  phase: 'Running',
  conditions: readyConditions,
  containerStatuses: [container({ running: { startedAt: new Date(T0) } }, { ready: true, started: true })],
});
const pullFailed = waiting('ErrImagePull', `failed to pull and unpack image "${IMAGE}": not found`);
const backOff = waiting('ImagePullBackOff', `Back-off pulling image "${IMAGE}"`);
const terminating = (p: V1Pod) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date(T0) } });
const createdAt = (p: V1Pod, at: string) => ({
  ...p,
  metadata: { ...p.metadata, creationTimestamp: new Date(at) },
});

describe('describePod', () => {
  const pullWarning = { reason: 'Failed', message: `Failed to pull image "${IMAGE}": not found` };
  const cases: [string, V1Pod, { reason?: string; message?: string } | undefined, SessionView][] = [
    ['an unscheduled pod', unscheduled, undefined, { state: 'starting', message: 'Scheduling' }],
    [
      'an unschedulable pod',
      pod({
        phase: 'Pending',
        conditions: [
          cond('PodScheduled', 'False', {
            reason: 'Unschedulable',
            message:
              '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
          }),
        ],
      }),
      undefined,
      {
        state: 'failed',
        message:
          'Unschedulable: 0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod',
      },
    ],
    [
      'a pod waiting for its claim to bind',
      pod({
        phase: 'Pending',
        conditions: [
          cond('PodScheduled', 'False', {
            reason: 'Unschedulable',
            message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
          }),
        ],
      }),
      undefined,
      { state: 'starting', message: 'Waiting for the home volume' },
    ],
    [
      'a scheduled pod creating its container',
      creating,
      undefined,
      { state: 'starting', message: `Pulling image ${IMAGE}` },
    ],
    [
      'a scheduled pod with no container status yet',
      pod({ phase: 'Pending', conditions: scheduledConditions }),
      undefined,
      { state: 'starting', message: `Pulling image ${IMAGE}` },
    ],
    [
      'a running pod that is not ready',
      runningNotReady,
      undefined,
      { state: 'starting', message: 'Starting' },
    ],
    ['a ready pod', ready, undefined, { state: 'running', message: 'Running' }],
    [
      'a failed pull',
      pullFailed,
      pullWarning,
      { state: 'failed', message: `ErrImagePull: failed to pull and unpack image "${IMAGE}": not found` },
    ],
    [
      'a failed pull with no waiting message',
      waiting('ErrImagePull'),
      pullWarning,
      { state: 'failed', message: `ErrImagePull: Failed to pull image "${IMAGE}": not found` },
    ],
    [
      'a pull back-off with its warning',
      backOff,
      pullWarning,
      { state: 'failed', message: `ImagePullBackOff: Failed to pull image "${IMAGE}": not found` },
    ],
    [
      'a pull back-off alone',
      backOff,
      undefined,
      { state: 'failed', message: `ImagePullBackOff: Back-off pulling image "${IMAGE}"` },
    ],
    [
      'a bad image name',
      waiting('InvalidImageName', 'Failed to apply default image tag "Bad:Image": invalid reference format'),
      undefined,
      {
        state: 'failed',
        message: 'InvalidImageName: Failed to apply default image tag "Bad:Image": invalid reference format',
      },
    ],
    [
      'a missing secret',
      waiting('CreateContainerConfigError', 'secret "s1-vnc" not found'),
      undefined,
      { state: 'failed', message: 'CreateContainerConfigError: secret "s1-vnc" not found' },
    ],
    [
      'an unknown error reason',
      waiting('SomeNewRuntimeError'),
      undefined,
      { state: 'failed', message: 'SomeNewRuntimeError' },
    ],
    [
      'a crash loop',
      pod({
        phase: 'Running',
        conditions: scheduledConditions,
        containerStatuses: [
          container(
            {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: 'back-off 10s restarting failed container=session',
              },
            },
            { restartCount: 3, lastState: { terminated: { exitCode: 1, reason: 'Error' } } },
          ),
        ],
      }),
      undefined,
      { state: 'failed', message: 'CrashLoopBackOff: The app exited with code 1 (Error)' },
    ],
    [
      'a container just killed',
      pod({
        phase: 'Running',
        conditions: scheduledConditions,
        containerStatuses: [container({ terminated: { exitCode: 137, reason: 'OOMKilled' } })],
      }),
      undefined,
      { state: 'starting', message: 'Restarting after exit code 137 (OOMKilled)' },
    ],
    [
      'an evicted pod',
      pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. ' }),
      undefined,
      { state: 'failed', message: 'Evicted: The node was low on resource: memory' },
    ],
    ['a terminating ready pod', terminating(ready), undefined, { state: 'starting', message: 'Stopping' }],
  ];

  it.each(cases)('maps %s', (_name, p, warning, expected) => {
    expect(describePod(p, warning)).toEqual(expected);
  });

  it('keeps messages short, on one line and free of gRPC framing', () => {
    const long = `rpc error: code = NotFound desc = failed to pull and unpack image:\n${'x'.repeat(500)}.`;
    const { message } = describePod(waiting('ErrImagePull', long));
    expect(message.startsWith('ErrImagePull: failed to pull and unpack image: xxx')).toBe(true);
    expect(message.length).toBeLessThanOrEqual(300);
    expect(message).not.toContain('\n');
  });
});

describe('readable', () => {
  it('capitalises and drops the trailing period', () => {
    expect(readable('  back-off pulling image.  ')).toBe('Back-off pulling image');
  });
});

describe('describeSession', () => {
  const cases: [string, Parameters<typeof describeSession>[0], SessionView][] = [
    [
      'no Deployment',
      { desiredReplicas: undefined, pods: [ready] },
      { state: 'terminated', message: 'Deleted' },
    ],
    ['scaled to zero', { desiredReplicas: 0, pods: [] }, { state: 'hibernated', message: 'Hibernated' }],
    [
      'scaled to zero, pod still going',
      { desiredReplicas: 0, pods: [terminating(ready)] },
      { state: 'hibernated', message: 'Hibernating' },
    ],
    ['wanted but no pod yet', { desiredReplicas: 1, pods: [] }, { state: 'starting', message: 'Scheduling' }],
    [
      'a ready pod beside a broken one',
      { desiredReplicas: 1, pods: [createdAt(pullFailed, '2026-12-02T06:00:00Z'), ready] },
      { state: 'running', message: 'Running' },
    ],
    [
      'a terminating ready pod and its pending replacement',
      { desiredReplicas: 1, pods: [terminating(ready), createdAt(unscheduled, '2026-12-02T06:00:00Z')] },
      { state: 'starting', message: 'Scheduling' },
    ],
    [
      'the newest pod speaks',
      { desiredReplicas: 1, pods: [createdAt(pullFailed, '2026-12-02T06:00:00Z'), creating] },
      { state: 'failed', message: `ErrImagePull: failed to pull and unpack image "${IMAGE}": not found` },
    ],
    [
      'only terminating pods',
      { desiredReplicas: 1, pods: [terminating(ready)] },
      { state: 'starting', message: 'Restarting' },
    ],
    [
      'a warning for the chosen pod',
      {
        desiredReplicas: 1,
        pods: [backOff],
        warning: { reason: 'Failed', message: 'Failed to pull image "x": denied' },
      },
      { state: 'failed', message: 'ImagePullBackOff: Failed to pull image "x": denied' },
    ],
  ];

  it.each(cases)('maps %s', (_name, input, expected) => {
    expect(describeSession(input)).toEqual(expected);
  });

  it('reads raw watch objects whose timestamps are strings', () => {
    const older: V1Pod = JSON.parse(JSON.stringify(ready));
    const newer: V1Pod = JSON.parse(JSON.stringify(createdAt(pullFailed, '2026-12-02T06:00:00Z')));
    older.status = JSON.parse(JSON.stringify(creating.status));
    expect(describeSession({ desiredReplicas: 1, pods: [newer, older] }).state).toBe('failed');
    expect(describeSession({ desiredReplicas: 1, pods: [older, newer] }).state).toBe('failed');
    const gone: V1Pod = JSON.parse(JSON.stringify(terminating(ready)));
    expect(describePod(gone)).toEqual({ state: 'starting', message: 'Stopping' });
  });
});
