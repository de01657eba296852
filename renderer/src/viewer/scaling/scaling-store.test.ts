import { describe, expect, it } from 'vitest';
import { createScalingStore, type PreferenceStorage, SCALING_KEY_PREFIX } from './scaling-store';

function memory(): PreferenceStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

describe('scaling choice per template', () => {
  it('defaults to fit, and remembers each template apart', () => {
    const storage = memory();
    const store = createScalingStore(storage);
    expect(store.get('xfce-desktop')).toBe('fit');
    store.set('xfce-desktop', 'remote');
    store.set('gimp', 'actual');
    expect(store.get('xfce-desktop')).toBe('remote');
    expect(store.get('gimp')).toBe('actual');
    expect(store.get('xterm')).toBe('fit');
    // A new store (a new viewer window) reads the same choice.
    expect(createScalingStore(storage).get('xfce-desktop')).toBe('remote');
    expect(storage.map.get(`${SCALING_KEY_PREFIX}xfce-desktop`)).toBe('remote');
  });

  it('ignores a stored value it does not know', () => {
    const storage = memory();
    storage.map.set(`${SCALING_KEY_PREFIX}xterm`, 'zoom');
    expect(createScalingStore(storage).get('xterm')).toBe('fit');
  });

  it('survives storage that throws, and no storage at all', () => {
    const broken: PreferenceStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    const store = createScalingStore(broken);
    expect(() => store.set('xterm', 'remote')).not.toThrow();
    expect(store.get('xterm')).toBe('fit');
    expect(createScalingStore(null).get(undefined)).toBe('fit');
  });
});
