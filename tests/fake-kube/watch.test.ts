import { AppsV1Api, CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeKube, kubeConfigFor, startFakeKube } from './index.js';
import { recorded, waitFor } from './test-support.js';

const ns = 'streamspace';
const path = `/api/v1/namespaces/${ns}/pods`;

interface Seen {
  type: string;
  name: string | undefined;
  object: {
    metadata?: { name?: string; resourceVersion?: string };
    code?: number;
    reason?: string;
    message?: string;
  };
}

describe('fake kube watch', () => {
  let fake: FakeKube;
  afterEach(async () => {
    await fake.stop();
  });

  async function watchPods(kc: ReturnType<typeof kubeConfigFor>, query: Record<string, string>) {
    const seen: Seen[] = [];
    let ended = false;
    const controller = await new Watch(kc).watch(
      path,
      query,
      (type, object: Seen['object']) => seen.push({ type, name: object.metadata?.name, object }),
      () => {
        ended = true;
      },
    );
    return { seen, ended: () => ended, controller };
  }

  it('streams ADDED/MODIFIED/DELETED in order, resumes, bookmarks, and 410s after compaction', async () => {
    fake = await startFakeKube({ bookmarkIntervalMs: 50, kubelet: { scheduleDelayMs: 1000 } });
    const kc = kubeConfigFor(fake);
    const core = kc.makeApiClient(CoreV1Api);
    const start = (await core.listNamespacedPod({ namespace: ns })).metadata?.resourceVersion as string;
    const live = await watchPods(kc, {
      resourceVersion: start,
      allowWatchBookmarks: 'true',
      labelSelector: 'app=x',
    });
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'p1', labels: { app: 'x' } },
        spec: { containers: [{ name: 'c', image: 'i:1' }] },
      },
    });
    await core.patchNamespacedPod({
      name: 'p1',
      namespace: ns,
      body: [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }],
    });
    // Relabelling out of the selector is a DELETED for this watcher, as in transcript 07.
    await core.patchNamespacedPod({
      name: 'p1',
      namespace: ns,
      body: [{ op: 'replace', path: '/metadata/labels/app', value: 'y' }],
    });
    await waitFor(() => (live.seen.filter((e) => e.type !== 'BOOKMARK').length >= 3 ? true : undefined));
    await waitFor(() => (live.seen.some((e) => e.type === 'BOOKMARK') ? true : undefined));
    expect(live.seen.filter((e) => e.type !== 'BOOKMARK').map((e) => e.type)).toEqual([
      'ADDED',
      'MODIFIED',
      'DELETED',
    ]);
    const modifiedRv = live.seen.find((e) => e.type === 'MODIFIED')?.object.metadata
      ?.resourceVersion as string;

    const resumed = await watchPods(kc, { resourceVersion: modifiedRv });
    await waitFor(() => (resumed.seen.length >= 1 ? true : undefined));
    expect(resumed.seen.map((e) => [e.type, e.name])).toEqual([['MODIFIED', 'p1']]);

    expect(fake.dropWatches()).toBe(2);
    await waitFor(() => (live.ended() && resumed.ended() ? true : undefined));

    fake.compact();
    const expired = await watchPods(kc, { resourceVersion: start });
    await waitFor(() => (expired.ended() ? true : undefined));
    const real = recorded('08-watch-expired-410', 'too old').response as unknown as {
      events: { event: Seen }[];
    };
    expect(expired.seen.map((e) => e.type)).toEqual(['ERROR']);
    const error = expired.seen[0]?.object;
    expect({ ...error, message: undefined }).toEqual({ ...real.events[0]?.event.object, message: undefined });
    expect(error?.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('starts with synthetic ADDED events when no resourceVersion is given', async () => {
    fake = await startFakeKube({ kubelet: { scheduleDelayMs: 1000 } });
    const kc = kubeConfigFor(fake);
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'd' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
        },
      },
    });
    await waitFor(() => (fake.list('pods', ns).length === 1 ? true : undefined));
    const w = await watchPods(kc, {});
    await waitFor(() => (w.seen.length === 1 ? true : undefined));
    expect(w.seen[0]?.type).toBe('ADDED');
    w.controller.abort();
  });
});
