#!/usr/bin/env bats
# The audit log of `fakenet run --log FILE`: JSON Lines, one event per file opened in the view and
# per shim call, appended, with the URL and the rule that answered every curl and wget call.
# Expected exit codes are curl's, wget's and ifconfig's documented ones; rule numbers and sources
# come from identities/multi-nic.yaml itself.

bats_require_minimum_version 1.5.0

setup() {
	top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	F=${FAKENET:-$top/build/fakenet}
	work=$(mktemp -d)
	multi=$top/identities/multi-nic.yaml
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=python3
	[ "$(id -u)" -eq 0 ] || skip "needs root (the FUSE mount and namespaces)"
	[ -c /dev/fuse ] || skip "no /dev/fuse"
}

teardown() {
	rm -rf "$work"
}

@test "shim calls and file reads are logged as JSON Lines with argv, exit, url and rule" {
	# The rules of multi-nic.yaml: 0 status.example.com answers 200, 1 telemetry.* is refused.
	grep -q "status\\\\.example\\\\.com/', status: 200" "$multi"
	grep -q "telemetry\\\\.', fail: refused" "$multi"
	grep -q '^blocked: \[ispt.ahnlab.com' "$multi"
	cat >"$work/script" <<'SCRIPT'
exec 3>"$1/pids"
sh -c 'echo "route $$" >&3; exec route -n' >/dev/null
ifconfig eth9 >/dev/null 2>&1
curl -s http://ispt.ahnlab.com/x
curl -s https://api.ipify.org >/dev/null
curl -s -o /dev/null http://status.example.com/
curl -s http://telemetry.example.net/
curl -s http://nowhere.invalid/
wget -q -O /dev/null http://status.example.com/
sh -c 'echo "cat $$" >&3; exec cat /proc/net/route /etc/hosts' >/dev/null
route "$(printf 'a"b\\c\nd\001\377')" >/dev/null 2>&1
exit 0
SCRIPT
	run "$F" run --net host --identity "$multi" --log "$work/log" -- sh "$work/script" "$work"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$work/log")" = 600 ]
	run "$PY" - "$work/log" "$work/pids" <<'PY'
import json, re, sys
events = [json.loads(line) for line in open(sys.argv[1], "rb").read().decode().splitlines()]
pids = dict(l.split() for l in open(sys.argv[2]))
for e in events:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"]), e
    assert e["event"] in ("open", "shim"), e
    assert isinstance(e["pid"], int) and e["pid"] > 1, e
shims = [e for e in events if e["event"] == "shim"]
def one(tool, argv):
    found = [e for e in shims if e["tool"] == tool and e["argv"] == argv]
    assert len(found) == 1, (tool, argv, shims)
    return found[0]
def http(e, url, source, rule, result, status, code):
    got = (e["url"], e["source"], e["rule"], e["result"], e["status"], e["exit"])
    assert got == (url, source, rule, result, status, code), got
route = one("route", ["route", "-n"])
assert route["exit"] == 0 and route["pid"] == int(pids["route"]) and "url" not in route
assert one("ifconfig", ["ifconfig", "eth9"])["exit"] == 1
http(one("curl", ["curl", "-s", "http://ispt.ahnlab.com/x"]),
     "http://ispt.ahnlab.com/x", "blocked", None, "unresolvable", None, 6)
http(one("curl", ["curl", "-s", "https://api.ipify.org"]),
     "https://api.ipify.org/", "ip-echo", None, "answer", 200, 0)
http(one("curl", ["curl", "-s", "-o", "/dev/null", "http://status.example.com/"]),
     "http://status.example.com/", "rule", 0, "answer", 200, 0)
http(one("curl", ["curl", "-s", "http://telemetry.example.net/"]),
     "http://telemetry.example.net/", "rule", 1, "refused", None, 7)
http(one("curl", ["curl", "-s", "http://nowhere.invalid/"]),
     "http://nowhere.invalid/", "unmatched", None, "unresolvable", None, 6)
http(one("wget", ["wget", "-q", "-O", "/dev/null", "http://status.example.com/"]),
     "http://status.example.com/", "rule", 0, "answer", 200, 0)
# Quotes, backslashes, control characters and a byte that is not UTF-8 survive the escaping.
odd = one("route", ["route", 'a"b\\c\nd\x01\xff'])
assert odd["exit"] != 0
opens = [(e["path"], e["command"], e["pid"]) for e in events if e["event"] == "open"]
cat = int(pids["cat"])
assert ("/proc/net/route", "cat", cat) in opens and ("/etc/hosts", "cat", cat) in opens, opens
assert len(shims) == 9, len(shims)
print("ok", len(events))
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "ok "* ]]
}

@test "the log is appended to, never truncated, and keeps its mode" {
	echo '{"event":"earlier"}' >"$work/log"
	chmod 640 "$work/log"
	run "$F" run --log "$work/log" -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$(head -1 "$work/log")" = '{"event":"earlier"}' ]
	[ "$(grep -c '"event":"open","pid":[0-9]*,"path":"/etc/hostname","command":"cat"' "$work/log")" -eq 1 ]
	[ "$(stat -c %a "$work/log")" = 640 ]
}

@test "a relative log path still reaches the shims after the target changes directory" {
	F=$(cd "$(dirname "$F")" && pwd)/$(basename "$F")
	cd "$work"
	run "$F" run --log log -- sh -c 'cd / && route -n >/dev/null'
	[ "$status" -eq 0 ]
	grep -q '"event":"shim",.*"tool":"route","argv":\["route","-n"\],"exit":0' "$work/log"
}

@test "a log that cannot be written never makes a tool fail" {
	run "$F" run --log "$work/log" -- sh -c 'chmod 000 "$0"; rm -f "$0"; mkdir "$0"; route -n >/dev/null; echo "status=$?"' "$work/log"
	[ "$status" -eq 0 ]
	[ "$output" = "status=0" ]
}

@test "a log in a missing directory: 125 and a clear message before anything starts" {
	run --separate-stderr "$F" run --log "$work/missing/log" -- touch "$work/started"
	[ "$status" -eq 125 ]
	[ "$stderr" = "fakenet: run: cannot open the log file $work/missing/log: No such file or directory" ]
	[ ! -e "$work/started" ]
	[ ! -e "$work/missing" ]
}
