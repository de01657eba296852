import { describe, expect, it } from 'vitest';
import { kubeCall } from './kube-call';
import { KubeApiError } from './kube-errors';

const context = { retry: { attemptTimeoutMs: 200, backoff: { initialMs: 5, maxMs: 20 } }, random: () => 0.5 };
const httpError = (code: number, headers: Record<string, string> = {}) => ({
  code,
  body: JSON.stringify({ kind: 'Status', message: `said ${code}` }),
  headers,
});

describe('kubeCall', () => {
  it('retries 5xx and 429 until one succeeds', async () => {
    const answers = [httpError(500), httpError(429), httpError(503)];
    let calls = 0;
    const result = await kubeCall(context, 'createSecret', 'ns', Date.now() + 5_000, async () => {
      calls++;
      const next = answers.shift();
      if (next) throw next;
      return 'made';
    });
    expect(result).toBe('made');
    expect(calls).toBe(4);
  });

  it('does not retry what will not change by itself, and names it', async () => {
    let calls = 0;
    const failure = await kubeCall(context, 'scaleDeployment', 'team-a', Date.now() + 5_000, async () => {
      calls++;
      throw httpError(403);
    }).catch((error: unknown) => error);
    expect(calls).toBe(1);
    expect(failure).toBeInstanceOf(KubeApiError);
    expect((failure as KubeApiError).kind).toBe('forbidden');
    expect(String(failure)).toContain(
      'RBAC refused to update deployments/scale.apps in namespace team-a: grant the agent\'s ServiceAccount "update" on "deployments/scale" in API group apps',
    );
  });

  it('gives up at the deadline with the last failure', async () => {
    const started = Date.now();
    const failure = await kubeCall(context, 'listPods', 'ns', Date.now() + 150, async () => {
      throw httpError(500);
    }).catch((error: unknown) => error);
    expect((failure as KubeApiError).status).toBe(500);
    expect(String(failure)).toContain('said 500');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('cuts off a request that hangs and retries it', async () => {
    let calls = 0;
    const result = await kubeCall(
      { ...context, retry: { ...context.retry, attemptTimeoutMs: 50 } },
      'readDeployment',
      'ns',
      Date.now() + 2_000,
      (options) => {
        calls++;
        if (calls > 1) return Promise.resolve('late but fine');
        // Resolves never: only the per-attempt abort ends it.
        void options;
        return new Promise<string>(() => {});
      },
    );
    expect(result).toBe('late but fine');
    expect(calls).toBe(2);
  });
});
