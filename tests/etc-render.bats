#!/usr/bin/env bats
# /etc/hosts, /etc/resolv.conf and /etc/hostname as fakenet renders them (`fakenet show`), for
# every shipped identity, against the text Docker writes for the same settings. The expected text
# is built here from the YAML by python (not by our parser): the Debian localhost lines, the
# machine's own line (first IPv4 address of the first up interface other than lo, TAB, hostname),
# the `hosts:` entries ("IP<TAB>name1 name2"), then each blocked name on 127.0.0.1.

load lib/common

setup() {
	require_build "$FAKENET"
	require_yaml
}

# expected FILE IDENTITY: the text Docker would write for FILE (hosts, resolv.conf, hostname).
expected() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import ipaddress, sys, yaml

which, path = sys.argv[1], sys.argv[2]
with open(path) as f:
    ident = yaml.safe_load(f)
out = []
if which == "hosts":
    out += ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback",
            "fe00::0\tip6-localnet", "ff00::0\tip6-mcastprefix", "ff02::1\tip6-allnodes",
            "ff02::2\tip6-allrouters"]
    for iface in ident.get("interfaces") or []:
        if iface.get("state", "up") != "up":
            continue
        v4 = [a for a in iface.get("addresses", []) if ipaddress.ip_interface(a).version == 4]
        if v4:
            out.append("%s\t%s" % (ipaddress.ip_interface(v4[0]).ip, ident["hostname"]))
            break
    for h in ident.get("hosts") or []:
        out.append("%s\t%s" % (ipaddress.ip_address(h["ip"]), " ".join(h["names"])))
    out += ["127.0.0.1\t%s" % name for name in ident.get("blocked") or []]
elif which == "resolv.conf":
    dns = ident.get("dns") or {}
    out += ["nameserver %s" % ipaddress.ip_address(ns) for ns in dns.get("nameservers") or []]
    if dns.get("search"):
        out.append("search " + " ".join(dns["search"]))
    if dns.get("options"):
        out.append("options " + " ".join(dns["options"]))
elif which == "hostname":
    out.append(ident["hostname"])
sys.stdout.write("".join(line + "\n" for line in out))
EOF
}

compare_all() {
	local file=$1 f failed=0
	for f in "$TOP"/identities/*.yaml; do
		expected "$file" "$f" >"$BATS_TEST_TMPDIR/expected"
		"$FAKENET" show --identity "$f" "/etc/$file" >"$BATS_TEST_TMPDIR/ours"
		if ! cmp -s "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/ours"; then
			echo "## $(basename "$f"): /etc/$file differs (< expected, > fakenet)"
			diff "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/ours"
			failed=1
		fi
	done
	return $failed
}

@test "/etc/hosts is Docker's for every shipped identity" {
	compare_all hosts
}

@test "/etc/resolv.conf is Docker's for every shipped identity" {
	compare_all resolv.conf
}

@test "/etc/hostname is the identity's hostname" {
	compare_all hostname
}

@test "/etc/hosts of the default identity, literally" {
	run "$FAKENET" show --identity "$TOP/identities/docker.yaml" /etc/hosts
	[ "$status" -eq 0 ]
	[ "${lines[6]}" = "$(printf '172.18.0.2\t3f2a9c1b7d4e')" ]
	[ "${lines[7]}" = "$(printf '127.0.0.1\tipinfo.io')" ]
	[ "${#lines[@]}" -eq 11 ]
}
