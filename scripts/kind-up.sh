#!/usr/bin/env bash
# Creates (or reuses) the kind cluster "streamspace", builds the session, agent and (with
# --with-control-plane) control-plane images, loads them into the cluster, and applies
# resources/kubernetes. Safe to run again: it rebuilds and reloads the images, and leaves the
# cluster and its sessions in place.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLUSTER=streamspace
CONTEXT=kind-$CLUSTER
IMAGES_FILE=$ROOT/resources/images/images.txt
# The first kind release whose default CNI enforces NetworkPolicy.
KIND_NETWORK_POLICY_VERSION=0.24.0

usage() {
  cat <<USAGE
Usage: scripts/kind-up.sh [--with-control-plane]

  --with-control-plane  also build and deploy the remote-mode control plane
                        (resources/kubernetes/control-plane) for the in-cluster agent to dial
USAGE
}

with_control_plane=false
for arg in "$@"; do
  case $arg in
    --with-control-plane) with_control_plane=true ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      printf 'kind-up: unknown option %s\n' "$arg" >&2
      usage >&2
      exit 2
      ;;
  esac
done

# shellcheck source=scripts/kind-require.sh
. "$(dirname "$0")/kind-require.sh"
require_tools kind docker kubectl
if ! docker info >/dev/null 2>&1; then
  printf 'docker is installed but its daemon does not answer: start it, or make sure you may use it (docker info shows why).\n' >&2
  exit 1
fi

# Compared in bash itself: sort -V is missing from older macOS.
version_at_least() {
  local have need i
  IFS=. read -r -a have <<<"$1"
  IFS=. read -r -a need <<<"$2"
  for i in 0 1 2; do
    if ((10#${have[i]:-0} > 10#${need[i]:-0})); then return 0; fi
    if ((10#${have[i]:-0} < 10#${need[i]:-0})); then return 1; fi
  done
  return 0
}

# "kind v0.24.0 go1.22.5 linux/amd64" -> 0.24.0
kind_version=$(kind version 2>/dev/null | sed -n 's/^kind v\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
if [ -n "$kind_version" ] && ! version_at_least "$kind_version" "$KIND_NETWORK_POLICY_VERSION"; then
  printf 'warning: kind %s does not enforce NetworkPolicy (%s and later do); sessions work, but any pod in the cluster can reach their VNC ports.\n' \
    "$kind_version" "$KIND_NETWORK_POLICY_VERSION" >&2
fi

# Captured first: grep -q on a pipe could stop kind mid-write and pipefail would count that as "no".
clusters=$(kind get clusters 2>/dev/null || true)
if grep -qx "$CLUSTER" <<<"$clusters"; then
  printf 'Using the existing kind cluster %s.\n' "$CLUSTER"
else
  kind create cluster --name "$CLUSTER" --config "$ROOT/resources/kubernetes/kind-config.yaml"
fi

# The session images start FROM the base by tag, so the base is built first (images.txt's order)
# and its tag handed on, keeping images.txt the one place tags are set. The base is not loaded
# into the cluster itself: its layers travel inside every session image.
base_image=
to_load=()
while read -r role name image context dockerfile; do
  case $role in
    '' | '#'*) continue ;;
  esac
  if [ -z "$dockerfile" ]; then
    printf 'kind-up: %s: expected "role name image context dockerfile" in the line for %s\n' "$IMAGES_FILE" "$role" >&2
    exit 1
  fi
  if [ "$role" = control-plane ] && [ "$with_control_plane" != true ]; then
    continue
  fi
  printf '\n==> Building %s (%s)\n' "$name" "$image"
  build_args=()
  if [ "$role" = session ]; then
    if [ -z "$base_image" ]; then
      printf 'kind-up: %s lists session image %s before the base image\n' "$IMAGES_FILE" "$name" >&2
      exit 1
    fi
    build_args=(--build-arg "BASE_IMAGE=$base_image")
  fi
  # BuildKit for COPY --chmod and the per-Dockerfile .dockerignore files. The default "docker"
  # builder sees local images, which is how a session build finds the base it just built.
  # The ${a[@]+...} form: bash before 4.4 (macOS's /bin/bash) calls an empty array unbound under set -u.
  # </dev/null: nothing in the loop may eat the rest of images.txt from its stdin.
  DOCKER_BUILDKIT=1 docker build ${build_args[@]+"${build_args[@]}"} --tag "$image" --file "$ROOT/$dockerfile" "$ROOT/$context" </dev/null
  if [ "$role" = base ]; then
    base_image=$image
  else
    to_load+=("$image")
  fi
done <"$IMAGES_FILE"

for image in ${to_load[@]+"${to_load[@]}"}; do
  printf '\n==> Loading %s into kind cluster %s\n' "$image" "$CLUSTER"
  kind load docker-image --name "$CLUSTER" "$image"
done

printf '\n==> Applying resources/kubernetes to context %s\n' "$CONTEXT"
kubectl --context "$CONTEXT" apply -k "$ROOT/resources/kubernetes"
if [ "$with_control_plane" = true ]; then
  kubectl --context "$CONTEXT" apply -k "$ROOT/resources/kubernetes/control-plane"
  # Same tag, new image: only a new pod picks up what was just loaded.
  kubectl --context "$CONTEXT" -n streamspace-control-plane rollout restart deployment/streamspace-control-plane
fi
if kubectl --context "$CONTEXT" -n streamspace get secret streamspace-agent-token >/dev/null 2>&1; then
  kubectl --context "$CONTEXT" -n streamspace rollout restart deployment/streamspace-agent
  agent_note="The in-cluster agent restarted with the new image."
else
  agent_note="The in-cluster agent waits for its token: see resources/kubernetes/agent-token-secret.example.yaml (local mode does not need it)."
fi

cat <<DONE

The kind cluster "$CLUSTER" is ready (kubectl context $CONTEXT).
$agent_note

Next step, the local stack with sessions as pods in this cluster:

  npm run serve -- --runtime kubernetes
DONE
