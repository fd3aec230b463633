#!/usr/bin/env python3
"""Build a real network namespace configured like a fakenet identity file, so tests can compare
our renderings with the kernel's own.  Independent of the C parser on purpose.

  netns-from-identity.py up IDENTITY.yaml NSNAME
  netns-from-identity.py down NSNAME

The identity's interfaces become veth devices in NSNAME (lo is 1, then 2, 3, ... in file order);
their peers live in NSNAME-peer, up but without IPv4 or IPv6, so nothing answers and nothing is
learnt from them.  Every kind (veth, ethernet, wireless) is a veth here: the kernel view of
/proc/net does not depend on the driver.

Neighbour states: the kernel accepts `nud permanent|reachable|stale|delay|probe|noarp` with an
lladdr.  reachable/delay/probe entries decay to stale on their own timers (seconds); /proc/net/arp
shows 0x2 for all of them, so the difference never shows there.  incomplete/failed entries are
created without an lladdr (the kernel ignores an lladdr in those states).
"""
import ipaddress
import subprocess
import sys
import time

import yaml

DAD_WAIT_SECONDS = 8.0


def run(*args, check=True):
    proc = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), proc.stderr.strip()))
    return proc.stdout


def ip(ns, *args, check=True):
    return run("ip", "-n", ns, *args, check=check)


def sysctl(ns, key, value):
    run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "%s=%s" % (key, value))


class Iface:
    def __init__(self, spec, index):
        self.name = spec["name"]
        self.mac = spec.get("mac")
        self.mtu = spec.get("mtu", 1500)
        self.up = spec.get("state", "up") == "up"
        self.link_local = spec.get("ipv6_link_local", True)
        self.addrs = [ipaddress.ip_interface(a) for a in spec.get("addresses", [])]
        # Addresses go through DAD, as `ip addr add` does, unless the identity says otherwise.
        self.nodad = not spec.get("ipv6_dad", True)
        self.peer = "p%d" % index

    def holds(self, addr):
        addr = ipaddress.ip_address(addr)
        return any(a.version == addr.version and addr in a.network for a in self.addrs)


def iface_for(ifaces, addr, dev=None):
    """The interface a gateway or neighbour sits on: `dev:`, else the first up interface whose
    connected subnet holds the address, else any interface that holds it."""
    if dev:
        return dev
    for want_up in (True, False):
        for iface in ifaces:
            if iface.up == want_up and iface.holds(addr):
                return iface.name
    raise RuntimeError("no interface holds %s" % addr)


def configure_links(ns, peer, ifaces):
    for iface in ifaces:
        ip(ns, "link", "add", iface.name, "type", "veth", "peer", "name", iface.peer, "netns", peer)
        args = ["link", "set", iface.name, "mtu", str(iface.mtu)]
        if iface.mac:
            args += ["address", iface.mac]
        ip(ns, *args)
        ip(peer, "link", "set", iface.peer, "mtu", str(iface.mtu))
        if not iface.link_local:
            # Must precede `up`: the link-local address is generated when the link comes up.
            ip(ns, "link", "set", iface.name, "addrgenmode", "none")
        for a in iface.addrs:
            if a.version == 4:
                ip(ns, "addr", "add", str(a), "brd", "+", "dev", iface.name)
            elif iface.nodad:
                ip(ns, "-6", "addr", "add", str(a), "dev", iface.name, "nodad")
            else:
                ip(ns, "-6", "addr", "add", str(a), "dev", iface.name)
    for iface in ifaces:
        ip(peer, "link", "set", iface.peer, "up")
        if iface.up:
            ip(ns, "link", "set", iface.name, "up")
            wait_for_ipv6_up(ns, iface.name)


def wait_for_ipv6_up(ns, name):
    """IPv6 starts on a link (ff00::/8, the link-local address) only when the carrier event is
    processed, asynchronously; one link at a time keeps the kernel's lists in ifindex order."""
    deadline = time.monotonic() + DAD_WAIT_SECONDS
    while "ff00::/8" not in ip(ns, "-6", "route", "show", "table", "local", "dev", name):
        if time.monotonic() > deadline:
            raise RuntimeError("IPv6 did not start on %s in %.0f s" % (name, DAD_WAIT_SECONDS))
        time.sleep(0.02)


def configure_routes(ns, ident, ifaces):
    gw = ident.get("gateway")
    if gw:
        dev = iface_for(ifaces, gw["ip"])
        ip(ns, "route", "add", "default", "via", gw["ip"], "dev", dev)
        # A machine learns its gateway's address (reachable, then stale): not a static entry.
        ip(ns, "neigh", "replace", gw["ip"], "lladdr", gw["mac"], "dev", dev, "nud",
           gw.get("state", "reachable"))
    for r in ident.get("routes") or []:
        args = ["route", "add", r["to"]]
        if "via" in r:
            args += ["via", r["via"]]
        dev = r.get("dev") or (iface_for(ifaces, r["via"]) if "via" in r else None)
        if dev:
            args += ["dev", dev]
        args += ["metric", str(r.get("metric", 0))]
        ip(ns, *args)
    for n in ident.get("neighbors") or []:
        dev = iface_for(ifaces, n["ip"], n.get("dev"))
        state = n.get("state", "reachable")
        args = ["neigh", "replace", n["ip"]]
        if state not in ("incomplete", "failed"):
            args += ["lladdr", n["mac"]]
        ip(ns, *args, "dev", dev, "nud", state)


def wait_for_dad(ns):
    """Until no up link has a tentative address (a down link's stay tentative for ever)."""
    deadline = time.monotonic() + DAD_WAIT_SECONDS
    while "tentative" in ip(ns, "-6", "addr", "show", "up"):
        if time.monotonic() > deadline:
            raise RuntimeError("IPv6 DAD did not finish in %.0f s" % DAD_WAIT_SECONDS)
        time.sleep(0.1)


def down(ns):
    for name in (ns, ns + "-peer"):
        run("ip", "netns", "del", name, check=False)


def up(path, ns):
    with open(path) as f:
        ident = yaml.safe_load(f)
    ifaces = [Iface(spec, i) for i, spec in enumerate(ident.get("interfaces") or [])]
    peer = ns + "-peer"
    try:
        run("ip", "netns", "add", ns)
        run("ip", "netns", "add", peer)
        # The peers stay silent on IPv6: no link-local, no DAD, no router solicitations.
        sysctl(peer, "net.ipv6.conf.default.disable_ipv6", 1)
        sysctl(peer, "net.ipv6.conf.all.disable_ipv6", 1)
        ip(ns, "link", "set", "lo", "up")
        configure_links(ns, peer, ifaces)
        # Neighbours only once DAD is over: an IPv6 entry added while the link's addresses were
        # still tentative was seen missing afterwards in a pristine tree.
        wait_for_dad(ns)
        configure_routes(ns, ident, ifaces)
    except Exception:
        down(ns)
        raise


def main(argv):
    if len(argv) == 4 and argv[1] == "up":
        up(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "down":
        down(argv[2])
    else:
        sys.stderr.write("usage: %s up IDENTITY.yaml NSNAME | down NSNAME\n" % argv[0])
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (RuntimeError, OSError, yaml.YAMLError) as e:
        sys.stderr.write("netns-from-identity: %s\n" % e)
        sys.exit(1)
