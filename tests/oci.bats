#!/usr/bin/env bats
# Containers started by the real runc (and Podman where it runs) get the identity through
# `fakenet oci-hook`: registered from `--hooks-json` as Podman would, or added to the bundle by
# `fakenet-runtime`. The rootfs is a pristine Debian 12 minbase tree (no net-tools, no iproute2,
# no curl; tools/minbase-root builds it once outside the repository), layered under a writable
# overlay per test as engines do. Expected values come from the identity YAML and from the real
# kernel and the real ifconfig in a network namespace built like the identity
# (tests/lib/netns-from-identity.py). Afterwards nothing of the container may be left on the host.

load lib/common
bats_require_minimum_version 1.5.0

IDENTITY="$TOP/identities/docker.yaml"

setup_file() {
	FAKENET=$(realpath "$FAKENET")
	export RUNTIME="${FAKENET%/*}/fakenet-runtime"
	export NS="fnt-oci-$$"
	export FILE_TMP
	FILE_TMP=$(mktemp -d /tmp/fakenet-oci.XXXXXX)
	have_root && command -v runc >/dev/null && have_yaml || return 0
	# The tree, built on first use (a few minutes); a failure is reported by each test.
	"$TOP/tools/minbase-root" >"$FILE_TMP/minbase" 2>"$FILE_TMP/minbase.err" || true
	# What a program asking the kernel learns (getifaddrs; if_nameindex, the interface ioctls).
	cc -O1 -o "$FILE_TMP/getifaddrs" "$TOP/tests/lib/getifaddrs.c"
	netns_up "$IDENTITY" "$NS" >/dev/null 2>"$FILE_TMP/netns.err" || true
}

teardown_file() {
	netns_down "$NS"
	rm -rf "${FILE_TMP:?}"
}

setup() {
	require_root "runc and FUSE"
	require_command runc runc
	require_fuse
	require_yaml
	require_build "$FAKENET" "$RUNTIME"
	MINBASE=$(cat "$FILE_TMP/minbase")
	[ -d "$MINBASE/usr/bin" ] || {
		cat "$FILE_TMP/minbase.err" >&2
		echo "tools/minbase-root could not build the minbase tree" >&2
		return 1
	}
	ID="fnt-oci-$$-$BATS_TEST_NUMBER"
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	ROOT="$BATS_TEST_TMPDIR/root"
	mkdir -p "$BUNDLE" "$ROOT" "$BATS_TEST_TMPDIR/upper" "$BATS_TEST_TMPDIR/work"
	# The engine's layering: the image read-only below, the container's writes above.
	mount -t overlay overlay -o "lowerdir=$MINBASE,upperdir=$BATS_TEST_TMPDIR/upper,workdir=$BATS_TEST_TMPDIR/work" "$ROOT"
	host_state >"$BATS_TEST_TMPDIR/before"
}

teardown() {
	runc delete -f "$ID" >/dev/null 2>&1 || true
	# A test that failed half-way may leave its container in a state root of its own.
	[ ! -d "$BATS_TEST_TMPDIR/state" ] || runc --root "$BATS_TEST_TMPDIR/state" delete -f "$ID" >/dev/null 2>&1 || true
	umount "$ROOT" 2>/dev/null || true
}

# What a container could leave on the host: fakenet's FUSE mounts (anonymous: "fuse none") and any
# mount under this test's directory (the rootfs overlay itself aside), processes of this fakenet,
# its server sockets, and the runtime's record of the container.
host_state() {
	grep -E " - fuse none |$BATS_TEST_TMPDIR" /proc/self/mountinfo | grep -v " $ROOT " | cut -d' ' -f5- || true
	find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$FAKENET" \
		-exec sh -c 'tr "\0" " " <"${1%/exe}/cmdline"; echo' sh {} \; 2>/dev/null || true
	grep -a "@fakenet-oci/$ID" /proc/net/unix || true
	runc list -q | grep -x "$ID" || true
}

# The container's namespaces (recorded inside as /ns) must be held by no process afterwards. Their
# inode numbers are free for reuse once they are gone, and other tests on this machine make
# namespaces all the time: a holder counts only if it already ran when this check began and its
# root is the container's or the host's (a leak of the container's, of fakenet's or of pasta).
assert_nothing_left() {
	local now tick holders
	now=$(cut -d' ' -f1 /proc/uptime)
	tick=$(getconf CLK_TCK)
	host_state >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ -s "$ROOT/ns" ] || return 0
	holders=$(find /proc/[0-9]*/ns -type l -printf '%l %p\n' 2>/dev/null | grep -Ff "$ROOT/ns" |
		while read -r ns link; do
			p=${link%/ns/*}
			[ "$p/root" -ef / ] || [ "$p/root" -ef "$ROOT" ] || continue
			awk -v now="$now" -v tick="$tick" '{ sub(/.*\) /, ""); exit !($20 / tick <= now) }' \
				"$p/stat" 2>/dev/null || continue
			echo "$ns ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
		done)
	[ -z "$holders" ] || {
		echo "namespaces of the container still held:"
		echo "$holders"
		return 1
	}
}

# make_bundle MODE [ANNOTATION]: config.json from `runc spec`, with the engine's own /etc/hosts,
# resolv.conf and hostname bound in as Docker and Podman do; MODE hooks: the hooks.d file turned
# into config.json hooks as Podman does (for a matching annotation); plain: no hooks. Optional:
# NET_MODE (the io.fakenet.net annotation), NETNS (a path for the container's network namespace,
# as engines give one; "host": none of its own), NO_HOSTNAME=1 (the config names no hostname),
# and with BUSYBOX the host's static busybox bound at /busybox (the image has no ip), with the
# getifaddrs and ioctl probes.
make_bundle() {
	local mode=$1 annotation=${2-}
	export NET_MODE=${NET_MODE-} NETNS=${NETNS-} NO_HOSTNAME=${NO_HOSTNAME-} BUSYBOX=${BUSYBOX-}
	printf '127.0.0.1\tlocalhost\n' >"$BUNDLE/hosts"
	printf 'nameserver 192.0.2.53\n' >"$BUNDLE/resolv.conf"
	echo engine-host >"$BUNDLE/hostname"
	"$FAKENET" oci-hook --hooks-json >"$BUNDLE/hooks.json"
	(cd "$BUNDLE" && runc spec)
	"$PYTHON" - "$BUNDLE" "$ROOT" "$mode" "$annotation" "$SCRIPT" <<'EOF'
import json, os, re, sys
bundle, root, mode, annotation, script = sys.argv[1:]
c = json.load(open(bundle + "/config.json"))
c["root"] = {"path": root, "readonly": False}
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", script]
for f in ("hosts", "resolv.conf", "hostname"):
    c["mounts"].append({"destination": "/etc/" + f, "type": "bind",
                        "source": bundle + "/" + f, "options": ["rbind", "ro"]})
if annotation:
    c["annotations"] = {"io.fakenet.identity": annotation}
if os.environ["NET_MODE"]:
    c.setdefault("annotations", {})["io.fakenet.net"] = os.environ["NET_MODE"]
ns = c["linux"]["namespaces"]
if os.environ["NETNS"] == "host":
    c["linux"]["namespaces"] = [n for n in ns if n["type"] != "network"]
elif os.environ["NETNS"]:
    [n for n in ns if n["type"] == "network"][0]["path"] = os.environ["NETNS"]
if os.environ["NO_HOSTNAME"]:
    del c["hostname"]
if os.environ["BUSYBOX"]:
    for dest, src in (("/busybox", os.environ["BUSYBOX"]), ("/getifaddrs", os.environ["GETIFADDRS"]),
                      ("/ifprobe", os.environ["IFPROBE"])):
        c["mounts"].append({"destination": dest, "type": "bind", "source": src,
                            "options": ["rbind", "ro"]})
if mode == "hooks":
    hd = json.load(open(bundle + "/hooks.json"))
    assert hd["version"] == "1.0.0"
    ann = c.get("annotations", {})
    if any(re.search(k, a) and re.search(v, ann[a])
           for k, v in hd["when"]["annotations"].items() for a in ann):
        for stage in hd["stages"]:
            c.setdefault("hooks", {}).setdefault(stage, []).append(hd["hook"])
json.dump(c, open(bundle + "/config.json", "w"), indent="\t")
EOF
}

# What the tests look at inside, and the container's namespaces for assert_nothing_left.
SCRIPT='readlink /proc/self/ns/mnt /proc/self/ns/net /proc/self/ns/pid /proc/self/ns/uts >/ns
echo "== mac"; cat /sys/class/net/eth0/address
echo "== route"; cat /proc/net/route
echo "== hosts"; cat /etc/hosts
echo "== ifconfig"; ifconfig
echo "== hostname"; hostname; /usr/bin/hostname
echo "== tells"; grep fakenet /proc/self/mountinfo | grep -vc " / / "; env | grep -c FAKENET; printf "%s\n" "$PATH"
echo "== passthrough"; dnsdomainname 2>&1; echo "status=$?"
exit 7'

# section NAME: that part of $output.
section() {
	printf '%s\n' "$output" | awk -v want="== $1" '/^== / { on = ($0 == want); next } on'
}

fact() {
	identity_fact "$IDENTITY" "$1"
}

# The counters of the kernel's veth move with its own traffic; everything else must agree.
mask_counters() {
	sed -E 's/(packets|bytes|errors|dropped|overruns|frame|carrier|collisions) [0-9]+/\1 N/g; s/\([0-9.]+ [KMGT]?i?B\)/(N)/g'
}

# The identity as the container shows it, against the YAML and the kernel's own namespace.
assert_identity_view() {
	[ "$(section mac)" = "$(fact 'y["interfaces"][0]["mac"]')" ]
	ip netns exec "$NS" cat /proc/net/route >"$BATS_TEST_TMPDIR/route.kernel"
	section route | diff -u "$BATS_TEST_TMPDIR/route.kernel" -
	local host
	for host in $(fact 'y["blocked"]'); do
		section hosts | grep -qE "^[0-9a-f.:]+[[:space:]].*\\b$host\\b" || {
			echo "blocked host $host not in /etc/hosts"
			return 1
		}
	done
	ip netns exec "$NS" ifconfig | mask_counters >"$BATS_TEST_TMPDIR/ifconfig.real"
	section ifconfig | mask_counters | diff -u "$BATS_TEST_TMPDIR/ifconfig.real" -
	# hostname is in the image: the shim answers over it, by name and by its path.
	[ "$(section hostname)" = "$(printf '%s\n%s' "$(fact 'y["hostname"]')" "$(fact 'y["hostname"]')")" ]
	# No tells: no mount but the rootfs (whose cached image path is the test's) names fakenet, no
	# FAKENET variable, no PATH entry of the view's.
	[ "$(section tells | head -2)" = "$(printf '0\n0')" ]
	[[ "$(section tells | tail -1)" != */sys/* ]]
}

@test "oci-hook --hooks-json: a hooks.d file (schema 1.0.0) running this fakenet for the annotation" {
	run "$FAKENET" oci-hook --hooks-json
	[ "$status" -eq 0 ]
	printf '%s' "$output" | "$PYTHON" -c 'import json, re, sys
h = json.load(sys.stdin)
assert h["version"] == "1.0.0", h
assert h["hook"]["path"] == sys.argv[1], h
assert h["hook"]["args"][1:] == ["oci-hook"], h
(k, v), = h["when"]["annotations"].items()
assert re.search(k, "io.fakenet.identity") and not re.search(k, "io.fakenet.identityX")
assert re.search(v, "docker") and not re.search(v, "")
assert set(h["stages"]) == {"createRuntime", "poststop"}, h' "$FAKENET"
	run "$FAKENET" oci-hook --hooks-json --path /opt/fakenet/bin/fakenet
	[[ "$output" == *'"path": "/opt/fakenet/bin/fakenet"'* ]]
	run "$FAKENET" oci-hook --hooks-json --path relative/fakenet
	[ "$status" -eq 2 ]
}

@test "runc with the hooks as Podman adds them: the identity inside, exit 7 kept, nothing left" {
	make_bundle hooks docker
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	assert_identity_view
	assert_nothing_left
	# dnsdomainname, a link to the image's hostname that the shim covers, is the real tool's
	# answer: the shim runs it from the view's hidden node, as the same image without the hook
	# (under host, whose network is the engine's as without the hook: nat's resolver answers).
	local passthrough
	SCRIPT='dnsdomainname 2>&1; echo "status=$?"'
	rm "$BUNDLE/config.json"
	NET_MODE=host make_bundle hooks docker
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	passthrough=$output
	rm "$BUNDLE/config.json"
	make_bundle plain ""
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$output" = "$passthrough" ]
	[[ "$output" != *fakenet-shim* ]]
}

@test "an image without a machine id gets the identity's, its mount points made as runc makes them" {
	local id=$TOP/identities/desktop.yaml
	[ ! -e "$MINBASE/etc/machine-id" ] && [ ! -e "$MINBASE/var/lib/dbus" ]
	SCRIPT='cat /etc/machine-id /var/lib/dbus/machine-id; stat -c "%a %U %s" /etc/machine-id
touch /etc/fnt-written && echo etc-writable; exit 7'
	make_bundle hooks "$id"
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	local want
	want=$(identity_fact "$id" 'y["system"]["machine_id"]')
	# Mode, owner and size as systemd-machine-id-setup writes a machine id: 0444, root, 32 hex
	# digits and a newline.
	[ "$output" = "$(printf '%s\n%s\n444 root 33\netc-writable' "$want" "$want")" ]
	# The image is untouched; what the container wrote (mount points as runc's own) is its layer's.
	[ ! -e "$MINBASE/etc/machine-id" ] && [ ! -e "$MINBASE/var/lib/dbus" ]
	[ -e "$BATS_TEST_TMPDIR/upper/etc/fnt-written" ]
	assert_nothing_left
}

@test "an image without a machine id on a read-only root: the container starts without it, nothing left" {
	SCRIPT='cat /etc/machine-id 2>/dev/null || echo no-id; exit 7'
	make_bundle hooks "$TOP/identities/desktop.yaml"
	# No files of the engine's bound into /etc: runc would open their destinations for writing.
	"$PYTHON" -c 'import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/etc/")]
json.dump(c, open(sys.argv[1], "w"))' "$BUNDLE/config.json"
	mount -o remount,ro "$ROOT"
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	[ "$(printf '%s\n' "$output" | tail -1)" = no-id ]
	assert_nothing_left
}

@test "an image's symlink cannot lead the made mount points out of its root (to the host's, by /proc/1/root)" {
	local host_dir=$BATS_TEST_TMPDIR/host-side
	mkdir "$host_dir"
	# /var/lib of the image leads, through the runtime init's root before pivot_root, to a host
	# directory; and /var/lib/dbus of a second try is a link that leaves the root by "..".
	rm -rf "$ROOT/var/lib"
	ln -s "/proc/1/root$host_dir" "$ROOT/var/lib"
	SCRIPT='cat /etc/machine-id; cat /var/lib/dbus/machine-id 2>/dev/null || echo no-dbus-id; exit 7'
	make_bundle hooks "$TOP/identities/desktop.yaml"
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	[ "$(printf '%s\n' "$output" | tail -2)" = "$(printf '%s\nno-dbus-id' "$(identity_fact "$TOP/identities/desktop.yaml" 'y["system"]["machine_id"]')")" ]
	[ -z "$(ls -A "$host_dir")" ]
	runc delete -f "$ID" >/dev/null 2>&1 || true
	rm "$ROOT/var/lib"
	mkdir "$ROOT/var/lib"
	ln -s "../../../../../../../..$host_dir" "$ROOT/var/lib/dbus"
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	[ -z "$(ls -A "$host_dir")" ]
	assert_nothing_left
}

@test "fakenet-runtime: a bundle without hooks gets them, runc runs it, nothing left" {
	make_bundle plain "$IDENTITY"
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
	run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" --log "$BATS_TEST_TMPDIR/runc.log" run --bundle="$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	assert_identity_view
	# Only the hooks were added; everything else is as the engine wrote it.
	"$PYTHON" -c 'import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
hooks = b.pop("hooks")
# runc would set a named hostname over the one the hook gives the container: it is emptied.
assert (a.pop("hostname"), b.pop("hostname")) == ("runc", ""), b
assert a == b
for stage in ("createRuntime", "poststop"):
    assert [h["path"] for h in hooks[stage]] == [sys.argv[3]], hooks' "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json" "$FAKENET"
	assert_nothing_left
}

@test "fakenet-runtime: hooks already there are not added twice; other commands pass through" {
	make_bundle hooks docker
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
	# The created container keeps create's stdout open until it runs: a file, not a pipe.
	"$RUNTIME" --root "$BATS_TEST_TMPDIR/state" create -b "$BUNDLE" "$ID" </dev/null \
		>"$BATS_TEST_TMPDIR/create.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/create.out"
		return 1
	}
	# Only the hostname, which runc would set over the identity's, changed.
	diff "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json" | grep '^[<>]' >"$BATS_TEST_TMPDIR/diff" || true
	printf '< \t"hostname": "runc",\n> \t"hostname": "",\n' | cmp - "$BATS_TEST_TMPDIR/diff"
	run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" state "$ID"
	[[ "$output" == *'"status": "created"'* ]]
	run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" delete -f "$ID"
	[ "$status" -eq 0 ]
	run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" list -q
	[ -z "$output" ]
	assert_nothing_left
	FAKENET_RUNTIME=/nonexistent/runc run -127 "$RUNTIME" list
	[ "$status" -eq 127 ]
}

@test "a container without the annotation is left alone, by the hooks and by fakenet-runtime" {
	SCRIPT='ls /sys/class/net; cat /proc/net/route; grep -c fuse /proc/self/mountinfo; command -v ifconfig; hostname; exit 3'
	make_bundle hooks ""
	! grep -q hooks "$BUNDLE/config.json" || false
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
	run "$RUNTIME" run -b "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	cmp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
	# The runtime's own view: lo alone, the kernel's empty route table, no FUSE, no ifconfig in
	# the image, the hostname runc's config sets.
	[ "$output" = "$(printf 'lo\n%s\n0\nrunc' "$(head -1 /proc/net/route)")" ]
	assert_nothing_left
}

# bad_annotation VALUE [NAME]: with VALUE for the identity, or NAME=VALUE besides a good one, the
# container does not start, the message says where, nothing is left.
bad_annotation() {
	local name=${2:-io.fakenet.identity}
	if [ -n "${2-}" ]; then
		NET_MODE=$1 make_bundle hooks docker
	else
		make_bundle hooks "$1"
	fi
	run runc run -b "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" != *"should not run"* ]]
	local line
	line=$(grep -n "\"$name\"" "$BUNDLE/config.json" | cut -d: -f1)
	[[ "$output" == *"$BUNDLE/config.json:$line:"*"annotation $name"* ]]
	assert_nothing_left
}

@test "bad annotation: a missing file fails the start, located, and leaves nothing" {
	SCRIPT='echo should not run'
	bad_annotation "$BATS_TEST_TMPDIR/missing.yaml"
	[[ "$output" == *"$BATS_TEST_TMPDIR/missing.yaml: No such file or directory"* ]]
}

@test "bad annotation: an invalid identity fails with the identity's FILE:LINE:COLUMN" {
	SCRIPT='echo should not run'
	printf 'version: 1\nhostname: ok\ninterfaces:\n  - name: eth0\n    mac: 02:42:zz:00:00:01\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	bad_annotation "$BATS_TEST_TMPDIR/bad.yaml"
	[[ "$output" == *"$BATS_TEST_TMPDIR/bad.yaml:5:10:"* ]]
}

@test "bad annotation: a name that is no shipped identity and no file" {
	SCRIPT='echo should not run'
	bad_annotation no-such-identity
	[[ "$output" == *"no shipped identity"* ]]
}

@test "bad annotation through fakenet-runtime: the same located failure, nothing left" {
	SCRIPT='echo should not run'
	make_bundle plain "$BATS_TEST_TMPDIR/missing.yaml"
	run "$RUNTIME" run -b "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$BUNDLE/config.json:"*"$BATS_TEST_TMPDIR/missing.yaml: No such file or directory"* ]]
	assert_nothing_left
}

@test "podman run --rootfs --hooks-dir --annotation: the identity inside, exit 7 kept, nothing left" {
	require_command podman podman
	make_bundle plain ""
	mkdir -p "$BATS_TEST_TMPDIR/hooks.d"
	"$FAKENET" oci-hook --hooks-json >"$BATS_TEST_TMPDIR/hooks.d/fakenet.json"
	# Podman raises RLIMIT_NOFILE and RLIMIT_NPROC by default, which needs CAP_SYS_RESOURCE;
	# where that is withheld (as in a container), lower limits are asked for instead.
	run podman --hooks-dir "$BATS_TEST_TMPDIR/hooks.d" run --rm --name "$ID" --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--annotation io.fakenet.identity=docker --rootfs "$ROOT" sh -c "$SCRIPT"
	echo "$output"
	[[ "$output" != *"cannot set up namespace"* ]] || skip "podman cannot create its namespaces here: $output"
	[ "$status" -eq 7 ]
	# Podman sets the kernel hostname itself (--hostname); the hostname tools answer the identity.
	assert_identity_view
	assert_nothing_left
}

# The host's static busybox (Debian's busybox-static): `ip` inside an image that has none.
static_busybox() {
	require_command busybox busybox-static
	BUSYBOX=$(command -v busybox)
	! ldd "$BUSYBOX" >/dev/null 2>&1 || skip "the host's busybox is not static (busybox-static)"
	export BUSYBOX GETIFADDRS=$FILE_TMP/getifaddrs IFPROBE=${FAKENET%/*}/tests/preload/ifprobe
	require_build "$GETIFADDRS" "$IFPROBE"
}

# What the kernel of the container's network namespace says, and its hostname.
KERNEL_SCRIPT='readlink /proc/self/ns/mnt /proc/self/ns/net /proc/self/ns/pid /proc/self/ns/uts >/ns
echo "== addr"; /busybox ip addr
echo "== route"; /busybox ip route
echo "== neigh"; /busybox ip neigh | cut -d" " -f1-5 | sort
echo "== sys"; for l in /sys/class/net/*; do echo "${l##*/} $(cat $l/address $l/mtu $l/ifindex | tr "\n" " ")"; done
echo "== uname"; /busybox uname -n
echo "== getifaddrs"; /getifaddrs
echo "== probe"; /ifprobe eth0:172.18.0.1 172.18.0.1 eth0:10.9.9.9 | grep -v -e ETHTOOL_GPERMADDR -e ^nodename
exit 7'

# The container's kernel against a namespace built like the identity: the same busybox there.
assert_kernel_view() {
	local what
	for what in addr route; do
		ip netns exec "$NS" "$BUSYBOX" ip "$what" >"$BATS_TEST_TMPDIR/$what.kernel"
		section "$what" | diff -u "$BATS_TEST_TMPDIR/$what.kernel" -
	done
	# Entries learnt as reachable decay on the kernel's own timers: the state is not compared.
	ip netns exec "$NS" "$BUSYBOX" ip neigh | cut -d" " -f1-5 | sort | diff -u - <(section neigh)
	ip netns exec "$NS" sh -c 'for l in /sys/class/net/*; do echo "${l##*/} $(cat $l/address $l/mtu $l/ifindex | tr "\n" " ")"; done' |
		diff -u - <(section sys)
	[ -n "$(section getifaddrs)" ] && [ -n "$(section probe)" ]
	ip netns exec "$NS" "$GETIFADDRS" | diff -u - <(section getifaddrs)
	# The probe's addresses are the docker identity's gateway and an address off every link.
	[ "$(fact 'y["gateway"]["ip"]')" = 172.18.0.1 ]
	ip netns exec "$NS" "$IFPROBE" eth0:172.18.0.1 172.18.0.1 eth0:10.9.9.9 |
		grep -v -e ETHTOOL_GPERMADDR -e ^nodename | diff -u - <(section probe)
}

@test "io.fakenet.net=isolated: the container's own namespace holds the identity (ip, sysfs, uname)" {
	static_busybox
	SCRIPT=$KERNEL_SCRIPT NET_MODE=isolated NO_HOSTNAME=1 make_bundle hooks docker
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	assert_kernel_view
	[ "$(section uname)" = "$(fact 'y["hostname"]')" ]
	assert_nothing_left
}

@test "nat in a namespace the engine made: its eth0 is out of sight, then back; nothing left" {
	static_busybox
	local engine="fnt-oci-engine-$$" peer="fnteng$$"
	ip netns add "$engine"
	ip link add "$peer" type veth peer name eth0 netns "$engine"
	ip -n "$engine" addr add 10.88.0.5/16 dev eth0
	ip -n "$engine" link set eth0 up
	local before
	before=$(ip -n "$engine" -o link show eth0 | awk '{print $2, $(NF-2)}')
	SCRIPT=$KERNEL_SCRIPT NET_MODE=nat NETNS=/run/netns/$engine make_bundle hooks docker
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	local after peer_left
	after=$(ip -n "$engine" -o link show eth0 | awk '{print $2, $(NF-2)}')
	peer_left=$(ip -o link show "$peer" | wc -l)
	ip netns del "$engine"
	ip link del "$peer" 2>/dev/null || true
	[ "$status" -eq 7 ]
	assert_kernel_view
	[[ "$output" != *10.88.0.5* ]]
	# The engine finds its link again where it left it, with its peer on the host: its teardown
	# removes them.
	[ "$after" = "$before" ]
	[ "$peer_left" = 1 ]
	! pgrep -f "pasta.*fnegress" >/dev/null || false
	assert_nothing_left
}

@test "an engine link that cannot leave the namespace fails the start; the others come back, nothing left" {
	local engine="fnt-oci-engine-$$" peer="fnteng$$"
	ip netns add "$engine"
	ip link add "$peer" type veth peer name eth0 netns "$engine"
	# A bridge's namespace is immutable: it cannot be parked.
	ip -n "$engine" link add br0 type bridge
	local before
	before=$(ip -n "$engine" -o link | awk '{print $2}')
	SCRIPT='echo should not run' NET_MODE=isolated NETNS=/run/netns/$engine make_bundle hooks docker
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	local after peer_left
	after=$(ip -n "$engine" -o link | awk '{print $2}')
	peer_left=$(ip -o link show "$peer" | wc -l)
	ip netns del "$engine"
	ip link del "$peer" 2>/dev/null || true
	[ "$status" -ne 0 ]
	[[ "$output" != *"should not run"* ]]
	[[ "$output" == *"moving the engine's link br0 out of the container's sight"* ]]
	[ "$after" = "$before" ]
	[ "$peer_left" = 1 ]
	assert_nothing_left
}

@test "a container in the host's network namespace keeps the views alone" {
	SCRIPT='cat /sys/class/net/eth0/address; exit 7'
	ip -o link >"$BATS_TEST_TMPDIR/links.before"
	NETNS=host make_bundle hooks docker
	run runc run --bundle "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	[ "$(printf '%s\n' "$output" | tail -1)" = "$(fact 'y["interfaces"][0]["mac"]')" ]
	ip -o link | diff -u "$BATS_TEST_TMPDIR/links.before" -
	assert_nothing_left
}

@test "bad annotation: io.fakenet.net naming no mode fails the start, located, nothing left" {
	SCRIPT='echo should not run'
	bad_annotation bridge io.fakenet.net
	[[ "$output" == *"annotation io.fakenet.net: 'bridge' names no mode"* ]]
}

@test "fakenet-runtime: the kernel hostname is the identity's, though the engine named one" {
	static_busybox
	SCRIPT=$KERNEL_SCRIPT make_bundle plain docker
	grep -q '"hostname": "runc"' "$BUNDLE/config.json"
	run "$RUNTIME" run -b "$BUNDLE" "$ID" </dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	[ "$(section uname)" = "$(fact 'y["hostname"]')" ]
	assert_kernel_view
	assert_nothing_left
}

@test "podman: the container's own namespace, which Podman made, holds the identity; nothing left" {
	require_command podman podman
	static_busybox
	make_bundle plain ""
	mkdir -p "$BATS_TEST_TMPDIR/hooks.d"
	"$FAKENET" oci-hook --hooks-json >"$BATS_TEST_TMPDIR/hooks.d/fakenet.json"
	run podman --hooks-dir "$BATS_TEST_TMPDIR/hooks.d" run --rm --name "$ID" --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -v "$BUSYBOX:/busybox:ro" \
		-v "$GETIFADDRS:/getifaddrs:ro" -v "$IFPROBE:/ifprobe:ro" \
		--annotation io.fakenet.identity=docker --annotation io.fakenet.net=nat \
		--rootfs "$ROOT" sh -c "$KERNEL_SCRIPT"
	echo "$output"
	[[ "$output" != *"cannot set up namespace"* ]] || skip "podman cannot create its namespaces here: $output"
	[ "$status" -eq 7 ]
	assert_kernel_view
	assert_nothing_left
}
