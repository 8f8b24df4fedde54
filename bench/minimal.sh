#!/bin/sh
# The minimal procedure: the least a careful admin would type to upgrade the transparent proxy,
# with nothing of tpx (no tproxy.sh, no backup, no state record, no lock). One `ssh` per host,
# all hosts in parallel, each running one short script on stdin under one `sudo -n sh`:
#   detect   read each family's rules (iptables-save, ip6tables-save);
#   flush    only where Kuma's rules lack the marker comment kuma/mesh/transparent/proxy
#            (kumactl < 2.9, or comments disabled): the family's rules go back without Kuma's
#            chains and the rules Kuma adds outside them (DNS conntrack zones in raw, the DNS
#            RETURN and REDIRECT in nat OUTPUT), every other rule kept;
#   unpack   the target kumactl from the package, only when it is missing (base64 in the script);
#   install  kumactl install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns --verbose;
#   verify   one iptables-save: Kuma's four chains are there.
#
#   bench/minimal.sh HOSTS_FILE IDENTITY KNOWN_HOSTS PACKAGE LOG_DIR [KUMA_VERSION]
#
# HOSTS_FILE: one `NAME PORT` per line (every host is on 127.0.0.1, user tpx).
# Exit 0 when every host succeeded; 1 otherwise (the failed hosts are printed).
# The remote script is written out literally: its $-expressions are for the host's shell.
# shellcheck disable=SC2016
set -u
[ $# -ge 5 ] || { echo "usage: $0 HOSTS_FILE IDENTITY KNOWN_HOSTS PACKAGE LOG_DIR [KUMA_VERSION]" >&2; exit 2; }
# shellcheck disable=SC2034 # HOSTS_FILE, IDENTITY and KNOWN_HOSTS are read by lib/each-host.sh
HOSTS_FILE=$1 IDENTITY=$2 KNOWN_HOSTS=$3 PACKAGE=$4 LOG_DIR=$5 VERSION=${6:-2.10.1}
case "$VERSION" in *[!0-9.]*|'') echo "$0: bad version $VERSION" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$LOG_DIR"
SCRIPT="$LOG_DIR/minimal-remote.sh"

# The remote script, the same for every host. `sudo -n sh` reads it from stdin as it goes:
# nothing in it reads stdin (kumactl gets /dev/null).
{
  echo "K=/opt/kuma/$VERSION/bin/kumactl"
  cat <<'EOF'
# Prints the rules on stdin without Kuma's when some of Kuma's lack the marker; else nothing.
FLUSH='
  /^-A / && /KUMA_MESH/ && !index($0, "kuma/mesh/transparent/proxy") { old = 1 }
  !/KUMA_MESH| -j CT --zone [12]$| --dport 53 .*-j (RETURN|REDIRECT --to-ports [0-9]+)$/ { keep = keep $0 "\n" }
  END { if (old) printf "%s", keep }'
for t in iptables ip6tables; do
  rest=$($t-save | awk "$FLUSH") || { echo "$t-save failed" >&2; exit 1; }
  [ -z "$rest" ] || $t-restore <<RULES || { echo "flush of $t failed" >&2; exit 1; }
$rest
RULES
done
EOF
  echo 'if [ ! -x "$K" ]; then'
  echo "  mkdir -p /opt/kuma/$VERSION && base64 -d <<'PKG' | tar -xzf - -C /opt/kuma/$VERSION --strip-components=1 || { echo 'unpack failed' >&2; exit 1; }"
  base64 "$PACKAGE"
  echo 'PKG'
  echo 'fi'
  cat <<'EOF'
"$K" install transparent-proxy --kuma-dp-user kuma-dp --redirect-dns --verbose < /dev/null || { echo 'install failed' >&2; exit 1; }
nat=$(iptables-save -t nat) || exit 1
for c in INBOUND OUTBOUND INBOUND_REDIRECT OUTBOUND_REDIRECT; do
  case "$nat" in *":KUMA_MESH_$c "*) ;; *) echo "verify: chain KUMA_MESH_$c is missing" >&2; exit 1 ;; esac
done
EOF
} > "$SCRIPT"

# shellcheck source=lib/each-host.sh
. "$HERE/lib/each-host.sh"
each_host minimal "$SCRIPT" 'sudo -n sh'
