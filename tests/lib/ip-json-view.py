#!/usr/bin/env python3
"""Puts the output of `ip -j` in a form two runs can be compared in, for the parity tests.

  ip-json-view.py [--kinds "NAME=KIND ..."] < ip-json-output

Reads the JSON (compact or -p), and prints it compact, with what the kernel makes volatile masked:
counters of stats64 (a namespace counts its own IPv6 traffic), neighbour ages and reference counts (left out),
REACHABLE (the kernel turns it into STALE on its own), and the order of neighbour entries (a hash
walk with a per-boot seed).  With --kinds, the real output of a namespace that could only build
veths is rewritten for the interfaces that are PCI NICs: no peer (link_index, link_netnsid), and
an ethernet NIC's qdisc is fq_codel.  Text that is not JSON is printed as it is.
"""
import json
import sys

NEIGH_TIMERS = ("refcnt", "used", "confirmed", "updated", "probes")


def physical(obj, kinds):
    kind = kinds.get(obj.get("ifname"), "veth")
    if kind == "veth":
        return
    obj.pop("link_index", None)
    obj.pop("link_netnsid", None)
    if kind == "ethernet" and obj.get("qdisc") == "noqueue":
        obj["qdisc"] = "fq_codel"


def mask(obj, kinds):
    if isinstance(obj, list):
        for item in obj:
            mask(item, kinds)
        return
    if not isinstance(obj, dict):
        return
    physical(obj, kinds)
    if "state" in obj:
        for key in NEIGH_TIMERS:
            obj.pop(key, None)
    if obj.get("state") == ["REACHABLE"]:
        obj["state"] = ["STALE"]
    stats = obj.get("stats64")
    if stats:
        for way in ("rx", "tx"):
            for key in ("bytes", "packets", "multicast"):
                if key in stats.get(way, {}):
                    stats[way][key] = "N"
    for value in obj.values():
        mask(value, kinds)


def main(argv):
    kinds = {}
    if len(argv) == 3 and argv[1] == "--kinds":
        kinds = dict(kv.split("=", 1) for kv in argv[2].split())
    text = sys.stdin.read()
    try:
        data = json.loads(text)
    except ValueError:
        sys.stdout.write(text)
        return 0
    mask(data, kinds)
    if isinstance(data, list) and all(isinstance(d, dict) and "state" in d for d in data):
        data.sort(key=lambda d: json.dumps(d, sort_keys=True))
    print(json.dumps(data, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
