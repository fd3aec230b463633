#!/usr/bin/env bats
# fakenet-runtime's reading of runc's command line and its edit of config.json, against a stand-in
# runtime ($FAKENET_RUNTIME) that records its arguments; and `fakenet oci-hook` on bad input. No
# container is started here (tests/oci.bats runs the real runc and Podman).

load lib/common
bats_require_minimum_version 1.5.0

setup() {
	FAKENET=$(realpath "$FAKENET")
	RUNTIME="${FAKENET%/*}/fakenet-runtime"
	require_build "$RUNTIME"
	B="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$B"
	# The stand-in runtime: its arguments one per line, then exit 42.
	FAKE="$BATS_TEST_TMPDIR/fake-runc"
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/args"\nexit 42\n' "$BATS_TEST_TMPDIR" >"$FAKE"
	chmod +x "$FAKE"
	export FAKENET_RUNTIME="$FAKE"
}

# config TEXT: the bundle's config.json.
config() {
	printf '%s' "$1" >"$B/config.json"
}

# hooks_of FILE: "stage path" per hook, after checking the file is still JSON.
hooks_of() {
	"$PYTHON" -c 'import json, sys
c = json.load(open(sys.argv[1]))
for stage, hooks in sorted(c.get("hooks", {}).items()):
    for h in hooks:
        print(stage, h["path"], " ".join(h.get("args", [])))' "$1"
}

ANNOTATED='{"ociVersion": "1.0.2", "root": {"path": "rootfs"},
  "annotations": {"io.fakenet.identity": "docker"}}'

@test "fakenet-runtime: every spelling of the bundle option and of runc's global options" {
	local spelling
	for spelling in "-b $B" "--bundle $B" "--bundle=$B" "-b=$B" "-bundle $B"; do
		config "$ANNOTATED"
		# shellcheck disable=SC2086
		run "$RUNTIME" --root /run/x --log=/tmp/l --log-format json --debug --systemd-cgroup \
			run $spelling --pid-file /tmp/p --console-socket /tmp/s ctr1
		[ "$status" -eq 42 ]
		[ "$(hooks_of "$B/config.json")" = "$(printf 'createRuntime %s fakenet oci-hook\npoststop %s fakenet oci-hook' "$FAKENET" "$FAKENET")" ] || {
			echo "not edited for: $spelling"
			return 1
		}
		# The real runtime got exactly the same arguments.
		# shellcheck disable=SC2086
		[ "$(cat "$BATS_TEST_TMPDIR/args")" = "$(printf '%s\n' --root /run/x --log=/tmp/l --log-format json --debug --systemd-cgroup run $spelling --pid-file /tmp/p --console-socket /tmp/s ctr1)" ]
	done
}

@test "fakenet-runtime: without --bundle the bundle is the current directory; create too" {
	config "$ANNOTATED"
	cd "$B"
	run "$RUNTIME" create ctr1
	[ "$status" -eq 42 ]
	[ "$(hooks_of config.json | wc -l)" -eq 2 ]
}

@test "fakenet-runtime: existing hooks are kept and ours appended; twice adds nothing" {
	config '{"annotations":{"io.fakenet.identity":"docker"},"hooks":{"createRuntime":[{"path":"/bin/true"}],"prestart":[]}}'
	run "$RUNTIME" run -b "$B" c
	[ "$status" -eq 42 ]
	[ "$(hooks_of "$B/config.json")" = "$(printf 'createRuntime /bin/true \ncreateRuntime %s fakenet oci-hook\npoststop %s fakenet oci-hook' "$FAKENET" "$FAKENET")" ]
	cp "$B/config.json" "$BATS_TEST_TMPDIR/once"
	run "$RUNTIME" run -b "$B" c
	cmp "$BATS_TEST_TMPDIR/once" "$B/config.json"
}

@test "fakenet-runtime: other commands, and a bundle without the annotation, are passed through untouched" {
	config '{"annotations": {"other": "x"}, "hooks": null}'
	cp "$B/config.json" "$BATS_TEST_TMPDIR/orig"
	run "$RUNTIME" run -b "$B" c
	[ "$status" -eq 42 ]
	cmp "$BATS_TEST_TMPDIR/orig" "$B/config.json"
	config "$ANNOTATED"
	cp "$B/config.json" "$BATS_TEST_TMPDIR/orig"
	local cmd
	for cmd in "state c" "kill c KILL" "delete -f c" "exec c ls" "--root /x list" "--version" "start c"; do
		# shellcheck disable=SC2086
		(cd "$B" && run "$RUNTIME" $cmd && [ "$status" -eq 42 ])
		cmp "$BATS_TEST_TMPDIR/orig" "$B/config.json"
	done
}

@test "fakenet-runtime: a broken config.json is refused, located, and the runtime not run" {
	config '{"annotations": {"io.fakenet.identity": "docker"},
  "hooks": [1, 2]}'
	run "$RUNTIME" run -b "$B" c
	[ "$status" -eq 125 ]
	[[ "$output" == *'"hooks" is not an object'* ]]
	[ ! -e "$BATS_TEST_TMPDIR/args" ]
	config '{"annotations": {"io.fakenet.identity": "docker"},
  "x": tru}'
	run "$RUNTIME" run -b "$B" c
	[ "$status" -eq 125 ]
	[[ "$output" == *"$B/config.json:2:8:"* ]]
	run "$RUNTIME" run -b "$BATS_TEST_TMPDIR/nowhere" c
	[ "$status" -eq 125 ]
	[[ "$output" == *"nowhere/config.json: No such file or directory"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/args" ]
}

@test "fakenet-runtime: a runtime that cannot be run is 127 or 126, saying why" {
	config "$ANNOTATED"
	FAKENET_RUNTIME="$BATS_TEST_TMPDIR/none" run -127 "$RUNTIME" run -b "$B" c
	echo "$output"
	[ "$output" = "fakenet-runtime: cannot run $BATS_TEST_TMPDIR/none: No such file or directory" ]
	printf '#!/bin/sh\nexit 42\n' >"$BATS_TEST_TMPDIR/not-executable"
	FAKENET_RUNTIME="$BATS_TEST_TMPDIR/not-executable" run -126 "$RUNTIME" state c
	echo "$output"
	[ "$output" = "fakenet-runtime: cannot run $BATS_TEST_TMPDIR/not-executable: Permission denied" ]
}

@test "oci-hook: bad state on stdin, no config, no pid: exit 125 saying why" {
	run "$FAKENET" oci-hook <<<'{"id": "c", "status": "creating",
 "bundle": 5'
	[ "$status" -eq 125 ]
	[[ "$output" == *"the container state on stdin:3:1: expected"* ]]
	run "$FAKENET" oci-hook <<<'{"id": "c", "status": "creating"}'
	[ "$status" -eq 125 ]
	[[ "$output" == *"lacks its id, status or absolute bundle"* ]]
	run "$FAKENET" oci-hook <<<"{\"id\": \"c\", \"status\": \"creating\", \"bundle\": \"$BATS_TEST_TMPDIR/nowhere\"}"
	[ "$status" -eq 125 ]
	[[ "$output" == *"nowhere/config.json: No such file or directory"* ]]
	config "$ANNOTATED"
	run "$FAKENET" oci-hook <<<"{\"id\": \"c\", \"status\": \"creating\", \"bundle\": \"$B\"}"
	[ "$status" -eq 125 ]
	[[ "$output" == *"no pid or no root yet"* ]]
	run "$FAKENET" oci-hook extra
	[ "$status" -eq 2 ]
}

@test "oci-hook: no annotation, or poststop with no server: nothing to do, exit 0" {
	config '{"root": {"path": "rootfs"}}'
	run "$FAKENET" oci-hook <<<"{\"id\": \"c\", \"status\": \"creating\", \"pid\": 1, \"bundle\": \"$B\"}"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$FAKENET" oci-hook <<<"{\"id\": \"no-such-$$\", \"status\": \"stopped\", \"bundle\": \"$BATS_TEST_TMPDIR/gone\"}"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
