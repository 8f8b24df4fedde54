#!/bin/sh
# Whether systemd manages the host, as Ansible's service_mgr fact decides it (its Linux part),
# for tpx's `service` module with `use: auto` (src/modules/systemd-dispatch.ts): sets
# tpx_service_mgr to `systemd` when Ansible's `service` would hand over to its systemd module,
# else to `other`. It only reads; it is sent on stdin ahead of the module's own script.
#
#   PID 1's name (/proc/1/comm, else the target of the /sbin/init link), unless it is `init` or
#   ends with `sh`, decides alone: systemd only when it is `systemd`. Otherwise systemd when
#   systemctl is installed and /run/systemd/system/ (or /dev/.run/systemd/, /dev/.systemd/)
#   exists, or when neither upstart nor OpenRC is there and /sbin/init links to systemd.

# shellcheck disable=SC2034 # read by the script sent after this one
tpx_service_mgr=other
tpx_proc1=
if [ -r /proc/1/comm ]; then
	tpx_proc1=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' /proc/1/comm 2>/dev/null)
fi
if [ -z "$tpx_proc1" ] && [ -L /sbin/init ]; then
	tpx_proc1=$(readlink /sbin/init)
fi
tpx_proc1=${tpx_proc1##*/}
case $tpx_proc1 in init | *sh) tpx_proc1= ;; esac

# systemctl where Ansible's get_bin_path finds it: PATH, then the sbin directories.
tpx_has_systemctl=0
tpx_IFS=$IFS
IFS=:
for tpx_d in $PATH /sbin /usr/sbin /usr/local/sbin; do
	if [ -n "$tpx_d" ] && [ -f "$tpx_d/systemctl" ] && [ -x "$tpx_d/systemctl" ]; then tpx_has_systemctl=1; fi
done
IFS=$tpx_IFS

if [ -n "$tpx_proc1" ]; then
	[ "$tpx_proc1" = systemd ] && tpx_service_mgr=systemd
elif [ "$tpx_has_systemctl" = 1 ] && { [ -e /run/systemd/system/ ] || [ -e /dev/.run/systemd/ ] || [ -e /dev/.systemd/ ]; }; then
	tpx_service_mgr=systemd
elif command -v initctl >/dev/null 2>&1 && [ -e /etc/init/ ]; then
	:
elif [ -e /sbin/openrc ]; then
	:
elif [ "$tpx_has_systemctl" = 1 ] && [ -L /sbin/init ] && [ "$(basename "$(readlink /sbin/init)")" = systemd ]; then
	tpx_service_mgr=systemd
fi
