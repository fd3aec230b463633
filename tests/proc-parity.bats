#!/usr/bin/env bats
# /proc/net as fakenet renders it (`fakenet show`), compared byte for byte with the kernel's own
# files in a real network namespace built like each shipped identity and each held-out one of
# tests/identities (tests/lib/netns-from-identity.py).
#
# What is masked, and why:
#  - dev: the counters (the kernel's veths count their own IPv6/ARP traffic). Each row must still be
#    laid out exactly as "%6s: %7s %7s %4s ..." prints its own numbers, and names, order and the
#    number of columns must match.
#  - if_inet6: sorted on both sides; the kernel lists addresses in the order of a hash salted per
#    namespace, so any order is real.
#  - arp: rows sorted (not the header); the neighbour hash is seeded at random.
#  - ipv6_route: the reference count column, which moves with traffic. The order is compared: it
#    is the fib6 tree walk, deterministic once links come up one at a time, as the script does.

load lib/common

setup_file() {
	export NS_PREFIX="fnt-$$"
	have_root && have_yaml || return 0
	netns_up_each "$NS_PREFIX" "$TOP"/identities/*.yaml "$TOP"/tests/identities/*.yaml
}

teardown_file() {
	netns_down_each "$NS_PREFIX" "$TOP"/identities/*.yaml "$TOP"/tests/identities/*.yaml
}

setup() {
	require_root "network namespaces"
	require_yaml
	require_build "$FAKENET"
}

normalize() {
	local file=$1
	case $file in
	dev)
		awk 'NR <= 2 { print; next }
		{
			i = index($0, ":"); name = substr($0, 1, i - 1); n = split(substr($0, i + 1), v, " ")
			fmt = "%6s: %7s %7s %4s %4s %4s %5s %10s %9s %8s %7s %4s %4s %4s %5s %7s %10s"
			laid = sprintf(fmt, name, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
				       v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16])
			print name ":" n " columns" (laid == $0 ? "" : " MISLAID: " $0)
		}'
		;;
	if_inet6) LC_ALL=C sort ;;
	arp) awk 'NR == 1 { print; next } { print | "LC_ALL=C sort" }' ;;
	ipv6_route) awk '{ $7 = "REFCNT"; print }' ;;
	*) cat ;;
	esac
}

# Compares one /proc/net file for every shipped identity; prints a diff per identity that differs.
compare_all() {
	local file=$1 f ns failed=0
	for f in "$TOP"/identities/*.yaml "$TOP"/tests/identities/*.yaml; do
		ns="$NS_PREFIX-$(basename "$f" .yaml)"
		ip netns exec "$ns" cat "/proc/net/$file" | normalize "$file" >"$BATS_TEST_TMPDIR/kernel"
		"$FAKENET" show --identity "$f" "/proc/net/$file" | normalize "$file" \
			>"$BATS_TEST_TMPDIR/ours"
		if ! cmp -s "$BATS_TEST_TMPDIR/kernel" "$BATS_TEST_TMPDIR/ours"; then
			echo "## $(basename "$f"): /proc/net/$file differs (< kernel, > fakenet)"
			diff "$BATS_TEST_TMPDIR/kernel" "$BATS_TEST_TMPDIR/ours" | head -40
			failed=1
		fi
	done
	return $failed
}

@test "/proc/net/route matches the kernel for every shipped identity" {
	compare_all route
}

@test "/proc/net/arp matches the kernel for every shipped identity" {
	compare_all arp
}

@test "/proc/net/dev matches the kernel (counters masked) for every shipped identity" {
	compare_all dev
}

@test "/proc/net/if_inet6 matches the kernel (any order) for every shipped identity" {
	compare_all if_inet6
}

@test "/proc/net/ipv6_route matches the kernel (refcounts masked) for every shipped identity" {
	compare_all ipv6_route
}

@test "/proc/net/fib_trie matches the kernel's trie shape for every shipped identity" {
	compare_all fib_trie
}

@test "/proc/net/dev_mcast matches the kernel for every shipped identity" {
	compare_all dev_mcast
}
