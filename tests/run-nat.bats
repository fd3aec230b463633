#!/usr/bin/env bats
# `fakenet run --net nat`, the default: the kernel holds the identity, and the network is still
# there through the identity's gateway (pasta, from a gateway namespace of fakenet's own).
# Expected values come from the real kernel: a namespace built from the same identity by
# tests/lib/netns-from-identity.py, asked by the same real programs (a dynamic and a static C
# program, python, the real ip, busybox). pasta connects from the runner's own network, so every
# run happens inside a namespace the test creates ("edge"), whose only link leads to a second
# test namespace ("inet") that plays the internet: an HTTP server and a resolver. No packet can
# reach any other network.

bats_require_minimum_version 1.5.0

load lib/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	cc -O1 -o "$BATS_FILE_TMPDIR/ifprobe" "$BATS_TEST_DIRNAME/lib/ifprobe.c"
	cc -O1 -static -o "$BATS_FILE_TMPDIR/ifprobe-static" "$BATS_TEST_DIRNAME/lib/ifprobe.c"
}

setup() {
	require_pasta_world
	edge="fnn-edge-$$"
	inet="fnn-inet-$$"
	ref="fnn-ref-$$"
	new_nap
	new_tmpdir tmp
	make_edge_and_inet "$edge" "$inet" 198.18.66
	# `ip netns exec` puts this file over /etc/resolv.conf: the host resolver is the test's.
	mkdir -p "/etc/netns/$edge"
	at_teardown rm -rf "/etc/netns/$edge"
	echo "nameserver 198.18.66.2" >"/etc/netns/$edge/resolv.conf"
	mkdir -p "$tmp/www"
	echo "served by the test host" >"$tmp/www/index.html"
	serve_http "$inet" 198.18.66.2 8080 "$tmp/www"
	serve_in "$inet" "$PYTHON" "$TOP/tests/lib/dns-server.py" 198.18.66.2 198.18.66.2 "$tmp/dns-count"
	wait_listening "$inet" udp 53
}

teardown() {
	[ -n "${runner:-}" ] && kill -KILL "$runner" 2>/dev/null
	netns_down "$ref"
	common_teardown
}

# Runs fakenet in the edge namespace, the runner's "host".
in_edge() {
	ip netns exec "$edge" "$FAKENET" "$@"
}

# Every program that asks the kernel: run the same way in the reference namespace and the target.
probes() {
	cat <<SCRIPT
echo '## ifprobe'; $BATS_FILE_TMPDIR/ifprobe 192.0.2.1 | grep -v '^nodename'
echo '## ifprobe -static'; $BATS_FILE_TMPDIR/ifprobe-static 192.0.2.1 | grep -v '^nodename'
echo '## python'; $PYTHON -c 'import socket, uuid; print(socket.if_nameindex()); print("%012x" % uuid.getnode())'
echo '## ip addr'; ip addr
echo '## ip link'; ip link
echo '## ip route'; ip route
echo '## ip neigh'; ip neigh | sort
echo '## busybox ifconfig'; busybox ifconfig -a
echo '## busybox ip addr'; busybox ip addr
SCRIPT
}

# Values the kernel moves on its own: counters, neighbour states that decay, the peers' netns.
mask() {
	sed -E -e 's/link-netns(id)? [^ ]+/link-netns X/' \
		-e 's/\b(REACHABLE|STALE|DELAY|PROBE|PERMANENT)\b/VALID/' \
		-e 's/(packets|bytes|errors|dropped|overruns|frame|carrier|collisions):? ?[0-9]+( \([^)]*\))?/\1 N/g' \
		-e 's/(RX|TX) bytes:N/\1 bytes N/'
}

parity() {
	local identity=$1
	require_command busybox busybox-static
	netns_up "$identity" "$ref"
	ip netns exec "$ref" sh -c "$(probes)" 2>&1 | mask | sort_inet6_runs >"$tmp/want"
	in_edge run --identity "$identity" --shims none -- sh -c "$(probes)" 2>&1 | mask |
		sort_inet6_runs >"$tmp/got"
	diff -u "$tmp/want" "$tmp/got"
	# The static program's nodename and python's hostname are the identity's.
	host=$(identity_fact "$identity" 'y["hostname"]')
	in_edge run --identity "$identity" --shims none -- sh -c \
		"$BATS_FILE_TMPDIR/ifprobe-static | grep nodename; $PYTHON -c 'import socket; print(socket.gethostname())'" \
		>"$tmp/names"
	[ "$(cat "$tmp/names")" = "nodename $host
$host" ]
	no_host_facts "$edge" "$tmp/got"
}

@test "nat: getifaddrs, ioctls, if_nameindex, the UDP source, uuid, ip and busybox agree with a kernel built like docker.yaml, nothing of the host" {
	parity "$TOP/identities/docker.yaml"
}

@test "nat: the same for multi-nic.yaml" {
	parity "$TOP/identities/multi-nic.yaml"
}

@test "nat: the same for desktop.yaml" {
	parity "$TOP/identities/desktop.yaml"
}

@test "nat: the default mode reaches a test host through the gateway; names go to the host's resolver, blocked names do not" {
	run -0 in_edge run --shims none -- sh -c '
		curl -sS --max-time 5 http://198.18.66.2:8080/
		curl -sS --max-time 5 http://www.example.test:8080/
		getent hosts ipinfo.io
		curl -sS --max-time 5 -o /dev/null http://ipinfo.io:8080/ || echo refused'
	echo "$output" | sed 's/^/# /'
	[ "${lines[0]}" = "served by the test host" ]
	[ "${lines[1]}" = "served by the test host" ]
	[[ "${lines[2]}" == "127.0.0.1 "*ipinfo.io* ]]
	[ "${lines[-1]}" = refused ]
	# The test resolver saw the unknown name, never the blocked one.
	[ "$(cat "$tmp/dns-count")" -ge 1 ]
	run -0 in_edge run --shims none -- sh -c 'nslookup ipinfo.io 127.0.0.11 >/dev/null; cat /etc/resolv.conf'
	count=$(cat "$tmp/dns-count")
	run -0 in_edge run --shims none -- getent hosts ipinfo.io
	[ "$(cat "$tmp/dns-count")" -eq "$count" ]
}

@test "nat: a server inside on 127.0.0.1 is reachable on the host's 127.0.0.1 while the target runs, without a flag" {
	port=$((20000 + RANDOM % 20000))
	# ip netns exec execs fakenet: $! is the runner itself.
	ip netns exec "$edge" "$FAKENET" run --shims none -- \
		$PYTHON -m http.server -b 127.0.0.1 -d "$tmp/www" "$port" >/dev/null 2>&1 &
	runner=$!
	got=
	for _ in $(seq 100); do
		got=$(ip netns exec "$edge" curl -sS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null) &&
			break
		sleep 0.1
	done
	[ "$got" = "served by the test host" ]
	# The host's listener goes with the runner.
	kill -TERM "$runner"
	wait "$runner" || true
	! ip netns exec "$edge" ss -ltn "sport = :$port" | grep -q LISTEN || false
}

@test "filtered: a root target that deletes its rules, routes and nftables table still gets nothing past the allowlist" {
	require_command nft nftables
	serve_http "$inet" 198.18.66.2 9090 "$tmp/www"
	insegs() { ip netns exec "$inet" awk '/^Tcp:/ && $3 ~ /^[0-9]/ { print $11 }' /proc/net/snmp; }
	before=$(insegs)
	run in_edge run --net filtered --allow tcp/8080 --shims none -- sh -c '
		ip -4 rule flush; ip -6 rule flush
		ip -4 rule add pref 32766 table main
		ip route replace default via 172.18.0.1 dev eth0
		nft flush ruleset
		ip rule; nft list ruleset | wc -l
		curl -sS --max-time 3 -o /dev/null http://198.18.66.2:9090/ && echo reached || echo failed'
	echo "$output" | sed 's/^/# /'
	[ "${lines[-1]}" = failed ]
	[[ "$output" == *"from all lookup main"* ]]
	# Nothing arrived at the test host: no TCP segment at all.
	[ "$(insegs)" -eq "$before" ]
	# The allowed port still works after the same deletions.
	run -0 in_edge run --net filtered --allow tcp/8080 --shims none -- sh -c '
		ip -4 rule flush; ip -4 rule add pref 32766 table main; nft flush ruleset
		curl -sS --max-time 3 http://198.18.66.2:8080/'
	[ "$output" = "served by the test host" ]
}

# The network namespaces a process holds (its own and by descriptor), other than `self`'s.
netns_inodes_of() {
	local pid=$1 self=$2
	for f in /proc/"$pid"/ns/net /proc/"$pid"/fd/*; do
		l=$(readlink "$f" 2>/dev/null) || continue
		[[ "$l" == net:\[* && "$l" != "$self" ]] && echo "$l"
	done | sort -u
}

# Every process whose network namespace is one of the arguments (other runs on this machine
# have their own pastas and namespaces: only the test's edge namespace and what it held count).
processes_in() {
	for f in /proc/[0-9]*/ns/net; do
		l=$(readlink "$f" 2>/dev/null) || continue
		for ns in "$@"; do
			[ "$l" = "$ns" ] && echo "${f%/ns/net}"
		done
	done
}

# holders UPTIME NS...: the processes started before UPTIME (seconds since boot) that are in one of
# the network namespaces NS or hold one by a descriptor. A namespace's inode number is free for the
# next one made anywhere once it is gone, so only processes older than its end can hold it.
holders() {
	local t=$1 tick p f l ns
	shift
	tick=$(getconf CLK_TCK)
	for p in /proc/[0-9]*; do
		awk -v t="$t" -v tick="$tick" '{ sub(/.*\) /, ""); exit !($20 / tick <= t) }' \
			"$p/stat" 2>/dev/null || continue
		for f in "$p"/ns/net "$p"/fd/*; do
			l=$(readlink "$f" 2>/dev/null) || continue
			for ns in "$@"; do
				[ "$l" != "$ns" ] || echo "$f"
			done
		done
	done
}

@test "nat: no pasta, no namespace, no link and no process is left after a normal exit, a signal or a failure" {
	edge_ns=$(ip netns exec "$edge" readlink /proc/self/ns/net)
	links_before=$(ip -n "$edge" -o link | cut -d: -f2 | sort)
	# Normal exit, and a failure (a command that does not exist).
	run -0 in_edge run --shims none -- true
	run -127 in_edge run --shims none -- "/nonexistent-$nap"
	[ -z "$(processes_in "$edge_ns")" ]
	# A signal to the runner, while pasta and the target run.
	ip netns exec "$edge" "$FAKENET" run --shims none -- sleep "$nap" &
	runner=$!
	for _ in $(seq 200); do pgrep -f "^sleep $nap" >/dev/null && break; sleep 0.05; done
	pgrep -f "^sleep $nap" >/dev/null
	held=$(netns_inodes_of "$runner" "$edge_ns")
	# The gateway's namespace and the target's; pasta runs in the edge namespace.
	[ "$(echo "$held" | wc -l)" -eq 2 ]
	[ -n "$(pgrep -P "$runner" -f pasta)" ]
	kill -TERM "$runner"
	wait "$runner" || true
	ended=$(cut -d' ' -f1 /proc/uptime)
	run pgrep -f "$nap"
	[ "$status" -eq 1 ]
	# When the runner has returned, nothing is left: no process in the edge namespace (pasta
	# included) or in either namespace, nothing holding them, no link.
	[ -z "$(processes_in "$edge_ns")" ]
	[ -z "$(holders "$ended" $held)" ]
	[ "$(ip -n "$edge" -o link | cut -d: -f2 | sort)" = "$links_before" ]
}

@test "nat: a pasta that fails while the init builds the view is reported, the target never runs, and nothing is left" {
	edge_ns=$(ip netns exec "$edge" readlink /proc/self/ns/net)
	# A pasta that exits at once: however far the init got, the target waits for pasta's route.
	mkdir "$tmp/bin"
	printf '#!/bin/sh\nexit 3\n' >"$tmp/bin/pasta"
	chmod +x "$tmp/bin/pasta"
	run -125 ip netns exec "$edge" env PATH="$tmp/bin:$PATH" "$FAKENET" run --shims none -- \
		sh -c "touch '$tmp/ran'; sleep $nap"
	[ "$output" = "fakenet: pasta exited (status 3) before its tap was up: Input/output error" ]
	[ ! -e "$tmp/ran" ]
	run pgrep -f "$nap"
	[ "$status" -eq 1 ]
	[ -z "$(processes_in "$edge_ns")" ]
}

# A pasta that never brings its tap up: the runner waits for it while the init waits at the gate.
stub_pasta_sleeping() {
	mkdir -p "$tmp/bin"
	printf '#!/bin/sh\nexec sleep %s\n' "$nap" >"$tmp/bin/pasta"
	chmod +x "$tmp/bin/pasta"
}

# Whether the init, the runner's child that is still fakenet, is blocked reading the gate's eventfd.
init_at_gate() {
	local init nr fd rest
	init=$(pgrep -P "$1" -x fakenet) || return 1
	read -r nr fd rest <"/proc/$init/syscall" || return 1
	[ "$nr" = 0 ] && [ "$(readlink "/proc/$init/fd/$((fd))")" = "anon_inode:[eventfd]" ]
}

# Nothing of the run is left: no process of the test's, none in the namespaces given (the edge
# namespace). The runner's FUSE mount is detached (no mountinfo shows it) and lives only as long
# as its server, a process of the runner's, which these checks cover.
nothing_left() {
	run pgrep -f "$nap"
	[ "$status" -eq 1 ]
	[ -z "$(processes_in "$@")" ]
}

@test "nat: SIGTERM to the runner while the target waits for pasta ends the run with 143 and leaves nothing" {
	edge_ns=$(ip netns exec "$edge" readlink /proc/self/ns/net)
	stub_pasta_sleeping
	# A wait for pasta that only the signal can end.
	ip netns exec "$edge" env PATH="$tmp/bin:$PATH" FAKENET_PASTA_WAIT_S=86400 "$FAKENET" run \
		--shims none -- sh -c "touch '$tmp/ran'" &
	runner=$!
	for _ in $(seq 200); do init_at_gate "$runner" && break; sleep 0.05; done
	init_at_gate "$runner"
	held=$(netns_inodes_of "$runner" "$edge_ns")
	[ "$(echo "$held" | wc -l)" -eq 2 ]
	kill -TERM "$runner"
	status=0
	wait "$runner" || status=$?
	ended=$(cut -d' ' -f1 /proc/uptime)
	runner=
	[ "$status" -eq 143 ]
	[ ! -e "$tmp/ran" ]
	nothing_left "$edge_ns"
	[ -z "$(holders "$ended" $held)" ]
}

@test "nat: the init failing while pasta comes up is what is reported, and nothing is left" {
	edge_ns=$(ip netns exec "$edge" readlink /proc/self/ns/net)
	stub_pasta_sleeping
	# /etc/hosts a directory in a mount namespace of the test's: the init cannot put the
	# identity's file over it. pasta never comes up, and the wait for it has no time limit to
	# speak of: only the init's report can end it.
	# The copy has a machine id, so that /etc is not layered to add one (a layer would show the
	# identity's file over the directory, and the init would not fail). The wait is long, not
	# endless: should the init not fail, the test fails on pasta's time-out instead of hanging.
	run -125 ip netns exec "$edge" unshare -m sh -c "mkdir '$tmp/etc' && cp -a /etc/. '$tmp/etc/' && rm '$tmp/etc/hosts' &&
		mkdir '$tmp/etc/hosts' && { [ -e '$tmp/etc/machine-id' ] || echo 0123456789abcdef0123456789abcdef >'$tmp/etc/machine-id'; } &&
		mount --bind '$tmp/etc' /etc &&
		PATH='$tmp/bin:$PATH' FAKENET_PASTA_WAIT_S=60 exec '$FAKENET' run --shims none -- sh -c 'touch $tmp/ran'"
	[ "$output" = "fakenet: mounting the view over /etc/hosts: Invalid argument" ]
	[ ! -e "$tmp/ran" ]
	nothing_left "$edge_ns"
}

@test "nat: a pasta that never brings its route up fails the run at FAKENET_PASTA_WAIT_S; a bad value is said and the default used" {
	edge_ns=$(ip netns exec "$edge" readlink /proc/self/ns/net)
	stub_pasta_sleeping
	run -125 ip netns exec "$edge" env PATH="$tmp/bin:$PATH" FAKENET_PASTA_WAIT_S=0.2 \
		"$FAKENET" run --shims none -- sh -c "touch '$tmp/ran'"
	[ "$output" = "fakenet: waiting for pasta's route in the peer namespace: Connection timed out" ]
	[ ! -e "$tmp/ran" ]
	nothing_left "$edge_ns"
	# The value is checked once the wait begins; a pasta that exits at once ends it.
	printf '#!/bin/sh\nexit 3\n' >"$tmp/bin/pasta"
	run -125 ip netns exec "$edge" env PATH="$tmp/bin:$PATH" FAKENET_PASTA_WAIT_S=soon \
		"$FAKENET" run --shims none -- true
	[ "${lines[0]}" = "fakenet: FAKENET_PASTA_WAIT_S=soon is not a number of seconds; using 3" ]
	[ "${lines[1]}" = "fakenet: pasta exited (status 3) before its tap was up: Input/output error" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "nat: auto falls back to host without pasta or /dev/net/tun, saying why on stderr once" {
	require_command unshare util-linux
	pasta=$(command -v pasta)
	# A mount namespace of the test's where pasta is not executable, then one without a tun.
	: >"$tmp/not-pasta"
	run -0 --separate-stderr unshare -m sh -c "mount --bind '$tmp/not-pasta' '$pasta' &&
		'$FAKENET' run --shims none -- cat /proc/net/route"
	[ "$stderr" = "fakenet: network mode host: no pasta on PATH (Debian package passt), so nat cannot run" ]
	# Host mode: fakefs's /proc/net/route, which shows the identity's gateway (172.18.0.1).
	[[ "$output" == *"eth0	00000000	010012AC"* ]]
	run -0 --separate-stderr unshare -m sh -c "mount -t tmpfs none /dev/net &&
		'$FAKENET' run --shims none -- true"
	[ "$stderr" = "fakenet: network mode host: no usable /dev/net/tun, so nat cannot run" ]
	# Explicit nat says what it needs instead of falling back.
	run -125 unshare -m sh -c "mount --bind '$tmp/not-pasta' '$pasta' &&
		'$FAKENET' run --net nat --shims none -- true"
	[ "$output" = "fakenet: run: --net nat cannot run here: no pasta on PATH (Debian package passt)" ]
}

@test "nat: an identity without an IPv4 gateway gets isolated by default, saying why once" {
	cat >"$tmp/nogw.yaml" <<'YAML'
version: 1
hostname: nogw
interfaces:
  - {name: eth0, mac: "02:00:00:00:00:01", addresses: [10.9.9.9/24]}
YAML
	run -0 --separate-stderr in_edge run --identity "$tmp/nogw.yaml" --shims none -- \
		sh -c 'ip route; curl -s --max-time 3 http://198.18.66.2:8080/ || echo unreachable'
	[ "$stderr" = "fakenet: network mode isolated: the identity has no IPv4 gateway for nat to lead out through" ]
	[ "${lines[0]}" = "10.9.9.0/24 dev eth0 proto kernel scope link src 10.9.9.9 " ]
	[ "${lines[-1]}" = unreachable ]
	# Asked for explicitly, nat says what it needs.
	run -125 in_edge run --identity "$tmp/nogw.yaml" --net nat --shims none -- true
	[[ "$output" == *"need an IPv4 gateway in the identity"* ]]
}

@test "nat: the gateway answers ARP: a flushed neighbour entry is learned again with the gateway's MAC" {
	run -0 in_edge run --shims none -- sh -c '
		ip neigh del 172.18.0.1 dev eth0; ip neigh show 172.18.0.1
		curl -sS --max-time 5 -o /dev/null http://198.18.66.2:8080/ && echo reached
		ip neigh show 172.18.0.1'
	echo "$output" | sed 's/^/# /'
	[ "${lines[0]}" = reached ]
	[[ "${lines[1]}" == "172.18.0.1 dev eth0 lladdr 02:42:ac:12:00:01 REACHABLE"* ]]
}

@test "nat: the init holds none of the runner's sockets or namespaces (nothing to take through /proc/1/fd)" {
	port=$((20000 + RANDOM % 20000))
	run -0 in_edge run --publish "127.0.0.1:$port:80" --shims none -- \
		sh -c 'ls -l /proc/1/fd | grep -c -e "socket:" -e "net:"; true'
	[ "$output" = 0 ]
}

@test "nat --log: forwarded queries are logged like answered ones, with who asked, the host resolver's answer, and SERVFAIL when none comes" {
	log="$tmp/audit.jsonl"
	run -0 in_edge run --shims none --log "$log" -- sh -c '
		getent hosts www.example.test; getent hosts ipinfo.io; exit 0'
	echo "$output" | sed 's/^/# /'
	[[ "${lines[0]}" == "198.18.66.2 "*www.example.test* ]]
	events() {
		$PYTHON -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "dns":
        print(e["name"], e["type"], e["rcode"], e["answer"], e["command"], e["pid"] > 1)' "$log"
	}
	run -0 events
	echo "$output" | sed 's/^/# /'
	# The forwarded name, answered by the test resolver, and the blocked one, answered inside
	# (its IPv6 question: /etc/hosts answers the IPv4 one).
	[[ "$output" == *"www.example.test 1 NOERROR 198.18.66.2 getent True"* ]]
	[[ "$output" == *"ipinfo.io 28 NOERROR None getent True"* ]]
	# With the test resolver gone, the forwarded question gets no answer: logged as SERVFAIL
	# once it has waited its 5 seconds, while the target still runs.
	pkill -KILL -f "dns-server.py 198.18.66.2 198.18.66.2 $tmp/dns-count"
	: >"$log"
	run -0 in_edge run --shims none --log "$log" -- $PYTHON -c '
import socket, time
ns = [l.split()[1] for l in open("/etc/resolv.conf") if l.startswith("nameserver")][0]
q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04gone\x07example\x04test\x00\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(q, (ns, 53)); time.sleep(7)'
	run -0 events
	echo "$output" | sed 's/^/# /'
	[ "$output" = "gone.example.test 1 SERVFAIL None python3 True" ]
}

@test "verify --pid under nat: the rules are the kernel's own, pasta serves a gateway namespace whose filter is hooked; each broken part is reported" {
	require_command nft nftables
	ip netns exec "$edge" "$FAKENET" run --shims none -- sleep "$nap" &
	runner=$!
	for _ in $(seq 100); do
		target=$(pgrep -f "^sleep $nap\$" | head -n 1)
		[ -n "$target" ] && break
		sleep 0.05
	done
	[ -n "$target" ]
	run -0 "$FAKENET" verify --pid "$target"
	echo "$output" | sed 's/^/# /'
	[[ "$output" == *"ok 1 - IPv4: the routing rules are the kernel's own"* ]]
	[[ "$output" == *"ok "*" - gateway: pasta (pid "*") serves that namespace"* ]]
	[[ "$output" == *"ok "*" - gateway: table netdev fakenet refuses what the target's links send"* ]]
	[[ "$output" == *"ok "*" - gateway: table inet fakenet decides what the gateway forwards"* ]]
	[[ "$output" == *"ok "*" - gateway: a default route leads out through pasta"* ]]
	! grep -q '^not ok' <<<"$output" || false
	# The gateway namespace, found as the test's own way: the one pasta holds besides its own.
	pasta=$(pgrep -P "$runner" '^pas' | head -n 1)
	gw=
	for fd in /proc/"$pasta"/fd/*; do
		link=$(readlink "$fd") || continue
		[[ "$link" == net:* ]] || continue
		[ "$link" != "$(readlink /proc/"$pasta"/ns/net)" ] &&
			[ "$link" != "$(readlink /proc/"$target"/ns/net)" ] && gw=$fd && break
	done
	[ -n "$gw" ]
	nsenter --net="$gw" nft delete chain inet fakenet gateway-forward
	run -1 "$FAKENET" verify --pid "$target"
	[[ "$output" == *"not ok "*" - gateway: table inet fakenet decides what the gateway forwards"* ]]
	nsenter --net="$gw" nft delete table netdev fakenet
	run -1 "$FAKENET" verify --pid "$target"
	[[ "$output" == *"not ok "*" - gateway: table netdev fakenet refuses what the target's links send"* ]]
	# A rule of the target's own: no longer the kernel's defaults.
	nsenter -t "$target" -n ip rule add pref 100 lookup main
	run -1 "$FAKENET" verify --pid "$target"
	[[ "$output" == *"not ok 1 - IPv4: the routing rules are the kernel's own # rule 100 "* ]]
}

@test "nat, filtered: the namespace's rules and nftables ruleset are those of a fresh namespace" {
	require_command nft nftables
	require_command busybox busybox-static
	kernel='busybox ip rule; busybox ip -6 rule; nft list ruleset'
	unshare -n sh -c "$kernel" >"$tmp/want" 2>&1
	run -0 in_edge run --net nat --shims none -- sh -c "$kernel"
	diff -u "$tmp/want" - <<<"$output"
	run -0 in_edge run --net filtered --allow tcp/8080 --shims none -- sh -c "$kernel"
	diff -u "$tmp/want" - <<<"$output"
}
