export { localRuntimeAvailable } from './available';
export { LocalRuntime, type LocalRuntimeOptions } from './local-runtime';
