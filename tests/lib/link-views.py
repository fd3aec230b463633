#!/usr/bin/env python3
"""Prints one interface's counters, speed and duplex as each view tells them, one line a view:

  VIEW rx_bytes rx_packets tx_bytes tx_packets | speed duplex

Views: sysfs (statistics/*, speed, duplex), /proc/net/dev, ifconfig, `ip -s link`, `ip -j -s link`,
ethtool (speed and duplex only) and, with --psutil, psutil (net_io_counters reads /proc/net/dev,
net_if_stats asks the ethtool ioctl).  A view that has no speed prints "-".  For the parity
tests: every line must tell the same story.

  link-views.py [--psutil] IFNAME
"""
import json
import re
import subprocess
import sys

COUNTERS = ("rx_bytes", "rx_packets", "tx_bytes", "tx_packets")


def run(*args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout


def sysfs(dev):
    base = "/sys/class/net/%s/" % dev
    counters = [int(open(base + "statistics/" + k).read()) for k in COUNTERS]
    try:
        speed = open(base + "speed").read().strip()
        duplex = open(base + "duplex").read().strip()
    except OSError:
        speed, duplex = "-", "-"
    return counters, speed, duplex


def proc_net_dev(dev):
    for line in open("/proc/net/dev"):
        name, _, rest = line.partition(":")
        if name.strip() == dev:
            v = [int(x) for x in rest.split()]
            return [v[0], v[1], v[8], v[9]], None, None
    return None, None, None


def ifconfig(dev):
    text = run("ifconfig", dev)
    rx = re.search(r"RX packets[: ](\d+)\s+bytes[: ](\d+)", text)
    tx = re.search(r"TX packets[: ](\d+)\s+bytes[: ](\d+)", text)
    if not rx or not tx:
        return None, None, None
    return [int(rx.group(2)), int(rx.group(1)), int(tx.group(2)), int(tx.group(1))], None, None


def ip_stats(dev):
    lines = run("ip", "-s", "link", "show", dev).splitlines()
    values = {}
    for i, line in enumerate(lines):
        for way in ("RX", "TX"):
            if line.strip().startswith(way + ":") and i + 1 < len(lines):
                values[way] = [int(x) for x in lines[i + 1].split()[:2]]
    if len(values) != 2:
        return None, None, None
    return [values["RX"][0], values["RX"][1], values["TX"][0], values["TX"][1]], None, None


def ip_json(dev):
    data = json.loads(run("ip", "-j", "-s", "link", "show", dev) or "[]")
    if not data:
        return None, None, None
    s = data[0]["stats64"]
    return [s["rx"]["bytes"], s["rx"]["packets"], s["tx"]["bytes"], s["tx"]["packets"]], None, None


def ethtool(dev):
    text = run("ethtool", dev)
    speed = re.search(r"Speed: (\d+)Mb/s", text)
    duplex = re.search(r"Duplex: (\w+)", text)
    speed = speed.group(1) if speed else "-"
    duplex = duplex.group(1).lower() if duplex else "-"
    return None, speed, "unknown" if duplex == "unknown" else duplex


def psutil_view(dev):
    import psutil

    c = psutil.net_io_counters(pernic=True)[dev]
    st = psutil.net_if_stats()[dev]
    duplex = {psutil.NIC_DUPLEX_FULL: "full", psutil.NIC_DUPLEX_HALF: "half"}.get(st.duplex, "unknown")
    return [c.bytes_recv, c.packets_recv, c.bytes_sent, c.packets_sent], str(st.speed or "-"), duplex


def main(argv):
    use_psutil = "--psutil" in argv
    dev = [a for a in argv[1:] if a != "--psutil"][0]
    views = [("sysfs", sysfs), ("proc_net_dev", proc_net_dev), ("ifconfig", ifconfig),
             ("ip_s_link", ip_stats), ("ip_j_s_link", ip_json), ("ethtool", ethtool)]
    if use_psutil:
        views.append(("psutil", psutil_view))
    for name, view in views:
        counters, speed, duplex = view(dev)
        if speed == "-":
            duplex = "-"
        print("%-13s %s | %s %s" % (
            name, " ".join(str(c) for c in counters) if counters else "(no counters)",
            speed if speed is not None else "", duplex if duplex is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
