import { createHash } from 'node:crypto';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'streamspace';
export const SESSION_LABEL = 'streamspace.io/session';
export const USER_LABEL = 'streamspace.io/user';
export const TEMPLATE_LABEL = 'streamspace.io/template';

/** Every object the runtime creates carries this, so lists and cleanup never touch anything else. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

const MAX_LABEL = 63;
const HASH_LENGTH = 8;
/** Room left for the name once `-<hash8>` is appended. */
const HASHED_BASE_MAX = MAX_LABEL - HASH_LENGTH - 1;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= MAX_LABEL && DNS1123_LABEL.test(value);
}

export function isDns1035Label(value: string): boolean {
  return value.length <= MAX_LABEL && DNS1035_LABEL.test(value);
}

export function isLabelValue(value: string): boolean {
  return value.length <= MAX_LABEL && LABEL_VALUE.test(value);
}

function hash8(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

function sanitizeDns(input: string): string {
  return input
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A changed or shortened name carries a hash of what it came from, so two inputs that sanitise
 * or truncate to the same text still get different names.
 */
function withHash(base: string, source: string): string {
  const cut = base.slice(0, HASHED_BASE_MAX).replace(/[^A-Za-z0-9]+$/, '');
  const hash = hash8(source);
  return cut === '' ? hash : `${cut}-${hash}`;
}

/**
 * `prefix + input` as a DNS-1123 label: returned as is when already valid (so sanitising is
 * idempotent), otherwise lowercased, with runs of other characters turned into one '-', trimmed,
 * cut to fit and suffixed with `-<first 8 hex of sha256(input)>`. Never empty. The prefix is the
 * caller's own constant and is expected to be lowercase letters, digits and dashes.
 */
export function dnsLabel(input: string, prefix = ''): string {
  const candidate = prefix + input;
  if (isDnsLabel(candidate)) return candidate;
  return withHash(sanitizeDns(candidate), input);
}

/**
 * A DNS-1035 label (what a Service name must be: it starts with a letter). A name that would
 * start with a digit gets an `s-` prefix and, being changed, the hash, so it cannot collide
 * with a name that really starts with `s-`.
 */
export function dns1035Label(input: string): string {
  const label = dnsLabel(input);
  if (isDns1035Label(label)) return label;
  return withHash(`s-${sanitizeDns(input)}`, input);
}

/**
 * A valid label value: returned as is when already valid, otherwise other characters become '-',
 * the ends are trimmed to letters or digits, and it is cut and hashed like `dnsLabel`. The empty
 * string is a valid value and stays empty.
 */
export function labelValue(input: string): string {
  if (isLabelValue(input)) return input;
  const base = input.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return withHash(base, input);
}

export function sessionSelector(session: string): string {
  return `${MANAGED_SELECTOR},${SESSION_LABEL}=${labelValue(session)}`;
}

export interface SessionObjectNames {
  deployment: string;
  service: string;
  secret: string;
  networkPolicy: string;
}

/**
 * Names of a session's objects. Each kind has its own name space in Kubernetes, so the
 * Deployment and the NetworkPolicy can share the session's name; the Service must also be a
 * DNS-1035 label, since its name becomes a DNS name.
 */
export function sessionObjectNames(session: string): SessionObjectNames {
  const base = dnsLabel(session);
  return {
    deployment: base,
    service: dns1035Label(session),
    secret: dnsLabel(`${session}-vnc`),
    networkPolicy: base,
  };
}

/** The per-user home claim; it outlives sessions, so it is named after the user alone. */
export function homeClaimName(user: string): string {
  return dnsLabel(user, 'home-');
}
