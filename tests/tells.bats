#!/usr/bin/env bats
# The tells: what a fingerprinter reads in one line to see that fakenet is there. Pid 1, the
# environment, mountinfo, the /proc/net link, statfs, lstat sizes and blocks, the host's own MAC
# under /sys, and which identity an installed image shows. Expected values come from the kernel of
# a network namespace built like the identity (tests/lib/netns-from-identity.py), from a file on
# disk, from what `docker run --init` shows, and from the host's own /sys.

bats_require_minimum_version 1.5.0

load lib/common

setup() {
	require_fakenet_env
	docker=$TOP/identities/docker.yaml
}

teardown() {
	[ -z "${ns:-}" ] || netns_down "$ns"
	common_teardown
}

# The MACs of the host's own interfaces (not lo's zeros), one a line.
host_macs() {
	cat /sys/class/net/*/address | grep -v '^00:00:00:00:00:00$' | sort -u
}

@test "pid 1 shows what docker run --init shows, not fakenet and its options" {
	# One line of script: the command line is printed as one line.
	run "$FAKENET" run --identity "$docker" -- sh -c 'tr "\0" " " </proc/1/cmdline; echo; readlink /proc/1/exe; cat /proc/1/comm; grep -c fakenet /proc/1/maps || true'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/sbin/docker-init -- sh -c "* ]]
	[ "${lines[1]}" = /sbin/docker-init ]
	[ "${lines[2]}" = docker-init ]
	[ "${lines[3]}" = 0 ]
}

@test "pid 1 still relays signals and waits for the target's children" {
	run "$FAKENET" run -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run "$FAKENET" run -- sh -c '(sleep 0.3; echo late) & exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = late ]
}

# A clean environment: the test harness's own variables (FAKENET_BUILD) name fakenet.
@test "nothing in the target's environment or PATH names fakenet" {
	cd / # the checkout's own directory (PWD) may well be named fakenet
	run env -i PATH="$PATH" FAKENET_IDENTITY="$docker" FAKENET_REAL_DIR=/x _="$FAKENET" "$FAKENET" run -- sh -c '
		env; tr "\0" "\n" </proc/1/environ'
	[ "$status" -eq 0 ]
	! grep -i fakenet <<<"$output" || false
	! grep '^_=' <<<"$output" || false
	# The preload backend too: its library, identity and shims are out of sight, PATH is the
	# caller's, and the covered tools still answer.
	run env -i PATH="$PATH" FAKENET_IDENTITY="$docker" FAKENET_REAL_DIR=/x _="$FAKENET" "$FAKENET" run --backend preload -- sh -c '
		env | grep -v "^_=/usr/bin/env$"; hostname'
	[ "$status" -eq 0 ]
	! grep -i fakenet <<<"$output" || false
	! grep '^_=' <<<"$output" || false
	grep -qx "PATH=$PATH" <<<"$output"
	[ "${lines[-1]}" = "$(identity_fact "$docker" 'y["hostname"]')" ]
}

@test "mountinfo names no fakenet: no fuse.fakenet, no bind from a fakenet path" {
	run "$FAKENET" run --identity "$docker" -- cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	! grep -i fakenet <<<"$output" || false
	# /etc/hosts is bound as a container runtime binds it: a file of a tmpfs, at its own path.
	grep -E '^[0-9]+ [0-9]+ [0-9:]+ /etc/hosts /etc/hosts ro,.* - tmpfs tmpfs ' <<<"$output"
	# The shim still covers ip, from a path that is the covered one.
	if [ -x /usr/bin/ip ] || [ -x /usr/sbin/ip ]; then
		grep -E ' (/usr)?/s?bin/ip (/usr)?/s?bin/ip ' <<<"$output"
	fi
}

@test "the shims find the identity and the real tools, which nobody else can look up" {
	# They live in the DMI device's directory, which every mode shows from the view.
	for net in host isolated; do
		run "$FAKENET" run --net "$net" --identity "$TOP/identities/multi-nic.yaml" -- sh -c '
			hostname
			ls -a /sys/devices/virtual/dmi /sys/class/net | grep "^\." | grep -v "^\.\.\?$" || echo none listed
			cat /sys/devices/virtual/dmi/.identity.yaml 2>&1 >/dev/null | grep -c "No such file"
			ls /sys/devices/virtual/dmi/.real 2>&1 >/dev/null | grep -c "No such file"
			ls /sys/devices/virtual/dmi'
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "$("$FAKENET" show --identity "$TOP/identities/multi-nic.yaml" /etc/hostname)" ]
		[ "${lines[1]}" = "none listed" ]
		[ "${lines[2]}" = 1 ]
		[ "${lines[3]}" = 1 ]
		[ "${lines[4]}" = id ]
	done
}

@test "lstat of the views: what the kernel gives in a namespace built like the identity, and a disk file" {
	require_yaml
	ns="fnt-tells-$$"
	netns_up "$docker" "$ns"
	fmt='%s %b %o'
	want=$(ip netns exec "$ns" sh -c "stat -c '$fmt' /proc/net/route /proc/net/dev /proc/net/if_inet6 \
		/sys/class/net/eth0/address /sys/class/net/eth0/mtu; stat -c '%s %b' /sys/class/net/eth0")
	"$FAKENET" show --identity "$docker" /etc/hosts >"$BATS_TEST_TMPDIR/hosts"
	disk="$BUILD/.tells-hosts-$$" # on disk, where the build is (tmp may be a tmpfs)
	cp "$BATS_TEST_TMPDIR/hosts" "$disk"
	sync "$disk"
	want_etc=$(stat -c '%s %b' "$disk")
	rm -f "$disk"
	run "$FAKENET" run --identity "$docker" -- sh -c "stat -c '$fmt' /proc/net/route /proc/net/dev /proc/net/if_inet6 \
		/sys/class/net/eth0/address /sys/class/net/eth0/mtu; stat -c '%s %b' /sys/class/net/eth0 /etc/hosts"
	[ "$status" -eq 0 ]
	[ "$output" = "$want"$'\n'"$want_etc" ]
}

@test "no host MAC anywhere under /sys/devices, /sys/bus or /sys/class, host and isolated" {
	macs=$(host_macs)
	[ -n "$macs" ] || skip "the host has no interface with a MAC"
	walk='
import os, sys
macs = set(sys.argv[1].split())
seen = found = 0
for top in ("/sys/devices", "/sys/bus", "/sys/class"):
    for root, dirs, files in os.walk(top):
        if root.count("/") > 12:
            dirs[:] = []
        for name in files:
            if name not in ("address", "macaddress", "perm_addr"):
                continue
            seen += 1
            try:
                v = open(os.path.join(root, name)).read().strip()
            except OSError:
                continue
            if v in macs:
                print("leak", os.path.join(root, name), v)
                found += 1
        if seen > 20000:
            break
print("read", seen, "found", found)'
	for net in host isolated; do
		run "$FAKENET" run --net "$net" --identity "$docker" --shims none -- "$PYTHON" -c "$walk" "$macs"
		[ "$status" -eq 0 ]
		[[ "$output" == *"found 0" ]] || { echo "--net $net: $output"; false; }
	done
	# And the host's device directory of its first non-virtual link shows no net/ inside.
	for link in /sys/class/net/*; do
		dev=$(realpath "$link")
		case $dev in /sys/devices/virtual/*) continue ;; esac
		run "$FAKENET" run --shims none -- sh -c "ls '$(dirname "$(dirname "$dev")")'"
		[ "$status" -eq 0 ]
		! grep -qx net <<<"$output" || false
		break
	done
}

@test "/proc/net is the namespace's own under --net isolated" {
	want_stat=$(stat -f -c %T /proc/self/net)
	run "$FAKENET" run --net isolated --identity "$docker" --shims none -- sh -c 'readlink /proc/net; stat -f -c %T /proc/net/'
	[ "$status" -eq 0 ]
	[ "$output" = "self/net"$'\n'"$want_stat" ]
}

# A veth identity under a kernel mode: /sys/class/net is the namespace's own sysfs, so its
# filesystem, its mount, its listing, every attribute and lstat of a link are the kernel's own, as
# in a namespace built like the identity. (A PCI NIC's links lead to a device no veth has: then
# it is the view's.)
@test "a veth identity's /sys/class/net under a kernel mode is the namespace's own sysfs" {
	require_yaml
	ns="fnt-veth-$$"
	netns_up "$TOP/identities/multi-nic.yaml" "$ns"
	# The type of the mount /sys/class/net is on (the longest mount point above it).
	mount_type='awk '"'"'{ p = $5; t = $0; sub(/.* - /, "", t); split(t, f, " ")
		if (index("/sys/class/net/", p == "/" ? "/" : p "/") == 1 && length(p) >= best) { best = length(p); type = f[1] } }
		END { print type }'"'"' /proc/self/mountinfo'
	script="stat -f -c %T /sys/class/net/; $mount_type; ls -a /sys/class/net; stat -c '%s %b %a' /sys/class/net
		stat -c '%s %F' /sys/class/net/*; readlink /sys/class/net/eth0
		cd /sys/class/net/eth0/ && ls -l | sed 's/ [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* / /'
		cat address mtu ifindex iflink operstate type addr_assign_type"
	# ip netns exec mounts a sysfs of the namespace on /sys.
	want=$(ip netns exec "$ns" sh -c "$script")
	[ "${want%%$'\n'*}" = sysfs ]
	for net in nat isolated filtered; do
		run "$FAKENET" run --net "$net" --identity "$TOP/identities/multi-nic.yaml" --shims none -- sh -c "$script"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ] || { echo "--net $net:"; diff <(echo "$want") <(echo "$output"); false; }
	done
	# A PCI NIC keeps the view, which the check reports (see the battery below).
	run "$FAKENET" run --net isolated --identity "$TOP/identities/desktop.yaml" --shims none -- readlink /sys/class/net/eth0
	[ "$status" -eq 0 ]
	[[ "$output" == ../../devices/pci0000:00/* ]]
}

# An image prepared by `fakenet install` holds /etc/fakenet/identity.yaml; a run without
# --identity then shows it in every view and every shim alike. The file is put there in a private
# mount namespace (an overlay on /etc), so the host's /etc is untouched.
@test "the installed identity is the one every view and shim shows" {
	require_command unshare util-linux
	d=$BATS_TEST_TMPDIR
	mkdir -p "$d/upper/fakenet" "$d/work"
	cp "$TOP/identities/multi-nic.yaml" "$d/upper/fakenet/identity.yaml"
	want_host=$("$FAKENET" show --identity "$TOP/identities/multi-nic.yaml" /etc/hostname)
	want_mac=$("$FAKENET" show --identity "$TOP/identities/multi-nic.yaml" /sys/class/net/eth0/address)
	run env -u FAKENET_IDENTITY unshare -m sh -c '
		mount --make-rprivate / &&
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc &&
		exec "$2" run -- sh -c "hostname; cat /etc/hostname; cat /sys/class/net/eth0/address;
			ifconfig eth0 | grep -Eo \"(ether|HWaddr) [0-9a-fA-F:]+\" | cut -d\" \" -f2;
			ip -o link show eth0 | grep -Eo \"link/ether [0-9a-f:]+\" | cut -d\" \" -f2"' sh "$d" "$FAKENET"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$want_host" ]
	[ "${lines[1]}" = "$want_host" ]
	[ "${lines[2]}" = "$want_mac" ]
	[ "${lines[3],,}" = "$want_mac" ]
	[ "${lines[4]}" = "$want_mac" ]
}

# The check's tells battery: every tell above as a probe, with honest verdicts per mode and backend.
@test "fakenet check reports the tells: none fails, and each remaining one says why" {
	verdicts='
import json, sys
d = json.loads(sys.stdin.read())
tells = {p["name"]: p["verdict"] for p in d["probes"] if p["name"].startswith("tell: ")}
assert len(tells) >= 10, tells
assert "fail" not in tells.values(), tells
for name in sys.argv[1:]:
    want, _, probe = name.partition("=")
    assert tells.get(probe) == want, (probe, tells.get(probe))
print("ok")'
	# A clean environment: the test harness's own variables (BATS_TEST_DESCRIPTION) name fakenet.
	clean=(env -i PATH="$PATH")
	run "${clean[@]}" "$FAKENET" check --identity "$docker" --net host --format json
	[ "$status" -eq 0 ]
	"$PYTHON" -c "$verdicts" "ok=tell: pid 1's command line names fakenet" "ok=tell: the environment names fakenet" \
		"ok=tell: lstat of /proc/net/route (size, blocks)" "ok=tell: /etc/hosts blocks as on disk" \
		"unfakeable=tell: readlink /proc/net" "ok=tell: MACs under /sys/devices are the identity's" \
		"unfakeable=tell: another process's /proc/PID/net/route" \
		"unfakeable=tell: /etc/ld.so.preload exists" "ok=tell: a mapped library's path names fakenet" \
		"ok=tell: empty entries in /proc/self/environ" \
		"unfakeable=tell: the name of an inherited open /proc/net/route" <<<"$output"
	run "${clean[@]}" "$FAKENET" check --identity "$docker" --net isolated --format json
	[ "$status" -eq 0 ]
	"$PYTHON" -c "$verdicts" "ok=tell: readlink /proc/net" "ok=tell: filesystem type of /proc/net" \
		"ok=tell: filesystem type of /sys/class/net" \
		"ok=tell: another process's /proc/PID/net/route" \
		"ok=tell: the name of an inherited open /proc/net/route" <<<"$output"
	# With a wireless link a kernel mode's /proc/net is the view's too (its wireless line), and
	# with a PCI NIC /sys/class/net.
	run "${clean[@]}" "$FAKENET" check --identity "$TOP/identities/desktop.yaml" --net isolated --format json
	"$PYTHON" -c "$verdicts" "unfakeable=tell: readlink /proc/net" \
		"unfakeable=tell: filesystem type of /proc/net" \
		"unfakeable=tell: filesystem type of /sys/class/net" <<<"$output"
	run "${clean[@]}" "$FAKENET" check --identity "$docker" --backend preload --format json
	[ "$status" -eq 0 ]
	# The library hides LD_PRELOAD, FAKENET_IDENTITY and FAKENET_SHIMS, and PATH is the
	# caller's. What remains: the zeroed bytes and the library's path.
	"$PYTHON" -c "$verdicts" "ok=tell: the environment names fakenet" \
		"ok=tell: readlink /proc/net" "ok=tell: another process's /proc/PID/net/route" \
		"ok=tell: the name of an inherited open /proc/net/route" \
		"unfakeable=tell: empty entries in /proc/self/environ" \
		"unfakeable=tell: a mapped library's path names fakenet" <<<"$output"
}

# The library takes its variables out of sight where it loads; a program it does not load into
# sees what reaches its environment. The view's working directory (FAKENET_CWD) reaches only the
# programs that load the library; a static one still sees LD_PRELOAD, FAKENET_IDENTITY and
# FAKENET_SHIMS (an unfakeable tell, runner/tells.yaml), which the programs it starts need. A
# program the kernel runs set-user-ID gets none of the library's variables (its loader drops
# LD_PRELOAD and would leave the rest in sight).
@test "preload: a static program from a directory of the view gets no FAKENET_CWD, a set-user-ID one no FAKENET variable" {
	require_root "a set-user-ID copy owned by nobody"
	require_command busybox busybox-static
	! ldd "$(command -v busybox)" >/dev/null 2>&1 || skip "the host's busybox is not static (busybox-static)"
	suid="$BUILD/.tells-suid-env-$$" # where the build is: tmp may be mounted nosuid
	cp "$(command -v env)" "$suid"
	chown nobody "$suid" && chmod 4755 "$suid"
	# A clean environment: the test harness's own variables (BATS_TEST_NAME) name fakenet; and from
	# /, since the checkout's directory (OLDPWD once the target changes it) may be named fakenet.
	cd /
	run env -i PATH="$PATH" "$FAKENET" run --backend preload --identity "$docker" -- sh -c '
		cd /sys/class/net/eth0 || exit 9
		echo "== pwd"; /bin/pwd; pwd -P
		echo "== busybox env"; busybox env
		echo "== busybox environ"; busybox cat /proc/self/environ | tr "\0" "\n"
		echo "== suid"; "$1"' sh "$suid"
	rm -f "$suid"
	[ "$status" -eq 0 ]
	# A dynamic child still knows where it is (the kernel's stand-in would be another name).
	[ "${lines[1]}" = "${lines[2]}" ]
	[[ "${lines[1]}" == /sys/devices/* ]]
	! grep FAKENET_CWD <<<"$output" || false
	suid_env=$(sed -n '/^== suid$/,$p' <<<"$output")
	grep -qx "PATH=$PATH" <<<"$suid_env"
	! grep -i fakenet <<<"$suid_env" || false
}

# What fails inside a target (an identity edited after the runner checked it, a root without
# libyaml) leaves the process the real answers, and no line of fakenet's on its stderr.
@test "preload: an identity that no longer loads in a child says nothing on the target's stderr" {
	require_root "a mount namespace to hide libyaml in"
	lib=$(ldconfig -p | awk '$1 == "libyaml-0.so.2" { print $NF; exit }')
	[ -n "$lib" ] || skip "libyaml-0.so.2 is not in the loader's cache"
	id="$BATS_TEST_TMPDIR/id.yaml"
	cp "$docker" "$id"
	run --separate-stderr env -i PATH="$PATH" "$FAKENET" run --backend preload --identity "$id" -- sh -c '
		cat /etc/hostname
		unshare -m sh -c "mount --bind /dev/null \"\$1\" && exec cat /etc/hostname" sh "$1"
		printf "version: 1\nhostname: [\n" >"$2"
		cat /etc/hostname; uname -n' sh "$lib" "$id"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(identity_fact "$docker" 'y["hostname"]')" ]
	[ "${lines[1]}" = "$(cat /etc/hostname)" ]
	[ "${lines[2]}" = "$(cat /etc/hostname)" ]
	[ "${lines[3]}" = "$(uname -n)" ]
	[ -z "$stderr" ]
}
