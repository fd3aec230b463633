#!/usr/bin/env bats
# `fakenet run --net host` (the FUSE backend) loads the preload library into dynamic targets, so
# what asks the kernel (getifaddrs, if_nameindex, the SIOCGIF* and SIOCETHTOOL ioctls, the UDP
# "connect and getsockname" idiom, uname) answers with the identity too, and nothing the target
# can read names fakenet. Expected values come from the real kernel: a namespace built from the
# same identity by tests/lib/netns-from-identity.py, asked by the same real programs (a dynamic C
# program, python's socket and uuid modules, psutil). fakenet runs inside a namespace the test
# creates ("edge"), whose only link leads to a second test namespace, so the UDP idiom has a
# route and nothing leaves the test's namespaces.

bats_require_minimum_version 1.5.0

load lib/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	cc -O1 -o "$BATS_FILE_TMPDIR/ifprobe" "$BATS_TEST_DIRNAME/lib/ifprobe.c"
}

setup() {
	require_fakenet_env
	require_command ip iproute2
	! ip -4 addr | grep -q 'inet 198\.18\.' || skip "this host uses 198.18.0.0/15 itself"
	edge="fnh-edge-$$"
	inet="fnh-inet-$$"
	ref="fnh-ref-$$"
	new_tmpdir tmp
	make_edge_and_inet "$edge" "$inet" 198.18.67
	at_teardown netns_down "$ref"
}

# Every dynamic program that asks the kernel, run the same way in the reference namespace and
# under `fakenet run --net host`. A veth has no permanent address (ETHTOOL_GPERMADDR answers
# zeros), a real NIC has one: that line is not compared.
probes() {
	cat <<SCRIPT
echo '## ifprobe'; $BATS_FILE_TMPDIR/ifprobe 192.0.2.1 198.18.67.2 | grep -v '^permaddr'
echo '## python'; $PYTHON -c 'import socket, uuid; print(socket.if_nameindex()); print("%012x" % uuid.getnode())
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("192.0.2.1", 9)); print(s.getsockname()[0])'
echo '## psutil'; $PYTHON -c 'import psutil, socket
for name, addrs in sorted(psutil.net_if_addrs().items()):
    print(name, sorted((a.family, a.address, a.netmask) for a in addrs if a.family in (socket.AF_INET, psutil.AF_LINK)))'
SCRIPT
}

parity() {
	local identity=$1
	require_python_module psutil python3-psutil
	netns_up "$identity" "$ref"
	ip netns exec "$ref" sh -c "$(probes)" >"$tmp/want" 2>&1
	# The reference namespace's host name is this machine's: uname's comes from the identity.
	sed -i "s/^nodename .*/nodename $(identity_fact "$identity" 'y["hostname"]')/" "$tmp/want"
	ip netns exec "$edge" "$FAKENET" run --net host --identity "$identity" --shims none -- \
		sh -c "$(probes)" >"$tmp/got" 2>&1
	diff -u "$tmp/want" "$tmp/got"
	no_host_facts "$edge" "$tmp/got"
}

@test "host: getifaddrs, ioctls, if_nameindex, the UDP source, uname, uuid and psutil agree with a kernel built like docker.yaml, nothing of the host" {
	parity "$TOP/identities/docker.yaml"
}

@test "host: the same for multi-nic.yaml" {
	parity "$TOP/identities/multi-nic.yaml"
}

@test "host: the same for desktop.yaml" {
	parity "$TOP/identities/desktop.yaml"
}

@test "host: nothing a dynamic target reads names fakenet: environment, maps and the mapped files, mountinfo, pid 1, the preload list" {
	# A clean environment, but for a sanitizer build's options (make check-asan), which name no
	# fakenet and without which its dynamic runner refuses the library ahead of the ASan runtime.
	local keep=(PATH=/usr/bin:/bin HOME=/root ${ASAN_OPTIONS:+"ASAN_OPTIONS=$ASAN_OPTIONS"})
	# From /: the checkout's own directory (PWD) may well be named fakenet.
	cd /
	run -0 env -i "${keep[@]}" "$FAKENET" run --net host --shims none -- sh -c '
		tr "\0" "\n" </proc/self/environ; env'
	! grep -q 'LD_PRELOAD\|FAKENET\|fake[n]et' <<<"$output" || false
	run -0 env -i "${keep[@]}" "$FAKENET" run --net host --shims none -- sh -c '
		cat /proc/self/maps
		awk "\$6 ~ /^\// { print \$6 }" /proc/self/maps | sort -u | xargs cat | tr -c "[:print:]" "\n"
		cat /etc/ld.so.preload; tr "\0" " " </proc/1/cmdline
		ls -l /proc/self/fd/ /proc/self/exe'
	# The library is there, under a name of its own, and the target's maps show it.
	[[ "$output" == *"/usr/local/lib/libsysinfo.so.1"* ]]
	! grep -qi 'fake[n]et' <<<"$output" || false
	# Where each mount comes from (root, type, source), not the host's mount points,
	# which are the host's business.
	run -0 "$FAKENET" run --net host --shims none -- \
		awk '{ r = $4; sub(/.* - /, ""); print r, $1, $2 }' /proc/self/mountinfo
	! grep -qi 'fake[n]et' <<<"$output" || false
}

@test "host: a dynamic target maps what it maps without fakenet and the library, no more, before and after it asks for the identity" {
	# The library's parsers (libyaml, libpcre2) are mapped only while it loads the identity:
	# other libraries in a target's maps would be a tell and a cost in every process.
	local probe='import socket, sys
names = socket.if_nameindex() if sys.argv[1] == "ask" else []
print(names)
print("\n".join(sorted({f.split()[5] for f in open("/proc/self/maps") if f.count(" ") >= 5 and "/" in f})))'
	local mode want
	for mode in start ask; do
		want=$($PYTHON -c "$probe" "$mode" | tail -n +2)
		run -0 "$FAKENET" run --net host --shims none -- $PYTHON -c "$probe" "$mode"
		[ "$(tail -n +2 <<<"$output" | grep -vx /usr/local/lib/libsysinfo.so.1)" = "$want" ]
		grep -qx /usr/local/lib/libsysinfo.so.1 <<<"$output"
	done
	# The identity was loaded and answered: its interfaces, not this machine's.
	[ "${lines[0]}" = "[(1, 'lo'), (2, 'eth0')]" ]
	[ "${lines[0]}" != "$($PYTHON -c 'import socket; print(socket.if_nameindex())')" ]
}

@test "host: the overlays of /etc and /usr/local/lib keep the real directories' entries, owner and mode, and vanish with the run" {
	# What the view adds: the preload list, and the machine id where the host has none.
	before=$(ls -A /etc | grep -vx machine-id | sort | md5sum)
	run -0 "$FAKENET" run --net host --shims none -- sh -c '
		ls -A /etc | grep -vx -e ld.so.preload -e machine-id | sort | md5sum
		stat -c "%u %g %a %Y" /etc /usr/local/lib'
	[ "${lines[0]}" = "$before" ]
	[ "${lines[1]}" = "$(stat -c '%u %g %a %Y' /etc /usr/local/lib | head -n 1)" ]
	[ "${lines[2]}" = "$(stat -c '%u %g %a %Y' /usr/local/lib)" ]
	[ ! -e /etc/ld.so.preload ] || ! grep -q libsysinfo /etc/ld.so.preload
	[ ! -e /usr/local/lib/libsysinfo.so.1 ]
}

@test "host: a target that gives up root loads the library too: the list and the library are readable by all" {
	run -0 "$FAKENET" run --net host --shims none -- sh -c '
		stat -c "%a %U" /etc/ld.so.preload /usr/local/lib/libsysinfo.so.1
		setpriv --reuid=65534 --regid=65534 --clear-groups cat /proc/self/maps'
	[ "${lines[0]}" = "644 root" ]
	[ "${lines[1]}" = "644 root" ]
	grep -q ' /usr/local/lib/libsysinfo.so.1$' <<<"$output"
	! grep -q 'cannot be preloaded' <<<"$output" || false
}

@test "host: without the library next to fakenet, the run goes on, says so once, and dynamic programs see the kernel's answers" {
	mkdir "$tmp/bin"
	cp "$FAKENET" "$tmp/bin/fakenet"
	run -0 --separate-stderr "$tmp/bin/fakenet" run --net host --shims none -- \
		$PYTHON -c 'import socket; print(socket.if_nameindex())'
	[ "$output" = "$($PYTHON -c 'import socket; print(socket.if_nameindex())')" ]
	[ "$(grep -c 'preload library was not found' <<<"$stderr")" -eq 1 ]
}

@test "host: the UDP source idiom to a loopback address and an unconnected socket keep the kernel's answer" {
	run -0 "$FAKENET" run --net host --shims none -- $PYTHON -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("127.0.0.1", 9)); print(s.getsockname()[0])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 0)); print(u.getsockname()[0])'
	[ "${lines[0]}" = 127.0.0.1 ]
	[ "${lines[1]}" = 0.0.0.0 ]
}
