#!/usr/bin/env bats
# nm-tool and nmcli shims: every identity's gateway, addresses, MACs and nameservers (expected values
# read from the YAML), and the exact formats of the captured machine (tests/reference); sudo.

load lib/common

setup() {
	require_build "$SHIMS/nm-tool"
	REF=$TOP/tests/reference
	new_tmpdir T
	# The machine of the reference captures (README section 1): two veths, gateway on eth0.
	cat >"$T/captured.yaml" <<'EOF'
version: 1
hostname: node1
interfaces:
  - {name: eth0, kind: veth, mac: "02:42:ac:12:00:02", addresses: [172.18.0.2/16], state: up}
  - {name: eth1, kind: veth, mac: "02:42:ac:13:00:05", addresses: [10.9.8.7/24], state: up}
gateway: {ip: 172.18.0.1, mac: "02:42:ac:12:00:01"}
dns: {nameservers: [172.18.0.1]}
EOF
}

# The identity's facts, one "KEY VALUE" per line: gw IP, mac IF MAC (uppercase), addr IF A/P
# (IPv4, up interfaces), dns IP (IPv4), up IF.
facts() {
	"$PYTHON" - "$1" <<'EOF'
import sys, yaml
ident = yaml.safe_load(open(sys.argv[1]))
if ident.get("gateway"):
    print("gw", ident["gateway"]["ip"])
for i in ident["interfaces"]:
    print("mac", i["name"], str(i["mac"]).upper())
    if i.get("state", "up") == "up":
        print("up", i["name"])
        for a in i.get("addresses", []):
            if ":" not in a:
                print("addr", i["name"], a)
for ns in (ident.get("dns") or {}).get("nameservers", []):
    if ":" not in str(ns):
        print("dns", ns)
EOF
}

@test "nm-tool: each identity's gateway, MACs, addresses and nameservers" {
	local y key a b
	for y in "$TOP"/identities/*.yaml "$T/captured.yaml"; do
		FAKENET_IDENTITY=$y "$SHIMS/nm-tool" >"$T/out"
		while read -r key a b; do
			case $key in
			gw) grep -i gateway "$T/out" | grep -qx "    Gateway:         $a" ||
				{ echo "$y: no gateway $a"; return 1; } ;;
			mac) grep -qx "  HW Address:        $b" "$T/out" || { echo "$y: no MAC $b"; return 1; } ;;
			addr) grep -qx "    Address:         ${b%/*}" "$T/out" || { echo "$y: no $b"; return 1; } ;;
			dns) grep -qx "    DNS:             $a" "$T/out" || { echo "$y: no DNS $a"; return 1; } ;;
			esac
		done < <(facts "$y")
		# The IPsinside probe: `nm-tool | grep Gateway: | awk '{print $2}'` yields the gateway first.
		[ "$(grep Gateway: "$T/out" | awk '{print $2}' | head -1)" = "$(facts "$y" | awk '$1 == "gw" {print $2}')" ]
	done
}

@test "nmcli: each identity's MACs, addresses, gateway and nameservers" {
	local y key a b
	for y in "$TOP"/identities/*.yaml "$T/captured.yaml"; do
		export FAKENET_IDENTITY=$y
		"$SHIMS/nmcli" device show >"$T/show"
		"$SHIMS/nmcli" device >"$T/table"
		while read -r key a b; do
			case $key in
			mac)
				# -g escapes the colons, as nmcli does.
				[ "$("$SHIMS/nmcli" -g GENERAL.HWADDR device show "$a")" = "${b//:/\\:}" ]
				[ "$("$SHIMS/nmcli" -t -f GENERAL.HWADDR device show "$a")" = "GENERAL.HWADDR:$b" ]
				grep -q "^$a " "$T/table" ;;
			addr)
				"$SHIMS/nmcli" -t -f IP4.ADDRESS device show "$a" | grep -qx "IP4.ADDRESS\[[0-9]*\]:$b" ||
					{ echo "$y: no $b on $a"; return 1; } ;;
			up)
				"$SHIMS/nmcli" -t -f GENERAL.STATE device show "$a" |
					grep -qx 'GENERAL.STATE:100 (connected)' ;;
			gw)
				grep -qx "IP4.GATEWAY: *$a" "$T/show" || { echo "$y: no gateway $a"; return 1; } ;;
			dns)
				grep -q "^IP4.DNS\[[0-9]*\]: *$a\$" "$T/show" || { echo "$y: no DNS $a"; return 1; } ;;
			esac
		done < <(facts "$y")
	done
	run "$SHIMS/nmcli" device show nosuchdev
	[ "$status" -eq 10 ]
	[ "$output" = "Error: Device 'nosuchdev' not found." ]
}

@test "nm-tool: the captured machine's report, byte for byte" {
	FAKENET_IDENTITY=$T/captured.yaml "$SHIMS/nm-tool" >"$T/out"
	cmp "$REF/nm-tool/nm-tool-0.9.out" "$T/out"
}

# Our `device show` against the two real nmcli captures of that machine: the managed one fixes
# the field order and the connected-state lines, the unmanaged one the routes (NM then showed the
# kernel's own routes, metric 0, as our model has them). The active-connection number is NM's
# activation counter: masked.
@test "nmcli device show: the captured machine's fields, as real nmcli 1.42 printed them" {
	local mode flag
	for mode in pretty terse; do
		flag=
		[ "$mode" = terse ] && flag=-t
		if [ "$mode" = terse ]; then
			cat "$REF/nmcli/nmcli_t_device_show_eth0.out" "$REF/nmcli-managed/nmcli_t_device_show_eth0.out"
		else
			cat "$REF/nmcli/nmcli_device_show_eth0.out" "$REF/nmcli-managed/nmcli_device_show_eth0.out"
		fi | sed 's,ActiveConnection/[0-9]*,ActiveConnection/N,' | sort -u >"$T/real-lines"
		FAKENET_IDENTITY=$T/captured.yaml "$SHIMS/nmcli" $flag device show eth0 >"$T/ours"
		sed 's,ActiveConnection/[0-9]*,ActiveConnection/N,' "$T/ours" | sort -u >"$T/our-lines"
		# Every line we print is a line real nmcli printed for this machine...
		comm -23 "$T/our-lines" "$T/real-lines" >"$T/extra"
		[ ! -s "$T/extra" ] || { echo "$mode: lines never printed by nmcli:"; cat "$T/extra"; return 1; }
		# ...in the managed capture's field order, every field of it present.
		if [ "$mode" = terse ]; then
			cut -d: -f1 "$REF/nmcli-managed/nmcli_t_device_show_eth0.out" >"$T/real-names"
		else
			cut -d: -f1 "$REF/nmcli-managed/nmcli_device_show_eth0.out" >"$T/real-names"
		fi
		cut -d: -f1 "$T/ours" | diff -u "$T/real-names" -
	done
	# The whole show for both devices: the same separation and columns (unmanaged capture),
	# masking only the three lines whose values say "managed".
	FAKENET_IDENTITY=$T/captured.yaml "$SHIMS/nmcli" device show |
		grep -v -e '^GENERAL.STATE:' -e '^GENERAL.CONNECTION:' -e '^GENERAL.CON-PATH:' \
			-e '^IP4.DNS' >"$T/ours-all"
	grep -v -e '^GENERAL.STATE:' -e '^GENERAL.CONNECTION:' -e '^GENERAL.CON-PATH:' \
		"$REF/nmcli/nmcli_device_show.out" | diff -u - "$T/ours-all"
}

@test "nmcli: tables, -f, -g and the overview match the captures" {
	export FAKENET_IDENTITY=$T/captured.yaml
	# The header and the eth0 and lo rows are what the managed machine showed; eth1 was only
	# "connected (externally)" there, where we manage it too.
	"$SHIMS/nmcli" device >"$T/table"
	diff <(sed -n '1p;2p;4p' "$REF/nmcli-managed/nmcli_device.out") <(sed -n '1p;2p;4p' "$T/table")
	[ "$(sed -n 3p "$T/table")" = "eth1    ethernet  connected               Wired connection 2 " ]
	"$SHIMS/nmcli" general status | diff "$REF/nmcli-managed/nmcli_general_status.out" -
	# The unmanaged capture has no DNS line: NM hands out nameservers only for what it manages.
	"$SHIMS/nmcli" -f IP4 device show eth0 | grep -v '^IP4.DNS' |
		diff "$REF/nmcli/nmcli_f_IP4_device_show_eth0.out" -
	"$SHIMS/nmcli" -g IP4.ADDRESS device show eth0 | diff "$REF/nmcli/nmcli_g_IP4ADDRESS.out" -
	# Overview: lo's block and the closing hints are the capture's lines.
	"$SHIMS/nmcli" >"$T/overview"
	diff <(sed -n '/^lo:/,$p' "$REF/nmcli-managed/nmcli_noargs.out" | grep -v -e servers -e '^.interface') \
		<(sed -n '/^lo:/,$p' "$T/overview" | grep -v -e servers -e '^.interface')
	diff <(head -5 "$REF/nmcli-managed/nmcli_noargs.out") <(head -5 "$T/overview")
	grep -qx "$(printf '\tservers: 172.18.0.1')" "$T/overview"
}

@test "sudo: drops its own options and runs the command; alone it prints usage, exit 1" {
	require_build "$SHIMS/sudo"
	run "$SHIMS/sudo" -n -E echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	run "$SHIMS/sudo" -u nobody -H -- echo a b
	[ "$output" = "a b" ]
	# sudo needs no identity: a broken one must not matter.
	FAKENET_IDENTITY=/nonexistent run "$SHIMS/sudo" true
	[ "$status" -eq 0 ]
	PATH=$SHIMS:$PATH run "$SHIMS/sudo" nm-tool
	[ "$status" -eq 0 ]
	[[ "$output" == *"NetworkManager Tool"* ]]
	run "$SHIMS/sudo"
	[ "$status" -eq 1 ]
	# The first line of sudo 1.9.13p3's usage (Debian 12).
	[ "${lines[0]}" = "usage: sudo -h | -K | -k | -V" ]
	if [ -x /usr/bin/sudo ]; then
		diff <(/usr/bin/sudo 2>&1) <("$SHIMS/sudo" 2>&1)
	fi
	run "$SHIMS/sudo" no-such-command-here
	[ "$status" -eq 1 ]
	[ "$output" = "sudo: no-such-command-here: command not found" ]
}
