import { describe, expect, it } from 'vitest';
import { LocalStackSettings } from '../../../protocol';
import {
  contextOptions,
  formFromSettings,
  kubeconfigArg,
  type LocalStackForm,
  listedContexts,
  preselectContext,
  sameSettings,
  savedMessage,
  settingsFromForm,
} from './local-stack-form';

const kubeForm = (extra: Partial<LocalStackForm> = {}): LocalStackForm => ({
  runtime: 'kubernetes',
  kubeContext: 'kind-streamspace',
  kubeNamespace: 'streamspace',
  kubeconfig: '',
  ...extra,
});

const defaults = LocalStackSettings.parse({});

describe('formFromSettings', () => {
  it('fills the defaults in for what is unset', () => {
    expect(formFromSettings(defaults)).toEqual({
      runtime: 'local',
      kubeContext: '',
      kubeNamespace: 'streamspace',
      kubeconfig: '',
    });
  });

  it('shows what is saved', () => {
    const settings = LocalStackSettings.parse({
      runtime: 'kubernetes',
      kubeContext: 'prod',
      kubeNamespace: 'desk',
      kubeconfig: '/k/config',
    });
    expect(formFromSettings(settings)).toEqual({
      runtime: 'kubernetes',
      kubeContext: 'prod',
      kubeNamespace: 'desk',
      kubeconfig: '/k/config',
    });
  });
});

describe('preselectContext', () => {
  it('keeps the saved context, even one the kubeconfig no longer has', () => {
    expect(preselectContext('staging', ['kind-streamspace', 'staging'])).toBe('staging');
    expect(preselectContext('gone', ['kind-streamspace'])).toBe('gone');
  });

  it('falls back to kind-streamspace when it is there', () => {
    expect(preselectContext('', ['prod', 'kind-streamspace'])).toBe('kind-streamspace');
  });

  it('never picks another context by itself, not even the only or the current one', () => {
    expect(preselectContext('', ['prod'])).toBe('');
    expect(preselectContext('', [])).toBe('');
    expect(preselectContext('  ', ['prod'])).toBe('');
  });
});

describe('contextOptions', () => {
  it('labels the current context and asks for a choice when none is made', () => {
    expect(contextOptions(['prod', 'dev'], 'prod', '')).toEqual([
      { value: '', label: 'Choose a context', placeholder: true },
      { value: 'prod', label: 'prod (current)' },
      { value: 'dev', label: 'dev' },
    ]);
  });

  it('lists the chosen context even when the kubeconfig lacks it', () => {
    expect(contextOptions(['dev'], undefined, 'gone')).toEqual([
      { value: 'gone', label: 'gone (not in this kubeconfig)' },
      { value: 'dev', label: 'dev' },
    ]);
  });

  it('adds nothing when the choice is among the contexts', () => {
    expect(contextOptions(['kind-streamspace', 'prod'], 'prod', 'kind-streamspace')).toEqual([
      { value: 'kind-streamspace', label: 'kind-streamspace' },
      { value: 'prod', label: 'prod (current)' },
    ]);
  });
});

describe('settingsFromForm', () => {
  const contexts = ['kind-streamspace', 'prod'];

  it('builds kubernetes settings, leaving the default namespace unset when it was', () => {
    expect(settingsFromForm(kubeForm(), defaults, contexts)).toEqual({
      ok: true,
      settings: { runtime: 'kubernetes', kubeContext: 'kind-streamspace' },
    });
  });

  it('keeps an explicitly saved default namespace and trims what was typed', () => {
    const saved = LocalStackSettings.parse({ runtime: 'kubernetes', kubeNamespace: 'streamspace' });
    const form = kubeForm({ kubeContext: 'prod', kubeNamespace: ' streamspace ', kubeconfig: ' /k/c ' });
    expect(settingsFromForm(form, saved, contexts)).toEqual({
      ok: true,
      settings: {
        runtime: 'kubernetes',
        kubeContext: 'prod',
        kubeNamespace: 'streamspace',
        kubeconfig: '/k/c',
      },
    });
  });

  it('round-trips saved settings unchanged, so saving an untouched form does not restart the stack', () => {
    for (const input of [
      { runtime: 'kubernetes' as const, kubeContext: 'prod' },
      { runtime: 'kubernetes' as const, kubeContext: 'prod', kubeNamespace: 'desk', kubeconfig: '/k/c' },
      { runtime: 'local' as const, kubeContext: 'prod', kubeNamespace: 'desk' },
      {},
    ]) {
      const saved = LocalStackSettings.parse(input);
      const result = settingsFromForm(formFromSettings(saved), saved, ['prod']);
      expect(result).toEqual({ ok: true, settings: saved });
      if (result.ok) expect(sameSettings(result.settings, saved)).toBe(true);
    }
  });

  it('keeps the saved kube fields when switching to the local runtime', () => {
    const saved = LocalStackSettings.parse({
      runtime: 'kubernetes',
      kubeContext: 'prod',
      kubeNamespace: 'desk',
    });
    // Hidden edits, even invalid ones, neither block the save nor get stored.
    const form = kubeForm({ runtime: 'local', kubeContext: '', kubeNamespace: 'Not Valid' });
    expect(settingsFromForm(form, saved, null)).toEqual({
      ok: true,
      settings: { runtime: 'local', kubeContext: 'prod', kubeNamespace: 'desk' },
    });
  });

  it('does not store the preselected kind-streamspace while the local runtime is chosen', () => {
    const form = { ...formFromSettings(defaults), kubeContext: 'kind-streamspace' };
    expect(settingsFromForm(form, defaults, contexts)).toEqual({ ok: true, settings: { runtime: 'local' } });
  });

  it('asks for a context', () => {
    expect(settingsFromForm(kubeForm({ kubeContext: ' ' }), defaults, contexts)).toEqual({
      ok: false,
      errors: { kubeContext: 'Choose a context.' },
    });
  });

  it('refuses a context the listed kubeconfig does not have, but not when the list is unknown', () => {
    const form = kubeForm({ kubeContext: 'gone' });
    expect(settingsFromForm(form, defaults, contexts)).toEqual({
      ok: false,
      errors: { kubeContext: 'The kubeconfig has no context “gone”.' },
    });
    expect(settingsFromForm(form, defaults, null).ok).toBe(true);
  });

  it('validates the namespace as a DNS label', () => {
    const error = (kubeNamespace: string) => {
      const result = settingsFromForm(kubeForm({ kubeNamespace }), defaults, contexts);
      return result.ok ? null : result.errors.kubeNamespace;
    };
    expect(error('')).toBe('Enter a namespace, e.g. streamspace.');
    expect(error('Desk')).toBe('The namespace must be lowercase letters, digits and dashes.');
    expect(error('-desk')).toBe('The namespace must be lowercase letters, digits and dashes.');
    expect(error('desk_1')).toBe('The namespace must be lowercase letters, digits and dashes.');
    expect(error('a'.repeat(64))).toBe('The namespace must be at most 63 characters.');
    expect(error('a'.repeat(63))).toBeNull();
    expect(error('team-1')).toBeNull();
  });

  it('reports every bad field at once', () => {
    const form = kubeForm({ kubeContext: '', kubeNamespace: 'X', kubeconfig: 'x'.repeat(4097) });
    const result = settingsFromForm(form, defaults, contexts);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(Object.keys(result.errors).sort()).toEqual(['kubeContext', 'kubeNamespace', 'kubeconfig']);
  });

  it('only produces settings the protocol accepts', () => {
    const result = settingsFromForm(kubeForm({ kubeconfig: '~/k' }), defaults, contexts);
    expect(result.ok && LocalStackSettings.safeParse(result.settings).success).toBe(true);
  });
});

describe('helpers', () => {
  it('lists contexts of the typed kubeconfig, or of the default ones when it is empty', () => {
    expect(kubeconfigArg({ kubeconfig: '  ' })).toBeUndefined();
    expect(kubeconfigArg({ kubeconfig: ' /k/c ' })).toBe('/k/c');
  });

  it('checks choices only against a listing that worked', () => {
    expect(listedContexts(null)).toBeNull();
    expect(listedContexts({ ok: false, message: 'no such file' })).toBeNull();
    expect(listedContexts({ ok: true, contexts: ['a'], current: 'a' })).toEqual(['a']);
  });

  it('says whether saving restarts the stack', () => {
    const kube = LocalStackSettings.parse({ runtime: 'kubernetes' });
    expect(savedMessage(defaults, kube)).toBe('Saved — the local stack restarts.');
    expect(savedMessage(kube, { ...kube })).toBe('Saved — nothing changed.');
  });
});
