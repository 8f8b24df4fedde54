#!/bin/sh
# The floor: what the upgrade costs with nothing but OpenSSH. One `ssh` connection per host,
# all hosts in parallel, each running the whole procedure as one shell script fed on stdin
# under one sudo: upload tproxy.sh, detect, unpack the target kumactl when missing, apply
# (backup → flush → install → verify → restore on failure), or verify alone where nothing is to do.
#
#   bench/floor.sh HOSTS_FILE IDENTITY KNOWN_HOSTS PACKAGE RUN_ID LOG_DIR [KUMA_VERSION]
#
# HOSTS_FILE: one `NAME PORT` per line (every host is on 127.0.0.1, user tpx).
# Exit 0 when every host succeeded; 1 otherwise (the failed hosts are printed).
# The remote script is written out literally: its $-expressions are for the host's shell.
# shellcheck disable=SC2016
set -u
[ $# -ge 6 ] || { echo "usage: $0 HOSTS_FILE IDENTITY KNOWN_HOSTS PACKAGE RUN_ID LOG_DIR [KUMA_VERSION]" >&2; exit 2; }
# shellcheck disable=SC2034 # HOSTS_FILE, IDENTITY and KNOWN_HOSTS are read by lib/each-host.sh
HOSTS_FILE=$1 IDENTITY=$2 KNOWN_HOSTS=$3 PACKAGE=$4 RUN_ID=$5 LOG_DIR=$6 VERSION=${7:-2.10.1}
HERE=$(cd "$(dirname "$0")" && pwd)
TPROXY="$HERE/../playbooks/files/tproxy.sh"
mkdir -p "$LOG_DIR"
SCRIPT="$LOG_DIR/floor-remote.sh"

# The remote script, the same for every host.
{
  echo 'set -u'
  echo 'H=/var/lib/tpx/bin/tproxy.sh'
  echo 'mkdir -p /var/lib/tpx/bin'
  echo "cat > \"\$H.tmp\" <<'TPX_FLOOR_EOF'"
  cat "$TPROXY"
  echo 'TPX_FLOOR_EOF'
  echo 'chmod 755 "$H.tmp" && mv "$H.tmp" "$H"'
  echo "set -- --kumactl /opt/kuma/$VERSION/bin/kumactl --version $VERSION --args '--kuma-dp-user kuma-dp --redirect-dns --verbose'" \
    "--flush-mode kuma --backup-dir /var/lib/tpx/backups --state-dir /var/lib/tpx/tproxy --timeout 120 --dns yes --marker yes"
  echo 'plan=$("$H" detect "$@") || { echo "detect failed" >&2; exit 1; }'
  echo 'case "$plan" in *'"'"'"present":false'"'"'*)'
  echo "  mkdir -p /opt/kuma/$VERSION"
  echo "  base64 -d <<'TPX_PKG_EOF' | tar -xzf - -C /opt/kuma/$VERSION --strip-components=1 || { echo 'unpack failed' >&2; exit 1; }"
  base64 "$PACKAGE"
  echo 'TPX_PKG_EOF'
  echo 'esac'
  # apply verifies before it records: like playbooks/upgrade.yaml, verify only where it did not run.
  echo 'case "$plan" in *'"'"'"action":"nothing"'"'"'*) "$H" verify "$@" ;; *)'
  # (The quotes in the patterns escaped: dash reads an unescaped one inside `${…}` as opening a string.)
  echo "  tok=\${plan#*\\\"token\\\":\\\"}; tok=\${tok%%\\\"*}"
  # --kumactl-seen: the version detect saw, when kumactl was there (as playbooks/upgrade.yaml).
  echo "  seen=''; case \"\$plan\" in *'\"present\":true'*) v=\${plan#*\\\"version\\\":\\\"}; seen=\"--kumactl-seen \${v%%\\\"*}\" ;; esac"
  echo "  \"\$H\" apply \"\$@\" --run-id '$RUN_ID' --token \"\$tok\" \$seen --wait-max 150 || exit 1 ;;"
  echo 'esac'
} > "$SCRIPT"

# Stdin is saved to a file first: commands the script runs must not read the script itself.
REMOTE="sudo -n sh -c 'f=\$(mktemp) && cat > \"\$f\" && sh \"\$f\" < /dev/null; rc=\$?; rm -f \"\$f\"; exit \$rc'"

# shellcheck source=lib/each-host.sh
. "$HERE/lib/each-host.sh"
each_host floor "$SCRIPT" "$REMOTE"
