#!/usr/bin/env python3
"""Prints the partitions an identity's disks would have on a real machine, one a line:
`DISK NAME MAJOR:MINOR START SECTORS TYPE-GUID`, in the order /proc/partitions lists them. The layout is
GPT's: 512-byte sectors, the first partition at sector 2048 unless it says where, each next one on
the first 1 MiB boundary after the previous, the last usable sector 34 before the disk's end (33
hold the backup table); a disk that lists none gets one from 2048 to that last usable sector, as
fdisk and sgdisk make it. Names and numbers are the kernel's: sda1 is 8:1 (the sd driver gives each
disk 16 minors, Documentation/admin-guide/devices.txt), nvme0n1p1 takes major 259's next number
after its disk (blkext, in probe order: the identity's). The type GUIDs are the UEFI
specification's (EFI system partition) and the Discoverable Partitions Specification's (Linux
filesystem data, the default; Linux swap)."""
import string
import sys

import yaml

SECTOR, ALIGN, TAIL = 512, 2048, 33
TYPES = {
    "linux": "0fc63daf-8483-4772-8e79-3d69d8477de4",
    "efi": "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
    "swap": "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f",
}


def sd_index(name):
    idx = 0
    for k, ch in enumerate(name[2:]):
        idx = (idx + (1 if k else 0)) * 26 + string.ascii_lowercase.index(ch)
    return idx


def layout(disk):
    last = disk["size"] // SECTOR - TAIL - 1
    parts = disk.get("partitions")
    if parts is None:
        return [(ALIGN, last + 1 - ALIGN, TYPES["linux"])] if last + 1 >= 2 * ALIGN else []
    out, nxt = [], ALIGN
    for i, p in enumerate(parts):
        start = p.get("start", nxt * SECTOR) // SECTOR
        sectors = p["size"] // SECTOR if "size" in p else last + 1 - start
        out.append((start, sectors, TYPES[p.get("type", "linux")]))
        nxt = -(-(start + sectors) // ALIGN) * ALIGN
    return out


def main():
    y = yaml.safe_load(open(sys.argv[1]))
    blkext = 0
    for d in y["system"]["disks"]:
        name = d["name"]
        parts = layout(d)
        if name.startswith("sd"):
            major, minor = 8, sd_index(name) * 16
        else:
            major, minor = 259, blkext
            blkext += 1 + len(parts)
        sep = "p" if name[-1].isdigit() else ""
        for n, (start, sectors, guid) in enumerate(parts, 1):
            print(name, f"{name}{sep}{n}", f"{major}:{minor + n}", start, sectors, guid)


main()
