import { z } from 'zod';

/**
 * Messages the local stack child process (out/server/serve.js) sends to whoever forked it with an
 * IPC channel (Electron main). Over a plain terminal it prints the URL instead.
 */
export const StackMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string().url(), runtime: z.string() }),
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type StackMessage = z.infer<typeof StackMessage>;

/** Environment the stack reads; main sets these when it forks the child. */
export const STACK_ENV = {
  adminPassword: 'STREAMSPACE_ADMIN_PASSWORD',
  dataDir: 'STREAMSPACE_DATA_DIR',
  port: 'PORT',
  allowedOrigins: 'STREAMSPACE_ALLOWED_ORIGINS',
  runtime: 'STREAMSPACE_RUNTIME',
  kubeContext: 'STREAMSPACE_KUBE_CONTEXT',
} as const;
