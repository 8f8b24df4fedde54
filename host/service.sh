#!/bin/sh
# tpx's `service` module on the host (src/modules/service.ts): finds the service manager as
# Ansible's service module (LinuxService) finds it, sets the service's boot-time enablement and
# its running state, and answers in one block on stdout:
#
#   TPXSERVICE OUTCOME CHANGED SHAPE     (ok|failed, 0|1, full|bare)
#   MSG...                               (the rest: Ansible's msg, raw, bounded)
#
# It is sent on stdin after a preamble the controller writes with its one shell quoter:
#   name=…  state=…(started|stopped|restarted|reloaded or empty)  enabled=…(yes|no or empty)
#   pattern=…  has_pattern=0|1  sleep_s=N  check=0|1  and `set -- ARGUMENTS…`
# so that nothing of the task (the pattern above all) is on a command line `ps` shows.
# The controller checked `name`: no `/`, no leading `-`, no blanks, no glob or shell characters.
#
# Hostile ground: commands' output goes to files in a new private directory (mktemp -d, 0700),
# removed on exit; only what is read back, cut to 64 KiB, reaches the controller.

# These are set by the preamble; the defaults keep the script testable on its own.
: "${name:?}" "${state=}" "${enabled=}" "${pattern=}" "${has_pattern:=0}" "${sleep_s:=0}" "${check:=0}"

PATH=$PATH:/sbin:/usr/sbin:/bin:/usr/bin
export PATH
LIMIT=65536
LOCALE=C.UTF-8

tmp=$(mktemp -d) || {
	printf 'TPXSERVICE failed 0 full\ncould not make a private temp directory on the host\n'
	exit 0
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The answer; ends the script.
finish() { # OUTCOME CHANGED SHAPE MSG
	printf 'TPXSERVICE %s %s %s\n' "$1" "$2" "$3"
	printf '%s' "$4" | head -c "$LIMIT"
	exit 0
}
fail() {
	finish failed 0 full "$1"
}

# The path of an executable program, as Ansible's get_bin_path finds it (not a builtin).
bin_path() {
	_IFS=$IFS
	IFS=:
	for _d in $PATH; do
		if [ -n "$_d" ] && [ -f "$_d/$1" ] && [ -x "$_d/$1" ]; then
			IFS=$_IFS
			printf '%s' "$_d/$1"
			return 0
		fi
	done
	IFS=$_IFS
	return 1
}

# Runs a command; sets rc, out, err (each output cut to LIMIT bytes).
run() {
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	collect
}

# Runs a service action as Ansible's daemonize does: its own session, from /, stdin from
# /dev/null, and an environment of the locale only, so a daemon it leaves is not the task's.
run_detached() {
	if [ -n "$setsid" ]; then
		(cd / && exec env -i LANG=$LOCALE LC_ALL=$LOCALE LC_MESSAGES=$LOCALE "$setsid" -w "$@" </dev/null >"$tmp/out" 2>"$tmp/err")
	else
		(cd / && exec env -i LANG=$LOCALE LC_ALL=$LOCALE LC_MESSAGES=$LOCALE "$@" </dev/null >"$tmp/out" 2>"$tmp/err")
	fi
	rc=$?
	collect
}

# out and err keep a trailing newline, as Ansible's msg does: a sentinel protects it from $( ).
collect() {
	out=$(head -c "$LIMIT" "$tmp/out" && echo .)
	out=${out%.}
	err=$(head -c "$LIMIT" "$tmp/err" && echo .)
	err=${err%.}
}

# True when a link or file matches /etc/rc?.d/<KIND>??<name> (Ansible's glob).
rc_links() {
	for _f in /etc/rc?.d/"$1"??"$name"; do
		if [ -e "$_f" ] || [ -L "$_f" ]; then return 0; fi
	done
	return 1
}

lower() {
	printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

# Every occurrence of $2 removed from $1.
remove_all() {
	_s=$1
	_r=
	while :; do
		case $_s in
		*"$2"*)
			_r=$_r${_s%%"$2"*}
			_s=${_s#*"$2"}
			;;
		*) break ;;
		esac
	done
	printf '%s' "$_r$_s"
}

# --- the tools (LinuxService.get_service_tools) ---

setsid=$(bin_path setsid)
systemctl=$(bin_path systemctl)
service_bin=$(bin_path service)
initscript=
[ -f "/etc/init.d/$name" ] && initscript=/etc/init.d/$name

is_systemd=0
if [ -n "$systemctl" ]; then
	for canary in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do
		[ -e "$canary" ] && is_systemd=1
	done
	if [ "$is_systemd" = 0 ] && [ -r /proc/1/comm ] && grep -q systemd /proc/1/comm; then
		is_systemd=1
	fi
fi

svc_cmd=
enable_cmd=
enable_kind=
if [ "$is_systemd" = 1 ]; then
	svc_cmd=$systemctl
	enable_cmd=$systemctl
	enable_kind=systemctl
elif bin_path initctl >/dev/null && [ -e "/etc/init/$name.conf" ]; then
	fail "upstart services are not supported by tpx yet"
elif bin_path rc-service >/dev/null; then
	fail "OpenRC services are not supported by tpx yet"
elif [ -n "$initscript" ]; then
	if enable_cmd=$(bin_path update-rc.d); then
		enable_kind=update-rc.d
	elif enable_cmd=$(bin_path insserv); then
		enable_kind=insserv
	elif enable_cmd=$(bin_path chkconfig); then
		enable_kind=chkconfig
	fi
fi
[ -n "$enable_cmd" ] || fail "Could not find the requested service $name: host"
if [ -z "$svc_cmd" ] && [ -n "$service_bin" ]; then svc_cmd=$service_bin; fi
if [ -z "$svc_cmd" ] && [ -z "$initscript" ]; then
	fail "cannot find 'service' binary or init script for service,  possible typo in service name?, aborting"
fi

# --- enablement (service_enable) ---

enable_changed=0
enable_systemd() {
	if [ "$enabled" = yes ]; then action=enable; want=1; else action=disable; want=0; fi
	run "$enable_cmd" is-enabled "$name"
	is=0
	if [ "$rc" = 0 ]; then
		is=1
	elif [ "${out#disabled}" != "$out" ]; then
		is=0
	elif [ -x "/etc/init.d/$name" ] && rc_links S; then
		is=1
	fi
	[ "$is" = "$want" ] && return 0
	enable_changed=1
	[ "$check" = 1 ] && finish ok 1 bare ''
	run "$enable_cmd" "$action" "$name"
	if [ "$rc" != 0 ]; then
		if [ -n "$err" ]; then fail "Error when trying to $action $name: rc=$rc $err"; fi
		fail "Failure for $action $name: rc=$rc $out"
	fi
}

enable_update_rc_d() {
	is=no
	rc_links S && is=yes
	[ "$is" = "$enabled" ] && return 0
	enable_changed=1
	if [ "$enabled" = yes ]; then
		action=enable
		if ! rc_links K && [ "$check" = 0 ]; then
			run "$enable_cmd" "$name" defaults
			if [ "$rc" != 0 ]; then
				if [ -n "$err" ]; then fail "$err"; fi
				fail "$out"
			fi
		fi
	else
		action=disable
	fi
	[ "$check" = 1 ] && return 0
	run "$enable_cmd" "$name" "$action"
	if [ "$rc" != 0 ]; then
		if [ -n "$err" ]; then fail "$err"; fi
		fail "$out"
	fi
}

if [ -n "$enabled" ]; then
	case $enable_kind in
	systemctl) enable_systemd ;;
	update-rc.d) enable_update_rc_d ;;
	*) fail "enabling a service with $enable_kind is not supported by tpx yet (only update-rc.d and systemctl)" ;;
	esac
fi
[ -n "$state" ] || finish ok "$enable_changed" full ''

# --- the running state (get_service_status, check_ps) ---

# The service command for ACTION: systemctl ACTION NAME, service NAME ACTION or the init script.
control() { # ACTION ARGUMENTS...
	_action=$1
	shift
	if [ "$svc_cmd" = "$systemctl" ] && [ "$is_systemd" = 1 ]; then
		run_detached "$svc_cmd" "$_action" "$name" "$@"
	elif [ -n "$svc_cmd" ]; then
		run_detached "$svc_cmd" "$name" "$_action" "$@"
	else
		run_detached "$initscript" "$_action" "$@"
	fi
}

running=unknown
if [ "$has_pattern" = 1 ]; then
	# Ansible's check_ps: the pattern as a plain text in a line of `ps auxww` without
	# `pattern=`. The whole output is searched (grep, from a file), not the first LIMIT bytes:
	# other users' processes could otherwise push the service's line out. The pattern goes to
	# grep in a file, never on its command line. A pattern with a newline matches no line.
	# Any user's process whose command line holds the pattern counts (Ansible's weakness too).
	if ps_bin=$(bin_path ps); then
		if "$ps_bin" auxww </dev/null >"$tmp/out" 2>"$tmp/err"; then
			running=0
			nl='
'
			case $pattern in *"$nl"*) ;; *)
				printf '%s\n' "$pattern" >"$tmp/pattern"
				# Bytes, in the C locale: a command line that is not valid text (another user's) must not
				# make grep call the output binary and print no lines.
				if LC_ALL=C grep -v -F 'pattern=' "$tmp/out" | LC_ALL=C grep -q -F -f "$tmp/pattern"; then running=1; fi
				;;
			esac
		fi
	fi
elif [ "$is_systemd" = 1 ]; then
	run "$systemctl" show "$name"
	[ "$rc" = 0 ] || fail "failure $rc running systemctl show for '$name': $err"
	case $out in *LoadState=not-found*) fail "systemd could not find the requested service \"'$name'\": $err" ;; esac
	active=$(printf '%s\n' "$out" | sed -n 's/^ActiveState=//p' | head -n 1)
	case $out in *ActiveState=*) ;; *) fail "No ActiveState value in systemctl show output for '$name'" ;; esac
	if [ "$active" = active ]; then running=1; else running=0; fi
else
	control status "$@"
	case $rc in 1 | 2 | 3 | 4 | 69) running=0 ;; esac
	if [ "$running" = unknown ] && [ "$(printf '%s' "$out" | tr -cd '\n' | wc -c)" -le 1 ]; then
		clean=$(remove_all "$(lower "$out")" "$(lower "$name")")
		has() { case $clean in *"$1"*) return 0 ;; esac; return 1; }
		if has stop; then
			running=0
		elif has run; then
			if has 'not '; then running=0; else running=1; fi
		elif has start && ! has 'not '; then
			running=1
		elif has 'could not access pid file' || has 'is dead and pid file exists' || has 'dead but subsys locked' || has 'dead but pid file exists'; then
			running=0
		fi
	fi
	if [ "$running" = unknown ] && [ "$rc" = 0 ]; then running=1; fi
	if [ "$running" = unknown ] && [ "$name" = iptables ]; then
		case $out in *ACCEPT*) running=1 ;; esac
	fi
fi
[ "$running" != unknown ] || fail "failed determining service state, possible typo of service name?"

# --- what to do (check_service_changed, modify_service_state) ---

action=
case $state:$running in
started:0) action=start ;;
reloaded:0) action=start ;;
stopped:1) action=stop ;;
reloaded:1) action=reload ;;
restarted:*) action=restart ;;
esac
[ -z "$action" ] && finish ok "$enable_changed" full ''
[ "$check" = 1 ] && finish ok 1 bare 'service state changed'

if [ "$action" = restart ]; then
	control stop "$@"
	rc1=$rc out1=$out err1=$err
	[ "$sleep_s" -gt 0 ] && sleep "$sleep_s"
	control start "$@"
	if [ "$rc1" != 0 ] && [ "$rc" = 0 ]; then
		:
	else
		rc=$((rc1 + rc))
		out=$out1$out
		err=$err1$err
	fi
else
	control "$action" "$@"
fi
if [ "$rc" != 0 ]; then
	case $err in
	*"Job is already running"*) ;;
	?*) fail "$err" ;;
	*) fail "$out" ;;
	esac
fi
finish ok 1 full ''
