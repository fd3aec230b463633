#!/usr/bin/env bats
# The i386 build (build-i386/, WebVM's architecture) inside an i386 Debian 12 tree
# (tools/i386-root), where namespaces and mounts are refused by the host's deny-ns filter: the
# preload backend, fakenet check, python3 and an i386 getifaddrs/ioctl program; then fakenet
# install into the tree, the fingerprinting pipelines in a chroot, and uninstall.
#
# On a kernel without IA32 emulation the i386 programs run under qemu-i386-static
# (tools/binfmt-i386); the filter then applies to qemu's own system calls, the ones the kernel sees.
# References: the identity's YAML (read with the host's python3-yaml), and the host build of the
# same probe program run in a network namespace built like the identity
# (tests/lib/netns-from-identity.py). The cached tree is never written: each run works on copies.

bats_require_minimum_version 1.5.0
load lib/common

IDENTITY="$TOP/identities/multi-nic.yaml"
TREE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

setup_file() {
	export I386="${FAKENET_I386_BUILD:-$TOP/build-i386}"
	# The host build: FAKENET_BUILD, unless that is the i386 build itself (make check-i386).
	local host="$BUILD"
	[ "$host" -ef "$I386" ] && host="$TOP/build"
	export HOST="$host"
	export TREE="${FAKENET_I386_ROOT:-/var/cache/fakenet/bookworm-i386}"
	export NS="fni386-$$"
	export WORK="$BATS_FILE_TMPDIR"
	export RUNROOT="$WORK/run"
	why_not >/dev/null && return 0
	netns_up "$IDENTITY" "$NS" || return 1
	new_root "$RUNROOT"
	put_build "$RUNROOT"
	mount -t proc proc "$RUNROOT/proc"
	mount -t sysfs sysfs "$RUNROOT/sys"
}

teardown_file() {
	[ -n "${WORK:-}" ] || return 0
	drop_root "$RUNROOT"
	drop_root "$WORK/image"
	netns_down "$NS"
}

# Why these tests cannot run here, if they cannot; silent and false when they can.
why_not() {
	have_root || { echo "needs root (chroot, mounts, namespaces)"; return 0; }
	[ -x "$I386/fakenet" ] || { echo "no i386 build at $I386: make i386-build"; return 0; }
	"$I386/fakenet-shim" --help >/dev/null 2>&1 || [ $? -lt 126 ] || {
		echo "this kernel cannot run i386 binaries and no binfmt entry runs them (tools/binfmt-i386 needs qemu-user-static)"
		return 0
	}
	[ -f "$TREE/.fakenet-root" ] || { echo "no i386 tree at $TREE: make i386-root"; return 0; }
	[ -x "$HOST/tests/preload/deny-ns" ] || { echo "no $HOST/tests/preload/deny-ns: make"; return 0; }
	have_yaml || { echo "python3-yaml is not installed (Debian package python3-yaml)"; return 0; }
	return 1
}

setup() {
	local why
	why=$(why_not) && skip "$why"
	true
}

# A copy of the cached tree at DIR (about 2 s): a plain directory, as an image build has it; an
# overlay would show its own directory sizes after a copy-up.
new_root() {
	mkdir -p "$1"
	cp -a "$TREE/." "$1"
}

drop_root() {
	local d=$1 m
	for m in sys proc; do
		! mountpoint -q "$d/$m" 2>/dev/null || umount "$d/$m"
	done
	rm -rf --one-file-system "$d"
}

# The i386 build where an image would have it (the README's WebVM recipe copies it to /opt/fakenet).
put_build() {
	local o="$1/opt/fakenet"
	mkdir -p "$o/shims" "$o/identities"
	cp "$I386/fakenet" "$I386/fakenet-shim" "$I386/libfakenet-preload.so" "$I386/tests/preload/ifprobe" "$o/"
	cp -P "$I386"/shims/* "$o/shims/"
	cp "$TOP"/identities/*.yaml "$o/identities/"
}

yaml() {
	identity_fact "$IDENTITY" "$1"
}

# COMMAND in the tree, with namespaces and mounts refused, under fakenet run --backend auto.
denied() {
	"$HOST/tests/preload/deny-ns" chroot "$RUNROOT" env -i PATH="$TREE_PATH" "$@"
}

fakenet_auto() {
	denied /opt/fakenet/fakenet run --backend auto --identity /opt/fakenet/identities/multi-nic.yaml -- "$@"
}

in_netns() {
	ip netns exec "$NS" "$@"
}

# SIOCGIFCONF's length counts struct ifreq, 40 bytes on x86_64 and 32 on i386: compare entries.
ifconf_entries() {
	awk -v size="$1" '/^SIOCGIFCONF needs [0-9]+ bytes$/ { $3 = $3 / size " x ifreq," } { print }'
}

@test "the i386 build and the tree are i386, and run here" {
	file -L "$I386/fakenet" "$I386/fakenet-shim" "$I386/libfakenet-preload.so" "$I386/tests/preload/ifprobe" >"$WORK/file"
	[ "$(grep -c 'ELF 32-bit LSB .*Intel 80386' "$WORK/file")" -eq 4 ]
	[ "$(chroot "$RUNROOT" dpkg --print-architecture)" = i386 ]
	file -L "$RUNROOT/usr/bin/python3" | grep -q 'ELF 32-bit LSB .*Intel 80386'
	run chroot "$RUNROOT" /usr/bin/python3 -c 'import struct; print(struct.calcsize("P"))'
	[ "$output" = 4 ]
}

@test "in the tree under the filter, unshare and mount are refused; without it they work" {
	run "$HOST/tests/preload/deny-ns" chroot "$RUNROOT" unshare -m --propagation unchanged true
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'Operation not permitted'
	chroot "$RUNROOT" unshare -m --propagation unchanged true
}

@test "run --backend auto falls back to preload, once and saying why" {
	run fakenet_auto sh -c 'cat /etc/hostname; ifconfig eth1 | grep -c "10\.1\.0\.5 "; command -v ifconfig'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'preload backend')" -eq 1 ]
	echo "$output" | grep -q 'using the preload backend (cannot create a mount namespace: Operation not permitted)'
	echo "$output" | grep -qx "$(yaml 'd["hostname"]')"
	echo "$output" | grep -qx 1
	# PATH stays the caller's: the shell finds the tree's own ifconfig, and the library sends it
	# to the shim (the identity's address above); the shims' directory is nowhere in sight.
	echo "$output" | grep -qx /usr/sbin/ifconfig
	! echo "$output" | grep -q /opt/fakenet/shims || false
	run denied /opt/fakenet/fakenet run --backend fuse -- true
	[ "$status" -eq 125 ]
}

@test "check --backend auto passes in the tree, the python3 probe included" {
	run denied /opt/fakenet/fakenet check --backend auto --identity /opt/fakenet/identities/multi-nic.yaml --format tap
	echo "$output" | grep -v '^ok'
	[ "$status" -eq 0 ]
	echo "$output" | grep '^ok .*python3 reads /sys/class/net/\*/address' | grep -vq SKIP
	echo "$output" | grep -q '^ok .*getent hosts db.internal'
	! echo "$output" | grep '^not ok' | grep -vq '# TODO' || false
	# The built-in default identity, with no --identity and none installed in the tree.
	run denied /opt/fakenet/fakenet check --backend auto --format tap
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "^ok .*/etc/hostname"
}

@test "python3 reads /sys/class/net/*/address as in the namespace" {
	script='import glob; [print(p, open(p).read().strip()) for p in sorted(glob.glob("/sys/class/net/*/address"))]'
	expected=$(in_netns "$PYTHON" -c "$script")
	actual=$(fakenet_auto /usr/bin/python3 -c "$script")
	echo "$expected" | grep -qx "/sys/class/net/eth2/address $(yaml 'd["interfaces"][2]["mac"]')"
	diff -u <(echo "$expected") <(echo "$actual")
}

@test "the i386 getifaddrs/ioctl program agrees with the host's in the namespace" {
	gw=$(yaml 'd["gateway"]["ip"]')
	args="eth0:$gw $gw eth0:10.9.9.9 nosuch0:$gw"
	# shellcheck disable=SC2086
	expected=$(in_netns "$HOST/tests/preload/ifprobe" $args | grep -v ETHTOOL_GPERMADDR | ifconf_entries 40)
	# shellcheck disable=SC2086
	actual=$(fakenet_auto /opt/fakenet/ifprobe $args | grep -v ETHTOOL_GPERMADDR | ifconf_entries 32)
	echo "$expected" | grep -q "SIOCGARP eth0:$gw: .*flags=0x2"
	echo "$expected" | grep -q '^SIOCGIFCONF needs [1-9][0-9]* x ifreq, bytes$'
	diff -u <(echo "$expected") <(echo "$actual")
	run fakenet_auto /opt/fakenet/ifprobe
	echo "$output" | grep -qx "eth0 ETHTOOL_GPERMADDR: size=6 $(yaml 'd["interfaces"][0]["mac"]')"
}

@test "install --root (i386): the pipelines in a chroot give the identity; uninstall restores every file" {
	root="$WORK/image"
	new_root "$root"
	listing() {
		(cd "$1" && find . -printf '%p %y %M %U:%G %s %T@ %l\n' | sort &&
			find . -type f -exec sha256sum {} + | sort -k2)
	}
	listing "$root" >"$WORK/before"
	run "$I386/fakenet" install --root "$root" --identity "$IDENTITY"
	[ "$status" -eq 0 ]
	cmp "$I386/libfakenet-preload.so" "$root/usr/local/lib/fakenet/libfakenet-preload.so"
	cmp "$I386/fakenet-shim" "$root/usr/local/sbin/fakenet-shim"
	[ -e "$root/usr/sbin/route.fakenet-orig" ]
	in_image() { chroot "$root" env -i /usr/local/bin/fakenet-launch sh -c "$1"; }
	gw=$(yaml 'd["gateway"]["ip"]')
	# The pipelines of reference/fingerprinting.md, each against the YAML or the namespace.
	[ "$(in_image "route -n | grep 'UG[ \t]'" | awk '$1 == "0.0.0.0" {print $2}')" = "$gw" ]
	diff -u <(yaml '"\n".join(sorted({d["gateway"]["ip"]} | {r["via"] for r in d["routes"]}))') \
		<(in_image "route -n | grep 'UG[ \t]' | awk '{print \$2}'" | sort -u)
	[ "$(in_image "arp -n | grep '^$gw '" | awk '{print $3}')" = "$(yaml 'd["gateway"]["mac"]')" ]
	diff -u <(yaml '"\n".join(sorted(a.split("/")[0] for i in d["interfaces"] if i["state"] == "up" for a in i["addresses"] if "." in a))') \
		<(in_image "ifconfig | grep -Eo 'inet (addr:)?([0-9]*\.){3}[0-9]*' | grep -Eo '([0-9]*\.){3}[0-9]*' | grep -v '127.0.0.1'" | sort)
	[ "$(in_image "ifconfig eth0 | awk '\$0 ~ /inet (addr:)?/ {print \$2}' | cut -d: -f2" | head -1)" = \
		"$(yaml 'd["interfaces"][0]["addresses"][0].split("/")[0]')" ]
	diff -u <(yaml '"\n".join(i["mac"].upper() for i in d["interfaces"] if i["state"] == "up")') \
		<(in_image "ifconfig | awk '\$0 ~ /HWaddr/ { print \$5 }'")
	[ "$(in_image "ethtool -P eth0 | cut -d' ' -f3")" = "$(yaml 'd["interfaces"][0]["mac"]')" ]
	[ "$(in_image "sudo netstat -rn | grep 'UG[ \t]' | awk '\$1 == \"0.0.0.0\" {print \$2}'")" = "$gw" ]
	[ "$(in_image 'curl ipinfo.io/ip -m 1')" = "$(yaml 'd["public_ip"]')" ]
	[ "$(in_image hostname)" = "$(yaml 'd["hostname"]')" ]
	# Dynamic programs of the image see /sys through ld.so.preload (the chroot has no /sys at all).
	diff -u <(in_netns sh -c 'cat /sys/class/net/*/address') <(in_image 'cat /sys/class/net/*/address')
	diff -u <(in_netns "$PYTHON" -c 'import glob; [print(open(p).read().strip()) for p in sorted(glob.glob("/sys/class/net/*/address"))]') \
		<(in_image "python3 -c 'import glob; [print(open(p).read().strip()) for p in sorted(glob.glob(\"/sys/class/net/*/address\"))]'")
	run "$I386/fakenet" uninstall --root "$root"
	[ "$status" -eq 0 ]
	listing "$root" >"$WORK/after"
	diff -u "$WORK/before" "$WORK/after"
	drop_root "$root"
}
