#!/bin/sh
# tproxy.sh — the host side of tpx's transparent-proxy upgrade (playbooks/upgrade.yaml).
#
# Needs only POSIX sh (dash), awk, grep, sha256sum, stat, timeout, setsid, flock (util-linux)
# and iptables-save/-restore (ip6tables-* for IPv6).
#
# It is written to start few processes: at 100 hosts on a few cores, the processes a host
# starts (not the work they do) are what an upgrade costs. Each family's rules are read once
# per step (`$(iptables-save)`), one awk program per step works out every fact from both
# families at once, results go into variables or files, not through pipes, and nothing polls:
# waiting is blocking on a lock.
#
#   tproxy.sh detect  OPTIONS   read-only: what is installed, and the plan (JSON on stdout);
#                               with --install-helper PATH, when the upgrade will go ahead
#                               (something to do, and the target kumactl present at the
#                               target version or --package yes), it also copies itself to
#                               PATH (0755, replaced atomically) unless PATH is the same,
#                               and, kumactl missing, makes the directory two levels above
#                               it (0755) for the package
#   tproxy.sh apply   OPTIONS   the critical section, detached from the SSH session:
#                               backup -> flush (if needed) -> install -> verify -> record,
#                               or restore the backup on any failure. Prints the outcome
#                               (JSON). Safe to call again with the same --token (detect's
#                               "token", new for every detect): it re-attaches to a running
#                               section or reports its outcome; a new token starts anew.
#                               SIGTERM while it waits (tpx interrupted: its transport
#                               stops the command that way) aborts the section: the
#                               install is killed, the backup restored. A dropped
#                               connection (HUP, PIPE, no TERM) leaves the section be.
#   tproxy.sh verify  OPTIONS   read-only: the installed rules are what tpx recorded
#   tproxy.sh abort   --run-id ID --token T [--state-dir DIR]   stop a running section (it restores)
#   tproxy.sh kuma-lines FILE     Kuma's lines of an iptables-save file, as "table: line"
#   tproxy.sh rest-lines FILE     the file without Kuma's lines
#   tproxy.sh foreign-lines FILE  what must survive an upgrade: every rule and chain that is
#                                 not Kuma's, as "table: line" (default ACCEPT policies left out)
#   tproxy.sh check-rules ipv4|ipv6 FILE [OPTIONS]   what verify checks in a family the
#                                 target installs (chains, hooks, marker, DNS), on a file
#
# OPTIONS: --kumactl PATH --version V --args "ARGS" --flush-mode kuma|all
#          --backup-dir DIR --state-dir DIR --timeout SECONDS --run-id ID --dns yes|no
#          --marker yes|no --wait-max SECONDS --token T --install-helper PATH
#          --package yes|no (detect: a package will be unpacked when kumactl is missing)
#          --kumactl-seen V (apply: detect saw the target kumactl report V; not run again)
#          --rules-diff yes|no (detect, for --check --diff: the Kuma rules the install would
#          remove and add, from the target kumactl's --dry-run; see rules_diff)
#
# Where state lives: --state-dir, --backup-dir, the helper and the target kumactl run or are
# written as root, so each must be a real directory (or file), owned by root, that no other
# user can write, and so must every directory above it; anything else is refused with the
# path and its owner, never repaired or followed. Missing directories are created 0700.
# One section runs at a time per host: it holds flock(2) on STATE_DIR/section.lock from its
# start to its end, and every waiter blocks on that lock (the kernel wakes it), never polls.
#
# Exit codes: 0 done (or nothing to do), 1 failed (host restored), 2 bad usage,
# 3 still running (apply --wait-max elapsed), 4 failed and the restore did not match (loud).
# Variables named by family (REC_ipv4, HAS_KUMA_ipv6, FP_ipv4, …) are set and read through
# eval, which shellcheck cannot follow; awk programs are single-quoted on purpose.
# shellcheck disable=SC2034,SC2154,SC2016
set -u
umask 077
MARKER='kuma/mesh/transparent/proxy'
PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin
export PATH
# mktemp's directory: always /tmp (mktemp -d makes a private directory there); an inherited
# TMPDIR could be a directory another user controls.
TMPDIR=/tmp
export TMPDIR
NL='
'

KUMACTL='' VERSION='' ARGS='' FLUSH_MODE=kuma BACKUP_DIR=/var/lib/tpx/backups
STATE_DIR=/var/lib/tpx/tproxy TIMEOUT=120 RUN_ID='' DNS=no WANT_MARKER=yes WAIT_MAX=0 TOKEN='' INSTALL_HELPER='' PACKAGE=no
KUMACTL_SEEN='' RULES_DIFF=no
# The save command last used (messages); set by tools_of and read_rules.
SAVE=iptables-save
WORK=''

die() { printf 'tproxy.sh: %s\n' "$*" >&2; exit 2; }

is_number() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }

parse_options() {
  while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || die "option $1 needs a value"
    case "$1" in
      --kumactl) KUMACTL=$2 ;;
      --version) VERSION=$2 ;;
      --args) ARGS=$2 ;;
      --flush-mode) FLUSH_MODE=$2 ;;
      --backup-dir) BACKUP_DIR=$2 ;;
      --state-dir) STATE_DIR=$2 ;;
      --timeout) TIMEOUT=$2 ;;
      --run-id) RUN_ID=$2 ;;
      --dns) DNS=$2 ;;
      --marker) WANT_MARKER=$2 ;;
      --wait-max) WAIT_MAX=$2 ;;
      --token) TOKEN=$2 ;;
      --install-helper) INSTALL_HELPER=$2 ;;
      --package) PACKAGE=$2 ;;
      --kumactl-seen) KUMACTL_SEEN=$2 ;;
      --rules-diff) RULES_DIFF=$2 ;;
      *) die "unknown option $1" ;;
    esac
    shift 2
  done
  case "$FLUSH_MODE" in kuma|all) ;; *) die "--flush-mode must be kuma or all" ;; esac
  case "$RULES_DIFF" in yes|no) ;; *) die "--rules-diff must be yes or no" ;; esac
  if ! is_number "$TIMEOUT" || [ "$TIMEOUT" -le 0 ]; then die "--timeout must be a positive number of seconds"; fi
  is_number "$WAIT_MAX" || die "--wait-max must be a number of seconds"
  # The run id and the token name a directory: keep them to a safe alphabet.
  case "$RUN_ID" in *[!A-Za-z0-9._-]*|.*) die "--run-id may only hold letters, digits, '.', '_' and '-' (and not start with '.')" ;; esac
  case "$TOKEN" in *[!A-Za-z0-9-]*) die "--token may only hold letters, digits and '-'" ;; esac
  # The version names the target's directory, run as root: a version and nothing else.
  case "$VERSION" in
    '') ;;
    *[!0-9A-Za-z.+-]*|*..*|[!0-9]*) die "--version must be a version like 2.10.1, got '$VERSION'" ;;
  esac
  for _path in "$STATE_DIR" "$BACKUP_DIR" ${INSTALL_HELPER:+"$INSTALL_HELPER"} ${KUMACTL:+"$KUMACTL"}; do
    plain_path "$_path" || die "paths must be absolute, without '.' or '..' parts, newlines or backslashes, got '$_path'"
  done
}

# True when $1 is absolute, with no '.' or '..' part, no empty part, no newline and no
# backslash (awk, for one, would read one as an escape and write somewhere else).
plain_path() {
  case "$1" in /*) ;; *) return 1 ;; esac
  case "$1/" in *"$NL"*|*/./*|*/../*|*//*|*\\*) return 1 ;; esac
  return 0
}

# This process's user id, from /proc (no process).
my_uid() {
  MY_UID=''
  while read -r _k _v _rest; do
    [ "$_k" = Uid: ] && { MY_UID=$_v; return 0; }
  done < /proc/self/status
}

# secure_paths PATH...: each PATH and every directory above it must be owned by root (or by
# this user) and writable by nobody else, and no part may be a symbolic link. PATHs ending
# in / are directories, created (0700) when missing, after the check; a missing other PATH
# is fine (nothing of it is run or trusted). Sets WHY to what is wrong and fails. One `stat`
# for all of them.
secure_paths() {
  my_uid
  _all='' _missing=''
  for _p in "$@"; do
    case "$_p" in */) _p=${_p%/}; [ -d "$_p" ] || [ -L "$_p" ] || _missing="$_missing$_p$NL" ;; esac
    # Top down, so that the first thing wrong named is the highest (/tmp, not /tmp/x/y).
    _chain=''
    while [ -n "$_p" ]; do _chain="$_p$NL$_chain"; _p=${_p%/*}; done
    while [ -n "$_chain" ]; do
      _p=${_chain%%"$NL"*} _chain=${_chain#*"$NL"}
      case "$NL$_all" in *"$NL$_p$NL"*) ;; *) { [ -e "$_p" ] || [ -L "$_p" ]; } && _all="$_all$_p$NL" ;; esac
    done
  done
  WHY=''
  if [ -n "$_all" ]; then
    set -f
    _old_ifs=$IFS IFS=$NL
    # shellcheck disable=SC2086 # one path per line
    _st=$(stat -c '%u %a %F|%U|%n' -- $_all 2>&1) || { IFS=$_old_ifs; set +f; WHY=$_st; return 1; }
    IFS=$_old_ifs
    set +f
    while IFS= read -r _line; do
      _uid=${_line%% *} _rest=${_line#* }
      _mode=${_rest%% *} _rest=${_rest#* }
      _type=${_rest%%|*} _rest=${_rest#*|}
      _owner=${_rest%%|*} _name=${_rest#*|}
      if [ "$_type" = 'symbolic link' ]; then WHY="$_name is a symbolic link"; return 1; fi
      if [ "$_uid" != 0 ] && [ "$_uid" != "$MY_UID" ]; then WHY="$_name is owned by $_owner, not root"; return 1; fi
      # The group and other digits of the octal mode: no write bit (2, 3, 6, 7).
      case "${_mode#"${_mode%??}"}" in *[2367]*) WHY="$_name is writable by other users (mode $_mode)"; return 1 ;; esac
    done <<EOF
$_st
EOF
  fi
  # Only now, under directories nobody else can change, the missing ones: one mkdir for all
  # (0700, from the umask).
  [ -n "$_missing" ] || return 0
  set -f
  _old_ifs=$IFS IFS=$NL
  # shellcheck disable=SC2086 # one path per line
  mkdir -p -- $_missing 2>/dev/null
  IFS=$_old_ifs
  set +f
  return 0
}

# Refuses (exit 2) paths another user could subvert: the state and backup directories, the
# helper's directory and the target kumactl.
secure_or_die() {
  secure_paths "$@" && return 0
  if [ "$MY_UID" = 0 ]; then die "refusing to run as root: $WHY"; else die "refusing to run as uid $MY_UID: $WHY"; fi
}

# A JSON string of $1 into $J (builtins only): backslash and quote escaped, newlines as \n,
# tabs made spaces, other control characters dropped. `json_str TEXT` prints it instead.
json_set() {
  _in=$1 J=''
  while :; do
    _safe=${_in%%[!A-Za-z0-9\ ._:/,@%+=\(\)\'\[\]\<\>\;\!\?\#\&\*\{\}\|\$\`\~\^-]*}
    J=$J$_safe _in=${_in#"$_safe"}
    [ -n "$_in" ] || break
    _c=${_in%"${_in#?}"} _in=${_in#?}
    case "$_c" in
      '"') J="$J\\\"" ;;
      \\) J="$J\\\\" ;;
      "$NL") J="$J\\n" ;;
      '	') J="$J " ;;
      [[:cntrl:]]) ;;
      *) J=$J$_c ;;
    esac
  done
  J="\"$J\""
}
json_str() { json_set "$1"; printf '%s' "$J"; }

# The time, UTC, from one `date` taken at the start and the kernel's uptime since then (no
# process per log line): clock_now sets NOW (HH:MM:SS), NOW_DAY (YYYY-MM-DD) and
# NOW_STAMP (YYYYMMDDTHHMMSSZ).
clock_start() {
  read -r _up _idle < /proc/uptime
  CLOCK_UP=${_up%.*} CLOCK_EPOCH=$(date -u +%s)
}
two() { if [ "$1" -ge 10 ]; then TWO=$1; else TWO=0$1; fi; }
clock_now() {
  read -r _up _idle < /proc/uptime
  _t=$((CLOCK_EPOCH + ${_up%.*} - CLOCK_UP))
  two $((_t / 3600 % 24)); _h=$TWO
  two $((_t / 60 % 60)); _m=$TWO
  two $((_t % 60)); _s=$TWO
  NOW=$_h:$_m:$_s
  # Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar, era by era).
  _z=$((_t / 86400 + 719468))
  _era=$((_z / 146097)) _doe=$((_z % 146097))
  _yoe=$(((_doe - _doe / 1460 + _doe / 36524 - _doe / 146096) / 365))
  _doy=$((_doe - (365 * _yoe + _yoe / 4 - _yoe / 100)))
  _mp=$(((5 * _doy + 2) / 153))
  _d=$((_doy - (153 * _mp + 2) / 5 + 1))
  if [ $_mp -lt 10 ]; then _mo=$((_mp + 3)); else _mo=$((_mp - 9)); fi
  _y=$((_yoe + _era * 400))
  [ $_mo -gt 2 ] || _y=$((_y + 1))
  two $_mo; _mo=$TWO
  two $_d; _d=$TWO
  NOW_DAY=$_y-$_mo-$_d
  NOW_STAMP=$_y$_mo${_d}T$_h$_m${_s}Z
}

# --- rules ---------------------------------------------------------------------

# The family's tools as variables: SAVE, RESTORE, TABLES.
tools_of() { if [ "$1" = ipv4 ]; then SAVE=iptables-save RESTORE=iptables-restore TABLES=iptables; else SAVE=ip6tables-save RESTORE=ip6tables-restore TABLES=ip6tables; fi; }

# Normalised for comparison: no comments, no packet counters (the filters' subcommands).
normalise() { awk '!/^#/ { sub(/ \[[0-9]*:[0-9]*\]$/, ""); print }'; }

# Saves both families' rules into DIR/now.ipv4 and DIR/now.ipv6 ($1, a private directory;
# one process each, nothing through a pipe) and sets FAMS: IPv4 always, IPv6 when
# ip6tables-save works here. Fails when iptables-save fails.
read_rules() {
  iptables-save > "$1/now.ipv4" || { SAVE=iptables-save; return 1; }
  FAMS=ipv4
  if ip6tables-save > "$1/now.ipv6" 2>/dev/null; then FAMS='ipv4 ipv6'; else : > "$1/now.ipv6"; fi
  return 0
}

# The awk program that tells Kuma's lines from everybody else's (iptables-save input; the
# restore format of kumactl's dry runs, `* nat` and `-I CHAIN N`, is understood too).
# Kuma's: anything naming a KUMA_MESH chain (1.x: MESH_INBOUND/MESH_OUTPUT/MESH_REDIRECT),
# anything with the marker comment, and — only in a family that has Kuma chains — the
# unmarked rules pre-2.9 Kuma adds outside its chains: the DNS redirect and the kuma-dp
# RETURN at the top of nat OUTPUT, and the conntrack-zone rules for DNS in raw.
# want=kuma prints "table: line" for Kuma's; want=rest prints the other lines as they are;
# want=foreign prints "table: line" for the rules and chains that are not Kuma's.
KUMA_FUNCS='
function chain_line(l) { return l ~ /(^:| -j |^-A |^-N |^-I )(KUMA_)?MESH_(INBOUND|OUTBOUND|OUTPUT|REDIRECT)/ }
# A line that shows the family has Kuma chains (is_kuma needs to know: has_mesh).
function mesh_line(l) { return chain_line(l) || index(l, "KUMA_MESH") }
# The table a `*nat` line opens.
function table_name(l) { sub(/^\* */, "", l); sub(/ +$/, "", l); return l }
# A line without its packet counters.
function bare(l) { sub(/ \[[0-9]*:[0-9]*\]$/, "", l); return l }
# A Kuma rule without the marker comment (kumactl before 2.9, or comments disabled).
function unmarked_rule(l) { return l ~ /^-A/ && !index(l, marker) }
# What must survive an upgrade: not a default ACCEPT policy of a built-in chain, not in a
# table flush_mode all empties (skip: their names, space-separated).
function foreign(l, t) {
  if (l ~ /^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ACCEPT( |$)/) return 0
  return skip == "" || !index(" " skip " ", " " t " ")
}
function is_kuma(l, t,   r) {
  if (index(l, "KUMA_MESH") || index(l, marker)) return 1
  if (chain_line(l)) return 1
  if (!has_mesh) return 0
  r = l
  sub(/^-I [^ ]+ [0-9]+ /, "-A OUTPUT ", r)
  if (t == "nat" && r ~ /^-A OUTPUT / && r ~ / --dport 53( |$)/ &&
      (r ~ / -j REDIRECT --to-ports [0-9]+$/ || r ~ / --uid-owner [0-9]+ -j (RETURN|DOCKER_OUTPUT)$/)) return 1
  if (t == "raw" && r ~ /^-A (OUTPUT|PREROUTING) / && r ~ / -p udp / && r ~ / -j CT --zone [12]$/) return 1
  return 0
}'
KUMA_AWK=$KUMA_FUNCS'
{ line[NR] = $0; if (mesh_line($0)) has_mesh = 1 }
END {
  for (i = 1; i <= NR; i++) {
    l = line[i]
    if (l ~ /^\*/) table = table_name(l)
    k = (l ~ /^[:-]/) && is_kuma(l, table)
    if (want == "kuma" && k) print table ": " l
    if (want == "rest" && !k) print l
    if (want == "foreign" && !k && l ~ /^[:-]/ && foreign(l, table)) print table ": " l
  }
}'

kuma_lines() { awk -v want=kuma -v marker="$MARKER" "$KUMA_AWK"; }
rest_lines() { awk -v want=rest -v marker="$MARKER" "$KUMA_AWK"; }
# $1: tables to leave out (space-separated), e.g. the ones flush_mode all empties.
foreign_lines() { awk -v want=foreign -v marker="$MARKER" -v skip="${1:-}" "$KUMA_AWK"; }

# The facts of both families in one pass. Input: each family's iptables-save output as a
# file, `f=FAMILY` before it (fams: the families, in order). Prints shell assignments (HAS_KUMA_f, UNMARKED_f,
# V6_ADDRESS, NS_ipv4, NS_ipv6). With out=DIR it also writes, per family, DIR/kuma.f (Kuma's
# lines, normalised, "table: line": what the fingerprint hashes), DIR/rest.f (the rules
# without Kuma's, as saved: what a kuma-mode flush restores) and DIR/resolv (the nameserver
# lines: the resolver fingerprint); with backup=PREFIX, PREFIX.f.rules (the rules as saved,
# comments dropped: what a failed section restores).
FACTS_AWK=$KUMA_FUNCS'
BEGIN { out = ENVIRON["OUT"]; backup = ENVIRON["BACKUP"] }
{ n[f]++; L[f, n[f]] = $0; if (mesh_line($0)) mesh[f] = 1 }
END {
  nf = split(fams, fam, " ")
  v6 = 0
  while ((getline l < "/proc/net/if_inet6") > 0) { split(l, a, " "); if (a[6] != "lo") v6 = 1 }
  ns4 = 0; ns6 = 0
  if (out != "") printf "" > (out "/resolv")
  while ((getline l < "/etc/resolv.conf") > 0) {
    if (l !~ /^[ \t]*nameserver/) continue
    if (out != "") print l > (out "/resolv")
    if (l ~ /^[ \t]*nameserver[ \t]+[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/) ns4 = 1
    if (l ~ /^[ \t]*nameserver[ \t]+[0-9A-Fa-f:]*:[0-9A-Fa-f:.%a-z]*/) ns6 = 1
  }
  printf "V6_ADDRESS=%s NS_ipv4=%s NS_ipv6=%s\n", v6 ? "yes" : "no", ns4 ? "yes" : "no", ns6 ? "yes" : "no"
  for (i = 1; i <= nf; i++) {
    f = fam[i]; has_mesh = mesh[f]; table = ""; kuma = 0; unmarked = 0
    if (out != "") { printf "" > (out "/kuma." f); printf "" > (out "/rest." f) }
    if (backup != "") printf "" > (backup "." f ".rules")
    for (j = 1; j <= n[f]; j++) {
      raw = L[f, j]
      if (raw ~ /^#/) continue
      if (backup != "") print raw > (backup "." f ".rules")
      l = bare(raw)
      if (l ~ /^\*/) table = table_name(l)
      if ((l ~ /^[:-]/) && is_kuma(l, table)) {
        kuma = 1
        if (unmarked_rule(l)) unmarked = 1
        if (out != "") print table ": " l > (out "/kuma." f)
      } else if (out != "") print raw > (out "/rest." f)
    }
    printf "HAS_KUMA_%s=%s UNMARKED_%s=%s\n", f, kuma ? "true" : "false", f, unmarked ? "true" : "false"
  }
}'

# Runs FACTS_AWK on the rules read_rules saved in $1, writing its files there too; $2: the
# backup prefix (or "").
rules_facts() {
  # Paths go through the environment: awk -v would read backslashes in them as escapes.
  _facts=$(OUT=$1 BACKUP=$2 awk -v marker="$MARKER" -v fams="ipv4 ipv6" "$FACTS_AWK" f=ipv4 "$1/now.ipv4" f=ipv6 "$1/now.ipv6") || return 1
  eval "$_facts"
  # A family ip6tables-save does not work in has no facts.
  case " $FAMS " in *" ipv6 "*) ;; *) HAS_KUMA_ipv6=false UNMARKED_ipv6=false ;; esac
}

# True when kumactl will install rules for the family: IPv6 only with a non-loopback IPv6
# address (link-local counts; /proc/net/if_inet6, what kumactl reads) and unless the
# arguments ask for IPv4 only. Needs rules_facts.
family_installed() {
  [ "$1" = ipv4 ] && return 0
  case " $ARGS " in *" --ip-family-mode ipv4 "*|*" --ip-family-mode=ipv4 "*) return 1 ;; esac
  [ "$V6_ADDRESS" = yes ]
}

# DNS redirection is expected in a family when asked for and kumactl has a nameserver of
# that family (2.9+ turns it off, with a warning, for a family without one). Needs rules_facts.
dns_expected() {
  [ "$DNS" = yes ] || return 1
  case " $ARGS " in *" --redirect-all-dns-traffic "*|*" --redirect-all-dns-traffic=true "*) return 0 ;; esac
  eval "[ \"\$NS_$1\" = yes ]"
}

# The fingerprints of the files rules_facts wrote into $1 (kuma.ipv4, kuma.ipv6, resolv):
# the first 16 hex digits of each one's sha256, into FP_ipv4, FP_ipv6, FP_resolv; a family
# without Kuma rules has none. One sha256sum for all of them.
fingerprints() {
  FP_ipv4='' FP_ipv6='' FP_resolv=''
  _sums=$(cd "$1" && sha256sum kuma.ipv4 kuma.ipv6 resolv 2>/dev/null)
  while read -r _sum _file; do
    _sum=${_sum%"${_sum#????????????????}"}
    case "$_file" in
      kuma.ipv4) [ "$HAS_KUMA_ipv4" = false ] || FP_ipv4=$_sum ;;
      kuma.ipv6) [ "$HAS_KUMA_ipv6" = false ] || FP_ipv6=$_sum ;;
      resolv) FP_resolv=$_sum ;;
    esac
  done <<EOF
$_sums
EOF
}

# --- one section at a time ----------------------------------------------------

# STATE_DIR/section.lock is flock(2)ed by the running section for its whole life (the
# launcher takes it and hands its descriptor to the section). STATE_DIR/current names the
# section that last took it: "RUN_ID TOKEN".

# Waits (blocking on the lock, at most $1 seconds; 0: no limit) until no section runs.
# (flock on a descriptor, not `flock FILE true`: one process, not two.)
wait_sections() {
  # `command`: a failed redirection of a plain exec would end the shell.
  command exec 7< "$STATE_DIR/section.lock" || return 1
  if [ "$1" -gt 0 ]; then flock -s -w "$1" 7; else flock -s 7; fi
  _rc=$?
  exec 7<&-
  return $_rc
}

# True when a section holds the lock now (no waiting). No lock file: no section ever ran.
section_running() {
  [ -e "$STATE_DIR/section.lock" ] || return 1
  command exec 7< "$STATE_DIR/section.lock" || return 1
  ! flock -s -n 7
  _rc=$?
  exec 7<&-
  return $_rc
}

# The section holding the lock: its run id and the step it is at (from its log), or nothing.
current_section() {
  _cur='' CUR_RUN='' CUR_TOKEN='' CUR_STEP=''
  { read -r _cur < "$STATE_DIR/current"; } 2>/dev/null || return 0
  CUR_RUN=${_cur%% *} CUR_TOKEN=${_cur#* }
  _log="$STATE_DIR/runs/$CUR_RUN.$CUR_TOKEN/log"
  [ -f "$_log" ] && CUR_STEP=$(sed -n 's/^[0-9:]* \([a-z-]*\):.*/\1/p' "$_log" | tail -n 1)
  return 0
}

# Waits while another section works on the host, saying so on stderr (detect, verify).
# Fails when it still runs after $1 seconds.
wait_for_other_section() {
  section_running || return 0
  current_section
  echo "tproxy.sh: the upgrade of run ${CUR_RUN:-?} is working on this host (step: ${CUR_STEP:-starting}); waiting up to $1 s for it to finish" >&2
  wait_sections "$1"
}

# --- detect ----------------------------------------------------------------

# What the last upgrade recorded (the state file, `key=value` lines; the first of a key
# counts): REC_version, REC_args, REC_resolv, REC_ipv4, REC_ipv6. Read without a process.
load_state() {
  REC_version='' REC_args='' REC_resolv='' REC_ipv4='' REC_ipv6='' _seen=' '
  [ -f "$STATE_DIR/state" ] || return 0
  while IFS= read -r _line || [ -n "$_line" ]; do
    _key=${_line%%=*}
    [ "$_key" != "$_line" ] || continue
    case "$_seen" in *" $_key "*) continue ;; esac
    _seen="$_seen$_key "
    case "$_key" in
      version|args|resolv|ipv4|ipv6) eval "REC_$_key=\${_line#*=}" ;;
    esac
  done < "$STATE_DIR/state"
}

# The leading number of each of a version's first three parts, as "A B C" in VPARTS.
version_parts() {
  _v=$1 VPARTS=''
  for _i in 1 2 3; do
    _p=${_v%%.*}
    [ "$_p" = "$_v" ] && _v='' || _v=${_v#*.}
    _n=${_p%%[!0-9]*}
    VPARTS="$VPARTS ${_n:-0}"
  done
}

# True when version $1 is newer than $2 (numerically, part by part).
version_newer() {
  version_parts "$1"
  # shellcheck disable=SC2086 # VPARTS is three numbers, split on purpose
  set -- $VPARTS "$2"
  _a1=$1 _a2=$2 _a3=$3
  version_parts "$4"
  # shellcheck disable=SC2086
  set -- $VPARTS
  [ "$_a1" -ne "$1" ] && { [ "$_a1" -gt "$1" ]; return; }
  [ "$_a2" -ne "$2" ] && { [ "$_a2" -gt "$2" ]; return; }
  [ "$_a3" -gt "$3" ]
}

# The version a host runs, guessed from the kumactl versions installed beside the target:
# the newest other version, else the target itself; into GUESS.
guess_from() {
  GUESS=''
  # e.g. /opt/kuma/2.10.1/bin/kumactl -> /opt/kuma.
  _dir=${KUMACTL%/*/*/*}
  for _f in "$_dir"/*/bin/kumactl; do
    [ -x "$_f" ] || continue
    _v=${_f%/bin/kumactl}; _v=${_v##*/}
    [ "$_v" != "$VERSION" ] || continue
    if [ -z "$GUESS" ] || version_newer "$_v" "$GUESS"; then GUESS=$_v; fi
  done
  [ -n "$GUESS" ] || { [ -x "$KUMACTL" ] && GUESS=$VERSION; }
  return 0
}

# `kumactl version` of the target (stdout `Client: Kuma 2.10.1`) into KUMACTL_VERSION; $1 is
# a private directory for its HOME, so a real kumactl cannot leave a config file behind, and
# a timeout for an unreachable control plane.
kumactl_version() {
  KUMACTL_VERSION=''
  _out=$(HOME=$1 timeout 20 "$KUMACTL" version 2>/dev/null < /dev/null) || true
  while IFS= read -r _line; do
    case "$_line" in
      'Client: '*[0-9]*)
        _v=${_line#Client: }
        _v=${_v#"${_v%%[0-9]*}"}
        KUMACTL_VERSION=${_v%%[!0-9A-Za-z.+-]*}
        return 0 ;;
    esac
  done <<EOF
$_out
EOF
}

# A private directory for this invocation's files (detect, verify), removed at exit.
work_dir() {
  [ -z "$WORK" ] || return 0
  WORK=$(mktemp -d) || die "cannot create a temporary directory"
  trap 'rm -rf "$WORK"' EXIT
}

# Computes the plan: ACTION (nothing|install|flush-install), FLUSH, REASON, FROM (with
# $2 = from), the per-family JSON in FAMILIES_JSON. $1: the directory for the facts' files
# (backup=$3, a backup prefix, for the section).
compute_plan() {
  KUMACTL_PRESENT=false KUMACTL_VERSION=''
  load_state
  read_rules "$1" || return 1
  rules_facts "$1" "${3:-}" || return 1
  if [ -x "$KUMACTL" ]; then
    KUMACTL_PRESENT=true
    # detect ran `kumactl version` and the playbook checked it (--kumactl-seen): the
    # section does not run it again; a kumactl unpacked since is checked here.
    if [ -n "$KUMACTL_SEEN" ] && [ "$KUMACTL_SEEN" = "$VERSION" ]; then KUMACTL_VERSION=$KUMACTL_SEEN; else kumactl_version "$1"; fi
  fi
  any_kuma=false any_unmarked=false stale_family=''
  for fam in $FAMS; do
    eval "_has=\$HAS_KUMA_$fam _unm=\$UNMARKED_$fam"
    [ "$_has" = true ] && any_kuma=true
    [ "$_unm" = true ] && any_unmarked=true
    [ "$_has" = true ] && ! family_installed "$fam" && stale_family=$fam
  done
  # The fingerprints matter only where the record could say "already at the target".
  FP_ipv4='' FP_ipv6='' FP_resolv=''
  same_target=false
  [ "$REC_version" = "$VERSION" ] && [ "$REC_args" = "$ARGS" ] && [ "$any_kuma" = true ] && same_target=true
  [ "$same_target" = false ] || fingerprints "$1"
  fingerprints_match=true
  FAMILIES_JSON=''
  for fam in $FAMS; do
    eval "_has=\$HAS_KUMA_$fam _unm=\$UNMARKED_$fam _fp=\$FP_$fam _recorded=\$REC_$fam"
    [ "$_fp" = "$_recorded" ] || fingerprints_match=false
    installed=false; family_installed "$fam" && installed=true
    FAMILIES_JSON="$FAMILIES_JSON${FAMILIES_JSON:+,}\"$fam\":{\"kuma_rules\":$_has,\"unmarked\":$_unm,\"target_installs\":$installed,\"fingerprint\":\"$_fp\"}"
  done
  resolv_same=true
  [ "$same_target" = true ] && [ "$DNS" = yes ] && [ "$REC_resolv" != "$FP_resolv" ] && resolv_same=false
  FROM=none
  if [ "$any_kuma" = true ] && [ "${2:-}" = from ]; then
    FROM=$REC_version
    [ -n "$FROM" ] || { guess_from; FROM=$GUESS; }
    FROM=${FROM:-unknown}
  fi
  target_old=false
  case "$VERSION" in 0.*|1.*|2.[0-8]|2.[0-8].*) target_old=true ;; esac
  FLUSH=false
  if [ "$same_target" = true ] && [ "$fingerprints_match" = true ] && [ "$resolv_same" = true ]; then
    ACTION=nothing REASON="already at $VERSION"
  elif [ "$any_kuma" = false ]; then
    ACTION=install REASON='no Kuma rules'
  elif [ "$any_unmarked" = true ]; then
    ACTION=flush-install FLUSH=true REASON='rules without marker'
  elif [ "$target_old" = true ]; then
    ACTION=flush-install FLUSH=true REASON="$VERSION cannot replace existing rules"
  elif [ -n "$stale_family" ]; then
    ACTION=flush-install FLUSH=true REASON="$stale_family rules the target will not replace"
  elif [ "$same_target" = true ] && [ "$resolv_same" = false ]; then
    ACTION=install REASON='nameservers changed since the last upgrade'
  elif [ "$same_target" = true ]; then
    ACTION=install REASON='rules changed since the last upgrade'
  elif [ -z "$REC_version" ]; then
    ACTION=install REASON='marked rules, not recorded by tpx: kumactl replaces them'
  else
    ACTION=install REASON='marked rules: kumactl replaces them'
  fi
  [ "$FLUSH_MODE" = all ] && [ "$FLUSH" = true ] && REASON="$REASON; flush_mode all"
  return 0
}

# --install-helper PATH: this script copied to PATH, 0755, through a temporary file and a
# rename (a section running the old one keeps reading it), unless PATH holds the same bytes;
# only when the plan (compute_plan) goes ahead, so that a host the run will refuse or leave
# alone is not touched; then also the directory a package is unpacked into, when kumactl is
# missing. HELPER: installed, same, or nothing.
install_helper() {
  HELPER=''
  [ -n "$INSTALL_HELPER" ] || return 0
  case "$ACTION" in install|flush-install) ;; *) return 0 ;; esac
  if [ "$KUMACTL_PRESENT" = true ]; then
    [ "$KUMACTL_VERSION" = "$VERSION" ] || return 0
  else
    [ "$PACKAGE" = yes ] || return 0
  fi
  # The directory the package will be unpacked into (two levels above kumactl, bin/'s
  # parent), made now: unarchive (Ansible's) wants it to exist, and a task of its own
  # would cost every such host two more round trips. secure_paths passed its parents.
  if [ "$KUMACTL_PRESENT" != true ]; then
    _dir=${KUMACTL%/*}; _dir=${_dir%/*}
    if ! { [ -z "$_dir" ] || [ -d "$_dir" ] || (umask 022 && mkdir -p -- "$_dir"); }; then
      printf 'tproxy.sh: cannot make %s for the package\n' "$_dir" >&2
      exit 1
    fi
  fi
  if cmp -s "$0" "$INSTALL_HELPER" 2>/dev/null; then HELPER=same; return 0; fi
  _dir=${INSTALL_HELPER%/*}
  _dir=${_dir:-/}
  # The directory passed secure_paths (root's, nobody else can write in it): a temporary
  # name of this process cannot be taken by anyone else.
  _tmp="$_dir/.tproxy.sh.$$"
  if ! { [ -d "$_dir" ] || (umask 022 && mkdir -p "$_dir"); } || ! install -m 0755 "$0" "$_tmp" || ! mv -f "$_tmp" "$INSTALL_HELPER"; then
    rm -f "$_tmp"
    printf 'tproxy.sh: cannot install the helper at %s\n' "$INSTALL_HELPER" >&2
    exit 1
  fi
  HELPER=installed
}

# --rules-diff yes: sets DIFF_TEXT to a unified diff per family of the Kuma rules the host has
# now against those the install would leave, or DIFF_NOTE to why there is none. Read-only:
# the target kumactl's --dry-run prints the rules it would lay (restore input, each family
# headed `### IPv4 ###` in 2.9+; one family in 2.8), and iptables-restore then iptables-save
# in a network namespace of their own (unshare -n, gone when they end) turn them into what
# iptables-save would show, so that both sides read alike. The host's own rules are never
# touched. Only the Kuma lines are compared (kuma_lines); flush_mode all also empties
# tables, which DIFF_NOTE says. $1: the work directory (compute_plan's files are in it).
rules_diff() {
  case "$ACTION" in install|flush-install) ;; *) return 0 ;; esac
  if [ "$KUMACTL_PRESENT" != true ] || [ "$KUMACTL_VERSION" != "$VERSION" ]; then
    DIFF_NOTE="no rules diff: the target kumactl $VERSION is not on the host yet"; return 0
  fi
  command -v unshare > /dev/null 2>&1 || { DIFF_NOTE='no rules diff: unshare (util-linux) is missing'; return 0; }
  # shellcheck disable=SC2086 # ARGS is a list of flags
  if ! ( set -f; exec timeout -k 5 "$TIMEOUT" "$KUMACTL" install transparent-proxy --dry-run $ARGS ) > "$1/dry-run" 2> "$1/dry-run.err" < /dev/null; then
    _last=$(tail -n 1 "$1/dry-run.err"); DIFF_NOTE="no rules diff: kumactl --dry-run failed: $_last"; return 0
  fi
  awk -v dir="$1" '
    /^### IPv4 ###/ { f = dir "/dry.ipv4"; next }
    /^### IPv6 ###/ { f = dir "/dry.ipv6"; next }
    /^#/ || /^[[:space:]]*$/ { next }
    { if (f == "") f = dir "/dry.one"; sub(/^\* */, "*"); print > f }' "$1/dry-run"
  if [ -f "$1/dry.one" ]; then
    # 2.8 prints one family: IPv6 when it is enabled (its addresses say which).
    if grep -q '::' "$1/dry.one"; then mv "$1/dry.one" "$1/dry.ipv6"; else mv "$1/dry.one" "$1/dry.ipv4"; fi
  fi
  for fam in $FAMS; do
    tools_of "$fam"
    if [ ! -f "$1/dry.$fam" ]; then
      DIFF_NOTE="${DIFF_NOTE:+$DIFF_NOTE; }kumactl $VERSION's dry run shows no $fam rules: no $fam diff"; continue
    fi
    normalise < "$1/now.$fam" | kuma_lines > "$1/before.$fam"
    if ! unshare -n sh -c '"$1" < "$3" && "$2"' sh "$RESTORE" "$SAVE" "$1/dry.$fam" > "$1/after-save.$fam" 2> "$1/after.err"; then
      _last=$(tail -n 1 "$1/after.err"); DIFF_NOTE="${DIFF_NOTE:+$DIFF_NOTE; }no $fam diff: $RESTORE could not read kumactl's dry run: $_last"; continue
    fi
    normalise < "$1/after-save.$fam" | kuma_lines > "$1/after.$fam"
    if cmp -s "$1/before.$fam" "$1/after.$fam"; then
      _same="${_same:+$_same, }$fam"
    else
      DIFF_TEXT="$DIFF_TEXT$(diff -u --label "$fam: Kuma rules now" --label "$fam: after the install" "$1/before.$fam" "$1/after.$fam")$NL"
    fi
  done
  [ -z "${_same:-}" ] || DIFF_NOTE="${DIFF_NOTE:+$DIFF_NOTE; }the $_same Kuma rules stay as they are"
  _same=''
  if [ "$FLUSH_MODE" = all ] && [ "$FLUSH" = true ]; then
    DIFF_NOTE="${DIFF_NOTE:+$DIFF_NOTE; }flush_mode all also empties the nat, raw and mangle tables; their other rules are not in this diff"
  fi
  return 0
}

cmd_detect() {
  # Read-only: nothing is created, but what is read or run as root must be root's.
  secure_or_die "$STATE_DIR" "$KUMACTL" ${INSTALL_HELPER:+"$INSTALL_HELPER"}
  # Rules half-way through another run's section are no basis for a plan: wait for it.
  busy=''
  if ! wait_for_other_section "$((TIMEOUT + 30))"; then current_section; busy=${CUR_RUN:-?}; fi
  work_dir
  compute_plan "$WORK" from || die "cannot read the rules: $SAVE did not work"
  if [ -n "$busy" ]; then ACTION=busy REASON="another upgrade (run $busy) is still working on this host"; fi
  install_helper
  DIFF_TEXT='' DIFF_NOTE=''
  [ "$RULES_DIFF" = no ] || rules_diff "$WORK"
  # token: new for every detect; the apply of this plan (and its retries) goes by it, so a
  # later run (a --retry-failed with the same run id) never finds this one's outcome.
  read -r _token < /proc/sys/kernel/random/uuid
  json_set "$KUMACTL"; _j_kumactl=$J
  json_set "$KUMACTL_VERSION"; _j_version=$J
  json_set "$REC_version"; _j_recorded=$J
  json_set "$FROM"; _j_from=$J
  json_set "$VERSION"; _j_to=$J
  json_set "$REASON"; _j_reason=$J
  json_set "$DIFF_TEXT"; _j_diff=$J
  json_set "$DIFF_NOTE"; _j_diff_note=$J
  printf '{"kumactl":{"path":%s,"present":%s,"version":%s},"families":{%s},"recorded_version":%s,"from":%s,"to":%s,"action":"%s","flush":%s,"reason":%s,"helper":"%s","token":"%s","rules_diff":%s,"rules_diff_note":%s}\n' \
    "$_j_kumactl" "$KUMACTL_PRESENT" "$_j_version" "$FAMILIES_JSON" "$_j_recorded" "$_j_from" "$_j_to" \
    "$ACTION" "$FLUSH" "$_j_reason" "$HELPER" "$_token" "$_j_diff" "$_j_diff_note"
}

# --- the critical section ---------------------------------------------------

log() { clock_now; printf '%s %s\n' "$NOW" "$*" >> "$RUN_DIR/log"; }

# The tables flush_mode all empties (the upgrade guide's commands).
ALL_MODE_TABLES='nat raw mangle'

# Flush according to flush_mode, for one family. Kuma mode restores the rules without
# Kuma's (rules_facts wrote them to RUN_DIR/rest.FAMILY), after a test run of the restore.
flush_family() {
  fam=$1
  tools_of "$fam"
  if [ "$FLUSH_MODE" = all ]; then
    $TABLES --table nat --flush && $TABLES --table nat --delete-chain &&
      $TABLES --table raw --flush && $TABLES --table mangle --flush
    return
  fi
  # A family without Kuma rules has nothing to flush.
  eval "[ \"\$HAS_KUMA_$fam\" = true ]" || return 0
  $RESTORE --test < "$RUN_DIR/rest.$fam" || { log "$fam: iptables-restore --test refused the flushed rules"; return 1; }
  $RESTORE < "$RUN_DIR/rest.$fam"
}

# What must be in a family the target installs: Kuma's four chains, the hooks, the marker,
# DNS; in a family it does not install, no Kuma rules; and, with a backup file, every rule
# and chain that is not Kuma's still there in the same order (tables in SKIP left out).
# Input: each family's rules as a file, `f=FAMILY` before it; spec: one line per family,
# "FAMILY INSTALLED DNS [BACKUP FILE]". Prints the first thing wrong as "FAMILY: what" and
# exits 1, or nothing. With out=DIR it writes DIR/kuma.FAMILY like FACTS_AWK (for the
# record's fingerprints).
VERIFY_AWK=$KUMA_FUNCS'
BEGIN { out = ENVIRON["OUT"]; spec = ENVIRON["SPEC"] }
# The rules and chains of A[f, 1..count] (lines as saved) that must survive, "table: line".
function foreign_text(A, f, count, hm,   j, l, t, text) {
  has_mesh = hm; t = ""; text = ""
  for (j = 1; j <= count; j++) {
    l = A[f, j]
    if (l ~ /^#/) continue
    l = bare(l)
    if (l ~ /^\*/) t = table_name(l)
    if (l ~ /^[:-]/ && !is_kuma(l, t) && foreign(l, t)) text = text t ": " l "\n"
  }
  return text
}
function fail(m) { print m; failed = 1; exit 1 }
function check(f,   j, l, t, c1, c2, c3, c4, pre, out_hook, redirect, unm, kuma, bn, bl, bmesh) {
  has_mesh = mesh[f]; t = ""; kuma = 0
  if (out != "") printf "" > (out "/kuma." f)
  for (j = 1; j <= n[f]; j++) {
    l = L[f, j]
    if (l ~ /^#/) continue
    l = bare(l)
    if (l ~ /^\*/) t = table_name(l)
    if (l ~ /^:KUMA_MESH_INBOUND /) c1 = 1; if (l ~ /^:KUMA_MESH_OUTBOUND /) c2 = 1
    if (l ~ /^:KUMA_MESH_INBOUND_REDIRECT /) c3 = 1; if (l ~ /^:KUMA_MESH_OUTBOUND_REDIRECT /) c4 = 1
    if (l ~ /^-A PREROUTING -p tcp .*-j KUMA_MESH_INBOUND$/) pre = 1
    if (l ~ /^-A OUTPUT -p tcp .*-j KUMA_MESH_OUTBOUND$/) out_hook = 1
    if (l ~ /^-A OUTPUT .*--dport 53 .*-j REDIRECT --to-ports/) redirect = 1
    if (l ~ /^[:-]/ && is_kuma(l, t)) {
      kuma = 1
      if (unmarked_rule(l)) unm = 1
      if (out != "") print t ": " l > (out "/kuma." f)
    }
  }
  if (inst[f] == "yes") {
    if (!c1) fail(f ": chain KUMA_MESH_INBOUND is missing")
    if (!c2) fail(f ": chain KUMA_MESH_OUTBOUND is missing")
    if (!c3) fail(f ": chain KUMA_MESH_INBOUND_REDIRECT is missing")
    if (!c4) fail(f ": chain KUMA_MESH_OUTBOUND_REDIRECT is missing")
    if (inbound == "yes" && !pre) fail(f ": PREROUTING hook missing")
    if (!out_hook) fail(f ": OUTPUT hook missing")
    if (want_marker == "yes" && unm) fail(f ": rules without the " marker " marker")
    if (dns[f] == "yes" && !redirect) fail(f ": DNS redirect missing")
  } else if (kuma) fail(f ": Kuma rules left in a family the target does not install")
  if (bak[f] == "") return
  bn = 0; bmesh = 0
  while ((getline bl < bak[f]) > 0) {
    B[f, ++bn] = bl
    if (mesh_line(bl)) bmesh = 1
  }
  close(bak[f])
  if (foreign_text(B, f, bn, bmesh) != foreign_text(L, f, n[f], mesh[f])) fail(f ": rules that are not Kuma'"'"'s changed")
}
{ n[f]++; L[f, n[f]] = $0; if (mesh_line($0)) mesh[f] = 1 }
END {
  if (failed) exit 1
  nf = split(spec, line, "\n")
  for (i = 1; i <= nf; i++) {
    split(line[i], w, " "); g = w[1]; inst[g] = w[2]; dns[g] = w[3]
    b = line[i]; sub(/^[^ ]+ [^ ]+ [^ ]+ ?/, "", b); bak[g] = b
  }
  for (i = 1; i <= nf; i++) { split(line[i], w, " "); check(w[1]) }
}'

# Checks the rules read_rules saved in $2 (after the install, or now for verify): see
# VERIFY_AWK; its files go into $2 too. $1: the backup prefix (or "" for none). Fails with
# the first thing wrong in PROBLEM.
verify_rules() {
  inbound=yes
  case " $ARGS " in *" --redirect-inbound=false "*|*" --redirect-inbound false "*) inbound=no ;; esac
  skip=''
  [ "$FLUSH" = true ] && [ "$FLUSH_MODE" = all ] && skip=$ALL_MODE_TABLES
  _spec=''
  for fam in $FAMS; do
    _i=no _d=no
    family_installed "$fam" && _i=yes
    dns_expected "$fam" && _d=yes
    _spec="$_spec${_spec:+$NL}$fam $_i $_d${1:+ $1.$fam.rules}"
  done
  PROBLEM=''
  case " $FAMS " in
    *" ipv6 "*) OUT=$2 SPEC=$_spec awk -v marker="$MARKER" -v inbound="$inbound" -v want_marker="$WANT_MARKER" -v skip="$skip" \
      "$VERIFY_AWK" f=ipv4 "$2/now.ipv4" f=ipv6 "$2/now.ipv6" > "$2/problem" ;;
    *) OUT=$2 SPEC=$_spec awk -v marker="$MARKER" -v inbound="$inbound" -v want_marker="$WANT_MARKER" -v skip="$skip" \
      "$VERIFY_AWK" f=ipv4 "$2/now.ipv4" > "$2/problem" ;;
  esac && return 0
  { IFS= read -r PROBLEM < "$2/problem"; } 2>/dev/null
  return 1
}

# Restores one family from its backup, removing tables the backup did not have.
restore_family() {
  fam=$1 backup=$2
  tools_of "$fam"
  $RESTORE < "$backup" || return 1
  _now=$($SAVE) || return 1
  for table in $(printf '%s\n' "$_now" | awk '/^\*/ { print substr($0, 2) }'); do
    grep -qx "\*$table" "$backup" || printf '*%s\nCOMMIT\n' "$table" | $RESTORE || return 1
  done
  [ "$($SAVE | normalise)" = "$(normalise < "$backup")" ]
}

# Runs the install within TIMEOUT; sets RC. The signals the section ignores are reset for
# kumactl, so the timeout (and `tproxy.sh abort`) can stop it.
run_install() {
  log "install: $KUMACTL install transparent-proxy $ARGS"
  # shellcheck disable=SC2086 # ARGS is a list of flags
  # set -f: ARGS is split into flags, never expanded as a file pattern. kumactl keeps the
  # section lock's descriptor (8): should the section itself be killed, no other section
  # starts while its install still changes the rules.
  ( trap - HUP TERM; set -f; exec timeout -k 5 "$TIMEOUT" "$KUMACTL" install transparent-proxy $ARGS ) >> "$RUN_DIR/log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/install.pid"
  # An abort that came before the pid was written could not kill the install: do it here.
  [ -f "$RUN_DIR/abort" ] && kill -TERM $! 2>/dev/null
  wait $!
  RC=$?
  # Its PID may be anyone's from now on: an abort must not signal it (emptied by the shell
  # itself, not rm: one process less per host).
  : > "$RUN_DIR/install.pid"
}

# reason: why the operator aborted (the abort file).
read_abort() { _why=''; { IFS= read -r _why < "$RUN_DIR/abort"; } 2>/dev/null; reason="aborted: $_why"; }

critical_section() {
  clock_start
  clock_now
  stamp="$NOW_STAMP-$RUN_ID"
  [ -d "$BACKUP_DIR" ] || mkdir -p "$BACKUP_DIR" || { finish failed "cannot create $BACKUP_DIR"; return; }
  # The plan again (the rules may have changed since detect); the rules as they are now go
  # into the backup files in the same pass.
  if ! compute_plan "$RUN_DIR" '' "$BACKUP_DIR/$stamp"; then finish failed "backup failed: $SAVE did not work"; return; fi
  log "plan: $ACTION ($REASON)"
  # Nothing to do, or a target that is not what it says (a package unpacked since detect is
  # checked here): the backups the plan's pass wrote are not needed, nothing was touched.
  why=''
  if [ "$ACTION" = nothing ]; then why=$REASON
  elif [ "$KUMACTL_PRESENT" = false ]; then why="$KUMACTL is not on the host; nothing was changed"
  elif [ "$KUMACTL_VERSION" != "$VERSION" ]; then why="$KUMACTL reports version ${KUMACTL_VERSION:-nothing}, not $VERSION; nothing was changed"
  fi
  if [ -n "$why" ]; then
    rm -f "$BACKUP_DIR/$stamp".*.rules
    if [ "$ACTION" = nothing ]; then finish ok "$why"; else finish failed "$why"; fi
    return
  fi
  fams=$FAMS
  for fam in $fams; do log "backup: $BACKUP_DIR/$stamp.$fam.rules"; done
  echo "$stamp" > "$RUN_DIR/backup"
  reason=''
  if [ "$FLUSH" = true ]; then
    for fam in $fams; do flush_family "$fam" >> "$RUN_DIR/log" 2>&1 || { reason="flush of $fam failed"; break; }; done
    [ -z "$reason" ] && log "flushed ($FLUSH_MODE)"
  fi
  [ -z "$reason" ] && [ -f "$RUN_DIR/abort" ] && read_abort
  if [ -z "$reason" ]; then
    run_install
    if [ -f "$RUN_DIR/abort" ]; then read_abort
    elif [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then reason="install timed out after ${TIMEOUT}s"
    elif [ "$RC" -ne 0 ]; then reason="install failed (exit $RC): $(grep '^Error' "$RUN_DIR/log" | tail -n 1)"; fi
  fi
  if [ -z "$reason" ]; then
    if ! read_rules "$RUN_DIR"; then reason="verify failed: $SAVE did not work"
    elif ! verify_rules "$BACKUP_DIR/$stamp" "$RUN_DIR"; then reason="verify failed: $PROBLEM"; fi
  fi
  if [ -n "$reason" ]; then
    log "failed: $reason; restoring the backup"
    for fam in $fams; do
      restore_family "$fam" "$BACKUP_DIR/$stamp.$fam.rules" >> "$RUN_DIR/log" 2>&1 ||
        { finish restore-mismatch "$reason; restore of $fam did NOT match the backup $BACKUP_DIR/$stamp.$fam.rules"; return; }
    done
    finish failed "$reason; restored from backup $BACKUP_DIR/$stamp.*.rules"
    return
  fi
  record
  finish changed "$ACTION: $REASON"
}

# Records what was installed, for the next run's detect: the fingerprints of what verify
# saw (it wrote Kuma's lines to RUN_DIR) and of the nameservers.
record() {
  for fam in ipv4 ipv6; do eval "HAS_KUMA_$fam=true"; done
  [ -s "$RUN_DIR/kuma.ipv4" ] || HAS_KUMA_ipv4=false
  [ -s "$RUN_DIR/kuma.ipv6" ] || HAS_KUMA_ipv6=false
  fingerprints "$RUN_DIR"
  clock_now
  {
    echo "version=$VERSION"
    echo "args=$ARGS"
    echo "resolv=$FP_resolv"
    echo "time=${NOW_DAY}T${NOW}Z"
    echo "run=$RUN_ID"
    for fam in $FAMS; do eval "echo \"$fam=\$FP_$fam\""; done
  } > "$STATE_DIR/state.tmp" && mv "$STATE_DIR/state.tmp" "$STATE_DIR/state"
}

finish() {
  printf '%s\n%s\n' "$1" "$2" > "$RUN_DIR/outcome.tmp" && mv "$RUN_DIR/outcome.tmp" "$RUN_DIR/outcome"
  log "outcome: $1: $2"
}

# Waits for the section of RUN_DIR and prints its outcome as JSON (the message also on
# stderr when it failed). $1: at most this many seconds (default --wait-max; 0: no limit);
# $2: the message when the section is still running then. The wait blocks on the section
# lock: the kernel wakes it when the section ends.
report_outcome() {
  limit=${1:-$WAIT_MAX} running_msg=${2:-the upgrade is still running on the host}
  if [ ! -f "$RUN_DIR/outcome" ] && ! wait_sections "$limit"; then
    json_set "$running_msg"; printf '{"status":"running","changed":false,"msg":%s}\n' "$J"; printf '%s\n' "$running_msg" >&2; return 3
  fi
  if [ ! -f "$RUN_DIR/outcome" ]; then
    msg="the upgrade process on the host ended without an outcome; see $RUN_DIR/log and the backups in $BACKUP_DIR"
    json_set "$msg"; printf '{"status":"lost","changed":false,"msg":%s}\n' "$J"; printf '%s\n' "$msg" >&2
    return 4
  fi
  { IFS= read -r status; IFS= read -r msg; } < "$RUN_DIR/outcome"
  _backup=''; { IFS= read -r _backup < "$RUN_DIR/backup"; } 2>/dev/null
  changed=false; [ "$status" = changed ] && changed=true
  json_set "$msg"; _j_msg=$J
  json_set "$_backup"; _j_backup=$J
  json_set "$RUN_DIR"
  printf '{"status":"%s","changed":%s,"msg":%s,"backup":%s,"run_dir":%s}\n' "$status" "$changed" "$_j_msg" "$_j_backup" "$J"
  case "$status" in ok|changed) return 0 ;; esac
  printf '%s\n' "$msg" >&2
  [ "$status" = restore-mismatch ] && return 4
  return 1
}

# The operator stopped the caller (SIGTERM): abort the section and report how it ended, if
# it ends within ~2 s (tpx's transport sends SIGKILL ~3 s after SIGTERM). The section
# goes on restoring by itself if it takes longer.
on_operator_stop() {
  trap '' TERM
  if [ -d "$RUN_DIR" ]; then
    request_abort
    report_outcome 2 'interrupted: the upgrade is being stopped on the host and the backup restored'
    exit $?
  fi
  echo 'interrupted before the upgrade started' >&2
  exit 1
}

# Asks the section of RUN_DIR to stop: the abort file, and the install killed if it runs.
request_abort() {
  [ -f "$RUN_DIR/outcome" ] && return 0
  echo "interrupted by the operator" > "$RUN_DIR/abort"
  _pid=''
  { read -r _pid < "$RUN_DIR/install.pid"; } 2>/dev/null
  is_number "$_pid" && kill -TERM "$_pid" 2>/dev/null
  return 0
}

# The section's directory: one per run id and token.
run_dir() {
  [ -n "$RUN_ID" ] || die "$1 needs --run-id"
  [ -n "$TOKEN" ] || die "$1 needs --token (detect's token)"
  RUN_DIR="$STATE_DIR/runs/$RUN_ID.$TOKEN"
}

cmd_apply() {
  run_dir apply
  secure_or_die "$STATE_DIR/runs/" "$BACKUP_DIR/" "$KUMACTL" "$0"
  trap on_operator_stop TERM
  if [ ! -d "$RUN_DIR" ]; then
    # A new section: one at a time per host, detached from this SSH session. The lock is
    # taken here and its descriptor (8) handed to the section, which holds it to its end.
    command exec 8>> "$STATE_DIR/section.lock" || die "cannot open $STATE_DIR/section.lock"
    if ! flock -w 2 8; then
      exec 8>&-
      current_section
      msg="another upgrade (run ${CUR_RUN:-?}) is working on this host"
      json_set "$msg"; printf '{"status":"locked","changed":false,"msg":%s}\n' "$J"; printf '%s\n' "$msg" >&2
      return 1
    fi
    if mkdir "$RUN_DIR" 2>/dev/null; then
      : > "$RUN_DIR/log"
      echo "$RUN_ID $TOKEN" > "$STATE_DIR/current"
      setsid sh "$0" __section "$@" < /dev/null >> "$RUN_DIR/log" 2>&1 &
    fi
    exec 8>&-
  fi
  report_outcome
}

cmd_section() {
  run_dir __section
  echo $$ > "$RUN_DIR/pid"
  # Nothing but `tproxy.sh abort` stops the section half-way: it always ends upgraded or restored.
  trap '' HUP INT TERM
  critical_section
}

# Stops a running section: the install is killed, and the section restores the backup.
cmd_abort() {
  run_dir abort
  [ -d "$RUN_DIR" ] || { echo '{"status":"none","changed":false,"msg":"no such run"}'; return 0; }
  request_abort
  report_outcome
}

cmd_verify() {
  secure_or_die "$STATE_DIR" "$KUMACTL"
  wait_for_other_section "$((TIMEOUT + 30))" || { printf '{"ok":false,"msg":"another upgrade is still working on this host"}\n'; return 1; }
  work_dir
  compute_plan "$WORK" || die "cannot read the rules: $SAVE did not work"
  if [ "$ACTION" = nothing ]; then
    json_set "rules match what $VERSION installed"
    printf '{"ok":true,"msg":%s}\n' "$J"
  else
    json_set "$REASON"
    printf '{"ok":false,"msg":%s}\n' "$J"; printf '%s\n' "$REASON" >&2; return 1
  fi
}

file_arg() { if [ $# -ne 1 ] || [ ! -r "$1" ]; then die "give one readable iptables-save file"; fi; }

# check-rules ipv4|ipv6 FILE [OPTIONS]: what verify checks in a family the target installs,
# on a saved file (--args, --dns and --marker as for verify).
cmd_check_rules() {
  case "${1:-}" in ipv4|ipv6) ;; *) die "check-rules needs a family (ipv4 or ipv6), then a file" ;; esac
  fam=$1
  shift
  file_arg "${1:-}"
  file=$1
  shift
  parse_options "$@"
  _dns=no
  if [ "$DNS" = yes ]; then
    case " $ARGS " in
      *" --redirect-all-dns-traffic "*|*" --redirect-all-dns-traffic=true "*) _dns=yes ;;
      *) # The nameservers of this machine, as rules_facts reads them (on no rules at all).
        eval "$(OUT='' BACKUP='' awk -v fams= "$FACTS_AWK" /dev/null)"
        eval "[ \"\$NS_$fam\" = yes ]" && _dns=yes ;;
    esac
  fi
  _in=yes
  case " $ARGS " in *" --redirect-inbound=false "*|*" --redirect-inbound false "*) _in=no ;; esac
  OUT='' SPEC="$fam yes $_dns" awk -v marker="$MARKER" -v inbound="$_in" -v want_marker="$WANT_MARKER" -v skip='' \
    "$VERIFY_AWK" f="$fam" "$file" || return 1
  echo "$fam: ok"
}

sub=${1:-}
[ $# -gt 0 ] && shift
case "$sub" in
  detect) parse_options "$@"; cmd_detect ;;
  apply) parse_options "$@"; cmd_apply "$@" ;;
  __section) parse_options "$@"; cmd_section ;;
  verify) parse_options "$@"; cmd_verify ;;
  abort) parse_options "$@"; cmd_abort ;;
  kuma-lines) file_arg "$@"; normalise < "$1" | kuma_lines ;;
  rest-lines) file_arg "$@"; normalise < "$1" | rest_lines ;;
  foreign-lines) file_arg "$@"; normalise < "$1" | foreign_lines '' ;;
  check-rules) cmd_check_rules "$@" ;;
  *) die "usage: tproxy.sh detect|apply|verify|abort OPTIONS, kuma-lines|rest-lines|foreign-lines FILE, or check-rules ipv4|ipv6 FILE" ;;
esac
