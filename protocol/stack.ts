import { z } from 'zod';
import { DnsLabel } from './names';

/**
 * Messages the local stack child process (out/server/serve.js) sends to whoever forked it with an
 * IPC channel (Electron main). Over a plain terminal it prints the URL instead.
 */
export const StackMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string().url(), runtime: z.string() }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type StackMessage = z.infer<typeof StackMessage>;

/** Environment the stack reads; main sets the first four when it forks the child. */
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
