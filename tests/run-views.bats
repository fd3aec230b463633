#!/usr/bin/env bats
# What a target sees inside `fakenet run`, checked against the kernel: the real net-tools route and
# arp give the same output inside fakenet as inside a real network namespace configured like the
# identity (tests/lib/netns-from-identity.py), and files read back exactly as the identity says.

bats_require_minimum_version 1.5.0

load lib/common

ids="docker desktop multi-nic"

setup_file() {
	have_root && [ -c /dev/fuse ] || return 0
	export FNV_PREFIX="fnv$$"
	# A namespace that cannot be built fails the one test that compares with it.
	netns_up_each "$FNV_PREFIX" $(for id in $ids; do echo "$TOP/identities/$id.yaml"; done) \
		>/dev/null || true
}

teardown_file() {
	[ -n "${FNV_PREFIX:-}" ] || return 0
	netns_down_each "$FNV_PREFIX" $(for id in $ids; do echo "$TOP/identities/$id.yaml"; done)
}

setup() {
	require_fakenet_env
	new_tmpdir tmp
}

# yq-like access to an identity: `field ID EXPR` evaluates EXPR on the parsed YAML `d`.
field() {
	identity_fact "$TOP/identities/$1.yaml" "$2"
}

# The views as fakefs serves them (--net host: /proc/net and the links are its own too).
inside() {
	local id=$1
	shift
	"$FAKENET" run --identity "$TOP/identities/$id.yaml" --net host --shims none -- "$@"
}

@test "real route -n and arp -n agree with a real namespace built like the identity" {
	for id in $ids; do
		ns="$FNV_PREFIX-$id"
		ip netns list | grep -q "^$ns" || {
			echo "netns-from-identity.py could not build $ns"
			return 1
		}
		# (route -A inet6 is left out: its Ref column counts live kernel references.)
		for tool in "/usr/sbin/route -n" "/usr/sbin/arp -n"; do
			# The kernel lists neighbours in hash order, seeded per namespace: compare
			# the header, then the sorted entries.
			ip netns exec "$ns" $tool 2>&1 | (sed -u 1q; sort) >"$tmp/want" || true
			inside "$id" $tool 2>&1 | (sed -u 1q; sort) >"$tmp/got" || true
			diff -u "$tmp/want" "$tmp/got"
		done
	done
}

@test "cat and python3 read the identity's MACs from /sys/class/net/*/address" {
	for id in $ids; do
		field "$id" '"\n".join(["lo 00:00:00:00:00:00"] + ["%s %s" % (i["name"], i["mac"]) for i in d["interfaces"]])' |
			sort >"$tmp/want"
		inside "$id" sh -c 'for f in /sys/class/net/*/address; do n=${f#/sys/class/net/}; echo "${n%/address} $(cat $f)"; done' |
			sort >"$tmp/cat"
		diff -u "$tmp/want" "$tmp/cat"
		inside "$id" "$PYTHON" -c '
import os
for n in sorted(os.listdir("/sys/class/net")):
    print(n, open("/sys/class/net/%s/address" % n).read().strip())' | sort >"$tmp/py"
		diff -u "$tmp/want" "$tmp/py"
	done
}

@test "getent: blocked names give 127.0.0.1, hosts: entries their address" {
	for id in $ids; do
		blocked=$(field "$id" 'd["blocked"][0]')
		run inside "$id" getent hosts "$blocked"
		[ "$status" -eq 0 ]
		[ "$(echo "$output" | awk '{print $1}')" = 127.0.0.1 ]
		has_hosts=$(field "$id" 'bool(d.get("hosts"))')
		[ "$has_hosts" = True ] || continue
		name=$(field "$id" 'd["hosts"][0]["names"][0]')
		addr=$(field "$id" 'd["hosts"][0]["ip"]')
		run inside "$id" getent hosts "$name"
		[ "$status" -eq 0 ]
		[ "$(echo "$output" | awk '{print $1}')" = "$addr" ]
	done
}

@test "hostname and uname -n print the identity's hostname" {
	for id in $ids; do
		want=$(field "$id" 'd["hostname"]')
		run inside "$id" sh -c 'hostname; uname -n; cat /etc/hostname'
		[ "$output" = "$(printf '%s\n%s\n%s' "$want" "$want" "$want")" ]
	done
}

@test "/proc/net/tcp inside shows a socket the target itself opened" {
	port=$((40000 + RANDOM % 20000))
	hex=$(printf '%04X' "$port")
	run inside docker "$PYTHON" -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print(any(":%s " % sys.argv[2] in l and " 0A " in l for l in open("/proc/net/tcp")))' "$port" "$hex"
	[ "$status" -eq 0 ]
	[ "$output" = True ]
}

@test "ls /proc/net shows the identity's files and the real ones" {
	run inside docker ls /proc/net
	[ "$status" -eq 0 ]
	for f in route arp dev if_inet6 tcp udp unix snmp; do
		printf '%s\n' "$output" | grep -qx "$f"
	done
}

@test "one-byte reads and offsets return the same bytes as cat" {
	# (/proc/net/tcp is the live kernel file: two reads of it may differ, as on any machine.)
	for f in /proc/net/route /proc/net/arp /sys/class/net/eth0/address /etc/hosts; do
		run inside docker sh -c "cat $f >$tmp/a; dd if=$f of=$tmp/b bs=1 status=none;
			dd if=$f of=$tmp/c bs=7 skip=3 status=none; tail -c +22 $f >$tmp/d"
		[ "$status" -eq 0 ]
		[ -s "$tmp/a" ]
		cmp "$tmp/a" "$tmp/b"
		tail -c +22 "$tmp/a" | cmp - "$tmp/c"
		tail -c +22 "$tmp/a" | cmp - "$tmp/d"
	done
}

@test "stat, ls -l, realpath and find work on the view" {
	# sysfs attributes report 4096 like the kernel's, /proc/net files 0 like procfs's.
	real_sys=$(stat -c "%F %a %s" /sys/class/net/lo/address)
	real_proc=$(stat -c "%F %a %s" /proc/net/route)
	run inside docker sh -c 'stat -c "%F %a %s" /proc/net/route /sys/class/net/eth0/address;
		stat -c %s /etc/hosts;
		ls -l /sys/class/net/eth0 | cut -c1;
		realpath /sys/class/net/eth0;
		find /sys/class/net/ -maxdepth 1 | sort'
	[ "$status" -eq 0 ]
	hosts_len=$("$FAKENET" show /etc/hosts | wc -c)
	expected="$real_proc
$real_sys
$hosts_len
l
/sys/devices/virtual/net/eth0
/sys/class/net/
/sys/class/net/eth0
/sys/class/net/lo"
	[ "$output" = "$expected" ]
	run "$FAKENET" run --net host --log "$tmp/log" --shims none -- stat -c "%F %a %s" /proc/net/route
	[ "$status" -eq 0 ]
	[ "$output" = "$real_proc" ]
}

@test "a PCI NIC's device directory resolves and the real PCI devices stay visible" {
	real_count=$(ls /sys/devices/pci0000:00 | wc -l)
	run inside desktop sh -c 'cat "$(realpath /sys/class/net/eth0)/address"; ls /sys/devices/pci0000:00 | wc -l'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(field desktop 'd["interfaces"][0]["mac"]')" ]
	[ "${lines[1]}" -ge "$real_count" ]
}

@test "ten concurrent readers all get the full content" {
	run inside docker sh -c "for i in 0 1 2 3 4 5 6 7 8 9; do cat /proc/net/route /etc/hosts /sys/class/net/eth0/address >$tmp/r\$i & done; wait"
	[ "$status" -eq 0 ]
	"$FAKENET" show /proc/net/route /etc/hosts /sys/class/net/eth0/address >"$tmp/want"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		cmp "$tmp/want" "$tmp/r$i"
	done
}

@test "the shims answer at the real tools' paths and read the run's identity, which only they see" {
	require_build "$FAKENET_SHIM"
	real_route=$(command -v route)
	run "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --shims route -- sh -c 'command -v route; hostname; route -n | grep -c "^0.0.0.0"; cat /sys/devices/virtual/dmi/.identity.yaml 2>/dev/null || echo hidden'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$real_route" ]
	[ "${lines[1]}" = "$(field multi-nic 'd["hostname"]')" ]
	[ "${lines[2]}" -ge 1 ]
	[ "${lines[3]}" = hidden ]
}
