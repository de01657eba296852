#!/bin/sh
# Passes Xvnc's output through (to the container's log) and frees the keycodes Xvnc binds for
# typed characters its layout lacks. The viewer sends every character as its keysym; Xvnc binds an
# unknown one to a spare keycode and never gives it back, and with about twenty spares every new
# character was dropped after twenty ("Failure adding new keysym", TigerVNC issue #93). Once eight
# are bound, or one was refused, all but the newest two are cleared with xmodmap, which makes them
# spare again. The agent's local runtime does the same (agent/runtimes/local/keysym-janitor.ts).
# Needs DISPLAY; reads Xvnc's output on stdin.
set -u

RELEASE_AT=8
KEEP_NEWEST=2
live=""
count=0

release() {
  free_count=$((count - KEEP_NEWEST))
  [ "$free_count" -gt 0 ] || return 0
  args=""
  kept=""
  i=0
  for code in $live; do
    i=$((i + 1))
    if [ "$i" -le "$free_count" ]; then
      args="$args -e 'keycode $code ='"
    else
      kept="$kept $code"
    fi
  done
  # The expressions are built from digits only (see the case below), so eval quotes nothing else.
  eval "xmodmap $args" >/dev/null 2>&1 || printf 'keysym-janitor: xmodmap could not free keycodes\n' >&2
  live=$kept
  count=$((count - free_count))
}

while IFS= read -r line; do
  printf '%s\n' "$line"
  case $line in
    *"Added unknown keysym "*" to keycode "*)
      code=${line##* to keycode }
      case $code in
        '' | *[!0-9]*) continue ;;
      esac
      # Bound again: it moves to the newest end.
      rest=""
      for c in $live; do [ "$c" = "$code" ] || rest="$rest $c"; done
      live="$rest $code"
      count=0
      for c in $live; do count=$((count + 1)); done
      [ "$count" -ge "$RELEASE_AT" ] && release
      ;;
    *"Failure adding new keysym"*)
      release
      ;;
  esac
done
