#!/usr/bin/env python3
"""Sends SCSI INQUIRY through SG_IO on a block device, as sg_inq or udev's scsi_id do, and prints
the answer: `sg-inquiry.py DEV` the standard data's vendor, product and revision; `sg-inquiry.py
DEV 0x80` the unit serial number page's serial."""
import ctypes
import fcntl
import os
import struct
import sys

SG_IO = 0x2285
SG_DXFER_FROM_DEV = -3
HDR = "@iiBBHIPPPIIiPBBBBHHiII"  # struct sg_io_hdr, native alignment


def inquiry(dev, page=None):
    cdb = bytes([0x12, 1 if page is not None else 0, page or 0, 0, 96, 0])
    cdb_buf = ctypes.create_string_buffer(cdb, len(cdb))
    data = ctypes.create_string_buffer(96)
    sense = ctypes.create_string_buffer(32)
    hdr = bytearray(struct.pack(HDR, ord("S"), SG_DXFER_FROM_DEV, len(cdb), len(sense), 0, len(data),
                                ctypes.addressof(data), ctypes.addressof(cdb_buf),
                                ctypes.addressof(sense), 5000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    fd = os.open(dev, os.O_RDONLY | os.O_NONBLOCK)
    try:
        fcntl.ioctl(fd, SG_IO, hdr)
    finally:
        os.close(fd)
    fields = struct.unpack(HDR, bytes(hdr))
    status, resid = fields[13], fields[19]
    if status:
        sys.exit("check condition, sense %s" % sense.raw[:18].hex())
    return data.raw[:len(data) - resid]


def main():
    dev = sys.argv[1]
    if len(sys.argv) > 2:
        page = int(sys.argv[2], 0)
        d = inquiry(dev, page)
        assert d[1] == page, d[:4]
        print(d[4:4 + int.from_bytes(d[2:4], "big")].decode().rstrip())
    else:
        d = inquiry(dev)
        print("%s|%s|%s" % (d[8:16].decode(), d[16:32].decode(), d[32:36].decode()))


main()
