import {
  AppsV1Api,
  CoreV1Api,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeKube, kubeConfigFor, startFakeKube } from './index.js';
import { apiFailure, deployment, recorded, SESSION_LABELS, statusShape } from './test-support.js';

const ns = 'streamspace';

describe('fake kube CRUD through client-node', () => {
  let fake: FakeKube;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let net: NetworkingV1Api;

  beforeEach(async () => {
    fake = await startFakeKube();
    const kc = kubeConfigFor(fake);
    apps = kc.makeApiClient(AppsV1Api);
    core = kc.makeApiClient(CoreV1Api);
    net = kc.makeApiClient(NetworkingV1Api);
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('creates, reads and lists by selector with server-set metadata', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s1') });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.generation).toBe(1);
    expect(typeof created.metadata?.resourceVersion).toBe('string');
    expect(created.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    await core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 'ss-s1-vnc', labels: SESSION_LABELS },
        stringData: { password: 'vnc-s3cret' },
      },
    });
    const secret = await core.readNamespacedSecret({ name: 'ss-s1-vnc', namespace: ns });
    expect(secret.data).toEqual(recorded('02-create-resources', 'create Secret').response.body?.data);
    const svc = await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'ss-s1', labels: SESSION_LABELS },
        spec: { ports: [{ port: 5900, name: 'vnc' }], selector: { 'streamspace.io/session': 's1' } },
      },
    });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
    const pvc = await core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: {
        metadata: { name: 'ss-s1-home', labels: SESSION_LABELS },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    expect(pvc.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    await net.createNamespacedNetworkPolicy({
      namespace: ns,
      body: {
        metadata: { name: 'ss-s1', labels: SESSION_LABELS },
        spec: { podSelector: { matchLabels: { 'streamspace.io/session': 's1' } } },
      },
    });
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('ss-s2', { ...SESSION_LABELS, 'streamspace.io/session': 's2' }),
    });

    const selected = await apps.listNamespacedDeployment({
      namespace: ns,
      labelSelector: 'app.kubernetes.io/managed-by=streamspace,streamspace.io/session=s1',
    });
    expect(selected.items.map((d) => d.metadata?.name)).toEqual(['ss-s1']);
    expect(selected.kind).toBe('DeploymentList');
    const notS1 = await apps.listNamespacedDeployment({
      namespace: ns,
      labelSelector: 'streamspace.io/session!=s1,streamspace.io/user',
    });
    expect(notS1.items.map((d) => d.metadata?.name)).toEqual(['ss-s2']);
    const setBased = await apps.listNamespacedDeployment({
      namespace: ns,
      labelSelector: 'streamspace.io/session in (s1,s2),!nope',
    });
    expect(setBased.items).toHaveLength(2);
    const policies = await net.listNamespacedNetworkPolicy({
      namespace: ns,
      labelSelector: 'streamspace.io/session=s1',
    });
    expect(policies.items[0]?.spec?.policyTypes).toEqual(['Ingress']);
  });

  it('answers duplicates, missing objects and bad selectors with the recorded Status bodies', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s1') });
    const duplicate = await apiFailure(
      apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s1') }),
    );
    const real409 = recorded('03-already-exists-409', 'Deployment ss-s1 again').response;
    expect(duplicate.code).toBe(real409.status);
    expect(duplicate.body).toEqual(real409.body);

    const missing = await apiFailure(apps.readNamespacedDeployment({ name: 'ss-missing', namespace: ns }));
    const real404 = recorded('04-not-found-404', 'read Deployment missing').response;
    expect(missing.code).toBe(404);
    expect(missing.body).toEqual(real404.body);
    const missingPod = await apiFailure(core.readNamespacedPod({ name: 'ss-missing', namespace: ns }));
    expect(missingPod.body).toEqual(recorded('04-not-found-404', 'read Pod missing').response.body);

    const badSelector = await apiFailure(
      apps.listNamespacedDeployment({ namespace: ns, labelSelector: 'a in (' }),
    );
    expect(badSelector.code).toBe(400);
    expect(badSelector.body).toEqual(
      recorded('05-list-label-selector', 'invalid labelSelector').response.body,
    );

    const invalid = await apiFailure(
      apps.createNamespacedDeployment({
        namespace: ns,
        body: {
          ...deployment('Bad_Name'),
          spec: { ...deployment('x').spec, selector: { matchLabels: { a: 'b' } } },
        },
      }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.body).toEqual(recorded('02-create-resources', 'invalid spec').response.body);
  });

  it('replaces with a resourceVersion precondition and patches three ways', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s1') });
    const stale = { ...created, metadata: { ...created.metadata, resourceVersion: '1' } };
    const conflict = await apiFailure(
      apps.replaceNamespacedDeployment({ name: 'ss-s1', namespace: ns, body: stale }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    const merged = await apps.patchNamespacedDeployment(
      {
        name: 'ss-s1',
        namespace: ns,
        body: { metadata: { annotations: { 'streamspace.io/last-seen': 'now' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.annotations?.['streamspace.io/last-seen']).toBe('now');
    expect(merged.metadata?.generation).toBe(1);
    const strategic = await apps.patchNamespacedDeployment(
      {
        name: 'ss-s1',
        namespace: ns,
        body: { spec: { template: { spec: { containers: [{ name: 'xterm', image: 'example/xterm:2' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.template.spec?.containers[0]?.ports?.[0]?.containerPort).toBe(5900);
    expect(strategic.metadata?.generation).toBe(2);
    const jsonPatched = await apps.patchNamespacedDeployment(
      {
        name: 'ss-s1',
        namespace: ns,
        body: [{ op: 'add', path: '/metadata/labels/streamspace.io~1phase', value: 'idle' }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.metadata?.labels?.['streamspace.io/phase']).toBe('idle');
    expect(Number(jsonPatched.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
  });

  it('deletes with Status or object bodies as the real registries do', async () => {
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'ss-s1-vnc' }, stringData: { a: 'b' } },
    });
    const gone = await core.deleteNamespacedSecret({ name: 'ss-s1-vnc', namespace: ns });
    expect(statusShape(gone)).toEqual(
      statusShape(recorded('13-delete-propagation', 'delete Secret').response.body),
    );
    const sideways = await apiFailure(
      core.deleteNamespacedSecret({ name: 'whatever', namespace: ns, propagationPolicy: 'Sideways' }),
    );
    expect(sideways.body).toEqual(
      recorded('13-delete-propagation', 'invalid propagationPolicy').response.body,
    );
  });

  it('serves the 403, 500 and 429 hooks and rejects unknown tokens', async () => {
    const undo = fake.forbid({ verb: 'create', resource: 'deployments' });
    const denied = await apiFailure(
      apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s9') }),
    );
    const real403 = recorded('09-forbidden-403', 'create Deployment (403)').response.body;
    expect(denied.code).toBe(403);
    expect(denied.body).toEqual({
      ...real403,
      message: String(real403?.message).replace('"limited"', '"streamspace-agent"'),
    });
    fake.forbid({ verb: 'list', resource: 'secrets', namespace: ns });
    const deniedList = await apiFailure(core.listNamespacedSecret({ namespace: ns }));
    expect(deniedList.body.message).toBe(
      'secrets is forbidden: User "streamspace-agent" cannot list resource "secrets" in API group "" in the namespace "streamspace"',
    );
    undo();
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ss-s9') });

    fake.failNext(2);
    expect((await apiFailure(core.listNamespacedPod({ namespace: ns }))).code).toBe(500);
    const second = await apiFailure(core.listNamespacedPod({ namespace: ns }));
    expect(second.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
    });
    await core.listNamespacedPod({ namespace: ns });
    fake.failNext(1, { status: 429, retryAfterSeconds: 2 });
    const throttled = await apiFailure(core.listNamespacedPod({ namespace: ns }));
    expect(throttled.code).toBe(429);
    expect(throttled.body.details).toEqual({ retryAfterSeconds: 2 });

    const stranger = kubeConfigFor(fake, { token: 'nope' }).makeApiClient(CoreV1Api);
    expect((await apiFailure(stranger.listNamespacedPod({ namespace: ns }))).code).toBe(401);
  });
});
