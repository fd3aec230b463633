#!/usr/bin/env bats
# fakenet check: the battery passes for every shipped identity in every format, and a check can fail:
# wrong expectations, a bypassed view and bad probe files are reported with the disagreeing values.

load lib/common
bats_require_minimum_version 1.5.0

setup() {
	require_fakenet_env
	new_tmpdir work
}

@test "check passes for every shipped identity, text format" {
	for f in identities/*.yaml; do
		run "$FAKENET" check --identity "$f"
		echo "$f: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == VERDICT* ]]
		! grep -q '^FAIL' <<<"$output" || false
	done
}

@test "check --format tap is TAP that prove accepts, for every shipped identity" {
	for f in identities/*.yaml; do
		"$FAKENET" check --identity "$f" --format tap >"$work/out.t"
		head -1 "$work/out.t" | grep -Eq '^1\.\.[0-9]+$'
		printf '#!/bin/sh\ncat %s\n' "$work/out.t" >"$work/tap.sh"
		chmod +x "$work/tap.sh"
		prove "$work/tap.sh"
	done
}

@test "check --format json parses and counts no failure" {
	for f in identities/*.yaml; do
		"$FAKENET" check --identity "$f" --format json >"$work/out.json"
		"$PYTHON" - "$work/out.json" <<-'PY'
		import json, sys
		d = json.load(open(sys.argv[1]))
		assert d["summary"]["fail"] == 0, d["summary"]
		assert d["summary"]["ok"] > 30, d["summary"]
		assert all(p["verdict"] in ("ok", "skip", "unfakeable") for p in d["probes"])
		PY
	done
}

@test "check --format tap passes for every shipped identity under the other net-tools style too" {
	for f in identities/*.yaml; do
		if grep -q 'net_tools: "1.60"' "$f"; then
			sed 's/net_tools: "1.60"/net_tools: "2.10"/' "$f" >"$work/other.yaml"
			style=2.10
		else
			sed 's/net_tools: "2.10"/net_tools: "1.60"/' "$f" >"$work/other.yaml"
			style=1.60
		fi
		grep -q "net_tools: \"$style\"" "$work/other.yaml"
		run "$FAKENET" check --identity "$work/other.yaml" --format tap
		echo "$f ($style): $output"
		[ "$status" -eq 0 ]
		if [ "$style" = 1.60 ]; then grep -q 'HWaddr' <<<"$output"; else grep -q 'ether' <<<"$output"; fi
	done
}

@test "a probe with a wrong expectation fails, exit 1, and the text names both values" {
	cat >"$work/wrong.yaml" <<-'EOF2'
	- {name: "gateway MAC from arp, checked against eth0's MAC", run: "arp -n", pattern: '^172\.18\.0\.1\s+\S+\s+(\S+)', expect: "interfaces[eth0].mac"}
	EOF2
	run "$FAKENET" check --identity identities/docker.yaml --no-builtin --probes "$work/wrong.yaml"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q '^FAIL' <<<"$output"
	grep -q '02:42:ac:12:00:02' <<<"$output"   # expected: eth0's MAC, from the identity
	grep -q '02:42:ac:12:00:01' <<<"$output"   # seen: the gateway's MAC, from arp
}

@test "a probe that waits for its timeout instead of failing at once fails its max_ms" {
	# 5 s stands for the shipped probes' curl -m 5 / wget -T 5; sleep alone fails at once.
	cat >"$work/slow.yaml" <<-'EOF2'
	- {name: "slow refusal", run: "sleep 5; echo exit=6", pattern: 'exit=(\d+)', expect: "const:6", max_ms: 1000}
	EOF2
	run "$FAKENET" check --identity identities/docker.yaml --no-builtin --probes "$work/slow.yaml"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -Eq 'took [0-9]+ ms, [0-9]+ ms beyond the [0-9]+ ms its program takes to start alone: more than 1000 ms' <<<"$output"
}

@test "max_ms counts only what a probe takes beyond its program's own start" {
	# A program that takes 2 s to start (as an instrumented or emulated build may), then fails at
	# once: the probe is timed against the same program run alone just before it, which leaves a
	# mark for each run without arguments. The untimed probe gets no such run.
	cat >"$work/slowstart" <<-EOF2
	#!/bin/sh
	sleep 2
	[ \$# -gt 0 ] || { echo ran >>"$work/alone"; exit 1; }
	echo exit=6
	EOF2
	chmod +x "$work/slowstart"
	cat >"$work/slow.yaml" <<-EOF2
	- {name: "slow start, fast refusal", run: "$work/slowstart go", pattern: 'exit=(\\d+)', expect: "const:6", max_ms: 500}
	- {name: "untimed", run: "$work/slowstart go", pattern: 'exit=(\\d+)', expect: "const:6"}
	EOF2
	"$FAKENET" check --identity identities/docker.yaml --no-builtin --probes "$work/slow.yaml" \
		--format json >"$work/out.json"
	cat "$work/out.json"
	[ "$(wc -l <"$work/alone")" -eq 1 ]
	"$PYTHON" - "$work/out.json" <<-'PY'
	import json, sys
	timed, untimed = json.load(open(sys.argv[1]))["probes"]
	assert timed["verdict"] == "ok" and timed["ms"] >= 1990, timed
	assert timed["baseline_ms"] >= 1990, timed
	assert untimed["baseline_ms"] == 0, untimed
	PY
}

# check_stalling SECONDS PROBES: the probes of file PROBES alone, the battery stopped after SECONDS
# without a probe starting or ending.
check_stalling() {
	FAKENET_CHECK_STALL_S=$1 run "$FAKENET" check --identity identities/docker.yaml --no-builtin --probes "$2"
	echo "$output"
}

@test "a battery is stopped when no probe starts or ends for the stall limit, whatever its length" {
	# Three probes of 2 s each outlast a 3 s limit but never stall for it.
	cat >"$work/long.yaml" <<-'EOF2'
	- {name: "a", run: "sleep 2; echo 1", expect: "const:1"}
	- {name: "b", run: "sleep 2; echo 1", expect: "const:1"}
	- {name: "c", run: "sleep 2; echo 1", expect: "const:1"}
	EOF2
	check_stalling 3 "$work/long.yaml"
	[ "$status" -eq 0 ]
	new_nap
	cat >"$work/stuck.yaml" <<-EOF2
	- {name: "quick", run: "echo 1", expect: "const:1"}
	- {name: "stuck", run: "sleep $nap; echo 1", expect: "const:1"}
	EOF2
	check_stalling 2 "$work/stuck.yaml"
	[ "$status" -eq 1 ]
	grep -q '^fakenet: check: no probe started or ended for 2 s; stopped them$' <<<"$output"
	grep -q '^ok  *quick ' <<<"$output"
	grep -q 'the probe did not run to its end' <<<"$output"
	# Stopping the runner stopped everything in it.
	sleep 0.5
	! pgrep -f "sleep $nap" || false
	check_stalling soon "$work/long.yaml"
	[ "$status" -eq 0 ]
	grep -q 'FAKENET_CHECK_STALL_S=soon is not a number of seconds; using 120' <<<"$output"
}

@test "a probe's output cannot end its record early or hide the next: control bytes and NULs are its text" {
	# The first probe prints what the battery's own framing looks like (an end record with a
	# plausible status and times, a start record of the next probe) and a NUL, then its answer.
	cat >"$work/forged.yaml" <<-'EOF2'
	- {name: "forger", run: "printf 'x\\037%s 0 1.0 1.0 1.0\\n\\0361\\nfoo\\000bar\\n'; echo 7", pattern: '^(7)$', expect: "const:7"}
	- {name: "next", run: "echo 8", expect: "const:8"}
	EOF2
	run "$FAKENET" check --identity identities/docker.yaml --no-builtin --probes "$work/forged.yaml" --format json
	echo "$output"
	[ "$status" -eq 0 ]
	"$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); assert [p["seen"] for p in d["probes"]] == [["7"], ["8"]], d' "$output"
}

@test "a probe that writes without end is stopped at the output limit, not when memory runs out" {
	cat >"$work/big.yaml" <<-'EOF2'
	- {name: "quick", run: "echo 1", expect: "const:1"}
	- {name: "flood", run: "head -c 20000000 /dev/zero", expect: "const:1"}
	- {name: "after", run: "echo 1", expect: "const:1"}
	EOF2
	check_stalling 60 "$work/big.yaml"
	[ "$status" -eq 1 ]
	grep -q '^fakenet: check: a probe wrote more than 8 MiB; stopped them$' <<<"$output"
	grep -q '^ok  *quick ' <<<"$output"
	[ "$(grep -c 'the probe did not run to its end' <<<"$output")" -eq 2 ]
	# Endless output is stopped the same way, long before the stall limit.
	local word=fnt-endless-$$-$RANDOM
	cat >"$work/endless.yaml" <<-EOF2
	- {name: "endless", run: "yes $word", expect: "const:1"}
	EOF2
	check_stalling 600 "$work/endless.yaml"
	[ "$status" -eq 1 ]
	grep -q 'a probe wrote more than 8 MiB' <<<"$output"
	# The probe dies with the run's pid namespace, which the kernel tears down after check returns.
	for _ in $(seq 100); do pgrep -f "^yes $word" >/dev/null || break; sleep 0.05; done
	! pgrep -f "^yes $word" || false
}

@test "a probe that bypasses the fake (the kernel's own /proc/self/net under --net host) fails" {
	cat >"$work/bypass.yaml" <<-'EOF2'
	- {name: "kernel's own route table", read: /proc/self/net/route, pattern: '^\S+\t00000000\t([0-9A-F]{8})\t0003', decode: hex-le-ipv4, expect: gateway.ip}
	EOF2
	run "$FAKENET" check --identity identities/docker.yaml --net host --no-builtin \
		--probes "$work/bypass.yaml" --format tap
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q '^not ok 1 - ' <<<"$output"
	grep -q '#   expected: 172.18.0.1' <<<"$output"
	# Under nat, the default, the kernel's own table is the identity's: nothing is bypassed.
	run -0 "$FAKENET" check --identity identities/docker.yaml --no-builtin \
		--probes "$work/bypass.yaml" --format tap
	grep -q '^ok 1 - ' <<<"$output"
}

@test "under --net host the built-in unfakeable probes are reported as such, not hidden and not failed" {
	run "$FAKENET" check --identity identities/docker.yaml --net host --format json
	[ "$status" -eq 0 ]
	"$PYTHON" -c 'import json,sys; d=json.loads(sys.stdin.read()); u=[p["name"] for p in d["probes"] if p["verdict"]=="unfakeable"]; print(u); assert any("/proc/self/net" in n for n in u)' <<<"$output"
}

@test "probe file errors are FILE:LINE:COLUMN and exit 2" {
	cat >"$work/bad.yaml" <<-'EOF2'
	- {name: one, run: "true", expect: hostname, colour: red}
	- {name: two, expect: hostname}
	- {name: three, run: "true", expect: "interfaces[eth7].mac"}
	- {name: four, run: "true", expect: hostname, unfakeable: sometimes}
	EOF2
	run "$FAKENET" check --identity identities/docker.yaml --no-builtin --probes "$work/bad.yaml"
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q "^$work/bad.yaml:1:[0-9]*: error: unknown probe key 'colour'" <<<"$output"
	grep -q "^$work/bad.yaml:2:[0-9]*: error: a probe needs exactly one of 'run' and 'read'" <<<"$output"
	grep -q "no interface 'eth7'" <<<"$output"
	grep -q "^$work/bad.yaml:4:[0-9]*: error: unfakeable must be 'host', 'wireless', 'pci' or 'always', not 'sometimes'" <<<"$output"
}

@test "usage errors exit 2" {
	run "$FAKENET" check --format xml
	[ "$status" -eq 2 ]
	run "$FAKENET" check --identity /nonexistent.yaml
	[ "$status" -eq 2 ]
	run "$FAKENET" check extra-argument
	[ "$status" -eq 2 ]
}

@test "every fact of the identity's system: section is named system.*, as the section is" {
	local id=identities/desktop.yaml
	# Expected values from the identity file itself, echoed by the probes.
	cat >"$work/system.yaml" <<-EOF2
	- {name: vendor, run: "echo $(identity_fact $id 'y["system"]["cpu"]["vendor"]')", pattern: '(.+)', expect: system.cpu.vendor}
	- {name: stepping, run: "echo $(identity_fact $id 'y["system"]["cpu"]["stepping"]')", pattern: '(.+)', expect: system.cpu.stepping}
	- {name: disks, run: "echo $(identity_fact $id '[d["name"] for d in y["system"]["disks"]]')", pattern: '(\S+)', expect: system.disks.names}
	- {name: serial, run: "echo $(identity_fact $id 'y["system"]["disks"][0]["serial"]')", pattern: '(.+)', expect: "system.disks[sda].serial"}
	- {name: machine id, run: "echo $(identity_fact $id 'y["system"]["machine_id"]')", pattern: '(.+)', expect: system.machine_id}
	EOF2
	run "$FAKENET" check --identity "$id" --no-builtin --probes "$work/system.yaml" --format tap
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 5 ]
	# The names they had before: an error that names the right one.
	echo '- {name: old, run: "true", expect: cpu.vendor}' >"$work/old.yaml"
	run "$FAKENET" check --identity "$id" --no-builtin --probes "$work/old.yaml"
	echo "$output"
	[ "$status" -eq 2 ]
	grep -q "^$work/old.yaml:1:.*error: unknown identity fact 'cpu.vendor' (did you mean 'system.cpu.vendor'?)" <<<"$output"
}
