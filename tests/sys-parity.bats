#!/usr/bin/env bats
# /sys/class/net as fakenet serves it, compared file by file with the kernel's own sysfs in a real
# network namespace built like the identity (tests/lib/netns-from-identity.py; `ip netns exec`
# mounts a fresh sysfs for that namespace). Compared for lo and every veth: the entries (names,
# types, link targets), modes, st_size, and contents or the read error.
#
# Not compared, because the kernel makes them volatile: the values under statistics/ (lo and the
# veths count their own IPv6 and ARP traffic; names, modes and readability are still compared),
# and iflink when the identity sets peer_ifindex (the namespace script makes every peer's index
# equal to the interface's own, so iflink == ifindex there). carrier_changes/_up_count/_down_count
# ARE compared: a veth created, its peer brought up and then itself brought up shows 2/1/1, one
# left down 1/0/1, lo 0/0/0, every time.
#
# Ethernet and wireless interfaces are veths in the namespace, so the kernel has no PCI NIC to
# compare with there: their shape (entry names, modes, which reads fail, the device link's form and
# the subsystem link's depth) is compared with the capture of a real PCI NIC instead
# (tests/reference/sysfs/pci-nic.txt).

load lib/common

setup() {
	require_root "network namespaces"
	require_build "$FAKENET"
	require_yaml
	NS="fnsys$$"
	DUMP="$BATS_TEST_TMPDIR/dump.sh"
	write_dump_script "$DUMP"
}

teardown() {
	[ -z "${NS:-}" ] || netns_down "$NS"
	common_teardown
}

# One line per entry under /sys/class/net/IF, sorted: "PATH D MODE", "PATH L TARGET",
# "PATH F MODE SIZE CONTENT" (newlines shown as ~) or "PATH F MODE SIZE ERR strerror".
write_dump_script() {
	cat >"$1" <<'EOF'
ifc=$1
echo "LINK $(readlink "/sys/class/net/$ifc")"
echo "REAL $(readlink -f "/sys/class/net/$ifc")"
cd "/sys/class/net/$ifc" || exit 1
find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
	if [ -L "$p" ]; then
		echo "$p L $(readlink "$p")"
	elif [ -d "$p" ]; then
		echo "$p D $(stat -c %a "$p")"
	elif err=$(cat -- "$p" 2>&1 >/dev/null); then
		echo "$p F $(stat -c '%a %s' "$p") $(tr '\n' '~' <"$p")"
	else
		echo "$p F $(stat -c '%a %s' "$p") ERR ${err##*: }"
	fi
done
EOF
}

# The identity's interfaces as "NAME KIND" lines (kind defaults to veth).
identity_ifaces() {
	"$PYTHON" -c '
import sys, yaml
for i in yaml.safe_load(open(sys.argv[1])).get("interfaces") or []:
    print(i["name"], i.get("kind", "veth"))' "$1"
}

mask_volatile() {
	local identity=$1
	if grep -q peer_ifindex "$identity"; then
		sed -E -e 's#^(\./statistics/[^ ]+ F [0-7]+ [0-9]+) .*#\1 *#' \
			-e 's#^(\./iflink F [0-7]+ [0-9]+) .*#\1 *#'
	else
		sed -E 's#^(\./statistics/[^ ]+ F [0-7]+ [0-9]+) .*#\1 *#'
	fi
}

fake_dump() {
	# The FUSE view itself: in a kernel mode a PCI NIC's speed, duplex and statistics are links
	# to the kernel's veth, whose counters every other view shows then (fakenet(1)).
	"$FAKENET" run --net host --identity "$1" -- sh "$DUMP" "$2"
}

kernel_dump() {
	ip netns exec "$NS" sh "$DUMP" "$1"
}

# Compares lo and every veth of one shipped identity with the kernel.
compare_identity() {
	local identity="$TOP/identities/$1" names=lo name kind failed=0

	netns_up "$identity" "$NS"
	while read -r name kind; do
		[ "$kind" = veth ] && names="$names $name"
	done < <(identity_ifaces "$identity")
	for name in $names; do
		kernel_dump "$name" | mask_volatile "$identity" >"$BATS_TEST_TMPDIR/kernel-$name"
		fake_dump "$identity" "$name" | mask_volatile "$identity" >"$BATS_TEST_TMPDIR/fake-$name"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/kernel-$name")" -gt 60 ] || {
			echo "kernel dump of $name is too short"
			failed=1
		}
		if ! diff -u "$BATS_TEST_TMPDIR/kernel-$name" "$BATS_TEST_TMPDIR/fake-$name"; then
			echo "^^^ $1: /sys/class/net/$name differs (- kernel, + fakenet)"
			failed=1
		fi
	done
	return "$failed"
}

@test "docker.yaml: /sys/class/net/{lo,eth0} match the kernel's sysfs" {
	compare_identity docker.yaml
}

@test "multi-nic.yaml: lo and four veths (one down) match the kernel's sysfs" {
	compare_identity multi-nic.yaml
}

@test "desktop.yaml: lo matches the kernel's sysfs" {
	compare_identity desktop.yaml
}

@test "/sys/class/net lists the identity's interfaces with the kernel's link targets" {
	local identity="$TOP/identities/multi-nic.yaml" list='
for f in /sys/class/net/*; do echo "${f##*/} $(readlink "$f")"; done'

	netns_up "$identity" "$NS"
	ip netns exec "$NS" sh -c "$list" >"$BATS_TEST_TMPDIR/kernel"
	"$FAKENET" run --identity "$identity" -- sh -c "$list" >"$BATS_TEST_TMPDIR/fake"
	diff -u "$BATS_TEST_TMPDIR/kernel" "$BATS_TEST_TMPDIR/fake"
}

# "NAME MODE ok" or "NAME MODE ERR strerror" for files and links, from the capture's table.
capture_shape() {
	awk -F '\t' '
		/^#/ { next }
		$1 == "phys_port_name" { next }   # virtio_net has the ndo; e1000e has not, so no file
		{
			mode = substr($2, 2, 3)
			if ($3 ~ /^-> /) { print $1, mode, "link"; next }
			status = $3 == "user:ok" ? "ok" : "ERR " $4
			sub(/^ERR <read error: /, "ERR ", status); sub(/>$/, "", status)
			print $1, mode, status
		}' "$1" | LC_ALL=C sort
}

fake_shape() {
	awk '
		$2 == "L" { print substr($1, 3), 777, "link"; next }
		$2 == "F" { status = $5 == "ERR" ? "ERR" : "ok"
			    if ($5 == "ERR") for (i = 6; i <= NF; i++) status = status " " $i
			    print substr($1, 3), $3, status }' "$1" | LC_ALL=C sort
}

@test "desktop.yaml: a PCI NIC has the shape of a captured PCI NIC's sysfs" {
	local capture="$TOP/tests/reference/sysfs/pci-nic.txt"
	local identity="$TOP/identities/desktop.yaml" real depth ups

	fake_dump "$identity" eth0 >"$BATS_TEST_TMPDIR/fake"
	capture_shape "$capture" >"$BATS_TEST_TMPDIR/capture-shape"
	fake_shape "$BATS_TEST_TMPDIR/fake" >"$BATS_TEST_TMPDIR/fake-shape"
	diff -u "$BATS_TEST_TMPDIR/capture-shape" "$BATS_TEST_TMPDIR/fake-shape"

	# device -> ../../../<the PCI function's directory name>, one level above net/.
	real=$(sed -n 's/^REAL //p' "$BATS_TEST_TMPDIR/fake")
	grep -qx "\./device L \.\./\.\./\.\./$(basename "$(dirname "$(dirname "$real")")")" \
		"$BATS_TEST_TMPDIR/fake"
	grep -q '^# readlink .* -> \.\./\.\./devices/pci' "$capture"
	grep -q '^device	\[777 lrwxrwxrwx\]	-> \.\./\.\./\.\./[^/]*$' "$capture"
	# subsystem climbs exactly as many levels as the device sits below /sys, as in the capture.
	depth=$(echo "${real#/sys/}" | awk -F/ '{ print NF }')
	grep -qx "\./subsystem L $(printf '../%.0s' $(seq "$depth"))class/net" "$BATS_TEST_TMPDIR/fake"
	real=$(sed -n 's/^# realpath: //p' "$capture")
	ups=$(sed -n 's/^subsystem\t.*-> //p' "$capture" | grep -o '\.\./' | wc -l)
	[ "$ups" -eq "$(echo "${real#/sys/}" | awk -F/ '{ print NF }')" ]
}

@test "desktop.yaml: the PCI function behind eth0 and wlan0 names vendor, device and driver" {
	local identity="$TOP/identities/desktop.yaml"

	run "$FAKENET" run --identity "$identity" -- sh -c '
		for i in eth0 wlan0; do
			d=/sys/class/net/$i/device
			echo "$i $(cat $d/vendor) $(cat $d/device) $(cat $d/class)" \
				"$(basename "$(readlink $d/driver)") $(head -n1 $d/uevent)"
			[ -d /sys/class/net/$i/wireless ] && echo "$i wireless $(readlink /sys/class/net/$i/phy80211)"
		done'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "eth0 0x8086 0x15bb 0x020000 e1000e DRIVER=e1000e" ]
	[ "${lines[1]}" = "wlan0 0x8086 0x2723 0x028000 iwlwifi DRIVER=iwlwifi" ]
	[ "${lines[2]}" = "wlan0 wireless ../../ieee80211/phy0" ]
}
