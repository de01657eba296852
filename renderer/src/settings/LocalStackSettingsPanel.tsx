import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { KubeContextList, LocalStackBridge, LocalStackSettings } from '../../../protocol';
import { describeError } from '../api/errors';
import {
  contextOptions,
  DEFAULT_KUBE_NAMESPACE,
  type FormErrors,
  type FormField,
  formFromSettings,
  kubeconfigArg,
  type LocalStackForm,
  listedContexts,
  preselectContext,
  type Runtime,
  savedMessage,
  settingsFromForm,
} from './local-stack-form';

const FIELD_IDS: Record<FormField, string> = {
  kubeContext: 'settings-kube-context',
  kubeNamespace: 'settings-kube-namespace',
  kubeconfig: 'settings-kubeconfig',
};
const FIELD_ORDER: FormField[] = ['kubeContext', 'kubeNamespace', 'kubeconfig'];

type Listing =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'done'; list: KubeContextList; kubeconfig: string | undefined }
  | { state: 'failed'; message: string; kubeconfig: string | undefined };

type SaveState =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; message: string }
  | { state: 'failed'; message: string };

/** The local profile's runtime: this computer's Xvnc, or a Kubernetes context. */
export function LocalStackSettingsPanel({ localStack }: { localStack: LocalStackBridge }) {
  const [saved, setSaved] = useState<LocalStackSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [form, setForm] = useState<LocalStackForm | null>(null);
  const [listing, setListing] = useState<Listing>({ state: 'idle' });
  const [errors, setErrors] = useState<FormErrors>({});
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  // Only the latest listing may land: the kubeconfig path can change while one is on its way.
  const listingSeq = useRef(0);

  useEffect(() => {
    let cancelled = false;
    localStack.getSettings().then(
      (settings) => {
        if (cancelled) return;
        setSaved(settings);
        setForm(formFromSettings(settings));
      },
      (error: unknown) => {
        if (!cancelled) setLoadError(describeError(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [localStack]);

  const listContexts = useCallback(
    (kubeconfig: string | undefined) => {
      const seq = ++listingSeq.current;
      setListing({ state: 'loading' });
      localStack.listKubeContexts(kubeconfig).then(
        (list) => {
          if (seq !== listingSeq.current) return;
          setListing({ state: 'done', list, kubeconfig });
          if (list.ok) {
            setForm((f) => f && { ...f, kubeContext: preselectContext(f.kubeContext, list.contexts) });
          }
        },
        (error: unknown) => {
          if (seq === listingSeq.current)
            setListing({ state: 'failed', message: describeError(error), kubeconfig });
        },
      );
    },
    [localStack],
  );

  // The contexts are listed the first time Kubernetes is showing.
  const wantsContexts = form?.runtime === 'kubernetes' && listing.state === 'idle';
  const initialKubeconfig = form ? kubeconfigArg(form) : undefined;
  useEffect(() => {
    if (wantsContexts) listContexts(initialKubeconfig);
  }, [wantsContexts, initialKubeconfig, listContexts]);

  if (loadError) {
    return (
      <p className="form-error" role="alert" data-testid="settings-load-error">
        The settings could not be read: {loadError}
      </p>
    );
  }
  if (!saved || !form) return <p className="muted placeholder">Loading the settings…</p>;

  const list = listing.state === 'done' ? listing.list : null;
  const contexts = list?.ok ? list.contexts : [];
  const current = list?.ok ? list.current : undefined;
  const listProblem = listing.state === 'failed' ? listing.message : list && !list.ok ? list.message : null;
  const options = contextOptions(contexts, current, form.kubeContext);

  function edit(patch: Partial<LocalStackForm>) {
    setForm((f) => f && { ...f, ...patch });
    setSave((s) => (s.state === 'saving' ? s : { state: 'idle' }));
    const cleared = Object.keys(patch) as FormField[];
    setErrors((e) => {
      const next = { ...e };
      for (const key of cleared) delete next[key];
      return next;
    });
  }

  function relistIfMoved() {
    if (!form) return;
    const path = kubeconfigArg(form);
    const listedFor = listing.state === 'done' || listing.state === 'failed' ? listing.kubeconfig : undefined;
    if (listing.state !== 'loading' && path !== listedFor) listContexts(path);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!form || !saved || save.state === 'saving') return;
    const result = settingsFromForm(form, saved, listedContexts(list));
    if (!result.ok) {
      setErrors(result.errors);
      const first = FIELD_ORDER.find((field) => result.errors[field]);
      if (first) document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    setErrors({});
    setSave({ state: 'saving' });
    try {
      const stored = await localStack.setSettings(result.settings);
      setSave({ state: 'saved', message: savedMessage(saved, stored) });
      setSaved(stored);
    } catch (error) {
      setSave({ state: 'failed', message: `The settings were not saved: ${describeError(error)}` });
    }
  }

  const kube = form.runtime === 'kubernetes';
  const errorProps = (field: FormField) =>
    errors[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${FIELD_IDS[field]}-error` } : {};

  return (
    <form className="settings-card" onSubmit={submit} aria-labelledby="settings-stack-heading" noValidate>
      <div className="settings-card-head">
        <h2 id="settings-stack-heading">Local stack</h2>
        <p className="muted">Where the local profile runs your sessions.</p>
      </div>

      <fieldset className="radio-group">
        <legend>Runtime</legend>
        <RuntimeChoice
          value="local"
          checked={form.runtime === 'local'}
          onChange={(runtime) => edit({ runtime })}
          label="This computer (Xvnc)"
          hint="Each session is an Xvnc display on this machine."
        />
        <RuntimeChoice
          value="kubernetes"
          checked={kube}
          onChange={(runtime) => edit({ runtime })}
          label="Kubernetes"
          hint="Each session is a pod in a cluster of your kubeconfig."
        />
      </fieldset>

      {kube && (
        <div className="settings-kube" data-testid="settings-kube">
          <div className="field">
            <label htmlFor={FIELD_IDS.kubeContext}>Context</label>
            <div className="field-row">
              <select
                id={FIELD_IDS.kubeContext}
                data-testid="settings-kube-context"
                value={form.kubeContext}
                onChange={(e) => edit({ kubeContext: e.target.value })}
                {...errorProps('kubeContext')}
              >
                {options.map((option) => (
                  <option key={option.value} value={option.value} disabled={option.placeholder}>
                    {option.label}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn"
                data-testid="settings-reload-contexts"
                disabled={listing.state === 'loading'}
                onClick={() => listContexts(kubeconfigArg(form))}
              >
                {listing.state === 'loading' ? 'Listing…' : 'Reload contexts'}
              </button>
            </div>
            {listProblem !== null ? (
              <div className="form-error" role="alert" data-testid="settings-contexts-error">
                <p>The contexts could not be listed: {listProblem}</p>
                <p>
                  Hint: run <code>npm run kind:up</code>, or check <code>KUBECONFIG</code>.
                </p>
              </div>
            ) : (
              list?.ok &&
              contexts.length === 0 && (
                <p className="form-error" role="alert" data-testid="settings-contexts-error">
                  The kubeconfig has no contexts. Hint: run <code>npm run kind:up</code>, or check{' '}
                  <code>KUBECONFIG</code>.
                </p>
              )
            )}
            <FieldError id={FIELD_IDS.kubeContext} message={errors.kubeContext} />
          </div>

          <div className="field">
            <label htmlFor={FIELD_IDS.kubeNamespace}>Namespace</label>
            <input
              id={FIELD_IDS.kubeNamespace}
              data-testid="settings-kube-namespace"
              autoCapitalize="none"
              autoComplete="off"
              spellCheck={false}
              placeholder={DEFAULT_KUBE_NAMESPACE}
              value={form.kubeNamespace}
              onChange={(e) => edit({ kubeNamespace: e.target.value })}
              {...errorProps('kubeNamespace')}
            />
            <FieldError id={FIELD_IDS.kubeNamespace} message={errors.kubeNamespace} />
          </div>

          <div className="field">
            <label htmlFor={FIELD_IDS.kubeconfig}>
              Kubeconfig path <span className="muted">(optional)</span>
            </label>
            <input
              id={FIELD_IDS.kubeconfig}
              data-testid="settings-kubeconfig"
              autoCapitalize="none"
              autoComplete="off"
              spellCheck={false}
              placeholder="KUBECONFIG, else ~/.kube/config"
              aria-describedby={
                errors.kubeconfig ? `${FIELD_IDS.kubeconfig}-error` : 'settings-kubeconfig-hint'
              }
              aria-invalid={errors.kubeconfig ? true : undefined}
              value={form.kubeconfig}
              onChange={(e) => edit({ kubeconfig: e.target.value })}
              onBlur={relistIfMoved}
            />
            <span id="settings-kubeconfig-hint" className="muted small">
              Leave empty for KUBECONFIG, else ~/.kube/config. The contexts are listed again when you leave
              the field.
            </span>
            <FieldError id={FIELD_IDS.kubeconfig} message={errors.kubeconfig} />
          </div>
        </div>
      )}

      <div className="settings-actions">
        <button
          className="btn btn-primary"
          type="submit"
          data-testid="settings-save"
          disabled={save.state === 'saving'}
        >
          {save.state === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <span role="status" aria-live="polite" data-testid="settings-status">
          {save.state === 'saved' && <span className="form-success">{save.message}</span>}
        </span>
      </div>
      {save.state === 'failed' && (
        <p className="form-error" role="alert" data-testid="settings-save-error">
          {save.message}
        </p>
      )}
    </form>
  );
}

function RuntimeChoice(props: {
  value: Runtime;
  checked: boolean;
  onChange: (runtime: Runtime) => void;
  label: string;
  hint: string;
}) {
  const id = `settings-runtime-${props.value}`;
  return (
    <label className="radio-choice" htmlFor={id}>
      <input
        id={id}
        type="radio"
        name="runtime"
        value={props.value}
        data-testid={id}
        checked={props.checked}
        onChange={() => props.onChange(props.value)}
        aria-describedby={`${id}-hint`}
      />
      <span className="radio-text">
        <span>{props.label}</span>
        <span id={`${id}-hint`} className="muted small">
          {props.hint}
        </span>
      </span>
    </label>
  );
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={`${id}-error`} className="field-error" role="alert">
      {message}
    </span>
  );
}
