#!/usr/bin/env bats
# The fingerprinting pipelines banking daemons run through net-tools (reference/fingerprinting.md),
# with the shims first on PATH, for every shipped identity in both net-tools styles. The expected
# values are read from the identity YAML itself, never from our output.

load lib/common

setup_file() {
	export WORK
	WORK=$(mktemp -d /tmp/fakenet-fingerprint.XXXXXX)
	local f name style
	for f in "$TOP"/identities/*.yaml; do
		name=$(basename "$f" .yaml)
		for style in 2.10 1.60; do
			"$PYTHON" -c 'import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"\ntools:.*?(?=\n\S|\Z)", "", text, flags=re.S)
sys.stdout.write(text.rstrip("\n") + "\ntools: {net_tools: \"%s\"}\n" % sys.argv[2])' \
				"$f" "$style" >"$WORK/$name-$style.yaml"
		done
	done
}

teardown_file() {
	rm -rf "${WORK:?}"
}

setup() {
	require_yaml
	require_build "$SHIMS/ifconfig"
}

# Runs a pipeline as the daemons do: bare command names, the shims first on PATH.
pipeline() {
	FAKENET_IDENTITY=$1 PATH="$SHIMS:$PATH" sh -c "$2"
}

# each_identity FUNCTION: calls FUNCTION FILE STYLE for every identity copy; reports every failure.
each_identity() {
	local f failed=0 style
	for f in "$WORK"/*.yaml; do
		style=${f%.yaml}
		style=${style##*-}
		"$1" "$f" "$style" || {
			echo "failed for $(basename "$f")"
			failed=1
		}
	done
	return $failed
}

same() {
	if [ "$1" != "$2" ]; then
		printf 'expected:\n%s\ngot:\n%s\n' "$1" "$2"
		return 1
	fi
}

check_ipv4_list() {
	same "$(identity_fact "$1" 'sorted(v4(i)[0] for i in up if v4(i))')" \
		"$(pipeline "$1" "ifconfig | grep -Eo 'inet (addr:)?([0-9]*\.){3}[0-9]*' |
			grep -Eo '([0-9]*\.){3}[0-9]*' | grep -v '127.0.0.1'" | sort)"
}

@test "ifconfig | grep inet (addr:)? lists the IPv4 address of every up interface" {
	each_identity check_ipv4_list
}

check_eth0_ipv4() {
	same "$(identity_fact "$1" '[v4(i)[0] for i in y["interfaces"] if i["name"] == "eth0"][0]')" \
		"$(pipeline "$1" "ifconfig eth0 | awk '\$0 ~ /inet (addr:)?/ {print \$2}' | cut -d: -f2")"
}

@test "ifconfig eth0 | awk /inet (addr:)?/ | cut -d: -f2 gives eth0's address" {
	each_identity check_eth0_ipv4
}

check_macs() {
	if [ "$2" = 1.60 ]; then
		# Pristine 1.60 prints the MAC in upper case.
		same "$(identity_fact "$1" '[i["mac"].upper() for i in sorted(up, key=lambda i: i["name"])]')" \
			"$(pipeline "$1" "ifconfig | awk '\$0 ~ /HWaddr/ { print \$5 }'")"
	else
		same "$(identity_fact "$1" '[i["mac"].lower() for i in sorted(up, key=lambda i: i["name"])]')" \
			"$(pipeline "$1" "ifconfig | awk '\$0 ~ /ether/ { print \$2 }'")"
	fi
}

@test "ifconfig | awk HWaddr \$5 (1.60) / ether \$2 (2.10) gives the MAC of every up interface" {
	each_identity check_macs
}

check_eth0_field5() {
	[ "$2" = 1.60 ] || return 0
	same "$(identity_fact "$1" '[i["mac"].upper() for i in y["interfaces"] if i["name"] == "eth0"][0]')" \
		"$(pipeline "$1" "ifconfig | grep eth0 | awk '{print \$5}'")"
}

@test "ifconfig | grep eth0 | awk {print \$5} is eth0's MAC in the 1.60 style" {
	each_identity check_eth0_field5
}

check_names() {
	same "$(identity_fact "$1" 'sorted(i["name"] for i in up)')" \
		"$(pipeline "$1" "ifconfig | cut -d' ' -f1 | sort | uniq -u | awk -F: '{print \$1;}' |
			grep -v lo | grep -v virbr" | sort)"
}

@test "ifconfig | cut | sort | uniq -u lists the up interfaces" {
	each_identity check_names
}

check_gateway_route() {
	same "$(identity_fact "$1" 'y["gateway"]["ip"]')" \
		"$(pipeline "$1" "route -n | grep 'UG[ \t]' | awk '\$1 == \"0.0.0.0\" { print \$2 }'")"
	same "$(identity_fact "$1" 'sorted([y["gateway"]["ip"]] + [r["via"] for r in y.get("routes") or []
			if "via" in r and ":" not in r["via"]])')" \
		"$(pipeline "$1" "route -n | grep 'UG[ \t]' | awk '{ print \$2 }'" | sort)"
	same "$(identity_fact "$1" 'y["gateway"]["ip"]')" \
		"$(pipeline "$1" "netstat -rn | grep 'UG[ \t]' | awk '\$1 == \"0.0.0.0\" { print \$2 }'")"
}

@test "route -n / netstat -rn | grep 'UG[ \\t]' give the gateway and every routed next hop" {
	each_identity check_gateway_route
}

check_gateway_mac() {
	local gw
	gw=$(identity_fact "$1" 'y["gateway"]["ip"]')
	same "$(identity_fact "$1" 'y["gateway"]["mac"].lower()')" \
		"$(pipeline "$1" "arp -n | grep -F '$gw ' | awk '{print \$3}'")"
	same "$(identity_fact "$1" 'y["gateway"]["mac"].lower()')" \
		"$(pipeline "$1" "arp -an | grep -F '($gw)' | awk '{print \$4}'")"
}

@test "arp -n | grep <gateway> gives the gateway's MAC" {
	each_identity check_gateway_mac
}
