import { z } from 'zod';
import { DnsLabel, MemoryQuantity, Resources } from '../../../protocol';

/** How the agent reaches a session's VNC port: through the API server, or straight to its Service. */
export const VncMode = z.enum(['auto', 'port-forward', 'direct']);
export type VncMode = z.infer<typeof VncMode>;

const LabelMap = z.record(z.string().min(1).max(253), z.string().max(63));

/** What an admin may set for the kubernetes runtime; every field has a default that works on kind. */
export const KubernetesSettings = z.strictObject({
  namespace: DnsLabel.default('streamspace'),
  /** UID (and GID) the session containers run as; the session images are built for it. */
  runAsUser: z.number().int().min(1).max(2_147_483_647).default(1000),
  /** Storage class of the per-user home claims; unset leaves the cluster's default class. */
  storageClass: z.string().min(1).max(253).optional(),
  homeSize: MemoryQuantity.default('5Gi'),
  /** The most a session may ask for; a template or request above it is cut down to it. */
  maxResources: Resources.default({ memory: '4Gi', cpu: '4' }),
  vncMode: VncMode.default('auto'),
  /** Labels of the in-cluster agent's pods: the only pods a session's NetworkPolicy lets in. */
  agentPodLabels: LabelMap.default({ 'app.kubernetes.io/name': 'streamspace-agent' }),
  imagePullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent'),
});
export type KubernetesSettings = z.infer<typeof KubernetesSettings>;
export type KubernetesSettingsInput = z.input<typeof KubernetesSettings>;
