#!/usr/bin/env bats
# The curl and wget shims against the real curl 7.88 and wget 1.21 (run inside empty network
# namespaces, so they fail at once and never reach a network), the IP-echo answers and http: rules
# of every shipped identity (expected values read from the YAML), and the no-socket guarantee.

setup() {
	TOP=${FAKENET_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BUILD=${FAKENET_BUILD:-$TOP/build}
	CURL=$BUILD/shims/curl
	WGET=$BUILD/shims/wget
	[ -x "$CURL" ] || skip "no $CURL (run make)"
	T=$(mktemp -d)
	mkdir -p "$T/real" "$T/fake"
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

teardown() {
	[ -n "${T:-}" ] && rm -rf "$T"
}

need_netns() {
	[ "$(id -u)" = 0 ] || skip "needs root for unshare -n"
	unshare -n true 2>/dev/null || skip "cannot create a network namespace"
}

# The real tool inside a fresh network namespace whose only link is lo (up): names fail to resolve
# at once (no DNS server is reachable) and closed loopback ports refuse. NETNS_SETUP may add
# commands that run in the namespace first. The namespace dies with its last process.
real() {
	local tool=$1 rc=0
	shift
	(cd "$T/real" && unshare -n sh -c 'ip link set lo up; eval "$NETNS_SETUP"; exec "$@"' sh \
		"$tool" "$@" >"$T/real.out" 2>"$T/real.err" </dev/null) || rc=$?
	echo $rc >"$T/real.rc"
}

fake() {
	local tool=$1 rc=0
	shift
	(cd "$T/fake" && FAKENET_IDENTITY=$T/id.yaml "$tool" "$@" >"$T/fake.out" 2>"$T/fake.err" \
		</dev/null) || rc=$?
	echo $rc >"$T/fake.rc"
}

# Elapsed times and dates are the only things allowed to differ.
mask_times() {
	sed -E -e 's/after [0-9]+ (ms|milliseconds)/after N \1/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/g'
}

# curl's meter line of a finished transfer: mask its measured speeds (columns 7 and 12).
mask_speeds() {
	python3 -c '
import re, sys
pat = re.compile(r"^(100 +\S+ +100 +\S+ +\S+ +\S+) +\S+ +(\S+ \S+ \S+ \S+) +\S+$")
parts = sys.stdin.read().split("\r")
sys.stdout.write("\r".join(pat.sub(r"\1 SPEED \2 SPEED", p.rstrip("\n")) + p[len(p.rstrip("\n")):]
                           for p in parts))'
}

same_as_real() {
	local what=$1
	diff -u <(mask_times <"$T/real.err") <(mask_times <"$T/fake.err") ||
		{ echo "stderr differs: $what"; return 1; }
	cmp "$T/real.out" "$T/fake.out" || { echo "stdout differs: $what"; return 1; }
	[ "$(cat "$T/real.rc")" = "$(cat "$T/fake.rc")" ] ||
		{ echo "exit $(cat "$T/real.rc") != $(cat "$T/fake.rc"): $what"; return 1; }
}

compare_curl() {
	local try
	fake "$CURL" "$@"
	real /usr/bin/curl "$@"
	# The real curl races its resolver thread against the first meter update: a name that fails
	# at once sometimes leaves before the meter is drawn. Retry until it shows the usual form.
	for try in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(head -c 9 "$T/fake.err")" = "$(head -c 9 "$T/real.err")" ] && break
		real /usr/bin/curl "$@"
	done
	same_as_real "curl $*"
	# -o must create no file on a failure, as the real curl does not.
	[ "$(ls "$T/real")" = "$(ls "$T/fake")" ] || { echo "files differ: curl $*"; return 1; }
}

@test "curl: unresolvable names fail like the real curl for each flag combination" {
	need_netns
	local url=http://nonexistent-host.invalid/
	compare_curl "$url"
	compare_curl -s "$url"
	compare_curl -sS "$url"
	compare_curl -f "$url"
	compare_curl -w '%{http_code}' "$url"
	compare_curl -o out.txt "$url"
	compare_curl -m 1 "$url"
	compare_curl -sSf -w '%{http_code} %{exitcode} %{errormsg}\n' "$url"
	compare_curl -v "$url"
	compare_curl ipinfo.invalid/ip
	compare_curl -sS https://Some.Name.invalid:8443/a/../b?q=1 -w '%{url_effective}\n'
	compare_curl -sS http://a.invalid http://b.invalid
}

@test "curl: a refused rule fails like the real curl on a closed loopback port" {
	need_netns
	local url=http://127.0.0.1:1/
	compare_curl "$url"
	compare_curl -s "$url"
	compare_curl -sS "$url"
	compare_curl -f "$url"
	compare_curl -w '%{http_code}' "$url"
	compare_curl -o out.txt "$url"
	compare_curl -m 1 "$url"
	compare_curl -s -o /dev/null -w '%{http_code}\n' "$url"
	compare_curl -v "$url"
}

@test "curl: usage errors match the real curl" {
	need_netns
	compare_curl
	compare_curl -s
	compare_curl --bogus http://x.invalid/
	compare_curl -m abc http://x.invalid/
	compare_curl --max-time -1 http://x.invalid/
	compare_curl -sS -o
	compare_curl -sS 'ht!tp://x.invalid/'
	compare_curl -sS http://x.invalid:99999/
}

@test "curl: a timeout rule waits -m or --connect-timeout like a host that drops SYNs" {
	need_netns
	# A veth whose peer never answers and a permanent neighbour entry: the real curl's SYNs go
	# nowhere, so it times out exactly as a black-holed host does.
	export NETNS_SETUP='ip link add v0 type veth peer name v1 && ip addr add 10.9.9.1/24 dev v0 &&
		ip link set v0 up && ip link set v1 up &&
		ip neigh replace 10.9.9.2 lladdr 02:00:00:00:00:09 dev v0 nud permanent'
	compare_curl -m 1 http://10.9.9.2/
	compare_curl --connect-timeout 1 http://10.9.9.2/
	compare_curl -sS -m 1 --connect-timeout 2 -w '%{http_code}\n' http://10.9.9.2/
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

# A python http server in the real tool's namespace serves what the identity's rules answer.
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
	export NETNS_SETUP="python3 $T/srv.py & for i in \$(seq 50); do
		python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", 8000))' 2>/dev/null && break
		sleep 0.1; done"
}

@test "curl: answers (body, -w, -f on 404, progress meter) match the real curl" {
	need_netns
	serve
	local ip=http://127.0.0.1:8000/ip nope=http://127.0.0.1:8000/nope
	compare_curl -s "$ip"
	compare_curl -s -w '%{http_code}' "$ip"
	compare_curl -s -o /dev/null -w '%{http_code}\n%{size_download}\n' "$nope"
	compare_curl -f "$nope"
	compare_curl -sSf "$nope"
	compare_curl -s "$nope"
	compare_curl -s -o page.txt "$ip"
	cmp "$T/real/page.txt" "$T/fake/page.txt"
	# The meter of a finished transfer: equal but for the measured speeds.
	real /usr/bin/curl "$ip"
	fake "$CURL" "$ip"
	cmp "$T/real.out" "$T/fake.out"
	diff -u <(mask_speeds <"$T/real.err") <(mask_speeds <"$T/fake.err")
}

compare_wget() {
	real /usr/bin/wget "$@"
	fake "$WGET" "$@"
	# wget's dot meter and summary show a measured rate.
	sed -i -E 's/100% [0-9.]+[KMG]?=[0-9.]+s/100% RATE=Ts/; s/\([0-9.]+ [KMG]?B\/s\)/(RATE)/' \
		"$T/real.err" "$T/fake.err"
	same_as_real "wget $*"
	[ "$(ls "$T/real")" = "$(ls "$T/fake")" ] || { echo "files differ: wget $*"; return 1; }
}

@test "wget: failures and answers match the real wget" {
	need_netns
	[ -x /usr/bin/wget ] || skip "no real wget"
	[ -x "$WGET" ] || skip "no $WGET"
	serve
	export LC_ALL=C
	compare_wget http://nonexistent-host.invalid/
	compare_wget -q http://nonexistent-host.invalid/
	compare_wget -nv http://nonexistent-host.invalid/
	compare_wget http://127.0.0.1:1/
	compare_wget -q -O - http://127.0.0.1:1/
	compare_wget -T 1 -t 1 http://127.0.0.1:1/
	compare_wget http://127.0.0.1:8000/nope
	compare_wget -q http://127.0.0.1:8000/nope
	compare_wget -qO- http://127.0.0.1:8000/ip
	compare_wget -O - http://127.0.0.1:8000/ip
	compare_wget -O got.txt http://127.0.0.1:8000/ip
	compare_wget http://127.0.0.1:8000/
	compare_wget
	compare_wget --bogus
	compare_wget -T x http://x.invalid/
}

@test "curl and wget: never open a socket" {
	command -v strace >/dev/null || skip "no strace"
	strace -f -o "$T/trace" -e trace=network "$CURL" -s ipinfo.io/ip || true
	strace -f -o "$T/trace2" -e trace=network "$CURL" -s -m 1 http://ifconfig.me/ || true
	strace -f -o "$T/trace3" -e trace=network "$WGET" -q -O - http://icanhazip.com/ || true
	[ -s "$T/trace" ]
	! grep -E 'socket|connect|sendto|sendmsg' "$T/trace" "$T/trace2" "$T/trace3"
}

# What an identity says a URL answers, from the YAML alone: the first http: rule whose pattern
# matches the full URL, else a blocked host (or its subdomain), else the IP-echo services (their
# public bodies: no newline for ipinfo.io/ip, ifconfig.me, api.ipify.org; "\n" for icanhazip.com
# and checkip.amazonaws.com), else unresolvable. Prints "EXIT<TAB>python-repr(body)".
expect() {
	python3 - "$1" "$2" <<'EOF'
import re, sys, yaml
ident, url = yaml.safe_load(open(sys.argv[1])), sys.argv[2]
host = re.match(r"^[a-z]+://([^/:?#]+)", url).group(1).lower()
def out(rc, body=""):
    print(rc, repr(body), sep="\t")
    sys.exit()
for rule in ident.get("http") or []:
    if re.search(rule["url"], url):
        fail = rule.get("fail")
        if fail:
            out({"refused": 7, "unresolvable": 6, "timeout": 28}[fail])
        out(0, rule.get("body", ""))
for b in ident.get("blocked") or []:
    if host == b or host.endswith("." + b):
        out(6)
echo = {"http://ipinfo.io/ip": "", "https://ipinfo.io/ip": "", "http://ifconfig.me/": "",
        "http://ifconfig.me/ip": "", "https://api.ipify.org/": "", "http://icanhazip.com/": "\n",
        "https://checkip.amazonaws.com/": "\n"}
if url in echo and ident.get("public_ip"):
    out(0, str(ident["public_ip"]) + echo[url])
out(6)
EOF
}

@test "curl and wget: IP-echo answers and http: rules of every shipped identity" {
	local checked=0 rc body got
	for y in "$TOP"/identities/*.yaml; do
		for url in http://ipinfo.io/ip https://ipinfo.io/ip http://ifconfig.me/ \
			http://ifconfig.me/ip https://api.ipify.org/ http://icanhazip.com/ \
			https://checkip.amazonaws.com/ http://ispt.ahnlab.com/status \
			https://gactivation.ahnlab.com/ http://webclinic.ahnlab.com/x \
			http://status.example.com/ http://telemetry.example.net/t \
			http://sub.ispt.ahnlab.com/ http://unknown-host.example.org/; do
			IFS=$'\t' read -r rc body < <(expect "$y" "$url")
			got=0
			FAKENET_IDENTITY=$y "$CURL" -s -m 1 "$url" >"$T/out" 2>/dev/null || got=$?
			[ "$got" = "$rc" ] || { echo "$y $url: curl exit $got, expected $rc"; return 1; }
			[ "$(python3 -c 'import sys; print(repr(open(sys.argv[1]).read()))' "$T/out")" = "$body" ] ||
				{ echo "$y $url: body '$(cat -A "$T/out")', expected $body"; return 1; }
			if [ "$rc" = 0 ] && [ -x "$WGET" ]; then
				FAKENET_IDENTITY=$y "$WGET" -q -O "$T/wout" "$url"
				[ "$(python3 -c 'import sys; print(repr(open(sys.argv[1]).read()))' "$T/wout")" = "$body" ]
			fi
			checked=$((checked + 1))
		done
	done
	[ "$checked" -eq 42 ]
}
