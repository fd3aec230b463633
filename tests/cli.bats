#!/usr/bin/env bats
# The fakenet command line: help, version, usage errors and their exit codes, validate and show.
# Expected contents come from the identity files themselves, never from fakenet's own output.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	require_build "$FAKENET"
	new_tmpdir tmp
}

@test "--help prints usage on stdout and exits 0" {
	run --separate-stderr "$FAKENET" --help
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
	[ -z "$stderr" ]
}

@test "each command's --help prints its usage and exits 0" {
	for cmd in run show validate; do
		run --separate-stderr "$FAKENET" "$cmd" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: fakenet $cmd"* ]]
	done
}

@test "--version prints the version" {
	run "$FAKENET" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^fakenet\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "no command and unknown command are usage errors (2)" {
	run "$FAKENET"
	[ "$status" -eq 2 ]
	run --separate-stderr "$FAKENET" frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
}

@test "run usage errors exit 125 with a one-line hint" {
	run --separate-stderr "$FAKENET" run
	[ "$status" -eq 125 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"fakenet run --help"* ]]
	run --separate-stderr "$FAKENET" run --bogus -- true
	[ "$status" -eq 125 ]
	run --separate-stderr "$FAKENET" run --net elsewhere -- true
	[ "$status" -eq 125 ]
	run --separate-stderr "$FAKENET" run --shims route,nosuchtool -- true
	[ "$status" -eq 125 ]
}

@test "show and validate usage errors exit 2" {
	run --separate-stderr "$FAKENET" show --bogus
	[ "$status" -eq 2 ]
	run --separate-stderr "$FAKENET" validate
	[ "$status" -eq 2 ]
	run --separate-stderr "$FAKENET" validate --bogus x
	[ "$status" -eq 2 ]
}

@test "validate accepts every shipped identity" {
	run "$FAKENET" validate "$TOP"/identities/*.yaml
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "validate reports a bad file as FILE:LINE:COLUMN and exits 1" {
	printf 'version: 1\nhostname: x\nbogus_key: 1\n' >"$tmp/bad.yaml"
	run --separate-stderr "$FAKENET" validate "$TOP/identities/docker.yaml" "$tmp/bad.yaml"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"$tmp/bad.yaml:"[0-9]*:[0-9]*": error: "* ]]
}

@test "a bad identity stops show (2) and run (125) before anything runs" {
	printf 'version: 1\nhostname: x\nbogus_key: 1\n' >"$tmp/bad.yaml"
	run --separate-stderr "$FAKENET" show --identity "$tmp/bad.yaml" /etc/hosts
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad.yaml:"* ]]
	run --separate-stderr "$FAKENET" run --identity "$tmp/bad.yaml" -- touch "$tmp/ran"
	[ "$status" -eq 125 ]
	[ ! -e "$tmp/ran" ]
}

@test "show prints a file exactly: /etc/hostname is the identity's hostname" {
	for id in "$TOP"/identities/*.yaml; do
		want=$(sed -n 's/^hostname: *\([^ #]*\).*/\1/p' "$id")
		"$FAKENET" show --identity "$id" /etc/hostname >"$tmp/out"
		printf '%s\n' "$want" | cmp - "$tmp/out"
	done
}

@test "show follows links: /sys/class/net/eth0/address is the identity's first MAC" {
	for id in "$TOP"/identities/*.yaml; do
		want=$(sed -n 's/^ *mac: *\([0-9a-f:]*\).*/\1/p' "$id" | head -1)
		run "$FAKENET" show --identity "$id" /sys/class/net/eth0/address
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	done
}

@test "show honours \$FAKENET_IDENTITY" {
	FAKENET_IDENTITY=$TOP/identities/multi-nic.yaml run "$FAKENET" show /etc/hostname
	[ "$output" = "db-gw-01" ]
}

@test "show of a directory lists its entries" {
	run "$FAKENET" show --identity "$TOP/identities/multi-nic.yaml" /sys/class/net
	[ "$status" -eq 0 ]
	for name in lo eth0 eth1 eth2 eth3; do
		printf '%s\n' "$output" | grep -qx "$name"
	done
}

@test "show with no path lists every served file" {
	run "$FAKENET" show
	[ "$status" -eq 0 ]
	for p in /proc/net/route /proc/net/arp /etc/hosts /etc/resolv.conf /etc/hostname; do
		printf '%s\n' "$output" | grep -qx "$p"
	done
}

@test "show of a missing path: No such file or directory, exit 1" {
	run --separate-stderr "$FAKENET" show /proc/net/no-such-file
	[ "$status" -eq 1 ]
	[ "$stderr" = "fakenet: /proc/net/no-such-file: No such file or directory" ]
}

@test "show of a file whose read fails gives the kernel's error (lo speed: EINVAL)" {
	# The real kernel: reading /sys/class/net/lo/speed fails with EINVAL.
	if real=$(cat /sys/class/net/lo/speed 2>&1); then
		skip "this kernel reads lo/speed: $real"
	fi
	run --separate-stderr "$FAKENET" show /sys/class/net/lo/speed
	[ "$status" -eq 1 ]
	[ "$stderr" = "fakenet: /sys/class/net/lo/speed: Invalid argument" ]
}

@test "the shim's links are exactly the tools it answers to (one list for make, run and install)" {
	require_build "$FAKENET_SHIM"
	run "$FAKENET_SHIM" --help
	[ "$status" -eq 0 ]
	want=$(printf '%s\n' "${lines[1]#tools: }" | tr ' ' '\n' | sort)
	have=$(find "$(dirname "$FAKENET_SHIM")/shims" -maxdepth 1 -type l -printf '%f\n' | sort)
	[ -n "$want" ]
	[ "$want" = "$have" ]
}
