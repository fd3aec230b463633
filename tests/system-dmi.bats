#!/usr/bin/env bats
# The machine id and the firmware identity (DMI strings, SMBIOS tables) a target sees, read by the
# real tools: dmidecode on fakenet's tables (from a dump and inside `fakenet run` under both
# backends), python reading /sys/class/dmi/id, cat of the machine-id files. Every expected value
# comes from the identity written here (or a held-out one), never from fakenet's own output; the
# host has no DMI of its own, and its machine id must never show.

bats_require_minimum_version 1.5.0
load lib/common

# dmidecode -s KEYWORD and the identity key it reports.
keywords="bios-vendor=bios_vendor bios-version=bios_version bios-release-date=bios_date
system-manufacturer=sys_vendor system-product-name=product_name system-version=product_version
system-serial-number=product_serial system-sku-number=product_sku system-family=product_family
baseboard-manufacturer=board_vendor baseboard-product-name=board_name
baseboard-version=board_version baseboard-serial-number=board_serial
baseboard-asset-tag=board_asset_tag chassis-manufacturer=chassis_vendor
chassis-version=chassis_version chassis-serial-number=chassis_serial
chassis-asset-tag=chassis_asset_tag"

setup() {
	top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	command -v dmidecode >/dev/null || skip "dmidecode is not installed (tools/install-deps)"
	id="$BATS_TEST_TMPDIR/machine.yaml"
	# Values no default and no shipped identity has; quoted where YAML would read a number.
	cat >"$id" <<'EOF'
version: 1
hostname: bench-7
interfaces:
  - {name: eth0, mac: 02:42:ac:11:00:07, addresses: [172.17.0.7/16]}
system:
  machine_id: 5b0e7c2d9a1f4e3b8c6d0a2f1e4b7c93
  dmi:
    bios_vendor: Insyde Corp.
    bios_version: "F.44"
    bios_date: 12/01/2020
    sys_vendor: HP
    product_name: HP ProBook 450 G7
    product_version: SBKPF
    product_serial: 5CD0347XYZ
    product_uuid: 3A6B8E21-7C4D-4F0A-9B2E-5D8C1F3A7E64
    product_sku: 8VU79EA#ABD
    product_family: 103C_5336AN HP ProBook
    board_vendor: HP
    board_name: "8723"
    board_version: KBC Version 23.52.00
    board_serial: PKBLL028JFX1AB
    board_asset_tag: ""
    chassis_type: 10
    chassis_vendor: HP
    chassis_version: Chassis Version
    chassis_serial: 5CD0347XYZ
    chassis_asset_tag: 5CD0347XYZ-AT
  cpu:
    vendor: AuthenticAMD
    model_name: AMD Ryzen 5 PRO 4650U with Radeon Graphics
    family: 23
    model: 96
    stepping: 1
EOF
}

# fact EXPR: a value of the test identity.
fact() {
	identity_fact "$id" "$1"
}

# dmi_fact KEY: what dmidecode reports for a DMI string of the identity; SMBIOS gives an empty
# string no number, which dmidecode prints as "Not Specified".
dmi_fact() {
	local v
	v=$(fact "y['system']['dmi']['$1']")
	printf '%s\n' "${v:-Not Specified}"
}

# check_keywords CMD...: every `CMD -s KEYWORD` prints the identity's value.
check_keywords() {
	local pair got want bad=0
	for pair in $keywords; do
		got=$("$@" -s "${pair%%=*}") || return 1
		want=$(dmi_fact "${pair#*=}")
		if [ "$got" != "$want" ]; then
			echo "# dmidecode -s ${pair%%=*}: got '$got', want '$want'"
			bad=1
		fi
	done
	got=$("$@" -s system-uuid)
	want=$(fact "y['system']['dmi']['product_uuid'].lower()")
	[ "$got" = "$want" ] || { echo "# system-uuid: got '$got', want '$want'" && bad=1; }
	# SMBIOS chassis type 10 is "Notebook" (DSP0134, 7.4.1).
	got=$("$@" -s chassis-type)
	[ "$got" = Notebook ] || { echo "# chassis-type: got '$got'" && bad=1; }
	return $bad
}

# make_dump IDENTITY OUT: the view's two table files as `dmidecode --dump-bin` lays them out: the
# entry point at 0 with the table's address set to 32 (and its checksum redone), the table at 32.
make_dump() {
	"$FAKENET" show --identity "$1" /sys/firmware/dmi/tables/smbios_entry_point >"$2.ep"
	"$FAKENET" show --identity "$1" /sys/firmware/dmi/tables/DMI >"$2.table"
	"$PYTHON" - "$2" <<'EOF'
import struct, sys
out = sys.argv[1]
ep = bytearray(open(out + ".ep", "rb").read())
table = open(out + ".table", "rb").read()
assert ep[:5] == b"_SM3_" and len(ep) == ep[6] == 0x18, "not a 64-bit entry point"
assert sum(ep) % 256 == 0, "the entry point's checksum is wrong"
assert struct.unpack_from("<I", ep, 0x0C)[0] == len(table), "the table's size disagrees"
ep[0x10:0x18] = struct.pack("<Q", 32)
ep[5] = 0
ep[5] = -sum(ep) & 0xFF
open(out, "wb").write(bytes(ep).ljust(32, b"\0") + table)
EOF
}

@test "dmidecode --from-dump decodes the rendered tables: every -s keyword is the identity's" {
	make_dump "$id" "$BATS_TEST_TMPDIR/dump"
	check_keywords dmidecode --from-dump "$BATS_TEST_TMPDIR/dump"
}

@test "dmidecode --from-dump: types 0, 1, 2, 3, 4 and the end of table, nothing it warns about" {
	make_dump "$id" "$BATS_TEST_TMPDIR/dump"
	run --separate-stderr dmidecode --from-dump "$BATS_TEST_TMPDIR/dump"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || { echo "# stderr: $stderr" && return 1; }
	[[ "$output" == *"SMBIOS 3."*" present."* ]]
	for type in 0 1 2 3 4 127; do
		grep -q "^Handle 0x[0-9A-F]*, DMI type $type, " <<<"$output"
	done
	# Anything dmidecode cannot make sense of it reports in the output itself.
	if grep -Ei 'invalid|wrong|bad|truncated|<OUT OF SPEC>|unknown' <<<"$output"; then
		return 1
	fi
	run dmidecode --from-dump "$BATS_TEST_TMPDIR/dump" -t 0,1,2,3
	[ "$status" -eq 0 ]
	grep -q "UUID: $(fact "y['system']['dmi']['product_uuid'].lower()")" <<<"$output"
	grep -q "Type: Notebook" <<<"$output"
}

# host_topology: "SOCKETS CORES THREADS" of the kernel's own /proc/cpuinfo (the host's: fakenet
# leaves the count and layout of the processors the host's): the distinct "physical id"s, and each
# socket's "cpu cores" and "siblings" (logical processors). A kernel that prints no topology
# lines has one socket whose cores are its processors.
host_topology() {
	awk -F': *' '
		/^processor/ { n++ }
		/^physical id/ { if (!($2 in ids)) sockets++; ids[$2] = 1 }
		/^cpu cores/ && !cores { cores = $2 }
		/^siblings/ && !threads { threads = $2 }
		END {
			if (!sockets) sockets = 1
			if (!cores) cores = n / sockets
			if (threads < cores) threads = cores
			print sockets, cores, threads
		}' /proc/cpuinfo
}

# check_processor CMD...: the SMBIOS processor records `CMD` (dmidecode) decodes are the identity's
# cpu section: the firmware's name for the vendor, the brand string, the signature's family, model
# and stepping (which the record encodes split into base and extended fields, as cpuid does); one
# record per socket of the kernel's /proc/cpuinfo, each with that socket's cores and threads; and
# every structure's handle its own.
check_processor() {
	local sockets cores threads handles
	read -r sockets cores threads < <(host_topology)
	run -0 "$@" -s processor-version
	[ "$(sort -u <<<"$output")" = "$(fact "y['system']['cpu']['model_name']")" ]
	[ "$(wc -l <<<"$output")" -eq "$sockets" ]
	# What AMD's firmware writes for the vendor cpuid calls AuthenticAMD.
	run -0 "$@" -s processor-manufacturer
	[ "$(sort -u <<<"$output")" = "Advanced Micro Devices, Inc." ]
	run -0 "$@" -t 4
	[ "$(grep -c '^Processor Information$' <<<"$output")" -eq "$sockets" ]
	[ "$(grep -cx "	Signature: Family $(fact "y['system']['cpu']['family']"), Model $(fact \
		"y['system']['cpu']['model']"), Stepping $(fact "y['system']['cpu']['stepping']")" \
		<<<"$output")" -eq "$sockets" ]
	[ "$(grep -cx "	Core Count: $cores" <<<"$output")" -eq "$sockets" ]
	[ "$(grep -cx "	Core Enabled: $cores" <<<"$output")" -eq "$sockets" ]
	[ "$(grep -cx "	Thread Count: $threads" <<<"$output")" -eq "$sockets" ]
	[ "$(grep -cx "	Status: Populated, Enabled" <<<"$output")" -eq "$sockets" ]
	# SMBIOS requires each structure's handle to be unique, the end of table's included.
	run -0 "$@"
	handles=$(grep -o '^Handle 0x[0-9A-F]*' <<<"$output")
	[ "$(wc -l <<<"$handles")" -eq $((5 + sockets)) ]
	[ -z "$(sort <<<"$handles" | uniq -d)" ]
}

@test "dmidecode --from-dump: the processor record (type 4) is the identity's cpu section" {
	make_dump "$id" "$BATS_TEST_TMPDIR/dump"
	check_processor dmidecode --from-dump "$BATS_TEST_TMPDIR/dump"
	# An Intel brand string in a family dmidecode knows: its signature is decoded the same way.
	sed -i -e 's/AuthenticAMD/GenuineIntel/' -e 's/family: 23/family: 6/' \
		-e 's/AMD Ryzen 5 PRO 4650U with Radeon Graphics/Intel(R) Core(TM) i5-10310U CPU @ 1.70GHz/' \
		-e 's/model: 96/model: 166/' -e 's/stepping: 1$/stepping: 0/' "$id"
	make_dump "$id" "$BATS_TEST_TMPDIR/intel"
	run -0 dmidecode --from-dump "$BATS_TEST_TMPDIR/intel" -t 4
	grep -qx "	Family: Core i5" <<<"$output"
	grep -qx "	Manufacturer: Intel(R) Corporation" <<<"$output"
	grep -qx "	Signature: Type 0, Family 6, Model 166, Stepping 0" <<<"$output"
	grep -qx "	Current Speed: 1700 MHz" <<<"$output"
}

@test "an identity without system.cpu: the processor record is the host's /proc/cpuinfo's" {
	grep -q '^model name' /proc/cpuinfo || skip "the host's /proc/cpuinfo names no processor"
	sed -i '/^  cpu:/,$d' "$id"
	make_dump "$id" "$BATS_TEST_TMPDIR/dump"
	run -0 dmidecode --from-dump "$BATS_TEST_TMPDIR/dump" -s processor-version
	[ "$output" = "$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: //')" ]
}

@test "fakenet run, both backends: dmidecode's processor, /proc/cpuinfo and lscpu agree" {
	require_fakenet_env
	local backend model sockets cores threads
	model=$(fact "y['system']['cpu']['model_name']")
	for backend in fuse preload; do
		check_processor inside "$backend" dmidecode
		run -0 inside "$backend" grep -m1 '^model name' /proc/cpuinfo
		[ "$output" = "model name	: $model" ]
		# lscpu reads the firmware's record too and shows it beside cpuinfo's; its layout
		# (from the kernel's sysfs topology) is what the records say.
		run -0 inside "$backend" lscpu -J
		[ "$(lscpu_field "Model name" <<<"$output")" = "$model" ]
		# lscpu adds the record's speed to the version string: " CPU @ 2.0GHz".
		[[ "$(lscpu_field "BIOS Model name" <<<"$output")" == "$model "* ]]
		[ "$(lscpu_field "BIOS Vendor ID" <<<"$output")" = "Advanced Micro Devices, Inc." ]
		read -r sockets cores threads < <(host_topology)
		[ "$(lscpu_field "Socket(s)" <<<"$output")" = "$sockets" ]
		[ "$(lscpu_field "Core(s) per socket" <<<"$output")" = "$cores" ]
		[ "$(lscpu_field "Thread(s) per core" <<<"$output")" = "$((threads / cores))" ]
	done
}

@test "dmidecode --from-dump on the held-out office.yaml and on the shipped identities" {
	local f
	make_dump "$top/tests/identities/office.yaml" "$BATS_TEST_TMPDIR/office"
	run dmidecode --from-dump "$BATS_TEST_TMPDIR/office" -s system-uuid
	[ "$output" = "$(identity_fact "$top/tests/identities/office.yaml" \
		"y['system']['dmi']['product_uuid'].lower()")" ]
	run dmidecode --from-dump "$BATS_TEST_TMPDIR/office" -s baseboard-serial-number
	[ "$output" = "$(identity_fact "$top/tests/identities/office.yaml" \
		"y['system']['dmi']['board_serial']")" ]
	for f in docker desktop multi-nic; do
		make_dump "$top/identities/$f.yaml" "$BATS_TEST_TMPDIR/$f"
		run --separate-stderr dmidecode --from-dump "$BATS_TEST_TMPDIR/$f"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		grep -q "^End Of Table" <<<"$output"
	done
}

# inside BACKEND CMD...: CMD inside `fakenet run` with the test identity (no network of its own:
# what is checked here is the same under every network mode).
inside() {
	local backend=$1
	shift
	"$FAKENET" run --identity "$id" --net host --shims none --backend "$backend" -- "$@"
}

# Reads /sys/class/dmi/id the way a python agent does; prints NAME=VALUE lines and the modes.
py_dmi='import os
d = "/sys/class/dmi/id"
for name in sorted(os.listdir(d)):
    p = os.path.join(d, name)
    if os.path.isfile(p) and name not in ("uevent", "modalias"):
        print("%s=%s %o" % (name, open(p).read().rstrip("\n"), os.stat(p).st_mode & 0o777))'

# want_python_dmi: those lines as the identity and the kernel's modes (dmi-id.c) make them.
want_python_dmi() {
	"$PYTHON" - "$id" <<'EOF'
import sys, yaml
dmi = yaml.safe_load(open(sys.argv[1]))["system"]["dmi"]
root_only = {"product_serial", "product_uuid", "board_serial", "chassis_serial"}
for name in sorted(dmi):
    value = str(dmi[name]).lower() if name == "product_uuid" else str(dmi[name])
    print("%s=%s %o" % (name, value, 0o400 if name in root_only else 0o444))
EOF
}

@test "fakenet run (FUSE): dmidecode reads the identity from /sys/firmware/dmi/tables" {
	require_fakenet_env
	check_keywords inside fuse dmidecode
	run inside fuse dmidecode
	[ "$status" -eq 0 ]
	[[ "$output" == *"Getting SMBIOS data from sysfs."* ]]
}

@test "fakenet run --backend preload: dmidecode's reads of the tables are redirected" {
	require_fakenet_env
	check_keywords inside preload dmidecode
	run inside preload dmidecode -t 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"Getting SMBIOS data from sysfs."* ]]
}

@test "python reads /sys/class/dmi/id: every string, the UUID and the kernel's modes, both backends" {
	require_fakenet_env
	local backend
	want_python_dmi >"$BATS_TEST_TMPDIR/want"
	for backend in fuse preload; do
		inside "$backend" "$PYTHON" -c "$py_dmi" >"$BATS_TEST_TMPDIR/got"
		diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	done
	run inside fuse readlink /sys/class/dmi/id
	[ "$output" = ../../devices/virtual/dmi/id ]
	run inside fuse cat /sys/devices/virtual/dmi/id/sys_vendor
	[ "$output" = "$(fact "y['system']['dmi']['sys_vendor']")" ]
}

@test "the machine id: both files hold the identity's, under both backends; the host's never shows" {
	require_fakenet_env
	local backend want host
	want=$(fact "y['system']['machine_id']")
	host=$(cat /etc/machine-id 2>/dev/null || true)
	for backend in fuse preload; do
		run inside "$backend" cat /etc/machine-id /var/lib/dbus/machine-id
		[ "$status" -eq 0 ]
		[ "$output" = "$want"$'\n'"$want" ]
		if [ -n "$host" ]; then
			run inside "$backend" sh -c 'cat /etc/machine-id /var/lib/dbus/machine-id
				cat /sys/class/dmi/id/* 2>/dev/null; dmidecode'
			if grep -qi "$host" <<<"$output"; then
				echo "# the host's machine id shows under $backend"
				return 1
			fi
		fi
	done
}

@test "a host without the machine-id files: the identity's at both paths, every backend and mode; nothing left" {
	require_fakenet_env
	require_root "the test's mount namespace"
	local want how got
	want=$(fact "y['system']['machine_id']")
	for how in "--backend fuse --net host" "--backend fuse --net isolated" \
		"--backend fuse --net host --log $BATS_TEST_TMPDIR/log" "--backend preload"; do
		# shellcheck disable=SC2086
		run without_machine_id sh -c '"$@"; [ ! -e /etc/machine-id ] && [ ! -e /var/lib/dbus ] && echo absent after' \
			sh "$FAKENET" run --identity "$id" $how --shims none -- sh -c \
			'cat /etc/machine-id /var/lib/dbus/machine-id; stat -c "%a %U" /etc/machine-id /var/lib/dbus/machine-id /var/lib/dbus'
		echo "# $how: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "$want" ]
		[ "${lines[1]}" = "$want" ]
		# systemd writes /etc/machine-id read-only; D-Bus's copy and its directory are 0644 and 0755.
		[ "${lines[2]}" = "444 root" ]
		[ "${lines[3]}" = "644 root" ]
		[[ "$how" == *preload* ]] || [ "${lines[4]}" = "755 root" ]
		[ "${lines[-1]}" = "absent after" ]
	done
	# Nothing was written in /etc or /var/lib: their upper layers hold only the removals.
	got=$(find "$BATS_TEST_TMPDIR/hide/etc" "$BATS_TEST_TMPDIR/hide/lib" -mindepth 1 ! -type c)
	[ -z "$got" ] || { echo "# written: $got" && return 1; }
}

# Looks at the machine-id files' directories the ways programs do, sizes and times left out (the
# staged layer's are a tmpfs's): ls of /etc and /var/lib (opendir), stat and ls -la of
# /var/lib/dbus, find (openat, fdopendir, and ".." back up the tree), python's listdir (by path,
# by fd, of the cwd), scandir, stat (by path, relative to a directory fd), access, realpath and
# chdir.
look_at_machine_id='ls -1a /etc | grep -x machine-id
ls -1a /var/lib | grep -x dbus
ls -la /etc /var/lib | awk "\$NF ~ /^(machine-id|dbus)\$/ {print \$1, \$2, \$3, \$4, \$NF}"
stat -c "%n %F %a %U %G %h" /var/lib/dbus /var/lib/dbus/ /var/lib/dbus/. /var/lib/dbus/machine-id /etc/machine-id
ls -la /var/lib/dbus | awk "NR > 1 {print \$1, \$3, \$4, \$NF}"
find /var/lib /etc -maxdepth 1 \( -name dbus -o -name machine-id \) -printf "%p %y %m\n"
find /var/lib/dbus -printf "%p %y %m %n\n"
find /var/lib /etc -name machine-id 2>&1 | sort
cd /var/lib && python3 -c "
import os, stat
print(sorted(os.listdir(\"dbus\")), \"dbus\" in os.listdir(os.open(\".\", os.O_RDONLY)))
print([(e.name, e.is_dir(), e.is_file()) for e in os.scandir(\"/var/lib\") if e.name == \"dbus\"])
print([(e.name, e.is_dir(), e.is_file()) for e in os.scandir(\"/etc\") if e.name == \"machine-id\"])
for p in (\"/var/lib/dbus\", \"dbus\", \"/var/lib/dbus/..\", \"/etc/machine-id\"):
    s = os.stat(p)
    print(p, stat.filemode(s.st_mode), s.st_uid, s.st_gid, os.stat(p, follow_symlinks=False).st_mode == s.st_mode)
d = os.open(\"/var/lib\", os.O_RDONLY)
print(oct(os.stat(\"dbus\", dir_fd=d).st_mode), os.stat(\"dbus/machine-id\", dir_fd=d).st_size)
print(os.access(\"/var/lib/dbus\", os.R_OK | os.X_OK), os.access(\"/var/lib/dbus/machine-id\", os.R_OK), os.path.isdir(\"dbus\"), os.path.exists(\"/etc/machine-id\"))
print(os.path.realpath(\"dbus/machine-id\"), os.path.realpath(\"/var/lib/dbus/../dbus/.\"))
os.chdir(\"dbus\")
print(os.getcwd(), os.listdir(\".\"), open(\"machine-id\").read().strip() == open(\"/etc/machine-id\").read().strip())
print(sorted(os.listdir(\"..\")) == sorted(os.listdir(\"/var/lib\")))
"'

@test "a host without the machine-id files: their directories list and stat under preload as the kernel's overlay shows them under FUSE" {
	require_fakenet_env
	require_root "the test's mount namespace"
	local want
	run --separate-stderr without_machine_id "$FAKENET" run --identity "$id" --net host \
		--shims none -- sh -c "$look_at_machine_id"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || { echo "# fuse stderr: $stderr" && return 1; }
	local fuse=$output
	echo "# fuse: $fuse"
	rm -rf "$BATS_TEST_TMPDIR/hide"
	run --separate-stderr without_machine_id "$FAKENET" run --identity "$id" --backend preload \
		--shims none -- sh -c "$look_at_machine_id"
	[ -z "$stderr" ] || { echo "# preload stderr: $stderr" && return 1; }
	[ "$status" -eq 0 ]
	diff <(echo "$fuse") <(echo "$output")
	# What the overlay shows, as a disk would: D-Bus's directory 0755 root with its two links,
	# the file in it, both named in their parents' listings.
	[ "${lines[0]}" = machine-id ]
	[ "${lines[1]}" = dbus ]
	grep -qx "/var/lib/dbus directory 755 root root 2" <<<"$output"
	grep -qx "drwxr-xr-x 2 root root dbus" <<<"$output"
	grep -qx -- "-r--r--r-- 1 root root machine-id" <<<"$output"
	grep -qx "/var/lib/dbus/machine-id f 644 1" <<<"$output"
	want=$(grep -c . <<<"$output")
	[ "$want" -ge 24 ]
}

@test "an identity without system: a machine id of its own, not the host's, and a DMI that decodes" {
	require_fakenet_env
	local host got again
	host=$(cat /etc/machine-id 2>/dev/null || true)
	got=$("$FAKENET" run --identity "$top/identities/docker.yaml" --net host --shims none -- \
		cat /etc/machine-id)
	[[ "$got" =~ ^[0-9a-f]{32}$ ]]
	[ "$got" != "$host" ]
	# The same identity shows the same id every time.
	again=$("$FAKENET" run --identity "$top/identities/docker.yaml" --net host --shims none \
		--backend preload -- cat /var/lib/dbus/machine-id)
	[ "$got" = "$again" ]
	run "$FAKENET" run --identity "$top/identities/docker.yaml" --net host --shims none -- \
		dmidecode -s system-uuid
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
}

# Lists the DMI mounts' parents the ways agents do: ls (opendir), python (absolute and relative to
# the cwd), find; and `ls -l` of the link with a trailing '/', which must list the directory it
# leads to without complaint (ls also asks each entry for its ACL and security label).
list_parents='for d in /sys/class /sys/firmware /sys/devices/virtual; do echo "$d:"; ls -1a "$d"; echo --; done
cd /sys && python3 -c "import os; print(sorted(os.listdir(\"class\")), sorted(os.listdir(\"/sys/firmware/.\")))"
find /sys/class /sys/firmware -maxdepth 1 -name dmi
ls -l /sys/class/dmi/id/ | sed -n "s/.* //p"'

@test "listings of /sys/class, /sys/firmware, /sys/devices/virtual show dmi alike under both backends" {
	require_fakenet_env
	local d got want
	run --separate-stderr inside fuse sh -c "$list_parents"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	local fuse=$output
	run --separate-stderr inside preload sh -c "$list_parents"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || { echo "# stderr: $stderr" && return 1; }
	diff <(echo "$fuse") <(echo "$output")
	# dmi beside every real entry of the host's own directories, wherever the host lacks it.
	for d in /sys/class /sys/firmware /sys/devices/virtual; do
		want=$( (ls -1a "$d"; echo dmi) | sort -u)
		got=$(awk -v d="$d:" '$0 == d {f = 1; next} $0 == "--" {f = 0} f' <<<"$output" | sort)
		[ "$got" = "$want" ] || { echo "# $d: got $got, want $want" && return 1; }
	done
	grep -qx "bios_vendor" <<<"$output"
	grep -qx "/sys/class/dmi" <<<"$output"
	grep -qx "/sys/firmware/dmi" <<<"$output"
}

@test "isolated: the DMI views do not hide the namespace's own /sys/devices/virtual/net" {
	require_fakenet_env
	run "$FAKENET" run --identity "$id" --net isolated --shims none -- sh -c \
		'cat /sys/class/dmi/id/product_name; ls /sys/devices/virtual/net; grep " /sys/devices/virtual/net " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(fact "y['system']['dmi']['product_name']")" ]
	# The kernel's sysfs of the namespace: its lo and the identity's eth0, nothing of the host's.
	[ "${lines[1]}" = eth0 ]
	[ "${lines[2]}" = lo ]
	[[ "${lines[3]}" == *" - sysfs "* ]]
}

@test "fakenet check's built-in battery reads the machine id and DMI through every source, both backends" {
	require_fakenet_env
	local backend
	for backend in fuse preload; do
		"$FAKENET" check --identity "$id" --net host --backend "$backend" --format json \
			>"$BATS_TEST_TMPDIR/check.json" || true
		# What each probe saw, against the identity's own values (not the check's "expected").
		"$PYTHON" - "$id" "$BATS_TEST_TMPDIR/check.json" <<'PY'
import json, sys, yaml
sysd = yaml.safe_load(open(sys.argv[1]))["system"]
report = json.load(open(sys.argv[2]))
want = {"system.machine_id": sysd["machine_id"]}
for key, value in sysd["dmi"].items():
    want["system.dmi." + key] = str(value).lower() if key == "product_uuid" else str(value)
probes = [p for p in report["probes"]
          if p["expect"] == "system.machine_id" or p["expect"].startswith("system.dmi.")]
sources = {p["name"] for p in probes}
for needed in ("/etc/machine-id", "/var/lib/dbus/machine-id", "/sys/class/dmi/id/product_uuid",
               "dmidecode -s system-uuid", "dmidecode -t 1 | grep 'UUID: '",
               "dmidecode -s baseboard-serial-number", "python3 reads /sys/class/dmi/id/product_uuid"):
    assert needed in sources, "no probe " + needed
bad = [p for p in probes if p["verdict"] != "ok" or p["seen"] != [want[p["expect"]]]]
for p in bad:
    print("# %s: %s saw %s, identity %s" % (p["name"], p["verdict"], p["seen"], want[p["expect"]]))
sys.exit(1 if bad else 0)
PY
	done
}
