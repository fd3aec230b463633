#!/usr/bin/env bats
# `fakenet log summarize` on hostile and degenerate logs: the reader is bounded and a line it
# cannot read is counted, never read past; the expected tallies are computed here by Python's own
# JSON reader over the same lines.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	require_build "$FAKENET"
	new_tmpdir tmp
}

# The summary's "Files of the view opened" counts, as Python reads the log.
python_counts() {
	"$PYTHON" - "$1" <<'PY'
import collections, json, sys
counts, bad = collections.Counter(), 0
for raw in open(sys.argv[1], "rb").read().split(b"\n"):
    if not raw.strip(b" \t\r"):
        continue
    try:
        e = json.loads(raw.decode("utf-8"))
        text = json.dumps(e, ensure_ascii=False)
        # What fakenet refuses and Python takes: lone surrogates and NUL in strings.
        text.encode("utf-8")
        assert isinstance(e, dict) and all("\0" not in str(v) for v in e.values())
    except Exception:
        bad += 1
        continue
    if e.get("event") == "open" and isinstance(e.get("path"), str):
        counts[e["path"]] += 1
for path, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
    print("%7d  %s" % (n, path))
print("bad", bad)
PY
}

summary_counts() {
	"$FAKENET" log summarize "$1" | awk '
		/^Files of the view opened:/ { on = 1; next }
		/^$/ { on = 0 }
		on { sub(/  \(.*\)$/, ""); print }
		/line\(s\) could not be read/ { bad = $1 }
		END { print "bad", bad + 0 }'
}

@test "a line ending in a cut \\u escape is unreadable, and the lines around it still count" {
	printf '%s\n' '{"event":"open","path":"/proc/net/route","command":"cat"}' >"$tmp/log"
	printf '%s' '{"event":"open","path":"/etc/hosts\u1' >>"$tmp/log"
	printf '\n%s\n' '{"event":"open","path":"/proc/net/route","command":"cat"}' >>"$tmp/log"
	printf '%s' '{"event":"open","path":"/x\u1' >>"$tmp/log"
	run "$FAKENET" log summarize "$tmp/log"
	[ "$status" -eq 0 ]
	[[ "$output" == "Files of the view opened:
      2  /proc/net/route  (cat)"* ]]
	[[ "$output" == *"2 line(s) could not be read" ]]
	[ "$(summary_counts "$tmp/log")" = "$(python_counts "$tmp/log")" ]
}

@test "an empty log, and one of blank lines, summarize to four empty sections" {
	: >"$tmp/empty"
	printf '\n \n\t\r\n' >"$tmp/blank"
	for f in "$tmp/empty" "$tmp/blank"; do
		run "$FAKENET" log summarize "$f"
		[ "$status" -eq 0 ]
		[ "$output" = "Files of the view opened: none

Shim tools run: none

Connection attempts: none

DNS queries: none" ]
	done
	run "$FAKENET" log summarize - </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == "Files of the view opened: none"* ]]
}

@test "escapes, surrogates, bad UTF-8, nesting and a 2 MiB line: the same verdicts as Python's reader" {
	"$PYTHON" - "$tmp/log" <<'PY'
import sys
lines = [
    rb'{"event":"open","path":"/a\ud83d\ude00"}',
    rb'{"event":"open","path":"/a\ud83d"}',
    rb'{"event":"open","path":"/a\udc00x"}',
    rb'{"event":"open","path":"/a\u00e9"}',
    b'{"event":"open","path":"/a\xc3\xa9"}',
    b'{"event":"open","path":"/a\xff"}',
    b'{"event":"open","path":"/a\x01"}',
    rb'{"event":"open","path":"/a\u0000"}',
    rb'{"event":"open","path":"/b","x":{"y":[1,[2,{"z":null}]]}}',
    b'{"event":"open","path":"/b","x":' + b"[" * 100000 + b"]" * 100000 + b"}",
    b'{"event":"open","path":"/c","pad":"' + b"x" * (2 << 20) + b'"}',
    rb'{"event":"open","path":"/b"} trailing',
    rb'{"event":"open","path":"/b",}',
    rb'{"event":"open","path":"/b","n":01}',
    rb'{"event":"open","path":"/b","n":-1.5e3}',
    rb'["event","open"]',
]
open(sys.argv[1], "wb").write(b"\n".join(lines) + b"\n")
PY
	expected=$(python_counts "$tmp/log")
	# Python takes the 2 MiB line, which is past the 1 MiB a line may have here: unreadable.
	expected=$(printf '%s\n' "$expected" | awk '
		$2 == "/c" { next }
		$1 == "bad" { print "bad", $2 + 1; next }
		{ print }')
	[ "$(summary_counts "$tmp/log")" = "$expected" ]
}
