#!/usr/bin/env bats
# `fakenet validate` on broken identities: each tests/identity-errors/NAME.yaml must be refused with
# exit status 1 and exactly the diagnostics in NAME.err (the contract of the messages). Files too
# big, binary or hostile to commit (over 1 MiB, NUL bytes, an alias bomb) are generated here.

load lib/common

setup() {
	corpus=$TOP/tests/identity-errors
	new_tmpdir tmp
}

# validate DIR FILE...: runs `fakenet validate FILE...` inside DIR (so messages name the file as
# given), leaving the exit status in $rc and stdout/stderr in $tmp/out and $tmp/err.
validate() {
	local dir=$1
	shift
	rc=0
	(cd "$dir" && exec "$FAKENET" validate "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# want TEXT: the expected stderr, one line.
want() {
	printf '%s\n' "$1" >"$tmp/want"
}

# expect_refusal DIR FILE WANT_FILE: exit 1, nothing on stdout, stderr exactly WANT_FILE's text.
expect_refusal() {
	validate "$1" "$2"
	if [ "$3" != "$tmp/want" ]; then cp "$3" "$tmp/want"; fi
	if [ "$rc" -ne 1 ] || [ -s "$tmp/out" ] || ! cmp -s "$tmp/want" "$tmp/err"; then
		echo "# $2: exit $rc (want 1)"
		echo "# stdout:" && sed 's/^/#   /' "$tmp/out"
		diff -u "$tmp/want" "$tmp/err" | sed 's/^/# /'
		return 1
	fi
}

@test "fakenet has a validate command" {
	[ -x "$FAKENET" ] || {
		echo "# $FAKENET does not exist (build it with make)"
		return 1
	}
	validate "$TOP/identities" docker.yaml
	[ "$rc" -eq 0 ]
}

@test "the shipped identities are valid: exit 0, no output" {
	validate "$TOP/identities" docker.yaml desktop.yaml multi-nic.yaml
	[ "$rc" -eq 0 ]
	[ ! -s "$tmp/out" ]
	[ ! -s "$tmp/err" ]
}

@test "the corpus pairs every broken file with its expected messages, 35 or more" {
	local n=0 f
	for f in "$corpus"/*.yaml; do
		[ -f "${f%.yaml}.err" ] || {
			echo "# no .err for $f"
			return 1
		}
		n=$((n + 1))
	done
	for f in "$corpus"/*.err; do
		[ -f "${f%.err}.yaml" ] || {
			echo "# no .yaml for $f"
			return 1
		}
	done
	[ "$n" -ge 35 ]
}

@test "every broken identity in the corpus is refused with exactly its messages" {
	# One plain sh runs the loop: bats' per-command tracing would make 90 files take seconds.
	sh -s "$FAKENET" "$corpus" "$tmp" <<'EOF'
fakenet=$1 corpus=$2 tmp=$3 failed=0
cd "$corpus" || exit 1
for f in *.yaml; do
	rc=0
	"$fakenet" validate "$f" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 1 ] || [ -s "$tmp/out" ] || ! cmp -s "${f%.yaml}.err" "$tmp/err"; then
		echo "# $f: exit $rc (want 1)"
		sed 's/^/# stdout: /' "$tmp/out"
		diff -u "${f%.yaml}.err" "$tmp/err" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
exit $((failed > 0))
EOF
}

@test "several files: a good one prints nothing, the bad ones print theirs, exit 1" {
	cp "$TOP/identities/docker.yaml" "$corpus/bad-mac-zero.yaml" "$corpus/version-2.yaml" "$tmp/"
	validate "$tmp" bad-mac-zero.yaml docker.yaml version-2.yaml
	[ "$rc" -eq 1 ]
	cat "$corpus/bad-mac-zero.err" "$corpus/version-2.err" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/err"
}

@test "a missing file is reported with the system's reason" {
	want 'no-such.yaml: error: cannot read: No such file or directory'
	expect_refusal "$tmp" no-such.yaml "$tmp/want"
}

@test "a file over 1 MiB is refused before parsing, naming the limit" {
	{
		cat "$TOP/identities/docker.yaml"
		yes '# padding to push the file past the limit' | head -c 1048576
	} >"$tmp/huge.yaml"
	want 'huge.yaml: error: file is larger than 1 MiB, the limit for an identity file'
	expect_refusal "$tmp" huge.yaml "$tmp/want"
}

@test "a valid file of exactly 1 MiB is accepted" {
	local size
	cp "$TOP/identities/docker.yaml" "$tmp/limit.yaml"
	size=$(wc -c <"$tmp/limit.yaml")
	yes '#' | head -c $((1048576 - size)) >>"$tmp/limit.yaml"
	[ "$(wc -c <"$tmp/limit.yaml")" -eq 1048576 ]
	validate "$tmp" limit.yaml
	[ "$rc" -eq 0 ]
	[ ! -s "$tmp/err" ]
}

@test "a NUL byte is reported where it stands" {
	printf 'version: 1\nhostname: b\0x\n' >"$tmp/nul.yaml"
	want 'nul.yaml:2:12: error: not a text file: control characters are not allowed (U+0000)'
	expect_refusal "$tmp" nul.yaml "$tmp/want"
}

@test "bytes that are not UTF-8 are reported where they stand" {
	printf 'version: 1\nhostname: caf\351x\ninterfaces: []\n' >"$tmp/latin1.yaml"
	want 'latin1.yaml:2:15: error: not UTF-8 text: invalid trailing UTF-8 octet (byte 0x78)'
	expect_refusal "$tmp" latin1.yaml "$tmp/want"
	printf 'version: 1\n\377\376hostname: x\n' >"$tmp/ff.yaml"
	want 'ff.yaml:2:1: error: not UTF-8 text: invalid leading UTF-8 octet (byte 0xff)'
	expect_refusal "$tmp" ff.yaml "$tmp/want"
}

@test "random binary data is refused, not parsed" {
	head -c 65536 /dev/urandom >"$tmp/random.bin"
	# Make sure it starts with a byte that can never begin UTF-8 text.
	printf '\377' | cat - "$tmp/random.bin" >"$tmp/random.yaml"
	want 'random.yaml:1:1: error: not UTF-8 text: invalid leading UTF-8 octet (byte 0xff)'
	expect_refusal "$tmp" random.yaml "$tmp/want"
}

@test "an alias bomb (billion laughs) is refused at its first anchor, at once" {
	local level prev
	{
		echo 'version: 1'
		echo 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'
		for level in 1 2 3 4 5 6 7 8 9; do
			prev=$((level - 1))
			printf 'lol%s: &lol%s [' "$level" "$level"
			printf '*lol%s, ' "$prev" "$prev" "$prev" "$prev" "$prev" "$prev" "$prev" "$prev" "$prev"
			printf '*lol%s]\n' "$prev"
		done
	} >"$tmp/bomb.yaml"
	# timeout only guards against a hang; a correct reader stops after two lines.
	rc=0
	(cd "$tmp" && timeout 60 "$FAKENET" validate bomb.yaml) >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 1 ]
	printf '%s\n' "bomb.yaml:2:7: error: anchors and aliases are not supported (found '&lol0')" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/err"
}

@test "nesting far deeper than any identity is refused without exhausting the stack" {
	{
		printf 'version: 1\nhostname: '
		head -c 200000 /dev/zero | tr '\0' '['
		echo
	} >"$tmp/deep.yaml"
	want 'deep.yaml:2:42: error: nesting is deeper than 32 levels'
	expect_refusal "$tmp" deep.yaml "$tmp/want"
}
