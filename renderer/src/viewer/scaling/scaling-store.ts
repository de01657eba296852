import { DEFAULT_SCALING, isScalingMode, type ScalingMode } from './scaling-mode';

/** Where the choice is kept: localStorage in the app, a Map in tests. */
export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface ScalingStore {
  get(template: string | undefined): ScalingMode;
  set(template: string | undefined, mode: ScalingMode): void;
}

export const SCALING_KEY_PREFIX = 'streamspace.viewer.scaling.';

/**
 * The scaling mode per template: a desktop wants remote resize, a fixed-size app fit. A viewer
 * whose template is not known yet uses (and saves to) the shared default. Storage that throws
 * (private mode, quota, a sandbox) only loses the memory, never the viewer.
 */
export function createScalingStore(storage: PreferenceStorage | null): ScalingStore {
  const key = (template: string | undefined) => `${SCALING_KEY_PREFIX}${template ?? '*'}`;
  return {
    get(template) {
      try {
        const saved = storage?.getItem(key(template)) ?? null;
        return isScalingMode(saved) ? saved : DEFAULT_SCALING;
      } catch {
        return DEFAULT_SCALING;
      }
    },
    set(template, mode) {
      try {
        storage?.setItem(key(template), mode);
      } catch {
        // Not remembered; the viewer still uses it now.
      }
    },
  };
}

/** localStorage if this page may use it. */
export function browserStorage(): PreferenceStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
