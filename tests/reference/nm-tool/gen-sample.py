# nm-tool 0.9.x (NetworkManager test/nm-tool.c, tags 0.9.0 to 0.9.8.10) print_header() and print_string()
# rendered for the captured machine: nm-tool left NetworkManager in 0.9.10 and no Debian 12 has it,
# so its format is rendered from its source instead of captured.
import sys
SPACING = 18
def print_string(out, label, data):
    l = len(label)
    if l > SPACING: l = SPACING - 1          # (sic) as in nm-tool.c
    out.append("  %s:%s%s\n" % (label, " " * (SPACING - l), data))
def print_header(out, label, iface, conn):
    s = "- %s: " % label
    if iface: s += "%s " % iface
    if conn: s += " [%s] " % conn
    while len(s) < 80: s += "-"
    out.append(s + "\n")
o = []
o.append("\nNetworkManager Tool\n\n")
o.append("State: %s\n\n" % "connected (global)")
def dev(iface, conn, driver, default, hw, speed, ip4, dns):
    print_header(o, "Device", iface, conn)
    print_string(o, "Type", "Wired")
    print_string(o, "Driver", driver)
    print_string(o, "State", "connected")
    print_string(o, "Default", "yes" if default else "no")
    print_string(o, "HW Address", hw)
    o.append("\n  Capabilities:\n")
    print_string(o, "  Carrier Detect", "yes")
    if speed: print_string(o, "  Speed", "%u Mb/s" % speed)
    o.append("\n  Wired Properties\n")
    print_string(o, "  Carrier", "on")
    o.append("\n  IPv4 Settings:\n")
    for addr, prefix, mask, gw in ip4:
        print_string(o, "  Address", addr)
        print_string(o, "  Prefix", "%d (%s)" % (prefix, mask))
        print_string(o, "  Gateway", gw)
        o.append("\n")
    for d in dns: print_string(o, "  DNS", d)
    o.append("\n\n")
dev("eth0", "Wired connection 1", "veth", True, "02:42:AC:12:00:02", 10000,
    [("172.18.0.2", 16, "255.255.0.0", "172.18.0.1")], ["172.18.0.1"])
dev("eth1", "Wired connection 2", "veth", False, "02:42:AC:13:00:05", 10000,
    [("10.9.8.7", 24, "255.255.255.0", "0.0.0.0")], [])
sys.stdout.write("".join(o))
