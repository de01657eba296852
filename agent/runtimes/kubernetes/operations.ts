/**
 * Every Kubernetes API operation the runtime makes, as RBAC names it. The API adapter can only
 * call through these keys, and the shipped Role is checked against this table, so a new call
 * cannot ship without the permission it needs.
 */
export interface KubeOperation {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  /** The API group; '' is the core group. */
  group: '' | 'apps' | 'networking.k8s.io';
  /** The plural resource, with its subresource after a slash. */
  resource: string;
}

export const KUBE_OPERATIONS = {
  createDeployment: { verb: 'create', group: 'apps', resource: 'deployments' },
  readDeployment: { verb: 'get', group: 'apps', resource: 'deployments' },
  listDeployments: { verb: 'list', group: 'apps', resource: 'deployments' },
  deleteDeployment: { verb: 'delete', group: 'apps', resource: 'deployments' },
  scaleDeployment: { verb: 'update', group: 'apps', resource: 'deployments/scale' },
  createService: { verb: 'create', group: '', resource: 'services' },
  readService: { verb: 'get', group: '', resource: 'services' },
  listServices: { verb: 'list', group: '', resource: 'services' },
  deleteService: { verb: 'delete', group: '', resource: 'services' },
  createSecret: { verb: 'create', group: '', resource: 'secrets' },
  readSecret: { verb: 'get', group: '', resource: 'secrets' },
  listSecrets: { verb: 'list', group: '', resource: 'secrets' },
  deleteSecret: { verb: 'delete', group: '', resource: 'secrets' },
  createNetworkPolicy: { verb: 'create', group: 'networking.k8s.io', resource: 'networkpolicies' },
  readNetworkPolicy: { verb: 'get', group: 'networking.k8s.io', resource: 'networkpolicies' },
  listNetworkPolicies: { verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies' },
  deleteNetworkPolicy: { verb: 'delete', group: 'networking.k8s.io', resource: 'networkpolicies' },
  createClaim: { verb: 'create', group: '', resource: 'persistentvolumeclaims' },
  readClaim: { verb: 'get', group: '', resource: 'persistentvolumeclaims' },
  listPods: { verb: 'list', group: '', resource: 'pods' },
  watchPods: { verb: 'watch', group: '', resource: 'pods' },
  listEvents: { verb: 'list', group: '', resource: 'events' },
  /**
   * client-node's port-forward is a WebSocket upgrade, a GET, which RBAC calls "get"; from 1.35
   * the API server also checks "create" for it, so the shipped Role grants both.
   */
  portForward: { verb: 'get', group: '', resource: 'pods/portforward' },
  /** Session file transfers run `sh` in the session's container; a WebSocket GET as above. */
  execInPod: { verb: 'get', group: '', resource: 'pods/exec' },
} as const satisfies Record<string, KubeOperation>;

export type KubeOperationName = keyof typeof KUBE_OPERATIONS;
