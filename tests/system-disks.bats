#!/usr/bin/env bats
# The identity's CPU and disks as the real tools see them (lsblk, lscpu, hdparm, python, SG_IO),
# under the FUSE backend and the preload backend. Every expected value comes from the identity
# written here or from the host itself (what stays the host's: the processor count, the flags);
# none of the host's disks may show.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	require_fakenet_env
	top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	id=$BATS_TEST_TMPDIR/t480s.yaml
	cat >"$id" <<'YAML'
version: 1
hostname: t480s
interfaces:
  - name: eth0
    mac: 02:42:ac:12:00:02
    addresses: [172.18.0.2/16]
system:
  cpu:
    vendor: GenuineIntel
    model_name: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz
    family: 6
    model: 142
    stepping: 10
  disks:
    - name: sda
      model: Samsung SSD 860 EVO 500GB
      serial: S3Z2NB0K123456A
      size: 500107862016
      firmware: RVT04B6Q
    - name: nvme0n1
      model: SAMSUNG MZVLB512HAJQ-000L7
      serial: S3TNNX0K812345
      size: 512110190592
      firmware: 4L2QEXA7
      partitions:
        - size: 536870912
          type: efi
        - start: 2147483648
          size: 17179869184
          type: swap
        - {}
YAML
}

# run_in BACKEND CMD...: the command inside fakenet with that backend (fuse or preload).
# run_in BACKEND [--shims none] CMD...
run_in() {
	local backend=$1 shims=()
	shift
	[ "$1" = --shims ] && { shims=(--shims "$2"); shift 2; }
	"$FAKENET" run --backend "$backend" "${shims[@]}" --net host --identity "$id" -- "$@"
}

disk() { identity_fact "$id" "y['system']['disks'][$1]['$2']"; }
# has_lines LINE...: $output holds each LINE as a whole line.
has_lines() {
	local l
	for l; do
		grep -qxF -- "$l" <<<"$output" || { echo "no line '$l' in: $output" >&2 && return 1; }
	done
}
# The partitions a real machine has for the identity's disks: DISK NAME MAJ:MIN START SECTORS
# TYPE-GUID.
gpt_layout() { "$PYTHON" "$top/tests/lib/gpt-layout.py" "$id"; }
cpu() { identity_fact "$id" "y['system']['cpu']['$1']"; }

# lsblk lists exactly the identity's disks with their sizes, and nothing of the host's.
check_lsblk_sizes() {
	local want
	want=$(identity_fact "$id" "['%s %d 0' % (d['name'], d['size']) for d in y['system']['disks']]")
	run -0 run_in "$1" lsblk -d -n -b -o NAME,SIZE,ROTA
	[ "$(echo "$output" | tr -s ' ' | sort)" = "$(echo "$want" | sort)" ]
	run -0 run_in "$1" ls /sys/block
	[ "$(echo "$output" | sort)" = "$(printf 'nvme0n1\nsda\n')" ]
	# /sys/class/block and /proc/partitions: the disks and their partitions.
	want=$( (printf 'nvme0n1\nsda\n'; gpt_layout | cut -d' ' -f2) | sort)
	run -0 run_in "$1" sh -c 'ls /sys/class/block; awk "NR > 2 {print \$4}" /proc/partitions'
	[ "$(echo "$output" | sort -u)" = "$want" ]
}

@test "lsblk shows exactly the identity's disks and sizes (FUSE)" {
	check_lsblk_sizes fuse
}

@test "lsblk shows exactly the identity's disks and sizes (preload)" {
	check_lsblk_sizes preload
}

# The NVMe controller's model and serial are sysfs attributes; an ATA disk's sysfs shows only what
# the SCSI layer's INQUIRY gives (16 characters of the model, no serial): its full model and
# serial come from udev's database, which lsblk reads through libudev. The preload library always
# has that database; FUSE only where the host runs udev (has /run/udev/data to cover).
check_lsblk_models() {
	run -0 run_in "$1" sh -c 'lsblk -d -n -o NAME,MODEL,SERIAL | sed "s/ *\$//"'
	echo "$output"
	grep -qx "nvme0n1 *$(disk 1 model) *$(disk 1 serial)" <<<"$output"
	if [ "$1" = preload ] || [ -d /run/udev/data ]; then
		grep -qx "sda *$(disk 0 model) *$(disk 0 serial)" <<<"$output"
	else
		grep -qx "sda *$(disk 0 model | cut -c1-16 | sed 's/ *$//')" <<<"$output"
	fi
}

@test "lsblk shows the identity's models and serials (FUSE)" {
	check_lsblk_models fuse
}

@test "lsblk shows the identity's models and serials (preload)" {
	check_lsblk_models preload
}

# What python reads from sysfs, udev's database and /dev/disk/by-id.
check_python_reads() {
	local want
	want=$(identity_fact "$id" "[y['system']['disks'][1]['model'], y['system']['disks'][1]['serial'], str(y['system']['disks'][0]['size'] // 512), 'ATA', y['system']['disks'][0]['model'][:16].strip()]")
	run -0 run_in "$1" "$PYTHON" -c '
for p in ["/sys/block/nvme0n1/device/model", "/sys/block/nvme0n1/device/serial",
          "/sys/dev/block/8:0/size", "/sys/block/sda/device/vendor", "/sys/class/block/sda/device/model"]:
    print(open(p).read().strip())'
	[ "$output" = "$want" ]
}

@test "python reads the disks' sysfs attributes (FUSE)" {
	check_python_reads fuse
}

@test "python reads the disks' sysfs attributes (preload)" {
	check_python_reads preload
}

# The attributes block/genhd.c gives every disk whatever its driver, as this host's kernel lists
# them for its own first disk; the identity's disks must list the same (and DISKSEQ in uevent
# where the kernel's has it).
check_block_core() {
	local core='alignment_offset capability dev discard_alignment diskseq events events_async
events_poll_msecs ext_range hidden holders inflight partscan queue range removable ro size slaves
stat subsystem trace uevent' host want d
	host=$(ls /sys/block | grep -v '^\(loop\|ram\|zram\)' | head -n 1)
	[ -n "$host" ] || skip "this host has no disk of its own to compare with"
	want=$(ls "/sys/block/$host" | grep -xF "$(tr ' ' '\n' <<<"$core")")
	for d in sda nvme0n1; do
		run -0 run_in "$1" --shims none ls "/sys/block/$d"
		[ "$(grep -xF "$(tr ' ' '\n' <<<"$core")" <<<"$output")" = "$want" ]
		run -0 run_in "$1" --shims none ls "/sys/block/$d/trace"
		[ "$output" = "$(ls "/sys/block/$host/trace")" ]
		run -0 run_in "$1" --shims none cat "/sys/block/$d/uevent"
		[ "$(grep -c '^DISKSEQ=[0-9]' <<<"$output")" = "$(grep -c '^DISKSEQ=[0-9]' "/sys/block/$host/uevent")" ]
	done
}

@test "the disks have the block layer's own attributes, as the host's kernel gives its disks (FUSE)" {
	check_block_core fuse
}

@test "the disks have the block layer's own attributes, as the host's kernel gives its disks (preload)" {
	check_block_core preload
}

# with_udev_host CMD...: CMD in a mount namespace of its own where this host runs udev, whether it
# does or not: /run and /dev are writable overlays (their upper layers in $BATS_TEST_TMPDIR) that
# hold udev's record of a disk of the host's own and its /dev/disk/by-id link, as udevd writes
# them. Nothing changes outside the namespace.
with_udev_host() {
	unshare --mount --propagation private sh -euc '
		t=$1
		shift
		for d in run dev; do
			mkdir -p "$t/$d" "$t/$d.work"
			mount -t overlay overlay -o "lowerdir=/$d,upperdir=$t/$d,workdir=$t/$d.work" "/$d"
		done
		mkdir -p /run/udev/data /dev/disk/by-id
		printf "S:disk/by-id/virtio-HOSTDISK0042\nE:ID_SERIAL=HOSTDISK0042\nE:ID_SERIAL_SHORT=HOSTDISK0042\n" \
			>/run/udev/data/b254:0
		ln -sfn ../../vda /dev/disk/by-id/virtio-HOSTDISK0042
		exec "$@"' sh "$BATS_TEST_TMPDIR/udev-host" "$@"
}

# udev's record and the by-id links, exactly the identity's: the preload library answers them on
# any host; FUSE covers them where the host has them to cover (a host running udev).
check_udev() {
	local backend=$1 wrap=("${@:2}")
	run -0 "${wrap[@]}" "$FAKENET" run --backend "$backend" --shims none --net host --identity "$id" -- \
		"$PYTHON" -c '
import os
d = dict(l.strip()[2:].split("=", 1) for l in open("/run/udev/data/b8:0") if l.startswith("E:"))
print(d["ID_SERIAL_SHORT"]); print(d["ID_MODEL"])
n = dict(l.strip()[2:].split("=", 1) for l in open("/run/udev/data/b259:0") if l.startswith("E:"))
print(n["ID_SERIAL_SHORT"])
for name in sorted(os.listdir("/dev/disk/by-id")):
    print(name, os.readlink("/dev/disk/by-id/" + name))
print(" ".join(sorted(os.listdir("/run/udev/data"))), os.path.exists("/run/udev/data/b254:0"))'
	[ "${lines[0]}" = "$(disk 0 serial)" ]
	[ "${lines[1]}" = "$(disk 0 model | tr ' ' _)" ]
	[ "${lines[2]}" = "$(disk 1 serial)" ]
	[ "${lines[3]}" = "ata-$(disk 0 model | tr ' ' _)_$(disk 0 serial) ../../sda" ]
	[ "${lines[4]}" = "ata-$(disk 0 model | tr ' ' _)_$(disk 0 serial)-part1 ../../sda1" ]
	[ "${lines[5]}" = "nvme-$(disk 1 model | tr ' ' _)_$(disk 1 serial) ../../nvme0n1" ]
	[ "${lines[6]}" = "nvme-$(disk 1 model | tr ' ' _)_$(disk 1 serial)-part1 ../../nvme0n1p1" ]
	[ "${lines[8]}" = "nvme-$(disk 1 model | tr ' ' _)_$(disk 1 serial)-part3 ../../nvme0n1p3" ]
	# Nothing of the host's disk: the identity's records alone, the disks' and the partitions'.
	[ "${lines[9]}" = "$( (printf 'b259:0\nb8:0\n'; gpt_layout | awk '{print "b" $3}') |
		LC_ALL=C sort | tr '\n' ' ')False" ]
	[ "${#lines[@]}" -eq 10 ]
}

@test "udev's database and /dev/disk/by-id (preload)" {
	check_udev preload
	require_root "the test's mount namespace"
	check_udev preload with_udev_host
}

@test "udev's database and /dev/disk/by-id (FUSE, on a host that runs udev)" {
	require_root "the test's mount namespace"
	check_udev fuse with_udev_host
	# The host's record is there to hide.
	run -0 with_udev_host cat /run/udev/data/b254:0
	[[ "$output" == *"ID_SERIAL=HOSTDISK0042"* ]]
}

# The real udevadm, as Debian ships it: the one tools/install-deps unpacks without installing udev
# (tools/udev-root; installing the package would change /dev), else the host's own.
find_udevadm() {
	local root=${FAKENET_UDEV_ROOT:-/var/cache/fakenet/udev}
	udevadm=$root/udevadm
	[ -x "$udevadm" ] || udevadm=$(command -v udevadm) ||
		skip "udevadm is not there: tools/install-deps unpacks it into $root (tools/udev-root)"
}

@test "udevadm info shows the identity's disk" {
	find_udevadm
	run -0 run_in preload "$udevadm" info --query=property --name=/dev/sda
	# The sd driver's first disk is block device 8:0 (Documentation/admin-guide/devices.txt).
	has_lines "ID_SERIAL_SHORT=$(disk 0 serial)" "ID_MODEL=$(disk 0 model | tr ' ' _)" \
		DEVTYPE=disk MAJOR=8 MINOR=0
	run -0 run_in preload "$udevadm" info --query=property --name=/dev/nvme0n1
	grep -qx "ID_SERIAL_SHORT=$(disk 1 serial)" <<<"$output"
	# udev finds a device by its node's type and number, as ls -l and python see them.
	run -0 run_in preload sh -c 'stat -c "%F %t:%T %G" /dev/sda; python3 -c "import os, stat; s = os.stat(\"/dev/sda\"); print(stat.S_ISBLK(s.st_mode), os.major(s.st_rdev), os.minor(s.st_rdev))"'
	[ "$output" = "block special file 8:0 disk
True 8 0" ]
}

# Each disk's partitions as lsblk shows them: children of their disk, TYPE part, with the names,
# numbers and sizes the kernel gives the identity's layout; the sizes the identity writes.
check_lsblk_partitions() {
	local want got
	want=$(gpt_layout | while read -r disk name devno start sectors _; do
		echo "$disk $name $devno $((sectors * 512)) part"
	done)
	[ "$(echo "$want" | wc -l)" -eq 4 ]
	run -0 run_in "$1" lsblk -J -b -o NAME,MAJ:MIN,SIZE,TYPE
	got=$("$PYTHON" -c '
import json, sys
for d in json.load(sys.stdin)["blockdevices"]:
    assert d["type"] == "disk", d
    for c in d.get("children", []):
        print(d["name"], c["name"], c["maj:min"], c["size"], c["type"])' <<<"$output")
	[ "$got" = "$want" ]
	# The sizes the identity gives its partitions, as they are written.
	[ "$(echo "$got" | awk '$2 ~ /^nvme0n1p[12]$/ {print $4}')" = "$(identity_fact "$id" "[p['size'] for p in y['system']['disks'][1]['partitions'][:2]]")" ]
}

@test "lsblk shows the disks' partitions as their children (FUSE)" {
	check_lsblk_partitions fuse
}

@test "lsblk shows the disks' partitions as their children (preload)" {
	check_lsblk_partitions preload
}

# A partition's sysfs directory as block/partitions/core.c makes it, reached from its disk's
# directory, /sys/class/block and /sys/dev/block alike; /sys/block lists disks only; and
# /proc/partitions lists each disk followed by its partitions, sizes in 1 KiB blocks.
check_sys_partitions() {
	local want
	want=$(gpt_layout | cut -d' ' -f1-5 | sort)
	run -0 run_in "$1" "$PYTHON" -c '
import os
for disk in os.listdir("/sys/block"):
    d = os.path.realpath("/sys/block/" + disk)
    for e in os.listdir(d):
        p = os.path.join(d, e)
        if not os.path.exists(p + "/partition"):
            continue
        r = lambda a: open(p + "/" + a).read().strip()
        maj, mnr = r("dev").split(":")
        ue = dict(l.split("=", 1) for l in r("uevent").splitlines())
        want = {"MAJOR": maj, "MINOR": mnr, "DEVNAME": e, "DEVTYPE": "partition", "PARTN": r("partition")}
        assert ue == want, (ue, want)
        assert os.path.realpath("/sys/class/block/" + e) == p
        assert os.path.realpath("/sys/dev/block/" + r("dev")) == p
        assert os.path.realpath(p + "/subsystem").endswith("/class/block")
        assert r("ro") == "0" and e not in os.listdir("/sys/block")
        assert e == disk + ("p" if disk[-1].isdigit() else "") + r("partition")
        print(disk, e, r("dev"), r("start"), r("size"))'
	[ "$(echo "$output" | sort)" = "$want" ]
	run -0 run_in "$1" awk 'NR > 2 {print $1 ":" $2, $3, $4}' /proc/partitions
	[ "$output" = "$(identity_fact "$id" "'\n'.join('%s %d %s' % ({'sda': '8:0', 'nvme0n1': '259:0'}[d['name']], d['size'] // 1024, d['name']) for d in y['system']['disks'])" |
		while read -r devno blocks name; do
			echo "$devno $blocks $name"
			gpt_layout | while read -r disk part pdevno start sectors _; do
				[ "$disk" != "$name" ] || echo "$pdevno $((sectors / 2)) $part"
			done
		done)" ]
}

@test "the partitions in sysfs and /proc/partitions (FUSE)" {
	check_sys_partitions fuse
}

@test "the partitions in sysfs and /proc/partitions (preload)" {
	check_sys_partitions preload
}

# A partition's udev record: its disk's ID_* imported (60-persistent-storage.rules), the GPT that
# blkid finds on the disk, and its own entry; its by-id link is the disk's with -partN.
check_udev_partitions() {
	local backend=$1 wrap=("${@:2}") disk name devno start sectors type n by_id
	while read -r disk name devno start sectors type; do
		n=${name##*[a-z]}
		if [ "$disk" = sda ]; then
			by_id="ata-$(disk 0 model | tr ' ' _)_$(disk 0 serial)"
			serial=$(disk 0 serial)
		else
			by_id="nvme-$(disk 1 model | tr ' ' _)_$(disk 1 serial)"
			serial=$(disk 1 serial)
		fi
		run -0 "${wrap[@]}" "$FAKENET" run --backend "$backend" --shims none --net host --identity "$id" -- \
			sh -c 'cat "/run/udev/data/b$1"; echo "link $(readlink "/dev/disk/by-id/$2-part$3")"; grep "^E:ID_PART_TABLE_UUID=" "/run/udev/data/b$4"' \
			sh "$devno" "$by_id" "$n" "$(cat_disk_devno "$disk")"
		has_lines "S:disk/by-id/$by_id-part$n" "E:ID_SERIAL_SHORT=$serial" "E:ID_PART_ENTRY_TYPE=$type" \
			E:ID_PART_TABLE_TYPE=gpt E:ID_PART_ENTRY_SCHEME=gpt "E:ID_PART_ENTRY_NUMBER=$n" \
			"E:ID_PART_ENTRY_OFFSET=$start" "E:ID_PART_ENTRY_SIZE=$sectors" \
			"E:ID_PART_ENTRY_DISK=$(cat_disk_devno "$disk")" "link ../../$name"
		# The partition's table is its disk's.
		[ "$(grep -c "^E:ID_PART_TABLE_UUID=" <<<"$output")" -eq 2 ]
		[ "$(grep "^E:ID_PART_TABLE_UUID=" <<<"$output" | sort -u | wc -l)" -eq 1 ]
	done < <(gpt_layout)
}

# The disk's own number: sda is 8:0, the first NVMe namespace 259:0.
cat_disk_devno() { case $1 in sda) echo 8:0 ;; *) echo 259:0 ;; esac; }

@test "udev's records and by-id links of the partitions (preload)" {
	check_udev_partitions preload
}

@test "udev's records and by-id links of the partitions (FUSE, on a host that runs udev)" {
	require_root "the test's mount namespace"
	check_udev_partitions fuse with_udev_host
}

@test "udevadm info shows the identity's partition" {
	find_udevadm
	run -0 run_in preload "$udevadm" info --query=property --name=/dev/sda1
	# sda's minors are 0-15: the disk, then its partitions (devices.txt).
	has_lines DEVNAME=/dev/sda1 DEVTYPE=partition PARTN=1 MAJOR=8 MINOR=1 \
		"ID_SERIAL_SHORT=$(disk 0 serial)" ID_PART_ENTRY_NUMBER=1 \
		"ID_PART_ENTRY_SIZE=$(gpt_layout | awk '$2 == "sda1" {print $5}')"
	run -0 run_in preload "$udevadm" info --query=property --name=/dev/nvme0n1p3
	has_lines DEVTYPE=partition MAJOR=259 MINOR=3 ID_PART_ENTRY_DISK=259:0
	run -0 run_in preload stat -c "%F %t:%T" /dev/sda1 /dev/nvme0n1p2
	[ "$output" = "block special file 8:1
block special file 103:2" ]
}

# The size requests on a partition's node answer the partition's extent (the real blockdev's
# BLKGETSIZE64 and BLKGETSIZE), the disk's node the disk's; only the preload backend has the nodes.
@test "blockdev sizes of the disks and their partitions (preload)" {
	require_command blockdev util-linux
	run -0 run_in preload blockdev --getsize64 /dev/sda1 /dev/nvme0n1p2 /dev/nvme0n1p3 /dev/sda
	[ "$output" = "$(gpt_layout | awk '$2 ~ /^(sda1|nvme0n1p[23])$/ {print $5}' | while read -r n; do
		echo $((n * 512))
	done; disk 0 size)" ]
	run -0 run_in preload blockdev --getsz /dev/nvme0n1p1
	[ "$output" = "$(gpt_layout | awk '$2 == "nvme0n1p1" {print $5}')" ]
}

# lscpu takes the identity's processor from /proc/cpuinfo; the count and the flags stay the host's.
check_cpu() {
	local host_cpus host_flags
	host_cpus=$(grep -c '^processor' /proc/cpuinfo)
	host_flags=$(grep -m1 '^flags' /proc/cpuinfo)
	run -0 run_in "$1" lscpu -J
	[ "$(lscpu_field "Vendor ID" <<<"$output")" = "$(cpu vendor)" ]
	[ "$(lscpu_field "Model name" <<<"$output")" = "$(cpu model_name)" ]
	[ "$(lscpu_field "CPU family" <<<"$output")" = "$(cpu family)" ]
	[ "$(lscpu_field Model <<<"$output")" = "$(cpu model)" ]
	[ "$(lscpu_field Stepping <<<"$output")" = "$(cpu stepping)" ]
	[ "$(lscpu_field "CPU(s)" <<<"$output")" = "$host_cpus" ]
	run -0 run_in "$1" cat /proc/cpuinfo
	[ "$(grep -c '^processor' <<<"$output")" -eq "$host_cpus" ]
	[ "$(grep -c "^vendor_id.*: $(cpu vendor)\$" <<<"$output")" -eq "$host_cpus" ]
	[ "$(grep -c "^stepping.*: $(cpu stepping)\$" <<<"$output")" -eq "$host_cpus" ]
	[ "$(grep -m1 '^flags' <<<"$output")" = "$host_flags" ]
}

@test "lscpu and /proc/cpuinfo show the identity's processor (FUSE)" {
	check_cpu fuse
}

@test "lscpu and /proc/cpuinfo show the identity's processor (preload)" {
	check_cpu preload
}

# hdparm -i and -I: the shim under FUSE; under preload the real hdparm (no shims) asks the drive
# through HDIO_GET_IDENTITY and SG_IO/HDIO_DRIVE_CMD, which the library answers.
check_hdparm() {
	local size sectors
	size=$(disk 0 size)
	sectors=$((size / 512))
	run -0 run_in "$@" hdparm -i /dev/sda
	grep -qxF " Model=$(disk 0 model), FwRev=$(disk 0 firmware), SerialNo=$(disk 0 serial)" <<<"$output"
	grep -q "LBAsects=$sectors\$" <<<"$output"
	run -0 run_in "$@" hdparm -I /dev/sda
	grep -qx "	Model Number: *$(disk 0 model) *" <<<"$output"
	grep -qx "	Serial Number: *$(disk 0 serial) *" <<<"$output"
	grep -qx "	Firmware Revision: *$(disk 0 firmware)" <<<"$output"
	grep -qx "	LBA48  user addressable sectors: *$sectors" <<<"$output"
	grep -qx "	device size with M = 1000\*1000: *$((size / 1000000)) MBytes ($((size / 1000000000)) GB)" <<<"$output"
	grep -qx "Checksum: correct" <<<"$output"
	# On a partition's node the drive answers the same; the settings give the partition's
	# sectors and start (BLKGETSIZE64, HDIO_GETGEO), the cylinders its disk's.
	run -0 run_in "$@" hdparm -i /dev/sda1
	grep -qxF " Model=$(disk 0 model), FwRev=$(disk 0 firmware), SerialNo=$(disk 0 serial)" <<<"$output"
	run -0 run_in "$@" hdparm /dev/sda1
	grep -qx " geometry      = $((sectors / 255 / 63))/255/63, sectors = $(gpt_layout | awk '$2 == "sda1" {print $5 ", start = " $4}')" <<<"$output"
	# None of the host's disks: hdparm finds no such device. The preload library hides the
	# host's block devices in /dev too; FUSE cannot (it covers no part of /dev but udev's links).
	run -2 run_in "$@" hdparm -i /dev/vda
	[ "$1" = preload ] || return 0
	run -0 run_in "$@" sh -c 'ls /dev; ls /dev/disk/by-id 2>/dev/null; true'
	! grep -qx 'vda\|loop[0-9]*\|zram[0-9]*' <<<"$output" || false
}

@test "hdparm -i and -I: the shim (FUSE)" {
	require_command hdparm hdparm
	check_hdparm fuse
}

@test "hdparm -i and -I: the real hdparm through the preload library" {
	require_command hdparm hdparm
	check_hdparm preload --shims none
}

@test "SG_IO INQUIRY and its unit serial page (preload)" {
	run -0 run_in preload "$PYTHON" "$top/tests/lib/sg-inquiry.py" /dev/sda 0x80
	[ "$output" = "$(disk 0 serial)" ]
	run -0 run_in preload "$PYTHON" "$top/tests/lib/sg-inquiry.py" /dev/sda
	[ "$output" = "ATA     |$(disk 0 model | cut -c1-16)|$(disk 0 firmware | cut -c5-8)" ]
}

# The root filesystem's directory in /sys/fs/TYPE is named after its block device (the kernel's
# own name for it, a partition's when the root is on one: /sys/dev/block/MAJ:MIN of "/"): inside,
# it carries the name of the identity's device for it, whatever the host's shape, and the host's
# statistics, and no entry of any filesystem type names a device the machine's /sys/class/block
# lacks. That device is the first disk's root partition, its largest (an installer's root beside
# its EFI partition; here the one partition a disk without `partitions:` has), named as the
# kernel names partitions. The identity's disk gets a name the host has no device of, so that the
# host's entry showing through cannot pass for the identity's.
check_sys_fs() {
	local type dev host_dev name shown
	type=$(findmnt -n -o FSTYPE /)
	dev=$(readlink -f "/sys/dev/block/$(mountpoint -d /)") ||
		skip "the host's root ($type) is on no block device"
	host_dev=${dev##*/}
	[ -d "/sys/fs/$type/$host_dev" ] || skip "the host's root ($host_dev, $type) has no /sys/fs/$type/$host_dev"
	for name in sd{a..z}; do
		[ -e "/sys/class/block/$name" ] || break
	done
	sed -i "s/^    - name: sda\$/    - name: $name/" "$id"
	[ "$(disk 0 name)" = "$name" ]
	# Its largest Linux filesystem partition (the Discoverable Partitions Specification's type).
	shown=$(gpt_layout | awk -v d="$name" '$1 == d && $6 == "0fc63daf-8483-4772-8e79-3d69d8477de4" &&
		$5 > max {max = $5; p = $2} END {print p}')
	[ "$shown" = "${name}1" ]
	run -0 run_in "$1" ls -1 "/sys/fs/$type"
	grep -qx "$shown" <<<"$output"
	grep -qx "$host_dev" <<<"$output" && return 1
	[ "$(grep -cvx "$shown" <<<"$output")" -eq "$(ls -1 "/sys/fs/$type" | grep -cvx "$host_dev")" ]
	run -0 run_in "$1" ls -1 "/sys/fs/$type/$shown"
	[ "$output" = "$(ls -1 "/sys/fs/$type/$host_dev")" ]
	run -0 run_in "$1" sh -c 'for d in /sys/fs/ext4 /sys/fs/xfs /sys/fs/f2fs; do ls "$d" 2>/dev/null; done |
		while read -r n; do [ -e "/sys/class/block/$n" ] || echo "$n"; done'
	[ -z "$(grep -vx 'features\|stats' <<<"$output")" ]
	run -2 run_in "$1" ls "/sys/fs/$type/$host_dev"
}

@test "/sys/fs names the identity's root partition for the root filesystem, none of the host's (FUSE)" {
	check_sys_fs fuse
}

@test "/sys/fs names the identity's root partition for the root filesystem, none of the host's (preload)" {
	check_sys_fs preload
}
