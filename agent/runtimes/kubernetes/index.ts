export { isKubeApiError, KubeApiError } from './kube-errors';
export {
  DEFAULT_TIMING,
  KubernetesRuntime,
  type KubernetesRuntimeOptions,
  type KubernetesTiming,
} from './kubernetes-runtime';
export { KUBE_OPERATIONS, type KubeOperation, type KubeOperationName } from './operations';
export { KubernetesSettings, type KubernetesSettingsInput, VncMode } from './settings';
