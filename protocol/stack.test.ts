import { describe, expect, it } from 'vitest';
import { LocalStackSettings, localStackArgs } from './stack';

describe('localStackArgs', () => {
  it('always names the runtime, and passes kube settings only to the kubernetes one', () => {
    expect(localStackArgs(LocalStackSettings.parse({}))).toEqual(['--runtime', 'local']);
    expect(
      localStackArgs({ runtime: 'local', kubeContext: 'kind-streamspace', kubeNamespace: 'desk' }),
    ).toEqual(['--runtime', 'local']);
    expect(localStackArgs({ runtime: 'kubernetes' })).toEqual(['--runtime', 'kubernetes']);
    expect(
      localStackArgs({
        runtime: 'kubernetes',
        kubeconfig: '/home/u/.kube/kind',
        kubeContext: '-odd-name',
        kubeNamespace: 'desk',
      }),
    ).toEqual([
      '--runtime',
      'kubernetes',
      '--kubeconfig=/home/u/.kube/kind',
      '--context=-odd-name',
      '--namespace=desk',
    ]);
  });
});

describe('LocalStackSettings', () => {
  it('defaults to the local runtime and checks the namespace', () => {
    expect(LocalStackSettings.parse({})).toEqual({ runtime: 'local' });
    expect(LocalStackSettings.parse({ runtime: 'kubernetes', kubeContext: ' prod ' })).toEqual({
      runtime: 'kubernetes',
      kubeContext: 'prod',
    });
    expect(LocalStackSettings.safeParse({ runtime: 'kubernetes', kubeNamespace: 'Bad_NS' }).success).toBe(
      false,
    );
    expect(LocalStackSettings.safeParse({ runtime: 'docker' }).success).toBe(false);
    expect(LocalStackSettings.safeParse({ runtime: 'local', extra: 1 }).success).toBe(false);
  });
});
