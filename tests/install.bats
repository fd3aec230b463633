#!/usr/bin/env bats
# fakenet install / uninstall on a small image tree: a dash with its libraries (so the launcher
# and ld.so.preload can run under chroot), tiny scripts standing in for route, ifconfig, curl and
# netstat, and /etc files with resolv.conf as a symlink. Expected values come from the identity's
# YAML (read with python3-yaml), never from fakenet's own output; uninstall must give back the
# tree's listing (types, modes, owners, sizes, mtimes, link targets, checksums) byte for byte.

load lib/common

IDENTITY="$TOP/identities/multi-nic.yaml"

setup() {
	require_build "$FAKENET" "$BUILD/libfakenet-preload.so"
	new_tmpdir WORK
	ROOT="$WORK/root"
	at_teardown chattr -i "$ROOT/usr/bin/curl"
	make_tree "$ROOT"
}

yaml() {
	identity_fact "$IDENTITY" "$1"
}

# A binary and the libraries it loads, at the same paths inside the tree. An empty or missing
# path (a lookup that found nothing) fails, naming it: it would otherwise copy nothing.
copy_with_libs() {
	local root=$1 f lib
	for f in "${@:2}"; do
		[ -n "$f" ] || { echo "copy_with_libs: an empty path (a lookup found nothing)" >&2 && return 1; }
		[ -f "$f" ] || { echo "copy_with_libs: $f: no such file" >&2 && return 1; }
		mkdir -p "$root$(dirname "$f")"
		cp -p "$f" "$root$f"
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$lib")"
			[ -e "$root$lib" ] || cp -pL "$lib" "$root$lib"
		done
	done
}

make_tree() {
	local r=$1 so path
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,run}
	copy_with_libs "$r" /bin/dash
	copy_with_libs "$r" "$BUILD/libfakenet-preload.so" # its libraries, as an image has them
	# and the two it opens only to read the identity (preload/parsers.h)
	for so in libyaml-0.so.2 libpcre2-8.so.0; do
		path=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ { print $NF; exit }')
		[ -n "$path" ] || { echo "make_tree: ldconfig knows no x86-64 $so" >&2 && return 1; }
		copy_with_libs "$r" "$path"
	done
	rm -f "$r$BUILD/libfakenet-preload.so"
	rmdir -p "$r$(dirname "$BUILD/libfakenet-preload.so")" 2>/dev/null || true
	ln -s dash "$r/bin/sh"
	printf '#!/bin/sh\necho real route "$@"\n' >"$r/usr/sbin/route"
	printf '#!/bin/sh\necho real ifconfig "$@"\n' >"$r/sbin/ifconfig"
	printf '#!/bin/sh\necho real curl "$@"\n' >"$r/usr/bin/curl"
	printf '#!/bin/sh\necho real netstat "$@"\n' >"$r/usr/bin/netstat"
	chmod 755 "$r"/usr/sbin/route "$r"/sbin/ifconfig "$r"/usr/bin/curl "$r"/usr/bin/netstat
	printf '127.0.0.1\tlocalhost\n' >"$r/etc/hosts"
	echo image-host >"$r/etc/hostname"
	echo 'nameserver 192.0.2.53' >"$r/run/stub-resolv.conf"
	ln -s ../run/stub-resolv.conf "$r/etc/resolv.conf"
	# Old, distinct times: a restore by copy instead of rename would show.
	find "$r" -exec touch -h -d '2020-01-02 03:04:05.123456789' {} +
}

listing() {
	(cd "$1" && find . -printf '%p %y %M %U:%G %s %T@ %l\n' | sort &&
		find . -type f -exec sha256sum {} + | sort -k2)
}

@test "the tree's helper: an empty or missing path fails, naming it, and copies nothing" {
	run copy_with_libs "$WORK/copy" ""
	[ "$status" -eq 1 ]
	[ "$output" = "copy_with_libs: an empty path (a lookup found nothing)" ]
	run copy_with_libs "$WORK/copy" /bin/dash "$WORK/none"
	[ "$status" -eq 1 ]
	[ "$output" = "copy_with_libs: $WORK/none: no such file" ]
	[ ! -e "$WORK/copy/$WORK" ]
}

@test "install puts every part in place; uninstall gives back the tree byte for byte" {
	listing "$ROOT" >"$WORK/before"
	run "$FAKENET" install --root "$ROOT" --identity "$IDENTITY"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cmp "$IDENTITY" "$ROOT/etc/fakenet/identity.yaml"
	cmp "$BUILD/libfakenet-preload.so" "$ROOT/usr/local/lib/fakenet/libfakenet-preload.so"
	cmp "$BUILD/fakenet-shim" "$ROOT/usr/local/sbin/fakenet-shim"
	[ "$(cat "$ROOT/etc/ld.so.preload")" = /usr/local/lib/fakenet/libfakenet-preload.so ]
	for t in route arp ifconfig netstat ip hostname nm-tool nmcli ethtool iw curl wget sudo hdparm; do
		[ "$(readlink "$ROOT/usr/local/sbin/$t")" = fakenet-shim ]
	done
	for p in usr/sbin/route sbin/ifconfig usr/bin/curl usr/bin/netstat; do
		[ "$(readlink "$ROOT/$p")" = /usr/local/sbin/fakenet-shim ]
		grep -q "^echo real" "$ROOT/$p.fakenet-orig"
		grep -qx "replaced fnv1a64:[0-9a-f]\{16\} $p" "$ROOT/etc/fakenet/installed"
	done
	[ "$(readlink "$ROOT/etc/resolv.conf.fakenet-orig")" = ../run/stub-resolv.conf ]
	[ ! -L "$ROOT/etc/resolv.conf" ]
	[ "$(cat "$ROOT/etc/hostname")" = "$(yaml 'd["hostname"]')" ]
	grep -qx "nameserver $(yaml 'd["dns"]["nameservers"][0]')" "$ROOT/etc/resolv.conf"
	grep -q "^$(yaml 'd["interfaces"][0]["addresses"][0].split("/")[0]')[[:space:]].*$(yaml 'd["hostname"]')" "$ROOT/etc/hosts"
	grep -qx 'exec "$@"' "$ROOT/usr/local/bin/fakenet-launch"
	[ -x "$ROOT/usr/local/bin/fakenet-launch" ]
	run "$FAKENET" uninstall --root "$ROOT"
	[ "$status" -eq 0 ]
	listing "$ROOT" >"$WORK/after"
	diff -u "$WORK/before" "$WORK/after"
}

@test "a system identity in the image: hdparm and the disks' sysfs answer it; uninstall gives the tree back" {
	require_command chroot coreutils
	require_root chroot
	grep -qa __asan_init "$BUILD/fakenet-shim" &&
		skip "a sanitizer build: its runtime needs the /proc this chroot lacks"
	local id="$WORK/disks.yaml"
	printf '%s\n' 'version: 1' 'hostname: t480s' 'interfaces:' '  - name: eth0' \
		'    mac: 02:42:ac:12:00:02' '    addresses: [172.18.0.2/16]' 'system:' '  disks:' \
		'    - name: sda' '      model: Samsung SSD 860 EVO 500GB' '      serial: S3Z2NB0K123456A' \
		'      size: 500107862016' '      firmware: RVT04B6Q' >"$id"
	listing "$ROOT" >"$WORK/before"
	"$FAKENET" install --root "$ROOT" --identity "$id"
	[ "$(readlink "$ROOT/usr/local/sbin/hdparm")" = fakenet-shim ]
	run chroot "$ROOT" /usr/local/bin/fakenet-launch hdparm -i /dev/sda
	[ "$status" -eq 0 ]
	grep -qxF " Model=$(identity_fact "$id" 'y["system"]["disks"][0]["model"]'), FwRev=$(identity_fact "$id" 'y["system"]["disks"][0]["firmware"]'), SerialNo=$(identity_fact "$id" 'y["system"]["disks"][0]["serial"]')" <<<"$output"
	# No /sys in the chroot: only the preload library, through ld.so.preload, can answer.
	[ ! -e "$ROOT/sys" ]
	run chroot "$ROOT" /usr/local/bin/fakenet-launch sh -c 'read s </sys/block/sda/size; echo "$s"'
	[ "$output" = "$(($(identity_fact "$id" 'y["system"]["disks"][0]["size"]') / 512))" ]
	"$FAKENET" uninstall --root "$ROOT"
	diff -u "$WORK/before" <(listing "$ROOT")
}

@test "an existing /etc/ld.so.preload keeps its lines and comes back unchanged" {
	printf '/usr/lib/libother.so' >"$ROOT/etc/ld.so.preload"
	listing "$ROOT" >"$WORK/before"
	"$FAKENET" install --root "$ROOT" --identity "$IDENTITY"
	diff -u <(printf '/usr/lib/libother.so\n/usr/local/lib/fakenet/libfakenet-preload.so\n') \
		"$ROOT/etc/ld.so.preload"
	"$FAKENET" uninstall --root "$ROOT"
	diff -u "$WORK/before" <(listing "$ROOT")
}

@test "under chroot, the shims over the real tool paths answer with the identity" {
	require_command chroot coreutils
	require_root chroot
	grep -qa __asan_init "$BUILD/fakenet-shim" &&
		skip "a sanitizer build: its runtime needs the /proc this chroot lacks"
	"$FAKENET" install --root "$ROOT" --identity "$IDENTITY"
	gw=$(yaml 'd["gateway"]["ip"]')
	ip0=$(yaml 'd["interfaces"][0]["addresses"][0].split("/")[0]')
	mac0=$(yaml 'd["interfaces"][0]["mac"]')
	# The fingerprinting pipelines of reference/fingerprinting.md, the tools run in the image.
	run sh -c "chroot '$ROOT' /usr/local/bin/fakenet-launch route -n | grep 'UG[ \t]'"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '$1 == "0.0.0.0" {print $2}')" = "$gw" ]
	run sh -c "chroot '$ROOT' /usr/local/bin/fakenet-launch /sbin/ifconfig eth0 | awk '\$0 ~ /inet (addr:)?/ {print \$2}' | cut -d: -f2"
	[ "$(echo "$output" | head -1)" = "$ip0" ]
	# multi-nic.yaml asks for net-tools 1.60, whose ifconfig prints HWaddr in capitals.
	[ "$(yaml 'd["tools"]["net_tools"]')" = 1.60 ]
	run sh -c "chroot '$ROOT' /usr/local/bin/fakenet-launch ifconfig | awk '\$0 ~ /HWaddr/ { print \$5 }'"
	[ "$(echo "$output" | head -1)" = "$(echo "$mac0" | tr a-f A-F)" ]
	run sh -c "FAKENET_IDENTITY=/etc/fakenet/identity.yaml chroot '$ROOT' /usr/sbin/route -n | grep 'UG[ \t]'"
	[ "$(echo "$output" | awk '$1 == "0.0.0.0" {print $2}')" = "$gw" ]
	# The launcher's environment, and the real netstat still reached for what the shim passes on.
	# The launcher names no identity: everything finds the installed one by itself.
	run env -u FAKENET_IDENTITY chroot "$ROOT" /usr/local/bin/fakenet-launch sh -c 'echo "${FAKENET_IDENTITY-unset} $PATH"'
	[ "$output" = "unset /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ]
	run chroot "$ROOT" /usr/local/bin/fakenet-launch netstat -tln
	[ "$status" -eq 0 ]
	[ "$output" = "real netstat -tln" ]
	# ld.so.preload loads the library into the image's dynamic programs: the chroot has no /proc,
	# so only the library can answer /proc/sys/kernel/hostname.
	[ ! -e "$ROOT/proc" ]
	run chroot "$ROOT" /usr/local/bin/fakenet-launch sh -c 'read h </proc/sys/kernel/hostname; echo "$h"'
	[ "$output" = "$(yaml 'd["hostname"]')" ]
	"$FAKENET" uninstall --root "$ROOT"
}

@test "the machine id files: written from the identity, an image's own one given back byte for byte" {
	local id="$TOP/identities/desktop.yaml" want
	want=$(identity_fact "$id" 'y["system"]["machine_id"]')
	# An image with a machine id of its own and a D-Bus directory; the other test image has none.
	mkdir -p "$ROOT/var/lib/dbus"
	echo 0123456789abcdef0123456789abcdef >"$ROOT/etc/machine-id"
	chmod 0444 "$ROOT/etc/machine-id"
	ln -s /etc/machine-id "$ROOT/var/lib/dbus/machine-id"
	find "$ROOT" -exec touch -h -d '2020-01-02 03:04:05.123456789' {} +
	listing "$ROOT" >"$WORK/before"
	"$FAKENET" install --root "$ROOT" --identity "$id"
	[ "$(cat "$ROOT/etc/machine-id")" = "$want" ]
	[ "$(stat -c %a "$ROOT/etc/machine-id")" = 444 ]
	[ ! -L "$ROOT/var/lib/dbus/machine-id" ]
	[ "$(cat "$ROOT/var/lib/dbus/machine-id")" = "$want" ]
	"$FAKENET" uninstall --root "$ROOT"
	diff -u "$WORK/before" <(listing "$ROOT")
}

@test "the machine id files in an image that has neither, nor /var: written, then taken away whole" {
	local id="$TOP/identities/desktop.yaml" want
	want=$(identity_fact "$id" 'y["system"]["machine_id"]')
	[ ! -e "$ROOT/etc/machine-id" ] && [ ! -e "$ROOT/var" ]
	listing "$ROOT" >"$WORK/before"
	"$FAKENET" install --root "$ROOT" --identity "$id"
	[ "$(cat "$ROOT/etc/machine-id")" = "$want" ]
	[ "$(cat "$ROOT/var/lib/dbus/machine-id")" = "$want" ]
	[ "$(stat -c %a "$ROOT/var/lib/dbus")" = 755 ]
	"$FAKENET" uninstall --root "$ROOT"
	[ ! -e "$ROOT/var" ] && [ ! -e "$ROOT/etc/machine-id" ]
	diff -u "$WORK/before" <(listing "$ROOT")
}

@test "under chroot, the installed preload library gives dmidecode the identity's SMBIOS tables" {
	require_command chroot coreutils
	require_root chroot
	command -v dmidecode >/dev/null || skip "dmidecode is not installed (tools/install-deps)"
	local id="$TOP/identities/desktop.yaml" k
	copy_with_libs "$ROOT" "$(command -v dmidecode)"
	# The chroot has no /sys at all: only the library can answer.
	[ ! -e "$ROOT/sys" ]
	"$FAKENET" install --root "$ROOT" --identity "$id"
	run chroot "$ROOT" "$(command -v dmidecode)" -s system-uuid
	[ "$status" -eq 0 ]
	[ "$output" = "$(identity_fact "$id" 'y["system"]["dmi"]["product_uuid"].lower()')" ]
	for k in baseboard-serial-number:board_serial system-serial-number:product_serial \
		baseboard-manufacturer:board_vendor; do
		run chroot "$ROOT" "$(command -v dmidecode)" -s "${k%%:*}"
		[ "$output" = "$(identity_fact "$id" "y['system']['dmi']['${k#*:}']")" ]
	done
	run chroot "$ROOT" /bin/sh -c 'read u </sys/class/dmi/id/product_uuid; echo "$u"'
	[ "$output" = "$(identity_fact "$id" 'y["system"]["dmi"]["product_uuid"].lower()')" ]
	"$FAKENET" uninstall --root "$ROOT"
}

@test "install errors: missing root, not a directory, already installed, usage" {
	run "$FAKENET" install --root "$WORK/nonexistent"
	[ "$status" -eq 1 ]
	[ "$output" = "fakenet: install: $WORK/nonexistent: No such file or directory" ]
	touch "$WORK/file"
	run "$FAKENET" install --root "$WORK/file"
	[ "$status" -eq 1 ]
	[ "$output" = "fakenet: install: $WORK/file: not a directory" ]
	run "$FAKENET" install
	[ "$status" -eq 2 ]
	echo "$output" | grep -q -- '--root DIR is required'
	run "$FAKENET" install --root "$ROOT" --bogus
	[ "$status" -eq 2 ]
	run "$FAKENET" uninstall --root "$ROOT" extra
	[ "$status" -eq 2 ]
	"$FAKENET" install --root "$ROOT"
	listing "$ROOT" >"$WORK/installed"
	run "$FAKENET" install --root "$ROOT"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'is already installed'
	diff -u "$WORK/installed" <(listing "$ROOT")
}

@test "a failing install leaves nothing behind (a bad identity, a taken .fakenet-orig name, a path that is no directory)" {
	listing "$ROOT" >"$WORK/before"
	printf 'version: 1\nhostname: [\n' >"$WORK/bad.yaml"
	run "$FAKENET" install --root "$ROOT" --identity "$WORK/bad.yaml"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'bad.yaml:'
	diff -u "$WORK/before" <(listing "$ROOT")
	touch -d '2020-01-02 03:04:05.123456789' "$ROOT/etc/hosts.fakenet-orig" "$ROOT/etc"
	listing "$ROOT" >"$WORK/before"
	run "$FAKENET" install --root "$ROOT"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'hosts.fakenet-orig already exists'
	diff -u "$WORK/before" <(listing "$ROOT")
	rm "$ROOT/etc/hosts.fakenet-orig"
	mkdir -p "$ROOT/usr/local"
	touch "$ROOT/usr/local/bin"
	find "$ROOT" -exec touch -h -d '2020-01-02 03:04:05.123456789' {} +
	listing "$ROOT" >"$WORK/before"
	run "$FAKENET" install --root "$ROOT"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'usr/local/bin is not a directory'
	diff -u "$WORK/before" <(listing "$ROOT")
}

@test "a failure while moving files into place is undone" {
	chattr +i "$ROOT/usr/bin/curl" 2>/dev/null || skip "chattr +i not supported here"
	listing "$ROOT" >"$WORK/before"
	run "$FAKENET" install --root "$ROOT"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'cannot move .*usr/bin/curl aside'
	chattr -i "$ROOT/usr/bin/curl"
	diff -u "$WORK/before" <(listing "$ROOT")
}

@test "uninstall errors: not installed, damaged manifest, changed original; nothing is touched" {
	run "$FAKENET" uninstall --root "$ROOT"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'is not installed'
	run "$FAKENET" uninstall --root "$WORK/nonexistent"
	[ "$status" -eq 1 ]
	run "$FAKENET" uninstall
	[ "$status" -eq 2 ]
	"$FAKENET" install --root "$ROOT"
	m="$ROOT/etc/fakenet/installed"
	cp -p "$m" "$WORK/manifest"
	echo 'garbage line' >>"$m"
	listing "$ROOT" >"$WORK/installed"
	run "$FAKENET" uninstall --root "$ROOT"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'the manifest is damaged; nothing was changed'
	diff -u "$WORK/installed" <(listing "$ROOT")
	sed -i 's|^created usr/local/sbin/arp$|created ../../etc/passwd|' "$m"
	run "$FAKENET" uninstall --root "$ROOT"
	[ "$status" -eq 1 ]
	cp -p "$WORK/manifest" "$m"
	echo changed >>"$ROOT/etc/hosts.fakenet-orig"
	listing "$ROOT" >"$WORK/installed"
	run "$FAKENET" uninstall --root "$ROOT"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'hosts.fakenet-orig changed since install'
	diff -u "$WORK/installed" <(listing "$ROOT")
}

@test "links in the image, absolute or relative, never lead install or uninstall out of the tree" {
	# The image's /sbin is an absolute link. The same absolute path exists on this machine as a
	# decoy with its own tool: install must change the image's copy, never the decoy.
	decoy="$WORK/decoy-sbin"
	mkdir -p "$decoy" "$ROOT$decoy"
	printf '#!/bin/sh\necho decoy arp\n' >"$decoy/arp"
	printf '#!/bin/sh\necho image arp\n' >"$ROOT$decoy/arp"
	chmod 755 "$decoy/arp" "$ROOT$decoy/arp"
	mv "$ROOT/sbin/ifconfig" "$ROOT/usr/sbin/ifconfig"
	rmdir "$ROOT/sbin"
	ln -s "$decoy" "$ROOT/sbin"
	# The image's /bin climbs with .. past its root: as under chroot, .. stops there. Out of
	# the tree the same link would reach a second decoy.
	mkdir -p "$WORK/decoy-bin" "$ROOT/decoy-bin"
	printf '#!/bin/sh\necho decoy wget\n' >"$WORK/decoy-bin/wget"
	printf '#!/bin/sh\necho image wget\n' >"$ROOT/decoy-bin/wget"
	chmod 755 "$WORK/decoy-bin/wget" "$ROOT/decoy-bin/wget"
	rm -rf "$ROOT/bin" && ln -s ../decoy-bin "$ROOT/bin"
	find "$ROOT" -exec touch -h -d '2020-01-02 03:04:05.123456789' {} +
	before=$(listing "$ROOT")
	decoy_before=$(listing "$decoy"; listing "$WORK/decoy-bin")
	run "$FAKENET" install --root "$ROOT" --identity "$IDENTITY"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(listing "$decoy"; listing "$WORK/decoy-bin")" = "$decoy_before" ]
	[ "$(readlink "$ROOT$decoy/arp")" = /usr/local/sbin/fakenet-shim ]
	[ "$(readlink "$ROOT/decoy-bin/wget")" = /usr/local/sbin/fakenet-shim ]
	# The manifest names the paths the links led to, inside the tree.
	grep -qx "replaced [^ ]* ${decoy#/}/arp" "$ROOT/etc/fakenet/installed"
	! grep -q ' sbin/arp$' "$ROOT/etc/fakenet/installed" || false
	run "$FAKENET" uninstall --root "$ROOT"
	[ "$status" -eq 0 ]
	[ "$(listing "$ROOT")" = "$before" ]
	[ "$(listing "$decoy"; listing "$WORK/decoy-bin")" = "$decoy_before" ]
}

@test "a link loop in the image stops install before anything changes" {
	rm -rf "$ROOT/sbin"
	ln -s sbin2 "$ROOT/sbin"
	ln -s sbin "$ROOT/sbin2"
	before=$(listing "$ROOT")
	run "$FAKENET" install --root "$ROOT" --identity "$IDENTITY"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$ROOT/sbin/"*": Too many levels of symbolic links"* ]]
	[ "$(listing "$ROOT")" = "$before" ]
}
