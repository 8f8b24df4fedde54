#!/bin/sh
# run-lock.sh — tpx's per-host run lock, the host side (src/engine/host-lock.ts sends it as
# the command of one SSH channel on every new connection; POSIX sh and util-linux's flock).
#
#   sh -c "$(cat run-lock.sh)" tpx-run-lock SCOPE RUN PID CONTROLLER HOST SINCE TAKEOVER NS
#
# SCOPE root: run as root (through sudo); the lock lives in /run/tpx, which only root can
#   create or write, so no other local user can plant, hold or forge anything in it.
# SCOPE user: run as the login user; the lock lives in ~/.local/state/tpx (0700).
# TAKEOVER: "PID/CONTROLLER/NS" of a tpx process the caller knows to be gone (NS: its PID
#   namespace, so that a same-named controller in a container is never taken for it): a
#   holder of that process is ended and the lock taken over at once. A reconnect of the same
#   process (same PID, controller, host and NS) takes it over too.
#
# The lock is flock(2) on DIR/lock, held by this shell, which then blocks reading its stdin:
# the channel's stdin, which tpx keeps open. tpx writes "release" when it closes the
# connection; a connection that drops (tpx killed, network cut) closes stdin, the read ends,
# and the kernel frees the lock when this shell exits. Nothing polls, nothing outlives the
# connection. DIR/holder says who holds it; after a clean release it is empty. A holder file
# that is not empty when the lock is taken belongs to a connection that ended without
# releasing: the processes that connection started and that still run (found by its
# SSH_CONNECTION) are named so that tpx can warn about them.
#
# Answers on stdout, one line first word TPXLOCK: `ok`, `held` (followed by the holder's
# key=value lines), `unavailable REASON`; `left PID COMMAND` lines come before `ok`.
set -u
umask 077
scope=$1 run=$2 pid=$3 ctl=$4 host=$5 since=$6 takeover=$7 ns=$8

unavailable() { printf 'TPXLOCK unavailable %s\n' "$*"; exit 0; }

if [ "$scope" = root ]; then d=/run/tpx; else d=${HOME:-}/.local/state/tpx; fi
case "$d" in /?*) ;; *) unavailable "no home directory to keep the lock in" ;; esac
# New directories get 0700 from the umask; one that was there is checked.
made=no
[ -e "$d" ] || [ -L "$d" ] || { mkdir -p "$d" 2>/dev/null && made=yes; }
if [ -L "$d" ] || [ ! -d "$d" ] || [ ! -O "$d" ]; then
  unavailable "$d is not a directory of $(id -un) ($(ls -ld "$d" 2>&1)); remove it"
fi
# Another user able to write in it could plant links or hold the lock: refuse, never repair.
if [ $made = no ]; then
  listing=$(ls -ld "$d")
  case $listing in
    ?????w????*|????????w?*) unavailable "$d is writable by other users ($listing); make it 0700 or remove it" ;;
  esac
fi
[ ! -L "$d/lock" ] || unavailable "$d/lock is a symbolic link; remove it"
command -v flock >/dev/null 2>&1 || unavailable "flock (util-linux) is missing on the host"
# `command`: a failed redirection of a plain exec would end the shell without an answer.
command exec 9>> "$d/lock" || unavailable "cannot open $d/lock"

# start_at PID: the process's start time (clock ticks since boot, /proc/PID/stat field 22)
# into $_st, or nothing; a recycled PID is told from the process it once was.
start_at() {
  _st='' _s=''
  { read -r _s < "/proc/$1/stat"; } 2>/dev/null || return 0
  # shellcheck disable=SC2086 # split the fields after the command name
  set -- ${_s##*) }
  shift 19
  _st=$1
}

# The holder file's fields as h_KEY variables (builtins only).
read_holder() {
  h_run='' h_pid='' h_controller='' h_host='' h_since='' h_user='' h_holder='' h_conn='' h_ns=''
  [ -f "$d/holder" ] || return 0
  while IFS= read -r _line; do
    case "$_line" in
      run=*) h_run=${_line#run=} ;; pid=*) h_pid=${_line#pid=} ;;
      controller=*) h_controller=${_line#controller=} ;; host=*) h_host=${_line#host=} ;;
      since=*) h_since=${_line#since=} ;; user=*) h_user=${_line#user=} ;;
      holder=*) h_holder=${_line#holder=} ;; conn=*) h_conn=${_line#conn=} ;;
      ns=*) h_ns=${_line#ns=} ;;
    esac
  done < "$d/holder"
}

holder_alive() {
  case "$h_holder" in *[!0-9:]*|'') return 1 ;; esac
  start_at "${h_holder%%:*}"
  [ -n "$_st" ] && [ "$_st" = "${h_holder#*:}" ]
}

if ! flock -n 9; then
  read_holder
  if holder_alive; then
    if [ "$h_pid/$h_controller/$h_host/$h_ns" = "$pid/$ctl/$host/$ns" ] || { [ -n "$takeover" ] && [ "$h_pid/$h_controller/$h_ns" = "$takeover" ]; }; then
      # Our own earlier connection (a reconnect) or a tpx known to be dead: end its holder.
      kill "${h_holder%%:*}" 2>/dev/null
    else
      printf 'TPXLOCK held\nrun=%s\npid=%s\ncontroller=%s\nhost=%s\nsince=%s\nuser=%s\nns=%s\n' \
        "$h_run" "$h_pid" "$h_controller" "$h_host" "$h_since" "$h_user" "$h_ns"
      exit 0
    fi
  fi
  # The holder is gone or going: the kernel frees the lock when its descriptor closes.
  flock -w 10 9 || unavailable "the lock in $d was not freed 10 s after its holder ended"
fi

# This session's SSH_CONNECTION: sudo does not pass it on; read it from the session's
# process below sshd (the login shell, or sudo, which it became).
conn=${SSH_CONNECTION:-}
if [ -z "$conn" ]; then
  p=$$
  while [ "$p" -gt 1 ]; do
    _s=''
    { read -r _s < "/proc/$p/stat"; } 2>/dev/null || break
    # shellcheck disable=SC2086
    set -- ${_s##*) }
    parent=$2
    _c=''
    { read -r _c < "/proc/$parent/comm"; } 2>/dev/null
    # OpenSSH 9.8 and later name the session's process sshd-session.
    if [ "$_c" = sshd ] || [ "$_c" = sshd-session ]; then
      # The shell drops the NUL that ends the variable in environ.
      conn=$(grep -z -s -m 1 '^SSH_CONNECTION=' "/proc/$p/environ" 9>&-)
      conn=${conn#SSH_CONNECTION=}
      break
    fi
    p=$parent
  done
fi
# A holder that did not release: name what its connection left running.
read_holder
if [ -n "$h_run" ] && [ -n "$h_conn" ] && [ "$h_conn" != "$conn" ]; then
  # Only processes of root and of the login user: anyone can put any SSH_CONNECTION in the
  # environment of a process of their own (or make reading it hang).
  uid_of() { uid=''; while read -r k v _rest; do [ "$k" = Uid: ] && { uid=$v; return 0; }; done < "$1" 2>/dev/null; }
  if [ "$scope" = root ]; then mine=${SUDO_UID:-0}; else uid_of /proc/$$/status; mine=$uid; fi
  candidates=''
  for st in /proc/[0-9]*/status; do
    uid_of "$st"
    if [ -z "$uid" ]; then continue; fi
    if [ "$uid" != "$mine" ] && { [ "$scope" != root ] || [ "$uid" != 0 ]; }; then continue; fi
    p=${st%/status}
    candidates="$candidates $p/environ"
  done
  # shellcheck disable=SC2086 # one path per word
  [ -z "$candidates" ] || grep -l -s -z -x -F "SSH_CONNECTION=$h_conn" $candidates 9>&- | {
    n=0
    while IFS= read -r f; do
      p=${f#/proc/}; p=${p%/environ}
      n=$((n + 1))
      [ $n -le 5 ] || continue
      # Printable characters only: this line is parsed by tpx.
      printf 'TPXLOCK left %s %s\n' "$p" "$(tr -c '[:print:]' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-160)"
    done
    [ $n -le 5 ] || printf 'TPXLOCK left more %s\n' $((n - 5))
  }
  printf 'TPXLOCK previous run=%s pid=%s controller=%s\n' "$h_run" "$h_pid" "$h_controller"
fi

start_at $$
printf 'run=%s\npid=%s\ncontroller=%s\nhost=%s\nsince=%s\nuser=%s\nholder=%s\nconn=%s\nns=%s\n' \
  "$run" "$pid" "$ctl" "$host" "$since" "${SUDO_USER:-${USER:-$(id -un)}}" "$$:$_st" "$conn" "$ns" > "$d/holder"
echo 'TPXLOCK ok'
# Hold until tpx says release, or the connection is gone (end of input).
cmd=''
IFS= read -r cmd || true
[ "$cmd" != release ] || : > "$d/holder"
