#!/usr/bin/env bats
# The pipelines fingerprinting software builds on ip, hostname and ethtool, run against the shims
# (PATH=build/shims first) for every shipped identity. Expected values are read from the identity
# YAML itself, never from fakenet's output.

load lib/common

setup() {
	require_build "$SHIMS/ip"
	require_yaml
	export PATH="$SHIMS:$PATH"
}

# Shell assignments of what the identity says, computed once per identity (python3 is slow to
# start under pyenv).
identity_facts() { # FILE
	"$PYTHON" - "$1" <<'PY'
import shlex, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
first = d["interfaces"][0]
up = [i for i in d["interfaces"] if i.get("state", "up") == "up"]
def addrs(i, mark):
    return [a.split("/")[0] for a in i.get("addresses", []) if mark in a.split("/")[0]]
facts = {
    "NAME": d["hostname"],
    "DEV": first["name"],
    "MAC": first["mac"].lower(),
    "PERM_MAC": first.get("permanent_mac", first["mac"]).lower(),
    "IP4": addrs(first, ".")[0],
    "GW": d["gateway"]["ip"],
    "GW_MAC": d["gateway"]["mac"].lower(),
    # Up interfaces, IPv4 then IPv6 (link-local never listed), each followed by one space.
    "ALL_IPS": "".join(a + " " for mark in (".", ":") for i in up for a in addrs(i, mark)
                       if not a.lower().startswith("fe80")),
}
for k, v in facts.items():
    print("%s=%s" % (k, shlex.quote(v)))
PY
}

for_each_identity() { # FUNCTION
	local file bad=0 NAME DEV MAC PERM_MAC IP4 GW GW_MAC ALL_IPS
	for file in "$TOP"/identities/*.yaml; do
		eval "$(identity_facts "$file")"
		FAKENET_IDENTITY="$file" "$1" || {
			echo "^^^ $(basename "$file")"
			bad=1
		}
	done
	return $bad
}

check_permanent_mac() {
	local got
	got=$(ethtool -P "$DEV" | cut -d' ' -f3)
	[ "$got" = "$PERM_MAC" ] || echo "ethtool -P: '$got' != '$PERM_MAC'"
	[ "$got" = "$PERM_MAC" ]
}

@test "ethtool -P IF | cut -d' ' -f3 is the identity's permanent MAC" {
	for_each_identity check_permanent_mac
}

check_hostname_all_ips() {
	local got
	got=$(hostname -I)
	[ "$got" = "$ALL_IPS" ] || echo "hostname -I: '$got' != '$ALL_IPS'"
	[ "$got" = "$ALL_IPS" ]
}

@test "hostname -I lists the identity's addresses" {
	for_each_identity check_hostname_all_ips
}

check_hostname() {
	[ "$(hostname)" = "$NAME" ] && [ "$(hostname -s)" = "${NAME%%.*}" ]
}

@test "hostname and hostname -s print the identity's host name" {
	for_each_identity check_hostname
}

# Each pipeline and, after a tab, the identity value it must print.
check_ip_pipelines() {
	local check want got
	while IFS=$'\t' read -r check want; do
		got=$(eval "$check")
		[ "$got" = "$want" ] || {
			echo "$check: '$got' != '$want'"
			return 1
		}
	done <<END
ip link show $DEV | awk '/link\/ether/ {print \$2}'	$MAC
ip -4 -o addr show $DEV | awk '{print \$4}' | cut -d/ -f1 | head -1	$IP4
ip route | awk '/^default/ {print \$3}'	$GW
ip route get 8.8.8.8 | awk '{print \$3; exit}'	$GW
ip neigh | grep '^$GW ' | awk '{print \$5}'	$GW_MAC
ip -br link | awk '\$1 ~ /^$DEV(@|\$)/ {print \$3}'	$MAC
END
}

@test "ip pipelines give the identity's MAC, address, gateway and gateway MAC" {
	for_each_identity check_ip_pipelines
}
