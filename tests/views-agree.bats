#!/usr/bin/env bats
# Every view of one link tells one story: the counters, speed and duplex read from sysfs,
# /proc/net/dev, ifconfig, `ip -s link`, `ip -j -s link`, ethtool and (through the ethtool ioctl
# of the preload backend) psutil, a third-party client; the PCI function behind a NIC as lspci
# (pciutils) reads /sys/bus/pci, with IDs that belong to the NIC's driver and a firmware that
# belongs to the card. Expected values are the other views' and the real clients' readings, never
# fakenet's own rendering taken as the reference.

load lib/common

setup() {
	require_fakenet_env
	views="$TOP/tests/lib/link-views.py"
	office="$TOP/tests/identities/office.yaml"
}

# link_views IDENTITY IFNAME [fakenet-run options...]: one line per view, in $output.
link_views() {
	local identity=$1 dev=$2 psutil=
	shift 2
	case " $* " in *" preload "*) psutil=--psutil ;; esac
	run "$FAKENET" run --identity "$identity" "$@" -- "$PYTHON" "$views" $psutil "$dev"
	echo "$output"
	[ "$status" -eq 0 ]
}

# Every view that has counters shows the same four; every view that has a speed, the same one.
one_story() { # WANT_COUNTERS WANT_SPEED
	local counters speeds
	counters=$(echo "$output" | grep -v '(no counters)' | sed 's/^[^ ]* *//; s/ |.*//' | sort -u)
	speeds=$(echo "$output" | grep -v '| *$' | sed 's/.*| //' | sort -u)
	[ "$counters" = "$1" ] || { echo "counters differ: $counters"; return 1; }
	[ "$speeds" = "$2" ] || { echo "speed/duplex differ: $speeds"; return 1; }
}

@test "counters, speed and duplex: sysfs, /proc/net/dev, ifconfig, ip -s, ip -j -s and ethtool agree (FUSE)" {
	link_views "$office" enp3s0 --net host
	one_story "1843275634 1432587 219876543 654321" "1000 full"
	# A NIC that is down has negotiated nothing: no view claims a speed.
	link_views "$office" eth1 --net host
	one_story "0 0 0 0" "- -"
	link_views "$TOP/identities/docker.yaml" eth0 --net host
	one_story "0 0 0 0" "10000 full"
	# cfg80211 reports no link settings: sysfs speed fails, ethtool shows none.
	link_views "$TOP/identities/desktop.yaml" wlan0 --net host
	one_story "0 0 0 0" "- -"
}

@test "psutil (the ethtool ioctl and /proc/net/dev) tells the same story under the preload backend" {
	require_python_module psutil python3-psutil
	link_views "$office" enp3s0 --backend preload
	echo "$output" | grep -q '^psutil .* | 1000 full$'
	one_story "1843275634 1432587 219876543 654321" "1000 full"
	link_views "$office" eth1 --backend preload
	one_story "0 0 0 0" "- -"
	link_views "$TOP/identities/docker.yaml" eth0 --backend preload
	one_story "0 0 0 0" "10000 full"
	link_views "$TOP/identities/desktop.yaml" wlan0 --backend preload
	one_story "0 0 0 0" "- -"
}

@test "lspci names each fake NIC by IDs of its own driver, under /sys/bus/pci" {
	require_command lspci pciutils
	run "$FAKENET" run --identity "$office" -- sh -c '
		for d in enp3s0 eth1; do
			slot=$(basename "$(readlink /sys/class/net/$d/device)")
			ls /sys/bus/pci/devices | grep -qx "$slot" || echo "$slot missing from /sys/bus/pci/devices"
			[ -e "/sys/bus/pci/drivers/$(basename "$(readlink /sys/class/net/$d/device/driver)")/$slot" ] ||
				echo "$slot missing from its driver directory"
			lspci -nnk -s "$slot"
		done'
	echo "$output"
	[ "$status" -eq 0 ]
	# The driver's own device (r8169 drives Realtek's RTL8168), and the IDs the identity gave.
	[[ "$output" == *"Ethernet controller [0200]: Realtek Semiconductor Co., Ltd. RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller [10ec:8168]"* ]]
	[[ "$output" == *"Kernel driver in use: r8169"* ]]
	[[ "$output" == *"I211 Gigabit Network Connection [8086:1539]"* ]]
	[[ "$output" == *"Kernel driver in use: igb"* ]]
	[[ "$output" != *missing* ]]
}

@test "ethtool -i: the firmware is the one iwlwifi loads for that card, the bus the device's slot" {
	cat >"$BATS_TEST_TMPDIR/w.yaml" <<'YAML'
version: 1
hostname: w
interfaces:
  - {name: wlan0, kind: wireless, mac: 7c:b2:7d:15:c3:4f, addresses: [192.168.1.5/24]}
  - name: wlan1
    kind: wireless
    mac: 7c:b2:7d:15:c3:50
    pci: {vendor: "8086", device: "24fd"}
YAML
	run "$FAKENET" run --net host --identity "$BATS_TEST_TMPDIR/w.yaml" -- sh -c '
		for d in wlan0 wlan1; do
			echo "$d $(cat /sys/class/net/$d/device/device) $(basename "$(readlink /sys/class/net/$d/device)")"
			ethtool -i $d | grep -E "^(firmware-version|bus-info)"
		done'
	echo "$output"
	[ "$status" -eq 0 ]
	# iwlwifi's device table: the AX200 (2723) loads cc-a0-*.ucode, the 8265 (24fd) 8265-*.ucode.
	[ "${lines[0]%% *}" = wlan0 ] && [[ "${lines[0]}" == *" 0x2723 "* ]]
	[[ "${lines[1]}" == "firmware-version: "*" cc-a0-"*".ucode" ]]
	[ "${lines[2]}" = "bus-info: ${lines[0]##* }" ]
	[[ "${lines[3]}" == *" 0x24fd "* ]]
	[[ "${lines[4]}" == "firmware-version: "*" 8265-"*".ucode" ]]
	[ "${lines[5]}" = "bus-info: ${lines[3]##* }" ]
}

@test "the gateway is a learned neighbour by default, a static one when gateway.state says so" {
	run "$FAKENET" run --identity "$TOP/identities/docker.yaml" -- sh -c \
		'grep 172.18.0.1 /proc/net/arp; arp -n 172.18.0.1; ip neigh show 172.18.0.1'
	echo "$output"
	[ "$status" -eq 0 ]
	# ATF_COM without ATF_PERM, as the kernel shows an entry it resolved itself.
	[[ "${lines[0]}" == *" 0x1         0x2         02:42:ac:12:00:01 "* ]]
	[[ "${lines[2]}" == *"02:42:ac:12:00:01   C "* ]]
	[ "${lines[3]}" = "172.18.0.1 dev eth0 lladdr 02:42:ac:12:00:01 REACHABLE " ]
	run "$FAKENET" run --identity "$office" -- sh -c 'grep 10.4.0.1 /proc/net/arp; arp -n 10.4.0.1'
	echo "$output"
	[[ "${lines[0]}" == *" 0x1         0x6         00:1a:2b:3c:4d:5e "* ]]
	[[ "${lines[2]}" == *"00:1a:2b:3c:4d:5e   CM "* ]]
}

@test "global IPv6 addresses went through DAD unless the identity says nodad" {
	run "$FAKENET" run --identity "$TOP/tests/identities/lab.yaml" -- sh -c \
		'cat /proc/net/if_inet6; ip -6 addr show scope global'
	echo "$output"
	[ "$status" -eq 0 ]
	# IFA_F_PERMANENT alone (0x80) after DAD; 0x82 only where ipv6_dad is false; a down link's
	# address waits for DAD (0xc0 tentative).
	[[ "$output" == *"20010db8005000000000000000000020 02 40 00 80     eth0"* ]]
	[[ "$output" == *"fd000020000000000000000000000007 03 40 00 82     eth1"* ]]
	[[ "$output" == *"20010db8009900000000000000000007 04 40 00 c0     eth2"* ]]
	[[ "$output" == *"inet6 2001:db8:50::20/64 scope global "$'\n'* ]]
	[[ "$output" == *"inet6 fd00:20::7/64 scope global nodad "* ]]
	[[ "$output" == *"inet6 2001:db8:99::7/64 scope global tentative "* ]]
}

# Under a kernel mode the links are veths the kernel counts (its own IPv6 chatter moves the
# counters for a few seconds after start) and veth reports 10000Mb/s: every view must tell the
# kernel's numbers. One reading of all views is retried until nothing moved in between.
@test "isolated: the kernel's counters and speed are every view's, psutil included" {
	require_python_module psutil python3-psutil
	run "$FAKENET" run --net isolated --identity "$office" -- sh -c '
		for try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			out=$("$0" "$1" --psutil enp3s0)
			n=$(echo "$out" | grep -v "(no counters)" | sed "s/^[^ ]* *//; s/ |.*//" | sort -u | wc -l)
			[ "$n" = 1 ] && break
			sleep 1
		done
		echo "$out"' "$PYTHON" "$views"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c .)" -eq 7 ]
	one_story "$(echo "${lines[0]}" | sed 's/^[^ ]* *//; s/ |.*//')" "10000 full"
	# The identity's fixed counters belong to a fake link; the kernel's link never saw them.
	[[ "${lines[0]}" != *1843275634* ]]
}

# A UDP echo exchange with a test host counts on the target's link: the kernel's counters moved by
# real traffic must be what every view reads, and a fake PCI NIC's attributes must lstat as sysfs
# attributes do (regular files of size 4096, as the namespace's own veth attributes lstat).
@test "nat: real traffic moves the one set of counters every view reads; a PCI NIC's attributes are sysfs files" {
	require_pasta_world
	require_python_module psutil python3-psutil
	local edge="fnv-edge-$$" inet="fnv-inet-$$"
	make_edge_and_inet "$edge" "$inet" 198.18.67
	serve_in "$inet" "$PYTHON" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.67.2", 7007))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)'
	wait_listening "$inet" udp 7007
	run ip netns exec "$edge" "$FAKENET" run --net nat --identity "$office" -- sh -c '
		"$0" -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for i in range(20):
    s.sendto(b\"x\" * 1000, (\"198.18.67.2\", 7007))
    s.recvfrom(2048)
print(\"echoed\")"
		for try in $(seq 20); do
			out=$("$0" "$1" --psutil enp3s0)
			n=$(echo "$out" | grep -v "(no counters)" | sed "s/^[^ ]* *//; s/ |.*//" | sort -u | wc -l)
			[ "$n" = 1 ] && break
			sleep 1
		done
		echo "$out"
		stat -c "%F %s %a" /sys/class/net/enp3s0/speed /sys/class/net/enp3s0/statistics/rx_bytes \
			/sys/devices/virtual/net/enp3s0/speed /sys/devices/virtual/net/enp3s0/statistics/rx_bytes' \
		"$PYTHON" "$views"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = echoed ]
	lines=("${lines[@]:1}")
	output=$(printf '%s\n' "${lines[@]:0:7}")
	one_story "$(echo "${lines[0]}" | sed 's/^[^ ]* *//; s/ |.*//')" "10000 full"
	# 20 datagrams of 1000 bytes each way, at least.
	read -r _ rx_bytes rx_packets tx_bytes tx_packets _ <<<"${lines[0]}"
	[ "$rx_packets" -ge 20 ] && [ "$tx_packets" -ge 20 ]
	[ "$rx_bytes" -ge 20000 ] && [ "$tx_bytes" -ge 20000 ]
	# The PCI NIC's files lstat as the namespace's own sysfs attributes of the same link.
	[ "${lines[7]}" = "${lines[9]}" ] && [ "${lines[8]}" = "${lines[10]}" ]
	[ "${lines[7]}" = "regular file 4096 444" ]
}

@test "isolated: an option the ip shim does not know goes to the real ip, which reads the same kernel" {
	run "$FAKENET" run --net isolated --identity "$TOP/tests/identities/lab.yaml" -- sh -c \
		'ip -br -N addr show eth0; ip -tshort -br addr show eth0'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "eth0@if2         UP             192.168.50.20/24 2001:db8:50::20/64 fe80::5054:ff:fe6b:1c20/64 " ]
	[ "${lines[1]}" = "${lines[0]}" ]
	# Outside a kernel mode the shim refuses it, as ip refuses what it does not know.
	run "$FAKENET" run --net host --identity "$TOP/tests/identities/lab.yaml" -- ip -tshort -br addr show eth0
	[ "$status" -eq 255 ]
	[ "$output" = 'Option "-tshort" is unknown, try "ip -help".' ]
}

@test "/proc/net/wireless lists a wireless link as cfg80211 does, with the signal ethtool -S reports" {
	# The views' /proc/net: a kernel mode's is the namespace's own, where a veth has no wireless.
	run "$FAKENET" run --net host --identity "$TOP/identities/desktop.yaml" -- sh -c \
		'cat /proc/net/wireless; ethtool -S wlan0 | grep -w signal; ethtool -S eth0 | grep -cw signal || true'
	echo "$output"
	[ "$status" -eq 0 ]
	# The header and the line layout of net/wireless/wext-proc.c (WIRELESS_EXT 22).
	[ "${lines[0]}" = "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE" ]
	[ "${lines[1]}" = " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22" ]
	local fields quality level
	read -r -a fields <<<"${lines[2]}"
	quality=${fields[2]%.} level=${fields[3]%.}
	# The kernel's seq_printf format, with noise invalid (0 read as dBm, not updated).
	[ "${lines[2]}" = "$(printf '%6s: %04x  %3d%c  %3d%c  %3d%c  %6d %6d %6d %6d %6d   %6d' \
		wlan0 0 "$quality" . "$level" . -256 ' ' 0 0 0 0 0 0)" ]
	# cfg80211_wireless_stats: quality is the signal clamped to -110..-40, plus 110.
	[ "$quality" -eq $((level < -110 ? 0 : level > -40 ? 70 : level + 110)) ]
	# mac80211 puts the same dBm in ethtool -S as an unsigned byte.
	[ "${lines[3]}" = "     signal: $((level & 255))" ]
	[ "${lines[4]}" = 0 ]
	[ "${#lines[@]}" -eq 5 ]
}

# A veth has no wireless extensions, so a kernel mode's own /proc/net lacks the wireless link; the
# identity's /proc/net/wireless shows there while every other file is the namespace's own, read
# from the reader's /proc/self/net. Without a wireless link /proc/net is left the kernel's.
@test "kernel mode: /proc/net/wireless shows the wireless link, every other /proc/net file is the namespace's" {
	run "$FAKENET" run --net isolated --identity "$TOP/identities/desktop.yaml" -- sh -c '
		cat /proc/net/wireless
		for f in route if_inet6 arp dev_mcast tcp unix; do
			cmp -s /proc/net/$f /proc/self/net/$f && echo "$f same" || echo "$f differs"
		done
		stat -c "%s %F" /proc/net/route'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22" ]
	[[ "${lines[2]}" == " wlan0: 0000 "* ]]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c ' same$')" -eq 6 ]
	[ "${lines[-1]}" = "$(stat -c '%s %F' /proc/self/net/route)" ]
	run "$FAKENET" run --net isolated --identity "$TOP/identities/docker.yaml" -- sh -c \
		'readlink /proc/net; stat -f -c %T /proc/net/'
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/net; stat -f -c %T /proc/net/)" ]
}
