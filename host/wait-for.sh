#!/bin/sh
# wait-for.sh — the host side of tpx's wait_for module (src/modules/wait-for.ts sends it as one
# command; POSIX sh, awk, date, sleep, grep, getent). It waits on the managed host itself, as
# Ansible's wait_for does, and is bounded by its own timeout:
#
#   sh -c "$(cat wait-for.sh)" tpx-wait-for [PORT_HELPER]   (the settings on stdin)
#
# Settings: stdin holds `name='value'` lines, every value quoted by tpx's shell quoter (so no
# task data is on a command line): kind state host port path regex timeout pause delay ct, and
# states (TCP state codes), excludes (host names, a line each), portreq (JSON for the helper).
# PORT_HELPER: the source of host/wait-for-port.py, given only for search_regex on a port.
#
# KIND port: STATE started waits until HOST:PORT takes connections, stopped until it does not.
#   HOST 127.0.0.1, localhost, 0.0.0.0, ::1 or ::: read /proc/net/tcp and tcp6 for a socket in
#   LISTEN on an address a connection to HOST reaches (no process needed, nothing connects).
#   Another HOST: a TCP connection through bash's /dev/tcp under timeout(1), else nc -z.
#   With REGEX: each try is one run of PORT_HELPER (python3), which connects and reads what the
#   service sends until REGEX matches, the service closes, or the time is up.
#   STATE drained waits until no connection to PORT on an address of HOST (all of them for
#   0.0.0.0 or ::) is in one of STATES, from /proc/net/tcp and tcp6, ignoring those that come
#   from an address of EXCLUDES.
# KIND path: STATE present/started waits until PATH exists (and, with REGEX, until a line of it
#   matches: grep -P, else grep -E), absent/stopped until it does not.
# KIND sleep: waits TIMEOUT seconds.
#
# Answers one line, `TPXWAIT ok ELAPSED`, `TPXWAIT timeout ELAPSED` or `TPXWAIT error MESSAGE`.
# After `ok`, for a PATH that exists: `TPXPATH UID GID MODE SIZE KIND` and the owner's and the
# group's names (a line each); then with a REGEX, the first MiB of PATH (the controller takes
# the match groups from it).
set -fu
helper=${1-}
kind=sleep state=started host=127.0.0.1 port=0 path='' regex='' timeout=300 pause=1 delay=0 ct=5
states='' excludes='' portreq='' guard=':'
settings=$(cat)
eval "$settings"
# sleep 0 would spin, a process a try: a tenth of a second instead. connect_timeout 0 would be
# no limit to timeout(1) and nc -w: one second instead.
[ "$pause" != 0 ] || pause=0.1
[ "$ct" != 0 ] || ct=1

# Milliseconds since the epoch (whole seconds where date has no %N), so that elapsed, as
# Ansible's, counts whole seconds of real time.
now() {
  t=$(date +%s%3N)
  case $t in *N) echo "$(($(date +%s) * 1000))" ;; *) echo "$t" ;; esac
}
start=$(now)
[ "$delay" -gt 0 ] && sleep "$delay"
end=$((start + timeout * 1000))
elapsed() { echo "$((($(now) - start) / 1000))"; }
hexport=$(printf '%04X' "$port")

local_hosts() {
  # Hex addresses in /proc/net/tcp* a connection to $host reaches (0.0.0.0 and :: listen on all).
  case "$host" in
    127.0.0.1 | 0.0.0.0) echo 0100007F 00000000 00000000000000000000000000000000 0000000000000000FFFF00000100007F ;;
    ::1 | ::) echo 00000000000000000000000001000000 00000000000000000000000000000000 ;;
    localhost) echo 0100007F 00000000 00000000000000000000000001000000 00000000000000000000000000000000 0000000000000000FFFF00000100007F ;;
    *) return 1 ;;
  esac
}

# The addresses NAME resolves to on this host, as /proc/net/tcp (IPv4) and tcp6 write them (each
# 32-bit word in the host's order, little-endian here); an IPv4 address also in its ::ffff: form.
hex_addresses() {
  getent ahosts -- "$1" | awk '
    function v4(a, o) { split(a, o, "."); return sprintf("%02X%02X%02X%02X", o[4] + 0, o[3] + 0, o[2] + 0, o[1] + 0) }
    function v6(a, o, g, h, t, hn, tn, i, n, s, out) {
      sub(/%.*/, "", a)
      if (a ~ /\./) {
        match(a, /[0-9.]+$/); split(substr(a, RSTART), o, ".")
        a = substr(a, 1, RSTART - 1) sprintf("%x%02x:%x%02x", o[1] + 0, o[2] + 0, o[3] + 0, o[4] + 0)
      }
      i = index(a, "::")
      if (i) { h = substr(a, 1, i - 1); t = substr(a, i + 2) } else { h = a; t = "" }
      hn = h == "" ? 0 : split(h, o, ":"); for (n = 1; n <= hn; n++) g[n] = o[n]
      tn = t == "" ? 0 : split(t, o, ":"); for (; n <= 8 - tn; n++) g[n] = "0"
      for (i = 1; i <= tn; i++) g[n++] = o[i]
      out = ""
      for (i = 1; i <= 8; i += 2) {
        s = substr("0000" g[i], length(g[i]) + 1) substr("0000" g[i + 1], length(g[i + 1]) + 1)
        out = out substr(s, 7, 2) substr(s, 5, 2) substr(s, 3, 2) substr(s, 1, 2)
      }
      return toupper(out)
    }
    seen[$1]++ { next }
    $1 ~ /:/ { print v6($1); next }
    { print v4($1); print "0000000000000000FFFF0000" v4($1) }'
}

# Hex addresses of each line of $1 (host names), space-separated; or the error line naming one
# that does not resolve, and a failure.
hex_list() {
  list='' old_ifs=$IFS
  IFS='
'
  for name in $1; do
    if ! hexes=$(hex_addresses "$name") || [ -z "$hexes" ]; then
      IFS=$old_ifs
      printf 'TPXWAIT error cannot resolve %s on the host (getent ahosts found no address)\n' "$name"
      return 1
    fi
    list="$list $hexes"
  done
  IFS=$old_ifs
  printf '%s\n' "$list" | tr '\n' ' '
}

if [ "$kind:$state" = port:drained ]; then
  ips=$(hex_list "$host") || { printf '%s\n' "$ips"; exit 0; }
  excluded=$(hex_list "$excludes") || { printf '%s\n' "$excluded"; exit 0; }
  connections() {
    # Ansible's rule: the local address is one of HOST's, or HOST is the any-address of its family
    # (for 0.0.0.0 also IPv4 connections on an IPv6 socket).
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v port="$hexport" -v ips="$ips" -v ex="$excluded" -v states="$states" '
      BEGIN {
        n = split(ips, a, " "); for (i = 1; i <= n; i++) ip[a[i]] = 1
        n = split(ex, a, " "); for (i = 1; i <= n; i++) x[a[i]] = 1
        n = split(states, a, " "); for (i = 1; i <= n; i++) st[a[i]] = 1
        any4 = "00000000"; any6 = any4 any4 any4 any4; mapped = "0000000000000000FFFF0000"
      }
      $2 == "local_address" || !($4 in st) { next }
      {
        split($2, l, ":"); split($3, r, ":")
        if (l[2] != port || (r[1] in x)) next
        if ((l[1] in ip) || ((length(l[1]) == 8 ? any4 : any6) in ip) || (substr(l[1], 1, 24) == mapped && ((mapped any4) in ip))) count++
      }
      END { print count + 0 }'
  }
elif [ "$kind" = port ] && [ -n "$regex" ] && { [ "$state" = started ] || [ "$state" = present ]; }; then
  if ! command -v python3 >/dev/null 2>&1; then
    echo 'TPXWAIT error search_regex on a port needs python3 on the host, as Ansible does'
    exit 0
  fi
  # One try: connect, read until a match (0), a close or the end of the time (1), or an error (3).
  # The helper's argument: the milliseconds left.
  answered() {
    said=$(printf '%s' "$portreq" | (cd / && python3 -E -s -S -c "$helper" "$((end - $(now)))"))
    case $? in
      0) return 0 ;;
      1) return 1 ;;
      *)
        printf 'TPXWAIT error %s\n' "${said:-reading the port failed}"
        exit 0
        ;;
    esac
  }
elif addrs=$(local_hosts); then
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
    port:drained) [ "$(connections)" -eq 0 ] ;;
    port:started | port:present) if [ -n "$regex" ]; then answered; else listening; fi ;;
    port:stopped | port:absent) ! listening ;;
    path:started | path:present)
      [ -e "$path" ] || return 1
      # Only a regular file is searched (a FIFO would block, an endless one grow grep).
      # The pattern on descriptor 3, not on grep's command line, where every user sees it.
      [ -z "$regex" ] || { guarded && content 16777216 | grep "$grepflag" -q -f /dev/fd/3 2>/dev/null 3<<TPXREGEX; }
$regex
TPXREGEX
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
  echo "TPXWAIT ok $(elapsed)"
  exit 0
fi
# Content read as root only where no other user chose the file (their link on its way, or in
# /tmp at its name): the controller's walk (guard) before every read, which refuses with its
# message, or opens the file where it checked it and names it in p (/proc/self/fd/4).
guarded() {
  why=$( (eval "$guard") 2>&1 >/dev/null) || { printf 'TPXWAIT error %s\n' "$why"; exit 0; }
}
# Up to $1 bytes of the file, read as the guard opened it.
# shellcheck disable=SC2154 # p and pin are the guard's
content() { (tpx_max=$1 && eval "$guard" 2>/dev/null && [ -n "$pin" ] && head -c "$tpx_max" -- "$p"); }
if [ "$kind" = path ] && [ -n "$regex" ]; then guarded; fi
while [ "$(now)" -lt "$end" ]; do
  if met; then
    echo "TPXWAIT ok $(elapsed)"
    if [ "$kind" = path ] && { [ -e "$path" ] || [ -L "$path" ]; }; then describe; fi
    if [ "$kind" = path ] && [ -n "$regex" ]; then guarded && content 1048576; fi
    exit 0
  fi
  sleep "$pause"
done
echo "TPXWAIT timeout $(elapsed)"
