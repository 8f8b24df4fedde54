#!/bin/sh
# tpx's `systemd` module on the host (src/modules/systemd.ts): runs the systemctl commands
# Ansible's systemd module runs, in its order (daemon-reload, daemon-reexec, show, mask or unmask,
# enable or disable, then the running state), decides as it decides, and answers in one block:
#
#   TPXSYSTEMD OUTCOME CHANGED ENABLED STATE KEEP     (ok|failed, 0|1, 0|1|-, the state or -,
#                                                      1 when a failure returns the status)
#   the output of `systemctl show UNIT`, whole lines  (parsed on the controller)
#   TPXSYSTEMD-END                                    (a line of its own, which show never holds)
#   WARNINGS, one a line, each `TPXWARN …`, then
#   MSG...                                            (the rest: Ansible's msg, raw, bounded)
#
# It is sent on stdin after a preamble the controller writes with its one shell quoter:
#   name=… state=… enabled=yes|no|'' masked=yes|no|'' daemon_reload=0|1 daemon_reexec=0|1
#   no_block=0|1 force=0|1 check=0|1
# The controller checked `name`: no `/`, no leading `-` or `.`, no blanks, no glob or shell characters.
#
# Hostile ground: commands' output goes to files in a new private directory (mktemp -d, 0700),
# removed on exit; only what is read back, cut to 256 KiB, reaches the controller.

: "${name=}" "${state=}" "${enabled=}" "${masked=}" "${daemon_reload:=0}" "${daemon_reexec:=0}"
: "${no_block:=0}" "${force:=0}" "${check:=0}"

PATH=$PATH:/sbin:/usr/sbin:/bin:/usr/bin:/usr/local/sbin
export PATH
LIMIT=262144

tmp=$(mktemp -d) || {
	printf 'TPXSYSTEMD failed 0 - - 0\nTPXSYSTEMD-END\ncould not make a private temp directory on the host\n'
	exit 0
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
: >"$tmp/show"
: >"$tmp/warnings"
keep=0
changed=0
result_enabled=-
result_state=-

# The answer; ends the script.
# show goes as whole lines (a cut one left out, never half a character), each ending in a
# newline, without any line that is the end marker; then the marker.
finish() { # OUTCOME MSG
	head -c "$LIMIT" "$tmp/show" >"$tmp/show.cut"
	if [ "$(wc -c <"$tmp/show")" -gt "$LIMIT" ] && [ -n "$(tail -c 1 "$tmp/show.cut" | tr -d '\n')" ]; then
		sed '$d' "$tmp/show.cut" >"$tmp/show.lines"
		mv "$tmp/show.lines" "$tmp/show.cut"
	fi
	printf 'TPXSYSTEMD %s %s %s %s %s\n' "$1" "$changed" "$result_enabled" "$result_state" "$keep"
	awk '$0 != "TPXSYSTEMD-END"' "$tmp/show.cut"
	printf 'TPXSYSTEMD-END\n'
	cat "$tmp/warnings"
	printf '%s' "$2" | head -c 65536
	exit 0
}
# Ansible's fail_json: only the msg (the status too where keep=1), changed false.
fail() {
	changed=0
	result_enabled=-
	result_state=-
	finish failed "$1"
}
warn() {
	printf 'TPXWARN %s\n' "$1" | tr -d '\r' >>"$tmp/warnings"
}

# The path of an executable program, as Ansible's get_bin_path finds it.
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

# Runs systemctl with the task's options; sets rc, out, err (each cut to LIMIT bytes, a trailing
# newline kept by a sentinel, as Ansible's run_command keeps it).
sc() {
	# shellcheck disable=SC2086 # $opts is a list of fixed option words, split on purpose
	"$systemctl" $opts "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(head -c "$LIMIT" "$tmp/out" && echo .)
	out=${out%.}
	err=$(head -c "$LIMIT" "$tmp/err" && echo .)
	err=${err%.}
}

# Python's str.strip() of the last output.
stripped() {
	printf '%s' "$1" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/./,$!d'
}

# A property of the show output, as Ansible's parser reads it (the last line for a key, stripped).
prop() {
	sed -n "s/^$1=//p" "$tmp/show" | tail -n 1 | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'
}
has_prop() {
	grep -q "^$1=" "$tmp/show"
}

# Ansible's request_was_ignored: no `=` and systemd's "ignoring request/command".
ignored() {
	case $1 in *=*) return 1 ;; *"ignoring request"* | *"ignoring command"*) return 0 ;; esac
	return 1
}

fail_if_missing() {
	[ "$found" = 1 ] || fail "Could not find the requested service $name: host"
}

# Ansible's is_chroot: the environment says so, or / is not PID 1's root.
is_chroot() {
	[ -n "${debian_chroot:-}" ] && return 0
	if _r=$(stat -L -c '%d:%i' /proc/1/root/. 2>/dev/null); then
		[ "$(stat -c '%d:%i' /)" != "$_r" ]
		return
	fi
	_ino=2
	case $(stat -f --format=%T / 2>/dev/null) in *btrfs*) _ino=256 ;; *xfs*) _ino=128 ;; esac
	[ "$(stat -c %i /)" != "$_ino" ]
}

systemctl=$(bin_path systemctl) || fail "Failed to find required executable \"systemctl\" in paths: $PATH"
[ -n "${XDG_RUNTIME_DIR:-}" ] || XDG_RUNTIME_DIR=/run/user/$(id -u)
export XDG_RUNTIME_DIR
opts=
[ "$no_block" = 1 ] && opts="$opts --no-block"
[ "$force" = 1 ] && opts="$opts --force"

if [ "$daemon_reload" = 1 ] && [ "$check" = 0 ]; then
	sc daemon-reload
	[ "$rc" = 0 ] || fail "failure $rc during daemon-reload: $err"
fi
if [ "$daemon_reexec" = 1 ] && [ "$check" = 0 ]; then
	sc daemon-reexec
	[ "$rc" = 0 ] || fail "failure $rc during daemon-reexec: $err"
fi
[ -n "$name" ] || finish ok ''

is_initd=0
[ -e "/etc/init.d/$name" ] && is_initd=1
is_systemd=0
sc show "$name"
if [ "$rc" = 0 ] && ! ignored "$out" && ! ignored "$err"; then
	if [ -n "$out" ]; then
		cp "$tmp/out" "$tmp/show"
		load=$(prop LoadState)
		if has_prop LoadState && [ "$load" != not-found ]; then is_systemd=1; fi
		if [ "$is_systemd" = 1 ] && [ "$load" != masked ] && has_prop LoadError; then
			fail "Error loading unit file '$name': $(prop LoadError)"
		fi
	fi
elif [ "$rc" = 1 ] && [ "${err#*Failed to parse bus message}" != "$err" ]; then
	cp "$tmp/out" "$tmp/show"
	base=${name%%@*}
	case $name in *@*) base=$base@ ;; esac
	sc list-unit-files "$base*"
	case $out in *"$base"*) is_systemd=1 ;; esac
	sc is-active "$name"
	printf '\nActiveState=%s\n' "$(stripped "$out")" >>"$tmp/show"
else
	sc is-enabled "$name"
	case $(stripped "$out") in
	enabled | enabled-runtime | linked | linked-runtime | masked | masked-runtime | static | indirect | disabled | generated | transient)
		is_systemd=1
		;;
	*)
		sc list-unit-files "$name"
		if [ "$rc" = 0 ]; then
			is_systemd=1
		else
			sc
			[ "$rc" = 0 ] || fail "$err"
		fi
		;;
	esac
fi
found=0
{ [ "$is_systemd" = 1 ] || [ "$is_initd" = 1 ]; } && found=1
[ "$is_initd" = 1 ] && [ "$is_systemd" = 0 ] && warn "The service ($name) is actually an init script but the system is managed by systemd"

if [ -n "$masked" ]; then
	sc is-enabled "$name"
	now=no
	[ "$(stripped "$out")" = masked ] && now=yes
	if [ "$now" != "$masked" ]; then
		changed=1
		if [ "$masked" = yes ]; then action=mask; else action=unmask; fi
		if [ "$check" = 0 ]; then
			sc "$action" "$name"
			# Some systemd versions mask units that are not there: only a missing unit fails.
			[ "$rc" = 0 ] || fail_if_missing
		fi
	fi
fi

if [ -n "$enabled" ]; then
	if [ "$enabled" = yes ]; then action=enable; else action=disable; fi
	fail_if_missing
	now=no
	sc is-enabled "$name" -l
	if [ "$rc" = 0 ]; then
		now=yes
		case $out in indirect | "indirect
" | alias | "alias
") now=no ;; esac
	elif [ "$rc" = 1 ] && [ "$is_initd" = 1 ]; then
		case $(stripped "$out") in
		*disabled) ;;
		*)
			for f in /etc/rc?.d/S??"$name"; do
				if [ -e "$f" ] || [ -L "$f" ]; then now=yes; fi
			done
			;;
		esac
	fi
	if [ "$now" = yes ]; then result_enabled=1; else result_enabled=0; fi
	if [ "$now" != "$enabled" ]; then
		changed=1
		if [ "$check" = 0 ]; then
			sc "$action" "$name"
			[ "$rc" = 0 ] || fail "Unable to $action service $name: $out$err"
		fi
		if [ "$enabled" = yes ]; then result_enabled=1; else result_enabled=0; fi
	fi
fi

if [ -n "$state" ]; then
	fail_if_missing
	result_state=$state
	if has_prop ActiveState; then
		active=$(prop ActiveState)
		running=0
		case $active in active | activating) running=1 ;; esac
		action=
		case $state in
		started) [ "$running" = 1 ] || action=start ;;
		stopped) if [ "$running" = 1 ] || [ "$active" = deactivating ]; then action=stop; fi ;;
		*)
			if [ "$running" = 0 ]; then action=start; else action=${state%ed}; fi
			result_state=started
			;;
		esac
		if [ -n "$action" ]; then
			changed=1
			if [ "$check" = 0 ]; then
				sc "$action" "$name"
				[ "$rc" = 0 ] || fail "Unable to $action service $name: $err"
			fi
		fi
	elif is_chroot || [ "${SYSTEMD_OFFLINE:-}" = 1 ]; then
		warn "Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working."
	else
		keep=1
		fail "Service is in unknown state"
	fi
fi
finish ok ''
