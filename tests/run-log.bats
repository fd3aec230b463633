#!/usr/bin/env bats
# The audit log of `fakenet run --log FILE`: JSON Lines, one event per file opened in the view and
# per shim call, appended, with the URL and the rule that answered every curl and wget call.
# Expected exit codes are curl's, wget's and ifconfig's documented ones; rule numbers and sources
# come from identities/multi-nic.yaml itself.

bats_require_minimum_version 1.5.0

load lib/common

setup() {
	require_fakenet_env
	new_tmpdir work
	multi=$TOP/identities/multi-nic.yaml
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
	run "$FAKENET" run --net host --identity "$multi" --log "$work/log" -- sh "$work/script" "$work"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$work/log")" = 600 ]
	run "$PYTHON" - "$work/log" "$work/pids" <<'PY'
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
	run "$FAKENET" run --log "$work/log" -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$(head -1 "$work/log")" = '{"event":"earlier"}' ]
	[ "$(grep -c '"event":"open","pid":[0-9]*,"path":"/etc/hostname","command":"cat"' "$work/log")" -eq 1 ]
	[ "$(stat -c %a "$work/log")" = 640 ]
}

@test "a relative log path still reaches the shims after the target changes directory" {
	F=$(cd "$(dirname "$FAKENET")" && pwd)/$(basename "$FAKENET")
	cd "$work"
	run "$FAKENET" run --log log -- sh -c 'cd / && route -n >/dev/null'
	[ "$status" -eq 0 ]
	grep -q '"event":"shim",.*"tool":"route","argv":\["route","-n"\],"exit":0' "$work/log"
}

@test "a shim call with 5,000 arguments is logged with every one of them" {
	run "$FAKENET" run --log "$work/log" -- sh -c 'route $(seq 5000) >/dev/null 2>&1; exit 0'
	[ "$status" -eq 0 ]
	run "$PYTHON" -c 'import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if "\"shim\"" in l]
assert len(e) == 1 and e[0]["argv"] == ["route"] + [str(i) for i in range(1, 5001)], e
print("ok")' "$work/log"
	[ "$output" = ok ]
}

@test "the target cannot read, forge, truncate, move or remove the log, nor find its name" {
	echo '{"event":"earlier"}' >"$work/log"
	cat >"$work/script" <<'SCRIPT'
log=$1
said() { [ "$1" -eq 0 ] && echo done || echo refused; }
echo "read=[$(cat "$log")]"
(echo '{"event":"open","pid":1,"path":"/forged"}' >>"$log") 2>/dev/null; echo "append=$(said $?)"
(: >"$log") 2>/dev/null; echo "truncate=$(said $?)"
rm -f "$log" 2>/dev/null; echo "rm=$(said $?)"
mv "$log" "$log.moved" 2>/dev/null; echo "mv=$(said $?)"
echo "env=$(env | grep -c -e FAKENET_LOG -e "$log")"
echo "init-fds=$(ls -l /proc/1/fd | grep -c -e "$log" -e socket:)"
route -n >/dev/null; echo "route=$?"
SCRIPT
	run "$FAKENET" run --log "$work/log" -- sh "$work/script" "$work/log"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "read=[]
append=refused
truncate=refused
rm=refused
mv=refused
env=0
init-fds=0
route=0" ]
	[ "$(head -1 "$work/log")" = '{"event":"earlier"}' ]
	! grep -q forged "$work/log" || false
	grep -q '"event":"shim",.*"tool":"route","argv":\["route","-n"\],"exit":0' "$work/log"
}

@test "shims run by other users inside are logged with their own pid and uid" {
	require_command setpriv util-linux
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	cat >"$work/script" <<'SCRIPT'
exec 3>"$1/pids"
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo setpriv $$ >&3; exec route -n' >/dev/null
if command -v runuser >/dev/null; then
	runuser -u nobody -- sh -c 'echo runuser $$ >&3; exec arp -n' >/dev/null
fi
if command -v su >/dev/null; then
	su -s /bin/sh nobody -c 'echo su $$ >&3; exec ifconfig lo' >/dev/null
fi
SCRIPT
	run "$FAKENET" run --log "$work/log" -- sh "$work/script" "$work"
	[ "$status" -eq 0 ]
	run "$PYTHON" - "$work/log" "$work/pids" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
tools = {"setpriv": "route", "runuser": "arp", "su": "ifconfig"}
for how, pid in (l.split() for l in open(sys.argv[2])):
    found = [e for e in events if e["event"] == "shim" and e["tool"] == tools[how]]
    assert len(found) == 1, (how, events)
    assert found[0]["pid"] == int(pid) and found[0]["uid"] == 65534, (how, pid, found)
    print(how, "ok")
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"setpriv ok"* ]]
}

@test "what a sender claims about itself is not logged: the kernel's pid and uid are" {
	require_command setpriv util-linux
	cat >"$work/send.py" <<'PY'
import os, socket, sys
def send(payload):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/sys/devices/virtual/dmi/.log")
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
print(os.getpid(), flush=True)
send(b'{"time":"1999-01-01T00:00:00.000Z","event":"open","pid":1,"uid":0,"tool":"forged",'
     b'"tool":"second","path":"/x","n":-1.5e3,"ok":true,"nested":{"a":[1]}}')
send(b'{"tool":"a"}\n{"event":"open","pid":1,"path":"/injected"}')
send(b'not json \xff')
PY
	run "$FAKENET" run --log "$work/log" -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PYTHON" - <"$work/send.py"
	[ "$status" -eq 0 ]
	pid=$output
	run "$PYTHON" - "$work/log" "$pid" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
pid = int(sys.argv[2])
assert len(events) == 3, events
for e in events:
    assert e["event"] == "shim" and e["pid"] == pid and e["uid"] == 65534, e
    assert not e["time"].startswith("1999"), e
first, second, third = events
assert first["tool"] == "forged" and first["path"] == "/x" and first["n"] == -1.5e3, first
assert first["ok"] is True and "nested" not in first, first
assert second == {"time": second["time"], "event": "shim", "pid": pid, "uid": 65534,
                  "error": "unreadable event: text after the object at byte 13"}, second
assert third["error"] == "unreadable event: expected '{' at byte 0", third
print("ok")
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	# One line per event: the payload's newline did not start a line of its own.
	[ "$(wc -l <"$work/log")" -eq 3 ]
	! grep -q injected "$work/log" || false
}

@test "idle connections and oversized events cannot keep shims from being logged" {
	cat >"$work/flood.py" <<'PY'
import os, socket, subprocess
def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/sys/devices/virtual/dmi/.log")
    return s
idle = [connect() for _ in range(100)]
subprocess.run(["route", "-n"], stdout=subprocess.DEVNULL, check=True)
big = connect()
big.sendall(b'{"tool":"' + b"x" * (1 << 20) + b'"}')
big.shutdown(socket.SHUT_WR)
big.recv(1)
print(os.getpid())
PY
	run "$FAKENET" run --log "$work/log" -- "$PYTHON" "$work/flood.py"
	[ "$status" -eq 0 ]
	pid=$output
	run "$PYTHON" - "$work/log" "$pid" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
pid = int(sys.argv[2])
route = [e for e in events if e.get("tool") == "route"]
assert len(route) == 1 and route[0]["exit"] == 0, events
errors = [e["error"] for e in events if e["pid"] == pid]
assert errors.count("event too long") == 1, errors
assert errors.count("dropped: too many connections open at once") >= 36, errors
print("ok")
PY
	echo "$output"
	[ "$output" = ok ]
}

@test "a log in a missing directory: 125 and a clear message before anything starts" {
	run --separate-stderr "$FAKENET" run --log "$work/missing/log" -- touch "$work/started"
	[ "$status" -eq 125 ]
	[ "$stderr" = "fakenet: run: cannot open the log file $work/missing/log: No such file or directory" ]
	[ ! -e "$work/started" ]
	[ ! -e "$work/missing" ]
}
