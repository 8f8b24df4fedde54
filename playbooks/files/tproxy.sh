#!/bin/sh
# tproxy.sh — the host side of tpx's transparent-proxy upgrade (playbooks/upgrade.yaml).
#
# Needs only POSIX sh, awk, sha256sum and iptables-save/-restore (ip6tables-* for IPv6).
#
#   tproxy.sh detect  OPTIONS   read-only: what is installed, and the plan (JSON on stdout)
#   tproxy.sh apply   OPTIONS   the critical section, detached from the SSH session:
#                               backup -> flush (if needed) -> install -> verify -> record,
#                               or restore the backup on any failure. Prints the outcome
#                               (JSON). Safe to call again with the same --run-id: it
#                               re-attaches to a running section or reports its outcome.
#   tproxy.sh verify  OPTIONS   read-only: the installed rules are what tpx recorded
#   tproxy.sh kuma-lines FILE   print the Kuma lines of an iptables-save file (for tests)
#   tproxy.sh rest-lines FILE   print an iptables-save file without Kuma's lines (for tests)
#
# OPTIONS: --kumactl PATH --version V --args "ARGS" --flush-mode kuma|all
#          --backup-dir DIR --state-dir DIR --timeout SECONDS --run-id ID --dns yes|no
#          --marker yes|no
#
# Exit codes: 0 done (or nothing to do), 1 failed (host restored), 2 bad usage,
# 3 still running (apply --wait-max elapsed), 4 failed and the restore did not match (loud).
set -u
umask 077
MARKER='kuma/mesh/transparent/proxy'
PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin

KUMACTL='' VERSION='' ARGS='' FLUSH_MODE=kuma BACKUP_DIR=/var/lib/tpx/backups
STATE_DIR=/var/lib/tpx/tproxy TIMEOUT=120 RUN_ID='' DNS=no WANT_MARKER=yes WAIT_MAX=0

die() { echo "tproxy.sh: $*" >&2; exit 2; }

parse_options() {
  while [ $# -gt 0 ]; do
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
      *) die "unknown option $1" ;;
    esac
    [ $# -ge 2 ] || die "option $1 needs a value"
    shift 2
  done
  case "$FLUSH_MODE" in kuma|all) ;; *) die "--flush-mode must be kuma or all" ;; esac
}

# --- iptables helpers -------------------------------------------------------

# The families to handle: IPv4 always; IPv6 when ip6tables-save works here.
families() {
  echo ipv4
  if command -v ip6tables-save >/dev/null 2>&1 && ip6tables-save >/dev/null 2>&1; then echo ipv6; fi
}

# The families kumactl installs rules for: IPv6 only with a non-loopback IPv6 address
# (link-local counts) and unless the arguments ask for IPv4 only.
installed_families() {
  for fam in $(families); do
    if [ "$fam" = ipv6 ]; then
      case " $ARGS " in *" --ip-family-mode ipv4 "*|*" --ip-family-mode=ipv4 "*) continue ;; esac
      ip -6 -o addr show 2>/dev/null | grep -qv ' lo ' || continue
    fi
    echo "$fam"
  done
}

save_cmd() { [ "$1" = ipv4 ] && echo iptables-save || echo ip6tables-save; }
restore_cmd() { [ "$1" = ipv4 ] && echo iptables-restore || echo ip6tables-restore; }

# iptables-save without its date comments: the form that is compared and backed up.
save_rules() { $(save_cmd "$1") | grep -v '^#'; }

# Normalised for comparison: no comments, no packet counters.
normalise() { grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }

# The awk program that tells Kuma's lines from everybody else's.
# Kuma's: anything naming a KUMA_MESH chain (1.x: MESH_INBOUND/MESH_OUTPUT/MESH_REDIRECT),
# anything with the marker comment, and the pre-2.9 unmarked rules Kuma adds outside its
# chains: the DNS redirect and kuma-dp RETURN at the top of nat OUTPUT, and the
# conntrack-zone rules for DNS in raw.
KUMA_AWK='
function is_kuma(l) {
  if (index(l, "KUMA_MESH") || index(l, marker)) return 1
  if (l ~ /(^:| -j |^-A )MESH_(INBOUND|OUTPUT|REDIRECT)/) return 1
  if (table == "nat" && l ~ /^-A OUTPUT / && l ~ / --dport 53 / &&
      (l ~ / -j REDIRECT --to-ports [0-9]+$/ || l ~ / --uid-owner [0-9]+ -j RETURN$/)) return 1
  if (table == "raw" && l ~ / -j CT --zone [12]$/ &&
      (l ~ / --dport 53 / || l ~ / --sport 53 / || l ~ / --uid-owner /)) return 1
  return 0
}
/^\*/ { table = substr($0, 2) }
{
  k = ($0 ~ /^[:-]/) && is_kuma($0)
  if (want == "kuma" && k) print table ": " $0
  if (want == "rest" && !k) print
}'

kuma_lines() { awk -v want=kuma -v marker="$MARKER" "$KUMA_AWK"; }
rest_lines() { awk -v want=rest -v marker="$MARKER" "$KUMA_AWK"; }

# Facts of one family, as shell variables: HAS_KUMA, UNMARKED, FINGERPRINT.
family_facts() {
  rules=$(save_rules "$1" | normalise)
  kuma=$(printf '%s\n' "$rules" | kuma_lines)
  HAS_KUMA=false UNMARKED=false FINGERPRINT=''
  if [ -n "$kuma" ]; then
    HAS_KUMA=true
    if printf '%s\n' "$kuma" | grep '^[a-z]*: -A' | grep -qv "$MARKER"; then UNMARKED=true; fi
    FINGERPRINT=$(printf '%s\n' "$kuma" | sha256sum | cut -c1-16)
  fi
}

# --- detect ----------------------------------------------------------------

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\n')"; }

recorded_field() { [ -f "$STATE_DIR/state" ] && sed -n "s/^$1=//p" "$STATE_DIR/state" | head -n 1; }

# Versions of kumactl installed next to the target, newest first, for the "from" guess.
other_versions() {
  dir=$(dirname "$(dirname "$(dirname "$KUMACTL")")")
  for f in "$dir"/*/bin/kumactl; do
    [ -x "$f" ] || continue
    v=$(basename "$(dirname "$(dirname "$f")")")
    [ "$v" = "$VERSION" ] || echo "$v"
  done | sort -t. -k1,1nr -k2,2nr -k3,3nr | head -n 1
}

# Computes the plan into ACTION (nothing|install|flush-install), FLUSH, REASON, FROM and
# the per-family JSON into FAMILIES_JSON.
compute_plan() {
  KUMACTL_PRESENT=false KUMACTL_VERSION=''
  if [ -x "$KUMACTL" ]; then
    KUMACTL_PRESENT=true
    KUMACTL_VERSION=$("$KUMACTL" version 2>/dev/null | sed -n 's/^Client: [^0-9]*\([0-9][^ ]*\).*/\1/p' | head -n 1)
  fi
  any_kuma=false any_unmarked=false fingerprints_match=true FAMILIES_JSON=''
  for fam in $(families); do
    family_facts "$fam"
    [ "$HAS_KUMA" = true ] && any_kuma=true
    [ "$UNMARKED" = true ] && any_unmarked=true
    [ "$FINGERPRINT" = "$(recorded_field "$fam")" ] || fingerprints_match=false
    FAMILIES_JSON="$FAMILIES_JSON${FAMILIES_JSON:+,}\"$fam\":{\"kuma_rules\":$HAS_KUMA,\"unmarked\":$UNMARKED,\"fingerprint\":$(json_str "$FINGERPRINT")}"
  done
  rec_version=$(recorded_field version)
  rec_args=$(recorded_field args)
  FROM=none
  if [ "$any_kuma" = true ]; then FROM=${rec_version:-$(other_versions)}; FROM=${FROM:-unknown}; fi
  target_old=false
  case "$VERSION" in 0.*|1.*|2.[0-8]|2.[0-8].*) target_old=true ;; esac
  FLUSH=false
  if [ "$rec_version" = "$VERSION" ] && [ "$rec_args" = "$ARGS" ] && [ "$fingerprints_match" = true ] && [ "$any_kuma" = true ]; then
    ACTION=nothing REASON="already at $VERSION"
  elif [ "$any_kuma" = false ]; then
    ACTION=install REASON='no Kuma rules'
  elif [ "$any_unmarked" = true ]; then
    ACTION=flush-install FLUSH=true REASON='rules without marker'
  elif [ "$target_old" = true ]; then
    ACTION=flush-install FLUSH=true REASON="$VERSION cannot replace existing rules"
  elif [ "$rec_version" = "$VERSION" ]; then
    ACTION=install REASON='rules changed since the last upgrade'
  else
    ACTION=install REASON='marked rules (kumactl cleans them up)'
  fi
  [ "$FLUSH_MODE" = all ] && [ "$FLUSH" = true ] && REASON="$REASON; flush_mode all"
}

cmd_detect() {
  compute_plan
  printf '{"kumactl":{"path":%s,"present":%s,"version":%s},"families":{%s},"recorded_version":%s,"from":%s,"to":%s,"action":"%s","flush":%s,"reason":%s}\n' \
    "$(json_str "$KUMACTL")" "$KUMACTL_PRESENT" "$(json_str "$KUMACTL_VERSION")" "$FAMILIES_JSON" \
    "$(json_str "$(recorded_field version)")" "$(json_str "$FROM")" "$(json_str "$VERSION")" \
    "$ACTION" "$FLUSH" "$(json_str "$REASON")"
}

# --- the critical section ---------------------------------------------------

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >> "$RUN_DIR/log"; }

# Flush according to flush_mode, for one family.
flush_family() {
  fam=$1
  if [ "$FLUSH_MODE" = all ]; then
    cmd=$( [ "$fam" = ipv4 ] && echo iptables || echo ip6tables )
    $cmd --table nat --flush && $cmd --table nat --delete-chain &&
      $cmd --table raw --flush && $cmd --table mangle --flush
    return
  fi
  rest=$(save_rules "$fam" | rest_lines)
  printf '%s\n' "$rest" | $(restore_cmd "$fam") --test || { log "$fam: iptables-restore --test refused the flushed rules"; return 1; }
  printf '%s\n' "$rest" | $(restore_cmd "$fam")
}

# Checks the installed rules of one family: four chains, the hooks, the marker, DNS.
verify_family() {
  fam=$1 backup=$2
  now=$(save_rules "$fam" | normalise)
  for chain in KUMA_MESH_INBOUND KUMA_MESH_OUTBOUND KUMA_MESH_INBOUND_REDIRECT KUMA_MESH_OUTBOUND_REDIRECT; do
    printf '%s\n' "$now" | grep -q "^:$chain " || { echo "$fam: chain $chain is missing"; return 1; }
  done
  printf '%s\n' "$now" | grep -q '^-A PREROUTING -p tcp .*-j KUMA_MESH_INBOUND$' || { echo "$fam: PREROUTING hook missing"; return 1; }
  printf '%s\n' "$now" | grep -q '^-A OUTPUT -p tcp .*-j KUMA_MESH_OUTBOUND$' || { echo "$fam: OUTPUT hook missing"; return 1; }
  if [ "$WANT_MARKER" = yes ] && printf '%s\n' "$now" | kuma_lines | grep ': -A' | grep -qv "$MARKER"; then
    echo "$fam: rules without the $MARKER marker"; return 1
  fi
  if [ "$DNS" = yes ] && [ "$fam" = ipv4 ] && ! printf '%s\n' "$now" | grep -q '^-A OUTPUT .*--dport 53 .*-j REDIRECT --to-ports'; then
    echo "$fam: DNS redirect missing"; return 1
  fi
  # Every rule that is not Kuma's is still there, in the same order.
  before=$(normalise < "$backup" | rest_lines | grep '^-A' )
  after=$(printf '%s\n' "$now" | rest_lines | grep '^-A')
  [ "$before" = "$after" ] || { echo "$fam: rules that are not Kuma's changed"; return 1; }
}

# Restores one family from its backup, removing tables the backup did not have.
restore_family() {
  fam=$1 backup=$2
  $(restore_cmd "$fam") < "$backup" || return 1
  for table in $(save_rules "$fam" | sed -n 's/^\*//p'); do
    grep -qx "\*$table" "$backup" || printf '*%s\nCOMMIT\n' "$table" | $(restore_cmd "$fam")
  done
  [ "$(save_rules "$fam" | normalise)" = "$(normalise < "$backup")" ]
}

critical_section() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$BACKUP_DIR" || { finish failed "cannot create $BACKUP_DIR"; return; }
  compute_plan
  log "plan: $ACTION ($REASON)"
  if [ "$ACTION" = nothing ]; then finish ok "$REASON"; return; fi
  fams=$(families)
  for fam in $fams; do
    save_rules "$fam" > "$BACKUP_DIR/$stamp.$fam.rules" || { finish failed "backup of $fam failed"; return; }
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
    log "install: $KUMACTL install transparent-proxy $ARGS"
    # shellcheck disable=SC2086 # ARGS is a list of flags
    timeout -k 5 "$TIMEOUT" "$KUMACTL" install transparent-proxy $ARGS >> "$RUN_DIR/log" 2>&1 &
    echo $! > "$RUN_DIR/install.pid"
    wait $!
    rc=$?
    [ -f "$RUN_DIR/abort" ] && reason="aborted: $(cat "$RUN_DIR/abort")"
    if [ -n "$reason" ]; then :
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then reason="install timed out after ${TIMEOUT}s"
    elif [ $rc -ne 0 ]; then reason="install failed (exit $rc): $(grep '^Error' "$RUN_DIR/log" | tail -n 1)"; fi
  fi
  if [ -z "$reason" ]; then
    for fam in $(installed_families); do
      out=$(verify_family "$fam" "$BACKUP_DIR/$stamp.$fam.rules") || { reason="verify failed: $out"; break; }
    done
  fi
  if [ -n "$reason" ]; then
    log "failed: $reason; restoring the backup"
    for fam in $fams; do
      restore_family "$fam" "$BACKUP_DIR/$stamp.$fam.rules" >> "$RUN_DIR/log" 2>&1 || { finish restore-mismatch "$reason; restore of $fam did NOT match the backup $BACKUP_DIR/$stamp.$fam.rules"; return; }
    done
    finish failed "$reason; restored from backup $stamp"
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
    echo "time=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    for fam in $(families); do family_facts "$fam"; echo "$fam=$FINGERPRINT"; done
  } > "$STATE_DIR/state.tmp" && mv "$STATE_DIR/state.tmp" "$STATE_DIR/state"
}

finish() {
  printf '%s\n%s\n' "$1" "$2" > "$RUN_DIR/outcome.tmp" && mv "$RUN_DIR/outcome.tmp" "$RUN_DIR/outcome"
  log "outcome: $1: $2"
}

# Waits for the section of RUN_DIR and prints its outcome as JSON.
report_outcome() {
  waited=0
  while [ ! -f "$RUN_DIR/outcome" ]; do
    if [ "$WAIT_MAX" -gt 0 ] && [ "$waited" -ge $((WAIT_MAX * 5)) ]; then
      printf '{"status":"running","changed":false,"msg":"the upgrade is still running on the host"}\n'; return 3
    fi
    if [ -f "$RUN_DIR/pid" ] && ! kill -0 "$(cat "$RUN_DIR/pid")" 2>/dev/null && [ ! -f "$RUN_DIR/outcome" ]; then
      printf '{"status":"lost","changed":false,"msg":"the upgrade process ended without an outcome; see %s/log"}\n' "$RUN_DIR"; return 4
    fi
    sleep 0.2; waited=$((waited + 1))
  done
  status=$(sed -n 1p "$RUN_DIR/outcome") msg=$(sed -n 2p "$RUN_DIR/outcome")
  changed=false; [ "$status" = changed ] && changed=true
  printf '{"status":"%s","changed":%s,"msg":%s,"backup":%s,"run_dir":%s}\n' "$status" "$changed" \
    "$(json_str "$msg")" "$(json_str "$(cat "$RUN_DIR/backup" 2>/dev/null)")" "$(json_str "$RUN_DIR")"
  case "$status" in ok|changed) return 0 ;; restore-mismatch) return 4 ;; *) return 1 ;; esac
}

cmd_apply() {
  [ -n "$RUN_ID" ] || die "apply needs --run-id"
  RUN_DIR="$STATE_DIR/runs/$RUN_ID"
  mkdir -p "$STATE_DIR/runs"
  if mkdir "$RUN_DIR" 2>/dev/null; then
    # A new section: one at a time per host (the lock), detached from this SSH session.
    if ! mkdir "$STATE_DIR/lock" 2>/dev/null; then
      holder=$(cat "$STATE_DIR/lock/run" 2>/dev/null)
      if [ -n "$holder" ] && [ -f "$STATE_DIR/runs/$holder/pid" ] && kill -0 "$(cat "$STATE_DIR/runs/$holder/pid")" 2>/dev/null; then
        rmdir "$RUN_DIR"
        echo "{\"status\":\"locked\",\"changed\":false,\"msg\":$(json_str "another upgrade (run $holder) is working on this host")}"
        return 1
      fi
      rm -rf "$STATE_DIR/lock" && mkdir "$STATE_DIR/lock" || die "cannot take the lock $STATE_DIR/lock"
    fi
    echo "$RUN_ID" > "$STATE_DIR/lock/run"
    : > "$RUN_DIR/log"
    setsid sh "$0" __section "$@" < /dev/null >> "$RUN_DIR/log" 2>&1 &
    echo $! > "$RUN_DIR/pid"
  fi
  report_outcome
}

cmd_section() {
  RUN_DIR="$STATE_DIR/runs/$RUN_ID"
  # Nothing but `tproxy.sh abort` stops the section half-way: it always ends upgraded or restored.
  trap '' HUP INT TERM
  critical_section
  rm -rf "$STATE_DIR/lock"
}

# Stops a running section: the install is killed, and the section restores the backup.
cmd_abort() {
  [ -n "$RUN_ID" ] || die "abort needs --run-id"
  RUN_DIR="$STATE_DIR/runs/$RUN_ID"
  [ -d "$RUN_DIR" ] || { echo '{"status":"none","changed":false,"msg":"no such run"}'; return 0; }
  [ -f "$RUN_DIR/outcome" ] || echo "interrupted by the operator" > "$RUN_DIR/abort"
  [ -f "$RUN_DIR/install.pid" ] && kill -TERM "$(cat "$RUN_DIR/install.pid")" 2>/dev/null
  report_outcome
}

cmd_verify() {
  compute_plan
  if [ "$ACTION" = nothing ]; then
    printf '{"ok":true,"msg":%s}\n' "$(json_str "rules match what $VERSION installed")"
  else
    printf '{"ok":false,"msg":%s}\n' "$(json_str "$REASON")"; return 1
  fi
}

sub=${1:-}
[ $# -gt 0 ] && shift
case "$sub" in
  detect) parse_options "$@"; cmd_detect ;;
  apply) parse_options "$@"; cmd_apply "$@" ;;
  __section) parse_options "$@"; cmd_section ;;
  verify) parse_options "$@"; cmd_verify ;;
  abort) parse_options "$@"; cmd_abort ;;
  kuma-lines) normalise < "$1" | kuma_lines ;;
  rest-lines) normalise < "$1" | rest_lines ;;
  *) die "usage: tproxy.sh detect|apply|verify OPTIONS" ;;
esac
