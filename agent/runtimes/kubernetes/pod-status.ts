import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { ObservedState } from '../../../protocol';

/** What the agent reports for a session: an observed state and a line a person can read. */
export interface SessionView {
  state: ObservedState;
  message: string;
}

/** The part of a Warning event that explains a failure the pod status only names. */
export interface PodWarning {
  reason?: string;
  message?: string;
}

const MESSAGE_MAX = 300;

/**
 * Waiting reasons that need a person to act (fix the image, the config, the app). Kubelet keeps
 * retrying them, but a retry rarely helps, so the session is shown as failed rather than left
 * starting forever. Other reasons ending in Err/Error/BackOff are treated the same way.
 */
const FAILING_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'ImageInspectError',
  'RegistryUnavailable',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
]);

function isFailingReason(reason: string): boolean {
  return FAILING_REASONS.has(reason) || /(Err|Error|BackOff)$/.test(reason);
}

/** Tidies a Kubernetes message into one capitalised line with no trailing period. */
export function readable(text: string): string {
  let line = text
    // containerd wraps its errors in gRPC framing that says nothing to a person.
    .replace(/rpc error: code = \w+ desc = /g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.\s]+$/, '');
  line = line.charAt(0).toUpperCase() + line.slice(1);
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line;
}

function view(state: ObservedState, message: string): SessionView {
  return { state, message: readable(message) };
}

function withDetail(reason: string, detail: string | undefined): string {
  const text = detail?.trim() ?? '';
  return text === '' ? reason : `${reason}: ${text}`;
}

/** Dates from the typed client are Date objects, but raw watch events carry strings. */
function toMillis(value: Date | string | null | undefined): number {
  if (value === null || value === undefined) return Number.NEGATIVE_INFINITY;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function condition(pod: V1Pod, type: string) {
  return pod.status?.conditions?.find((c) => c.type === type);
}

function isTerminating(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

function isReady(pod: V1Pod): boolean {
  return !isTerminating(pod) && condition(pod, 'Ready')?.status === 'True';
}

function imageOf(pod: V1Pod, status?: V1ContainerStatus): string {
  const name = status?.name;
  const containers = pod.spec?.containers ?? [];
  const spec = containers.find((c) => c.name === name) ?? containers[0];
  return spec?.image ?? status?.image ?? 'the session image';
}

/** The message for a failing container: the waiting text, unless a back-off hides the cause. */
function failureDetail(status: V1ContainerStatus, reason: string, warning?: PodWarning): string | undefined {
  const waiting = status.state?.waiting?.message?.trim() || undefined;
  const event = warning?.message?.trim() || undefined;
  if (reason === 'CrashLoopBackOff') {
    const last = status.lastState?.terminated;
    if (last !== undefined) {
      const how = `The app exited with code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}`;
      return last.message?.trim() ? `${how}: ${last.message.trim()}` : how;
    }
  }
  // "Back-off pulling image" only says kubelet will retry; the event says why the pull failed.
  if (reason.endsWith('BackOff')) return event ?? waiting;
  return waiting ?? event;
}

function describeContainers(pod: V1Pod, warning?: PodWarning): SessionView {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const reason = status.state?.waiting?.reason;
    if (reason !== undefined && isFailingReason(reason)) {
      return view('failed', withDetail(reason, failureDetail(status, reason, warning)));
    }
  }
  const main = pod.status?.containerStatuses ?? [];
  const first = main[0];
  if (first === undefined) return view('starting', `Pulling image ${imageOf(pod)}`);
  for (const status of main) {
    const waiting = status.state?.waiting?.reason;
    if (waiting === 'ContainerCreating') return view('starting', `Pulling image ${imageOf(pod, status)}`);
    const terminated = status.state?.terminated;
    if (terminated !== undefined) {
      const why = terminated.reason ? ` (${terminated.reason})` : '';
      return view('starting', `Restarting after exit code ${terminated.exitCode}${why}`);
    }
    if (waiting !== undefined && waiting !== 'PodInitializing') return view('starting', waiting);
  }
  return view('starting', 'Starting');
}

/**
 * One pod as a session view. A terminating pod is `starting` 'Stopping': it is not ready, and
 * while the Deployment still wants a replica a new pod replaces it. An Unschedulable pod is
 * `failed`, except while it only waits for its home claim to bind, which a provisioner fixes.
 */
export function describePod(pod: V1Pod, warning?: PodWarning): SessionView {
  if (isTerminating(pod)) return view('starting', 'Stopping');
  const phase = pod.status?.phase;
  if (phase === 'Failed')
    return view('failed', withDetail(pod.status?.reason ?? 'Failed', pod.status?.message));
  // Deployment pods restart always, so a pod that "succeeded" means the app quit for good.
  if (phase === 'Succeeded') return view('failed', 'The app exited');
  if (isReady(pod)) return view('running', 'Running');
  if (phase === 'Unknown') return view('starting', 'Waiting for the node to report');
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status !== 'True') {
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      const detail = scheduled.message ?? '';
      if (/unbound (immediate )?PersistentVolumeClaims/i.test(detail)) {
        return view('starting', 'Waiting for the home volume');
      }
      return view('failed', withDetail('Unschedulable', detail));
    }
    return view('starting', 'Scheduling');
  }
  return describeContainers(pod, warning);
}

export interface SessionInput {
  /** The Deployment's spec.replicas; undefined when there is no Deployment. */
  desiredReplicas: number | undefined;
  pods: V1Pod[];
  warning?: PodWarning;
}

function newest<T>(items: T[], time: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestTime = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const t = time(item);
    // `>=` so that, on a tie, the later one in the list wins: lists come oldest first.
    if (best === undefined || t >= bestTime) {
      best = item;
      bestTime = t;
    }
  }
  return best;
}

/**
 * A session from its Deployment's replicas and its pods. A Ready pod wins; otherwise the newest
 * pod that is not terminating speaks for the session, since a replaced pod's troubles are over.
 */
export function describeSession(input: SessionInput): SessionView {
  const { desiredReplicas, pods, warning } = input;
  if (desiredReplicas === undefined) return view('terminated', 'Deleted');
  if (desiredReplicas === 0) return view('hibernated', pods.length === 0 ? 'Hibernated' : 'Hibernating');
  if (pods.length === 0) return view('starting', 'Scheduling');
  const ready = pods.find(isReady);
  if (ready !== undefined) return describePod(ready);
  const live = pods.filter((pod) => !isTerminating(pod));
  const pod = newest(live, (p) => toMillis(p.metadata?.creationTimestamp));
  if (pod === undefined) return view('starting', 'Restarting');
  return describePod(pod, warning);
}

function eventTime(event: CoreV1Event): number {
  return Math.max(
    toMillis(event.series?.lastObservedTime),
    toMillis(event.lastTimestamp),
    toMillis(event.eventTime),
    toMillis(event.firstTimestamp),
    toMillis(event.metadata?.creationTimestamp),
  );
}

/**
 * The newest Warning event. Kubelet follows each real failure with a bare "Error: ErrImagePull"
 * style event that only repeats the reason, so those lose to any event that says more.
 */
export function pickWarning(events: CoreV1Event[]): Required<PodWarning> | undefined {
  const warnings = events.filter((e) => e.type === 'Warning');
  const telling = warnings.filter((e) => !/^Error: \w+$/.test(e.message?.trim() ?? ''));
  const pick = newest(telling.length > 0 ? telling : warnings, eventTime);
  if (pick === undefined) return undefined;
  return { reason: pick.reason ?? '', message: pick.message ?? '' };
}
