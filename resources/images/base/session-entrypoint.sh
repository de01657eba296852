#!/bin/sh
# Session container entrypoint: an X display served over RFB by TigerVNC, a window manager, and
# then the app itself (this script's arguments) in this process's place, so the container lives
# exactly as long as the app and Kubernetes restarts or ends the pod when the app goes away.
set -eu

# The runtime mounts the session's Secret here. A file and not an environment variable: the
# environment of a process is readable through /proc and ends up in `kubectl describe`.
PASSWORD_FILE=/var/run/secrets/streamspace/vnc/password
PORT=${VNC_PORT:-5900}
DISPLAY_NUMBER=0
SOCKET=/tmp/.X11-unix/X${DISPLAY_NUMBER}
RFBAUTH_DIR=/tmp/streamspace-vnc
RFBAUTH=${RFBAUTH_DIR}/passwd

die() {
  printf 'session-entrypoint: %s\n' "$*" >&2
  exit 1
}

[ "$#" -gt 0 ] || die "no app to start: pass its command as the container's command or args"
case $PORT in
  '' | *[!0-9]*) die "VNC_PORT must be a TCP port number, not '$PORT'" ;;
esac
[ -e "$PASSWORD_FILE" ] || die "the VNC password file $PASSWORD_FILE is missing: mount the session's Secret (key 'password') at $(dirname "$PASSWORD_FILE")"
[ -r "$PASSWORD_FILE" ] || die "the VNC password file $PASSWORD_FILE is not readable by UID $(id -u): check the Secret volume's defaultMode"
[ -s "$PASSWORD_FILE" ] || die "the VNC password file $PASSWORD_FILE is empty"

# /tmp is an emptyDir that outlives a container restart, so the previous run's lock file and
# socket may still be there; Xvnc would take the lock's PID, alive again in this new PID
# namespace, for a running server and refuse to start.
rm -f "/tmp/.X${DISPLAY_NUMBER}-lock" "$SOCKET"
mkdir -p /tmp/.X11-unix
chmod 1777 /tmp/.X11-unix 2>/dev/null || true

umask 077
mkdir -p "$RFBAUTH_DIR"
# Over stdin: an argument would be visible to every process in the container through /proc.
vncpasswd -f <"$PASSWORD_FILE" >"$RFBAUTH" || die "vncpasswd could not encode the password from $PASSWORD_FILE"
[ -s "$RFBAUTH" ] || die "vncpasswd wrote no password for Xvnc"
umask 022

# Xvnc's output reaches the container's log through keysym-janitor.sh, which frees the keycodes
# Xvnc binds for typed characters (see there). Started first: a FIFO opens once both ends do.
XVNC_OUTPUT=${RFBAUTH_DIR}/xvnc-output
rm -f "$XVNC_OUTPUT"
mkfifo "$XVNC_OUTPUT"
DISPLAY=":${DISPLAY_NUMBER}" /usr/local/bin/keysym-janitor.sh <"$XVNC_OUTPUT" &

# -localhost no: an in-cluster agent comes through the session's Service, from another pod (a
# port-forward arrives on the pod's loopback and would work either way). -nolisten tcp keeps X
# itself, which has no authentication here, off the network: current X servers default to it, and
# spelling it out means a change of default cannot open it.
Xvnc ":${DISPLAY_NUMBER}" \
  -rfbport "$PORT" \
  -rfbauth "$RFBAUTH" \
  -SecurityTypes VncAuth \
  -geometry 1280x800 \
  -depth 24 \
  -AlwaysShared \
  -localhost no \
  -nolisten tcp >"$XVNC_OUTPUT" 2>&1 &
xvnc_pid=$!

# The app would die at once with "cannot open display" if it came up before the X socket.
tries=0
until [ -S "$SOCKET" ]; do
  kill -0 "$xvnc_pid" 2>/dev/null || die "Xvnc exited before it opened display :${DISPLAY_NUMBER} (its log is above)"
  tries=$((tries + 1))
  [ "$tries" -le 200 ] || die "Xvnc did not open display :${DISPLAY_NUMBER} within 20 seconds"
  sleep 0.1
done

export DISPLAY=":${DISPLAY_NUMBER}"
# Without a window manager an app's windows keep whatever size and place they ask for; matchbox
# shows one window at a time filling the screen, which is what a single-app session wants.
matchbox-window-manager -use_titlebar no -use_cursor yes &

exec "$@"
