import { createHash } from 'node:crypto';
import type { KubeObject } from './types.js';

// Pods made for a Deployment name a ReplicaSet owner, as in a real cluster. The fake serves no
// ReplicaSets, so the ReplicaSet uid is derived from the Deployment's uid and can be recomputed by
// the garbage collector instead of being stored.

export function derivedUid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function replicaSetUid(deploymentUid: string, replicaSetName: string): string {
  return derivedUid(`${deploymentUid}/${replicaSetName}`);
}

/** True when `child` is owned by `owner` directly, or through the owner's derived ReplicaSet. */
export function isDependant(child: KubeObject, owner: KubeObject): boolean {
  const ownerUid = owner.metadata.uid;
  if (ownerUid === undefined) return false;
  return (child.metadata.ownerReferences ?? []).some(
    (ref) =>
      ref.uid === ownerUid ||
      (owner.kind === 'Deployment' &&
        ref.kind === 'ReplicaSet' &&
        ref.uid === replicaSetUid(ownerUid, ref.name)),
  );
}
