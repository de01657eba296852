import { z } from 'zod';
import { DnsLabel } from './names';

/**
 * Messages the local stack child process (out/server/serve.js) sends to its parent over the message
 * channel: Electron's utilityProcess parentPort, or the fork IPC channel under plain Node. Over a
 * plain terminal it prints the URL instead.
 */
export const StackMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string().url(), runtime: z.string() }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type StackMessage = z.infer<typeof StackMessage>;

/**
 * What the parent sends the stack. `config` comes first, and the stack starts nothing before it:
 * secrets travel here because the environment and argv of a process are readable by other programs
 * of the same user (/proc/<pid>/environ, ps) and end up in crash reports.
 */
export const StackControl = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('config'),
    adminPassword: z.string().min(1).max(1024),
    /** Per launch: the stack proves with it that it is the one answering /readyz (see LAUNCH_PROOF). */
    secret: z.string().min(32).max(256),
  }),
  /** Quit: stop every session (their Xvnc included) before exiting, rather than leaving them to adopt. */
  z.strictObject({ type: z.literal('shutdown'), terminateSessions: z.boolean() }),
]);
export type StackControl = z.infer<typeof StackControl>;

/**
 * The launch proof on /readyz: main sends a random challenge in the first header, and the stack
 * answers HMAC-SHA256(secret, challenge) as base64url in the second. Another program that took the
 * port cannot answer it, so main never signs its admin password in to a stranger.
 */
export const LAUNCH_PROOF = {
  challengeHeader: 'x-streamspace-launch-challenge',
  proofHeader: 'x-streamspace-launch-proof',
} as const;

/**
 * Environment the stack reads; main sets dataDir and allowedOrigins when it starts the child. The
 * admin password only comes from here in headless mode: under main it comes in the config message.
 */
export const STACK_ENV = {
  adminPassword: 'STREAMSPACE_ADMIN_PASSWORD',
  dataDir: 'STREAMSPACE_DATA_DIR',
  port: 'PORT',
  allowedOrigins: 'STREAMSPACE_ALLOWED_ORIGINS',
  /** Fallbacks of the runtime flags below; a flag wins. */
  runtime: 'STREAMSPACE_RUNTIME',
  kubeconfig: 'STREAMSPACE_KUBECONFIG',
  kubeContext: 'STREAMSPACE_KUBE_CONTEXT',
  kubeNamespace: 'STREAMSPACE_KUBE_NAMESPACE',
} as const;

/** The stack's runtime flags: `npm run serve -- --runtime kubernetes --context NAME ...`. */
export const STACK_FLAGS = {
  runtime: 'runtime',
  kubeconfig: 'kubeconfig',
  kubeContext: 'context',
  kubeNamespace: 'namespace',
} as const;

/**
 * The local profile's choice of runtime, as the desktop app stores it. The kube fields are kept
 * while the local runtime is chosen, so switching back does not lose them.
 */
export const LocalStackSettings = z.strictObject({
  runtime: z.enum(['local', 'kubernetes']).default('local'),
  /** Unset: the stack uses kind-streamspace, and refuses to start without it. */
  kubeContext: z.string().trim().min(1).max(253).optional(),
  /** Unset: streamspace. */
  kubeNamespace: DnsLabel.optional(),
  /** Unset: KUBECONFIG, else ~/.kube/config. */
  kubeconfig: z.string().trim().min(1).max(4096).optional(),
});
export type LocalStackSettings = z.infer<typeof LocalStackSettings>;
export type LocalStackSettingsInput = z.input<typeof LocalStackSettings>;

/** The stack's command-line flags for `settings`. --runtime always goes: a stray env var must not win. */
export function localStackArgs(settings: LocalStackSettings): string[] {
  const args = [`--${STACK_FLAGS.runtime}`, settings.runtime];
  if (settings.runtime !== 'kubernetes') return args;
  const optional = ['kubeconfig', 'kubeContext', 'kubeNamespace'] as const;
  for (const key of optional) {
    const value = settings[key];
    // `--flag=value`: a value starting with a dash must not read as another flag.
    if (value !== undefined) args.push(`--${STACK_FLAGS[key]}=${value}`);
  }
  return args;
}

/** What a settings screen can offer as contexts, or why it cannot offer any. */
export const KubeContextList = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), contexts: z.array(z.string()), current: z.string().optional() }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type KubeContextList = z.infer<typeof KubeContextList>;
