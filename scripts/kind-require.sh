# shellcheck shell=bash
# Sourced by kind-up.sh and kind-down.sh: `require_tools kind docker …` names every missing tool
# at once, with where to get it, so one round of installing is enough; exits 1 if any is missing.
require_tools() {
  local missing=0 tool url
  for tool in "$@"; do
    case "$tool" in
      kind) url=https://kind.sigs.k8s.io/docs/user/quick-start/#installation ;;
      docker) url=https://docs.docker.com/engine/install/ ;;
      kubectl) url=https://kubernetes.io/docs/tasks/tools/ ;;
      *) url='your package manager' ;;
    esac
    if ! command -v "$tool" >/dev/null 2>&1; then
      printf '%s is missing. Install it: %s\n' "$tool" "$url" >&2
      missing=1
    fi
  done
  if [ "$missing" -ne 0 ]; then
    exit 1
  fi
}
