#!/bin/sh
# tproxy.sh — the host side of tpx's transparent-proxy upgrade (playbooks/upgrade.yaml).
#
# Needs only POSIX sh (dash), awk, sed, grep, sha256sum, timeout, setsid, ip and
# iptables-save/-restore (ip6tables-* for IPv6).
#
#   tproxy.sh detect  OPTIONS   read-only: what is installed, and the plan (JSON on stdout);
#                               with --install-helper PATH, when the upgrade will go ahead
#                               (something to do, and the target kumactl present at the
#                               target version or --package yes), it also copies itself to
#                               PATH (0755, replaced atomically) unless PATH is the same
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
set -u
umask 077
MARKER='kuma/mesh/transparent/proxy'
PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin
export PATH
# mktemp's directory: a TMPDIR that does not exist here (passed along by a caller) is not used.
[ -d "${TMPDIR:-}" ] || TMPDIR=/tmp
export TMPDIR

KUMACTL='' VERSION='' ARGS='' FLUSH_MODE=kuma BACKUP_DIR=/var/lib/tpx/backups
STATE_DIR=/var/lib/tpx/tproxy TIMEOUT=120 RUN_ID='' DNS=no WANT_MARKER=yes WAIT_MAX=0 TOKEN='' INSTALL_HELPER='' PACKAGE=no

die() { echo "tproxy.sh: $*" >&2; exit 2; }

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
      *) die "unknown option $1" ;;
    esac
    shift 2
  done
  case "$FLUSH_MODE" in kuma|all) ;; *) die "--flush-mode must be kuma or all" ;; esac
  is_number "$TIMEOUT" && [ "$TIMEOUT" -gt 0 ] || die "--timeout must be a positive number of seconds"
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
    plain_path "$_path" || die "paths must be absolute, without '.' or '..' parts or newlines, got '$_path'"
  done
}

# True when $1 is absolute, with no '.' or '..' part, no empty part and no newline.
plain_path() {
  case "$1" in /*) ;; *) return 1 ;; esac
  case "$1/" in *'
'*|*/./*|*/../*|*//*) return 1 ;; esac
  return 0
}

# secure_paths PATH...: each PATH (created as a 0700 directory when missing and not a file
# the caller expects, see below) and every directory above it must be owned by root (or by
# this user) and writable by nobody else, and no part may be a symbolic link. Prints what
# is wrong and fails. PATHs ending in / are directories to create; others must exist or be
# absent (a missing one is fine: nothing of it is run or trusted).
secure_paths() {
  _me=$(id -u)
  set -f
  _all=''
  for _p in "$@"; do
    case "$_p" in */) _p=${_p%/}; [ -d "$_p" ] || [ -L "$_p" ] || mkdir -p "$_p" 2>/dev/null ;; esac
    while [ -n "$_p" ]; do
      [ -e "$_p" ] || [ -L "$_p" ] && _all="$_all$_p
"
      _p=${_p%/*}
    done
  done
  set +f
  # stat does not follow links: a link anywhere shows as one. %a is the octal mode.
  _bad=$(printf '%s' "$_all" | sort -u | tr '\n' '\0' | xargs -0 -r stat -c '%u %a %F %U %n' 2>&1 |
    awk -v me="$_me" '
      NF < 5 { print; exit 1 }
      { mode = $2; n = $0; for (i = 1; i <= 4; i++) sub(/^[^ ]+ /, "", n) }
      $3 == "symbolic" { print n " is a symbolic link"; exit 1 }
      $1 != 0 && $1 != me { print n " is owned by " $4 ", not root"; exit 1 }
      { w = substr(mode, length(mode) - 1, 2); if (w ~ /[2367]/) { print n " is writable by other users (mode " mode ")"; exit 1 } }')
  [ -z "$_bad" ] && return 0
  printf '%s\n' "$_bad"
  return 1
}

# Refuses (exit 2) paths another user could subvert: the state and backup directories, the
# helper's directory and the target kumactl.
secure_or_die() {
  _why=$(secure_paths "$@") || die "refusing to run as $(id -un): $_why"
}

# --- iptables helpers -------------------------------------------------------

# Every helper below runs in a fork-poor way: at 100 hosts on a few cores, the processes the
# host starts (not the work they do) are what an upgrade costs. Facts that cannot change
# during one invocation are found out once; no `$(...)` around a builtin where a variable does.

# FAMS: the families to handle: IPv4 always; IPv6 when ip6tables-save works here. Found
# out once, by compute_plan, which every command that handles rules runs first.
FAMS=''
init_families() {
  [ -z "$FAMS" ] || return 0
  FAMS=ipv4
  if command -v ip6tables-save >/dev/null 2>&1 && ip6tables-save >/dev/null 2>&1; then FAMS='ipv4 ipv6'; fi
}

# True when kumactl will install rules for the family: IPv6 only with a non-loopback IPv6
# address (link-local counts) and unless the arguments ask for IPv4 only.
family_installed() {
  [ "$1" = ipv4 ] && return 0
  case " $ARGS " in *" --ip-family-mode ipv4 "*|*" --ip-family-mode=ipv4 "*) return 1 ;; esac
  # /proc/net/if_inet6: the 6th field is the interface (what kumactl reads). (Once.)
  if [ -z "${V6_ADDRESS:-}" ]; then
    V6_ADDRESS=no
    [ -r /proc/net/if_inet6 ] && awk '$6 != "lo" { found = 1 } END { exit !found }' /proc/net/if_inet6 && V6_ADDRESS=yes
  fi
  [ "$V6_ADDRESS" = yes ]
}

# The family's tools as variables: SAVE, RESTORE, TABLES.
tools_of() { if [ "$1" = ipv4 ]; then SAVE=iptables-save RESTORE=iptables-restore TABLES=iptables; else SAVE=ip6tables-save RESTORE=ip6tables-restore TABLES=ip6tables; fi; }

# Normalised for comparison: no comments, no packet counters.
NORMALISE='/^#/d; s/ \[[0-9]*:[0-9]*\]$//'
normalise() { sed "$NORMALISE"; }

# The family's rules ($1) through the sed program $2. Fails only when iptables-save fails
# (an empty ruleset is fine); sets SAVE (tools_of) for the caller's messages.
saved_through() {
  tools_of "$1"
  _saved=$($SAVE) || return 1
  [ -z "$_saved" ] || printf '%s\n' "$_saved" | sed "$2"
  return 0
}

# iptables-save without its date comments: the form that is compared and backed up.
save_rules() { saved_through "$1" '/^#/d'; }

# save_rules | normalise, with one process fewer.
saved_normalised() { saved_through "$1" "$NORMALISE"; }

# True when Kuma's lines on stdin ("table: line", kuma_lines) have a rule without the marker.
has_unmarked() { awk -v m="$MARKER" '/^[a-z]*: -A/ && !index($0, m) { f = 1 } END { exit !f }'; }

# The first 16 hex digits of the sha256 of stdin.
short_sha() { _sum=$(sha256sum); printf '%.16s' "$_sum"; }

# The awk program that tells Kuma's lines from everybody else's (iptables-save input; the
# restore format of kumactl's dry runs, `* nat` and `-I CHAIN N`, is understood too).
# Kuma's: anything naming a KUMA_MESH chain (1.x: MESH_INBOUND/MESH_OUTPUT/MESH_REDIRECT),
# anything with the marker comment, and — only in a family that has Kuma chains — the
# unmarked rules pre-2.9 Kuma adds outside its chains: the DNS redirect and the kuma-dp
# RETURN at the top of nat OUTPUT, and the conntrack-zone rules for DNS in raw.
# want=kuma prints "table: line" for Kuma's; want=rest prints the other lines as they are;
# want=foreign prints "table: line" for the rules and chains that are not Kuma's.
KUMA_AWK='
function chain_line(l) { return l ~ /(^:| -j |^-A |^-N |^-I )(KUMA_)?MESH_(INBOUND|OUTBOUND|OUTPUT|REDIRECT)/ }
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
}
{ line[NR] = $0; if (chain_line($0) || index($0, "KUMA_MESH")) has_mesh = 1 }
END {
  for (i = 1; i <= NR; i++) {
    l = line[i]
    if (l ~ /^\*/) { table = l; sub(/^\* */, "", table); sub(/ +$/, "", table) }
    k = (l ~ /^[:-]/) && is_kuma(l, table)
    if (want == "kuma" && k) print table ": " l
    if (want == "rest" && !k) print l
    if (want == "foreign" && !k && l ~ /^[:-]/) {
      if (l ~ /^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ACCEPT( |$)/) continue
      if (skip_tables != "" && index(" " skip_tables " ", " " table " ")) continue
      print table ": " l
    }
  }
}'

kuma_lines() { awk -v want=kuma -v marker="$MARKER" "$KUMA_AWK"; }
rest_lines() { awk -v want=rest -v marker="$MARKER" "$KUMA_AWK"; }
# $1: tables to leave out (space-separated), e.g. the ones flush_mode all empties.
foreign_lines() { awk -v want=foreign -v marker="$MARKER" -v skip_tables="${1:-}" "$KUMA_AWK"; }

# Facts of one family, as shell variables: HAS_KUMA, UNMARKED, FINGERPRINT.
family_facts() {
  HAS_KUMA=false UNMARKED=false FINGERPRINT=''
  rules=$(saved_normalised "$1")
  kuma=$(printf '%s\n' "$rules" | kuma_lines)
  [ -n "$kuma" ] || return 0
  HAS_KUMA=true
  if printf '%s\n' "$kuma" | has_unmarked; then UNMARKED=true; fi
  FINGERPRINT=$(printf '%s\n' "$kuma" | short_sha)
}

# The nameservers kumactl reads, fingerprinted: DNS rules depend on them.
resolv_fingerprint() { { grep '^[[:space:]]*nameserver' /etc/resolv.conf 2>/dev/null || true; } | short_sha; }

# --- JSON ------------------------------------------------------------------

# A JSON string: backslash and quote escaped, tabs made spaces, other control characters
# dropped, lines joined with \n.
json_str() {
  case "$1" in
    *[!A-Za-z0-9\ ._:/,@%+=-]*) ;;
    *) printf '"%s"' "$1"; return 0 ;;
  esac
  printf '%s' "$1" | tr '\t' ' ' | tr -d '\001-\010\013-\037' | sed 's/\\/\\\\/g; s/"/\\"/g' |
    awk 'BEGIN { printf "\"" } { if (NR > 1) printf "\\n"; printf "%s", $0 } END { printf "\"" }'
}

# --- one section at a time ----------------------------------------------------

# STATE_DIR/section.lock is flock(2)ed by the running section for its whole life (the
# launcher takes it and hands its descriptor to the section). STATE_DIR/current names the
# section that last took it: "RUN_ID TOKEN".

# Waits (blocking on the lock, at most $1 seconds; 0: no limit) until no section runs.
wait_sections() {
  if [ "$1" -gt 0 ]; then flock -s -w "$1" "$STATE_DIR/section.lock" true; else flock -s "$STATE_DIR/section.lock" true; fi
}

# True when a section holds the lock now (no waiting). No lock file: no section ever ran.
section_running() { [ -e "$STATE_DIR/section.lock" ] && ! flock -s -n "$STATE_DIR/section.lock" true; }

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

# The version a host runs, guessed from the kumactl versions installed beside the target:
# the newest other version, else the target itself.
guess_from() {
  # dirname three times, e.g. /opt/kuma/2.10.1/bin/kumactl -> /opt/kuma.
  case "$KUMACTL" in /*/*/*/*) dir=${KUMACTL%/*/*/*} ;; *) dir=$(dirname "$(dirname "$(dirname "$KUMACTL")")") ;; esac
  for f in "$dir"/*/bin/kumactl; do
    [ -x "$f" ] || continue
    v=${f%/bin/kumactl}; v=${v##*/}
    [ "$v" = "$VERSION" ] || echo "$v"
  done | sort -t. -k1,1nr -k2,2nr -k3,3nr | head -n 1 | grep . || { [ -x "$KUMACTL" ] && echo "$VERSION"; }
  return 0
}

# `kumactl version` of the target (stdout `Client: Kuma 2.10.1`); a throw-away HOME so a
# real kumactl cannot leave a config file behind, and a timeout for an unreachable
# control plane.
kumactl_version() {
  _home=$(mktemp -d) || return 0
  HOME=$_home timeout 20 "$KUMACTL" version 2>/dev/null < /dev/null |
    sed -n '/^Client: [^0-9]*[0-9]/{s/^Client: [^0-9]*\([0-9][^ ]*\).*/\1/p;q;}'
  rm -rf "$_home"
}

# Computes the plan: ACTION (nothing|install|flush-install), FLUSH, REASON, FROM, and the
# per-family JSON in FAMILIES_JSON.
compute_plan() {
  KUMACTL_PRESENT=false KUMACTL_VERSION=''
  init_families
  load_state
  if [ -x "$KUMACTL" ]; then KUMACTL_PRESENT=true; KUMACTL_VERSION=$(kumactl_version); fi
  any_kuma=false any_unmarked=false stale_family='' fingerprints_match=true FAMILIES_JSON=''
  for fam in $FAMS; do
    family_facts "$fam"
    installed=false; family_installed "$fam" && installed=true
    [ "$HAS_KUMA" = true ] && any_kuma=true
    [ "$UNMARKED" = true ] && any_unmarked=true
    [ "$HAS_KUMA" = true ] && [ "$installed" = false ] && stale_family=$fam
    eval "_recorded=\$REC_$fam"
    [ "$FINGERPRINT" = "$_recorded" ] || fingerprints_match=false
    FAMILIES_JSON="$FAMILIES_JSON${FAMILIES_JSON:+,}\"$fam\":{\"kuma_rules\":$HAS_KUMA,\"unmarked\":$UNMARKED,\"target_installs\":$installed,\"fingerprint\":$(json_str "$FINGERPRINT")}"
  done
  resolv_same=true
  [ "$DNS" = yes ] && [ "$REC_resolv" != "$(resolv_fingerprint)" ] && resolv_same=false
  FROM=none
  if [ "$any_kuma" = true ]; then FROM=${REC_version:-$(guess_from)}; FROM=${FROM:-unknown}; fi
  target_old=false
  case "$VERSION" in 0.*|1.*|2.[0-8]|2.[0-8].*) target_old=true ;; esac
  FLUSH=false
  if [ "$REC_version" = "$VERSION" ] && [ "$REC_args" = "$ARGS" ] && [ "$fingerprints_match" = true ] &&
     [ "$resolv_same" = true ] && [ "$any_kuma" = true ]; then
    ACTION=nothing REASON="already at $VERSION"
  elif [ "$any_kuma" = false ]; then
    ACTION=install REASON='no Kuma rules'
  elif [ "$any_unmarked" = true ]; then
    ACTION=flush-install FLUSH=true REASON='rules without marker'
  elif [ "$target_old" = true ]; then
    ACTION=flush-install FLUSH=true REASON="$VERSION cannot replace existing rules"
  elif [ -n "$stale_family" ]; then
    ACTION=flush-install FLUSH=true REASON="$stale_family rules the target will not replace"
  elif [ "$REC_version" = "$VERSION" ] && [ "$REC_args" = "$ARGS" ] && [ "$resolv_same" = false ]; then
    ACTION=install REASON='nameservers changed since the last upgrade'
  elif [ "$REC_version" = "$VERSION" ] && [ "$REC_args" = "$ARGS" ]; then
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
# alone is not touched. HELPER: installed, same, or nothing.
install_helper() {
  HELPER=''
  [ -n "$INSTALL_HELPER" ] || return 0
  case "$ACTION" in install|flush-install) ;; *) return 0 ;; esac
  if [ "$KUMACTL_PRESENT" = true ]; then
    [ "$KUMACTL_VERSION" = "$VERSION" ] || return 0
  else
    [ "$PACKAGE" = yes ] || return 0
  fi
  if cmp -s "$0" "$INSTALL_HELPER" 2>/dev/null; then HELPER=same; return 0; fi
  _dir=${INSTALL_HELPER%/*}
  _dir=${_dir:-/}
  { [ -d "$_dir" ] || (umask 022 && mkdir -p "$_dir"); } &&
    _tmp=$(mktemp "$_dir/.tproxy.sh.XXXXXX") &&
    { cat "$0" > "$_tmp" && chmod 0755 "$_tmp" && mv -f "$_tmp" "$INSTALL_HELPER" || { rm -f "$_tmp"; false; }; } ||
    { echo "tproxy.sh: cannot install the helper at $INSTALL_HELPER" >&2; exit 1; }
  HELPER=installed
}

cmd_detect() {
  # Read-only: nothing is created, but what is read or run as root must be root's.
  secure_or_die "$STATE_DIR" "$KUMACTL" ${INSTALL_HELPER:+"${INSTALL_HELPER%/*}"}
  # Rules half-way through another run's section are no basis for a plan: wait for it.
  busy=''
  if ! wait_for_other_section "$((TIMEOUT + 30))"; then current_section; busy=${CUR_RUN:-?}; fi
  compute_plan
  if [ -n "$busy" ]; then ACTION=busy REASON="another upgrade (run $busy) is still working on this host"; fi
  install_helper
  # token: new for every detect; the apply of this plan (and its retries) goes by it, so a
  # later run (a --retry-failed with the same run id) never finds this one's outcome.
  read -r _token < /proc/sys/kernel/random/uuid
  printf '{"kumactl":{"path":%s,"present":%s,"version":%s},"families":{%s},"recorded_version":%s,"from":%s,"to":%s,"action":"%s","flush":%s,"reason":%s,"helper":"%s","token":"%s"}\n' \
    "$(json_str "$KUMACTL")" "$KUMACTL_PRESENT" "$(json_str "$KUMACTL_VERSION")" "$FAMILIES_JSON" \
    "$(json_str "$REC_version")" "$(json_str "$FROM")" "$(json_str "$VERSION")" \
    "$ACTION" "$FLUSH" "$(json_str "$REASON")" "$HELPER" "$_token"
}

# --- the critical section ---------------------------------------------------

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >> "$RUN_DIR/log"; }

# The tables flush_mode all empties (the upgrade guide's commands).
ALL_MODE_TABLES='nat raw mangle'

# Flush according to flush_mode, for one family.
flush_family() {
  fam=$1
  if [ "$FLUSH_MODE" = all ]; then
    tools_of "$fam"
    $TABLES --table nat --flush && $TABLES --table nat --delete-chain &&
      $TABLES --table raw --flush && $TABLES --table mangle --flush
    return
  fi
  rest=$(save_rules "$fam" | rest_lines) || return 1
  tools_of "$fam"
  printf '%s\n' "$rest" | $RESTORE --test || { log "$fam: iptables-restore --test refused the flushed rules"; return 1; }
  printf '%s\n' "$rest" | $RESTORE
}

# DNS redirection is expected in a family when asked for and kumactl has a nameserver of
# that family (2.9+ turns it off, with a warning, for a family without one).
dns_expected() {
  [ "$DNS" = yes ] || return 1
  case " $ARGS " in *" --redirect-all-dns-traffic "*|*" --redirect-all-dns-traffic=true "*) return 0 ;; esac
  if [ "$1" = ipv4 ]; then
    grep -Eq '^[[:space:]]*nameserver[[:space:]]+[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' /etc/resolv.conf 2>/dev/null
  else
    grep -Eq '^[[:space:]]*nameserver[[:space:]]+[0-9A-Fa-f:]*:[0-9A-Fa-f:.%a-z]*' /etc/resolv.conf 2>/dev/null
  fi
}

# What must be in a family the target installs: Kuma's four chains, the hooks, the marker,
# DNS. $1 the family, $2 its rules (normalised), $3 Kuma's lines of them. Prints the first
# thing wrong, in this order, and fails then.
check_installed_rules() {
  inbound=yes
  case " $ARGS " in *" --redirect-inbound=false "*|*" --redirect-inbound false "*) inbound=no ;; esac
  dns=no dns_missing=no
  dns_expected "$1" && dns=yes
  # One pass for what must be there.
  printf '%s\n' "$2" | awk -v fam="$1" -v inbound="$inbound" -v dns="$dns" '
    /^:KUMA_MESH_INBOUND / { c1 = 1 } /^:KUMA_MESH_OUTBOUND / { c2 = 1 }
    /^:KUMA_MESH_INBOUND_REDIRECT / { c3 = 1 } /^:KUMA_MESH_OUTBOUND_REDIRECT / { c4 = 1 }
    /^-A PREROUTING -p tcp .*-j KUMA_MESH_INBOUND$/ { pre = 1 }
    /^-A OUTPUT -p tcp .*-j KUMA_MESH_OUTBOUND$/ { out = 1 }
    /^-A OUTPUT .*--dport 53 .*-j REDIRECT --to-ports/ { redirect = 1 }
    END {
      if (!c1) m = "chain KUMA_MESH_INBOUND is missing"
      else if (!c2) m = "chain KUMA_MESH_OUTBOUND is missing"
      else if (!c3) m = "chain KUMA_MESH_INBOUND_REDIRECT is missing"
      else if (!c4) m = "chain KUMA_MESH_OUTBOUND_REDIRECT is missing"
      else if (inbound == "yes" && !pre) m = "PREROUTING hook missing"
      else if (!out) m = "OUTPUT hook missing"
      if (m != "") { print fam ": " m; exit 1 }
      exit (dns == "yes" && !redirect) ? 3 : 0
    }'
  case $? in
    0) ;;
    3) dns_missing=yes ;;
    *) return 1 ;;
  esac
  if [ "$WANT_MARKER" = yes ] && printf '%s\n' "$3" | has_unmarked; then
    echo "$1: rules without the $MARKER marker"; return 1
  fi
  [ "$dns_missing" = no ] || { echo "$1: DNS redirect missing"; return 1; }
}

# Checks one family after the install: Kuma's four chains, the hooks, the marker, DNS —
# or no Kuma rules at all in a family the target does not install — and that every rule
# and chain that is not Kuma's is still there, in the same order. Prints what is wrong.
verify_family() {
  fam=$1 backup=$2
  now=$(saved_normalised "$fam")
  kuma=$(printf '%s\n' "$now" | kuma_lines)
  if family_installed "$fam"; then
    check_installed_rules "$fam" "$now" "$kuma" || return 1
  elif [ -n "$kuma" ]; then
    echo "$fam: Kuma rules left in a family the target does not install"; return 1
  fi
  skip=''
  [ "$FLUSH" = true ] && [ "$FLUSH_MODE" = all ] && skip=$ALL_MODE_TABLES
  before=$(normalise < "$backup" | foreign_lines "$skip")
  after=$(printf '%s\n' "$now" | foreign_lines "$skip")
  [ "$before" = "$after" ] || { echo "$fam: rules that are not Kuma's changed"; return 1; }
}

# Restores one family from its backup, removing tables the backup did not have.
restore_family() {
  fam=$1 backup=$2
  tools_of "$fam"
  $RESTORE < "$backup" || return 1
  for table in $(save_rules "$fam" | sed -n 's/^\*//p'); do
    grep -qx "\*$table" "$backup" || printf '*%s\nCOMMIT\n' "$table" | $RESTORE || return 1
  done
  [ "$(saved_normalised "$fam")" = "$(normalise < "$backup")" ]
}

# Runs the install within TIMEOUT; sets RC. The signals the section ignores are reset for
# kumactl, so the timeout (and `tproxy.sh abort`) can stop it.
run_install() {
  log "install: $KUMACTL install transparent-proxy $ARGS"
  # shellcheck disable=SC2086 # ARGS is a list of flags
  # set -f: ARGS is split into flags, never expanded as a file pattern.
  ( trap - HUP TERM; set -f; exec timeout -k 5 "$TIMEOUT" "$KUMACTL" install transparent-proxy $ARGS ) >> "$RUN_DIR/log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/install.pid"
  # An abort that came before the pid was written could not kill the install: do it here.
  [ -f "$RUN_DIR/abort" ] && kill -TERM $! 2>/dev/null
  wait $!
  RC=$?
}

critical_section() {
  stamp="$(date -u +%Y%m%dT%H%M%SZ)-$RUN_ID"
  mkdir -p "$BACKUP_DIR" || { finish failed "cannot create $BACKUP_DIR"; return; }
  compute_plan
  log "plan: $ACTION ($REASON)"
  if [ "$ACTION" = nothing ]; then finish ok "$REASON"; return; fi
  # The target must be what it says (a package unpacked since detect is checked here).
  if [ "$KUMACTL_PRESENT" = false ]; then finish failed "$KUMACTL is not on the host; nothing was changed"; return; fi
  if [ "$KUMACTL_VERSION" != "$VERSION" ]; then
    finish failed "$KUMACTL reports version ${KUMACTL_VERSION:-nothing}, not $VERSION; nothing was changed"; return
  fi
  fams=$FAMS
  for fam in $fams; do
    save_rules "$fam" > "$BACKUP_DIR/$stamp.$fam.rules" || { finish failed "backup of $fam failed: $SAVE did not work"; return; }
    log "backup: $BACKUP_DIR/$stamp.$fam.rules"
  done
  echo "$stamp" > "$RUN_DIR/backup"
  reason=''
  if [ "$FLUSH" = true ]; then
    for fam in $fams; do flush_family "$fam" >> "$RUN_DIR/log" 2>&1 || { reason="flush of $fam failed"; break; }; done
    [ -z "$reason" ] && log "flushed ($FLUSH_MODE)"
  fi
  [ -z "$reason" ] && [ -f "$RUN_DIR/abort" ] && reason="aborted: $(cat "$RUN_DIR/abort")"
  if [ -z "$reason" ]; then
    run_install
    if [ -f "$RUN_DIR/abort" ]; then reason="aborted: $(cat "$RUN_DIR/abort")"
    elif [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then reason="install timed out after ${TIMEOUT}s"
    elif [ "$RC" -ne 0 ]; then reason="install failed (exit $RC): $(grep '^Error' "$RUN_DIR/log" | tail -n 1)"; fi
  fi
  if [ -z "$reason" ]; then
    for fam in $fams; do
      out=$(verify_family "$fam" "$BACKUP_DIR/$stamp.$fam.rules") || { reason="verify failed: $out"; break; }
    done
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

# Records what was installed, for the next run's detect.
record() {
  mkdir -p "$STATE_DIR"
  {
    echo "version=$VERSION"
    echo "args=$ARGS"
    echo "resolv=$(resolv_fingerprint)"
    echo "time=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "run=$RUN_ID"
    for fam in $FAMS; do family_facts "$fam"; echo "$fam=$FINGERPRINT"; done
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
    printf '{"status":"running","changed":false,"msg":%s}\n' "$(json_str "$running_msg")"; echo "$running_msg" >&2; return 3
  fi
  if [ ! -f "$RUN_DIR/outcome" ]; then
    msg="the upgrade process on the host ended without an outcome; see $RUN_DIR/log and the backups in $BACKUP_DIR"
    printf '{"status":"lost","changed":false,"msg":%s}\n' "$(json_str "$msg")"; echo "$msg" >&2
    return 4
  fi
  { IFS= read -r status; IFS= read -r msg; } < "$RUN_DIR/outcome"
  _backup=''; { IFS= read -r _backup < "$RUN_DIR/backup"; } 2>/dev/null
  changed=false; [ "$status" = changed ] && changed=true
  printf '{"status":"%s","changed":%s,"msg":%s,"backup":%s,"run_dir":%s}\n' "$status" "$changed" \
    "$(json_str "$msg")" "$(json_str "$_backup")" "$(json_str "$RUN_DIR")"
  case "$status" in ok|changed) return 0 ;; esac
  echo "$msg" >&2
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
  [ -f "$RUN_DIR/outcome" ] || echo "interrupted by the operator" > "$RUN_DIR/abort"
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
  secure_or_die "$STATE_DIR/" "$BACKUP_DIR/" "$KUMACTL" "$0"
  trap on_operator_stop TERM
  if [ ! -d "$RUN_DIR" ]; then
    # A new section: one at a time per host, detached from this SSH session. The lock is
    # taken here and its descriptor (8) handed to the section, which holds it to its end.
    mkdir -p "$STATE_DIR/runs"
    exec 8>> "$STATE_DIR/section.lock"
    if ! flock -w 2 8; then
      exec 8>&-
      current_section
      msg="another upgrade (run ${CUR_RUN:-?}) is working on this host"
      printf '{"status":"locked","changed":false,"msg":%s}\n' "$(json_str "$msg")"; echo "$msg" >&2
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
  compute_plan
  if [ "$ACTION" = nothing ]; then
    printf '{"ok":true,"msg":%s}\n' "$(json_str "rules match what $VERSION installed")"
  else
    printf '{"ok":false,"msg":%s}\n' "$(json_str "$REASON")"; echo "$REASON" >&2; return 1
  fi
}

file_arg() { [ $# -eq 1 ] && [ -r "$1" ] || die "give one readable iptables-save file"; }

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
  now=$(normalise < "$file")
  check_installed_rules "$fam" "$now" "$(printf '%s\n' "$now" | kuma_lines)" || return 1
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
  foreign-lines) file_arg "$@"; normalise < "$1" | foreign_lines ;;
  check-rules) cmd_check_rules "$@" ;;
  *) die "usage: tproxy.sh detect|apply|verify|abort OPTIONS, kuma-lines|rest-lines|foreign-lines FILE, or check-rules ipv4|ipv6 FILE" ;;
esac
