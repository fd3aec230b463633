#!/usr/bin/env bats
# `fakenet run --net filtered`: egress through pasta, limited to an allowlist. pasta connects from
# the runner's own network, so the whole run happens inside a namespace the test creates ("edge"),
# whose only link leads to a second test namespace ("inet") that plays the internet, with an HTTP
# server on tcp/8080 and another on tcp/9090. No packet can reach any other network.

bats_require_minimum_version 1.5.0

load lib/common

setup() {
	require_pasta_world
	edge="fnf-edge-$$"
	inet="fnf-inet-$$"
	new_tmpdir tmp
	make_edge_and_inet "$edge" "$inet" 198.18.88
	for port in 8080 9090; do
		mkdir -p "$tmp/www$port"
		echo "served by $port" >"$tmp/www$port/index.html"
		serve_in "$inet" "$PYTHON" -m http.server -b 198.18.88.2 -d "$tmp/www$port" "$port"
	done
	wait_listening "$inet" tcp 8080
	wait_listening "$inet" tcp 9090
}

# A client inside the run: fetches one port, or prints the errno name and how long connect took.
client() {
	cat <<'PY'
import errno, socket, sys, time
port = int(sys.argv[1])
s = socket.socket()
s.settimeout(3)
t = time.monotonic()
try:
    s.connect(("198.18.88.2", port))
except OSError as e:
    print("failed", errno.errorcode.get(e.errno, e.errno), int((time.monotonic() - t) * 1000))
    sys.exit(0)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print("body", data.split(b"\r\n\r\n", 1)[1].decode().strip())
PY
}

@test "filtered: an allowed port reaches the test host through pasta, another fails at once and is logged as refused" {
	client >"$tmp/client.py"
	run -0 ip netns exec "$edge" "$FAKENET" run --net filtered --allow tcp/8080 --log "$tmp/log" \
		--shims none -- sh -c "$PYTHON $tmp/client.py 8080; $PYTHON $tmp/client.py 9090"
	echo "$output" | sed 's/^/# /'
	[ "${lines[0]}" = "body served by 8080" ]
	read -r word err ms <<<"${lines[1]}"
	[ "$word" = failed ]
	[ "$err" = ECONNREFUSED ]
	[ "$ms" -lt 1000 ] # refused, not the 3 s timeout (speed is make bench's)
	grep -q '"event":"connect".*"address":"198.18.88.2","port":8080,"verdict":"allowed"' "$tmp/log"
	grep -q '"event":"connect".*"address":"198.18.88.2","port":9090,"verdict":"refused"' "$tmp/log"
}

@test "filtered: the identity's network: key selects the mode when --net is not given" {
	sed 's/^version: 1$/version: 1\nnetwork: filtered/' "$TOP/identities/docker.yaml" \
		>"$tmp/id.yaml"
	grep -q '^network: filtered$' "$tmp/id.yaml"
	client >"$tmp/client.py"
	run -0 ip netns exec "$edge" "$FAKENET" run --identity "$tmp/id.yaml" --allow tcp/9090 \
		--shims none -- sh -c "$PYTHON $tmp/client.py 9090; $PYTHON $tmp/client.py 8080"
	echo "$output" | sed 's/^/# /'
	[ "${lines[0]}" = "body served by 9090" ]
	[ "${lines[1]%% *}" = failed ]
	# --net wins over the file: host mode refuses --allow.
	run -125 "$FAKENET" run --identity "$tmp/id.yaml" --net host --allow tcp/9090 -- true
}

@test "filtered: --allow-host lets out only the addresses of matching hosts entries" {
	sed 's/^version: 1$/version: 1\nhosts:\n  - {ip: 198.18.88.2, names: [api.example.com]}/' \
		"$TOP/identities/docker.yaml" | grep -v '^hosts: \[\]$' >"$tmp/id.yaml"
	client >"$tmp/client.py"
	run -0 ip netns exec "$edge" "$FAKENET" run --identity "$tmp/id.yaml" --net filtered \
		--allow-host '*.example.com' --shims none -- $PYTHON "$tmp/client.py" 9090
	echo "$output" | sed 's/^/# /'
	[ "$output" = "body served by 9090" ]
	run -125 "$FAKENET" run --net filtered --allow-host '*.nowhere.test' -- true
	[[ "$output" == *"no IPv4 hosts entry of the identity matches"* ]]
}

@test "filtered: --allow is refused when malformed or without --net filtered" {
	run -125 "$FAKENET" run --net filtered --allow tcp/0 -- true
	run -125 "$FAKENET" run --net filtered --allow icmp/1 -- true
	run -125 "$FAKENET" run --net isolated --allow tcp/443 -- true
}


# Counts, in the test host's namespace, TCP packets that arrive for `port`.
count_arrivals() {
	ip netns exec "$inet" nft add table inet fncount
	ip netns exec "$inet" nft add chain inet fncount in '{ type filter hook input priority 0; }'
	ip netns exec "$inet" nft add rule inet fncount in tcp dport "$1" counter
}

arrivals() {
	ip netns exec "$inet" nft list chain inet fncount in | awk '/counter/ { print $(NF - 2) }'
}

@test "filtered: verify holds with the allowlist; a root target that flushes its rules and ruleset still gets nothing else" {
	require_command nft nftables
	client >"$tmp/client.py"
	count_arrivals 9090
	run ip netns exec "$edge" "$FAKENET" run --net filtered --allow tcp/8080 --shims none -- \
		sh -c "$FAKENET verify; echo verify=\$?; nft flush ruleset; ip -4 rule flush;
		ip -4 rule add pref 32766 table main; $PYTHON $tmp/client.py 9090 &&
		$PYTHON $tmp/client.py 8080"
	echo "$output" | sed 's/^/# /'
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok 1 - IPv4: the routing rules are the kernel's own"* ]]
	[[ "$output" == *"ok 3 - a connection to the gateway 172.18.0.1 is refused at once"* ]]
	[[ "$output" == *"verify=2"* ]] # all but the gateway's policy, which only --pid sees
	read -r word err ms < <(grep '^failed' <<<"$output")
	[ "$word" = failed ]
	[ "$err" = ECONNREFUSED ]
	[ "$ms" -lt 1000 ] # refused, not the 3 s timeout (speed is make bench's)
	[ "${lines[-1]}" = "body served by 8080" ]
	[ "$(arrivals)" -eq 0 ]
}

@test "filtered: SIGKILL of the runner leaves no pasta, namespace or process behind" {
	nap=$((4000 + RANDOM))
	ip netns exec "$edge" "$FAKENET" run --net filtered --allow tcp/8080 --shims none -- \
		sleep "$nap" &
	runner=$!
	for _ in $(seq 200); do pgrep -f "^sleep $nap" >/dev/null && break; sleep 0.05; done
	pgrep -f "^sleep $nap"
	# Debian's pasta may exec a CPU-specific build (pasta.avx2): match the command line.
	pasta=$(pgrep -P "$runner" -f 'pasta')
	[ -n "$pasta" ]
	held=$(ls -l /proc/"$runner"/fd | grep -o 'net:\[[0-9]*\]' | sort -u)
	[ -n "$held" ]
	kill -KILL "$runner"
	wait "$runner" || true
	for _ in $(seq 40); do kill -0 "$pasta" 2>/dev/null || pgrep -f "^sleep $nap" >/dev/null || break; sleep 0.05; done
	! kill -0 "$pasta" 2>/dev/null || false
	run pgrep -f "^sleep $nap"
	[ "$status" -eq 1 ]
	# The kernel takes the namespace's last holders down after the runner; on a busy machine that
	# may take a moment, so they are given a few seconds to be gone, not none.
	for ns in $held; do
		for _ in $(seq 100); do
			run sh -c "ls -l /proc/[0-9]*/ns/net /proc/[0-9]*/fd 2>/dev/null | grep -F '$ns'"
			[ -n "$output" ] || break
			sleep 0.05
		done
		[ -z "$output" ]
	done
}
