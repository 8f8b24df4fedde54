# shellcheck shell=sh
# Sourced by bench/floor.sh and bench/minimal.sh: one OpenSSH connection per host, all hosts
# in parallel, each running REMOTE with the file SCRIPT on its stdin; output to LOG_DIR/NAME.out
# and .err. Returns 0 when every host succeeded, else prints the failed ones (prefixed with
# LABEL) and returns 1. Uses HOSTS_FILE (one `NAME PORT` a line, every host on 127.0.0.1,
# user tpx), IDENTITY, KNOWN_HOSTS and LOG_DIR from the caller.
#
#   each_host LABEL SCRIPT REMOTE
each_host() {
  _label=$1 _script=$2 _remote=$3 _pids=''
  while read -r _name _port; do
    [ -n "$_name" ] || continue
    ssh -F /dev/null -T -i "$IDENTITY" -o IdentitiesOnly=yes -o BatchMode=yes \
      -o UserKnownHostsFile="$KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o ControlMaster=no -o ControlPath=none \
      -o ConnectTimeout=20 -p "$_port" tpx@127.0.0.1 "$_remote" < "$_script" > "$LOG_DIR/$_name.out" 2> "$LOG_DIR/$_name.err" &
    _pids="$_pids $!:$_name"
  done < "$HOSTS_FILE"
  _failed=''
  for _p in $_pids; do
    wait "${_p%%:*}" || _failed="$_failed ${_p#*:}"
  done
  [ -z "$_failed" ] && return 0
  echo "$_label: failed on:$_failed (see $LOG_DIR)" >&2
  return 1
}
