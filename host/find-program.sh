#!/bin/sh
# find-program.sh — where the reboot module's program is (src/modules/reboot.ts sends it
# with `sh -c "$(cat find-program.sh)" tpx-find NAME DIR...`): the first DIR holding NAME as
# a file of any kind (a dangling link too), as Ansible's find with file_type any looks, not
# descending. Prints DIR/NAME, or nothing when no DIR has it; exits 0 either way.
set -u
name=$1
shift
for dir in "$@"; do
	if [ -e "$dir/$name" ] || [ -L "$dir/$name" ]; then
		printf '%s\n' "$dir/$name"
		exit 0
	fi
done
exit 0
