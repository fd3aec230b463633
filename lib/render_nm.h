/* NetworkManager's views of the identity: nm-tool (NM 0.9) and nmcli (NM 1.42) text, rendered as a
 * NetworkManager that manages every up interface with one profile each would print it. */
#pragma once

#include <stdbool.h>

#include "buf.h"
#include "identity.h"

/* nm-tool's whole report (it takes no arguments that change it). */
void render_nm_tool(const struct fn_identity *id, struct fn_buf *out);

/* How nmcli prints: -t (terse), -g (values only), -f/-g field selection ("IP4", "GENERAL.HWADDR",
 * comma-separated; NULL or "all" for the default set). */
struct fn_nmcli_fmt {
	bool terse;
	bool values_only;
	const char *fields;
};

/* `nmcli device show [IF]`. Returns 0; -1 when IF is not a device; -2 when a field name is not
 * known (with nmcli's error text in `err`, caller frees). */
int render_nmcli_device_show(const struct fn_identity *id, const char *ifname,
			     const struct fn_nmcli_fmt *fmt, struct fn_buf *out, char **err);
/* `nmcli device [status]`: the DEVICE TYPE STATE CONNECTION table. Same returns (no -1). */
int render_nmcli_device_status(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt,
			       struct fn_buf *out, char **err);
/* `nmcli general [status]`. */
int render_nmcli_general_status(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt,
				struct fn_buf *out, char **err);
/* `nmcli connection [show]`: one profile per connected device. */
int render_nmcli_connection_show(const struct fn_identity *id, const struct fn_nmcli_fmt *fmt,
				 struct fn_buf *out, char **err);
/* `nmcli` alone: the per-device overview, the DNS configuration and the closing hints. */
void render_nmcli_overview(const struct fn_identity *id, struct fn_buf *out);
