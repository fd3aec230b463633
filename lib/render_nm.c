/* nm-tool 0.9 and nmcli 1.42 renderings of the identity. The machine is shown as NetworkManager
 * would show it managing each up interface with one profile ("Wired connection N"); every address,
 * route, MAC and nameserver comes from the model through derive.h. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "netaddr.h"
#include "render_nm.h"
#include "util.h"

#define NM_MAX_ADDRS 64

/* ---- The NetworkManager picture of each interface -------------------------------------------- */

struct nm_dev {
	const struct fn_iface *iface;
	bool connected;	 /* an up link: NM activated it (lo: "connected (externally)") */
	bool is_default; /* holds the IPv4 default route */
	bool has_dns;	 /* NM hands the identity's nameservers out through this device */
	char conn[40];	 /* the active profile's name, "" when none */
	int active_path; /* /org/freedesktop/NetworkManager/ActiveConnection/N */
};

struct nm_view {
	const struct fn_identity *id;
	struct nm_dev *devs; /* in nmcli's listing order */
	size_t n;
	struct fn_rtable rt4, rt6;
};

static bool is_lo(const struct fn_iface *iface)
{
	return iface->kind == FN_KIND_LOOPBACK;
}

/* nmcli lists connected devices first, loopback after the others, then by name. */
static int dev_order(const void *pa, const void *pb)
{
	const struct nm_dev *a = pa, *b = pb;

	if (a->connected != b->connected)
		return a->connected ? -1 : 1;
	if (is_lo(a->iface) != is_lo(b->iface))
		return is_lo(a->iface) ? 1 : -1;
	return strcmp(a->iface->name, b->iface->name);
}

static const struct fn_rt *default_route(const struct nm_view *v)
{
	for (size_t i = 0; i < v->rt4.n; i++)
		if (v->rt4.v[i].dst.prefix == 0 && v->rt4.v[i].type == FN_RT_UNICAST)
			return &v->rt4.v[i];
	return NULL;
}

static void view_init(struct nm_view *v, const struct fn_identity *id)
{
	const struct fn_rt *def;
	int wired = 0, path = 0;
	struct nm_dev *dns_dev = NULL;

	memset(v, 0, sizeof(*v));
	v->id = id;
	fn_routes_ipv4(id, &v->rt4);
	fn_routes_ipv6(id, &v->rt6);
	def = default_route(v);
	v->devs = xcalloc(id->n_ifaces, sizeof(*v->devs));
	for (size_t i = 0; i < id->n_ifaces; i++) {
		struct nm_dev *d = &v->devs[v->n++];

		d->iface = &id->ifaces[i];
		d->connected = d->iface->up;
		d->is_default = def && def->ifindex == d->iface->ifindex;
		if (!d->connected)
			continue;
		/* NM names a wired profile it creates "Wired connection N"; loopback and wireless
		 * (the identity has no SSID) are shown under their interface name. */
		if (d->iface->kind == FN_KIND_VETH || d->iface->kind == FN_KIND_ETHERNET)
			snprintf(d->conn, sizeof(d->conn), "Wired connection %d", ++wired);
		else
			snprintf(d->conn, sizeof(d->conn), "%s", d->iface->name);
		if (d->is_default || (!dns_dev && !is_lo(d->iface)))
			dns_dev = d;
	}
	for (size_t i = 0; i < v->n; i++)
		if (v->devs[i].is_default)
			dns_dev = &v->devs[i];
	if (dns_dev && id->n_nameservers)
		dns_dev->has_dns = true;
	qsort(v->devs, v->n, sizeof(*v->devs), dev_order);
	for (size_t i = 0; i < v->n; i++)
		if (v->devs[i].connected)
			v->devs[i].active_path = ++path;
}

static void view_free(struct nm_view *v)
{
	fn_rtable_free(&v->rt4);
	fn_rtable_free(&v->rt6);
	free(v->devs);
}

static const struct nm_dev *find_dev(const struct nm_view *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->devs[i].iface->name, name) == 0)
			return &v->devs[i];
	return NULL;
}

static const char *nmcli_type(const struct fn_iface *iface)
{
	if (is_lo(iface))
		return "loopback";
	return iface->kind == FN_KIND_WIRELESS ? "wifi" : "ethernet";
}

static const char *nmcli_state(const struct nm_dev *d, bool with_code)
{
	if (!d->connected)
		return with_code ? "20 (unavailable)" : "unavailable";
	if (is_lo(d->iface))
		return with_code ? "100 (connected (externally))" : "connected (externally)";
	return with_code ? "100 (connected)" : "connected";
}

/* Routes NM reports for a device: the main table's unicast routes on it (none for loopback). */
static bool nm_route(const struct nm_dev *d, const struct fn_rt *r)
{
	if (is_lo(d->iface) || r->ifindex != d->iface->ifindex || r->local_table)
		return false;
	return r->type == FN_RT_UNICAST;
}

static const struct fn_ip *ipv6_gateway(const struct nm_view *v, const struct nm_dev *d)
{
	for (size_t i = 0; i < v->rt6.n; i++) {
		const struct fn_rt *r = &v->rt6.v[i];

		if (nm_route(d, r) && r->dst.prefix == 0 && r->has_gw)
			return &r->gw;
	}
	return NULL;
}

/* ---- nm-tool --------------------------------------------------------------------------------- */

/* nm-tool's print_string(): the value starts after an 18-wide label column. */
static void nmt_string(struct fn_buf *out, const char *label, const char *value)
{
	size_t len = strlen(label);

	if (len > 18)
		len = 17;
	fn_buf_printf(out, "  %s:%*s%s\n", label, (int)(18 - len), "", value);
}

static void nmt_header(struct fn_buf *out, const struct nm_dev *d)
{
	size_t start = out->len;

	fn_buf_printf(out, "- Device: %s ", d->iface->name);
	if (d->conn[0])
		fn_buf_printf(out, " [%s] ", d->conn);
	while (out->len - start < 80)
		fn_buf_puts(out, "-");
	fn_buf_puts(out, "\n");
}

static void nmt_ipv4(struct fn_buf *out, const struct nm_view *v, const struct nm_dev *d)
{
	struct fn_cidr addrs[NM_MAX_ADDRS];
	size_t n = fn_iface_addrs(d->iface, AF_INET, addrs, NM_MAX_ADDRS);
	const struct fn_rt *def = default_route(v);
	char ip[FN_IP_STRLEN], mask[FN_IP_STRLEN], text[80];

	fn_buf_puts(out, "\n  IPv4 Settings:\n");
	for (size_t i = 0; i < n && i < NM_MAX_ADDRS; i++) {
		struct fn_ip m = fn_prefix_mask(AF_INET, addrs[i].prefix);

		nmt_string(out, "  Address", fn_ip_format(&addrs[i].ip, ip));
		snprintf(text, sizeof(text), "%u (%s)", addrs[i].prefix, fn_ip_format(&m, mask));
		nmt_string(out, "  Prefix", text);
		/* NM 0.9 keeps the gateway on the profile's first address. */
		if (i == 0 && d->is_default && def && def->has_gw)
			nmt_string(out, "  Gateway", fn_ip_format(&def->gw, ip));
		else
			nmt_string(out, "  Gateway", "0.0.0.0");
		fn_buf_puts(out, "\n");
	}
	for (size_t i = 0; d->has_dns && i < v->id->n_nameservers; i++)
		if (v->id->nameservers[i].family == AF_INET)
			nmt_string(out, "  DNS", fn_ip_format(&v->id->nameservers[i], ip));
}

/* Only global IPv6 addresses: NM 0.9 left the kernel's link-local out of its IPv6 config. */
static void nmt_ipv6(struct fn_buf *out, const struct nm_view *v, const struct nm_dev *d)
{
	struct fn_cidr addrs[NM_MAX_ADDRS];
	size_t n = fn_iface_addrs(d->iface, AF_INET6, addrs, NM_MAX_ADDRS);
	const struct fn_ip *gw = ipv6_gateway(v, d);
	char ip[FN_IP_STRLEN], text[16];
	bool header = false;

	for (size_t i = 0; i < n && i < NM_MAX_ADDRS; i++) {
		if (addrs[i].ip.bytes[0] == 0xfe && (addrs[i].ip.bytes[1] & 0xc0) == 0x80)
			continue;
		if (!header)
			fn_buf_puts(out, "\n  IPv6 Settings:\n");
		header = true;
		nmt_string(out, "  Address", fn_ip_format(&addrs[i].ip, ip));
		snprintf(text, sizeof(text), "%u", addrs[i].prefix);
		nmt_string(out, "  Prefix", text);
		nmt_string(out, "  Gateway", gw ? fn_ip_format(gw, ip) : "::");
		fn_buf_puts(out, "\n");
	}
	for (size_t i = 0; header && d->has_dns && i < v->id->n_nameservers; i++)
		if (v->id->nameservers[i].family == AF_INET6)
			nmt_string(out, "  DNS", fn_ip_format(&v->id->nameservers[i], ip));
}

static void nmt_device(struct fn_buf *out, const struct nm_view *v, const struct nm_dev *d)
{
	const struct fn_iface *iface = d->iface;
	bool wireless = iface->kind == FN_KIND_WIRELESS;
	char mac[FN_MAC_STRLEN], speed[32];
	int mbps;
	bool full;

	nmt_header(out, d);
	nmt_string(out, "Type", wireless ? "802.11 WiFi" : "Wired");
	nmt_string(out, "Driver", iface->driver[0] ? iface->driver : "(unknown)");
	nmt_string(out, "State", d->connected ? "connected" : "unavailable");
	nmt_string(out, "Default", d->is_default ? "yes" : "no");
	nmt_string(out, "HW Address", fn_mac_format(&iface->mac, true, mac));
	fn_buf_puts(out, "\n  Capabilities:\n");
	if (!wireless)
		nmt_string(out, "  Carrier Detect", "yes");
	if (fn_iface_link_speed(iface, &mbps, &full) && mbps > 0) {
		snprintf(speed, sizeof(speed), "%d Mb/s", mbps);
		nmt_string(out, "  Speed", speed);
	}
	if (wireless) {
		fn_buf_puts(out, "\n  Wireless Properties\n");
		nmt_string(out, "  WEP Encryption", "yes");
		nmt_string(out, "  WPA Encryption", "yes");
		nmt_string(out, "  WPA2 Encryption", "yes");
	} else {
		fn_buf_puts(out, "\n  Wired Properties\n");
		nmt_string(out, "  Carrier", d->connected ? "on" : "off");
	}
	if (d->connected) {
		nmt_ipv4(out, v, d);
		nmt_ipv6(out, v, d);
	}
	fn_buf_puts(out, "\n\n");
}

void render_nm_tool(const struct fn_identity *id, struct fn_buf *out)
{
	struct nm_view v;
	bool any = false;

	view_init(&v, id);
	for (size_t i = 0; i < v.n; i++)
		any |= v.devs[i].connected && !is_lo(v.devs[i].iface);
	fn_buf_puts(out, "\nNetworkManager Tool\n\n");
	fn_buf_printf(out, "State: %s\n\n",
		      default_route(&v) ? "connected (global)"
		      : any		? "connected (local only)"
					: "disconnected");
	/* nm-tool 0.9 lists the devices NM knows in ifindex order, never lo. */
	for (size_t i = 0; i < id->n_ifaces; i++) {
		const struct nm_dev *d = find_dev(&v, id->ifaces[i].name);

		if (!is_lo(d->iface))
			nmt_device(out, &v, d);
	}
	view_free(&v);
}

/* ---- nmcli fields ---------------------------------------------------------------------------- */

struct nm_field {
	char *name;  /* "IP4.ADDRESS[1]" */
	char *value; /* "" when empty */
};

struct nm_fields {
	struct nm_field *v;
	size_t n;
};

static void field_add(struct nm_fields *f, const char *name, const char *value)
{
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n].name = xstrdup(name);
	f->v[f->n].value = xstrdup(value);
	f->n++;
}

static void fields_free(struct nm_fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].value);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static void field_addf(struct nm_fields *f, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void field_addf(struct nm_fields *f, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = xvasprintf(fmt, ap);
	va_end(ap);
	field_add(f, name, value);
	free(value);
}

static void ip_fields(struct nm_fields *f, const struct nm_view *v, const struct nm_dev *d,
		      int family)
{
	const char *sec = family == AF_INET ? "IP4" : "IP6";
	const char *any = family == AF_INET ? "0.0.0.0" : "::";
	const struct fn_rtable *rt = family == AF_INET ? &v->rt4 : &v->rt6;
	const struct fn_rt *def = default_route(v);
	const struct fn_ip *gw = NULL;
	struct fn_cidr addrs[NM_MAX_ADDRS];
	size_t n = fn_iface_addrs(d->iface, family, addrs, NM_MAX_ADDRS);
	char ip[FN_IP_STRLEN], name[48];
	int k = 0;

	if (n == 0)
		return;
	for (size_t i = 0; i < n && i < NM_MAX_ADDRS; i++) {
		snprintf(name, sizeof(name), "%s.ADDRESS[%zu]", sec, i + 1);
		field_addf(f, name, "%s/%u", fn_ip_format(&addrs[i].ip, ip), addrs[i].prefix);
	}
	if (family == AF_INET && d->is_default && def && def->has_gw)
		gw = &def->gw;
	else if (family == AF_INET6)
		gw = ipv6_gateway(v, d);
	snprintf(name, sizeof(name), "%s.GATEWAY", sec);
	field_add(f, name, gw ? fn_ip_format(gw, ip) : "");
	for (size_t i = 0; i < rt->n; i++) {
		const struct fn_rt *r = &rt->v[i];
		char dst[FN_IP_STRLEN], nh[FN_IP_STRLEN];

		if (!nm_route(d, r))
			continue;
		snprintf(name, sizeof(name), "%s.ROUTE[%d]", sec, ++k);
		field_addf(f, name, "dst = %s/%u, nh = %s, mt = %u", fn_ip_format(&r->dst.ip, dst),
			   r->dst.prefix, r->has_gw ? fn_ip_format(&r->gw, nh) : any, r->metric);
	}
	k = 0;
	for (size_t i = 0; d->has_dns && i < v->id->n_nameservers; i++) {
		if (v->id->nameservers[i].family != family)
			continue;
		snprintf(name, sizeof(name), "%s.DNS[%d]", sec, ++k);
		field_add(f, name, fn_ip_format(&v->id->nameservers[i], ip));
	}
	for (size_t i = 0; family == AF_INET && d->has_dns && i < v->id->n_dns_search; i++) {
		snprintf(name, sizeof(name), "%s.DOMAIN[%zu]", sec, i + 1);
		field_add(f, name, v->id->dns_search[i]);
	}
}

static void device_fields(struct nm_fields *f, const struct nm_view *v, const struct nm_dev *d)
{
	char mac[FN_MAC_STRLEN];

	field_add(f, "GENERAL.DEVICE", d->iface->name);
	field_add(f, "GENERAL.TYPE", nmcli_type(d->iface));
	field_add(f, "GENERAL.HWADDR", fn_mac_format(&d->iface->mac, true, mac));
	field_addf(f, "GENERAL.MTU", "%u", d->iface->mtu);
	field_add(f, "GENERAL.STATE", nmcli_state(d, true));
	field_add(f, "GENERAL.CONNECTION", d->conn);
	if (d->active_path)
		field_addf(f, "GENERAL.CON-PATH",
			   "/org/freedesktop/NetworkManager/ActiveConnection/%d", d->active_path);
	else
		field_add(f, "GENERAL.CON-PATH", "");
	if (d->iface->kind == FN_KIND_VETH || d->iface->kind == FN_KIND_ETHERNET)
		field_add(f, "WIRED-PROPERTIES.CARRIER", d->connected ? "on" : "off");
	if (!d->connected)
		return;
	ip_fields(f, v, d, AF_INET);
	ip_fields(f, v, d, AF_INET6);
}

/* The field name without its "[N]" index. */
static size_t base_len(const char *name)
{
	const char *b = strchr(name, '[');

	return b ? (size_t)(b - name) : strlen(name);
}

/* Whether a -f/-g selection names this field: its section ("IP4"), or the field ("IP4.ADDRESS"). */
static bool selected(const char *fields, const char *name)
{
	const char *p = fields;

	if (!fields || strcmp(fields, "all") == 0 || strcmp(fields, "common") == 0)
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *dot = strchr(name, '.');
		size_t sec = dot ? (size_t)(dot - name) : strlen(name);

		if ((len == sec && strncmp(p, name, len) == 0) ||
		    (len == base_len(name) && strncmp(p, name, len) == 0))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Every requested name must be a section or a field that nmcli knows for `device show`. */
static int check_fields(const char *fields, const char *const *known, size_t n_known, char **err)
{
	const char *p = fields;

	if (!fields || strcmp(fields, "all") == 0 || strcmp(fields, "common") == 0)
		return 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		bool ok = false;

		for (size_t i = 0; i < n_known && !ok; i++) {
			const char *dot = strchr(known[i], '.');

			ok = (strlen(known[i]) == len && strncmp(known[i], p, len) == 0) ||
			     (dot && (size_t)(dot - known[i]) == len &&
			      strncmp(known[i], p, len) == 0);
		}
		if (!ok) {
			*err = xasprintf("Error: invalid field '%.*s'.", (int)len, p);
			return -2;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static const char *const device_show_fields[] = {
    "GENERAL.DEVICE", "GENERAL.TYPE",	    "GENERAL.HWADDR",	"GENERAL.MTU",
    "GENERAL.STATE",  "GENERAL.CONNECTION", "GENERAL.CON-PATH", "WIRED-PROPERTIES.CARRIER",
    "IP4.ADDRESS",    "IP4.GATEWAY",	    "IP4.ROUTE",	"IP4.DNS",
    "IP4.DOMAIN",     "IP6.ADDRESS",	    "IP6.GATEWAY",	"IP6.ROUTE",
    "IP6.DNS",
};

/* -g and tabular -t escape the separator: ':' -> "\:", '\' -> "\\". */
static void put_escaped(struct fn_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == ':' || *s == '\\')
			fn_buf_puts(out, "\\");
		fn_buf_append(out, s, 1);
	}
}

static void print_fields(struct fn_buf *out, const struct nm_fields *f,
			 const struct fn_nmcli_fmt *fmt)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct nm_field *x = &f->v[i];

		if (!selected(fmt->fields, x->name))
			continue;
		if (fmt->values_only) {
			/* One line per field; the values of an indexed field joined by " | ". */
			size_t bl = base_len(x->name);

			put_escaped(out, x->value);
			while (i + 1 < f->n && base_len(f->v[i + 1].name) == bl &&
			       strncmp(f->v[i + 1].name, x->name, bl) == 0 &&
			       strchr(x->name, '[')) {
				fn_buf_puts(out, " | ");
				put_escaped(out, f->v[++i].value);
			}
			fn_buf_puts(out, "\n");
		} else if (fmt->terse) {
			fn_buf_printf(out, "%s:%s\n", x->name, x->value);
		} else {
			size_t start = out->len;

			fn_buf_printf(out, "%s:", x->name);
			while (out->len - start < 40)
				fn_buf_puts(out, " ");
			fn_buf_printf(out, "%s\n", x->value[0] ? x->value : "--");
		}
	}
}

int render_nmcli_device_show(const struct fn_identity *id, const char *ifname,
			     const struct fn_nmcli_fmt *fmt, struct fn_buf *out, char **err)
{
	struct nm_view v;
	int rc = check_fields(fmt->fields, device_show_fields, N_ELEMENTS(device_show_fields), err);
	bool first = true;

	if (rc)
		return rc;
	view_init(&v, id);
	if (ifname && !find_dev(&v, ifname)) {
		view_free(&v);
		return -1;
	}
	for (size_t i = 0; i < v.n; i++) {
		struct nm_fields f = {0};

		if (ifname && strcmp(ifname, v.devs[i].iface->name) != 0)
			continue;
		if (!first)
			fn_buf_puts(out, "\n");
		first = false;
		device_fields(&f, &v, &v.devs[i]);
		print_fields(out, &f, fmt);
		fields_free(&f);
	}
	view_free(&v);
	return 0;
}

/* ---- nmcli tables ---------------------------------------------------------------------------- */

#define TABLE_MAX_COLS 8

struct table {
	const char *const *heads;
	size_t n_cols;
	char **cells; /* row-major */
	size_t n_rows;
};

static void table_row(struct table *t, const char *const *values)
{
	t->cells = xreallocarray(t->cells, (t->n_rows + 1) * t->n_cols, sizeof(char *));
	for (size_t c = 0; c < t->n_cols; c++)
		t->cells[t->n_rows * t->n_cols + c] = xstrdup(values[c]);
	t->n_rows++;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* Pretty: every column padded to its widest cell, columns joined by two spaces, one trailing space.
 * Terse: "a:b:c" with ':' escaped; -g the same without a header. Empty cells print "--" when
 * pretty. */
static int table_print(const struct table *t, const struct fn_nmcli_fmt *fmt, struct fn_buf *out,
		       char **err)
{
	size_t cols[TABLE_MAX_COLS], n = 0, width[TABLE_MAX_COLS] = {0};
	int rc = check_fields(fmt->fields, t->heads, t->n_cols, err);

	if (rc)
		return rc;
	for (size_t c = 0; c < t->n_cols; c++)
		if (selected(fmt->fields, t->heads[c]) || !fmt->fields)
			cols[n++] = c;
	if (fmt->terse || fmt->values_only) {
		for (size_t r = 0; r < t->n_rows; r++) {
			for (size_t k = 0; k < n; k++) {
				if (k)
					fn_buf_puts(out, ":");
				put_escaped(out, t->cells[r * t->n_cols + cols[k]]);
			}
			fn_buf_puts(out, "\n");
		}
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		width[k] = strlen(t->heads[cols[k]]);
		for (size_t r = 0; r < t->n_rows; r++) {
			const char *cell = t->cells[r * t->n_cols + cols[k]];
			size_t len = cell[0] ? strlen(cell) : 2;

			if (len > width[k])
				width[k] = len;
		}
	}
	for (size_t r = 0; r <= t->n_rows; r++) {
		for (size_t k = 0; k < n; k++) {
			const char *cell =
			    r == 0 ? t->heads[cols[k]] : t->cells[(r - 1) * t->n_cols + cols[k]];

			fn_buf_printf(out, "%-*s%s", (int)width[k], cell[0] ? cell : "--",
				      k + 1 < n ? "  " : " ");
		}
		fn_buf_puts(out, "\n");
	}
	return 0;
}

int render_nmcli_device_status(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt,
			       struct fn_buf *out, char **err)
{
	static const char *const heads[] = {"DEVICE", "TYPE", "STATE", "CONNECTION"};
	struct table t = {heads, 4, NULL, 0};
	struct nm_view v;
	int rc;

	view_init(&v, id);
	for (size_t i = 0; i < v.n; i++) {
		const struct nm_dev *d = &v.devs[i];
		const char *row[] = {d->iface->name, nmcli_type(d->iface), nmcli_state(d, false),
				     d->conn};

		table_row(&t, row);
	}
	rc = table_print(&t, fmt, out, err);
	table_free(&t);
	view_free(&v);
	return rc;
}

int render_nmcli_general_status(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt,
				struct fn_buf *out, char **err)
{
	static const char *const heads[] = {"STATE", "CONNECTIVITY", "WIFI-HW",
					    "WIFI",  "WWAN-HW",	     "WWAN"};
	struct table t = {heads, 6, NULL, 0};
	struct nm_view v;
	bool local = false, wifi = false, global;
	int rc;

	view_init(&v, id);
	global = default_route(&v) != NULL;
	for (size_t i = 0; i < v.n; i++) {
		local |= v.devs[i].connected && !is_lo(v.devs[i].iface);
		wifi |= v.devs[i].iface->kind == FN_KIND_WIRELESS;
	}
	const char *row[] = {global  ? "connected"
			     : local ? "connected (local only)"
				     : "disconnected",
			     global  ? "full"
			     : local ? "limited"
				     : "none",
			     wifi ? "enabled" : "missing",
			     "enabled",
			     "missing",
			     "enabled"};

	table_row(&t, row);
	rc = table_print(&t, fmt, out, err);
	table_free(&t);
	view_free(&v);
	return rc;
}

/* A stable UUID for a profile (NM makes random ones; a fake must not change between runs). */
static void profile_uuid(const struct fn_identity *id, const char *name, char buf[40])
{
	unsigned long long h1 = 1469598103934665603ull, h2 = 1099511628211ull;
	const char *parts[] = {id->hostname, "/", name};

	for (size_t p = 0; p < 3; p++)
		for (const char *c = parts[p]; *c; c++) {
			h1 = (h1 ^ (unsigned char)*c) * 1099511628211ull;
			h2 = (h2 ^ (unsigned char)*c) * 1469598103934665603ull + 7;
		}
	snprintf(buf, 40, "%08llx-%04llx-4%03llx-%04llx-%012llx", h1 >> 32, (h1 >> 16) & 0xffff,
		 h1 & 0xfff, 0x8000 | ((h2 >> 48) & 0x3fff), h2 & 0xffffffffffffull);
}

int render_nmcli_connection_show(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt,
				 struct fn_buf *out, char **err)
{
	static const char *const heads[] = {"NAME", "UUID", "TYPE", "DEVICE"};
	struct table t = {heads, 4, NULL, 0};
	struct nm_view v;
	char uuid[40];
	int rc;

	view_init(&v, id);
	for (size_t i = 0; i < v.n; i++) {
		const struct nm_dev *d = &v.devs[i];

		if (!d->conn[0])
			continue;
		profile_uuid(id, d->conn, uuid);
		const char *row[] = {d->conn, uuid, nmcli_type(d->iface), d->iface->name};

		table_row(&t, row);
	}
	rc = table_print(&t, fmt, out, err);
	table_free(&t);
	view_free(&v);
	return rc;
}

/* ---- nmcli overview -------------------------------------------------------------------------- */

static void overview_routes(struct fn_buf *out, const struct nm_view *v, const struct nm_dev *d,
			    int family)
{
	const struct fn_rtable *rt = family == AF_INET ? &v->rt4 : &v->rt6;
	char dst[FN_IP_STRLEN], gw[FN_IP_STRLEN];

	for (size_t i = 0; i < rt->n; i++) {
		const struct fn_rt *r = &rt->v[i];

		if (!nm_route(d, r))
			continue;
		if (r->dst.prefix == 0 && r->has_gw)
			fn_buf_printf(out, "\troute%c default via %s metric %u\n",
				      family == AF_INET ? '4' : '6', fn_ip_format(&r->gw, gw),
				      r->metric);
		else
			fn_buf_printf(out, "\troute%c %s/%u metric %u\n",
				      family == AF_INET ? '4' : '6', fn_ip_format(&r->dst.ip, dst),
				      r->dst.prefix, r->metric);
	}
}

static void overview_device(struct fn_buf *out, const struct nm_view *v, const struct nm_dev *d)
{
	const struct fn_iface *iface = d->iface;
	struct fn_cidr addrs[NM_MAX_ADDRS];
	char mac[FN_MAC_STRLEN], ip[FN_IP_STRLEN];
	size_t n;

	if (d->connected)
		fn_buf_printf(out, "%s: %s to %s\n", iface->name, nmcli_state(d, false), d->conn);
	else
		fn_buf_printf(out, "%s: %s\n", iface->name, nmcli_state(d, false));
	fn_buf_printf(out, "\t\"%s\"\n", iface->name);
	fn_buf_printf(out, "\t%s (%s), %s, %s, mtu %u\n", nmcli_type(iface),
		      iface->driver[0] ? iface->driver : "unknown",
		      fn_mac_format(&iface->mac, true, mac),
		      iface->kind == FN_KIND_VETH || is_lo(iface) ? "sw" : "hw", iface->mtu);
	if (!d->connected)
		return;
	if (d->is_default)
		fn_buf_puts(out, "\tip4 default\n");
	n = fn_iface_addrs(iface, AF_INET, addrs, NM_MAX_ADDRS);
	for (size_t i = 0; i < n && i < NM_MAX_ADDRS; i++)
		fn_buf_printf(out, "\tinet4 %s/%u\n", fn_ip_format(&addrs[i].ip, ip),
			      addrs[i].prefix);
	overview_routes(out, v, d, AF_INET);
	n = fn_iface_addrs(iface, AF_INET6, addrs, NM_MAX_ADDRS);
	for (size_t i = 0; i < n && i < NM_MAX_ADDRS; i++)
		fn_buf_printf(out, "\tinet6 %s/%u\n", fn_ip_format(&addrs[i].ip, ip),
			      addrs[i].prefix);
	overview_routes(out, v, d, AF_INET6);
}

void render_nmcli_overview(const struct fn_identity *id, struct fn_buf *out)
{
	struct nm_view v;
	char ip[FN_IP_STRLEN];

	view_init(&v, id);
	for (size_t i = 0; i < v.n; i++) {
		overview_device(out, &v, &v.devs[i]);
		fn_buf_puts(out, "\n");
	}
	for (size_t i = 0; i < v.n; i++) {
		if (!v.devs[i].has_dns)
			continue;
		fn_buf_puts(out, "DNS configuration:\n\tservers:");
		for (size_t k = 0; k < id->n_nameservers; k++)
			fn_buf_printf(out, " %s", fn_ip_format(&id->nameservers[k], ip));
		fn_buf_puts(out, "\n");
		if (id->n_dns_search) {
			fn_buf_puts(out, "\tdomains:");
			for (size_t k = 0; k < id->n_dns_search; k++)
				fn_buf_printf(out, " %s", id->dns_search[k]);
			fn_buf_puts(out, "\n");
		}
		fn_buf_printf(out, "\tinterface: %s\n\n", v.devs[i].iface->name);
	}
	fn_buf_puts(out,
		    "Use \"nmcli device show\" to get complete information about known devices "
		    "and\n\"nmcli connection show\" to get an overview on active connection "
		    "profiles.\n\nConsult nmcli(1) and nmcli-examples(7) manual pages for "
		    "complete usage details.\n");
	view_free(&v);
}
