import { KUBE_OPERATIONS, type KubeOperationName } from './operations';

export type KubeErrorKind =
  | 'forbidden'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'unknown';

/** A failed API call, named the way RBAC and a person reading the log would name it. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';

  constructor(
    readonly kind: KubeErrorKind,
    readonly operation: KubeOperationName,
    readonly namespace: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'timeout' || this.kind === 'network';
  }
}

export function isKubeApiError(error: unknown, kind?: KubeErrorKind): error is KubeApiError {
  return error instanceof KubeApiError && (kind === undefined || error.kind === kind);
}

interface HttpFailure {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

/** client-node throws ApiException, whose body is the response text; duck-typed so tests can fake it. */
function httpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { code?: unknown; body?: unknown; headers?: unknown };
  if (typeof candidate.code !== 'number' || candidate.code < 100 || candidate.code > 599) return undefined;
  const headers =
    typeof candidate.headers === 'object' && candidate.headers !== null
      ? (candidate.headers as Record<string, string>)
      : {};
  return { code: candidate.code, body: candidate.body, headers };
}

/** The `message` of a Kubernetes Status body, which is what the API server says went wrong. */
export function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 300) || undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = (value as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

function kindOf(code: number): KubeErrorKind {
  if (code === 401) return 'unauthorized';
  if (code === 403) return 'forbidden';
  if (code === 404) return 'not_found';
  if (code === 409) return 'conflict';
  if (code === 400 || code === 422) return 'invalid';
  if (code === 429 || code >= 500) return 'unavailable';
  return 'unknown';
}

/** Seconds a 429 or 503 asked the client to wait, if it said. */
export function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof KubeApiError)) return undefined;
  const cause = httpFailure(error.cause);
  const header = cause?.headers['retry-after'];
  const seconds = header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 30) * 1000 : undefined;
}

/** Turns whatever a client-node call threw into a KubeApiError that says which call failed and why. */
export function toKubeApiError(
  error: unknown,
  operation: KubeOperationName,
  namespace: string,
  timedOut: boolean,
): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const { verb, group, resource } = KUBE_OPERATIONS[operation];
  const what = group === '' ? resource : `${resource}.${group}`;
  if (timedOut) {
    return new KubeApiError('timeout', operation, namespace, `${verb} ${what} timed out`, undefined, {
      cause: error,
    });
  }
  const failure = httpFailure(error);
  if (failure === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return new KubeApiError(
      'network',
      operation,
      namespace,
      `cannot reach the Kubernetes API (${verb} ${what}): ${reason}`,
      undefined,
      { cause: error },
    );
  }
  const kind = kindOf(failure.code);
  const said = statusMessage(failure.body);
  const message =
    kind === 'forbidden'
      ? `Kubernetes RBAC refused to ${verb} ${what} in namespace ${namespace}: grant the agent's ServiceAccount "${verb}" on "${resource}"${group === '' ? '' : ` in API group ${group}`} (resources/kubernetes/role.yaml has the Role)`
      : kind === 'unauthorized'
        ? `the Kubernetes API rejected the agent's credentials (${verb} ${what}); check the kubeconfig or token`
        : `${verb} ${what} in namespace ${namespace} failed with HTTP ${failure.code}${said ? `: ${said}` : ''}`;
  return new KubeApiError(kind, operation, namespace, message, failure.code, { cause: error });
}

/** The status code in ws's "Unexpected server response: 403" upgrade failure. */
function upgradeStatus(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String((error as { message?: unknown })?.message);
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Why a pod stream's WebSocket upgrade failed, named like any other API call that failed. */
export function describeUpgradeFailure(
  error: unknown,
  operation: KubeOperationName,
  target: { namespace: string; pod: string },
  what: string,
): Error {
  const status = upgradeStatus(error);
  if (status === 404) return new Error(`pod ${target.pod} is gone, so ${what} cannot be opened`);
  if (status !== undefined) {
    return toKubeApiError({ code: status, body: '', headers: {} }, operation, target.namespace, false);
  }
  const reason = error instanceof Error ? error.message : String((error as { message?: unknown })?.message);
  return new Error(`${what} to pod ${target.pod} failed: ${reason}`);
}
