import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeKube, kubeConfigFor, startFakeKube } from './index.js';
import { apiFailure, deployment, recorded, waitFor } from './test-support.js';

const ns = 'streamspace';
const selector = 'streamspace.io/session=s1';

describe('fake kube controllers and kubelet', () => {
  let fake: FakeKube;
  afterEach(async () => {
    await fake.stop();
  });

  async function setup(options: Parameters<typeof startFakeKube>[0] = {}) {
    fake = await startFakeKube({
      kubelet: { scheduleDelayMs: 5, pullDelayMs: 10, backOffDelayMs: 10, terminateDelayMs: 5 },
      ...options,
    });
    const kc = kubeConfigFor(fake);
    return { apps: kc.makeApiClient(AppsV1Api), core: kc.makeApiClient(CoreV1Api) };
  }

  const runningPod = (core: CoreV1Api) =>
    waitFor(async () => {
      const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: selector });
      return pods.items.find((p) => p.status?.phase === 'Running');
    });

  it('walks a Deployment pod to Running and follows scale 0 and 1', async () => {
    const { apps, core } = await setup();
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s1') });
    const pod: V1Pod = await runningPod(core);
    expect(pod.metadata?.name).toMatch(/^ss-s1-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    expect(pod.metadata?.labels?.['pod-template-hash']).toHaveLength(10);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const events = await core.listNamespacedEvent({ namespace: ns });
    expect(events.items.map((e) => e.message)).toContain('Pulling image "example/xterm:1"');
    await waitFor(async () => {
      const d = await apps.readNamespacedDeployment({ name: 'ss-s1', namespace: ns });
      return d.status?.readyReplicas === 1 ? d : undefined;
    });

    const scale = await apps.readNamespacedDeploymentScale({ name: 'ss-s1', namespace: ns });
    const realScale = recorded('06-scale-subresource', 'read Deployment scale').response.body ?? {};
    expect(scale.status?.selector).toBe((realScale.status as { selector?: string } | undefined)?.selector);
    const stale = await apiFailure(
      apps.replaceNamespacedDeploymentScale({
        name: 'ss-s1',
        namespace: ns,
        body: { metadata: { name: 'ss-s1', namespace: ns, resourceVersion: '1' }, spec: { replicas: 0 } },
      }),
    );
    expect(stale.body).toEqual(recorded('06-scale-subresource', 'stale resourceVersion').response.body);

    const zero = await apps.replaceNamespacedDeploymentScale({
      name: 'ss-s1',
      namespace: ns,
      body: {
        metadata: { name: 'ss-s1', namespace: ns, resourceVersion: scale.metadata?.resourceVersion },
        spec: { replicas: 0 },
      },
    });
    expect(zero.spec).toEqual({});
    await waitFor(async () =>
      (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items.length === 0
        ? true
        : undefined,
    );
    await apps.replaceNamespacedDeploymentScale({
      name: 'ss-s1',
      namespace: ns,
      body: { metadata: { name: 'ss-s1', namespace: ns }, spec: { replicas: 1 } },
    });
    const again = await runningPod(core);
    expect(again.metadata?.uid).not.toBe(pod.metadata?.uid);
  });

  it('foreground delete marks the Deployment, removes its pod, then the Deployment', async () => {
    // A long termination keeps the marked Deployment visible long enough to read it back.
    const { apps, core } = await setup({
      kubelet: { scheduleDelayMs: 5, pullDelayMs: 10, terminateDelayMs: 300 },
    });
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s1') });
    await runningPod(core);
    await apps.deleteNamespacedDeployment({ name: 'ss-s1', namespace: ns, propagationPolicy: 'Foreground' });
    // client-node types the DELETE reply as V1Status and drops the object's fields, so read it back (transcript step 61).
    const marked = await apps.readNamespacedDeployment({ name: 'ss-s1', namespace: ns });
    const real = recorded('13-delete-propagation', 'right after Foreground').response.body as {
      metadata: Record<string, unknown>;
    };
    expect(marked.metadata?.finalizers).toEqual(real.metadata.finalizers);
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    await waitFor(async () => {
      const gone = await apiFailure(apps.readNamespacedDeployment({ name: 'ss-s1', namespace: ns })).catch(
        () => undefined,
      );
      return gone?.code === 404 ? gone : undefined;
    });
    expect((await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items).toEqual([]);
  });

  it('background delete answers a Success Status and the pod is collected', async () => {
    const { apps, core } = await setup();
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s1') });
    await runningPod(core);
    const status = await apps.deleteNamespacedDeployment({
      name: 'ss-s1',
      namespace: ns,
      body: { propagationPolicy: 'Background' },
    });
    expect(Object.keys(status).sort()).toEqual(
      Object.keys(
        recorded('13-delete-propagation', 'Background (DeleteOptions body)').response.body ?? {},
      ).sort(),
    );
    await waitFor(async () =>
      (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items.length === 0
        ? true
        : undefined,
    );
  });

  it('reports ErrImagePull then ImagePullBackOff for failing images', async () => {
    const { apps, core } = await setup({
      kubelet: { scheduleDelayMs: 5, pullDelayMs: 10, backOffDelayMs: 10, failImagePull: /missing/ },
    });
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('ss-s1', undefined, 'example/missing:1'),
    });
    const reasons = new Set<string>();
    await waitFor(async () => {
      const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: selector });
      const reason = pods.items[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason !== undefined) reasons.add(reason);
      return reason === 'ImagePullBackOff' ? reason : undefined;
    });
    expect(reasons.has('ContainerCreating') || reasons.has('ErrImagePull')).toBe(true);
    const pod = (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items[0];
    expect(pod?.status?.phase).toBe('Pending');
  });
});
