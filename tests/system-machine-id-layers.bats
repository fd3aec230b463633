#!/usr/bin/env bats
# How run adds the machine-id files on a host that lacks them (runner/run/layers.c): the file's
# directory, or the one that would hold it, becomes a read-only overlay with the staged file on
# top. The mounts that were below it (a container engine's bind under /etc, a volume or a tmpfs
# under /var/lib) stay as they were; the rest of the directory is read-only (EROFS), as
# fakenet(1) says; nothing is left behind; nothing higher than that directory is layered; and a
# directory --net host's preload library needs that cannot be layered ends the run (125), where
# one that only adds a file warns. Every expected mount is the kernel's mountinfo of the namespace
# the test builds, every error the kernel's own.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	require_fakenet_env
	require_root "the test's mount namespace"
	id=$BATS_TEST_TMPDIR/id.yaml
	cat >"$id" <<'EOF'
version: 1
hostname: layers-1
interfaces:
  - {name: eth0, mac: 02:42:ac:11:00:09, addresses: [172.17.0.9/16]}
system:
  machine_id: 0f1e2d3c4b5a69788796a5b4c3d2e1f0
EOF
	want_id=0f1e2d3c4b5a69788796a5b4c3d2e1f0
}

# The mounts the test puts below /etc and /var/lib, as mountinfo shows the one on top at each
# mount point: root, mount point, options, filesystem, source, superblock options (no ids, no
# propagation: the run's namespace is a private copy).
visible='awk '\''$5 ~ /^\/(etc|var\/lib)\/layers-/ { p = $5; o = $4 " " $5 " " $6; sub(/.* - /, ""); m[p] = o " - " $0 }
END { for (p in m) print m[p] }'\'' /proc/self/mountinfo | sort'

# How many entries mountinfo has for those mount points.
count='awk '\''$5 ~ /^\/(etc|var\/lib)\/layers-/'\'' /proc/self/mountinfo | wc -l'

# What a program finds in those mounts, and what writing into the layered directories gives.
look='cat /etc/layers-bind.conf /etc/layers-ro.d/f /var/lib/layers-tmpfs/f /var/lib/layers-tmpfs/nested/f
echo "from the run" >>/etc/layers-bind.conf
echo "from the run" >/var/lib/layers-tmpfs/nested/g
python3 -c "
import errno
for p in (\"/etc/passwd\", \"/etc/layers-new\", \"/var/lib/layers-new\", \"/etc/layers-ro.d/new\"):
    try:
        open(p, \"a\").close()
        print(p, \"written\")
    except OSError as e:
        print(p, errno.errorcode[e.errno])
"'

# with_submounts CMD...: in a namespace of without_machine_id, a bind of a file and a read-only
# bind of a directory below /etc, a tmpfs with a tmpfs inside it below /var/lib (the sources in
# $BATS_TEST_TMPDIR/src); then CMD.
with_submounts() {
	mkdir -p "$BATS_TEST_TMPDIR/src/dir"
	echo "a bound file" >"$BATS_TEST_TMPDIR/src/conf"
	echo "a bound directory" >"$BATS_TEST_TMPDIR/src/dir/f"
	without_machine_id sh -euc '
		s=$1
		shift
		touch /etc/layers-bind.conf
		mount --bind "$s/conf" /etc/layers-bind.conf
		mkdir /etc/layers-ro.d /var/lib/layers-tmpfs
		mount --bind "$s/dir" /etc/layers-ro.d
		mount -o remount,bind,ro /etc/layers-ro.d
		mount -t tmpfs -o size=1m,mode=0711 layers /var/lib/layers-tmpfs
		echo "a tmpfs file" >/var/lib/layers-tmpfs/f
		mkdir /var/lib/layers-tmpfs/nested
		mount -t tmpfs -o size=1m nested /var/lib/layers-tmpfs/nested
		echo "a nested tmpfs file" >/var/lib/layers-tmpfs/nested/f
		exec "$@"' sh "$BATS_TEST_TMPDIR/src" "$@"
}

@test "mounts below the layered /etc and /var/lib stay as they were inside the run; the rest is read-only; nothing left" {
	local how
	export VISIBLE=$visible
	for how in "--net host" "--net isolated"; do
		rm -rf "$BATS_TEST_TMPDIR/hide" "$BATS_TEST_TMPDIR/out"
		mkdir -p "$BATS_TEST_TMPDIR/out"
		# shellcheck disable=SC2086
		run with_submounts sh -c '
			o=$1 h=$2
			shift 2
			sh -c "$VISIBLE" >"$o/before"
			grep -v " /run/netns/" /proc/self/mountinfo >"$o/mountinfo-before"
			find "$h" | sort >"$o/files-before"
			"$@" >"$o/inside" 2>"$o/stderr"
			echo "status $?" >>"$o/inside"
			sh -c "$VISIBLE" >"$o/after"
			grep -v " /run/netns/" /proc/self/mountinfo >"$o/mountinfo-after"
			find "$h" | sort >"$o/files-after"
			ls /var/lib/layers-tmpfs/nested >"$o/tmpfs-after"' \
			sh "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/hide" "$FAKENET" run --identity "$id" $how --shims none -- \
			sh -c "cat /etc/machine-id /var/lib/dbus/machine-id; $visible; $look; $count"
		echo "# $how: $output"
		[ "$status" -eq 0 ]
		local o=$BATS_TEST_TMPDIR/out
		cat "$o/inside" "$o/stderr"
		[ ! -s "$o/stderr" ]
		[ "$(sed -n 1p "$o/inside")" = "$want_id" ]
		[ "$(sed -n 2p "$o/inside")" = "$want_id" ]
		# Four mounts, each seen inside exactly as the kernel showed it before the run.
		[ "$(grep -c . "$o/before")" -eq 4 ]
		diff "$o/before" <(sed -n '3,6p' "$o/inside")
		diff <(printf '%s\n' "a bound file" "a bound directory" "a tmpfs file" \
			"a nested tmpfs file") <(sed -n '7,10p' "$o/inside")
		# The layered directories are read-only; the read-only bind stays read-only.
		diff <(printf '%s EROFS\n' /etc/passwd /etc/layers-new /var/lib/layers-new \
			/etc/layers-ro.d/new) <(sed -n '11,14p' "$o/inside")
		# Each once, as before: no second entry of what the overlay now hides.
		[ "$(sed -n 15p "$o/inside")" = 4 ]
		[ "$(sed -n 16p "$o/inside")" = "status 0" ]
		# The writes inside went to the mounts themselves, not to copies.
		[ "$(tail -n 1 "$BATS_TEST_TMPDIR/src/conf")" = "from the run" ]
		[ "$(cat "$o/tmpfs-after")" = "$(printf 'f\ng')" ]
		# Nothing left: the namespace's mounts (but other tests' network namespaces) as before,
		# and nothing written in /etc or /var/lib (their upper layers as before).
		diff "$o/before" "$o/after"
		diff "$o/mountinfo-before" "$o/mountinfo-after"
		diff "$o/files-before" "$o/files-after"
		sed -i '$d' "$BATS_TEST_TMPDIR/src/conf"
	done
}

@test "a host without /var/lib: /etc/machine-id is added, /var is not layered and stays writable, both backends" {
	local o=$BATS_TEST_TMPDIR/out how
	mkdir -p "$o"
	for how in "--net isolated" "--backend preload"; do
		rm -rf "$BATS_TEST_TMPDIR/hide"
		# shellcheck disable=SC2086
		run without_machine_id sh -c '
			o=$1
			shift
			mount -t tmpfs -o size=1m,mode=0755 bare /var
			mkdir /var/tmp
			awk '\''$5 == "/var"'\'' /proc/self/mountinfo | tail -n 1 | cut -d" " -f4- >"$o/var-before"
			ls -a /var >"$o/ls-before"
			"$@"
			echo "status $?"
			ls /var/tmp' sh "$o" "$FAKENET" run --identity "$id" $how --shims none -- sh -c '
			cat /etc/machine-id
			[ -e /var/lib ] || [ -e /var/lib/dbus ] || [ -e /var/lib/dbus/machine-id ] ||
				echo "no /var/lib"
			awk '\''$5 == "/var"'\'' /proc/self/mountinfo | tail -n 1 | cut -d" " -f4-
			echo written >/var/tmp/from-run && echo "/var/tmp written"
			ls -a /var'
		echo "# $how: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "$want_id" ]
		[ "${lines[1]}" = "no /var/lib" ]
		[ "${lines[2]}" = "$(cat "$o/var-before")" ]
		[ "${lines[3]}" = "/var/tmp written" ]
		diff "$o/ls-before" <(printf '%s\n' "${lines[@]:4:3}")
		[ "${lines[7]}" = "status 0" ]
		[ "${lines[8]}" = "from-run" ]
	done
}

# stacked CMD...: in a namespace of without_machine_id whose /etc is an overlay of that overlay,
# so that one more overlay of /etc passes the kernel's stacking depth; the errno the kernel gives
# such a mount, in $BATS_TEST_TMPDIR/stack/errno, as strerror says it. Then CMD.
stacked() {
	local s=$BATS_TEST_TMPDIR/stack
	mkdir -p "$s/up" "$s/work" "$s/top" "$s/on"
	without_machine_id sh -euc '
		s=$1
		shift
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$s/up,workdir=$s/work" /etc
		python3 -c "
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
opts = (\"lowerdir=%s/top:/etc\" % sys.argv[1]).encode()
r = libc.mount(b\"overlay\", (sys.argv[1] + \"/on\").encode(), b\"overlay\", 1, opts)
print(os.strerror(ctypes.get_errno()) if r else \"mounted\")" "$s" >"$s/errno"
		exec "$@"' sh "$s" "$@"
}

@test "--net host on a host whose /etc cannot be layered: the run fails (125) naming /etc and the errno; nothing ran, nothing left" {
	local s=$BATS_TEST_TMPDIR/stack
	run --separate-stderr stacked sh -c '
		m=$(grep -v " /run/netns/" /proc/self/mountinfo)
		"$@"
		status=$?
		[ "$m" = "$(grep -v " /run/netns/" /proc/self/mountinfo)" ] && echo "mounts as before"
		exit $status' sh "$FAKENET" run --identity "$id" --net host --shims none -- \
		touch "$BATS_TEST_TMPDIR/ran"
	echo "# $stderr"
	[ "$status" -eq 125 ]
	[ "$(cat "$s/errno")" != mounted ]
	[ "$stderr" = "fakenet: cannot overlay /etc: $(cat "$s/errno") (--net host needs it to preload the library; --net nat and isolated do not)" ]
	[ "$output" = "mounts as before" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "a host whose /etc cannot be layered, without --net host: the run goes on, says what it does not show" {
	local s=$BATS_TEST_TMPDIR/stack
	run --separate-stderr stacked "$FAKENET" run --identity "$id" --net isolated --shims none -- \
		cat /var/lib/dbus/machine-id
	echo "# $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$want_id" ]
	[ "$(cat "$s/errno")" != mounted ]
	[[ "$stderr" == *"fakenet: warning: cannot overlay /etc ($(cat "$s/errno")); what the view adds there is not shown"* ]]
	[[ "$stderr" == *"warning: /etc/machine-id does not exist; its view is not shown"* ]]
}

# deep_mount DIR: a tmpfs below DIR at a path longer than PATH_MAX (made from inside, by relative
# names), which no call taking a path can name; prints what the kernel says to an open of it.
deep_mount='python3 -c "
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
for i in range(22):
    os.mkdir(\"deep%02d\" % i + \"x\" * 200)
    os.chdir(\"deep%02d\" % i + \"x\" * 200)
if libc.mount(b\"deep\", b\".\", b\"tmpfs\", 0, b\"size=1m\"):
    sys.exit(\"mount: \" + os.strerror(ctypes.get_errno()))
os.chdir(\"..\")
os.chdir(\"deep21\" + \"x\" * 200)
open(\"f\", \"w\").write(\"deep\")
try:
    os.open(os.getcwd(), os.O_RDONLY)
    print(\"opened\")
except OSError as e:
    print(e.strerror)
" "$1"'

@test "a mount below the directory that cannot be carried over: the directory is not layered (a warning), or under --net host the run fails; the mount stays" {
	local o=$BATS_TEST_TMPDIR/out
	mkdir -p "$o"
	run --separate-stderr without_machine_id sh -c "set -- \"\$@\"; (set -- /var/lib; $deep_mount) >$o/errno"' && "$@" && find /var/lib/deep00* -name f -path "*deep21*" -execdir cat {} \;' \
		sh "$FAKENET" run --identity "$id" --net isolated --shims none -- sh -c \
		'cat /etc/machine-id; find /var/lib/deep00* -name f -path "*deep21*" -execdir cat {} \;; echo; [ -e /var/lib/dbus ] || echo "no /var/lib/dbus"'
	echo "# $output"
	echo "# $stderr"
	[ "$status" -eq 0 ]
	[ "$(cat "$o/errno")" != opened ]
	[ "${lines[0]}" = "$want_id" ]
	[ "${lines[1]}" = deep ]
	[ "${lines[2]}" = "no /var/lib/dbus" ]
	[ "${lines[3]}" = deep ]
	[[ "$stderr" == "fakenet: warning: cannot overlay /var/lib: cloning the mount on /var/lib/deep00x"*" ($(cat "$o/errno")); what the view adds there is not shown"* ]]
	rm -rf "$BATS_TEST_TMPDIR/hide"
	run --separate-stderr without_machine_id sh -c "set -- \"\$@\"; (set -- /etc; $deep_mount) >$o/errno"' && m=$(grep -v " /run/netns/" /proc/self/mountinfo) && { "$@"; s=$?; [ "$m" = "$(grep -v " /run/netns/" /proc/self/mountinfo)" ] && echo "mounts as before"; exit $s; }' \
		sh "$FAKENET" run --identity "$id" --net host --shims none -- touch "$BATS_TEST_TMPDIR/ran"
	echo "# $stderr"
	[ "$status" -eq 125 ]
	[ "$output" = "mounts as before" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	[[ "$stderr" == "fakenet: cannot overlay /etc: cloning the mount on /etc/deep00x"*": $(cat "$o/errno") (--net host needs it to preload the library; --net nat and isolated do not)" ]]
}
