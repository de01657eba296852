import { DnsLabel, type KubeContextList, type LocalStackSettings } from '../../../protocol';

/** What the stack uses when no context is saved; preselected only if the kubeconfig has it. */
export const DEFAULT_KUBE_CONTEXT = 'kind-streamspace';
/** What the stack uses when no namespace is saved. */
export const DEFAULT_KUBE_NAMESPACE = 'streamspace';

export type Runtime = LocalStackSettings['runtime'];

/** The settings as the form edits them: plain strings, '' for "not set". */
export interface LocalStackForm {
  runtime: Runtime;
  kubeContext: string;
  kubeNamespace: string;
  kubeconfig: string;
}

export type FormField = 'kubeContext' | 'kubeNamespace' | 'kubeconfig';
export type FormErrors = Partial<Record<FormField, string>>;

export type FormResult = { ok: true; settings: LocalStackSettings } | { ok: false; errors: FormErrors };

export interface ContextOption {
  value: string;
  label: string;
  /** The "choose one" placeholder: shown, never selectable again. */
  placeholder?: boolean;
}

export function formFromSettings(settings: LocalStackSettings): LocalStackForm {
  return {
    runtime: settings.runtime,
    kubeContext: settings.kubeContext ?? '',
    kubeNamespace: settings.kubeNamespace ?? DEFAULT_KUBE_NAMESPACE,
    kubeconfig: settings.kubeconfig ?? '',
  };
}

/**
 * The context to select once the list is known: the one already chosen (the saved one at first),
 * even if the kubeconfig lacks it, so it is never swapped behind the user's back; else
 * kind-streamspace if present; else none. Never the kubeconfig's current context: that is often
 * a production cluster, and picking it must be a deliberate act.
 */
export function preselectContext(chosen: string, contexts: readonly string[]): string {
  if (chosen.trim() !== '') return chosen;
  return contexts.includes(DEFAULT_KUBE_CONTEXT) ? DEFAULT_KUBE_CONTEXT : '';
}

/** The options of the context select, with the current context labelled as such. */
export function contextOptions(
  contexts: readonly string[],
  current: string | undefined,
  selected: string,
): ContextOption[] {
  const options: ContextOption[] = contexts.map((name) => ({
    value: name,
    label: name === current ? `${name} (current)` : name,
  }));
  if (selected === '') {
    options.unshift({ value: '', label: 'Choose a context', placeholder: true });
  } else if (!contexts.includes(selected)) {
    options.unshift({ value: selected, label: `${selected} (not in this kubeconfig)` });
  }
  return options;
}

/** The contexts to check a choice against; null when they could not be listed. */
export function listedContexts(list: KubeContextList | null): readonly string[] | null {
  return list?.ok ? list.contexts : null;
}

function namespaceError(value: string): string | undefined {
  if (value === '') return `Enter a namespace, e.g. ${DEFAULT_KUBE_NAMESPACE}.`;
  const parsed = DnsLabel.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'too_big') return 'The namespace must be at most 63 characters.';
  return `The namespace ${issue?.message ?? 'is not a valid name'}.`;
}

/**
 * The settings to save, or what is wrong with the form. `saved` is what is stored now: with the
 * local runtime its kube fields are kept as they are (the form hides them), and a value equal to
 * a default the saved settings left unset stays unset, so saving an unchanged form changes nothing
 * and does not restart the stack. `contexts` are the kubeconfig's contexts, or null if unknown.
 */
export function settingsFromForm(
  form: LocalStackForm,
  saved: LocalStackSettings,
  contexts: readonly string[] | null,
): FormResult {
  if (form.runtime === 'local') return { ok: true, settings: { ...saved, runtime: 'local' } };

  const errors: FormErrors = {};
  const kubeContext = form.kubeContext.trim();
  const kubeNamespace = form.kubeNamespace.trim();
  const kubeconfig = form.kubeconfig.trim();

  if (kubeContext === '') errors.kubeContext = 'Choose a context.';
  else if (kubeContext.length > 253) errors.kubeContext = 'The context name is too long.';
  else if (contexts && !contexts.includes(kubeContext)) {
    errors.kubeContext = `The kubeconfig has no context “${kubeContext}”.`;
  }
  const nsError = namespaceError(kubeNamespace);
  if (nsError) errors.kubeNamespace = nsError;
  if (kubeconfig.length > 4096) errors.kubeconfig = 'The path is too long.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const settings: LocalStackSettings = { runtime: 'kubernetes', kubeContext };
  const keepDefaultUnset = kubeNamespace === DEFAULT_KUBE_NAMESPACE && saved.kubeNamespace === undefined;
  if (!keepDefaultUnset) settings.kubeNamespace = kubeNamespace;
  if (kubeconfig !== '') settings.kubeconfig = kubeconfig;
  return { ok: true, settings };
}

/** The kubeconfig to list contexts of: undefined for KUBECONFIG or ~/.kube/config. */
export function kubeconfigArg(form: Pick<LocalStackForm, 'kubeconfig'>): string | undefined {
  const path = form.kubeconfig.trim();
  return path === '' ? undefined : path;
}

/** What the Save button reports: main restarts the stack only when the settings really changed. */
export function savedMessage(before: LocalStackSettings, after: LocalStackSettings): string {
  return sameSettings(before, after) ? 'Saved — nothing changed.' : 'Saved — the local stack restarts.';
}

export function sameSettings(a: LocalStackSettings, b: LocalStackSettings): boolean {
  const keys = ['runtime', 'kubeContext', 'kubeNamespace', 'kubeconfig'] as const;
  return keys.every((key) => a[key] === b[key]);
}
