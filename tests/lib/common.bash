# Shared helpers for the bats scenario tests (loaded with `load lib/common`).

: "${FAKENET:=${FAKENET_BUILD:-build}/fakenet}"
: "${FAKENET_SHIM:=${FAKENET_BUILD:-build}/fakenet-shim}"

# Skips, saying why, when this machine cannot run an environment: not root, or no /dev/fuse.
require_fakenet_env() {
	[ -x "$FAKENET" ] || { echo "missing $FAKENET: run make" >&2; return 1; }
	[ "$(id -u)" -eq 0 ] || skip "needs root for FUSE and namespaces"
	[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"
}

# Debian's interpreter, which has python3-yaml; a python3 earlier on PATH may lack it or start slowly.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# Two test namespaces for the modes that lead out through pasta: EDGE, where fakenet runs (its
# "host"), and INET, the only thing EDGE reaches: one veth, EDGE at PREFIX.1/30 with its default
# route via INET at PREFIX.2. No IPv6, so nothing else is ever sent.
make_edge_and_inet() {
	local edge=$1 inet=$2 prefix=$3 ns
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

# An interface's IPv6 addresses come out of a hash table whose seed differs in every namespace:
# ifconfig lists them in no order that two namespaces share. Sorts each run of inet6 lines.
sort_inet6_runs() {
	$PYTHON -c '
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

# identity_fact FILE EXPR: a value of an identity file (a python expression over `y`, the parsed
# YAML), one item per line: expected values from the identity itself, never from fakenet.
identity_fact() {
	"$PYTHON" -c 'import sys, yaml
y = yaml.safe_load(open(sys.argv[1]))
v = eval(sys.argv[2])
print("\n".join(map(str, v)) if isinstance(v, list) else v)' "$1" "$2"
}
