#!/usr/bin/env bash
# Deletes the kind cluster "streamspace" that scripts/kind-up.sh created, with every session in it.
# The images stay in the local Docker image store; `docker image rm` them if you want the space.
set -euo pipefail

CLUSTER=streamspace

# Only what deleting needs: kubectl plays no part, so it is not asked for.
missing=0
require() {
  if ! command -v "$1" >/dev/null 2>&1; then
    printf '%s is missing. Install it: %s\n' "$1" "$2" >&2
    missing=1
  fi
}
require kind https://kind.sigs.k8s.io/docs/user/quick-start/#installation
require docker https://docs.docker.com/engine/install/
if [ "$missing" -ne 0 ]; then
  exit 1
fi

clusters=$(kind get clusters 2>/dev/null || true)
if ! grep -qx "$CLUSTER" <<<"$clusters"; then
  printf 'There is no kind cluster named %s; nothing to delete.\n' "$CLUSTER"
  exit 0
fi
kind delete cluster --name "$CLUSTER"
