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

@test "iwconfig (preload) lists every link of the identity, and only those" {
	run "$FAKENET" run --backend preload --identity "$tmp/w.yaml" -- sh -c 'iwconfig 2>&1'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -o '^[a-z0-9]*' | sort | tr '\n' ' ')" = "eth0 lo wlan0 wlan1 " ]
}
