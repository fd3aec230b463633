#!/usr/bin/env bats
# The preload library (build/libfakenet-preload.so): what dynamically linked programs see through
# it, compared with what the same programs see in a real network namespace configured like the
# identity (tests/lib/netns-from-identity.py). No FUSE and no namespace is used for the preloaded
# side.
#
# What is masked, and why:
#  - ifconfig: the RX/TX packet and byte counters (the kernel's veths count their own IPv6
#    traffic), and the order of inet6 lines within an interface (/proc/net/if_inet6 follows a hash
#    salted per namespace, so any order is real).
#  - ETHTOOL_GPERMADDR: a veth has no permanent address (all zero); the identity gives every
#    interface one (`permanent_mac:`, default = mac), which is what ethtool -P must show.

bats_require_minimum_version 1.5.0

load lib/common

IDENTITY_FILES="$TOP/identities/docker.yaml $TOP/identities/multi-nic.yaml"
PRELOAD="$BUILD/libfakenet-preload.so"
IFPROBE="$BUILD/tests/preload/ifprobe"

setup_file() {
	export NS_PREFIX="fnpre-$$"
	have_root && have_yaml || return 0
	# shellcheck disable=SC2086
	netns_up_each "$NS_PREFIX" $IDENTITY_FILES
}

teardown_file() {
	# shellcheck disable=SC2086
	netns_down_each "$NS_PREFIX" $IDENTITY_FILES
}

setup() {
	require_build "$PRELOAD"
}

teardown() {
	[ -z "${out:-}" ] || rm -rf "$out"
	[ -z "${priv:-}" ] || rm -rf "$priv"
}

need_netns() {
	require_root "network namespaces"
	require_yaml
	ip netns list | grep -q "^$NS_PREFIX-$1\b" || skip "namespace for $1 was not built"
}

# Runs a command under the preload with an identity of identities/.
preloaded() {
	local id=$1
	shift
	FAKENET_IDENTITY="$TOP/identities/$id.yaml" LD_PRELOAD="$PRELOAD" "$@"
}

in_netns() {
	local id=$1
	shift
	ip netns exec "$NS_PREFIX-$id" "$@"
}

# A directory of the view the host lacks, whatever the host: the DMI of an identity, with the
# host's DMI (most machines have one) hidden under an empty tmpfs by without_dmi. Its path as the
# kernel's sysfs lays it out: /sys/class/dmi/id is a link to ../../devices/virtual/dmi/id.
DMI_ID=/sys/class/dmi/id
DMI_DEVICE=/sys/devices/virtual/dmi/id

# without_dmi COMMAND...: runs COMMAND in a private mount namespace where the host's
# /sys/devices/virtual/dmi, if it has one, is an empty tmpfs, so $DMI_ID is only the view's.
without_dmi() {
	unshare -m --propagation private sh -c '
		[ ! -d /sys/devices/virtual/dmi ] || mount -t tmpfs -o ro,mode=755 fnt-no-dmi /sys/devices/virtual/dmi || exit 125
		[ ! -e /sys/class/dmi/id ] || { echo "the host'"'"'s DMI is still there" >&2; exit 125; }
		exec "$@"' sh "$@"
}

# preloaded_without_dmi ID COMMAND...: preloaded, where $DMI_ID is only the view's.
preloaded_without_dmi() {
	local id=$1
	shift
	require_root "a mount namespace that hides the host's DMI"
	without_dmi env FAKENET_IDENTITY="$TOP/identities/$id.yaml" LD_PRELOAD="$PRELOAD" "$@"
}

# The start of a python script comparing stats: attrs(st), what of a stat the kernel keeps fixed.
stat_attrs_py() {
	cat <<-'EOF'
	import os
	def attrs(st):
	    return (st.st_ino, st.st_dev, st.st_mode, st.st_nlink, st.st_size, st.st_blocks)
	EOF
}

# Runs a command in the identity's namespace and under the preload: both print the same (stderr
# too). The kernel's output stays in $expected.
same_as_kernel() {
	local id=$1
	shift
	expected=$(in_netns "$id" "$@" 2>&1)
	echo "$expected" | sed 's/^/# /'
	run preloaded "$id" "$@"
	[ "$output" = "$expected" ] || { diff -u <(echo "$expected") <(echo "$output"); return 1; }
}

# ifconfig output with the volatile parts masked (see the header).
mask_ifconfig() {
	awk '
	/^[^ ]/ || /^$/ { flush() }
	/packets/ { sub(/packets [0-9]+  bytes [0-9]+ \([^)]*\)/, "packets N  bytes N") }
	/^ +inet6 / { v6[n6++] = $0; next }
	{ print }
	function flush(  i, j, t) {
		for (i = 0; i < n6; i++) for (j = i + 1; j < n6; j++) if (v6[j] < v6[i]) { t = v6[i]; v6[i] = v6[j]; v6[j] = t }
		for (i = 0; i < n6; i++) print v6[i]
		n6 = 0
	}
	END { flush() }'
}

gateway_of() {
	"$PYTHON" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["gateway"]["ip"])' \
		"$TOP/identities/$1.yaml"
}

probe_args() {
	local gw
	gw=$(gateway_of "$1")
	echo "eth0:$gw $gw eth0:10.9.9.9 nosuch0:$gw"
}

@test "real ifconfig -a under the preload prints what it prints in the namespace (docker)" {
	need_netns docker
	expected=$(in_netns docker /sbin/ifconfig -a | mask_ifconfig)
	actual=$(preloaded docker /sbin/ifconfig -a | mask_ifconfig)
	[ -n "$expected" ]
	diff -u <(echo "$expected") <(echo "$actual")
}

@test "real ifconfig -a under the preload prints what it prints in the namespace (multi-nic)" {
	need_netns multi-nic
	expected=$(in_netns multi-nic /sbin/ifconfig -a | mask_ifconfig)
	actual=$(preloaded multi-nic /sbin/ifconfig -a | mask_ifconfig)
	diff -u <(echo "$expected") <(echo "$actual")
}

@test "real ifconfig eth0 (one interface, by name) agrees" {
	need_netns multi-nic
	diff -u <(in_netns multi-nic /sbin/ifconfig eth1 | mask_ifconfig) \
		<(preloaded multi-nic /sbin/ifconfig eth1 | mask_ifconfig)
}

@test "getifaddrs, if_nameindex and every interface ioctl agree with the kernel (docker)" {
	need_netns docker
	args=$(probe_args docker)
	# shellcheck disable=SC2086
	expected=$(in_netns docker "$IFPROBE" $args | grep -v ETHTOOL_GPERMADDR)
	# shellcheck disable=SC2086
	actual=$(preloaded docker "$IFPROBE" $args | grep -v ETHTOOL_GPERMADDR)
	# The gateway's entry, learned (ATF_COM, 0x2) as on a machine that talks to its gateway.
	echo "$expected" | grep -q 'SIOCGARP eth0:.*flags=0x2'
	diff -u <(echo "$expected") <(echo "$actual")
}

@test "getifaddrs, if_nameindex and every interface ioctl agree with the kernel (multi-nic)" {
	need_netns multi-nic
	args=$(probe_args multi-nic)
	# shellcheck disable=SC2086
	diff -u <(in_netns multi-nic "$IFPROBE" $args | grep -v ETHTOOL_GPERMADDR) \
		<(preloaded multi-nic "$IFPROBE" $args | grep -v ETHTOOL_GPERMADDR)
}

@test "ETHTOOL_GPERMADDR gives the identity's permanent MAC" {
	expected=$("$PYTHON" -c 'import sys, yaml; i = yaml.safe_load(open(sys.argv[1]))["interfaces"][0]; print(i.get("permanent_mac", i["mac"]))' "$TOP/identities/multi-nic.yaml")
	run preloaded multi-nic "$IFPROBE"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx "eth0 ETHTOOL_GPERMADDR: size=6 $expected"
}

@test "python3 reads /sys/class/net/*/address as in the namespace" {
	need_netns multi-nic
	script='import glob; [print(p, open(p).read().strip()) for p in sorted(glob.glob("/sys/class/net/*/address"))]'
	expected=$(in_netns multi-nic "$PYTHON" -c "$script")
	actual=$(preloaded multi-nic "$PYTHON" -c "$script")
	[ -n "$expected" ]
	diff -u <(echo "$expected") <(echo "$actual")
}

@test "ls -l /sys/class/net shows the namespace's links" {
	need_netns multi-nic
	diff -u <(in_netns multi-nic ls /sys/class/net) <(preloaded multi-nic ls /sys/class/net)
	diff -u <(in_netns multi-nic readlink /sys/class/net/eth2) \
		<(preloaded multi-nic readlink /sys/class/net/eth2)
	diff -u <(in_netns multi-nic realpath /sys/class/net/eth2/address) \
		<(preloaded multi-nic realpath /sys/class/net/eth2/address)
}

@test "the real hostname and uname -n give the identity's hostname" {
	expected=$("$PYTHON" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["hostname"])' "$TOP/identities/multi-nic.yaml")
	[ "$(preloaded multi-nic /bin/hostname)" = "$expected" ]
	[ "$(preloaded multi-nic uname -n)" = "$expected" ]
	[ "$(preloaded multi-nic cat /proc/sys/kernel/hostname)" = "$expected" ]
}

@test "cat /proc/net/route equals fakenet show and the kernel's" {
	need_netns multi-nic
	require_build "$FAKENET"
	actual=$(preloaded multi-nic cat /proc/net/route)
	diff -u <(FAKENET_IDENTITY="$TOP/identities/multi-nic.yaml" "$FAKENET" show /proc/net/route) \
		<(echo "$actual")
	diff -u <(in_netns multi-nic cat /proc/net/route) <(echo "$actual")
	diff -u <(in_netns multi-nic cat /proc/self/net/route) \
		<(preloaded multi-nic cat /proc/self/net/route)
}

@test "children inherit the view; the default identity is the embedded one" {
	run env -u FAKENET_IDENTITY LD_PRELOAD="$PRELOAD" sh -c 'sh -c "cat /etc/hostname"'
	[ "$status" -eq 0 ]
	[ "$output" = "$("$PYTHON" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["hostname"])' "$TOP/identities/docker.yaml")" ]
}

@test "/proc/net keeps the real files the identity does not define" {
	run preloaded docker sh -c 'ls /proc/net; head -1 /proc/net/tcp'
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx route
	echo "$output" | grep -qx tcp
	echo "$output" | grep -q 'local_address'
}

@test "a host interface outside the identity does not exist in the view" {
	run preloaded docker cat /sys/class/net/nosuch0/address
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'No such file or directory'
	run preloaded docker sh -c 'echo 9000 > /sys/class/net/eth0/mtu'
	[ "$status" -ne 0 ]
}

# The target's stderr is the target's: the library says nothing there (the runner checks the
# identity before it starts the target; tells.bats).
@test "a broken identity leaves the real view and says nothing" {
	bad=$(mktemp)
	printf 'version: 1\nhostname: [\n' >"$bad"
	run --separate-stderr env FAKENET_IDENTITY="$bad" LD_PRELOAD="$PRELOAD" cat /etc/hostname
	rm -f "$bad"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(cat /etc/hostname)" ]
}

@test "without libyaml in the target's image, the library leaves the real view and says nothing" {
	have_root || skip "needs root to hide a library in a mount namespace"
	lib=$(ldconfig -p | awk '$1 == "libyaml-0.so.2" { print $NF; exit }')
	[ -n "$lib" ] || skip "libyaml-0.so.2 is not in the loader's cache"
	# An empty file where the loader finds the library: dlopen fails as on an image without it.
	run --separate-stderr unshare -m sh -c 'mount --bind /dev/null "$1" &&
		LD_PRELOAD="$2" uname -n' sh "$lib" "$PRELOAD"
	[ "$status" -eq 0 ]
	[ "$output" = "$(uname -n)" ]
	[ -z "$stderr" ]
}

@test "run --backend preload: no namespace, the view, the shims and run's exit codes" {
	require_build "$FAKENET"
	run "$FAKENET" run --backend preload -- sh -c 'cat /etc/hostname; readlink /proc/self/ns/mnt; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "$(FAKENET_IDENTITY= "$FAKENET" show /etc/hostname)" ]
	[ "${lines[1]}" = "$(readlink /proc/self/ns/mnt)" ]
	run -127 "$FAKENET" run --backend preload -- /nonexistent/cmd
	[ "$status" -eq 127 ]
	run "$FAKENET" run --backend bogus -- true
	[ "$status" -eq 125 ]
	# The network modes build namespaces: refused by name, and the command never runs.
	for opt in "--net isolated" "--net filtered" "--allow tcp/443" "--publish 8080"; do
		run "$FAKENET" run $opt --backend preload -- touch "$BATS_TEST_TMPDIR/ran"
		[ "$status" -eq 125 ]
		[[ "$output" == *"need the FUSE backend (--backend fuse)"* ]]
		[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	done
}

# The real ip asks the kernel over netlink, which the library does not answer: only the shim gives
# the identity's addresses, so each way of starting ip shows whether the library sent it there.
@test "run --backend preload: PATH stays the caller's, and every exec of a covered tool reaches the shim" {
	require_build "$FAKENET"
	need_netns docker
	want=$(ip netns exec "$NS_PREFIX-docker" ip -4 -o addr show)
	ip_path=$(command -v ip)
	run env PATH="$PATH" "$FAKENET" run --backend preload --identity "$TOP/identities/docker.yaml" -- sh -c '
		echo "$PATH"
		ip -4 -o addr show
		"$1" -4 -o addr show
		bash -c "ip -4 -o addr show"
		env ip -4 -o addr show
		"$2" -c "import os, subprocess; subprocess.run([\"ip\", \"-4\", \"-o\", \"addr\", \"show\"]); os.waitpid(os.posix_spawnp(\"ip\", [\"ip\", \"-4\", \"-o\", \"addr\", \"show\"], os.environ), 0)"' sh "$ip_path" "$PYTHON"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$PATH" ]
	[ "$(printf '%s\n' "${lines[@]:1}")" = "$(for i in 1 2 3 4 5 6; do echo "$want"; done)" ]
	# The command itself, which the runner starts before any library is loaded.
	run "$FAKENET" run --backend preload --identity "$TOP/identities/docker.yaml" -- ip -4 -o addr show
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	# --shims none: the real ip, which shows the host's own addresses.
	run "$FAKENET" run --backend preload --shims none --identity "$TOP/identities/docker.yaml" -- ip -4 -o addr show
	[ "$status" -eq 0 ]
	[ "$output" = "$(ip -4 -o addr show)" ]
}

# The host's own network devices below /sys/devices, which hold its MACs, are hidden as fakefs hides
# them: by path, in listings (opendir and the fdopendir find(1) uses) and through a fake PCI NIC's
# directory, which passes the host's other devices through. Expected: the host's own sysfs.
@test "run --backend preload: the host's network devices under /sys/devices are hidden" {
	require_build "$FAKENET"
	dev=
	for link in /sys/class/net/*; do
		case $(readlink "$link") in */devices/virtual/*) continue ;; esac
		dev=$(realpath "$link")
		break
	done
	[ -n "$dev" ] || skip "the host has no non-virtual network device"
	parent=$(dirname "$(dirname "$dev")")
	mac=$(cat "$dev/address")
	want=$(ls "$parent" | grep -vx net)
	for id in docker desktop; do
		run "$FAKENET" run --backend preload --identity "$TOP/identities/$id.yaml" -- sh -c '
			cat "$1/address" 2>/dev/null || echo hidden
			ls "$2/net" 2>/dev/null || echo hidden
			ls "$2"
			find "$2" -maxdepth 1 -name net | grep -c . || true' sh "$dev" "$parent"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = hidden ] || { echo "$id: $mac"; false; }
		[ "${lines[1]}" = hidden ]
		[ "$(printf '%s\n' "${lines[@]:2:${#lines[@]}-3}")" = "$want" ]
		[ "${lines[-1]}" = 0 ]
	done
}

# A tool the machine lacks (nm-tool, nmcli; sudo where there is none) is found where the FUSE
# backend shows it, by the shell's search, by sudo, and by exec; PATH names nothing of fakenet.
@test "run --backend preload: a covered tool the machine lacks is found in /usr/local/sbin" {
	require_build "$FAKENET"
	! command -v nm-tool >/dev/null || skip "the host has a real nm-tool"
	run "$FAKENET" run --backend preload --identity "$TOP/identities/desktop.yaml" -- sh -c '
		command -v nm-tool; bash -c "type -P nm-tool"
		nm-tool | grep -c "Gateway: *192\.168\.0\.1"
		sudo nm-tool | grep -c "Gateway: *192\.168\.0\.1"
		ls /usr/local/sbin | grep -cx nm-tool || true'
	[ "$status" -eq 0 ]
	[ "$output" = "/usr/local/sbin/nm-tool"$'\n'"/usr/local/sbin/nm-tool"$'\n'1$'\n'1$'\n'0 ]
}

@test "run --backend auto falls back to preload, once and saying why, where namespaces are refused" {
	require_build "$FAKENET"
	deny="$BUILD/tests/preload/deny-ns"
	require_build "$deny"
	run "$deny" unshare -m true
	[ "$status" -ne 0 ]
	run "$deny" "$FAKENET" run --backend auto --identity "$TOP/identities/multi-nic.yaml" -- \
		sh -c 'cat /etc/hostname; sh -c "ifconfig eth1" | grep -c "10\.1\.0\.5 "'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'preload backend')" -eq 1 ]
	echo "$output" | grep -q 'using the preload backend (cannot create a mount namespace: Operation not permitted)'
	echo "$output" | grep -qx db-gw-01
	echo "$output" | grep -qx 1
	run "$deny" "$FAKENET" run --backend fuse -- true
	[ "$status" -eq 125 ]
}

@test "a plain fakenet run, unprivileged where namespaces are refused: the identity, one line on stderr" {
	need_netns multi-nic
	require_build "$FAKENET"
	deny="$BUILD/tests/preload/deny-ns"
	require_build "$deny"
	require_command setpriv util-linux
	local args bin
	# What nobody runs, where nobody can reach it (bats' directories and a clone under /root are
	# root's alone): fakenet with its preload library and shims beside it, the probe, the identity;
	# and a directory for the results. teardown removes both.
	out=$(mktemp -d /tmp/fakenet-nobody.XXXXXX)
	chmod 755 "$out"
	bin=$out/bin
	mkdir -m 755 "$bin" "$out/res"
	chmod 777 "$out/res"
	cp "$FAKENET" "$PRELOAD" "$BUILD/fakenet-shim" "$deny" "$IFPROBE" "$TOP/identities/multi-nic.yaml" "$bin/"
	cp -P -r "$BUILD/shims" "$bin/"
	chmod -R a+rX "$bin"
	args=$(probe_args multi-nic)
	# As nobody, with user (and every other) namespace refused: files, getifaddrs and the
	# interface ioctls (the probe), gethostname and uname, each into a file of its own.
	# shellcheck disable=SC2016
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$bin/deny-ns" "$bin/fakenet" run --identity "$bin/multi-nic.yaml" -- sh -c '
		o=$1 probe=$2 py=$3; shift 3
		unshare -U true 2>/dev/null && echo "a user namespace was allowed"
		cat /proc/net/route >"$o/route"
		"$py" -c "import glob; [print(p, open(p).read().strip()) for p in sorted(glob.glob(\"/sys/class/net/*/address\"))]" >"$o/sys"
		"$probe" "$@" | grep -v ETHTOOL_GPERMADDR >"$o/probe"
		"$py" -c "import socket; print(socket.gethostname())" >"$o/hostname"
		/bin/uname -n >>"$o/hostname"' sh "$out/res" "$bin/ifprobe" "$PYTHON" $args
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# One line, naming the backend and why.
	[ "$stderr" = "fakenet: using the preload backend (cannot create a mount namespace: Operation not permitted)" ]
	diff -u <(in_netns multi-nic cat /proc/net/route) "$out/res/route"
	diff -u <(in_netns multi-nic "$PYTHON" -c 'import glob; [print(p, open(p).read().strip()) for p in sorted(glob.glob("/sys/class/net/*/address"))]') "$out/res/sys"
	# shellcheck disable=SC2086
	diff -u <(in_netns multi-nic "$IFPROBE" $args | grep -v ETHTOOL_GPERMADDR) "$out/res/probe"
	expected=$("$PYTHON" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["hostname"])' "$TOP/identities/multi-nic.yaml")
	diff -u <(printf '%s\n%s\n' "$expected" "$expected") "$out/res/hostname"
}

@test "a plain fakenet run where FUSE can be set up uses it, saying nothing" {
	require_build "$FAKENET"
	require_root "the FUSE backend"
	require_fuse
	run --separate-stderr "$FAKENET" run --shims none -- sh -c 'readlink /proc/self/ns/mnt; grep -c " fuse" /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" != "$(readlink /proc/self/ns/mnt)" ]
	[ "${lines[1]}" -gt 0 ]
}

@test "a plain fakenet check passes where namespaces are refused" {
	require_build "$FAKENET"
	deny="$BUILD/tests/preload/deny-ns"
	require_build "$deny"
	run "$deny" "$FAKENET" check --format tap
	echo "$output" | grep -v '^ok'
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^ok .*getent hosts ipinfo.io'
	! echo "$output" | grep '^not ok' | grep -vq '# TODO' || false
}

@test "paths spelled with //, /./ or /../ still reach the view; look-alike names do not" {
	expected=$(preloaded multi-nic cat /etc/hostname)
	[ "$(preloaded multi-nic cat /etc//hostname)" = "$expected" ]
	[ "$(preloaded multi-nic cat /etc/./hostname)" = "$expected" ]
	[ "$(preloaded multi-nic cat /etc/../etc/hostname)" = "$expected" ]
	diff -u <(preloaded multi-nic cat /proc/net/route) <(preloaded multi-nic cat /proc/self/../self/net/route)
	[ "$(preloaded multi-nic cat /etc/hostname)" != "$(cat /etc/hostname)" ]
	[ -f /etc/host.conf ] || skip "no /etc/host.conf to compare"
	preloaded multi-nic cat /etc/host.conf | cmp - /etc/host.conf
}

@test "a real directory above the view's files lists all its real entries, however it is opened" {
	local want views='hosts hostname resolv.conf machine-id'
	# The host's own listing, with the view's /etc files it may lack (a minimal host has no
	# machine-id), as an overlay of /etc would list them.
	want=$({ find /etc -maxdepth 1; printf '/etc/%s\n' $views; } | sort -u)
	diff <(echo "$want") <(preloaded multi-nic find /etc -maxdepth 1 | sort)
	# By an fd of its path, and of "." from inside it.
	want=$({ ls -1A /etc; printf '%s\n' $views; } | LC_ALL=C sort -u)
	diff <(printf '%s\n--\n' "$want" "$want") <(cd /etc && preloaded multi-nic python3 -c '
import os
for d in (os.open("/etc", os.O_RDONLY), os.open(".", os.O_RDONLY)):
    print("\n".join(sorted(os.listdir(d))) + "\n--")')
}

@test "run --backend preload: neither the target nor its children see LD_PRELOAD or FAKENET_IDENTITY, in environ or /proc/PID/environ, and every child keeps the identity" {
	mac=$(identity_fact "$TOP/identities/multi-nic.yaml" '[i["mac"] for i in y["interfaces"] if i["name"] == "eth0"][0]')
	run -0 env -u LD_PRELOAD "$FAKENET" run --backend preload --identity "$TOP/identities/multi-nic.yaml" -- sh -c '
		env; tr "\0" "\n" </proc/$$/environ
		'"$PYTHON"' -c "
import os, subprocess
subprocess.run([\"sh\", \"-c\", \"env; cat /proc/self/environ; echo; cat /sys/class/net/eth0/address\"])
os.system(\"cat /sys/class/net/eth0/address\")
os.posix_spawn(\"/bin/cat\", [\"cat\", \"/sys/class/net/eth0/address\"], {})
os.wait()
os.execve(\"/usr/bin/env\", [\"env\", \"-i\", \"cat\", \"/sys/class/net/eth0/address\"], {})"'
	echo "$output" | sed 's/^/# /'
	! grep -qa 'LD_PRELOAD\|FAKENET_IDENTITY' <<<"$output" || false
	# The subprocess, system, posix_spawn and a child started with an empty environment.
	[ "$(grep -ac "^$mac\$" <<<"$output")" -eq 4 ]
}

@test "run --backend preload: the caller's own LD_PRELOAD stays in the target's environment, as the caller set it" {
	lib=$(ldd /bin/true | awk '/libc\.so/ { print $3 }')
	[ -n "$lib" ]
	run -0 env LD_PRELOAD="$lib" "$FAKENET" run --backend preload -- sh -c 'echo "$LD_PRELOAD"; cat /sys/class/net/eth0/address'
	[ "${lines[0]}" = "$lib" ]
	[ "${lines[1]}" = "$(identity_fact "$TOP/identities/docker.yaml" '[i["mac"] for i in y["interfaces"] if i["name"] == "eth0"][0]')" ]
}

@test "run --backend preload: execl, execlp and execle children keep the identity and see no LD_PRELOAD" {
	new_tmpdir out
	cat >"$out/execl.c" <<'C'
#include <unistd.h>
int main(int argc, char **argv)
{
	static char *const env[] = {"ONLY=1", 0};
	const char *probe = "cat /sys/class/net/eth0/address; env | grep -c '^LD_PRELOAD=\\|^FAKENET_IDENTITY=' || true";

	if (argv[1][0] == 'l')
		return execl("/bin/sh", "sh", "-c", probe, (char *)0);
	if (argv[1][0] == 'p')
		return execlp("sh", "sh", "-c", probe, (char *)0);
	return execle("/bin/sh", "sh", "-c", probe, (char *)0, env);
}
C
	cc -o "$out/execl" "$out/execl.c"
	mac=$(identity_fact "$TOP/identities/docker.yaml" '[i["mac"] for i in y["interfaces"] if i["name"] == "eth0"][0]')
	for form in l p e; do
		run -0 "$FAKENET" run --backend preload -- "$out/execl" "$form"
		echo "$form: $output" | sed "s/^/# /"
		[ "$output" = "$mac
0" ]
	done
}

# Relative paths, as the kernel resolves them from the cwd or a directory fd: each command is run
# in the identity's namespace and, preloaded, outside it.
RELATIVE_PATHS=(
	'cd / && cat proc/net/route && ls sys/class/net && readlink sys/class/net/eth0'
	'cd / && cat sys/class/net/eth0/address && stat -c "%n %F %h %s" proc/net sys/class/net'
	'cd /proc/net && cat route ./route ../net/route && ls -d ../net/route'
	'cd /proc/net && sh -c "cat route" && cat /proc/$$/net/route'
	'cd /proc && cat net/route && cd /sys/class && ls net && cat net/eth0/address'
	'cd /sys && cat class/net/eth0/mtu && readlink class/net/eth0 && stat -c "%n %F %h" class/net/lo'
	'cd /sys/class/net/eth0 && cat address mtu && /bin/pwd && ls -d ../eth0 && cd .. && ls && /bin/pwd'
	'cd /sys/class/net && /usr/bin/python3 -c "
import os
os.chdir(\"eth0\")
print(os.getcwd(), open(\"address\").read(), end=\"\")
d = os.open(\"/proc/net\", os.O_RDONLY | os.O_DIRECTORY)
os.chdir(\"/\")
os.fchdir(d)
print(open(\"route\").read(), end=\"\")
"'
	# subprocess starts its child with vfork: the child's chdir must leave the parent's cwd alone.
	'cd /sys/class/net/eth0 && /usr/bin/python3 -c "
import os, subprocess
subprocess.run([\"/bin/pwd\"], cwd=\"/\")
print(os.getcwd(), open(\"address\").read(), end=\"\")
os.chdir(\"/\")
subprocess.run([\"cat\", \"mtu\"], cwd=\"/sys/class/net/eth0\")
print(os.getcwd())
"'
	# The kernel's link to the cwd, and glibc's name for it (\$PWD where it is the same directory).
	'cd /sys/class/net/eth0 && /usr/bin/python3 -c "
import ctypes, os
print(os.readlink(\"/proc/self/cwd\"), os.readlink(\"/proc/%d/cwd\" % os.getpid()))
print(open(\"/proc/self/cwd/address\").read(), os.listdir(\"/proc/thread-self/cwd/..\") == os.listdir(\"..\"))
libc = ctypes.CDLL(None)
libc.get_current_dir_name.restype = ctypes.c_char_p
print(libc.get_current_dir_name().decode())
os.chdir(\"/sys/class\")
print(libc.get_current_dir_name().decode())
"'
	# A cwd the library did not see change (a raw system call) is no longer the view's in a child.
	'cd /sys/class/net/eth0 && /usr/bin/python3 -c "
import ctypes, os, subprocess
ctypes.CDLL(None).syscall(80, b\"/tmp\")
subprocess.run([\"/bin/pwd\"])
subprocess.run([\"ls\", \"-d\", \"address\"], stderr=subprocess.DEVNULL)
"'
	'cd / && /usr/bin/python3 -c "
import os
root = os.open(\"/\", os.O_RDONLY | os.O_DIRECTORY)
proc = os.open(\"proc\", os.O_RDONLY | os.O_DIRECTORY, dir_fd=root)
print(os.readlink(\"sys/class/net/eth0\", dir_fd=root))
print(os.stat(\"sys/class/net/eth0/address\", dir_fd=root).st_size)
print(open(\"net/route\", opener=lambda p, f: os.open(p, f, dir_fd=proc)).read(), end=\"\")
print(sorted(os.listdir(\"sys/class/net\")))
"'
)

@test "relative paths from / and from directories of the view reach the view, as the kernel's" {
	need_netns docker
	local cmd expected
	for cmd in "${RELATIVE_PATHS[@]}"; do
		expected=$(in_netns docker sh -c "$cmd" 2>&1)
		[ -n "$expected" ]
		run preloaded docker sh -c "$cmd"
		[ "$output" = "$expected" ] || {
			echo "$cmd"
			diff -u <(echo "$expected") <(echo "$output")
			return 1
		}
	done
	# /etc is no part of the namespace: the identity's file, by a relative name from /.
	[ "$(preloaded docker sh -c 'cd / && cat etc/hostname')" = \
		"$(identity_fact "$TOP/identities/docker.yaml" 'y["hostname"]')" ]
}

@test "an fd opened in the view is what stat names: fstat and /proc/self/fd/N agree, as the kernel's" {
	need_netns docker
	local script="$BATS_TEST_TMPDIR/fds.py" expected
	# Python's open() itself fstats the fd; a reader may also ask the kernel's link for its name.
	stat_attrs_py >"$script"
	cat >>"$script" <<-'EOF2'
	for p in ["/proc/cpuinfo", "/proc/net/route", "/sys/class/net/eth0/address",
	          "/sys/class/net/eth0", "/etc/hostname"]:
	    fd = os.open(p, os.O_RDONLY)
	    link = os.readlink("/proc/self/fd/%d" % fd).replace("/proc/%d/" % os.getpid(), "/proc/PID/")
	    own = "/proc/self/fd/%d" % fd
	    print(p, attrs(os.fstat(fd)) == attrs(os.stat(p)) == attrs(os.stat(own)) ==
	          attrs(os.fstat(os.dup(fd))), link)
	# fclose closes with libc's own close: the fd's next owner is no file of the view.
	import ctypes, stat
	libc = ctypes.CDLL(None)
	libc.fopen.restype = ctypes.c_void_p
	f = ctypes.c_void_p(libc.fopen(b"/proc/net/route", b"r"))
	n = libc.fileno(f)
	libc.fclose(f)
	r, w = os.pipe()
	print(r == n, stat.S_ISFIFO(os.fstat(r).st_mode), os.readlink("/proc/self/fd/%d" % r)[:6])
	EOF2
	same_as_kernel docker /usr/bin/python3 "$script"
}

@test "an fd of the view a child inherits across exec is still the file: its name and stat, as the kernel's" {
	need_netns docker
	local script="$BATS_TEST_TMPDIR/inherited.py" expected
	# A shell opens the files (`exec 3<`), its child and its child's child ask for them: the kernel
	# names /proc/net's files for the process that opened them. (The host's /etc/hostname is the
	# namespace's: only that the fd is the file counts there.)
	stat_attrs_py >"$script"
	cat >>"$script" <<-'EOF2'
	for fd, p in [(3, "/proc/net/route"), (4, "/etc/hostname"), (5, "/sys/class/net/eth0/address")]:
	    link = os.readlink("/proc/self/fd/%d" % fd).replace("/proc/%s/" % os.environ["OPENER"], "/proc/OPENER/")
	    st = os.fstat(fd)
	    print(fd, link, attrs(st) == attrs(os.stat(p)) == attrs(os.stat("/proc/self/fd/%d" % fd)),
	          *((oct(st.st_mode), st.st_nlink, st.st_size) if fd != 4 else ()))
	print(os.read(3, 5))
	EOF2
	# shellcheck disable=SC2016
	local run='exec 3</proc/net/route 4</etc/hostname 5</sys/class/net/eth0/address
	OPENER=$$ python3 "$1"
	OPENER=$$ sh -c "python3 \"\$1\"; :" sh "$1"
	f="%s %h %i %d %f"
	[ "$(stat -c "$f" - <&3)" = "$(stat -c "$f" /proc/net/route)" ] && echo statx of fd 3 as the file'
	same_as_kernel docker sh -c "$run" sh "$script"
	[ "$(echo "$expected" | grep -c OPENER/net/route)" = 2 ]
}

@test "a memfd a program names like a file of the view is answered as the kernel answers it" {
	need_netns docker
	local script="$BATS_TEST_TMPDIR/forged.py" expected
	# Names the library must not take for its own: a real file, other names of a file of the
	# view than the kernel's own form, a process link; and the right form unsealed.
	cat >"$script" <<-'EOF2'
	import fcntl, os, subprocess, sys
	seals = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_SEAL
	names = ["/etc/passwd", "/proc/net/route", "/proc/self/net/route", "/proc/0%d/net/route" % os.getpid(),
	         "/proc/%d/fd/0" % os.getpid(), "/sys/class/net/eth0/address", "/proc/%d/net/route" % os.getpid()]
	fds = []
	for i, name in enumerate(names):
	    fd = os.memfd_create(name, os.MFD_ALLOW_SEALING)
	    os.write(fd, b"forged\n")
	    if i < len(names) - 1:
	        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)
	    fds.append(fd)
	child = ("import os, sys\nfor fd in map(int, sys.argv[1:]):\n"
	         "    st = os.fstat(fd)\n"
	         "    print(os.readlink('/proc/self/fd/%d' % fd).replace('/proc/%s/' % os.getppid(), '/proc/P/')"
	         ".replace('/proc/0%s/' % os.getppid(), '/proc/0P/'), st.st_nlink, st.st_size, oct(st.st_mode))\n")
	sys.stdout.flush()
	subprocess.run([sys.executable, "-c", child] + [str(fd) for fd in fds], pass_fds=fds)
	EOF2
	same_as_kernel docker /usr/bin/python3 "$script"
}

@test "an fd number the view used and a program closed or replaced is the next file's: close_range, closefrom, dup2, as the kernel's" {
	need_netns docker
	local script="$BATS_TEST_TMPDIR/recycled.py" expected
	mkdir "$BATS_TEST_TMPDIR/real"
	: >"$BATS_TEST_TMPDIR/real/f"
	stat_attrs_py >"$script"
	cat >>"$script" <<-'EOF2'
	import ctypes, subprocess, sys
	libc = ctypes.CDLL(None, use_errno=True)
	real = sys.argv[1]
	def show(how, fd, was):
	    link = os.readlink("/proc/self/fd/%d" % fd)
	    print(how, fd == was, link == real or link == real + "/f", attrs(os.fstat(fd)) == attrs(os.stat(link)),
	          sorted(os.listdir(fd)) if os.path.isdir(link) else "")
	for how in ("close_range", "closefrom", "dup2", "dup3", "F_DUPFD"):
	    for view, mine in (("/sys/class/net", real), ("/proc/net/route", real + "/f")):
	        flags = os.O_RDONLY | (os.O_DIRECTORY if view != "/proc/net/route" else 0)
	        fd = os.open(view, flags)
	        if how == "close_range":
	            libc.close_range(fd, fd, 0)
	        elif how == "closefrom":
	            libc.closefrom(fd)
	        if how in ("close_range", "closefrom"):
	            new = os.open(mine, flags)
	        else:
	            other = os.open(mine, flags)
	            if how == "dup2":
	                new = os.dup2(other, fd)
	            elif how == "dup3":
	                new = libc.dup3(other, fd, os.O_CLOEXEC)
	            else:
	                os.close(fd)
	                new = libc.fcntl(other, 0, fd)  # F_DUPFD: the lowest free from fd
	            os.close(other)
	        show(how, new, fd)
	        os.close(new)
	# A vfork child (subprocess's) closes its copies: the parent's fd is still the view's.
	fd = os.open("/sys/class/net", os.O_RDONLY | os.O_DIRECTORY)
	subprocess.run(["true"], close_fds=True)
	print("after a child", sorted(os.listdir(fd)), os.access("eth0/address", os.F_OK, dir_fd=fd))
	EOF2
	same_as_kernel docker /usr/bin/python3 "$script" "$BATS_TEST_TMPDIR/real"
}

# libc leaves errno alone on a call that succeeds: the library's own tries on the way (a real
# directory that is not there, the seals of a file without any) must not show after one either.
# The host lacks what a tmpfs on /var/lib hides (/var/lib/dbus), and the view adds it.
# dup2 of fds the view never opened is libc's alone: not one more system call per dup (the
# library asks getpid only when a table knows one of the two fds).
@test "preload: a dup2 of fds the view never opened makes no system call of the library's" {
	require_command strace strace
	local trace=$BATS_TEST_TMPDIR/trace
	preloaded docker strace -qq -o "$trace" -e trace=getpid,dup2,dup3 \
		"$PYTHON" -c 'import os
for i in range(1000):
    os.dup2(0, 100)'
	echo "dup2: $(grep -c 'dup[23](' "$trace") getpid: $(grep -c 'getpid(' "$trace")"
	[ "$(grep -c 'dup[23](' "$trace")" -ge 1000 ]
	[ "$(grep -c 'getpid(' "$trace")" -lt 100 ]
}

@test "a call the view answers and that succeeds leaves errno as it was, as libc's" {
	require_root "a mount namespace with a tmpfs on /var/lib"
	local script="$BATS_TEST_TMPDIR/errno.py" real_paths view_paths
	cat >"$script" <<-'EOF2'
	import ctypes, os, sys
	libc = ctypes.CDLL(None, use_errno=True)
	libc.opendir.restype = ctypes.c_void_p
	buf = ctypes.create_string_buffer(4096)
	def call(name, fn, *args, ok=lambda r: r == 0):
	    ctypes.set_errno(77)
	    r = fn(*args)
	    e = ctypes.get_errno()
	    print(name, ("kept" if e == 77 else "clobbered %s" % os.strerror(e)) if ok(r)
	          else "failed %s" % os.strerror(e))
	for p in sys.argv[2:]:
	    b = p.encode()
	    call("stat " + p, libc.stat, b, buf)
	    call("lstat " + p, libc.lstat, b, buf)
	    call("statx " + p, libc.statx, -100, b, 0, 0xfff, buf)
	    call("open " + p, libc.open, b, os.O_RDONLY, ok=lambda r: r >= 0)
	    if os.path.isdir(p):
	        call("opendir " + p, libc.opendir, b, ok=lambda r: bool(r))
	        call("chdir " + p, libc.chdir, b)
	        call("stat . in " + p, libc.stat, b".", buf)
	fd = os.open(sys.argv[1], os.O_TMPFILE | os.O_RDWR)
	call("fstat of an unlinked file", libc.fstat, fd, buf)
	call("chdir /", libc.chdir, b"/")
	EOF2
	# The real libc, on what the host has: errno kept on every call (the expectation).
	real_paths="/sys/class /proc/net /proc/net/route /etc/hostname /"
	run "$PYTHON" "$script" "$BATS_TEST_TMPDIR" $real_paths
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	! grep -v ' kept$' <<<"$output" || false
	view_paths="$real_paths $DMI_ID /sys/class/net/eth0 /var/lib/dbus /var/lib/dbus/machine-id"
	run without_dmi unshare -m sh -c 'mount -t tmpfs fnt-errno /var/lib && exec "$@"' sh \
		env FAKENET_IDENTITY="$TOP/identities/docker.yaml" LD_PRELOAD="$PRELOAD" \
		"$PYTHON" "$script" "$BATS_TEST_TMPDIR" $view_paths
	[ "$status" -eq 0 ]
	grep -q '^opendir /var/lib/dbus kept$' <<<"$output"
	! grep -v ' kept$' <<<"$output" || false
}

# A vfork child (Python's subprocess) that entered a directory of the view keeps it in its
# parent's memory, under its pid, until it execs or exits: a later child given the same pid (in a
# pid namespace, by ns_last_pid) starts where its parent is, as the kernel's.
@test "a vfork child's directory of the view is not a later child's of the same pid" {
	require_root "a pid namespace whose next pid the test sets"
	local prog="$BUILD/tests/preload/vfork-reuse" script="$BATS_TEST_TMPDIR/vfork.py" expected
	require_build "$prog"
	# The kernel's run says whether the namespace gives the first child's pid again.
	expected=$(without_dmi unshare -pf --mount-proc "$prog" "$DMI_ID" 2>&1)
	[ "$expected" = "$(printf 'same pid: yes\ncwd: /')" ] || skip "the pid namespace did not give the pid again: $expected"
	# The second child asks getcwd before it ends: the first child's directory, left in its
	# slot by an _exit that did not give it back, would be its answer.
	run without_dmi env FAKENET_IDENTITY="$TOP/identities/docker.yaml" LD_PRELOAD="$PRELOAD" \
		unshare -pf --mount-proc "$prog" "$DMI_ID"
	printf 'the kernel'"'"'s run:\n%s\nunder the library:\n%s\n' "$expected" "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
	# The directory itself still reaches the child that asked for it, through PATH's misses.
	cat >"$script" <<-'EOF2'
	import subprocess, sys
	subprocess.run(["pwd"], cwd=sys.argv[1], env={"PATH": "/nonexistent:/bin"})
	EOF2
	run without_dmi env FAKENET_IDENTITY="$TOP/identities/docker.yaml" LD_PRELOAD="$PRELOAD" \
		"$PYTHON" "$script" "$DMI_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	# The kernel's sysfs: /sys/class/dmi/id is a link to ../../devices/virtual/dmi/id.
	[ "$output" = "$DMI_DEVICE" ]
}

# Whether the kernel runs a program with AT_SECURE (the loader then ignores LD_PRELOAD), as the
# loader itself reports it: `secure_exec PROGRAM [RUNNER...]` prints 0 or 1.
secure_exec() {
	local prog=$1
	shift
	"$@" env LD_SHOW_AUXV=1 "$prog" /dev/null | awk '$1 == "AT_SECURE:" { print $2 }'
}

# privileged_copy PROGRAM NAME: a copy of PROGRAM as $priv/NAME, which the test may mark
# set-user-ID or give capabilities. $priv is a directory of the test's own (teardown removes it)
# that every user can reach, whatever the checkout's (a home may be 0700), under /var/tmp: on the
# root filesystem, which honours set-user-ID bits (bats' tmp may be a nosuid tmpfs).
privileged_copy() {
	[ -n "${priv:-}" ] || priv=$(mktemp -d /var/tmp/fnt-priv.XXXXXX)
	chmod 755 "$priv"
	cp "$(command -v "$1")" "$priv/$2"
}

# The kernel, not a file's bits, says which exec raises privileges. Where it does not (root
# running a file with capabilities, a set-user-ID file whose owner has no mapping in a user
# namespace), the program loads the library and sees the identity.
@test "preload: a program the kernel runs without AT_SECURE (file capabilities as root) sees the view" {
	require_root "a file with capabilities run by root"
	require_command setcap libcap2-bin
	local prog want
	privileged_copy cat capcat
	prog=$priv/capcat
	setcap cap_net_raw=ep "$prog" || skip "the filesystem takes no capabilities"
	[ "$(secure_exec "$prog")" = 0 ] || skip "the kernel runs it with AT_SECURE here"
	want=$(identity_fact "$TOP/identities/docker.yaml" 'y["hostname"]')
	run preloaded docker sh -c '"$1" /etc/hostname' sh "$prog"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "preload: a set-user-ID program whose owner a user namespace does not map sees the view" {
	require_root "a root-owned set-user-ID copy"
	require_command setpriv util-linux
	local prog want
	privileged_copy cat suidcat
	prog=$priv/suidcat
	chmod 4755 "$prog"
	local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups unshare -r)
	"${as_nobody[@]}" true 2>/dev/null || skip "nobody may not create a user namespace"
	[ "$(secure_exec "$prog" "${as_nobody[@]}")" = 0 ] || skip "the kernel runs it with AT_SECURE here"
	cp "$TOP/identities/docker.yaml" "$priv/id.yaml"
	cp "$PRELOAD" "$priv/lib.so"
	chmod 644 "$priv/id.yaml" "$priv/lib.so"
	want=$(identity_fact "$TOP/identities/docker.yaml" 'y["hostname"]')
	run "${as_nobody[@]}" env FAKENET_IDENTITY="$priv/id.yaml" LD_PRELOAD="$priv/lib.so" sh -c '"$1" /etc/hostname' sh "$prog"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

# A set-user-ID program its caller may run but not read: the kernel raises its privileges all the
# same, and its loader ignores LD_PRELOAD, so it gets none of the library's variables.
@test "preload: an unreadable set-user-ID program gets none of the library's variables" {
	require_root "a root-owned set-user-ID copy"
	require_command setpriv util-linux
	local prog
	privileged_copy env env4711
	prog=$priv/env4711
	chmod 4711 "$prog"
	local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	# The kernel's own account of the ids it runs such a copy with (the loader hides AT_SECURE's
	# LD_SHOW_AUXV there): an effective uid other than the real one is AT_SECURE.
	privileged_copy cat cat4711
	chmod 4711 "$priv/cat4711"
	[ "$("${as_nobody[@]}" "$priv/cat4711" /proc/self/status | awk '$1 == "Uid:" { print $2, $3 }')" = "65534 0" ] ||
		skip "the kernel does not raise the copy's privileges here"
	# A clean environment: the test harness's own variables (FAKENET_BUILD) name fakenet.
	cp "$TOP/identities/docker.yaml" "$priv/id.yaml"
	cp "$PRELOAD" "$priv/lib.so"
	chmod 644 "$priv/id.yaml" "$priv/lib.so"
	# From a directory of the test's: the checkout's own (PWD) may well be named fakenet.
	cd "$priv"
	run "${as_nobody[@]}" env -i PATH="$PATH" FAKENET_IDENTITY="$priv/id.yaml" LD_PRELOAD="$priv/lib.so" \
		sh -c '"$1"; echo "status $?"' sh "$prog"
	[ "${lines[-1]}" = "status 0" ]
	grep -qx "PATH=$PATH" <<<"$output"
	! grep -iE "fakenet|LD_PRELOAD" <<<"$output" || false
}

# The runner's own exec of the target follows the rule every later exec does: a program the
# kernel runs with raised privileges (here set-user-ID to nobody, run by root) gets none of the
# library's variables.
@test "run --backend preload: a set-user-ID target gets none of the library's variables" {
	require_root "a set-user-ID copy owned by nobody"
	require_build "$FAKENET"
	privileged_copy env suidenv
	chown 65534 "$priv/suidenv"
	chmod 4755 "$priv/suidenv"
	[ "$("$priv/suidenv" id -u)" = 65534 ] || skip "the kernel does not raise the copy's privileges here"
	run --separate-stderr "$FAKENET" run --backend preload --identity "$TOP/identities/docker.yaml" -- "$priv/suidenv"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q "^PATH=" <<<"$output"
	! grep -E "^(FAKENET|LD_PRELOAD=)" <<<"$output" || false
	[ -z "$stderr" ]
}

# A program of another machine (i386 under qemu's binfmt) started by the runner itself: no
# LD_PRELOAD, so its loader says nothing of the library, and none of the identity's variables.
@test "run --backend preload: an i386 target gets no LD_PRELOAD and says nothing of it" {
	require_build "$FAKENET"
	local tree=${FAKENET_I386_ROOT:-/var/cache/fakenet/bookworm-i386} ld want
	ld=$tree/lib/ld-linux.so.2
	[ -x "$ld" ] && [ -x "$tree/usr/bin/env" ] || skip "no i386 tree (tools/i386-root) at $tree"
	local run_i386=("$ld" --library-path "$tree/lib/i386-linux-gnu:$tree/usr/lib/i386-linux-gnu" "$tree/usr/bin/env")
	want=$("${run_i386[@]}" 2>&1) || skip "i386 programs do not run here (no IA32 and no qemu binfmt)"
	run --separate-stderr "$FAKENET" run --backend preload --identity "$TOP/identities/docker.yaml" -- "${run_i386[@]}"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	grep -q "^PATH=" <<<"$output"
	! grep -E "^(FAKENET|LD_PRELOAD=)" <<<"$output" || false
}

# The kernel follows a chain of five "#!" scripts (and refuses a sixth): the shell at the end of
# five loads the library and is told the directory of the view it was started in.
@test "preload: the program at the end of five #! scripts is known to load the library" {
	local d=$BATS_TEST_TMPDIR i want
	printf '#!/bin/sh\n/bin/pwd\n' >"$d/s1"
	for i in 2 3 4 5 6; do printf '#!%s\n' "$d/s$((i - 1))" >"$d/s$i"; done
	chmod +x "$d"/s*
	run "$d/s5"
	[ "$status" -eq 0 ] || skip "this kernel does not run five levels of #!"
	run "$d/s6"
	[ "$status" -ne 0 ] || skip "this kernel runs six levels of #!"
	run preloaded_without_dmi docker sh -c 'cd "$1" && "$2"' sh "$DMI_ID" "$d/s5"
	[ "$status" -eq 0 ]
	[ "$output" = "$DMI_DEVICE" ]
}

# execvp goes on past a directory of PATH's name; so does the library's look at the program.
@test "preload: exec by PATH skips a directory of the program's name, as execvp does" {
	local d=$BATS_TEST_TMPDIR
	mkdir -p "$d/first/pwd"
	# env looks its program up with libc's execvp.
	run preloaded_without_dmi docker sh -c 'cd "$1" && exec env PATH="$2:/bin:/usr/bin" pwd' sh "$DMI_ID" "$d/first"
	[ "$status" -eq 0 ]
	[ "$output" = "$DMI_DEVICE" ]
}

# Python's subprocess starts its children with vfork: what the library adds to a child's
# environment must not be allocated in the parent's heap, where nothing frees it. The heap in use
# (mallinfo2) grows no more under the library than without it over many children.
@test "preload: vfork children (Python's subprocess) leave nothing allocated in the parent" {
	local script="$BATS_TEST_TMPDIR/mallinfo.py" plain loaded
	cat >"$script" <<-'EOF2'
	import ctypes, subprocess
	class M(ctypes.Structure):
	    _fields_ = [(n, ctypes.c_size_t) for n in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
	libc = ctypes.CDLL(None)
	libc.mallinfo2.restype = M
	for i in range(20):
	    subprocess.run(["/bin/true"])
	before = libc.mallinfo2().uordblks
	for i in range(300):
	    subprocess.run(["/bin/true"])
	print(libc.mallinfo2().uordblks - before)
	EOF2
	plain=$("$PYTHON" "$script")
	loaded=$(preloaded docker "$PYTHON" "$script")
	echo "growth without the library: $plain, with it: $loaded"
	# 300 children: a leak of one environment array each (some 400 bytes) is well over 4096.
	[ $((loaded - plain)) -lt 4096 ]
}

# A vfork child on its way to exec asks whether the program has file capabilities: for a caller
# that is not root (root's exec ignores them). The question goes to libc, never through the
# library's own getxattr, which would load and parse the identity in the child, in its parent's
# memory. strace sees every open of the child before its execve.
@test "preload: a vfork child of a user that is not root opens nothing of the identity before its exec" {
	require_root "strace of a process run as nobody"
	require_command strace strace
	require_command setpriv util-linux
	local trace
	privileged_copy /bin/true true
	cp "$PRELOAD" "$TOP/identities/docker.yaml" "$priv/"
	chmod a+r "$priv"/*
	trace=$BATS_TEST_TMPDIR/trace
	strace -f -qq -o "$trace" -e trace=openat,execve \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		env FAKENET_IDENTITY="$priv/docker.yaml" LD_PRELOAD="$priv/libfakenet-preload.so" \
		"$PYTHON" -c 'import subprocess, sys; subprocess.run([sys.argv[1]], check=True)' "$priv/true"
	# The child is the pid that execs the copy of true; what it opened before that exec.
	run awk -v prog="execve(\"$priv/true\"" -v id="$priv/docker.yaml" '
		NR == FNR { if (index($0, prog)) child[$1] = 1; next }
		child[$1] && index($0, prog) { done[$1] = 1 }
		child[$1] && !done[$1] && /openat\(/ && (index($0, id) || index($0, "/proc/cpuinfo"))' "$trace" "$trace"
	echo "$output"
	grep -qF "execve(\"$priv/true\"" "$trace"
	[ -z "$output" ]
}

# A vfork child's copy of a large environment (3000 variables, some 24 KB of pointers) still
# carries the library's variables: the child it starts sees the identity, as with a small one.
@test "preload: a vfork child with 3000 variables starts a program that keeps the identity" {
	local want
	want=$(identity_fact "$TOP/identities/docker.yaml" 'y["hostname"]')
	run preloaded docker "$PYTHON" -c 'import os, subprocess
env = dict(os.environ, **{"FNT_VAR_%d" % i: "x" for i in range(3000)})
subprocess.run(["cat", "/etc/hostname"], env=env, check=True)'
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

# Threads each starting vfork children (as Python's subprocess does) in a different directory of
# the view: each child is where its own thread asked, as the kernel's would be.
@test "preload: vfork children of several threads each start in their own directory of the view" {
	need_netns docker
	local prog="$BUILD/tests/preload/vfork-cwd" net
	require_build "$prog"
	net=$(in_netns docker sh -c 'cd /sys/class/net/eth0 && /bin/pwd')
	run preloaded_without_dmi docker "$prog" 200 "$DMI_ID" /sys/class/net/eth0 "$DMI_ID" /sys/class/net/eth0
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 800 ]
	diff -u <(printf '%s\n' "$DMI_ID $DMI_DEVICE" "/sys/class/net/eth0 $net") \
		<(printf '%s\n' "${lines[@]}" | sort -u)
}

# A program of another machine (i386 under qemu's binfmt) cannot load the library: its loader
# would say so on stderr. The library leaves LD_PRELOAD out of its environment, so it prints what
# it prints without the library.
@test "preload: an i386 program started under the library gets no LD_PRELOAD and says nothing of it" {
	local tree=${FAKENET_I386_ROOT:-/var/cache/fakenet/bookworm-i386} ld want
	ld=$tree/lib/ld-linux.so.2
	[ -x "$ld" ] && [ -x "$tree/bin/echo" ] || skip "no i386 tree (tools/i386-root) at $tree"
	local run_i386=("$ld" --library-path "$tree/lib/i386-linux-gnu:$tree/usr/lib/i386-linux-gnu" "$tree/bin/echo" hi)
	want=$("${run_i386[@]}" 2>&1) || skip "i386 programs do not run here (no IA32 and no qemu binfmt)"
	run --separate-stderr preloaded docker sh -c '"$@"' sh "${run_i386[@]}"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ -z "$stderr" ]
}

# The library's fd tables know an fd of any number: a directory of the view and a file of it
# moved to fds above 4096 (a raised `ulimit -n`) read as the kernel's of a namespace built like
# the identity.
@test "preload: a directory and a file of the view at fds 5000 and 5001 are the view's" {
	need_netns docker
	local script="$BATS_TEST_TMPDIR/highfd.py"
	cat >"$script" <<-'EOF2'
	import os, re, resource
	resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
	fd = os.open("/sys/class/net", os.O_RDONLY | os.O_DIRECTORY)
	os.dup2(fd, 5000)
	os.close(fd)
	print(" ".join(sorted(os.listdir(5000))))
	fd = os.open("/proc/net/route", os.O_RDONLY)
	os.dup2(fd, 5001)
	os.close(fd)
	print(re.sub(r"^/proc/[0-9]+/", "/proc/PID/", os.readlink("/proc/self/fd/5001")))
	print(os.read(5001, 100000).decode(), end="")
	EOF2
	diff -u <(in_netns docker "$PYTHON" "$script") <(preloaded docker "$PYTHON" "$script")
}

# From a directory only the view has, the kernel's cwd is a stand-in: a relative mkdir (which the
# library does not interpose) must fail as under the FUSE backend, never land in the real root.
@test "preload: a relative mkdir from a directory only the view has fails as under FUSE" {
	require_fuse
	require_build "$FAKENET"
	local name="fnt-relmkdir-$$" script want
	script='import errno, os, sys
os.chdir(sys.argv[2])
try:
    os.mkdir("tmp/" + sys.argv[1])
    print("made")
except OSError as e:
    print(errno.errorcode[e.errno])'
	[ ! -e "/tmp/$name" ] || skip "/tmp/$name exists already"
	want=$(without_dmi env -i PATH="$PATH" "$FAKENET" run --backend fuse --identity "$TOP/identities/docker.yaml" -- "$PYTHON" -c "$script" "$name" "$DMI_ID")
	run preloaded_without_dmi docker "$PYTHON" -c "$script" "$name" "$DMI_ID"
	rmdir "/tmp/$name" 2>/dev/null || true
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ "$want" = ENOENT ]
}
