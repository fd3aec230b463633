#!/usr/bin/env bats
# Hostile inputs: identity values that a shell or a pattern would take for syntax, identities and
# probe files far bigger or deeper than usual, and URL patterns that backtrack for ever. What
# validates must run and check cleanly; what cannot must be refused at FILE:LINE:COLUMN.

load lib/common
bats_require_minimum_version 1.5.0

setup() {
	require_fakenet_env
	new_tmpdir work
	cd "$work"
}

teardown() {
	cd /
	common_teardown
}

# The only files a check may leave in its working directory: the ones the test wrote.
assert_nothing_created() {
	local left
	left=$(find "$work" -mindepth 1 -newer "$work/.stamp" ! -name '*.yaml' ! -name '*.out' -print)
	echo "created: $left"
	[ -z "$left" ]
}

# Kernel-legal interface names (dev_valid_name(): 1..15 bytes, no '/', ':' or white space) that
# are shell or pattern syntax, and the identity around them. Every other free-text field that
# reaches a view or a log carries hostile text too.
hostile_identity() {
	cat >"$work/hostile.yaml" <<-'EOF'
	version: 1
	hostname: hostile-box
	interfaces:
	  - {name: "a;id>pwn1", kind: veth, mac: "02:42:ac:12:00:02", addresses: [172.18.0.2/16]}
	  - {name: "$(>pwn2)", kind: veth, mac: "02:42:ac:12:01:02", addresses: [172.19.0.2/16]}
	  - {name: 'a\E(b.*', kind: ethernet, mac: "02:42:ac:12:02:02", addresses: [172.20.0.2/16]}
	  - {name: "q'\"`>pwn3`", kind: veth, mac: "02:42:ac:12:03:02", addresses: [172.21.0.2/16]}
	  - {name: "ü-名|&", kind: veth, mac: "02:42:ac:12:04:02", addresses: [172.22.0.2/16, "fd00::2/64"]}
	  - {name: "x]y.z[0]", kind: veth, mac: "02:42:ac:12:05:02", addresses: [172.23.0.2/16]}
	gateway: {ip: 172.18.0.1, mac: "02:42:ac:12:00:01"}
	routes:
	  - {to: 10.9.0.0/16, dev: "$(>pwn2)"}
	neighbors:
	  - {ip: 172.20.0.9, mac: "02:42:ac:12:02:09", dev: 'a\E(b.*'}
	dns:
	  nameservers: [172.18.0.1]
	  search: [example.org]
	  options: ["ndots:1;touch${IFS}pwn4", "'$(touch${IFS}pwn5)'"]
	hosts:
	  - {ip: 172.18.0.7, names: [db.internal]}
	blocked: [evil.example]
	public_ip: 203.0.113.7
	http:
	  - {url: '^http://ipinfo\.io/ip$', body: "$(touch pwn6)'\";\\E\n", headers: ["X-Q: $(touch pwn7);'\"`id`"]}
	EOF
}

@test "defect 1: hostile interface names validate, check passes, and nothing runs" {
	hostile_identity
	touch "$work/.stamp"
	run "$FAKENET" validate "$work/hostile.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$FAKENET" check --identity "$work/hostile.yaml" --format tap
	echo "$output"
	assert_nothing_created
	[ "$status" -eq 0 ]
	[ "$(grep '^not ok' <<<"$output" | grep -vc '# TODO')" -eq 0 ]
	# Every hostile interface had its per-interface probes, and they ran.
	grep -q '^ok .* - ifconfig a;id>pwn1 mtu$' <<<"$output"
	grep -q '^ok .* - /sys/class/net/$(>pwn2)/address$' <<<"$output"
	grep -q '^ok .* - /proc/net/if_inet6 addresses of a\\E(b\.\*$' <<<"$output"
	grep -q "^ok .* - ethtool -P q'\"\`>pwn3\` (pipeline)$" <<<"$output"
	grep -q '^ok .* - ifconfig ü-名|& netmask$' <<<"$output"
	grep -q '^ok .* - /sys/class/net/x\]y.z\[0\]/mtu$' <<<"$output"
}

@test "defect 1: hostile names reach user probes as arguments and literal patterns" {
	hostile_identity
	cat >"$work/probes.yaml" <<-'EOF'
	- {name: "ifconfig {if}", foreach: interface, run: "ifconfig {if} | head -1", pattern: '^({if}):? ', expect: "const:{if}"}
	- {name: "echo {if}", foreach: interface, run: "printf '%s\\n' {if}", pattern: '^({if})$', expect: "const:{if}"}
	- {name: "cat {if}", foreach: interface, read: "/sys/class/net/{if}/address", pattern: '(\S+)', expect: "interfaces[{if}].mac"}
	EOF
	touch "$work/.stamp"
	run "$FAKENET" check --identity "$work/hostile.yaml" --no-builtin --probes "$work/probes.yaml" --format tap
	echo "$output"
	assert_nothing_created
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 18 ]
}

# A big identity of one kind: N interfaces, routes or neighbours.
big_identity() {
	"$PYTHON" - "$1" "$2" >"$work/big-$1.yaml" <<-'PY'
	import sys
	kind, n = sys.argv[1], int(sys.argv[2])
	out = ["version: 1", "hostname: big", "interfaces:"]
	if kind == "interfaces":
	    for i in range(n):
	        out.append(f"  - {{name: e{i}, kind: veth, mac: '02:00:00:00:{i >> 8:02x}:{i & 255:02x}', addresses: [10.{i >> 8}.{i & 255}.2/24]}}")
	else:
	    out.append("  - {name: eth0, kind: veth, mac: '02:00:00:00:00:01', addresses: [10.0.0.2/8]}")
	out.append("gateway: {ip: 10.0.0.1, mac: '02:00:00:00:00:fe'}")
	if kind == "routes":
	    out.append("routes:")
	    for i in range(n):
	        out.append(f"  - {{to: 172.{16 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}/32, via: 10.0.0.1}}")
	if kind == "neighbors":
	    out.append("neighbors:")
	    for i in range(n):
	        j = i + 3
	        out.append(f"  - {{ip: 10.{(j >> 16) & 255}.{(j >> 8) & 255}.{j & 255}, mac: '02:01:00:{(j >> 16) & 255:02x}:{(j >> 8) & 255:02x}:{j & 255:02x}'}}")
	print("\n".join(out))
	PY
}

# An identity that validates runs, and the kernel's count of what it rendered is all there.
validates_then_runs() {
	local file=$1 count=$2 expect=$3
	run "$FAKENET" validate "$file"
	echo "$output"
	if [ "$status" -ne 0 ]; then
		# Refused: then at a place in the file, with the limit.
		grep -Eq "^$file:[0-9]+:[0-9]+: error: .*limit" <<<"$output"
		return 0
	fi
	# A kernel mode that cannot hold it falls back to host and says so on stderr.
	run --separate-stderr "$FAKENET" run --identity "$file" -- sh -c "$count"
	echo "${output:0:2000}"
	echo "${stderr:0:2000}"
	[ "$status" -eq 0 ]
	[ "$output" -eq "$expect" ]
}

@test "defect 4: 9,000 routes validate and run" {
	big_identity routes 9000
	# Each route is a /proc/net/route line, after the header, the connected and the default route.
	validates_then_runs "$work/big-routes.yaml" 'grep -c "^eth0	" /proc/net/route' 9002
}

@test "defect 4: 20,000 neighbours validate and run" {
	big_identity neighbors 20000
	# Every neighbour and the gateway are /proc/net/arp lines.
	validates_then_runs "$work/big-neighbors.yaml" 'tail -n +2 /proc/net/arp | wc -l' 20001
}

@test "defect 4: more learned neighbours than the kernel keeps: auto falls back to host, a kernel mode by name says why" {
	limit=$(cat /proc/sys/net/ipv4/neigh/default/gc_thresh3)
	big_identity neighbors $((limit + 100))
	run --separate-stderr "$FAKENET" run --identity "$work/big-neighbors.yaml" -- sh -c 'tail -n +2 /proc/net/arp | wc -l'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" -eq $((limit + 101)) ]
	[ "$(grep -c . <<<"$stderr")" -eq 1 ]
	grep -q "^fakenet: network mode host: the identity has $((limit + 101)) learned IPv4 neighbours, more than the kernel keeps" <<<"$stderr"
	run --separate-stderr "$FAKENET" run --net isolated --identity "$work/big-neighbors.yaml" -- true
	echo "$stderr"
	[ "$status" -eq 125 ]
	grep -q "cannot run this identity: .*gc_thresh3.*--net host can" <<<"$stderr"
	# Permanent entries are exempt from the kernel's limit: the same count goes into the kernel.
	sed -i '/^  - {ip: /s/}$/, state: permanent}/' "$work/big-neighbors.yaml"
	run --separate-stderr "$FAKENET" run --net isolated --identity "$work/big-neighbors.yaml" -- sh -c 'ip -4 neigh show nud permanent | wc -l'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" -eq $((limit + 100)) ]
}

@test "defect 4: 1,500 interfaces are refused at the limit; 256 validate, run and check" {
	big_identity interfaces 1500
	run "$FAKENET" validate "$work/big-interfaces.yaml"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "$work/big-interfaces.yaml:260:5: error: interfaces[256]: an identity has at most 256 interfaces (the limit)" ]
	big_identity interfaces 256
	validates_then_runs "$work/big-interfaces.yaml" 'tail -n +3 /proc/net/dev | wc -l' 257
	run "$FAKENET" check --identity "$work/big-interfaces.yaml" --format json
	echo "${output:0:3000}"
	[ "$status" -eq 0 ]
	"$PYTHON" -c 'import json, sys; d = json.load(sys.stdin); print(d["summary"]); assert d["summary"]["ok"] > 256 * 10' <<<"$output"
}

@test "defect 5: check runs 1,000 probes (the battery is no argv string)" {
	for i in $(seq 1000); do
		printf -- '- {name: "hostname %d, read through a path long enough to matter", read: /etc/hostname, pattern: "(\\\\S+)", expect: hostname}\n' "$i"
	done >"$work/many.yaml"
	check_probes "$work/many.yaml" --format tap
	echo "${output:0:2000}"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 1000 ]
}

@test "defect 5: the built-in battery with 400 blocked hosts" {
	{
		sed -n '/^blocked:/q;p' "$TOP/identities/docker.yaml"
		echo "blocked:"
		for i in $(seq 400); do echo "  - phone-home-$i.example.com"; done
	} >"$work/blocked.yaml"
	run "$FAKENET" validate "$work/blocked.yaml"
	[ "$status" -eq 0 ]
	run "$FAKENET" check --identity "$work/blocked.yaml" --format tap
	echo "${output:0:2000}"
	[ "$status" -eq 0 ]
	grep -q '^ok .* - wget phone-home-400.example.com fails at once (blocked)$' <<<"$output"
}

# Two hundred rules whose patterns backtrack exponentially on a URL of many a's: each stops at its
# match budget, and together they take well over a second even on an idle machine (fifty took
# about 0.6 s), so a one-second limit is what ends the lookup.
slow_rules_identity() {
	{
		sed -n '/^http:/q;p' "$TOP/identities/docker.yaml"
		echo "http:"
		for i in $(seq 200); do echo "  - {url: '^http://(a|aa)+(?#$i)\$', body: slow}"; done
		echo "  - {url: '^http://a+b/\$', body: \"fast\\n\"}"
	} >"$work/slow.yaml"
	url=http://$(printf 'a%.0s' $(seq 60))b
}

@test "defect 6: curl -m 1 and wget -T 1 hold whatever the patterns" {
	slow_rules_identity
	for tool in "28 curl -s -m 1" "28 curl -s --max-time 1" "28 curl -s --connect-timeout 1" \
		"4 wget -q -O- -T 1"; do
		start=$(date +%s%N)
		run "$FAKENET" run --identity "$work/slow.yaml" -- ${tool#* } "$url"
		ms=$((($(date +%s%N) - start) / 1000000))
		echo "$tool: $status in $ms ms: $output"
		# A timeout, as against a silent host, once the limit has passed (curl 28, wget 4).
		[ "$status" -eq "${tool%% *}" ]
		# The run itself costs a few hundred ms; the patterns alone took 8 s before.
		[ "$ms" -lt 4000 ]
	done
	# Without a limit every rule is tried to its budget: the last one answers.
	run "$FAKENET" run --identity "$work/slow.yaml" -- curl -s "$url"
	[ "$status" -eq 0 ]
	[ "$output" = fast ]
}

@test "defect 6: a rule that exhausts its budget is an error on stderr with -v and in --log" {
	slow_rules_identity
	run "$FAKENET" run --identity "$work/slow.yaml" --log "$work/log.out" -- curl -sv -m 1 "$url"
	echo "$output"
	grep -Eq "^\* .*http\[0\]\.url.*match budget" <<<"$output"
	grep -q '"tool":"curl"' "$work/log.out"
	grep '"tool":"curl"' "$work/log.out" | grep -q '"error":"http\[0\]\.url: .*match budget'
	run "$FAKENET" run --identity "$work/slow.yaml" -- wget -v -O- -T 5 "$url"
	echo "$output"
	grep -q "http\[0\]\.url.*match budget" <<<"$output"
}

@test "defect 6: validate warns about patterns that exhaust the budget, and still passes" {
	slow_rules_identity
	run "$FAKENET" validate "$work/slow.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -Eq "^$work/slow.yaml:[0-9]+:[0-9]+: warning: http\[0\]\.url: .*match budget" <<<"$output"
	run "$FAKENET" validate "$TOP/identities/docker.yaml"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# Runs check with only the probes of FILE, for the shipped docker identity; a hang fails it.
check_probes() {
	run timeout 300 "$FAKENET" check --identity "$TOP/identities/docker.yaml" --no-builtin --probes "$@"
}

@test "defect 7: a bad regex in a probe file is exit 2 at FILE:LINE:COLUMN" {
	cat >"$work/bad-re.yaml" <<-'EOF'
	- {name: fine, read: /etc/hostname, expect: hostname}
	- {name: broken, read: /etc/hostname,
	   pattern: '(unclosed', expect: hostname}
	EOF
	check_probes "$work/bad-re.yaml"
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q "^$work/bad-re.yaml:3:13: error: pattern: .*missing closing parenthesis" <<<"$output"
	! grep -q '^VERDICT' <<<"$output" || false
}

@test "defect 7: a hostile name cannot make a probe pattern bad" {
	hostile_identity
	cat >"$work/p.yaml" <<-'EOF'
	- {name: "if_inet6 {if}", foreach: interface, read: /proc/net/if_inet6, pattern: ' {if}$', expect: "const:1"}
	EOF
	run "$FAKENET" check --identity "$work/hostile.yaml" --no-builtin --probes "$work/p.yaml" --format tap
	echo "$output"
	! grep -q 'bad pattern' <<<"$output" || false
}

@test "defect 7: a NUL in a probe scalar is exit 2 at FILE:LINE:COLUMN" {
	printf -- '- {name: sneaky, read: "/etc/hostname\\0/etc/passwd", expect: hostname}\n' >"$work/nul.yaml"
	check_probes "$work/nul.yaml"
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q "^$work/nul.yaml:1:24: error: .*NUL" <<<"$output"
}

deep_file() {
	"$PYTHON" -c 'import sys; d = int(sys.argv[1]); sys.stdout.write(sys.argv[2] + "[" * d + "]" * d + sys.argv[3] + "\n")' "$@"
}

@test "defect 7: deep probe files are refused at once, exit 2 at FILE:LINE:COLUMN" {
	# Just under the 1 MiB limit: libyaml alone would take minutes on it.
	deep_file 500000 '- {name: deep, read: /etc/hostname, expect: hostname, x: ' '}' >"$work/deep.yaml"
	run timeout 10 "$FAKENET" check --no-builtin --probes "$work/deep.yaml"
	echo "${output:0:500}"
	[ "$status" -eq 2 ]
	grep -Eq "^$work/deep.yaml:1:[0-9]+: error: nesting is deeper than 64 levels" <<<"$output"
	# 65 levels are refused; 64 are fine (a list where a string belongs is then the only problem).
	deep_file 63 '- {name: deep, read: /etc/hostname, expect: hostname, x: ' '}' >"$work/deep.yaml"
	check_probes "$work/deep.yaml"
	[ "$status" -eq 2 ]
	grep -q "^$work/deep.yaml:1:120: error: nesting is deeper than 64 levels" <<<"$output"
	deep_file 62 '- {name: deep, read: /etc/hostname, expect: hostname, x: ' '}' >"$work/ok.yaml"
	check_probes "$work/ok.yaml"
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q "'x' must be a scalar" <<<"$output"
	! grep -q 'nesting' <<<"$output" || false
}

@test "defect 7: probe files over 1 MiB are refused, exit 2" {
	head -c 1100000 /dev/zero | tr '\0' '#' >"$work/huge.yaml"
	check_probes "$work/huge.yaml"
	echo "${output:0:500}"
	[ "$status" -eq 2 ]
	grep -q "^$work/huge.yaml: error: .*1 MiB" <<<"$output"
}

@test "deep identity files stay refused at once, exit 1 at FILE:LINE:COLUMN" {
	deep_file 500000 'version: 1
x: ' '' >"$work/deep.yaml"
	run timeout 10 "$FAKENET" validate "$work/deep.yaml"
	echo "${output:0:500}"
	[ "$status" -eq 1 ]
	grep -Eq "^$work/deep.yaml:2:[0-9]+: error: nesting is deeper than" <<<"$output"
}

@test "hostile values reach the views and the log as data" {
	hostile_identity
	touch "$work/.stamp"
	run "$FAKENET" run --identity "$work/hostile.yaml" --log "$work/log.out" -- sh -c '
		ifconfig "a;id>pwn1" | head -1
		cat "/sys/class/net/q'"'"'\"\`>pwn3\`/address"
		grep ^options /etc/resolv.conf
		curl -si http://ipinfo.io/ip'
	echo "$output"
	assert_nothing_created
	[ "$status" -eq 0 ]
	grep -q '^a;id>pwn1: flags=' <<<"$output"
	grep -qx '02:42:ac:12:03:02' <<<"$output"
	grep -qxF "options ndots:1;touch\${IFS}pwn4 '\$(touch\${IFS}pwn5)'" <<<"$output"
	grep -qxF "X-Q: \$(touch pwn7);'\"\`id\`" <<<"${output//$'\r'/}"
	grep -qF "\$(touch pwn6)'\";\\E" <<<"$output"
	# Every event is one JSON object, and the shims' argv comes back byte for byte.
	"$PYTHON" - "$work/log.out" <<-'PY'
	import json, sys
	events = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
	argvs = [e["argv"] for e in events if e.get("event") == "shim"]
	print(argvs)
	assert ["ifconfig", "a;id>pwn1"] in argvs, argvs
	PY
}
