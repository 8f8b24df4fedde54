#!/usr/bin/env bash
# Quick start: on a fresh Debian machine, as root, build a lab fleet of mixed Kuma versions
# and upgrade it to KUMA_VERSION (default 2.10.1) with tpx — check first, then for real,
# then once more to show that a re-run changes nothing. Remove the lab with
# `npx tpx lab down --dir $LAB_DIR`.
set -euo pipefail
cd "$(dirname "$0")/.."

KUMA_VERSION=${KUMA_VERSION:-2.10.1}
LAB_DIR=${LAB_DIR:-/var/tmp/tpx-lab}
HOSTS=${HOSTS:-12}
# Outside the lab dir: `tpx lab down` removes that dir and everything in it.
REPORT_DIR=${REPORT_DIR:-/var/tmp/tpx-demo-reports}
VERSIONS=${VERSIONS:-2.7.4,2.8.3,2.9.2,2.9.2-nocomments,none,$KUMA_VERSION}

if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: run as root (the lab uses network namespaces, sshd and iptables)" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "demo.sh: Node.js 20+ and npm are needed (apt-get install nodejs npm, or nodesource)" >&2
  exit 1
fi

need=()
for pkg in openssh-server openssh-client iptables sudo iproute2; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "demo.sh: installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

if [ ! -d node_modules ] || [ ! -f dist/cli/main.js ]; then npm ci --no-audit --no-fund; fi

tpx() { node bin/tpx.js "$@"; }

tpx lab down --dir "$LAB_DIR" >/dev/null 2>&1 || true
tpx lab up --hosts "$HOSTS" --versions "$VERSIONS" --packages "$KUMA_VERSION" --dir "$LAB_DIR"

args=(playbooks/upgrade.yaml -i "$LAB_DIR/inventory.yaml" -e "kuma_version=$KUMA_VERSION"
      -e "kuma_package=$LAB_DIR/packages/kuma-$KUMA_VERSION.tar.gz")

echo; echo "== 1. what would change (--check)"
tpx run "${args[@]}" --check
echo; echo "== 2. the rolling upgrade"
mkdir -p "$REPORT_DIR" && chmod 0700 "$REPORT_DIR"
tpx run "${args[@]}" --report "$REPORT_DIR/report.json" --report-html "$REPORT_DIR/report.html"
echo; echo "== 3. again: nothing to change"
tpx run "${args[@]}"
echo
echo "reports: $REPORT_DIR/report.json, $REPORT_DIR/report.html    remove the lab: node bin/tpx.js lab down --dir $LAB_DIR"
