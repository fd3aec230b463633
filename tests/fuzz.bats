#!/usr/bin/env bats
# Each libFuzzer target (tests/fuzz/) over its checked-in corpus once: the seeds and every input a
# fuzzing run once found a problem with must still run clean under ASan and UBSan. The targets are
# built by `make all` when clang is installed.

load lib/common

setup() {
	fuzz=$BUILD/fuzz
}

run_corpus() {
	local bin=$fuzz/$1 corpus=$TOP/tests/fuzz/corpus/$1
	require_command clang clang
	case $fuzz in *i386*) skip "the fuzz targets are built for the native architecture only" ;; esac
	[ -x "$bin" ]
	[ "$(find "$corpus" -type f | wc -l)" -gt 0 ]
	run "$bin" -runs=0 -timeout=10 -artifact_prefix="$BATS_TEST_TMPDIR/" "$corpus"
	[ "$status" -eq 0 ] || { echo "$output" | tail -n 40; false; }
	[[ "$output" == *"Done "*" runs in "* ]]
}

@test "fuzz corpus: identity loader, view tree and rule lookup" {
	run_corpus fuzz_identity
}

@test "fuzz corpus: probe loader of fakenet check" {
	run_corpus fuzz_probes
}

@test "fuzz corpus: log reader of fakenet log summarize" {
	run_corpus fuzz_logsum
}

@test "fuzz corpus: URL parser and rule matcher of the curl and wget shims" {
	run_corpus fuzz_url
}

# The seeds are a copy made when tests/fuzz/make-corpus last ran; the battery and the identities
# move on. Today's files go through the same targets, so a new placeholder or section is covered
# before anyone regenerates the corpus (a probe with {disk} once read past the stand-in values).
@test "fuzz targets: today's built-in batteries and identities, not only the seeds" {
	require_command clang clang
	case $fuzz in *i386*) skip "the fuzz targets are built for the native architecture only" ;; esac
	run "$fuzz/fuzz_probes" -runs=0 "$TOP/runner/probes.yaml" "$TOP/runner/tells.yaml"
	[ "$status" -eq 0 ] || { echo "$output" | tail -n 40; false; }
	run "$fuzz/fuzz_identity" -runs=0 "$TOP"/identities/*.yaml "$TOP"/tests/identities/*.yaml
	[ "$status" -eq 0 ] || { echo "$output" | tail -n 40; false; }
}
