export type { ExecContainer, ExecLookup } from './exec.js';
export { type FakeKube, type FakeKubeOptions, startFakeKube } from './fake-kube.js';
export type { FailOptions, ForbidRule } from './faults.js';
export { FAKE_CONTEXT, type KubeConfigParams, kubeConfigFor, kubeConfigYamlFor } from './kubeconfig.js';
export type { KubeletOptions } from './kubelet.js';
export type { Backend, BackendLookup } from './port-forward.js';
export type { KubeObject, Status } from './types.js';
