#!/usr/bin/env bats
# The ip, hostname and ethtool shims compared with the real iproute2 6.1, hostname 3.23 and
# ethtool 6.1 run in a network namespace built like each shipped identity
# (tests/lib/netns-from-identity.py): stdout, stderr and exit status, byte for byte.
#
# ip runs in a private mount namespace with a tmpfs over /run/netns, so the peer namespace has no
# name and ip prints "link-netnsid 0", as inside a container.
#
# Masked, because the kernel makes them volatile:
#   - the counter lines of -s (the namespace counts its own IPv6 DAD/MLD traffic);
#   - the ages of `ip -s neigh` ("ref N used A/B/Cprobes N");
#   - the order of `ip neigh` lines (the kernel walks a hash table with a per-boot random seed)
#     and REACHABLE, which the kernel itself turns into STALE after 15-45 s.
# Rewritten, because the namespace can only build veths: for an ethernet or wireless interface
# the real line loses the veth's "@ifN" and "link-netnsid 0" (a PCI NIC has no peer), and an
# ethernet NIC's qdisc reads fq_codel (Debian's systemd sets net.core.default_qdisc; this kernel
# lacks the module). Wireless links are put in "mode dormant" in the namespace, as a supplicant
# does. `ip -d` (veth details) is only compared for identities made of veths.
# Not compared: `ethtool -P` on a veth (the kernel has no permanent address for a veth and says
# "not set"; fakenet shows the identity's permanent_mac by design: see fingerprint-iproute.bats).

load lib/common

# The shipped identities, and the held-out ones of tests/identities.
IDENTITIES="docker desktop multi-nic lab office"
JSON_VIEW="$TOP/tests/lib/ip-json-view.py"

identity_files() {
	local id
	for id in $IDENTITIES; do identity_path "$id"; done
}

setup_file() {
	have_root && have_yaml || return 0
	command -v ethtool >/dev/null || return 0
	[ -x "$SHIMS/ip" ] || return 0
	export NSP="fnip$$"
	netns_up_each "$NSP" $(identity_files) >&2 || return 1
	for id in $IDENTITIES; do
		for w in $(wireless_ifaces "$id"); do
			ip -n "$NSP-$id" link set "$w" mode dormant
		done
	done
	export READY=1
}

teardown_file() {
	[ -n "${NSP:-}" ] || return 0
	netns_down_each "$NSP" $(identity_files)
	for id in $IDENTITIES; do
		rm -rf "/etc/netns/$NSP-$id"
	done
}

setup() {
	require_root "network namespaces"
	require_yaml
	require_command ethtool ethtool
	require_build "$SHIMS/ip"
	[ "${READY:-}" = 1 ] || skip "namespaces were not built"
}

yaml_query() { # FILE PYTHON-EXPRESSION-OF-d
	identity_fact "$1" "$2"
}

wireless_ifaces() {
	yaml_query "$(identity_path "$1")" \
		'" ".join(i["name"] for i in d["interfaces"] if i.get("kind") == "wireless")'
}

all_veth() {
	[ "$(yaml_query "$(identity_path "$1")" \
		'all(i.get("kind", "veth") == "veth" for i in d["interfaces"])')" = True ]
}

# Rewrites the real output of ip for the interfaces the namespace could only build as veths.
physical_view() { # "NAME=KIND ..." < real-output
	awk -v kinds="$1" '
	BEGIN { n = split(kinds, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); kind[p[1]] = p[2] } }
	{
		if (match($0, /^[0-9]+: [^ :@]+(@if[0-9]+)?[: ]/)) {
			head = substr($0, 1, RLENGTH); sub(/^[0-9]+: /, "", head); sub(/[@: ].*/, "", head)
			cur = head
			if (kind[cur] != "" && kind[cur] != "veth")
				sub(/@if[0-9]+/, "")
		} else if (match($0, /^[^ ]+ +(UP|DOWN|UNKNOWN) /)) {
			name = $1; sub(/@if[0-9]+$/, "", name); cur = name
			if (kind[cur] != "" && kind[cur] != "veth" && $1 != name)
				$0 = sprintf("%-16s ", name) substr($0, 18)
		}
		if (kind[cur] != "" && kind[cur] != "veth") {
			gsub(/ link-netnsid 0/, "")
			if (kind[cur] == "ethernet")
				gsub(/qdisc noqueue/, "qdisc fq_codel")
		}
		print
	}'
}

mask_volatile() { # ARGS < output
	case " $1 " in
	*" neigh "* | *" n "* | " n" | *" neighbour "*)
		sed -E 's/  (ref [0-9]+ )?used [0-9]+\/[0-9]+\/[0-9]+probes [0-9]+ / <ages> /; s/ REACHABLE $/ STALE /' | sort
		;;
	*)
		sed -E 's/^ +[0-9]+( +[0-9]+)* $/<counters>/; s/\\ +[0-9]+( +[0-9]+)* (\\|$)/\\<counters>\2/g'
		;;
	esac
}

is_json() { # ARGS
	case " $1 " in *" -j "* | *" -json "* | *" -j -p "*) return 0 ;; esac
	return 1
}

real_ip() { # NS ARGS...
	local ns=$1
	shift
	ip netns exec "$ns" unshare -m sh -c 'mount -t tmpfs none /run/netns && exec ip "$@"' sh "$@"
}

# Runs each command line of ip both ways and prints a diff for every mismatch.
compare_ip() { # IDENTITY < command lines
	local id=$1 file="$(identity_path "$1")" ns="$NSP-$1" args bad=0 rc
	local r="$BATS_TEST_TMPDIR/real" f="$BATS_TEST_TMPDIR/fake" kinds
	kinds=$(yaml_query "$file" \
		'" ".join("%s=%s" % (i["name"], i.get("kind", "veth")) for i in d["interfaces"])')
	while read -r args; do
		[ -n "$args" ] || continue
		# shellcheck disable=SC2086
		rc=0
		real_ip "$ns" $args </dev/null >"$r.raw" 2>"$r.err" || rc=$?
		echo "rc=$rc" >>"$r.err"
		if is_json "$args"; then
			"$PYTHON" "$JSON_VIEW" --kinds "$kinds" <"$r.raw" >"$r.out"
		else
			physical_view "$kinds" <"$r.raw" | mask_volatile "$args" >"$r.out"
		fi
		# shellcheck disable=SC2086
		rc=0
		FAKENET_IDENTITY="$file" "$SHIMS/ip" $args </dev/null >"$f.raw" 2>"$f.err" || rc=$?
		echo "rc=$rc" >>"$f.err"
		if is_json "$args"; then
			"$PYTHON" "$JSON_VIEW" <"$f.raw" >"$f.out"
		else
			mask_volatile "$args" <"$f.raw" >"$f.out"
		fi
		if ! diff -u "$r.out" "$f.out" || ! diff -u "$r.err" "$f.err"; then
			echo "^^^ $id: ip $args"
			bad=1
		fi
	done
	return $bad
}

IP_COMMANDS='addr
a
addr list
address show
link
l
route
r
-4 route
-6 route
route show default
-6 route show default
neigh
n
-4 neigh
-6 neigh
-s neigh
-br addr
-br link
-br -4 addr
-br -6 addr
-o addr
-o link
-o -4 addr
-o -6 addr
-4 addr
-6 addr
-s link
-s -s link
-s addr
-4 -s addr
-d route
-d -6 route
route get 8.8.8.8
route get 127.0.0.1
route get 1.2.3.4
addr show eth0
addr show dev eth0
address show eth0
link show eth0
link show dev eth0
-6 addr show eth0
-4 addr show eth0
-o -4 addr show eth0
-br addr show eth0
-s link show eth0
route show dev eth0
neigh show dev eth0
link show up
addr show up
-f inet addr show lo
-family inet6 addr show lo
-color=never link
addr show eth9
link show eth9
route show dev eth9
neigh show dev eth9
foo
-x addr
addr foo
link foo
route foo
route get
route get foo
-6 route get 8.8.8.8
-4 route get ::1
addr show eth0 eth1
rule
-6 rule
-V'

# Selectors: a neighbour by address or prefix, addresses by scope, links by type.
IP_SELECTOR_COMMANDS='neigh show 172.18.0.1
neigh show 10.0.0.0/8
neigh show to 192.168.0.0/16
neigh show 192.168.0.0/16 dev eth0
-6 neigh show 2001:db8::/32
-4 neigh show 2001:db8::1
-6 neigh show 10.0.0.1
neigh show foo
neigh show to
neigh show nud permanent
neigh show dev eth0 nud permanent
neigh show nud bogus
addr show scope global
-6 addr show scope global
addr show scope link
addr show scope host
-4 addr show scope link
addr show scope 253
addr show scope all
addr show scope foo
addr show scope
-br addr show scope global
-o addr show scope global
addr show dev eth0 scope link
link show type bridge
link show type'

# iproute2 6.1's JSON, compared through tests/lib/ip-json-view.py.
IP_JSON_COMMANDS='-j addr
-j link
-json link
-j route
-j -6 route
-j -d route
-j route show default
-j neigh
-j -s neigh
-j -6 neigh
-j -s link
-j -s -s link
-j -s addr
-j -br addr
-j -br link
-j -6 addr
-j -4 addr
-j addr show eth0
-j -6 addr show eth0
-j link show up
-j link show eth9
-j route get 8.8.8.8
-j route get 127.0.0.1
-j -6 route get ::1
-j rule
-j -6 rule
-j -p addr
-j -p route
-j -p -s link
-j -p neigh
-j addr show scope global
-j -6 addr show scope global
-j neigh show dev eth0
-j neigh show nud permanent'

IP_DETAIL_COMMANDS='-d link
-d addr
-d link show eth0
-j -d link
-j -d addr
link show type veth
addr show type veth
-br link show type veth
-j link show type veth
-j addr show up
-j -br link show up'

# Not compared: `neigh show nud noarp|all`, which lists the kernel's multicast entries
# (ff02::1:ffXX:XXXX ...) that fakenet does not model.

# All the lists, for one identity.
ip_commands() {
	printf '%s\n%s\n%s\n' "$IP_COMMANDS" "$IP_SELECTOR_COMMANDS" "$IP_JSON_COMMANDS"
}

@test "ip matches iproute2 on the docker identity" {
	{ ip_commands; echo "$IP_DETAIL_COMMANDS"; } | compare_ip docker
}

@test "ip matches iproute2 on the multi-nic identity (down interface, IPv6 globals, routes)" {
	{ ip_commands; echo "$IP_DETAIL_COMMANDS"; } | compare_ip multi-nic
	printf '%s\n' 'route get 10.200.0.1
route get 10.1.0.99
route get 10.0.0.5
route get 2001:db8:0:2::77
route get 2001:db9::1
addr show eth3
link show eth3
-4 addr show dev eth3
-6 addr show eth3' | compare_ip multi-nic
}

@test "ip matches iproute2 on the desktop identity (PCI ethernet and wireless)" {
	all_veth desktop && skip "desktop.yaml has no PCI interface any more"
	{ ip_commands; echo 'link show wlan0
addr show wlan0
-j link show wlan0
-br link show wlan0'; } | compare_ip desktop
}

@test "ip matches iproute2 on the held-out lab identity (DAD, nodad, tentative, IPv6 neighbours)" {
	{ ip_commands; echo "$IP_DETAIL_COMMANDS"; echo 'neigh show 2001:db8:50::1
-6 neigh show 2001:db8:50::/48
neigh show 10.20.0.9
addr show eth2
-j addr show eth2
-j -6 addr show scope global
addr show dev eth1 scope global
route get 2001:db8:50::99
-j route get 2001:db8:50::99
-j route get fd00:20::7'; } | compare_ip lab
}

@test "ip matches iproute2 on the held-out office identity (static gateway entry, r8169 and igb NICs)" {
	{ ip_commands; echo 'link show enp3s0
-j link show enp3s0
neigh show 10.4.0.1
-j neigh show 10.4.0.1'; } | compare_ip office
}

# The layout of -j and -j -p byte for byte (only the counters masked), where the namespace's veths
# are the identity's own kind.
@test "ip -j and -j -p are laid out byte for byte as iproute2 lays them out" {
	local ns="$NSP-lab" file args bad=0
	file=$(identity_path lab)
	for args in "-j addr" "-j -p addr" "-j -p -s -s link" "-j -p -d link" "-j -p route" \
		"-j -p -6 route" "-j -p rule" "-j -p route get 8.8.8.8" "-j -p neigh show nud permanent" \
		"-j -p addr show scope global" "-j -p -br addr" "-j -p link show type bridge"; do
		# shellcheck disable=SC2086
		real_ip "$ns" $args 2>&1 | sed -E 's/"(bytes|packets)": ?[0-9]+/"\1":N/g' >"$BATS_TEST_TMPDIR/real"
		# shellcheck disable=SC2086
		FAKENET_IDENTITY="$file" "$SHIMS/ip" $args 2>&1 |
			sed -E 's/"(bytes|packets)": ?[0-9]+/"\1":N/g' >"$BATS_TEST_TMPDIR/fake"
		if ! diff -u "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/fake"; then
			echo "^^^ ip $args"
			bad=1
		fi
	done
	return $bad
}

@test "ip changes nothing and says nothing for root" {
	for args in "addr add 10.9.9.9/24 dev eth0" "link set eth0 down" "route add 10.8.0.0/16 via 172.18.0.1" \
		"route del default" "neigh flush all" "addr flush dev eth0"; do
		# shellcheck disable=SC2086
		run "$SHIMS/ip" $args
		[ "$status" -eq 0 ] && [ -z "$output" ] || {
			echo "ip $args: $status $output"
			return 1
		}
	done
	run "$SHIMS/ip" route
	[ "${lines[0]}" = "default via 172.18.0.1 dev eth0 " ]
}

compare_hostname() { # IDENTITY
	local id=$1 file="$(identity_path "$1")" ns="$NSP-$1" name args bad=0 rc
	local r="$BATS_TEST_TMPDIR/real" f="$BATS_TEST_TMPDIR/fake"
	name=$(yaml_query "$file" 'd["hostname"]')
	mkdir -p "/etc/netns/$ns"
	"$FAKENET" show --identity "$file" /etc/hosts >"/etc/netns/$ns/hosts" || return 1
	# Lookups that miss the hosts file must fail at once on loopback, never leave the namespace.
	echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
	for args in "" -s -f -d -i -I -A -a -y -b --fqdn --long --short --domain --ip-address \
		--all-ip-addresses --all-fqdns --alias -V --version -h --help -Z -F "one two"; do
		# shellcheck disable=SC2086
		rc=0
		ip netns exec "$ns" unshare -u sh -c 'hostname "$1" && shift && exec hostname "$@"' \
			sh "$name" $args </dev/null >"$r.out" 2>"$r.err" || rc=$?
		echo "rc=$rc" >>"$r.err"
		# shellcheck disable=SC2086
		rc=0
		(cd "$SHIMS" && FAKENET_IDENTITY="$file" exec ./hostname $args) </dev/null >"$f.out" \
			2>"$f.err" || rc=$?
		echo "rc=$rc" >>"$f.err"
		sed -i 's#^\./hostname:#hostname:#' "$f.err"
		if ! diff -u "$r.out" "$f.out" || ! diff -u "$r.err" "$f.err"; then
			echo "^^^ $id: hostname $args"
			bad=1
		fi
	done
	rm -rf "/etc/netns/$ns"
	return $bad
}

@test "hostname matches hostname 3.23 with the identity's hosts file: docker" {
	compare_hostname docker
}

@test "hostname matches hostname 3.23 with the identity's hosts file: multi-nic" {
	compare_hostname multi-nic
}

@test "hostname matches hostname 3.23 with the identity's hosts file: desktop" {
	compare_hostname desktop
}

@test "hostname NAME changes nothing for root" {
	run env FAKENET_IDENTITY="$TOP/identities/docker.yaml" "$SHIMS/hostname" other-name
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run env FAKENET_IDENTITY="$TOP/identities/docker.yaml" "$SHIMS/hostname"
	[ "$output" = 3f2a9c1b7d4e ]
}

compare_ethtool() { # IDENTITY
	local id=$1 file="$(identity_path "$1")" ns="$NSP-$1" dev args bad=0 rc
	local r="$BATS_TEST_TMPDIR/real" f="$BATS_TEST_TMPDIR/fake"
	for dev in lo $(yaml_query "$file" \
		'" ".join(i["name"] for i in d["interfaces"] if i.get("kind", "veth") == "veth")') eth9; do
		for args in "$dev" "-i $dev" "--driver $dev" "-P $dev" "-S $dev" "--statistics $dev" \
			"-k $dev" "--show-features $dev"; do
			if [ "$args" = "-P $dev" ] && [ "$dev" != lo ] && [ "$dev" != eth9 ]; then
				continue
			fi
			# shellcheck disable=SC2086
			rc=0
			ip netns exec "$ns" ethtool $args </dev/null >"$r.out" 2>"$r.err" || rc=$?
			echo "rc=$rc" >>"$r.err"
			# shellcheck disable=SC2086
			rc=0
			FAKENET_IDENTITY="$file" "$SHIMS/ethtool" $args </dev/null >"$f.out" 2>"$f.err" || rc=$?
			echo "rc=$rc" >>"$f.err"
			if ! diff -u "$r.out" "$f.out" || ! diff -u "$r.err" "$f.err"; then
				echo "^^^ $id: ethtool $args"
				bad=1
			fi
		done
	done
	for args in "" "-Q eth0" "--version"; do
		# shellcheck disable=SC2086
		rc=0
		ethtool $args </dev/null >"$r.out" 2>"$r.err" || rc=$?
		echo "rc=$rc" >>"$r.err"
		# shellcheck disable=SC2086
		rc=0
		FAKENET_IDENTITY="$file" "$SHIMS/ethtool" $args </dev/null >"$f.out" 2>"$f.err" || rc=$?
		echo "rc=$rc" >>"$f.err"
		if ! diff -u "$r.out" "$f.out" || ! diff -u "$r.err" "$f.err"; then
			echo "^^^ $id: ethtool $args"
			bad=1
		fi
	done
	return $bad
}

@test "ethtool matches ethtool 6.1 on veths: docker" {
	compare_ethtool docker
}

@test "ethtool matches ethtool 6.1 on veths: multi-nic (an interface left down)" {
	compare_ethtool multi-nic
}

@test "ethtool matches ethtool 6.1 on veths: the held-out lab identity" {
	compare_ethtool lab
}
