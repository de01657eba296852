import type { ResourceType } from './resources.js';
import { failure, forbidden, KubeError } from './status.js';
import type { Verb } from './types.js';

// Test hooks that make the fake refuse requests the way a real cluster would: RBAC denials and
// transient server errors (500 from a failing etcd, 429 from priority-and-fairness).

export interface ForbidRule {
  verb: Verb | 'watch' | '*';
  /** Plural, optionally with subresource: "deployments", "deployments/scale", "pods/portforward". */
  resource: string;
  namespace?: string;
}

export interface FailOptions {
  status?: 500 | 429 | 503;
  retryAfterSeconds?: number;
  /** Only requests with this verb/resource count against N; others pass. */
  verb?: Verb;
  resource?: string;
}

interface PendingFailure extends FailOptions {
  remaining: number;
}

export interface RequestFacts {
  verb: Verb;
  type: ResourceType;
  subresource: string | undefined;
  namespace: string;
  name: string | undefined;
  user: string;
}

export class Faults {
  private readonly forbidden: ForbidRule[] = [];
  private readonly failures: PendingFailure[] = [];

  forbid(rule: ForbidRule): () => void {
    this.forbidden.push(rule);
    return () => {
      const index = this.forbidden.indexOf(rule);
      if (index >= 0) this.forbidden.splice(index, 1);
    };
  }

  failNext(count: number, options: FailOptions = {}): void {
    this.failures.push({ ...options, remaining: count });
  }

  clear(): void {
    this.forbidden.length = 0;
    this.failures.length = 0;
  }

  /** Throws the KubeError the request should get, if any hook applies. */
  check(facts: RequestFacts): void {
    const resource =
      facts.subresource === undefined ? facts.type.plural : `${facts.type.plural}/${facts.subresource}`;
    const pending = this.failures.find(
      (f) =>
        f.remaining > 0 &&
        (f.verb === undefined || f.verb === facts.verb) &&
        (f.resource === undefined || f.resource === resource),
    );
    if (pending !== undefined) {
      pending.remaining--;
      throw injected(pending);
    }
    const denied = this.forbidden.some(
      (rule) =>
        (rule.verb === '*' || rule.verb === facts.verb) &&
        rule.resource === resource &&
        (rule.namespace === undefined || rule.namespace === facts.namespace),
    );
    if (denied) {
      const request = {
        type: facts.type,
        verb: facts.verb,
        user: facts.user,
        namespace: facts.namespace,
        ...(facts.name === undefined ? {} : { name: facts.name }),
        ...(facts.subresource === undefined ? {} : { subresource: facts.subresource }),
      };
      throw forbidden(request);
    }
  }
}

function injected(options: FailOptions): KubeError {
  const status = options.status ?? 500;
  if (status === 429) {
    const retryAfterSeconds = options.retryAfterSeconds ?? 1;
    return new KubeError(
      failure(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }),
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
  if (status === 503) {
    return new KubeError(
      failure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
    );
  }
  const message = 'fake-kube injected failure';
  return new KubeError(
    failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  );
}
