import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { describe, expect, it } from 'vitest';
import { SessionSpec, type SessionSpec as SessionSpecType } from '../../../protocol';
import { buildSessionObjects, shmSizeLimit, VNC_SECRET_KEY, VNC_SECRET_MOUNT } from './manifests';
import { isDns1035Label, isDnsLabel } from './names';
import { KubernetesSettings } from './settings';

const defaults = KubernetesSettings.parse({});

function spec(overrides: Partial<SessionSpecType> = {}): SessionSpecType {
  return SessionSpec.parse({
    name: 's1',
    user: 'alice',
    template: 'chromium',
    resources: { memory: '2Gi', cpu: '1' },
    persistentHome: false,
    vncPassword: 'pw5ecr3t',
    kubernetes: {
      image: 'ghcr.io/streamspace/chromium:latest',
      vncPort: 5900,
      env: { ZED: 'z', ALPHA: 'a' },
    },
    ...overrides,
  });
}

function build(s = spec(), settings = defaults) {
  const objects = buildSessionObjects(s, settings);
  const pod = objects.deployment.spec?.template.spec;
  const container = pod?.containers[0];
  if (pod === undefined || container === undefined) throw new Error('no pod spec');
  return { ...objects, pod, container };
}

const managed = { 'app.kubernetes.io/managed-by': 'streamspace', 'streamspace.io/session': 's1' };
const allLabels = { ...managed, 'streamspace.io/user': 'alice', 'streamspace.io/template': 'chromium' };

describe('buildSessionObjects', () => {
  it('refuses a session without a kubernetes section', () => {
    expect(() => buildSessionObjects(spec({ kubernetes: undefined }), defaults)).toThrow(
      /no kubernetes section/,
    );
  });

  it('puts every object in the namespace with all four labels', () => {
    const o = build(spec(), KubernetesSettings.parse({ namespace: 'desktops' }));
    for (const obj of [o.deployment, o.service, o.secret, o.networkPolicy]) {
      expect(obj.metadata?.namespace).toBe('desktops');
      expect(obj.metadata?.labels).toEqual(allLabels);
    }
    expect(o.deployment.spec?.template.metadata?.labels).toEqual(allLabels);
  });

  it('selects the session pod by managed-by and session only', () => {
    const o = build();
    expect(o.deployment.spec?.selector.matchLabels).toEqual(managed);
    expect(o.service.spec?.selector).toEqual(managed);
    expect(o.networkPolicy.spec?.podSelector?.matchLabels).toEqual(managed);
  });

  it('runs one replica, recreated, with little history', () => {
    const d = build().deployment.spec;
    expect(d?.replicas).toBe(1);
    expect(d?.strategy).toEqual({ type: 'Recreate' });
    expect(d?.revisionHistoryLimit).toBe(1);
  });

  it('hardens the pod and the container', () => {
    const { pod, container } = build(
      spec(),
      KubernetesSettings.parse({ runAsUser: 4242, imagePullPolicy: 'Always' }),
    );
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 4242,
      runAsGroup: 4242,
      fsGroup: 4242,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers).toHaveLength(1);
    expect(container.name).toBe('session');
    expect(container.image).toBe('ghcr.io/streamspace/chromium:latest');
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
    });
    expect(container.ports).toEqual([{ name: 'vnc', containerPort: 5900, protocol: 'TCP' }]);
    expect(container.readinessProbe?.tcpSocket?.port).toBe('vnc');
    expect(container.readinessProbe?.periodSeconds).toBeLessThanOrEqual(2);
  });

  it('passes the template env sorted and keeps the password out of the pod', () => {
    const o = build();
    expect(o.container.env).toEqual([
      { name: 'ALPHA', value: 'a' },
      { name: 'ZED', value: 'z' },
    ]);
    expect(JSON.stringify(o.deployment)).not.toContain('pw5ecr3t');
    expect(JSON.stringify(o.service)).not.toContain('pw5ecr3t');
  });

  it('carries the password in an immutable Opaque Secret mounted read-only', () => {
    const o = build();
    expect(o.secret.type).toBe('Opaque');
    expect(o.secret.immutable).toBe(true);
    expect(o.secret.stringData).toEqual({ [VNC_SECRET_KEY]: 'pw5ecr3t' });
    expect(o.secret.metadata?.name).toBe('s1-vnc');
    const volume = o.pod.volumes?.find((v) => v.secret !== undefined);
    expect(volume?.secret).toEqual({
      secretName: 's1-vnc',
      items: [{ key: 'password', path: 'password' }],
      defaultMode: 0o440,
    });
    const mount = o.container.volumeMounts?.find((m) => m.name === volume?.name);
    expect(mount).toEqual({ name: volume?.name, mountPath: VNC_SECRET_MOUNT, readOnly: true });
  });

  it('gives /tmp and a memory-backed /dev/shm', () => {
    const o = build();
    const byMount = (path: string) => {
      const mount = o.container.volumeMounts?.find((m) => m.mountPath === path);
      return o.pod.volumes?.find((v) => v.name === mount?.name);
    };
    expect(byMount('/tmp')?.emptyDir).toEqual({});
    expect(byMount('/dev/shm')?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1024Mi' });
    expect(byMount('/home/streamspace')?.emptyDir).toEqual({});
  });

  it('sizes /dev/shm from the memory limit', () => {
    expect(shmSizeLimit('256Mi')).toBe('128Mi');
    expect(shmSizeLimit('64Mi')).toBe('64Mi');
    expect(shmSizeLimit('16Gi')).toBe('1024Mi');
  });

  it('clamps requests and limits to the maximum', () => {
    const o = build(spec({ resources: { memory: '64Gi', cpu: '500m' } }));
    const clamped = { memory: '4Gi', cpu: '500m' };
    expect(o.container.resources).toEqual({ requests: clamped, limits: clamped });
  });

  it('exposes the VNC port on a ClusterIP Service', () => {
    expect(build(spec({ kubernetes: { image: 'x', vncPort: 5901, env: {} } })).service.spec).toEqual({
      type: 'ClusterIP',
      selector: managed,
      ports: [{ name: 'vnc', protocol: 'TCP', port: 5901, targetPort: 'vnc' }],
    });
  });

  it('lets only the agent pods reach the VNC port', () => {
    const o = build(spec(), KubernetesSettings.parse({ agentPodLabels: { app: 'agent' } }));
    expect(o.networkPolicy.spec?.policyTypes).toEqual(['Ingress']);
    expect(o.networkPolicy.spec?.ingress).toEqual([
      {
        _from: [{ podSelector: { matchLabels: { app: 'agent' } } }],
        ports: [{ protocol: 'TCP', port: 5900 }],
      },
    ]);
  });

  it('admits nobody when no agent labels are set', () => {
    const o = build(spec(), KubernetesSettings.parse({ agentPodLabels: {} }));
    expect(o.networkPolicy.spec?.ingress).toEqual([]);
  });

  it('has no home claim without persistentHome', () => {
    expect(build().homeClaim).toBeUndefined();
  });

  it('mounts a per-user claim with persistentHome, labelled without the session', () => {
    const o = build(spec({ persistentHome: true }));
    expect(o.homeClaim).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'home-alice',
        namespace: 'streamspace',
        labels: { 'app.kubernetes.io/managed-by': 'streamspace', 'streamspace.io/user': 'alice' },
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
    });
    const home = o.pod.volumes?.find((v) => v.name === 'home');
    expect(home).toEqual({ name: 'home', persistentVolumeClaim: { claimName: 'home-alice' } });
  });

  it('sets a storage class only when configured', () => {
    const settings = KubernetesSettings.parse({ storageClass: 'fast-ssd', homeSize: '20Gi' });
    const claim = build(spec({ persistentHome: true }), settings).homeClaim;
    expect(claim?.spec?.storageClassName).toBe('fast-ssd');
    expect(claim?.spec?.resources?.requests).toEqual({ storage: '20Gi' });
    expect(JSON.stringify(build(spec({ persistentHome: true })).homeClaim)).not.toContain('storageClassName');
  });

  it('names every object validly, even for a session starting with a digit', () => {
    const o = build(spec({ name: '9lives', persistentHome: true }));
    for (const obj of [o.deployment, o.service, o.secret, o.networkPolicy, o.homeClaim]) {
      expect(isDnsLabel(obj?.metadata?.name ?? '')).toBe(true);
    }
    expect(isDns1035Label(o.service.metadata?.name ?? '')).toBe(true);
  });

  it('is deterministic', () => {
    const s = spec({ persistentHome: true });
    expect(buildSessionObjects(s, defaults)).toEqual(buildSessionObjects(s, defaults));
  });

  it('loses nothing through the client-node serializer', () => {
    const o = buildSessionObjects(spec({ persistentHome: true }), defaults);
    const pairs: [unknown, string][] = [
      [o.deployment, 'V1Deployment'],
      [o.service, 'V1Service'],
      [o.secret, 'V1Secret'],
      [o.networkPolicy, 'V1NetworkPolicy'],
      [o.homeClaim, 'V1PersistentVolumeClaim'],
    ];
    for (const [object, type] of pairs) {
      const wire = JSON.stringify(object).replaceAll('"_from":', '"from":');
      expect(ObjectSerializer.serialize(object, type, '')).toEqual(JSON.parse(wire));
    }
  });
});
