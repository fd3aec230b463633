#!/usr/bin/env bats
# `fakenet run` as a process supervisor: exit codes, signal forwarding, daemonizing targets, the
# runner's death, the locked view, and the failures it must explain (no /dev/fuse, no namespaces).

bats_require_minimum_version 1.5.0

load lib/common

setup() {
	require_fakenet_env
	new_tmpdir tmp
	marker="fakenet-lifecycle-$$-$RANDOM"
	at_teardown pkill -KILL -f "$marker"
	new_nap
}

@test "exit status of the target: 0, 1 and 3" {
	run "$FAKENET" run -- true
	[ "$status" -eq 0 ]
	run "$FAKENET" run -- false
	[ "$status" -eq 1 ]
	run "$FAKENET" run -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "a target killed by signal N gives 128+N" {
	run "$FAKENET" run -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run "$FAKENET" run -- sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
}

@test "a file that is not executable gives 126 and one message" {
	printf 'echo hi\n' >"$tmp/notexec"
	run --separate-stderr "$FAKENET" run -- "$tmp/notexec"
	[ "$status" -eq 126 ]
	[ "$stderr" = "fakenet: $tmp/notexec: Permission denied" ]
}

@test "a missing command gives 127 and one message" {
	run -127 --separate-stderr "$FAKENET" run -- no-such-command-$marker
	[ "$status" -eq 127 ]
	[ "$stderr" = "fakenet: no-such-command-$marker: No such file or directory" ]
}

@test "SIGTERM sent to the runner reaches the target" {
	"$FAKENET" run -- sh -c "trap 'exit 42' TERM; echo ready >$tmp/ready; while :; do sleep 0.1; done" &
	pid=$!
	for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.05; done
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 42 ]
}

@test "the runner waits for a target's background processes" {
	run "$FAKENET" run -- sh -c "(sleep 1; cat /proc/net/route >$tmp/out) & exit 0"
	[ "$status" -eq 0 ]
	# The content is the identity's, not the host's: the default route via 172.18.0.1.
	grep -q '^eth0	00000000	010012AC' "$tmp/out"
}

@test "SIGKILL of the runner leaves no process, mount or file behind" {
	ls -A /tmp >"$tmp/tmp-before"
	self_before=$(grep -c . /proc/self/mountinfo)
	init_before=$(grep -c . /proc/1/mountinfo)
	"$FAKENET" run -- sleep "$nap" &
	pid=$!
	for _ in $(seq 100); do pgrep -f "^sleep $nap" >/dev/null && break; sleep 0.05; done
	pgrep -f "^sleep $nap" >/dev/null
	kill -KILL "$pid"
	wait "$pid" || true
	for _ in $(seq 40); do pgrep -f "$nap" >/dev/null || break; sleep 0.05; done
	run pgrep -f "$nap"
	[ "$status" -eq 1 ]
	! grep -q ' - fuse[ .]' /proc/self/mountinfo || false
	! grep -q ' - fuse[ .]' /proc/1/mountinfo || false
	[ "$(grep -c . /proc/self/mountinfo)" -eq "$self_before" ]
	[ "$(grep -c . /proc/1/mountinfo)" -eq "$init_before" ]
	# Nothing new in /tmp (others may remove their own files meanwhile).
	ls -A /tmp | sort >"$tmp/tmp-after"
	sort "$tmp/tmp-before" | comm -13 - "$tmp/tmp-after" >"$tmp/tmp-new"
	[ ! -s "$tmp/tmp-new" ] || { cat "$tmp/tmp-new"; false; }
}

@test "a root target cannot undo or cover the view" {
	run "$FAKENET" run --shims none -- sh -c '
		umount /proc/net && echo "umount /proc/net worked"
		umount /etc/hosts && echo "umount /etc/hosts worked"
		umount -l /sys/class/net && echo "umount -l /sys/class/net worked"
		mount -t tmpfs none /etc && echo "mount over /etc worked"
		echo x 2>/dev/null >/etc/hosts && echo "write to /etc/hosts worked"
		head -1 /proc/net/route | cut -f1
		grep -c "^127.0.0.1	ispt.ahnlab.com$" /etc/hosts
		cat /sys/class/net/eth0/address
		hostname'
	[ "$status" -eq 0 ]
	[[ "$output" != *worked* ]]
	[[ "$output" == *$'Iface\n1\n02:42:ac:12:00:02\n3f2a9c1b7d4e' ]]
}

# FUSE answers a write to /proc/net and sysfs the way procfs and sysfs do (EACCES); the /etc files
# are read-only mounts (EROFS).
@test "writing to a served file fails: EACCES like procfs and sysfs, EROFS for /etc" {
	script='
import os
for p in ("/proc/net/route", "/sys/class/net/eth0/address", "/etc/hosts"):
    try:
        os.close(os.open(p, os.O_WRONLY)); print(p, "ok")
    except OSError as e:
        print(p, e.strerror)'
	run "$FAKENET" run --net host -- "$PYTHON" -c "$script"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/proc/net/route Permission denied"* ]]
	[[ "$output" == *"/sys/class/net/eth0/address Permission denied"* ]]
	[[ "$output" == *"/etc/hosts Read-only file system"* ]]
	run "$FAKENET" run --net host --log "$BATS_TEST_TMPDIR/log" -- "$PYTHON" -c "$script"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/proc/net/route Permission denied"* ]]
}

@test "nothing of the view leaks to the host while a target runs" {
	host_route=$(cat /proc/net/route)
	"$FAKENET" run -- sleep "$nap" &
	pid=$!
	for _ in $(seq 100); do pgrep -f "^sleep $nap" >/dev/null && break; sleep 0.05; done
	! grep -q ' - fuse[ .]' /proc/self/mountinfo || false
	[ "$(cat /proc/net/route)" = "$host_route" ]
	kill -TERM "$pid"
	wait "$pid" || true
}

@test "no /dev/fuse access (an unprivileged user): a message naming the fix, 125" {
	require_command setpriv util-linux
	cp "$FAKENET" "$tmp/fakenet"
	chmod 755 "$tmp" "$tmp/fakenet"
	# The test makes the condition itself, whatever this host's /dev/fuse allows (udev makes it
	# 0666): in a mount namespace of its own, /dev/fuse is a node only root may open.
	mknod -m 0600 "$tmp/fuse" c 10 229
	run --separate-stderr unshare -m --propagation private sh -c \
		'mount --bind "$1/fuse" /dev/fuse && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$1/fakenet" run --backend fuse --shims none -- true' \
		sh "$tmp"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"/dev/fuse"*"--device /dev/fuse --cap-add SYS_ADMIN"* ]]
}

@test "root without CAP_SYS_ADMIN falls back to a user namespace of its own" {
	require_command setpriv util-linux
	# In a user namespace the runner cannot rejoin its original pid namespace after creating the
	# target's, and LeakSanitizer needs to fork at exit: no leak check for this one run.
	ASAN_OPTIONS=detect_leaks=0 run setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin \
		"$FAKENET" run --shims none -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "3f2a9c1b7d4e" ]
}

@test "no CAP_SYS_ADMIN and no user namespaces: --backend fuse names the fix, 125; plain run falls back" {
	require_command setpriv util-linux
	# user.max_user_namespaces is per user namespace: set to 0 inside a throwaway one.
	run --separate-stderr unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
		exec setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin "$0" run --backend fuse --shims none -- true' "$FAKENET"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"cannot create a mount namespace"*"CAP_SYS_ADMIN"* ]]
	# The default (auto) says once why, and the identity's host name is there all the same.
	run --separate-stderr unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
		exec setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin "$0" run -- cat /etc/hostname' "$FAKENET"
	[ "$status" -eq 0 ]
	[ "$output" = "3f2a9c1b7d4e" ]
	# One line; the kernel's errno for an exhausted user namespace count is ENOSPC.
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "fakenet: using the preload backend (cannot create a mount namespace: "*")" ]]
}
