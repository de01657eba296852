import type { FileEntry, FileType } from '../../../protocol';
import { UPLOAD_TEMP_PREFIX } from '../../files/session-files';

// The shell side of file transfers in a session's container. Each runs as `sh -c SCRIPT sh ARGS`
// (arguments never pass through a shell's parsing), as the session's own user, with POSIX sh and
// GNU coreutils and findutils, which every Debian-based session image has. Paths are checked
// inside the container, the side that can see where its links lead.

/** Exit codes the scripts use, and the FilesError code each one means. */
export const EXIT_CODES = { 3: 'not_found', 4: 'invalid_path' } as const;

const PRELUDE = `set -u
fail() { code=$1; shift; printf '%s' "$*" >&2; exit "$code"; }
home=$(realpath -e -- "$HOME") || fail 5 "the home folder $HOME is missing"
inside() { case $1 in "$home"|"$home"/*) return 0;; *) return 1;; esac; }
`;

/** Sets parent, name, target and tmp for path $1 and upload id $2; makes the folder if $3 is mk. */
const PLACE = `case $1 in */*) dir=\${1%/*};; *) dir=;; esac
name=\${1##*/}
[ -n "$name" ] || fail 4 "a file path may not be empty"
parent=$home\${dir:+/$dir}
if [ "\${3:-}" = mk ]; then mkdir -p -- "$parent" 2>/dev/null || fail 4 "a part of $1 is not a folder"; fi
parent=$(realpath -e -- "$parent" 2>/dev/null) || fail 3 "no folder for $1"
inside "$parent" || fail 4 "$1 leads out of the home folder"
[ -d "$parent" ] || fail 4 "a part of $1 is not a folder"
target=$parent/$name
tmp=$parent/${UPLOAD_TEMP_PREFIX}$2
`;

/** $1 the folder ('' for home), $2 "mk" to make it first. NUL-separated "type\tsize\tmtime\tname". */
export const LIST_SCRIPT = `${PRELUDE}if [ "$2" = mk ]; then mkdir -p -- "$home/$1" 2>/dev/null || fail 4 "a part of $1 is not a folder"; fi
if [ -z "$1" ]; then real=$home; else real=$(realpath -e -- "$home/$1" 2>/dev/null) || fail 3 "no folder $1"; fi
inside "$real" || fail 4 "$1 leads out of the home folder"
[ -d "$real" ] || fail 4 "$1 is not a folder"
exec find "$real" -mindepth 1 -maxdepth 1 -printf '%y\\t%s\\t%T@\\t%f\\0'
`;

/** $1 the file. Writes "size mtime\n" of the file it opened, then its bytes. */
export const READ_SCRIPT = `${PRELUDE}real=$(realpath -e -- "$home/$1" 2>/dev/null) || fail 3 "no file $1"
inside "$real" || fail 4 "$1 leads out of the home folder"
[ -f "$real" ] || fail 4 "$1 is not a file"
exec 3<"$real" || fail 5 "cannot read $1"
stat -L -c '%s %Y' /dev/fd/3 || fail 5 "cannot read $1"
exec cat <&3
`;

/** $1 the file, $2 the upload id, $3 mk. Says "ready" once the path is good, then writes stdin to the temp file. */
export const WRITE_SCRIPT = `${PRELUDE}${PLACE}if [ -L "$target" ]; then
  linked=$(realpath -e -- "$target" 2>/dev/null) && inside "$linked" || fail 4 "$1 leads out of the home folder"
elif [ -d "$target" ]; then fail 4 "$1 is a folder"; fi
umask 077
set -C
: >"$tmp" || fail 5 "cannot write in the folder of $1"
echo ready
exec cat >>"$tmp"
`;

/**
 * $1 the file, $2 the upload id, $3 empty, $4 the bytes sent. The input's end reaches the container a
 * little after the socket closes, so this waits (5 s at most) for the temp file to hold them all,
 * then renames it into place and writes "size mtime".
 */
export const COMMIT_SCRIPT = `${PRELUDE}want=$4
${PLACE}i=0
while :; do
  size=$(stat -c %s -- "$tmp" 2>/dev/null) || fail 5 "the upload of $1 is gone"
  [ "$size" -eq "$want" ] && break
  [ "$size" -gt "$want" ] && fail 5 "the upload of $1 holds $size bytes, more than the $want sent"
  i=$((i + 1))
  [ "$i" -ge 100 ] && fail 5 "the upload of $1 stopped at $size of $want bytes"
  sleep 0.05
done
mv -f -- "$tmp" "$target" || { rm -f -- "$tmp"; fail 5 "cannot put $1 in place"; }
stat -c '%s %Y' -- "$target"
`;

/** $1 the file, $2 the upload id: deletes the temp file, if any. */
export const ABORT_SCRIPT = `${PRELUDE}${PLACE}rm -f -- "$tmp"
`;

/** The command line for a script and its arguments. */
export function shellCommand(script: string, ...args: string[]): string[] {
  return ['sh', '-c', script, 'sh', ...args];
}

const TYPES: Record<string, FileType> = { f: 'file', d: 'directory' };

/** LIST_SCRIPT's output as entries, in name order, without uploads in progress. */
export function parseListing(output: Buffer): FileEntry[] {
  const entries: FileEntry[] = [];
  for (const record of output.toString('utf8').split('\0')) {
    const parts = record.split('\t');
    if (parts.length < 4) continue;
    const [kind = '', size = '', mtime = ''] = parts;
    const name = parts.slice(3).join('\t');
    if (name.startsWith(UPLOAD_TEMP_PREFIX)) continue;
    const type = TYPES[kind] ?? 'other';
    entries.push({
      name,
      type,
      size: type === 'file' ? Number(size) || 0 : 0,
      mtime: new Date(Math.round(Number(mtime) * 1000) || 0).toISOString(),
    });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** "size mtime" (mtime in epoch seconds), as READ_SCRIPT and COMMIT_SCRIPT write it. */
export function parseSizeLine(line: string): { size: number; mtime: Date } | null {
  const match = /^(\d+) (\d+)$/.exec(line.trim());
  if (!match) return null;
  return { size: Number(match[1]), mtime: new Date(Number(match[2]) * 1000) };
}
