import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LocalStackSettings, type LocalStackSettingsInput, localStackArgs } from '../protocol';
import { runtimeChoice } from './runtime-choice';
import { StackError } from './stack-error';

describe('runtimeChoice', () => {
  it('defaults to the local runtime', () => {
    expect(runtimeChoice({}, {})).toEqual({ name: 'local' });
    expect(runtimeChoice({}, { STREAMSPACE_RUNTIME: '' })).toEqual({ name: 'local' });
  });

  it('lets flags win over their variables', () => {
    const env = {
      STREAMSPACE_RUNTIME: 'local',
      STREAMSPACE_KUBECONFIG: '/env/kubeconfig',
      STREAMSPACE_KUBE_CONTEXT: 'env-context',
      STREAMSPACE_KUBE_NAMESPACE: 'env-ns',
    };
    expect(runtimeChoice({ runtime: 'kubernetes', context: 'kind-other' }, env)).toEqual({
      name: 'kubernetes',
      kubeconfig: '/env/kubeconfig',
      context: 'kind-other',
      namespace: 'env-ns',
    });
    expect(runtimeChoice({}, { ...env, STREAMSPACE_RUNTIME: 'kubernetes' })).toMatchObject({
      context: 'env-context',
    });
    // KUBECONFIG itself is the kubeconfig loader's to read.
    expect(runtimeChoice({}, { STREAMSPACE_RUNTIME: 'kubernetes', KUBECONFIG: '/k' })).toEqual({
      name: 'kubernetes',
    });
  });

  it('refuses unknown runtimes and kubernetes flags without it', () => {
    expect(() => runtimeChoice({ runtime: 'docker' }, {})).toThrow(
      new StackError('unknown runtime docker; expected local or kubernetes', 'invalid_option'),
    );
    expect(() => runtimeChoice({ context: 'x', namespace: 'y' }, {})).toThrow(
      '--context, --namespace only apply to --runtime kubernetes',
    );
    expect(runtimeChoice({}, { STREAMSPACE_KUBE_CONTEXT: 'x' })).toEqual({ name: 'local' });
  });

  it("reads back the flags the desktop app's settings become", () => {
    const read = (input: LocalStackSettingsInput) => {
      const args = localStackArgs(LocalStackSettings.parse(input));
      const string = { type: 'string' } as const;
      const { values } = parseArgs({
        args,
        options: { runtime: string, kubeconfig: string, context: string, namespace: string },
      });
      return runtimeChoice(values, { STREAMSPACE_RUNTIME: 'kubernetes' });
    };
    expect(read({})).toEqual({ name: 'local' });
    expect(read({ runtime: 'local', kubeContext: 'kept-for-later' })).toEqual({ name: 'local' });
    expect(read({ runtime: 'kubernetes', kubeContext: 'kind-streamspace', kubeNamespace: 'desk' })).toEqual({
      name: 'kubernetes',
      context: 'kind-streamspace',
      namespace: 'desk',
    });
  });
});
