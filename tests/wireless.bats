#!/usr/bin/env bats
# A wireless interface of the identity answers the wireless extensions the real iwconfig (Debian's
# wireless-tools, dynamically linked) asks for, through the preload library, as cfg80211's
# compatibility layer answers for a managed mac80211 interface. No real wireless card is at hand:
# the expected lines are iwconfig's own layout (iwconfig.c, display_info) filled with the facts
# the identity file states, and where a case needs no card (a link without wireless extensions,
# one that does not exist) they are the real iwconfig's answer on this host.

load lib/common

setup() {
	require_fakenet_env
	require_command iwconfig wireless-tools
	new_tmpdir tmp
	cat >"$tmp/w.yaml" <<'YAML'
version: 1
hostname: w
interfaces:
  - name: wlan0
    kind: wireless
    mac: 7c:b2:7d:15:c3:4f
    addresses: [192.168.1.5/24]
    wireless: {ssid: "Cafe Wifi", bssid: "00:11:22:33:44:55", frequency: 2437, tx_power: 20, bitrate: 144.4, signal: -63}
  - name: wlan1
    kind: wireless
    mac: 7c:b2:7d:15:c3:50
    state: down
  - name: eth0
    mac: 02:42:ac:12:00:02
YAML
}

# iwconfig's lines for an associated station: quality is cfg80211's (signal clamped to -110..-40,
# plus 110, out of 70); the key line only for CAP_NET_ADMIN (the request is restricted).
associated() { # NAME SSID FREQ AP RATE TXPOWER SIGNAL [KEYLINE]
	local q=$(($7 < -110 ? 0 : $7 > -40 ? 70 : $7 + 110))
	printf '%-8.16s  IEEE 802.11  ESSID:"%s"  \n' "$1" "$2"
	printf '          Mode:Managed  Frequency:%s  Access Point: %s   \n' "$3" "$4"
	printf '          Bit Rate=%s   Tx-Power=%s dBm   \n' "$5" "$6"
	printf '          Retry short limit:7   RTS thr:off   Fragment thr:off\n'
	[ -z "${8:-}" ] || printf '          %s\n' "$8"
	printf '          Power Management:on\n'
	printf '          Link Quality=%d/70  Signal level=%d dBm  \n' "$q" "$7"
	printf '          Rx invalid nwid:0  Rx invalid crypt:0  Rx invalid frag:0\n'
	printf '          Tx excessive retries:0  Invalid misc:0   Missed beacon:0\n\n'
}

@test "iwconfig (preload): an associated station shows the identity's SSID, AP, channel, rate, power and signal" {
	run "$FAKENET" run --backend preload --identity "$tmp/w.yaml" -- iwconfig wlan0
	[ "$status" -eq 0 ]
	[ "$output" = "$(associated wlan0 'Cafe Wifi' '2.437 GHz' 00:11:22:33:44:55 '144.4 Mb/s' 20 -63 'Encryption key:off')" ]
	# Without CAP_NET_ADMIN the key request is refused, and iwconfig leaves the line out.
	run "$FAKENET" run --backend preload --identity "$tmp/w.yaml" -- \
		setpriv --bounding-set -net_admin iwconfig wlan0
	[ "$status" -eq 0 ]
	[ "$output" = "$(associated wlan0 'Cafe Wifi' '2.437 GHz' 00:11:22:33:44:55 '144.4 Mb/s' 20 -63)" ]
}

@test "iwconfig (preload): the identity's defaults, a station that is down, and links without wireless" {
	run "$FAKENET" run --backend preload --identity "$TOP/identities/desktop.yaml" -- iwconfig wlan0
	[ "$status" -eq 0 ]
	# The defaults fakenet-identity(5) documents.
	[ "$output" = "$(associated wlan0 HomeNet '5.18 GHz' A0:63:91:2C:5E:10 '866.7 Mb/s' 22 -55 'Encryption key:off')" ]
	run "$FAKENET" run --backend preload --identity "$tmp/w.yaml" -- iwconfig wlan1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'wlan1     IEEE 802.11  ESSID:off/any  ' \
		'          Mode:Managed  Access Point: Not-Associated   ' \
		'          Retry short limit:7   RTS thr:off   Fragment thr:off' \
		'          Encryption key:off' '          Power Management:on' '          ')" ]
	# A link without wireless extensions and one that does not exist: as the real iwconfig says
	# of this host's lo and of a name nothing has.
	local want_lo want_none
	want_lo=$(iwconfig lo 2>&1; echo "rc=$?")
	want_none=$(iwconfig fnnone0 2>&1; echo "rc=$?")
	run "$FAKENET" run --backend preload --identity "$tmp/w.yaml" -- sh -c \
		'iwconfig eth0 2>&1; echo "rc=$?"; iwconfig fnnone0 2>&1; echo "rc=$?"'
	[ "$output" = "$(echo "$want_lo" | sed 's/^lo  /eth0/')"$'\n'"$want_none" ]
}

@test "iwconfig under --net host: the preload library in a dynamic target answers the same" {
	# --net host puts the preload library into dynamic targets (issue 12); a build without it
	# shows the host's links to python's if_nameindex, and the wireless requests cannot be met.
	run "$FAKENET" run --net host --identity "$tmp/w.yaml" -- "$PYTHON" -c \
		'import socket; print(" ".join(n for _, n in socket.if_nameindex()))'
	[ "$status" -eq 0 ]
	[ "$output" = "lo wlan0 wlan1 eth0" ] ||
		skip "this build does not preload dynamic targets under --net host"
	run "$FAKENET" run --net host --identity "$tmp/w.yaml" -- iwconfig wlan0
	[ "$status" -eq 0 ]
	[ "$output" = "$(associated wlan0 'Cafe Wifi' '2.437 GHz' 00:11:22:33:44:55 '144.4 Mb/s' 20 -63 'Encryption key:off')" ]
}

@test "iwconfig (preload) lists every link of the identity, and only those" {
	run "$FAKENET" run --backend preload --identity "$tmp/w.yaml" -- sh -c 'iwconfig 2>&1'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -o '^[a-z0-9]*' | sort | tr '\n' ' ')" = "eth0 lo wlan0 wlan1 " ]
}

# iw_has FORMAT...: each printf format is one the installed iw (5.19) carries: the layout below is
# the real tool's, not one made up here.
iw_has() {
	local f
	for f; do
		"$PYTHON" -c 'import sys; sys.exit(0 if (sys.argv[2].encode().decode("unicode_escape").encode()) in open(sys.argv[1], "rb").read() else 1)' \
			"$(command -v iw)" "$f" || { echo "iw has no format '$f'"; return 1; }
	done
}

@test "iw dev, iw dev IF info and iw dev IF link: the identity's station in iw 5.19's layout" {
	require_command iw iw
	iw_has 'phy#%d' '%sInterface %s' '%s\tifindex %d' '%s\twdev 0x%llx' '%s\taddr %s' \
		'%s\ttype %s' '%s\twiphy %d' '%s\tchannel %d (%d MHz)' ', width: %s' \
		', center1: %d MHz' '%s\ttxpower %d.%.2d dBm' '%s\tmulticast TXQ:%s' \
		'Connected to %s (on %s)' '\tfreq: %d' '\tRX: %u bytes (%u packets)' \
		'\tsignal: %d dBm' '\trx bitrate: %s' '\ttx bitrate: %s' '%d.%d MBit/s' \
		'\tdtim period:\t%d' '\tbeacon int:\t%d' 'Not connected.' 'command failed: %s (%d)\n'
	local txq=$'multicast TXQ:\n'
	run "$FAKENET" run --net host --identity "$tmp/w.yaml" -- sh -c \
		'iw dev; echo --; iw dev wlan0 info; echo --; iw dev wlan0 link; iw dev wlan1 link'
	[ "$status" -eq 0 ]
	# Channel 6 of 2.4 GHz is 20 MHz wide; each card is a wiphy of its own, its first wdev 1.
	[ "$output" = "$(printf '%s\n' 'phy#0' $'\tInterface wlan0' $'\t\tifindex 2' $'\t\twdev 0x1' \
		$'\t\taddr 7c:b2:7d:15:c3:4f' $'\t\tssid Cafe Wifi' $'\t\ttype managed' \
		$'\t\tchannel 6 (2437 MHz), width: 20 MHz, center1: 2437 MHz' $'\t\ttxpower 20.00 dBm' \
		$'\t\tmulticast TXQ:' \
		$'\t\t\tqsz-byt\tqsz-pkt\tflows\tdrops\tmarks\toverlmt\thashcol\ttx-bytes\ttx-packets' \
		$'\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0' \
		'phy#1' $'\tInterface wlan1' $'\t\tifindex 3' $'\t\twdev 0x100000001' \
		$'\t\taddr 7c:b2:7d:15:c3:50' $'\t\ttype managed' $'\t\tmulticast TXQ:' \
		$'\t\t\tqsz-byt\tqsz-pkt\tflows\tdrops\tmarks\toverlmt\thashcol\ttx-bytes\ttx-packets' \
		$'\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0' -- \
		'Interface wlan0' $'\tifindex 2' $'\twdev 0x1' $'\taddr 7c:b2:7d:15:c3:4f' \
		$'\tssid Cafe Wifi' $'\ttype managed' $'\twiphy 0' \
		$'\tchannel 6 (2437 MHz), width: 20 MHz, center1: 2437 MHz' $'\ttxpower 20.00 dBm' \
		$'\tmulticast TXQ:' \
		$'\t\tqsz-byt\tqsz-pkt\tflows\tdrops\tmarks\toverlmt\thashcol\ttx-bytes\ttx-packets' \
		$'\t\t0\t0\t0\t0\t0\t0\t0\t0\t0' -- \
		'Connected to 00:11:22:33:44:55 (on wlan0)' $'\tSSID: Cafe Wifi' $'\tfreq: 2437' \
		$'\tRX: 0 bytes (0 packets)' $'\tTX: 0 bytes (0 packets)' $'\tsignal: -63 dBm' \
		$'\trx bitrate: 144.4 MBit/s' $'\ttx bitrate: 144.4 MBit/s' '' \
		$'\tbss flags:\tshort-slot-time' $'\tdtim period:\t1' $'\tbeacon int:\t100' \
		'Not connected.')" ]
}

@test "iw: the defaults on 5 GHz are an 80 MHz channel; links without a wireless device fail as nl80211 fails them" {
	run "$FAKENET" run --identity "$TOP/identities/desktop.yaml" -- iw dev wlan0 info
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n\tssid HomeNet\n'* ]]
	# Channel 36 opens the 80 MHz channel 36-48, centred on 5210 MHz.
	[[ "$output" == *$'\n\tchannel 36 (5180 MHz), width: 80 MHz, center1: 5210 MHz\n\ttxpower 22.00 dBm\n'* ]]
	run "$FAKENET" run --net isolated --identity "$tmp/w.yaml" -- iw dev eth0 info
	[ "$status" -eq 237 ]
	[ "$output" = "command failed: No such device (-19)" ]
	run "$FAKENET" run --net host --identity "$tmp/w.yaml" -- iw dev fnnone0 link
	[ "$status" -eq 237 ]
	[ "$output" = "command failed: No such device (-19)" ]
}
