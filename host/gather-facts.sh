#!/bin/sh
# tpx fact gathering: prints NUL-ended records "<key>\n<payload>" and changes nothing.
# The environment first, before this script sets anything.
printf 'env\n'
awk 'BEGIN {
  for (k in ENVIRON) {
    v = ENVIRON[k]
    gsub(/%/, "%25", k); gsub(/\n/, "%0A", k); gsub(/\r/, "%0D", k)
    gsub(/%/, "%25", v); gsub(/\n/, "%0A", v); gsub(/\r/, "%0D", v)
    printf "%s=%s\n", k, v
  }
}' 2>/dev/null
printf '\000'

# Stable command output, and the sbin directories a login user's PATH may lack (Ansible
# searches them too).
LC_ALL=C
export LC_ALL
PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin"
set -f
# Out of a directory another user may write (a home under sudo): nothing below reads the
# working directory, and python must not import from it.
cd / || exit 1

# emit KEY VALUE: one record.
emit() {
  printf '%s\n%s\000' "$1" "$2"
}

# emit_file KEY PATH: a regular readable file's content as one record, NUL bytes dropped.
emit_file() {
  if [ -f "$2" ] && [ -r "$2" ]; then
    printf '%s\n' "$1"
    tr -d '\000' <"$2" 2>/dev/null
    printf '\000'
  fi
}

# line PATH: sets l to the first line of a file, read by the shell itself without a
# subshell ('' when unreadable).
line() {
  l=''
  read -r l 2>/dev/null <"$1"
}

has() {
  command -v "$1" >/dev/null 2>&1
}

emit format 1
emit uname_s "$(uname -s 2>/dev/null)"
node=$(uname -n 2>/dev/null)
emit uname_n "$node"
emit uname_r "$(uname -r 2>/dev/null)"
emit uname_v "$(uname -v 2>/dev/null)"
emit uname_m "$(uname -m 2>/dev/null)"

emit_file os_release /etc/os-release
[ -f /etc/os-release ] || emit_file os_release /usr/lib/os-release
emit_file lsb_release_file /etc/lsb-release
emit_file debian_version /etc/debian_version
emit_file redhat_release /etc/redhat-release
emit_file centos_release /etc/centos-release
emit_file oracle_release /etc/oracle-release
emit_file alpine_release /etc/alpine-release
emit_file system_release /etc/system-release
[ -e /etc/arch-release ] && emit arch_release 1
if has lsb_release; then
  emit lsb_release_cmd "$(lsb_release -a 2>/dev/null)"
fi

line /var/lib/dbus/machine-id
[ -n "$l" ] || line /etc/machine-id
emit machine_id "$l"

# fqdn as Python's socket.getfqdn(): the node name's first address, then that address's
# names (the canonical one and its aliases).
if has getent && [ -n "$node" ]; then
  case $node in
    -*) ;;
    *)
      # shellcheck disable=SC2046 # split on purpose; globbing is off (set -f)
      set -- $(getent ahosts "$node" 2>/dev/null)
      # shellcheck disable=SC2046 # as above; musl's getent may lack ahosts
      [ -n "$1" ] || set -- $(getent hosts "$node" 2>/dev/null)
      if [ -n "$1" ]; then
        emit fqdn_names "$(getent hosts "$1" 2>/dev/null)"
      fi
      ;;
  esac
fi

emit date "$(date '+%Y%n%m%n%d%n%H%n%M%n%S%n%A%n%w%n%W%n%s%n%z%n%Z%n%N' 2>/dev/null)"

emit id "$(id 2>/dev/null)"
user=$LOGNAME
[ -n "$user" ] || user=$USER
[ -n "$user" ] || user=$LNAME
[ -n "$user" ] || user=$USERNAME
uid=$(id -u 2>/dev/null)
pw=''
if has getent; then
  case $user in
    '' | -*) ;;
    *) pw=$(getent passwd "$user" 2>/dev/null) ;;
  esac
  [ -n "$pw" ] || pw=$(getent passwd "$uid" 2>/dev/null)
else
  pw=$(TPX_USER="$user" TPX_UID="$uid" awk -F: '$1 == ENVIRON["TPX_USER"] { print; exit } $3 == ENVIRON["TPX_UID"] && !u { u = $0 } END { if (u) print u }' /etc/passwd 2>/dev/null | head -n 1)
fi
emit passwd "$pw"

emit meminfo "$(grep -E '^(MemTotal|MemFree|Buffers|Cached|SwapCached|SwapTotal|SwapFree):' /proc/meminfo 2>/dev/null)"
emit cpuinfo "$(grep -E '^(model name|Processor|vendor_id|cpu|Vendor|processor|physical id|core id|cpu cores|siblings|# processors|ncpus active)[[:space:]]*:' /proc/cpuinfo 2>/dev/null)"
if has nproc; then
  emit nproc "$(nproc 2>/dev/null)"
fi
# A xen guest whose CPUs lack the vme flag is paravirtualised; Ansible counts its CPUs apart.
line /sys/hypervisor/type
if [ -e /proc/xen ] || [ "$l" = xen ]; then
  case $(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null) in
    *vme*) ;;
    *) emit xen_paravirt 1 ;;
  esac
fi

# Interfaces: what /sys/class/net says of each, read with builtins only.
if [ -d /sys/class/net ]; then
  set +f
  for d in /sys/class/net/*; do
    [ -d "$d" ] || continue
    printf 'iface\npath=%s\n' "$d"
    for f in address mtu operstate type flags speed; do
      line "$d/$f"
      printf '%s=%s\n' "$f" "$l"
    done
    [ -d "$d/bridge" ] && printf 'bridge=1\n'
    [ -d "$d/bonding" ] && printf 'bonding=1\n'
    printf '\000'
  done
  set -f
fi
if has ip; then
  emit ip_addr "$(ip -o addr show 2>/dev/null)"
  emit route4 "$(ip -4 route get 8.8.8.8 2>/dev/null)"
  emit route6 "$(ip -6 route get 2404:6800:400a:800::1012 2>/dev/null)"
fi

py=''
for p in python3 python; do
  if has "$p"; then
    py=$p
    break
  fi
done
if [ -n "$py" ]; then
  emit python "$("$py" -E -s -S -c 'import sys, platform
v = sys.version_info
try:
    t = sys.implementation.name
except AttributeError:
    t = None
try:
    import ssl
    s = hasattr(ssl, "create_default_context") and hasattr(ssl, "SSLContext")
except ImportError:
    s = False
sys.stdout.write("\n".join([sys.executable, str(v[0]), str(v[1]), str(v[2]), str(v[3]), str(v[4]), platform.python_version(), str(t), str(s)]) + "\n")' 2>/dev/null)"
fi

line /proc/1/comm
svc="proc1=$l"
if [ -L /sbin/init ]; then
  svc="$svc
sbin_init=$(readlink /sbin/init 2>/dev/null)"
fi
has systemctl && svc="$svc
systemctl=1"
for c in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do
  [ -e "$c" ] && svc="$svc
systemd_canary=1"
done
has initctl && [ -e /etc/init/ ] && svc="$svc
upstart=1"
[ -e /sbin/openrc ] && svc="$svc
openrc=1"
[ -e /etc/init.d/ ] && svc="$svc
initd=1"
emit service "$svc"

pkg=''
for p in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge /usr/bin/xbps-install /usr/bin/swupd /usr/sbin/sorcery /run/ostree-booted; do
  [ -e "$p" ] && pkg="$pkg$p
"
done
emit pkg "$pkg"

if [ -e /sys/fs/selinux/enforce ]; then
  line /sys/fs/selinux/enforce
  emit selinux "$l"
fi
[ -e /sys/kernel/security/apparmor ] && emit apparmor 1
exit 0
