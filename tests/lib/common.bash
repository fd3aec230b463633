# What every bats file of tests/ loads first (`load lib/common`), as git's t/ scripts source
# test-lib.sh: where the tree and the build are, the one python, the prerequisites (each skip says
# why), temp dirs and cleanup, the reference namespaces and the helpers several files share.

# Where things are. tests/run-all exports these; a file run alone under bats finds them from its
# own place. Relative paths are taken from the directory the tests were started in.
TOP=${FAKENET_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
BUILD=${FAKENET_BUILD:-$TOP/build}
FAKENET=${FAKENET:-$BUILD/fakenet}
FAKENET_SHIM=${FAKENET_SHIM:-$BUILD/fakenet-shim}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
case $FAKENET in /*) ;; *) FAKENET=$PWD/$FAKENET ;; esac
case $FAKENET_SHIM in /*) ;; *) FAKENET_SHIM=$PWD/$FAKENET_SHIM ;; esac
export FAKENET FAKENET_SHIM
export SHIMS=$BUILD/shims
# The script that builds a real network namespace like an identity: the tests' reference.
NETNS_TOOL=$TOP/tests/lib/netns-from-identity.py

# Debian's interpreter, which has python3-yaml; a python3 earlier on PATH (a pyenv shim) may lack
# it or take seconds to start.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# --- Prerequisites --------------------------------------------------------------------------
# have_* answer quietly (for setup_file, which cannot skip); require_* skip, saying why. A
# missing build product is a failure, not a skip: `make` builds it, so its absence is a bug.

have_root() { [ "$(id -u)" -eq 0 ]; }
have_yaml() { "$PYTHON" -c 'import yaml' 2>/dev/null; }

require_root() {
	have_root || skip "needs root (${1:-namespaces and mounts})"
}

require_fuse() {
	[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"
}

require_yaml() {
	have_yaml || skip "python3-yaml is not installed (Debian package python3-yaml)"
}

# require_command COMMAND PACKAGE: skips when COMMAND is not on PATH.
require_command() {
	command -v "$1" >/dev/null || skip "$1 is not installed (Debian package $2)"
}

# require_python_module MODULE PACKAGE: skips when $PYTHON cannot import MODULE.
require_python_module() {
	"$PYTHON" -c "import $1" 2>/dev/null || skip "$2 is not installed (Debian package $2)"
}

# require_build FILE...: fails, naming the file, when the build lacks one.
require_build() {
	local f
	for f; do
		[ -e "$f" ] || {
			echo "missing $f: run make" >&2
			return 1
		}
	done
}

# What `fakenet run` needs: the binary, root, and /dev/fuse.
require_fakenet_env() {
	require_build "$FAKENET"
	require_root "the FUSE mount and namespaces"
	require_fuse
}

# --- Temp dirs and cleanup ------------------------------------------------------------------

# at_teardown COMMAND [ARG...]: run by the default teardown (or a file's own, which calls
# common_teardown), last registered first, however the test ended: git's test_when_finished.
_fn_finishers=()
at_teardown() {
	_fn_finishers+=("$(printf '%q ' "$@")")
}

common_teardown() {
	local i
	for ((i = ${#_fn_finishers[@]} - 1; i >= 0; i--)); do
		eval "${_fn_finishers[i]}" 2>/dev/null || true
	done
	_fn_finishers=()
}

teardown() {
	common_teardown
}

# new_tmpdir VAR [TEMPLATE]: VAR names a fresh directory (mktemp), removed at teardown.
new_tmpdir() {
	local d
	d=$(mktemp -d ${2:+"$2"}) || return 1
	printf -v "$1" %s "$d"
	at_teardown rm -rf "$d"
}

# new_nap: $nap, a sleep length unique to this test (pgrep -f "sleep $nap" finds only its
# sleeps), which are killed at teardown.
new_nap() {
	nap="1000.$$$RANDOM"
	at_teardown pkill -KILL -f "sleep $nap"
}

# kill_waiting PID...: kills background processes of this test and reaps them.
kill_waiting() {
	local pid
	for pid; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null || true
	done
}

# --- Identities -----------------------------------------------------------------------------

# identity_path NAME: a shipped identity (identities/), else a held-out one (tests/identities/).
identity_path() {
	if [ -f "$TOP/identities/$1.yaml" ]; then
		echo "$TOP/identities/$1.yaml"
	else
		echo "$TOP/tests/identities/$1.yaml"
	fi
}

# identity_fact FILE EXPR: a value of an identity file (a python expression over `y`, the parsed
# YAML, also named `d`), one item per line: expected values from the identity itself, never from
# fakenet. `up` is the list of its up interfaces and v4(i) an interface's IPv4 addresses.
identity_fact() {
	"$PYTHON" -c 'import sys, yaml
y = d = yaml.safe_load(open(sys.argv[1]))
up = [i for i in y.get("interfaces") or [] if i.get("state", "up") == "up"]
def v4(i):
    return [a.split("/")[0] for a in i.get("addresses", []) if ":" not in a]
v = eval(sys.argv[2])
print("\n".join(map(str, v)) if isinstance(v, list) else v)' "$1" "$2"
}

# lscpu_field FIELD: the value lscpu -J (read on stdin) gives FIELD ("Model name"), searched
# through the nested sections too; nothing when lscpu shows no such field. The JSON form, so that
# no column width or label padding is assumed.
lscpu_field() {
	"$PYTHON" -c 'import json, sys
def walk(items):
    for i in items:
        if i["field"].rstrip(":") == sys.argv[1]:
            print(i["data"])
            return True
        if walk(i.get("children", [])):
            return True
    return False
walk(json.load(sys.stdin)["lscpu"])' "$1"
}

# --- Reference namespaces -------------------------------------------------------------------

# netns_up IDENTITY NAME / netns_down NAME: a namespace built like the identity, and its removal.
netns_up() {
	"$PYTHON" "$NETNS_TOOL" up "$1" "$2"
}

netns_down() {
	"$PYTHON" "$NETNS_TOOL" down "$1" 2>/dev/null || true
}

# netns_up_each PREFIX IDENTITY...: PREFIX-NAME for each identity file NAME.yaml, side by side
# (each waits seconds for IPv6 duplicate address detection); false if any failed.
netns_up_each() {
	local prefix=$1 f pids=() p rc=0
	shift
	for f; do
		netns_up "$f" "$prefix-$(basename "$f" .yaml)" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	return $rc
}

netns_down_each() {
	local prefix=$1 f
	shift
	for f; do
		netns_down "$prefix-$(basename "$f" .yaml)"
	done
}

# Two test namespaces for the modes that lead out through pasta: EDGE, where fakenet runs (its
# "host"), and INET, the only thing EDGE reaches: one veth, EDGE at PREFIX.1/30 with its default
# route via INET at PREFIX.2. No IPv6, so nothing else is ever sent. Both go at teardown, with
# the servers started in them by serve_in.
make_edge_and_inet() {
	local edge=$1 inet=$2 prefix=$3 ns
	at_teardown ip netns del "$edge"
	at_teardown ip netns del "$inet"
	ip netns add "$edge"
	ip netns add "$inet"
	for ns in "$edge" "$inet"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip -n "$edge" link add eth0 type veth peer name eth0 netns "$inet"
	ip -n "$edge" addr add "$prefix.1/30" dev eth0
	ip -n "$inet" addr add "$prefix.2/30" dev eth0
	ip -n "$edge" link set eth0 up
	ip -n "$inet" link set eth0 up
	ip -n "$edge" route add default via "$prefix.2"
}

# What the modes that lead out through pasta need, each absent one a skip, and the test network
# 198.18.0.0/15 (RFC 2544's benchmarking range) free on this host.
require_pasta_world() {
	require_fakenet_env
	require_command ip iproute2
	require_command pasta passt
	! ip -4 addr | grep -q 'inet 198\.18\.' || skip "this host uses 198.18.0.0/15 itself"
}

# serve_in NS COMMAND...: a server in namespace NS, in the background, killed at teardown.
serve_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	at_teardown kill_waiting $!
}

# wait_listening NS tcp|udp PORT: waits (up to 5 s: a busy machine starts python slowly) for a
# socket bound to PORT in NS.
wait_listening() {
	local flag=-lun _
	[ "$2" = tcp ] && flag=-ltn
	for _ in $(seq 250); do
		ip netns exec "$1" ss -H "$flag" "sport = :$3" | grep -q . && return 0
		sleep 0.02
	done
	echo "nothing listens on $2/$3 in $1" >&2
	return 1
}

# serve_http NS ADDRESS PORT DIR: python's HTTP server for DIR in NS, listening when this returns.
serve_http() {
	serve_in "$1" "$PYTHON" -m http.server -b "$2" -d "$4" "$3"
	wait_listening "$1" tcp "$3"
}

# host_facts EDGE: this machine's MACs and IPv4 addresses, the test namespace EDGE's (where the
# runner runs), and this machine's name: what must never show inside a run.
host_facts() {
	ip netns exec "$1" cat /sys/class/net/*/address | grep -v '^00:00:00:00:00:00$'
	ip -n "$1" -4 -o addr | awk '$4 !~ /^127\./ { sub("/.*", "", $4); print $4 }'
	cat /sys/class/net/*/address | grep -v '^00:00:00:00:00:00$'
	ip -4 -o addr | awk '$4 !~ /^127\./ { sub("/.*", "", $4); print $4 }'
	hostname
}

# no_host_facts EDGE FILE: fails, naming it, when FILE shows any of host_facts EDGE.
no_host_facts() {
	host_facts "$1" | sort -u | while read -r fact; do
		! grep -qiF -- "$fact" "$2" || {
			echo "host fact $fact shows inside"
			return 1
		}
	done
}

# --- Output helpers -------------------------------------------------------------------------

# An interface's IPv6 addresses come out of a hash table whose seed differs in every namespace:
# ifconfig lists them in no order that two namespaces share. Sorts each run of inet6 lines.
sort_inet6_runs() {
	"$PYTHON" -c '
import sys
run = []
for line in sys.stdin:
    if line.lstrip().startswith("inet6 "):
        run.append(line)
        continue
    sys.stdout.writelines(sorted(run) + [line])
    run = []
sys.stdout.writelines(sorted(run))'
}

# --- A host without the machine id ----------------------------------------------------------

# without_machine_id CMD...: CMD in a mount namespace of its own where this host has neither
# /etc/machine-id nor /var/lib/dbus, as a debootstrap tree or a container without systemd: /etc
# and /var/lib are writable overlays whose upper layers ($BATS_TEST_TMPDIR/hide/etc, hide/lib)
# record the removals, and anything else written there.
without_machine_id() {
	unshare --mount --propagation private sh -euc '
		t=$1
		shift
		mkdir -p "$t/etc" "$t/etc.work" "$t/lib" "$t/lib.work"
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$t/etc,workdir=$t/etc.work" /etc
		mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$t/lib,workdir=$t/lib.work" /var/lib
		rm -f /etc/machine-id
		rm -rf /var/lib/dbus
		exec "$@"' sh "$BATS_TEST_TMPDIR/hide" "$@"
}
