#!/usr/bin/env bats
# `fakenet run --net isolated`: the kernel itself holds the identity. Every expected value comes
# from the real kernel: a namespace built from the same identity by tests/lib/netns-from-identity.py
# (with `ip`, independently of our C code), read by the same real tools. Then: nothing leaves the
# namespace, names resolve from the identity at once, --publish reaches a server inside, and a
# killed runner leaves nothing behind.

bats_require_minimum_version 1.5.0

load lib/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	cc -O1 -o "$BATS_FILE_TMPDIR/getifaddrs" "$BATS_TEST_DIRNAME/lib/getifaddrs.c"
	cc -O1 -o "$BATS_FILE_TMPDIR/no-socket" "$BATS_TEST_DIRNAME/lib/no-socket.c"
	cc -O1 -o "$BATS_FILE_TMPDIR/sendmmsg" "$BATS_TEST_DIRNAME/lib/sendmmsg.c"
}

setup() {
	require_fakenet_env
	require_command ip iproute2
	ref="fnt-ref-$$"
	testhost="fnt-host-$$"
	hostlink="fnth$$"
	new_nap
	new_tmpdir tmp
}

teardown() {
	[ -n "${runner:-}" ] && kill -KILL "$runner" 2>/dev/null
	netns_down "$ref"
	ip link del "$hostlink" 2>/dev/null || true
	ip netns del "$testhost" 2>/dev/null || true
	common_teardown
}

# What every view shows; run the same way in the reference namespace and in the target.
views() {
	cat <<SCRIPT
echo '## ip addr'; ip addr
echo '## ip -d link'; ip -d link
echo '## ip route'; ip route
echo '## ip -6 route'; ip -6 route
echo '## ip route table local'; ip route show table local
echo '## ip -6 route table local'; ip -6 route show table local
echo '## ip route table all'; ip route show table all
echo '## ip -6 route table all'; ip -6 route show table all
echo '## ip neigh'; ip neigh | sort
echo '## ifconfig -a'; ifconfig -a
echo '## hostname -I'; hostname -I
echo '## getifaddrs'; $BATS_FILE_TMPDIR/getifaddrs
echo '## /proc/net/route'; cat /proc/net/route
echo '## /proc/net/arp'; sort /proc/net/arp
echo '## /proc/net/if_inet6'; sort /proc/net/if_inet6
echo '## /proc/net/ipv6_route'; cat /proc/net/ipv6_route
echo '## /sys/class/net'; ls /sys/class/net
for d in /sys/class/net/*; do
	echo "\$d \$(cat \$d/ifindex \$d/iflink \$d/address \$d/mtu \$d/operstate \$d/flags \$d/carrier 2>&1 | tr '\n' ' ')"
done
SCRIPT
}

# Values the kernel moves on its own: packet counters, neighbour states that decay, how `ip`
# names the peers' namespace (named here, anonymous in the run), carrier flips.
mask() {
	sed -E -e 's/link-netns(id)? [^ ]+/link-netns X/' \
		-e 's/\b(REACHABLE|STALE|DELAY|PROBE)\b/VALID/' \
		-e 's/(packets|bytes|errors|dropped|overruns|frame|carrier|collisions) [0-9]+( \([^)]*\))?/\1 N/g' \
		-e 's/(ipv6_route .*|^[0-9a-f]{32} [0-9a-f]{2} [0-9a-f]{32} [0-9a-f]{2} [0-9a-f]{32} [0-9a-f]{8}) [0-9a-f]{8} [0-9a-f]{8}/\1 REF USE/'
}

parity() {
	local identity=$1
	netns_up "$identity" "$ref"
	ip netns exec "$ref" sh -c "$(views)" 2>&1 | mask | sort_inet6_runs >"$tmp/want"
	"$FAKENET" run --identity "$identity" --net isolated --shims none -- sh -c "$(views)" 2>&1 |
		mask | sort_inet6_runs >"$tmp/got"
	diff -u "$tmp/want" "$tmp/got"
}

@test "isolated: ip, ifconfig, hostname -I, getifaddrs, /proc/net and sysfs agree with a kernel built like docker.yaml" {
	parity "$TOP/identities/docker.yaml"
}

@test "isolated: the same for multi-nic.yaml (four links, one down, IPv6, routes, neighbours)" {
	parity "$TOP/identities/multi-nic.yaml"
}

@test "isolated: the same for desktop.yaml (two PCI NICs on one subnet, a dev route)" {
	parity "$TOP/identities/desktop.yaml"
}

@test "isolated: the same for the held-out lab.yaml (DAD, nodad, a down link's tentative address, a learned gateway)" {
	parity "$TOP/tests/identities/lab.yaml"
}

@test "isolated: a PCI NIC keeps its device link, which the kernel cannot show" {
	run "$FAKENET" run --identity "$TOP/identities/desktop.yaml" --net isolated --shims none -- \
		sh -c 'readlink /sys/class/net/wlan0; cat /sys/class/net/wlan0/address; test -e /sys/class/net/wlan0/device && echo device'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == ../../devices/pci0000:00/*/net/wlan0 ]]
	[ "${lines[1]}" = "7c:b2:7d:15:c3:4f" ]
	[ "${lines[2]}" = "device" ]
}

@test "isolated: --net is refused for anything but its modes, --publish with host" {
	run "$FAKENET" run --net bridged -- true
	[ "$status" -eq 125 ]
	run "$FAKENET" run --net host --publish 8080 -- true
	[ "$status" -eq 125 ]
}

# A host the test creates in a namespace of its own, reachable from the host side over a veth in
# 198.18.0.0/15 (the benchmarking range), with a TCP listener on 198.18.77.2:8080.
make_test_host() {
	! ip -4 addr | grep -q 'inet 198\.18\.' || skip "this host uses 198.18.0.0/15 itself"
	ip netns add "$testhost"
	ip netns exec "$testhost" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip link add "$hostlink" type veth peer name eth0 netns "$testhost"
	sysctl -qw "net.ipv6.conf.$hostlink.disable_ipv6=1"
	ip addr add 198.18.77.1/30 dev "$hostlink"
	ip link set "$hostlink" up
	ip -n "$testhost" addr add 198.18.77.2/30 dev eth0
	ip -n "$testhost" link set lo up
	ip -n "$testhost" link set eth0 up
	ip netns exec "$testhost" $PYTHON -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.77.2", 8080)); s.listen(8)
while True:
    c, _ = s.accept(); c.close()' &
	at_teardown kill_waiting $!
	# The test host answers from the host side: the setup works, so a failure inside is isolation.
	for _ in $(seq 100); do
		$PYTHON -c 'import socket; socket.create_connection(("198.18.77.2", 8080), 1).close()' 2>/dev/null && break
		sleep 0.05
	done
	$PYTHON -c 'import socket; socket.create_connection(("198.18.77.2", 8080), 1).close()'
}

test_host_rx_packets() {
	ip netns exec "$testhost" cat /sys/class/net/eth0/statistics/rx_packets
}

# Prints "DEST ERRNO-NAME MILLISECONDS" for each attempt (TCP connect, or UDP send for udp:).
ATTEMPTS='
import errno, socket, sys, time
for dest in sys.argv[1:]:
    udp = dest.startswith("udp:")
    host, port = dest[4 if udp else 0:].rsplit(":", 1)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
    s.settimeout(5)
    t = time.monotonic()
    try:
        if udp:
            s.sendto(b"x", (host.strip("[]"), int(port)))
        else:
            s.connect((host.strip("[]"), int(port)))
        result = "OK"
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e))
    print(dest, result, "%.1f" % ((time.monotonic() - t) * 1000))
'

@test "isolated: connecting to a test host the host side reaches fails at once, and no packet arrives there" {
	make_test_host
	sleep 0.3
	before=$(test_host_rx_packets)
	# Through the gateway, to the identity's neighbours and next hops, IPv4 and IPv6: the
	# gateway namespace refuses them all at once, as a firewall that rejects would.
	run "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none -- \
		$PYTHON -c "$ATTEMPTS" 198.18.77.2:8080 10.0.0.1:80 10.0.0.254:443 \
		10.1.0.1:22 8.8.8.8:53 203.0.113.9:80 udp:198.18.77.2:53 udp:[2001:db8::1]:53
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 8 ]
	for line in "${lines[@]}"; do
		set -- $line
		case $1 in
		# A datagram goes; the kernel tells an unconnected sender nothing of the refusal.
		udp:198.*) [ "$2" = OK ] ;;
		# No route in the identity for 2001:db8::/64: the kernel's own answer.
		udp:\[2001:db8::1\]*) [ "$2" = ENETUNREACH ] ;;
		*) [ "$2" = ECONNREFUSED ] ;;
		esac
		awk -v ms="$3" 'BEGIN { exit !(ms < 50) }'
	done
	[ "$(test_host_rx_packets)" -eq "$before" ]
}

@test "isolated: an address of a link that no host of the identity's holds goes unanswered, as the kernel's" {
	# Nothing answers for it on a real network either: the kernel gives up on its neighbour
	# lookup. A namespace built like the identity, whose links lead to no host, says how.
	local unknown="10.0.0.77:80 10.1.0.77:22 [2001:db8:0:1::1]:80 [2001:db8:0:2::77]:80"
	netns_up "$TOP/identities/multi-nic.yaml" "$ref"
	ip netns exec "$ref" $PYTHON -c "$ATTEMPTS" $unknown | cut -d' ' -f1,2 >"$tmp/want"
	cat "$tmp/want"
	[ "$(wc -l <"$tmp/want")" -eq 4 ]
	run -0 "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none -- \
		sh -c "$PYTHON -c '$ATTEMPTS' $unknown; ip neigh show nud all"
	echo "$output"
	diff -u "$tmp/want" <(head -n 4 <<<"$output" | cut -d' ' -f1,2)
	# And none of them is in the neighbour table as a host that answered.
	! grep -E '^(10\.0\.0\.77|10\.1\.0\.77|2001:db8:0:1::1|2001:db8:0:2::77) .*lladdr' <<<"$output" || false
}

@test "isolated: the namespace's rules and nftables ruleset are those of a fresh namespace" {
	require_command nft nftables
	require_command busybox busybox-static
	kernel='busybox ip rule; busybox ip -6 rule; nft list ruleset'
	unshare -n sh -c "$kernel" >"$tmp/want" 2>&1
	for identity in docker.yaml multi-nic.yaml desktop.yaml; do
		run -0 "$FAKENET" run --identity "$TOP/identities/$identity" --net isolated --shims none -- \
			sh -c "$kernel"
		diff -u "$tmp/want" - <<<"$output"
	done
}

# The gateway namespace of the runner `pid`: the one it holds besides its own and the target's.
gateway_ns_of_runner() {
	local runner=$1 target=$2 self
	self=$(readlink /proc/"$runner"/ns/net)
	for fd in /proc/"$runner"/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		[[ "$l" == net:\[* && "$l" != "$self" && "$l" != "$(readlink /proc/"$target"/ns/net)" ]] &&
			echo "$fd" && return
	done
}

@test "isolated: the gateway's ingress chain is the ruleset the real nft builds from its written form" {
	require_command nft nftables
	# The filter as fakenet(1) documents it for docker.yaml (one link, resolver 127.0.0.11, which
	# is the target's own), loaded by the real nft on a scratch link named as the peer.
	ip netns add "$testhost"
	ip -n "$testhost" link add p2 type veth peer name p2b
	ip netns exec "$testhost" nft -f - <<'NFT'
table netdev fakenet {
	chain gateway-ingress {
		type filter hook ingress devices = { p2 } priority 0; policy drop;
		arp operation request drop
		meta protocol arp accept
		meta pkttype broadcast drop
		meta pkttype multicast drop
		icmpv6 type >= echo-request drop
		meta l4proto tcp counter reject with tcp reset
		counter reject
	}
}
NFT
	ip netns exec "$testhost" nft list ruleset >"$tmp/expected"
	"$FAKENET" run --net isolated --shims none -- sleep "$nap" &
	runner=$!
	for _ in $(seq 200); do pgrep -f "^sleep $nap" >/dev/null && break; sleep 0.05; done
	gw=$(gateway_ns_of_runner "$runner" "$(pgrep -f "^sleep $nap")")
	[ -n "$gw" ]
	run -0 nsenter --net="$gw" nft list ruleset
	diff -u "$tmp/expected" - <<<"$output"
}

@test "isolated: a root target that flushes its rules, routes and nftables ruleset still reaches nothing" {
	require_command nft nftables
	make_test_host
	sleep 0.3
	before=$(test_host_rx_packets)
	run "$FAKENET" run --net isolated --shims none -- sh -c "
		nft flush ruleset; ip -4 rule flush; ip -6 rule flush
		ip -4 rule add pref 32766 table main; ip route flush table main
		ip route add 172.18.0.0/16 dev eth0; ip route add default via 172.18.0.1
		ip neigh flush dev eth0; ip neigh add 172.18.0.9 lladdr 02:00:00:00:00:09 dev eth0
		$PYTHON -c '$ATTEMPTS' 198.18.77.2:8080 172.18.0.1:80 172.18.0.9:80"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	for line in "${lines[@]}"; do
		set -- $line
		[ "$2" = ECONNREFUSED ]
		awk -v ms="$3" 'BEGIN { exit !(ms < 50) }'
	done
	[ "$(test_host_rx_packets)" -eq "$before" ]
}

@test "isolated: without nf_tables or packet sockets in the kernel the run stops before the target, saying why, and leaves nothing" {
	links_before=$(ip -o link | cut -d: -f2 | sort)
	for kind in nftables packet; do
		run -125 "$BATS_FILE_TMPDIR/no-socket" "$kind" "$FAKENET" run --net isolated --shims none -- \
			touch "$tmp/ran"
		echo "$output"
		case $kind in
		nftables) [ "$output" = "fakenet: installing the gateway's nftables filter (this kernel has no nf_tables): Protocol not supported" ] ;;
		packet) [ "$output" = "fakenet: opening a packet socket for the gateway's neighbour answers: Address family not supported by protocol" ] ;;
		esac
		[ ! -e "$tmp/ran" ]
		[ "$(ip -o link | cut -d: -f2 | sort)" = "$links_before" ]
		run pgrep -f "$FAKENET run --net isolated"
		[ "$status" -eq 1 ]
	done
}

@test "isolated: loopback and the identity's own addresses stay reachable" {
	run "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none -- \
		$PYTHON -c '
import socket, sys
srv = socket.socket(); srv.bind(("0.0.0.0", 0)); srv.listen(4)
port = srv.getsockname()[1]
for host in ("127.0.0.1", "10.0.0.5", "10.1.0.5", "192.168.100.10"):
    socket.create_connection((host, port), 1).close()
    print(host, "OK")
'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
}

# Asks the first resolver of /etc/resolv.conf directly: "NAME TYPE RCODE ANSWER... MILLISECONDS".
DNS_QUERY='
import socket, struct, sys, time
server = [l.split()[1] for l in open("/etc/resolv.conf") if l.startswith("nameserver")][0]
for arg in sys.argv[1:]:
    name, qtype = arg.split("/")
    t = {"A": 1, "AAAA": 28}[qtype]
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    q += struct.pack(">HH", t, 1)
    s = socket.socket(socket.AF_INET6 if ":" in server else socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    start = time.monotonic()
    # Connected, as the C library asks: the kernel then checks the source it picked.
    s.connect((server, 53))
    s.send(q)
    a = s.recv(1500)
    ms = (time.monotonic() - start) * 1000
    ident, flags, qd, an = struct.unpack(">HHHH", a[:8])
    assert ident == 0x1234 and flags & 0x8000
    off = len(q)
    answers = []
    for _ in range(an):
        off += 2
        rtype, _, _, rdlen = struct.unpack(">HHIH", a[off:off + 10])
        rdata = a[off + 10:off + 10 + rdlen]
        answers.append(socket.inet_ntop(socket.AF_INET if rtype == 1 else socket.AF_INET6, rdata))
        off += 10 + rdlen
    print(name, qtype, flags & 0xf, *answers, "%.1f" % ms)
'

@test "isolated: the resolver answers hosts entries, the machine's name and blocked names, and NXDOMAIN for the rest" {
	run "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none -- \
		$PYTHON -c "$DNS_QUERY" db.internal/A db/A db6.internal/AAAA db-gw-01/A \
		ispt.ahnlab.com/A nothing.example/A db.internal/AAAA www.example.com/AAAA
	echo "$output"
	[ "$status" -eq 0 ]
	# Expected values: the hosts: and blocked: entries of multi-nic.yaml, its hostname on eth0's
	# address; rcode 0 NOERROR, 3 NXDOMAIN.
	[ "$(printf '%s\n' "${lines[@]}" | awk '{ $NF = ""; print }')" = "$(printf '%s \n' \
		'db.internal A 0 10.0.0.20' 'db A 0 10.0.0.20' 'db6.internal AAAA 0 2001:db8:0:1::20' \
		'db-gw-01 A 0 10.0.0.5' 'ispt.ahnlab.com A 0 127.0.0.1' 'nothing.example A 3' \
		'db.internal AAAA 0' 'www.example.com AAAA 3')" ]
	for line in "${lines[@]}"; do
		awk -v ms="${line##* }" 'BEGIN { exit !(ms < 50) }'
	done
}

# Which addresses the kernel holds as the machine's own, in every table.
LOCAL_ADDRESSES='ip -4 route show table all type local | sort
awk "/32 host/ {print f} {f=\$2}" /proc/net/fib_trie | sort -u'

@test "isolated: a resolver at another host's address (desktop.yaml's gateway) is no local address of the target, and answers" {
	# Expected: a kernel built like desktop.yaml, whose only local addresses are its own.
	netns_up "$TOP/identities/desktop.yaml" "$ref"
	ip netns exec "$ref" sh -c "$LOCAL_ADDRESSES" >"$tmp/want"
	run -0 "$FAKENET" run --identity "$TOP/identities/desktop.yaml" --net isolated --shims none -- \
		sh -c "$LOCAL_ADDRESSES"
	diff -u "$tmp/want" - <<<"$output"
	# The resolver still answers at desktop.yaml's nameserver (its hosts: entry for printer.lan).
	run -0 "$FAKENET" run --identity "$TOP/identities/desktop.yaml" --net isolated --shims none -- \
		$PYTHON -c "$DNS_QUERY" printer.lan/A
	[ "${output% *}" = "printer.lan A 0 192.168.0.10" ]
}

@test "isolated: an IPv4 resolver on a link without gateway answers with no rule; an IPv6 one needs the one documented rule" {
	require_command busybox busybox-static
	cat >"$tmp/ns.yaml" <<'YAML'
version: 1
hostname: nsx
interfaces:
  - {name: eth0, mac: "02:00:00:00:00:01", addresses: [10.9.9.9/24, "2001:db8:9::9/64"]}
  - {name: eth1, mac: "02:00:00:00:00:02", addresses: [10.8.8.8/24]}
dns:
  nameservers: [10.8.8.1, "2001:db8:5::53"]
hosts:
  - {ip: 10.1.2.3, names: [foo.test]}
YAML
	# Expected from the kernel: a fresh namespace's rules, and the IPv6 rule fakenet(1) names.
	unshare -n sh -c 'busybox ip rule; ip -6 rule add pref 31999 to 2001:db8:5::53 lookup 2048
		busybox ip -6 rule' >"$tmp/want"
	run -0 "$FAKENET" run --identity "$tmp/ns.yaml" --net isolated --shims none -- \
		sh -c 'busybox ip rule; busybox ip -6 rule'
	diff -u "$tmp/want" - <<<"$output"
	# Each as the first nameserver, the one DNS_QUERY asks.
	sed 's/\[10.8.8.1, "2001:db8:5::53"\]/["2001:db8:5::53", 10.8.8.1]/' "$tmp/ns.yaml" >"$tmp/ns6.yaml"
	for identity in ns.yaml ns6.yaml; do
		run -0 "$FAKENET" run --identity "$tmp/$identity" --net isolated --shims none -- \
			$PYTHON -c "$DNS_QUERY" foo.test/A
		[ "${output% *}" = "foo.test A 0 10.1.2.3" ]
	done
	grep -q '2001:db8:5::53", 10.8.8.1' "$tmp/ns6.yaml"
}

@test "isolated: getent hosts finds a hosts entry and fails at once on an unknown name" {
	for identity in docker.yaml multi-nic.yaml; do
		run "$FAKENET" run --identity "$TOP/identities/$identity" --net isolated --shims none -- sh -c '
			getent hosts ispt.ahnlab.com
			start=$(date +%s%N)
			getent hosts no-such-host.example.org; echo "status $?"
			echo "ms $(( ($(date +%s%N) - start) / 1000000 ))"'
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "127.0.0.1       ispt.ahnlab.com" ]]
		[ "${lines[1]}" = "status 2" ]
		[ "${lines[2]#ms }" -lt 500 ]
	done
}

@test "isolated: --publish makes a server inside reachable on the host's loopback" {
	port=$((20000 + RANDOM % 20000))
	echo "served from inside" >"$tmp/index.txt"
	"$FAKENET" run --net isolated --shims none --publish "$port:8000" -- \
		"$PYTHON" -m http.server 8000 --bind 127.0.0.1 --directory "$tmp" >/dev/null 2>&1 &
	runner=$!
	for _ in $(seq 100); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/index.txt" && break
		sleep 0.05
	done
	run curl -sS "http://127.0.0.1:$port/index.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "served from inside" ]
	# The server itself is in the namespace, not on the host.
	run curl -sf -m 2 "http://127.0.0.1:8000/index.txt"
	[ "$output" != "served from inside" ]
	kill -TERM "$runner"
	wait "$runner" || true
}

@test "isolated: --publish carries an HTTPS server inside (the daemons' own port) to the host" {
	require_command openssl openssl
	port=$((20000 + RANDOM % 20000))
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
	echo "served over TLS from inside" >"$tmp/index.txt"
	cat >"$tmp/tls.py" <<'PY'
import http.server, os, ssl, sys
os.chdir(sys.argv[1])
srv = http.server.HTTPServer(("127.0.0.1", 55920), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(sys.argv[1], "cert.pem"), os.path.join(sys.argv[1], "key.pem"))
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
	"$FAKENET" run --net isolated --shims none --publish "$port:55920" -- \
		$PYTHON "$tmp/tls.py" "$tmp" >/dev/null 2>&1 &
	runner=$!
	for _ in $(seq 100); do
		curl -sf -o /dev/null --cacert "$tmp/cert.pem" "https://localhost:$port/index.txt" && break
		sleep 0.05
	done
	# Verified against the certificate the server inside holds: the bytes went through untouched.
	run curl -sS --cacert "$tmp/cert.pem" "https://localhost:$port/index.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "served over TLS from inside" ]
	kill -TERM "$runner"
	wait "$runner" || true
}

@test "isolated: --publish with an address and another port inside" {
	port=$((20000 + RANDOM % 20000))
	"$FAKENET" run --net isolated --shims none --publish "127.0.0.1:$port:7000" -- \
		"$PYTHON" -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 7000)); s.listen(1)
c, _ = s.accept(); c.sendall(c.recv(100).upper()); c.close()' &
	runner=$!
	for _ in $(seq 100); do
		out=$(printf 'hello' | $PYTHON -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
c.sendall(b"hello"); c.shutdown(socket.SHUT_WR); print(c.recv(100).decode())' "$port" 2>/dev/null) && [ -n "$out" ] && break
		sleep 0.05
	done
	[ "$out" = "HELLO" ]
	wait "$runner"
}

# The network namespaces a process holds, as inode numbers: its own and every namespace fd.
netns_inodes_of() {
	local pid=$1 self
	self=$(readlink /proc/self/ns/net)
	for f in /proc/"$pid"/ns/net /proc/"$pid"/fd/*; do
		l=$(readlink "$f" 2>/dev/null) || continue
		[[ "$l" == net:\[* && "$l" != "$self" ]] && echo "$l"
	done | sort -u
}

@test "isolated: SIGKILL of the runner leaves no namespace, link, rule or process behind" {
	links_before=$(ip -o link | cut -d: -f2 | sort)
	"$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none -- sleep "$nap" &
	runner=$!
	for _ in $(seq 200); do pgrep -f "^sleep $nap" >/dev/null && break; sleep 0.05; done
	target=$(pgrep -f "^sleep $nap")
	# The runner holds the peers' namespace and the target's; the target sits in the latter.
	held=$(netns_inodes_of "$runner")
	[ "$(echo "$held" | wc -l)" -eq 2 ]
	echo "$held" | grep -qxF "$(readlink /proc/"$target"/ns/net)"
	kill -KILL "$runner"
	wait "$runner" || true
	for _ in $(seq 40); do pgrep -f "$nap" >/dev/null || break; sleep 0.05; done
	run pgrep -f "$nap"
	[ "$status" -eq 1 ]
	# Nothing anywhere still holds either namespace: no process, no fd, no bind mount. Without a
	# reference the kernel frees them, and with them their links and rules. A process that has
	# released its memory (pgrep no longer sees its command line) still holds its namespaces until
	# it has exited: on a busy machine that takes a moment, so they get a few seconds, not none.
	for ns in $held; do
		for _ in $(seq 100); do
			run sh -c "ls -l /proc/[0-9]*/ns/net /proc/[0-9]*/fd 2>/dev/null | grep -F '$ns'"
			[ -n "$output" ] || break
			sleep 0.05
		done
		[ -z "$output" ]
		! grep -qF "$ns" /proc/self/mountinfo /proc/1/mountinfo || false
	done
	[ "$(ip -o link | cut -d: -f2 | sort)" = "$links_before" ]
}

@test "isolated --log: every connection attempt and DNS query is a JSON line with its verdict" {
	log="$tmp/audit.jsonl"
	run "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none \
		--log "$log" -- sh -c "$PYTHON -c '$ATTEMPTS' 198.18.77.2:8080 udp:[2001:db8::1]:53 10.0.0.5:9 \
		>/dev/null; getent hosts nothing.example; exit 0"
	[ "$status" -eq 0 ]
	run $PYTHON -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "connect":
        print(e["command"], e["call"], e["protocol"], e["address"], e["port"], e["verdict"])
    elif e["event"] == "dns":
        print("dns", e["name"], e["type"], e["rcode"], e["answer"], e["command"], e["pid"])' "$log"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"python3 connect tcp 198.18.77.2 8080 refused"* ]]
	[[ "$output" == *"python3 sendto udp 2001:db8::1 53 refused"* ]]
	[[ "$output" == *"python3 connect tcp 10.0.0.5 9 allowed"* ]]
	[[ "$output" == *"getent connect udp 10.0.0.2 53 resolver"* ]]
	# Who asked: the resolver names the process the connection audit saw connect to it.
	getent_pid=$($PYTHON -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "connect" and e["command"] == "getent":
        print(e["pid"]); break' "$log")
	[ -n "$getent_pid" ] && [ "$getent_pid" -gt 1 ]
	[[ "$output" == *"dns nothing.example 1 NXDOMAIN None getent $getent_pid"* ]]
	! grep -q '"event":"dns","pid":0' "$log" || false
}

@test "isolated --log: sendmsg and sendmmsg destinations are logged, one line each, the datagrams refused by the gateway" {
	log="$tmp/audit.jsonl"
	run "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none \
		--log "$log" -- sh -c "$PYTHON -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendmsg([b\"x\"], [], 0, (\"198.18.5.5\", 5353))
    print(\"sendmsg sent\")
except OSError as e:
    print(\"sendmsg\", e.errno)
'; $BATS_FILE_TMPDIR/sendmmsg 10.0.0.5:7 198.18.6.6:123 10.1.0.5:9"
	echo "$output"
	[ "$status" -eq 0 ]
	# The kernel's answers: every datagram has a route and goes; the gateway's refusal (port
	# unreachable) is no error for an unconnected sender.
	[ "${lines[0]}" = "sendmsg sent" ]
	[ "${lines[1]}" = "sent 3" ]
	run $PYTHON -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "connect":
        print(e["command"], e["call"], e["protocol"], e["address"], e["port"], e["verdict"])' "$log"
	echo "$output"
	[ "$output" = "python3 sendmsg udp 198.18.5.5 5353 refused
sendmmsg sendmmsg udp 10.0.0.5 7 allowed
sendmmsg sendmmsg udp 198.18.6.6 123 refused
sendmmsg sendmmsg udp 10.1.0.5 9 allowed" ]
}

@test "verify: holds inside an isolated run, and with --pid from outside" {
	# From inside, all but the gateway's policy holds; that it cannot see, so it cannot say.
	run "$FAKENET" run --identity "$TOP/identities/multi-nic.yaml" --net isolated --shims none -- "$FAKENET" verify
	echo "$output"
	[ "$status" -eq 2 ]
	[ "$(grep -c '^not ok' <<<"$output")" -eq 1 ]
	[[ "$output" == *"not ok 7 - gateway: its filter cannot be seen from inside; run fakenet verify --pid PID from outside"* ]]
	[[ "$output" == *"ok 3 - a connection to the gateway 10.0.0.1 is refused at once"* ]]
	[[ "$output" == *"ok 6 - the resolver 10.0.0.3 answers at once"* ]]
	"$FAKENET" run --net isolated --shims none -- sleep "$nap" &
	runner=$!
	for _ in $(seq 200); do pgrep -f "^sleep $nap" >/dev/null && break; sleep 0.05; done
	target=$(pgrep -f "^sleep $nap")
	run "$FAKENET" verify --pid "$target"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok 5 - the resolver 127.0.0.11 answers at once"* ]]
	[[ "$output" == *"ok 7 - gateway: table netdev fakenet refuses what the target's links send"* ]]
	# Without the gateway's ingress chain, verify says so.
	gw=$(gateway_ns_of_runner "$runner" "$target")
	nsenter --net="$gw" nft delete table netdev fakenet
	run -1 "$FAKENET" verify --pid "$target"
	echo "$output"
	[[ "$output" == *"not ok 7 - gateway: table netdev fakenet refuses what the target's links send"* ]]
}

@test "verify: fails when a root target adds a routing rule, and where no runner holds a gateway" {
	run "$FAKENET" run --net isolated --shims none -- sh -c "ip rule add pref 100 lookup main && exec $FAKENET verify"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not ok 1 - IPv4: the routing rules are the kernel's own # rule 100 "* ]]
	# An ordinary network namespace (a link to a router that refuses, as the gateway does) is no
	# environment: verify from inside it must not say one holds.
	run unshare -n sh -c "ip link set lo up; exec $FAKENET verify"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"- gateway: its filter cannot be seen from inside; run fakenet verify --pid PID from outside"* ]]
	# A namespace fakenet did not build: no runner, no gateway.
	unshare -n sleep "$nap" &
	other=$!
	for _ in $(seq 100); do [ "$(readlink /proc/$other/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
	run -1 "$FAKENET" verify --pid "$other"
	echo "$output"
	[[ "$output" == *"not ok "*" - gateway: the runner holds a gateway namespace other than the target's # no runner found"* ]]
	kill "$other"
}

@test "log summarize: files, shim calls, connection attempts and DNS queries, most frequent first" {
	cat >"$tmp/log" <<'LOG'
{"time":"2026-11-25T17:00:00.000Z","event":"open","pid":3,"path":"/proc/net/route","command":"route"}
{"time":"2026-11-25T17:00:00.001Z","event":"open","pid":4,"path":"/proc/net/route","command":"astxdaemon"}
{"time":"2026-11-25T17:00:00.002Z","event":"open","pid":4,"path":"/sys/class/net/eth0/address","command":"astxdaemon"}
{"time":"2026-11-25T17:00:00.003Z","event":"shim","pid":5,"tool":"curl","argv":["curl","-s","ipinfo.io/ip"],"exit":6,"url":"http://ipinfo.io/ip","source":"blocked","rule":null,"result":"unresolvable","status":null}
{"time":"2026-11-25T17:00:00.004Z","event":"connect","pid":4,"command":"astxdaemon","call":"connect","protocol":"tcp","address":"203.0.113.9","port":443,"verdict":"refused"}
{"time":"2026-11-25T17:00:00.005Z","event":"connect","pid":6,"command":"nc","call":"connect","protocol":"tcp","address":"203.0.113.9","port":443,"verdict":"refused"}
{"time":"2026-11-25T17:00:00.006Z","event":"connect","pid":4,"command":"astxdaemon","call":"sendto","protocol":"udp","address":"2001:db8::1","port":53,"verdict":"refused"}
{"time":"2026-11-25T17:00:00.007Z","event":"dns","pid":0,"name":"ispt.ahnlab.com","type":1,"rcode":"NOERROR","answer":"127.0.0.1"}
{"time":"2026-11-25T17:00:00.008Z","event":"dns","pid":4,"command":"astxdaemon","name":"ispt.ahnlab.com","type":1,"rcode":"NOERROR","answer":"127.0.0.1"}
not json
LOG
	run "$FAKENET" log summarize "$tmp/log"
	[ "$status" -eq 0 ]
	[ "$output" = "Files of the view opened:
      2  /proc/net/route  (route, astxdaemon)
      1  /sys/class/net/eth0/address  (astxdaemon)

Shim tools run:
      1  curl http://ipinfo.io/ip

Connection attempts:
      2  refused   203.0.113.9:443/tcp  (astxdaemon, nc)
      1  refused   [2001:db8::1]:53/udp  (astxdaemon)

DNS queries:
      2  ispt.ahnlab.com A NOERROR 127.0.0.1  (astxdaemon)

1 line(s) could not be read" ]
	run "$FAKENET" log summarize "$tmp/missing"
	[ "$status" -eq 1 ]
	run "$FAKENET" log
	[ "$status" -eq 2 ]
}

@test "isolated: root without CAP_SYS_ADMIN builds the namespace inside a user namespace of its own" {
	require_command setpriv util-linux
	ASAN_OPTIONS=detect_leaks=0 run setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin \
		"$FAKENET" run --net isolated --shims none -- sh -c 'ip -br addr show eth0; cat /sys/class/net/eth0/address
			getent hosts no-such-host.example; echo "status $?"'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "eth0@if2 "*" UP "*" 172.18.0.2/16 " ]]
	[ "${lines[1]}" = "02:42:ac:12:00:02" ]
	[ "${lines[2]}" = "status 2" ]
}

@test "isolated: a FUSE mount refused once the namespaces are built is reported as such, with no user namespace tried" {
	require_command strace strace
	# Root with CAP_SYS_ADMIN builds the namespaces before the view; strace makes the FUSE mount
	# (the runner's first fsmount) fail with EPERM. A user namespace of the runner's own would
	# not help: the namespaces built belong to the host's, which the init could not join from it.
	ASAN_OPTIONS=detect_leaks=0 run -125 strace -f -qq -o "$tmp/trace" -e trace=unshare,fsmount \
		-e inject=fsmount:error=EPERM:when=1 \
		"$FAKENET" run --net isolated --shims none -- sh -c "touch '$tmp/ran'"
	[ "$output" = "fakenet: fsmount: Operation not permitted (run as root, or in Docker add --device /dev/fuse --cap-add SYS_ADMIN)" ]
	grep -q 'fsmount(.*(INJECTED)' "$tmp/trace"
	run grep -F CLONE_NEWUSER "$tmp/trace"
	[ "$status" -eq 1 ]
	[ ! -e "$tmp/ran" ]
}

@test "check --net isolated: every probe, the kernel's own answers included, agrees" {
	# The default identity, and desktop.yaml, whose nameserver is its gateway.
	for identity in "" "$TOP/identities/desktop.yaml"; do
		run "$FAKENET" check ${identity:+--identity "$identity"} --net isolated --format tap
		echo "$output" | grep -v '^ok' || true
		[ "$status" -eq 0 ]
		# Only the tells no mode avoids yet (the FUSE views) are left, as TODO.
		! grep '^not ok' <<<"$output" | grep -v '^not ok [0-9]* - tell: .* # TODO ' || false
	done
}
