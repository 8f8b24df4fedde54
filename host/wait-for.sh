#!/bin/sh
# wait-for.sh — the host side of tpx's wait_for module (src/modules/wait-for.ts sends it as one
# command; POSIX sh, awk, date, sleep, grep). It waits on the managed host itself, as Ansible's
# wait_for does, and is bounded by its own timeout:
#
#   sh -c "$(cat wait-for.sh)" tpx-wait-for KIND STATE HOST PORT PATH REGEX TIMEOUT SLEEP DELAY CONNECT_TIMEOUT
#
# KIND port: STATE started waits until HOST:PORT takes connections, stopped until it does not.
#   HOST 127.0.0.1, localhost, 0.0.0.0, ::1 or ::: read /proc/net/tcp and tcp6 for a socket in
#   LISTEN on an address a connection to HOST reaches (no process needed, nothing connects).
#   Another HOST: a TCP connection through bash's /dev/tcp under timeout(1), else nc -z.
# KIND path: STATE present/started waits until PATH exists (and, with REGEX, until a line of it
#   matches: grep -P, else grep -E), absent/stopped until it does not.
# KIND sleep: waits TIMEOUT seconds.
#
# Answers one line, `TPXWAIT ok ELAPSED`, `TPXWAIT timeout ELAPSED` or `TPXWAIT error MESSAGE`.
# After `ok`, for a PATH that exists: `TPXPATH UID GID MODE SIZE KIND` and the owner's and the
# group's names (a line each); then with a REGEX, the first MiB of PATH (the controller takes
# the match groups from it).
set -u
kind=$1 state=$2 host=$3 port=$4 path=$5 regex=$6 timeout=$7 pause=$8 delay=$9 ct=${10}

now() { date +%s; }
start=$(now)
[ "$delay" -gt 0 ] && sleep "$delay"
end=$((start + timeout))

local_hosts() {
  # Hex addresses in /proc/net/tcp* a connection to $host reaches (0.0.0.0 and :: listen on all).
  case "$host" in
    127.0.0.1 | 0.0.0.0) echo 0100007F 00000000 00000000000000000000000000000000 0000000000000000FFFF00000100007F ;;
    ::1 | ::) echo 00000000000000000000000001000000 00000000000000000000000000000000 ;;
    localhost) echo 0100007F 00000000 00000000000000000000000001000000 00000000000000000000000000000000 0000000000000000FFFF00000100007F ;;
    *) return 1 ;;
  esac
}

if addrs=$(local_hosts); then
  hexport=$(printf '%04X' "$port")
  listening() {
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v port="$hexport" -v addrs="$addrs" '
      BEGIN { n = split(addrs, a, " "); for (i = 1; i <= n; i++) ok[a[i]] = 1 }
      $4 == "0A" { split($2, l, ":"); if (l[2] == port && (l[1] in ok)) found = 1 }
      END { exit !found }'
  }
elif command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
  # shellcheck disable=SC2016 # $0 and $1 are bash's, given as arguments
  listening() { timeout "$ct" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; }
elif command -v nc >/dev/null 2>&1; then
  listening() { nc -z -w "$ct" "$host" "$port" 2>/dev/null; }
elif [ "$kind" = port ]; then
  printf 'TPXWAIT error checking a port of another host (%s) needs bash and timeout, or nc, on the host\n' "$host"
  exit 0
fi

grepflag=-E
if printf 'x\n' | grep -Pq 'x' 2>/dev/null; then grepflag=-P; fi

met() {
  case "$kind:$state" in
    port:started | port:present) listening ;;
    port:stopped | port:absent) ! listening ;;
    path:started | path:present)
      [ -e "$path" ] || return 1
      [ -z "$regex" ] || grep "$grepflag" -q -e "$regex" -- "$path" 2>/dev/null
      ;;
    path:absent | path:stopped) ! [ -e "$path" ] ;;
    *) return 1 ;;
  esac
}

# What Ansible adds to a result that names an existing path: ids, names, mode, kind, size.
describe() {
  if [ -L "$path" ]; then k='link'; elif [ -d "$path" ]; then k=directory; elif [ "$(stat -L -c %h -- "$path")" -gt 1 ]; then k=hard; else k='file'; fi
  printf 'TPXPATH %s %s\n' "$(stat -c '%u %g %a %s' -- "$path")" "$k"
  stat -c '%U' -- "$path"
  stat -c '%G' -- "$path"
}

if [ "$kind" = sleep ]; then
  sleep "$timeout"
  echo "TPXWAIT ok $(($(now) - start))"
  exit 0
fi
while [ "$(now)" -lt "$end" ]; do
  if met; then
    echo "TPXWAIT ok $(($(now) - start))"
    if [ "$kind" = path ] && { [ -e "$path" ] || [ -L "$path" ]; }; then describe; fi
    if [ -n "$regex" ]; then head -c 1048576 -- "$path"; fi
    exit 0
  fi
  sleep "$pause"
done
echo "TPXWAIT timeout $(($(now) - start))"
