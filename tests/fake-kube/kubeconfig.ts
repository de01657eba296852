import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { FakeKube } from './fake-kube.js';

// Points client-node at the fake the way a kind cluster's kubeconfig would, so code under test
// can take either a KubeConfig object or a kubeconfig file path.

export const FAKE_CONTEXT = 'kind-streamspace';

export interface KubeConfigParams {
  token?: string;
  namespace?: string;
}

export function kubeConfigYamlFor(
  fake: Pick<FakeKube, 'url' | 'token'>,
  params: KubeConfigParams = {},
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is marked off, though no TLS is used.
    clusters: [{ name: FAKE_CONTEXT, cluster: { server: fake.url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: FAKE_CONTEXT, user: { token: params.token ?? fake.token } }],
    contexts: [
      {
        name: FAKE_CONTEXT,
        context: {
          cluster: FAKE_CONTEXT,
          user: FAKE_CONTEXT,
          ...(params.namespace === undefined ? {} : { namespace: params.namespace }),
        },
      },
    ],
    'current-context': FAKE_CONTEXT,
  });
}

export function kubeConfigFor(
  fake: Pick<FakeKube, 'url' | 'token'>,
  params: KubeConfigParams = {},
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeConfigYamlFor(fake, params));
  return kc;
}
