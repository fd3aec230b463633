#!/usr/bin/env bats
# The curl and wget shims against the real curl 7.88 and wget 1.21 (run inside fresh network
# namespaces, so they fail at once and never reach a network), the IP-echo answers and http: rules
# of every shipped identity (expected values read from the YAML), and the no-socket guarantee.

load lib/common

setup() {
	CURL=$SHIMS/curl
	WGET=$SHIMS/wget
	require_build "$CURL" "$WGET"
	new_tmpdir T
	mkdir -p "$T/cases"
	NCASES=0
	NETNS_SETUP=:
	cat >"$T/id.yaml" <<'EOF'
version: 1
hostname: curltest
interfaces:
  - {name: eth0, kind: veth, mac: "02:42:ac:12:00:02", addresses: [172.18.0.2/16], state: up}
gateway: {ip: 172.18.0.1, mac: "02:42:ac:12:00:01"}
dns: {nameservers: [127.0.0.1]}
public_ip: 203.0.113.7
http:
  - {url: '^http://127\.0\.0\.1:1/', fail: refused}
  - {url: '^http://10\.9\.9\.2/', fail: timeout}
  - {url: '^http://127\.0\.0\.1:8000/ip$', body: "203.0.113.7", headers: ["Content-Type: text/plain"]}
  - {url: '^http://127\.0\.0\.1:8000/$', body: "hello\n", headers: ["Content-Type: text/html"]}
  - {url: '^http://127\.0\.0\.1:8000/nope$', status: 404, body: "not found\n", headers: ["Content-Type: text/plain"]}
EOF
}

need_netns() {
	require_root "unshare -n"
	unshare -n true 2>/dev/null || skip "cannot create a network namespace"
}

# Queues one command line (tool name, then its arguments) for run_cases.
case_() {
	NCASES=$((NCASES + 1))
	printf '%s\0' "$@" >"$T/cases/$NCASES"
}

# Runs every queued case twice, each in its own directory: once with our shim (case dir fake/N)
# and once with the real tool in a fresh network namespace whose only link is lo, up (real/N):
# names fail to resolve at once (no DNS server is reachable), closed loopback ports refuse.
# NETNS_SETUP runs in the namespace first. The namespace dies with its last process. One batch,
# because forks are what a test pays for here.
run_cases() {
	cat >"$T/run.sh" <<'EOF'
side=$1 shimdir=$2
cd "$T"
for f in cases/*; do
	n=${f#cases/}
	mkdir -p "$side/$n"
	mapfile -d '' args <"$f"
	tool=${args[0]}
	[ "$side" = fake ] && tool=$shimdir/$tool
	for try in 1 2 3 4 5 6 7 8 9 10; do
		(cd "$side/$n" && FAKENET_IDENTITY=$T/id.yaml exec "$tool" "${args[@]:1}" \
			>../../$side.$n.out 2>../../$side.$n.err </dev/null)
		echo $? >"$side.$n.rc"
		# The real curl races its resolver thread against its first meter update: a name that
		# fails at once sometimes leaves before the meter is drawn. Retry for the usual form.
		[ "$side" = fake ] && break
		[ "$(head -c 9 "fake.$n.err")" = "$(head -c 9 "real.$n.err")" ] && break
	done
done
EOF
	T=$T bash "$T/run.sh" fake "$SHIMS"
	# SERVER_PID: a server NETNS_SETUP started, stopped before the namespace goes away.
	T=$T PATH=/usr/bin:/bin:/usr/sbin:/sbin unshare -n bash -c \
		'ip link set lo up; SERVER_PID=; eval "$NETNS_SETUP"; bash "$T/run.sh" real
		[ -z "$SERVER_PID" ] || { kill "$SERVER_PID"; wait "$SERVER_PID"; }; true' </dev/null
	"$PYTHON" - "$T" <<'EOF'
import difflib, os, re, sys
T = sys.argv[1]
def read(p):
    return open(p, "rb").read().decode("utf-8", "replace")
def mask(s):
    # How often the real curl redraws an unchanged meter line in its first milliseconds.
    s = re.sub(r"(\r[^\r\n]*)(?:\1)+", r"\1", s)
    # Elapsed times, dates and measured speeds are all that may differ.
    s = re.sub(r"after \d+ (ms|milliseconds)", r"after N \1", s)
    s = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "DATE", s)
    s = re.sub(r"(?m)(\r100 +\S+ +100 +\S+ +\S+ +\S+) +\S+ +(\S+ \S+ \S+ \S+) +\S+", r"\1 S \2 S", s)
    s = re.sub(r"100% +[0-9.]+[KMG]?=[0-9.]+s", "100% RATE", s)
    s = re.sub(r"\([0-9.]+ [KMG]?B/s\)", "(RATE)", s)
    return s
bad = 0
for n in sorted(os.listdir(T + "/cases"), key=int):
    cmd = " ".join(open("%s/cases/%s" % (T, n)).read().split("\0")[:-1])
    r, f = ("%s/%s.%s" % (T, side, n) for side in ("real", "fake"))
    problems = []
    if read(r + ".rc") != read(f + ".rc"):
        problems.append("exit %s, real %s" % (read(f + ".rc").strip(), read(r + ".rc").strip()))
    if mask(read(r + ".out")) != mask(read(f + ".out")):
        problems.append("stdout %r, real %r" % (read(f + ".out"), read(r + ".out")))
    if mask(read(r + ".err")) != mask(read(f + ".err")):
        problems.append("stderr:\n" + "\n".join(difflib.unified_diff(
            mask(read(r + ".err")).split("\n"), mask(read(f + ".err")).split("\n"), "real", "fake", lineterm="")))
    files = [sorted(os.listdir("%s/%s/%s" % (T, side, n))) for side in ("real", "fake")]
    for name in files[0]:
        if name in files[1] and open("%s/real/%s/%s" % (T, n, name), "rb").read() != \
                open("%s/fake/%s/%s" % (T, n, name), "rb").read():
            problems.append("file %s differs" % name)
    if files[0] != files[1]:
        problems.append("files %s, real %s" % (files[1], files[0]))
    if problems:
        bad += 1
        print("## %s\n%s" % (cmd, "\n".join(problems)))
print("%d cases, %d differ" % (len(os.listdir(T + "/cases")), bad))
sys.exit(1 if bad else 0)
EOF
}

@test "curl: unresolvable names and refused ports fail like the real curl, flag by flag" {
	need_netns
	local url flags
	for url in http://nonexistent-host.invalid/ http://127.0.0.1:1/; do
		case_ curl "$url"
		for flags in -s -sS -f -v "-m 1" "-o out.txt" "-s -o /dev/null"; do
			# shellcheck disable=SC2086
			case_ curl $flags "$url"
		done
		case_ curl -w '%{http_code}' "$url"
		case_ curl -sSf -w '%{http_code} %{exitcode} %{errormsg}\n' "$url"
	done
	case_ curl ipinfo.invalid/ip
	case_ curl -sS https://Some.Name.invalid:8443/a/../b?q=1 -w '%{url_effective}\n'
	case_ curl -sS http://a.invalid http://127.0.0.1:1/
	run_cases
}

@test "curl: usage errors match the real curl" {
	need_netns
	case_ curl
	case_ curl -s
	case_ curl --bogus http://x.invalid/
	case_ curl -m abc http://x.invalid/
	case_ curl --max-time -1 http://x.invalid/
	case_ curl -sS -o
	case_ curl -sS 'ht!tp://x.invalid/'
	case_ curl -sS http://x.invalid:99999/
	run_cases
}

@test "curl: a timeout rule waits -m or --connect-timeout like a host that drops SYNs" {
	need_netns
	# A veth whose peer never answers and a permanent neighbour entry: the real curl's SYNs go
	# nowhere, so it times out exactly as a black-holed host does.
	NETNS_SETUP='ip link add v0 type veth peer name v1 && ip addr add 10.9.9.1/24 dev v0 &&
		ip link set v0 up && ip link set v1 up &&
		ip neigh replace 10.9.9.2 lladdr 02:00:00:00:00:09 dev v0 nud permanent'
	export NETNS_SETUP
	case_ curl -m 1 http://10.9.9.2/
	case_ curl --connect-timeout 1 http://10.9.9.2/
	case_ curl -sS -m 1 --connect-timeout 2 -w '%{http_code}\n' http://10.9.9.2/
	run_cases
}

# A python http server in the real tool's namespace serves what the test identity's rules answer.
serve() {
	cat >"$T/srv.py" <<'EOF'
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        pages = {"/ip": (200, "text/plain", b"203.0.113.7"), "/": (200, "text/html", b"hello\n")}
        code, ctype, body = pages.get(self.path, (404, "text/plain", b"not found\n"))
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", 8000), H).serve_forever()
EOF
	NETNS_SETUP="$PYTHON $T/srv.py >/dev/null 2>&1 & SERVER_PID=\$!; for i in \$(seq 100); do
		$PYTHON -c 'import socket; socket.create_connection((\"127.0.0.1\", 8000))' 2>/dev/null && break
		sleep 0.1; done"
	export NETNS_SETUP
}

@test "curl: answers (body, -w, -f on 404, -o, progress meter) match the real curl" {
	need_netns
	serve
	local ip=http://127.0.0.1:8000/ip nope=http://127.0.0.1:8000/nope
	case_ curl "$ip"
	case_ curl -s "$ip"
	case_ curl -s -w '%{http_code}' "$ip"
	case_ curl -s -o /dev/null -w '%{http_code}\n%{size_download}\n' "$nope"
	case_ curl "$nope"
	case_ curl -f "$nope"
	case_ curl -sSf "$nope"
	case_ curl -o page.txt "$ip"
	case_ curl -s -O "$ip"
	run_cases
}

@test "wget: failures and answers match the real wget" {
	need_netns
	[ -x /usr/bin/wget ] || skip "no real wget at /usr/bin/wget (Debian package wget)"
	serve
	export LC_ALL=C
	case_ wget http://nonexistent-host.invalid/
	case_ wget -q http://nonexistent-host.invalid/
	case_ wget -nv http://nonexistent-host.invalid/
	case_ wget http://127.0.0.1:1/
	case_ wget -q -O - http://127.0.0.1:1/
	case_ wget -T 1 -t 1 http://127.0.0.1:1/
	case_ wget http://127.0.0.1:8000/nope
	case_ wget -q http://127.0.0.1:8000/nope
	case_ wget -qO- http://127.0.0.1:8000/ip
	case_ wget -O - http://127.0.0.1:8000/ip
	case_ wget -O got.txt http://127.0.0.1:8000/ip
	case_ wget http://127.0.0.1:8000/
	case_ wget
	case_ wget --bogus
	case_ wget -T x http://x.invalid/
	run_cases
}

@test "curl: a timeout rule with -m 1 ends within 1.5 s with exit 28; without -m at once" {
	local start end
	start=$(date +%s%N)
	FAKENET_IDENTITY=$T/id.yaml run "$CURL" -s -m 1 http://10.9.9.2/
	end=$(date +%s%N)
	[ "$status" -eq 28 ]
	[ $(((end - start) / 1000000)) -lt 1500 ]
	[ $(((end - start) / 1000000)) -ge 950 ]
	start=$(date +%s%N)
	FAKENET_IDENTITY=$T/id.yaml run "$CURL" -sS http://10.9.9.2/
	end=$(date +%s%N)
	[ "$status" -eq 28 ]
	[ $(((end - start) / 1000000)) -lt 500 ]
}

@test "curl and wget: never open a socket" {
	require_command strace strace
	strace -f -o "$T/trace" -e trace=network "$CURL" -s ipinfo.io/ip || true
	strace -f -o "$T/trace2" -e trace=network "$CURL" -s -m 1 http://ifconfig.me/ || true
	strace -f -o "$T/trace3" -e trace=network "$WGET" -q -O - http://icanhazip.com/ || true
	[ -s "$T/trace" ]
	! grep -E 'socket|connect|sendto|sendmsg' "$T/trace" "$T/trace2" "$T/trace3" || false
}

URLS=(http://ipinfo.io/ip https://ipinfo.io/ip http://ifconfig.me/ http://ifconfig.me/ip
	https://api.ipify.org/ http://icanhazip.com/ https://checkip.amazonaws.com/
	http://ispt.ahnlab.com/status https://gactivation.ahnlab.com/ http://webclinic.ahnlab.com/x
	http://status.example.com/ http://telemetry.example.net/t http://sub.ispt.ahnlab.com/
	http://unknown-host.example.org/)

# What an identity says each URL answers, from the YAML alone: the first http: rule whose pattern
# matches the full URL, else a blocked host (or its subdomain), else the IP-echo services (their
# public bodies: no newline for ipinfo.io/ip, ifconfig.me, api.ipify.org; "\n" for icanhazip.com
# and checkip.amazonaws.com), else unresolvable. Writes DIR/N.rc and DIR/N.body per URL.
expect() {
	"$PYTHON" - "$@" <<'EOF'
import re, sys, yaml
ident, outdir, urls = yaml.safe_load(open(sys.argv[1])), sys.argv[2], sys.argv[3:]
echo = {"http://ipinfo.io/ip": "", "https://ipinfo.io/ip": "", "http://ifconfig.me/": "",
        "http://ifconfig.me/ip": "", "https://api.ipify.org/": "", "http://icanhazip.com/": "\n",
        "https://checkip.amazonaws.com/": "\n"}
def answer(url):
    host = re.match(r"^[a-z]+://([^/:?#]+)", url).group(1).lower()
    for rule in ident.get("http") or []:
        if re.search(rule["url"], url):
            fail = rule.get("fail")
            if fail:
                return {"refused": 7, "unresolvable": 6, "timeout": 28}[fail], ""
            return 0, rule.get("body", "")
    for b in ident.get("blocked") or []:
        if host == b or host.endswith("." + b):
            return 6, ""
    if url in echo and ident.get("public_ip"):
        return 0, str(ident["public_ip"]) + echo[url]
    return 6, ""
for n, url in enumerate(urls):
    rc, body = answer(url)
    open("%s/%d.rc" % (outdir, n), "w").write(str(rc))
    open("%s/%d.body" % (outdir, n), "w").write(body)
EOF
}

@test "curl and wget: IP-echo answers and http: rules of every shipped identity" {
	local checked=0 n got
	for y in "$TOP"/identities/*.yaml; do
		rm -rf "$T/exp" && mkdir "$T/exp"
		expect "$y" "$T/exp" "${URLS[@]}"
		for n in "${!URLS[@]}"; do
			got=0
			FAKENET_IDENTITY=$y "$CURL" -s -m 1 "${URLS[n]}" >"$T/out" 2>/dev/null || got=$?
			[ "$got" = "$(cat "$T/exp/$n.rc")" ] ||
				{ echo "$y ${URLS[n]}: curl exit $got, expected $(cat "$T/exp/$n.rc")"; return 1; }
			cmp "$T/out" "$T/exp/$n.body" || { echo "$y ${URLS[n]}: curl body"; return 1; }
			if [ "$got" = 0 ] && [ -x "$WGET" ]; then
				FAKENET_IDENTITY=$y "$WGET" -q -O "$T/wout" "${URLS[n]}"
				cmp "$T/wout" "$T/exp/$n.body" || { echo "$y ${URLS[n]}: wget body"; return 1; }
			fi
			checked=$((checked + 1))
		done
	done
	[ "$checked" -eq $((${#URLS[@]} * $(ls "$TOP"/identities/*.yaml | wc -l))) ]
}
