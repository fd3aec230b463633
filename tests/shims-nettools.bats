#!/usr/bin/env bats
# The net-tools shims (route, arp, ifconfig, netstat -r/-i) against the real net-tools 2.10 binaries
# run in a network namespace built like each shipped identity (tests/lib/netns-from-identity.py),
# with the identity's /etc/hosts (fakenet show) and a resolv.conf whose only server is 127.0.0.1,
# so every reverse lookup the real tools do without -n fails at once on loopback. stdout, stderr
# and the exit status must match. The 1.60 style is compared with the reference captures of real
# 1.60 binaries (tests/reference/net-tools-1.60).
#
# Identities whose tools.net_tools is "1.60" are compared with 2.10 through a copy set to "2.10".
#
# What is masked, and why (everything a live kernel makes volatile):
#  - traffic counters (packets, bytes and their unit; RX-OK/TX-OK): the kernel's veths count their
#    own IPv6 and ARP traffic, the identity's counters stand still. Each field keeps its width.
#  - the order of inet6 lines within one interface: /proc/net/if_inet6 is in a hash order salted
#    per namespace, so any order is real.
#  - the order of arp rows (not the header): the neighbour hash is seeded at random.
#  - the Ref column of route -A inet6: reference counts move with traffic.

load lib/common

setup_file() {
	export NS_PREFIX="fnnt-$$"
	export WORK
	WORK=$(mktemp -d /tmp/fakenet-nettools.XXXXXX)
	have_root && have_yaml || return 0
	[ -x "$FAKENET" ] && [ -x "$SHIMS/route" ] || return 0
	write_normalizer
	local f name
	for f in "$TOP"/identities/*.yaml; do
		name=$(basename "$f" .yaml)
		# The 2.10 binaries are the reference here, whatever style the identity asks for.
		"$PYTHON" -c 'import re, sys
text = open(sys.argv[1]).read()
text, n = re.subn(r"net_tools:\s*\"?[0-9.]+\"?", "net_tools: \"2.10\"", text)
sys.stdout.write(text)' "$f" >"$WORK/$name.yaml"
		mkdir -p "/etc/netns/$NS_PREFIX-$name"
		"$FAKENET" show --identity "$f" /etc/hosts >"/etc/netns/$NS_PREFIX-$name/hosts"
		echo "nameserver 127.0.0.1" >"/etc/netns/$NS_PREFIX-$name/resolv.conf"
	done
	netns_up_each "$NS_PREFIX" "$TOP"/identities/*.yaml
}

teardown_file() {
	local f name
	netns_down_each "$NS_PREFIX" "$TOP"/identities/*.yaml
	for f in "$TOP"/identities/*.yaml; do
		name=$(basename "$f" .yaml)
		rm -rf "/etc/netns/${NS_PREFIX:?}-$name"
	done
	rmdir /etc/netns 2>/dev/null
	rm -rf "${WORK:?}"
	true
}

setup() {
	require_root "network namespaces"
	require_yaml
	require_build "$FAKENET" "$SHIMS/route"
}

write_normalizer() {
	cat >"$WORK/normalize.py" <<'PY'
import difflib, re, sys


def mask_counters(l):
    l = re.sub(r"((?:RX|TX) packets[ :])\d+", r"\1N", l)
    l = re.sub(r"((?:RX |TX )?bytes[ :])\d+ \(\d+\.\d [A-Za-z]+\)", r"\1N (N)", l)
    if re.match(r"^\S+ +\d+ +(\d+ +)?\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ [A-Za-z\[]", l):
        # An interface table row: 2.10 has MTU RX-OK ... (9 numbers), 1.60 MTU Met RX-OK ... (10).
        nums = list(re.finditer(r"\d+", l[5:]))
        idx = (2, 6) if len(nums) == 10 else (1, 5)
        chars = list(l)
        for k in idx:
            s, e = nums[k].start() + 5, nums[k].end() + 5
            while s > 0 and chars[s - 1] == " ":
                s -= 1
            chars[s:e] = " " * (e - s - 1) + "N"
        l = "".join(chars)
    return l

def normalize(text, kind):
    out, run = [], []
    for l in (mask_counters(l) for l in text.split("\n")):
        if re.match(r"^ +inet6 ", l):
            run.append(l)
            continue
        out += sorted(run)
        run = []
        out.append(l)
    out += sorted(run)
    if kind == "arp":
        head = [l for l in out if l.startswith("Address ")]
        rest = sorted(l for l in out if l and not l.startswith("Address "))
        out = head + rest + [""]
    elif kind == "route6":
        out = [re.sub(r"^(\S+ +\S+ +\S+ +-?\d+ +)\d+", r"\1N", l) for l in out]
    return "\n".join(out)

def read(path):
    with open(path) as f:
        return f.read()

# Each manifest line: PREFIX<TAB>KIND<TAB>what; PREFIX.{real,ours}.{out,err,rc} hold the runs.
failed = 0
for line in read(sys.argv[1]).splitlines():
    prefix, kind, what = line.split("\t", 2)
    r = {s: read("%s.real.%s" % (prefix, s)) for s in ("out", "err", "rc")}
    o = {s: read("%s.ours.%s" % (prefix, s)) for s in ("out", "err", "rc")}
    ro, oo = normalize(r["out"], kind), normalize(o["out"], kind)
    for stream, a, b in (("stdout", ro, oo), ("stderr", r["err"], o["err"]), ("status", r["rc"], o["rc"])):
        if a != b:
            failed = 1
            print("== %s: %s differs (real, then ours)" % (what, stream))
            print("".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), n=1)))
sys.exit(failed)
PY
}

# Runs the shim as the real tool is run (argv[0] is the bare name, as a PATH lookup gives).
ours() {
	local id=$1
	shift
	FAKENET_IDENTITY=$id bash -c 'exec -a "$0" "$SHIMS/$0" "$@"' "$@"
}

# record PREFIX NAME KIND COMMAND...: runs one command real (in the namespace) and ours, keeping stdout,
# stderr and status for check_recorded, which compares them all in one pass.
record() {
	local d=$1 name=$2 kind=$3 rr=0 or=0
	shift 3
	ip netns exec "$NS_PREFIX-$name" "$@" >"$d.real.out" 2>"$d.real.err" || rr=$?
	echo "$rr" >"$d.real.rc"
	ours "$WORK/$name.yaml" "$@" >"$d.ours.out" 2>"$d.ours.err" || or=$?
	echo "$or" >"$d.ours.rc"
	printf '%s\t%s\t%s: %s\n' "$d" "$kind" "$name" "$*" >"$d.manifest"
}

# Starts one record in the background: the runs are independent and the machine may be busy.
record_bg() {
	n_recorded=$((n_recorded + 1))
	record "$WORK/run.$n_recorded" "$@" &
}

check_recorded() {
	local rc=0
	wait
	cat "$WORK"/run.*.manifest >"$WORK/manifest"
	"$PYTHON" "$WORK/normalize.py" "$WORK/manifest" || rc=$?
	rm -f "$WORK"/run.*
	return $rc
}

# compare_all KIND COMMAND-LINE...: every command for every shipped identity; all failures listed.
compare_all() {
	local kind=$1 f name gw cmd ifname
	shift
	n_recorded=0
	for f in "$TOP"/identities/${ONLY:-*}.yaml; do
		name=$(basename "$f" .yaml)
		gw=$(identity_fact "$f" '(y.get("gateway") or {}).get("ip", "10.255.255.254")')
		for cmd in "$@"; do
			cmd=${cmd//@GW@/$gw}
			if [[ $cmd == *@IF@* ]]; then
				for ifname in lo $(identity_fact "$f" '[i["name"] for i in y["interfaces"]]'); do
					# shellcheck disable=SC2086
					record_bg "$name" "$kind" ${cmd//@IF@/$ifname}
				done
				continue
			fi
			# shellcheck disable=SC2086
			record_bg "$name" "$kind" $cmd
		done
	done
	check_recorded
}

@test "route: every listing option matches net-tools 2.10 for every identity" {
	compare_all plain "route" "route -n" "route -e" "route -ne" "route -nee" "route -neee" \
		"route -4 -n" "route -nN -v" "route -C"
}

@test "route -A inet6 (with and without -n) matches net-tools 2.10, reference counts masked" {
	compare_all route6 "route -A inet6" "route -A inet6 -n" "route -6 -n"
}

@test "route: usage, version and errors match net-tools 2.10" {
	ONLY=docker compare_all plain "route -x" "route -h" "route -V" "route -A foo" "route -F -n foo"
}

@test "arp: every listing option matches net-tools 2.10 for every identity (rows unordered)" {
	compare_all arp "arp" "arp -n" "arp -a" "arp -an" "arp -e -a -n" "arp -v -n" \
		"arp -n -i eth0" "arp -a -i eth9" "arp -n @GW@" "arp @GW@" "arp -n @GW@ -i lo" \
		"arp -n 10.99.99.99" "arp -an 10.99.99.99" "arp -n localhost" "arp -H ax25 -n"
}

@test "arp: usage, version and errors match net-tools 2.10" {
	ONLY=docker compare_all plain "arp -x" "arp -h" "arp -V" "arp -i" "arp -H foo" \
		"arp -A inet6 -n" "arp -A foo" "arp -n no-such-host"
}

@test "ifconfig: every listing matches net-tools 2.10 for every identity, counters masked" {
	compare_all plain "ifconfig" "ifconfig -a" "ifconfig -s" "ifconfig -s -a" "ifconfig @IF@" \
		"ifconfig -s @IF@" "ifconfig eth9"
}

@test "ifconfig: usage, version and errors match net-tools 2.10" {
	ONLY=docker compare_all plain "ifconfig -x" "ifconfig -as" "ifconfig --help" "ifconfig -V" \
		"ifconfig -s eth9" "ifconfig eth9 up"
}

@test "netstat -r and -i match net-tools 2.10 for every identity, counters masked" {
	compare_all plain "netstat -r" "netstat -rn" "netstat -rne" "netstat -rnee" "netstat -i" \
		"netstat -ia" "netstat -ie" "netstat -iea"
	compare_all route6 "netstat -rn -6"
}

@test "netstat hands everything else to the real netstat" {
	ONLY=docker compare_all plain "netstat -V" "netstat -ir" "netstat -is" "netstat --bogus"
}

@test "netstat without a real netstat to hand over to says so and fails" {
	local shim
	shim=$(readlink -f "$SHIMS/netstat")
	run unshare -m sh -c 'mount -t tmpfs none /usr/sbin && mount -t tmpfs none /usr/bin &&
		exec "$0" netstat -s' "$shim"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "netstat: this fakenet shim only knows -r and -i (no real netstat found)" ]
}

@test "changes (route add/del, arp -s/-d/-f, ifconfig IF ...) succeed silently and change nothing" {
	local id="$TOP/identities/multi-nic.yaml" before cmd
	before=$(ours "$id" route -n)
	for cmd in "route add -net 10.0.0.0/8 gw 10.0.0.1" "route del default" "route -n flush" \
		"arp -s 10.0.0.9 02:00:00:00:00:09" "arp -d 10.0.0.1" "arp -f" \
		"ifconfig eth0 up" "ifconfig eth0 10.0.0.9 netmask 255.0.0.0" "ifconfig eth1 mtu 1400"; do
		# shellcheck disable=SC2086
		run ours "$id" $cmd
		echo "$cmd: $status: $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	[ "$(ours "$id" route -n)" = "$before" ]
}

# The namespace of the reference captures (README §1), as an identity: its gateway entry was added
# by hand (`nud permanent`, "CM").
write_capture_identity() {
	cat >"$WORK/capture-$1.yaml" <<-YAML
	version: 1
	hostname: node1
	interfaces:
	  - {name: eth0, kind: veth, mac: "02:42:ac:12:00:02", addresses: [172.18.0.2/16], mtu: 1500, state: up}
	  - {name: eth1, kind: veth, mac: "02:42:ac:13:00:05", addresses: [10.9.8.7/24], state: up}
	gateway: {ip: 172.18.0.1, mac: "02:42:ac:12:00:01", state: permanent}
	dns: {nameservers: [127.0.0.1]}
	tools: {net_tools: "$1"}
	YAML
}

# compare_captures STYLE DIR FILE=COMMAND...: ours against captured stdout (stderr empty, status 0).
compare_captures() {
	local style=$1 dir=$2 spec d n=0 rc
	shift 2
	write_capture_identity "$style"
	for spec in "$@"; do
		n=$((n + 1))
		d="$WORK/run.$n"
		cp "$dir/${spec%%=*}" "$d.real.out"
		: >"$d.real.err"
		echo 0 >"$d.real.rc"
		rc=0
		# shellcheck disable=SC2086
		ours "$WORK/capture-$style.yaml" ${spec#*=} >"$d.ours.out" 2>"$d.ours.err" || rc=$?
		echo "$rc" >"$d.ours.rc"
		printf '%s\t%s\t%s: %s\n' "$d" plain "$style capture ${spec%%=*}" "${spec#*=}" \
			>"$d.manifest"
	done
	check_recorded
}

@test "1.60 style matches the captures of the real net-tools 1.60 binaries, counters masked" {
	compare_captures 1.60 "$TOP/tests/reference/net-tools-1.60" arp.out=arp arp_n.out="arp -n" arp_a.out="arp -a" \
		arp_an.out="arp -an" ifconfig.out=ifconfig ifconfig_a.out="ifconfig -a" \
		ifconfig_eth0.out="ifconfig eth0" ifconfig_lo.out="ifconfig lo" \
		ifconfig_s.out="ifconfig -s" netstat_i.out="netstat -i" netstat_rn.out="netstat -rn" \
		route.out=route route_n.out="route -n" route_ne.out="route -ne" \
		route_nee.out="route -nee"
}

@test "2.10 style matches the reference captures of net-tools 2.10, counters masked" {
	compare_captures 2.10 "$TOP/tests/reference/net-tools-2.10" arp.out=arp arp_n.out="arp -n" arp_e.out="arp -e" \
		arp_a.out="arp -a" arp_an.out="arp -an" ifconfig_eth0.out="ifconfig eth0" \
		ifconfig_lo.out="ifconfig lo" ifconfig_s.out="ifconfig -s" netstat_i.out="netstat -i" \
		netstat_r.out="netstat -r" netstat_rn.out="netstat -rn" route.out=route \
		route_n.out="route -n" route_ne.out="route -ne" route_nee.out="route -nee"
}
