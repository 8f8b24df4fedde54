import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a `sudo` stand-in into `dir`: `-n` fails when FAKE_SUDO_PASSWORD is set, `-S -p P`
 * prints P on stderr and reads the password from stdin (two tries, like sudo), `-u` is
 * accepted and ignored; then the command after `--` runs.
 */
export function writeFakeSudo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const script = `#!/bin/sh
nonint=0; stdin=0; prompt='Password: '
while [ $# -gt 0 ]; do
  case "$1" in
    -n) nonint=1 ;;
    -S) stdin=1 ;;
    -p) shift; prompt="$1" ;;
    -u) shift ;;
    --) shift; break ;;
    *) break ;;
  esac
  shift
done
if [ -n "$FAKE_SUDO_PASSWORD" ]; then
  if [ $nonint = 1 ]; then echo "sudo: a password is required" >&2; exit 1; fi
  tries=0
  while [ $tries -lt 2 ]; do
    printf '%s' "$prompt" >&2
    IFS= read -r pw || { echo "sudo: no password was provided" >&2; exit 1; }
    if [ "$pw" = "$FAKE_SUDO_PASSWORD" ]; then exec "$@"; fi
    tries=$((tries+1))
    echo "Sorry, try again." >&2
  done
  echo "sudo: 2 incorrect password attempts" >&2
  exit 1
fi
exec "$@"
`;
  const file = join(dir, 'sudo');
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return dir;
}
