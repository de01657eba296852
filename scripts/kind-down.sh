#!/usr/bin/env bash
# Deletes the kind cluster "streamspace" that scripts/kind-up.sh created, with every session in it.
# The images stay in the local Docker image store; `docker image rm` them if you want the space.
set -euo pipefail

CLUSTER=streamspace

# Only what deleting needs: kubectl plays no part, so it is not asked for.
# shellcheck source=scripts/kind-require.sh
. "$(dirname "$0")/kind-require.sh"
require_tools kind docker

clusters=$(kind get clusters 2>/dev/null || true)
if ! grep -qx "$CLUSTER" <<<"$clusters"; then
  printf 'There is no kind cluster named %s; nothing to delete.\n' "$CLUSTER"
  exit 0
fi
kind delete cluster --name "$CLUSTER"
