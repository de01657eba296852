import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ApiException } from '@kubernetes/client-node';

// Helpers for the fake's own tests: transcript lookup, error-body extraction, polling.

const TRANSCRIPTS = '/work/shared/kubernetes';

export interface Exchange {
  step: string;
  response: { status: number; body?: Record<string, unknown> };
}

/** The recorded exchange whose step contains `step`, from one transcript file. */
export function recorded(file: string, step: string): Exchange {
  const lines = readFileSync(`${TRANSCRIPTS}/${file}.jsonl`, 'utf8').split('\n').filter(Boolean);
  const found = lines.map((line) => JSON.parse(line) as Exchange).find((e) => e.step.includes(step));
  if (found === undefined) throw new Error(`no step "${step}" in ${file}`);
  return found;
}

/** The fields a client can rely on in a Status, for comparing fake and real. */
export function statusShape(body: unknown): Record<string, unknown> {
  const status = body as Record<string, unknown>;
  const details = (status.details ?? {}) as Record<string, unknown>;
  return {
    kind: status.kind,
    apiVersion: status.apiVersion,
    metadata: status.metadata,
    status: status.status,
    reason: status.reason,
    code: status.code,
    detailKeys: Object.keys(details).sort(),
  };
}

/** Runs `call`, expecting an ApiException, and returns its code and parsed Status body. */
export async function apiFailure(
  call: Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const raw: unknown = error.body;
    const body = typeof raw === 'string' && raw !== '' ? (JSON.parse(raw) as Record<string, unknown>) : {};
    return { code: error.code, body };
  }
  throw new Error('expected the call to fail');
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const SESSION_LABELS = {
  'app.kubernetes.io/managed-by': 'streamspace',
  'streamspace.io/session': 's1',
  'streamspace.io/user': 'alice',
};

export function deployment(
  name: string,
  labels: Record<string, string> = SESSION_LABELS,
  image = 'example/xterm:1',
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'xterm', image, ports: [{ containerPort: 5900, name: 'vnc' }] }] },
      },
    },
  };
}

/** Everything the stream has given so far, as UTF-8, each time the returned function is called. */
export function collect(stream: Readable): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return () => text;
}
