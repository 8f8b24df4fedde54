/**
 * The shell side of the per-host run lock (see host-lock.ts): POSIX sh plus util-linux's
 * `flock` and `setsid`, run as the login user.
 *
 * `/tmp/tpx-lock/lock` is flock(2)ed by a small keeper process started detached (setsid)
 * on the host; the kernel drops the lock when the keeper ends, so a lock never outlives
 * its holder. The keeper lives while the SSH session that took the lock does, then
 * `LOCK_GRACE_S` more seconds (time for the run to reconnect after a drop), unless tpx
 * releases the lock first (`releaseScript`, when it closes the connection).
 * `/tmp/tpx-lock/holder` says who holds it. The directory is mode 0777 without the sticky
 * bit, so every login user (tpx's, another operator's) can take the lock and replace the
 * holder file: /tmp is the one place every user can write that all sessions share
 * (/run may be private per session, /var/lib needs root).
 */

/** Seconds a lock outlives the SSH session that took it. */
export const LOCK_GRACE_S = 15;
/** The lock's directory on every host. */
export const LOCK_DIR = '/tmp/tpx-lock';

/** Who takes the lock: the run, the tpx process and the machine it runs on, the host's inventory name. */
export interface LockOwner {
  readonly runId: string;
  readonly pid: number;
  readonly controller: string;
  readonly host: string;
  /** ISO time the run started. */
  readonly since: string;
}

/** What the lock script answered. */
export type LockAnswer =
  | { readonly kind: 'ok' }
  | { readonly kind: 'held'; readonly holder: Readonly<Record<string, string>> }
  | { readonly kind: 'unavailable'; readonly reason: string };

function q(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `start_at PID`: the process's start time (clock ticks since boot, /proc/PID/stat field 22)
 * into `$_st`, or nothing: with it a recycled PID is told from the process it once was. A
 * variable, not output: `$(…)` would fork a process for every look.
 */
const START_AT = 'start_at() { _st=""; _s=""; read -r _s < "/proc/$1/stat" 2>/dev/null || return 0; set -- ${_s##*) }; shift 19; _st=$1; }';

// $1 the SSH session's process and $2 its start time, $3 the lock file, $4 the grace, $5 the
// phase file; fd 9 holds the lock. While the session lives, the keeper notes its channels'
// sessions (each command runs in a session of its own, led by a child of sshd) with their
// start times. When it is gone, the keeper waits for the commands it left behind (a killed
// tpx does not stop them), then the grace. A session is still there while its leader is
// (same start time) or, the leader gone, any process is in it (Linux does not hand out a
// PID that is still some session's id). It polls once a second, and each poll starts one
// process (the sleep): at 200 hosts, every process a keeper starts is 200 on the fleet.
const KEEPER = [
  START_AT,
  'left() { for e in $sids; do s=${e%%:*}; if [ -d "/proc/$s" ]; then start_at "$s"; [ "$_st" = "${e#*:}" ] && return 0; elif command -v pgrep >/dev/null 2>&1 && pgrep -s "$s" >/dev/null 9<&-; then return 0; fi; done; return 1; }',
  'sids=""',
  'while start_at "$1" && [ "$_st" = "$2" ] && [ -e "$3" ]; do',
  '  c=""; read -r c < "/proc/$1/task/$1/children" 2>/dev/null',
  '  for p in $c; do case " $sids " in *" $p:"*) ;; *) start_at "$p"; sids="$sids $p:$_st" ;; esac; done',
  '  sleep 1 9<&-',
  'done',
  'if [ -e "$3" ] && left; then',
  '  echo orphans > "$5.$$" && mv -f "$5.$$" "$5"',
  '  while left; do sleep 1 9<&-; done',
  'fi',
  'echo idle > "$5.$$" && mv -f "$5.$$" "$5"',
  'sleep "$4" 9<&-',
].join('\n');

/** Seconds a later process waits for the commands a dead holder left running. */
export const ORPHAN_WAIT_S = 120;

/**
 * Takes the lock, or says who holds it. It may be taken over: by the same tpx process for
 * the same host at once (a reconnect); once the holder's SSH session is gone and the
 * commands it left running have ended (waiting up to ORPHAN_WAIT_S for them), by a later
 * process with the same run id (`--retry-failed`) or — `deadHolder` ("PID/CONTROLLER", a
 * holder tpx found dead on this controller) — by any run, if that is still the holder.
 */
export function takeLockScript(owner: LockOwner, dir: string = LOCK_DIR, deadHolder = ''): string {
  return [
    `d=${q(dir)} run=${q(owner.runId)} pid=${owner.pid} ctl=${q(owner.controller)} host=${q(owner.host)} dead=${q(deadHolder)}`,
    '[ -d "$d" ] || mkdir -m 0777 "$d" 2>/dev/null',
    'if [ -L "$d" ] || [ ! -d "$d" ] || [ ! -w "$d" ]; then echo "TPXLOCK unavailable $d is not a directory this user can write"; exit 0; fi',
    'command -v flock >/dev/null 2>&1 && command -v setsid >/dev/null 2>&1 || { echo "TPXLOCK unavailable flock or setsid is missing on the host"; exit 0; }',
    '[ -e "$d/lock" ] || { : >> "$d/lock" && chmod 0666 "$d/lock"; } 2>/dev/null',
    'exec 9< "$d/lock" || { echo "TPXLOCK unavailable cannot open $d/lock"; exit 0; }',
    'field() { sed -n "s/^$1=//p" "$d/holder" 2>/dev/null | head -n 1; }',
    START_AT,
    'held() { echo "TPXLOCK held alive=$alive phase=$(cat "$d/phase" 2>/dev/null)"; cat "$d/holder" 2>/dev/null; exit 0; }',
    'n=0',
    'while ! flock -n 9; do',
    '  h_sshd=$(field sshd); alive=no; h=${h_sshd%%:*}; [ -n "$h_sshd" ] && start_at "$h" && [ "$h:$_st" = "$h_sshd" ] && alive=yes',
    '  [ "$(field run)" = "$run" ] || { [ -n "$dead" ] && [ "$(field pid)/$(field controller)" = "$dead" ]; } || held',
    '  if [ "$(field pid)/$(field controller)/$(field host)" != "$pid/$ctl/$host" ]; then',
    '    [ $alive = no ] || held',
    `    if [ "$(cat "$d/phase" 2>/dev/null)" != idle ]; then [ $n -lt ${ORPHAN_WAIT_S} ] || held; n=$((n + 1)); sleep 1; continue; fi`,
    '  fi',
    '  k=$(field keeper); case "$k" in ""|*[!0-9]*) ;; *) kill "$k" 2>/dev/null ;; esac',
    '  flock -w 5 9 || held',
    '  break',
    'done',
    'echo live > "$d/phase.$$" && mv -f "$d/phase.$$" "$d/phase"',
    'start_at $PPID; me=$PPID:$_st',
    `setsid sh -c ${q(KEEPER)} tpx-lock-keeper "$PPID" "$_st" "$d/lock" ${LOCK_GRACE_S} "$d/phase" < /dev/null > /dev/null 2>&1 &`,
    `printf 'run=%s\\npid=%s\\ncontroller=%s\\nhost=%s\\nsince=%s\\nuser=%s\\nsshd=%s\\nkeeper=%s\\n' "$run" "$pid" "$ctl" "$host" ${q(owner.since)} "$(id -un)" "$me" "$!" > "$d/holder.$$" && mv -f "$d/holder.$$" "$d/holder"`,
    'echo "TPXLOCK ok"',
  ].join('\n');
}

/** Releases the lock if this process holds it for this host: its keeper ends, the kernel drops the lock. */
export function releaseLockScript(owner: LockOwner, dir: string = LOCK_DIR): string {
  return [
    `d=${q(dir)}`,
    'field() { sed -n "s/^$1=//p" "$d/holder" 2>/dev/null | head -n 1; }',
    `if [ "$(field run)/$(field pid)/$(field controller)/$(field host)" = ${q(`${owner.runId}/${owner.pid}/${owner.controller}/${owner.host}`)} ]; then`,
    '  k=$(field keeper); case "$k" in ""|*[!0-9]*) k="" ;; *) kill "$k" 2>/dev/null ;; esac',
    // The lock is free once the keeper is gone (a zombie holds no descriptor): wait up to 2 s.
    '  i=0; while [ -n "$k" ] && [ -d "/proc/$k" ] && [ "$(cut -d" " -f3 "/proc/$k/stat" 2>/dev/null)" != Z ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done',
    'fi',
    'true',
  ].join('\n');
}

/** Reads the lock script's stdout. */
export function parseLockAnswer(stdout: string): LockAnswer {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('TPXLOCK '));
  if (at < 0) return { kind: 'unavailable', reason: `no answer from the lock script${stdout.trim() ? `: ${stdout.trim().slice(0, 200)}` : ''}` };
  const [, kind, ...rest] = lines[at].split(' ');
  if (kind === 'ok') return { kind: 'ok' };
  if (kind === 'held') {
    const holder: Record<string, string> = {};
    for (const word of rest) {
      const eq = word.indexOf('=');
      if (eq > 0) holder[word.slice(0, eq)] = word.slice(eq + 1);
    }
    for (const line of lines.slice(at + 1)) {
      const eq = line.indexOf('=');
      if (eq > 0) holder[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return { kind: 'held', holder };
  }
  return { kind: 'unavailable', reason: rest.join(' ') || 'unknown answer' };
}
