import { RuntimeName, STACK_ENV, STACK_FLAGS } from '../protocol';
import { StackError } from './stack-error';

/** Which runtime the local stack runs, and for kubernetes where. */
export type RuntimeChoice =
  | { name: 'local' }
  | { name: 'kubernetes'; kubeconfig?: string; context?: string; namespace?: string };

/** The runtime flags as node:util parseArgs hands them over. */
export type RuntimeFlags = Partial<Record<(typeof STACK_FLAGS)[keyof typeof STACK_FLAGS], string>>;

type Env = Readonly<Record<string, string | undefined>>;

const KUBE_OPTIONS = [
  ['kubeconfig', STACK_FLAGS.kubeconfig, STACK_ENV.kubeconfig],
  ['context', STACK_FLAGS.kubeContext, STACK_ENV.kubeContext],
  ['namespace', STACK_FLAGS.kubeNamespace, STACK_ENV.kubeNamespace],
] as const;

/** The stack's runtime from its flags, each falling back to its variable; empty counts as unset. */
export function runtimeChoice(flags: RuntimeFlags, env: Env): RuntimeChoice {
  const pick = (flag: string | undefined, variable: string) => flag || env[variable] || undefined;
  const requested = pick(flags.runtime, STACK_ENV.runtime);
  const name = requested === undefined ? undefined : RuntimeName.safeParse(requested);
  if (name && !name.success) {
    throw new StackError(`unknown runtime ${requested}; expected local or kubernetes`, 'invalid_option');
  }
  if (name?.data !== 'kubernetes') {
    // Flags only: variables of a shared environment should not stop the local runtime.
    const stray = KUBE_OPTIONS.filter(([, flag]) => flags[flag] !== undefined).map(([, flag]) => `--${flag}`);
    if (stray.length > 0) {
      const verb = stray.length > 1 ? 'apply' : 'applies';
      throw new StackError(`${stray.join(', ')} only ${verb} to --runtime kubernetes`, 'invalid_option');
    }
    return { name: 'local' };
  }
  const choice: RuntimeChoice = { name: 'kubernetes' };
  for (const [key, flag, variable] of KUBE_OPTIONS) {
    const value = pick(flags[flag], variable);
    if (value !== undefined) choice[key] = value;
  }
  return choice;
}
