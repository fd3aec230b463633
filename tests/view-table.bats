#!/usr/bin/env bats
# Every real path the view covers (the table of lib/view.c, as `fakenet show --mounts` lists it for
# an identity): its lstat (type, mode, size, blocks, block size, links), its link target, and for a
# directory each entry's lstat and link target, are the same under --backend fuse and --backend
# preload, and the kernel's own in a network namespace built like the identity
# (tests/lib/netns-from-identity.py). fakenet runs inside that namespace with --net host, so what
# the view passes through (the other /proc/net files, the real PCI devices) is that namespace's
# too. An /etc file's attributes are those of a file of the same bytes on disk.
#
# One difference is known and checked as such: under --net host FUSE cannot mount a directory over
# the kernel's /proc/net link, so it mounts a link of its own there, to pid 1's /proc/1/net, where
# it mounts the view (the kernel's self/net would lead to each reader's own /proc/PID/net, which
# no mount covers; `fakenet check` reports it among its tells); the preload backend keeps the
# kernel's. Not compared: the link count of /sys/devices/virtual/net
# itself, where the kernel counts the devices of every namespace on the machine (the test
# namespaces of whatever else runs) though it lists only its own.

load lib/common

setup() {
	require_fakenet_env
	"$PYTHON" -c 'import yaml' 2>/dev/null || skip "python3 yaml module missing"
	top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	netns_tool="$top/tests/lib/netns-from-identity.py"
	ns="fnview$$"
	dump="$BATS_TEST_TMPDIR/dump.sh"
	cat >"$dump" <<'EOF'
# dump.sh PATH...: "PATH TYPE MODE SIZE BLOCKS BLKSIZE LINKS [-> TARGET]" for each PATH, for the
# directory a link leads to, and for each entry of a directory, sorted.
entry() {
	printf '%s %s' "$1" "$(stat -c '%F %a %s %b %o %h' "$1" 2>&1)"
	[ -L "$1" ] && printf ' -> %s' "$(readlink "$1")"
	echo
}
for p; do
	entry "$p"
	[ -d "$p/" ] || continue
	[ -L "$p" ] && entry "$p/"
	ls -A "$p/" | LC_ALL=C sort | while read -r e; do entry "$p/$e"; done
done
EOF
}

teardown() {
	[ -n "${ns_up:-}" ] && "$PYTHON" "$netns_tool" down "$ns" 2>/dev/null
	true
}

# mounts IDENTITY KIND...: the table's paths the identity's view holds, of those kinds, that both
# backends serve: not those only the preload library can, nor those the host lacks, where FUSE
# has nothing to mount over (fakenet(1)).
mounts() {
	local identity=$1
	shift
	"$FAKENET" show --identity "$identity" --mounts | while read -r path kind only; do
		[ -z "$only" ] && [ -e "$path" ] || continue
		case " $* " in *" $kind "*) echo "$path" ;; esac
	done
}

# view_dump IDENTITY BACKEND PATH...: the dump as a target of that backend sees it, inside $ns.
view_dump() {
	local identity=$1 backend=$2
	shift 2
	ip netns exec "$ns" "$FAKENET" run --backend "$backend" --net host --identity "$identity" \
		-- sh "$dump" "$@"
}

# The known difference: FUSE's own link over /proc/net, to pid 1's /proc/1/net.
mask_fuse_proc_net() {
	sed -E 's#^(/proc/net symbolic link 777) 5 (.*) -> 1/net$#\1 8 \2 -> self/net#'
}

mask_machine_wide() {
	sed -E 's#^(/sys/devices/virtual/net directory( [0-9]+){4}) [0-9]+$#\1 *#'
}

# compare_with_kernel IDENTITY: /proc, /sys and their entries under both backends and the kernel.
compare_with_kernel() {
	local identity=$1 paths
	"$PYTHON" "$netns_tool" up "$identity" "$ns"
	ns_up=1
	# Not the machine's DMI, which this host's kernel may not have at all (tests/system-dmi.bats
	# checks it with dmidecode), nor the machine id files (/var/lib/dbus/machine-id).
	mapfile -t paths < <(mounts "$identity" dir link file | grep -v -e '^/etc/' -e '/dmi$' \
		-e '/machine-id$')
	[ "${#paths[@]}" -ge 4 ] || { echo "too few paths: ${paths[*]}"; return 1; }
	ip netns exec "$ns" sh "$dump" "${paths[@]}" | mask_machine_wide >"$BATS_TEST_TMPDIR/kernel"
	view_dump "$identity" preload "${paths[@]}" | mask_machine_wide >"$BATS_TEST_TMPDIR/preload"
	view_dump "$identity" fuse "${paths[@]}" | mask_machine_wide >"$BATS_TEST_TMPDIR/fuse"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/kernel")" -gt 40 ] || { echo "kernel dump too short"; return 1; }
	diff -u "$BATS_TEST_TMPDIR/kernel" "$BATS_TEST_TMPDIR/preload" || {
		echo "^^^ preload differs from the kernel"
		return 1
	}
	diff -u <(mask_fuse_proc_net <"$BATS_TEST_TMPDIR/kernel") \
		<(mask_fuse_proc_net <"$BATS_TEST_TMPDIR/fuse") || {
		echo "^^^ fuse differs from the kernel"
		return 1
	}
	# Masked above, so checked here: FUSE's /proc/net is a link to pid 1's, and leads to the view.
	grep -q '^/proc/net symbolic link 777 5 0 [0-9]* 1 -> 1/net$' "$BATS_TEST_TMPDIR/fuse"
}

@test "/proc/net, /proc/self/net and pid 1's /proc/1/net are the kernel's of the identity, as far as each backend can" {
	local identity="$top/identities/docker.yaml" backend
	"$PYTHON" "$netns_tool" up "$identity" "$ns"
	ns_up=1
	# What the kernel shows at /proc/net of a namespace built like the identity.
	ip netns exec "$ns" sh -c 'cat /proc/net/route /proc/net/arp' >"$BATS_TEST_TMPDIR/kernel"
	grep -q '^eth0' "$BATS_TEST_TMPDIR/kernel"
	# fakenet runs in the host's namespace here, so what is not the view is the host's network
	# (the real files the identity does not define are the host's too, as they should be).
	for backend in fuse preload; do
		for p in /proc/net /proc/1/net /proc/self/net; do
			# FUSE cannot cover each process's own /proc/PID/net (tell: "another
			# process's /proc/PID/net/route", and /proc/self/net/route's probe).
			[ "$backend" = fuse ] && [ "$p" = /proc/self/net ] && continue
			"$FAKENET" run --backend "$backend" --net host --identity "$identity" \
				-- sh -c "cat $p/route $p/arp" >"$BATS_TEST_TMPDIR/view"
			diff -u "$BATS_TEST_TMPDIR/kernel" "$BATS_TEST_TMPDIR/view" ||
				{ echo "^^^ $backend: $p differs from the kernel's /proc/net"; return 1; }
		done
	done
}

@test "docker.yaml: every /proc and /sys path of the table is the kernel's under both backends" {
	compare_with_kernel "$top/identities/docker.yaml"
}

@test "multi-nic.yaml: every /proc and /sys path of the table is the kernel's under both backends" {
	compare_with_kernel "$top/identities/multi-nic.yaml"
}

@test "/etc files of the table stat as a disk file of the same bytes, under both backends" {
	local identity="$top/identities/docker.yaml" p name backend
	mapfile -t paths < <(mounts "$identity" file | grep '^/etc/')
	[ "${#paths[@]}" -ge 3 ]
	for backend in fuse preload; do
		for p in "${paths[@]}"; do
			name=$(basename "$p")
			"$FAKENET" run --backend "$backend" --net host --identity "$identity" \
				-- cat "$p" >"$BATS_TEST_TMPDIR/$name"
			[ -s "$BATS_TEST_TMPDIR/$name" ]
			# systemd writes the machine id read-only (0444); the others are 0644.
			if [ "$name" = machine-id ]; then
				chmod 0444 "$BATS_TEST_TMPDIR/$name"
			else
				chmod 0644 "$BATS_TEST_TMPDIR/$name"
			fi
			(cd "$BATS_TEST_TMPDIR" && sh "$dump" "$name") | sed "s#^$name #$p #" \
				>"$BATS_TEST_TMPDIR/disk"
			"$FAKENET" run --backend "$backend" --net host --identity "$identity" \
				-- sh "$dump" "$p" >"$BATS_TEST_TMPDIR/view"
			diff -u "$BATS_TEST_TMPDIR/disk" "$BATS_TEST_TMPDIR/view" ||
				{ echo "^^^ $backend: $p differs from a disk file"; return 1; }
		done
	done
}

@test "office.yaml (PCI NICs): every path of the table is the same under both backends" {
	local identity="$top/tests/identities/office.yaml" paths
	mapfile -t paths < <(mounts "$identity" dir link file)
	# The PCI directories are in the table and in this identity's view.
	printf '%s\n' "${paths[@]}" | grep -qx /sys/bus/pci/devices
	"$FAKENET" run --backend preload --net host --identity "$identity" \
		-- sh "$dump" "${paths[@]}" >"$BATS_TEST_TMPDIR/preload"
	"$FAKENET" run --backend fuse --net host --identity "$identity" \
		-- sh "$dump" "${paths[@]}" >"$BATS_TEST_TMPDIR/fuse"
	# The host's PCI functions and the identity's NICs besides.
	[ "$(grep -c '^/sys/bus/pci/devices/' "$BATS_TEST_TMPDIR/preload")" -gt \
		"$(ls /sys/bus/pci/devices | wc -l)" ]
	diff -u <(mask_fuse_proc_net <"$BATS_TEST_TMPDIR/preload") \
		<(mask_fuse_proc_net <"$BATS_TEST_TMPDIR/fuse")
}

# sysfs_parents IDENTITY: the /sys directories above the table's paths of the identity's view,
# those the host lacks included (a host without DMI gets /sys/class/dmi in /sys/class).
sysfs_parents() {
	"$FAKENET" show --identity "$1" --mounts | while read -r path _; do
		while path=${path%/*} && [ "${path#/sys/}" != "$path" ]; do echo "$path"; done
	done | LC_ALL=C sort -u
}

# A directory's link count, as sysfs (kernfs) keeps it: two, and one per subdirectory it lists.
# Prints "PATH LINKS SUBDIRS" for each PATH whose two differ.
count_links='for d; do
	n=$(stat -c %h "$d") s=0
	for e in "$d"/*; do [ -d "$e" ] && [ ! -L "$e" ] && s=$((s + 1)); done
	[ "$n" -eq $((s + 2)) ] || echo "$d $n $((s + 2))"
done'

@test "the /sys directories above the table's paths count their subdirectories as sysfs does, under both backends" {
	local identity backend parents
	for identity in "$top/identities/docker.yaml" "$top/identities/desktop.yaml"; do
		mapfile -t parents < <(sysfs_parents "$identity")
		# The machine's DMI directories lie below three of them.
		printf '%s\n' "${parents[@]}" | grep -qx /sys/class
		printf '%s\n' "${parents[@]}" | grep -qx /sys/firmware
		# The rule is the kernel's own: it holds for the host's directories.
		run sh -c "$count_links" sh "${parents[@]}"
		[ "$status" -eq 0 ] && [ -z "$output" ] || { echo "host: $output"; return 1; }
		for backend in fuse preload; do
			run "$FAKENET" run --backend "$backend" --net host --identity "$identity" \
				-- sh -c "$count_links; ls -A \"\$@\"" sh "${parents[@]}"
			[ "$status" -eq 0 ] && ! grep -Eq '^/.* [0-9]+ [0-9]+$' <<<"$output" ||
				{ echo "$backend: PATH LINKS EXPECTED: $output"; return 1; }
			echo "$output" >"$BATS_TEST_TMPDIR/$backend"
		done
		# And they list the same entries (a wireless identity's /sys/class/ieee80211).
		diff -u "$BATS_TEST_TMPDIR/fuse" "$BATS_TEST_TMPDIR/preload"
	done
}

# The expected behaviour is the kernel's: the same script run on a real tree laid out as sysfs lays
# out DMI (/sys/class/dmi/id a link to /sys/devices/virtual/dmi/id, the kernel's attribute names),
# made here in a temporary directory, with the prefix taken off the paths it prints.
@test "a directory only the view has can be the cwd, under both backends as on a real directory" {
	[ ! -e /sys/class/dmi ] ||
		skip "the host has its own /sys/class/dmi: the directory is not the view's alone there"
	local identity="$top/identities/desktop.yaml" backend real
	real=$(cd "$BATS_TEST_TMPDIR" && pwd -P)/real
	cat >"$BATS_TEST_TMPDIR/cwd.py" <<-'EOF'
	import os, subprocess, sys
	root = sys.argv[1]
	def cwd():
	    return os.getcwd()[len(root):]
	# Names the kernel's dmi-id.c gives; the view has more, the tree made here only these.
	names = {"modalias", "product_name", "subsystem", "sys_vendor", "uevent"}
	os.chdir(root + "/sys/class/dmi/id")
	fd = os.open(".", os.O_RDONLY)
	os.chdir(root or "/")
	os.fchdir(fd)
	print(cwd(), open("sys_vendor").read().strip(), sorted(names & set(os.listdir("."))))
	os.chdir("..")
	print(cwd(), sorted(os.listdir(".")))
	os.chdir(root + "/sys/class/dmi/id")
	out = subprocess.run(["sh", "-c", "cat sys_vendor; /bin/pwd; ls -d ../id"],
	                     capture_output=True, text=True).stdout
	print(out.replace(root + "/", "/"), end="")
	# What fails fails as the kernel's does, and leaves the cwd where it was.
	for bad in ("sys_vendor", "missing", root + "/sys/class/dmi/id/missing/x"):
	    try:
	        os.chdir(bad)
	    except OSError as e:
	        print(bad[len(root):] if bad.startswith("/") else bad, os.strerror(e.errno), cwd())
	EOF
	# The kernel's layout, with the identity's vendor in sys_vendor.
	mkdir -p "$real/sys/devices/virtual/dmi/id" "$real/sys/class/dmi"
	identity_fact "$identity" 'y["system"]["dmi"]["sys_vendor"]' >"$real/sys/devices/virtual/dmi/id/sys_vendor"
	: >"$real/sys/devices/virtual/dmi/id/product_name"
	: >"$real/sys/devices/virtual/dmi/id/modalias"
	: >"$real/sys/devices/virtual/dmi/id/uevent"
	ln -s ../../../../class/dmi "$real/sys/devices/virtual/dmi/id/subsystem"
	ln -s ../../devices/virtual/dmi/id "$real/sys/class/dmi/id"
	/usr/bin/python3 "$BATS_TEST_TMPDIR/cwd.py" "$real" >"$BATS_TEST_TMPDIR/kernel"
	cat "$BATS_TEST_TMPDIR/kernel"
	grep -qx "/sys/devices/virtual/dmi/id $(identity_fact "$identity" 'y["system"]["dmi"]["sys_vendor"]') .*" \
		"$BATS_TEST_TMPDIR/kernel"
	for backend in fuse preload; do
		"$FAKENET" run --backend "$backend" --net host --identity "$identity" \
			-- /usr/bin/python3 "$BATS_TEST_TMPDIR/cwd.py" "" >"$BATS_TEST_TMPDIR/$backend"
		diff -u "$BATS_TEST_TMPDIR/kernel" "$BATS_TEST_TMPDIR/$backend"
	done
}
