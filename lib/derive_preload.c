/* What the interface ioctls report beyond the link facts (ETHTOOL_GDRVINFO): the driver's
 * answer for each kind of interface the identity knows. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "derive.h"

bool fn_iface_drvinfo(const struct fn_iface *iface, struct fn_drvinfo *out)
{
	bool pci = iface->kind == FN_KIND_ETHERNET || iface->kind == FN_KIND_WIRELESS;
	struct utsname u;

	memset(out, 0, sizeof(*out));
	if (iface->kind == FN_KIND_LOOPBACK)
		return false;
	snprintf(out->driver, sizeof(out->driver), "%s", iface->driver);
	/* veth names its own version; in-tree PCI drivers leave it to the core (the kernel's). */
	if (!pci)
		snprintf(out->version, sizeof(out->version), "1.0");
	else if (uname(&u) == 0)
		snprintf(out->version, sizeof(out->version), "%s", u.release);
	if (pci)
		snprintf(out->fw_version, sizeof(out->fw_version), "%s",
			 fn_iface_nic_model(iface)->fw);
	if (pci)
		snprintf(out->bus_info, sizeof(out->bus_info), "%s", iface->pci_slot);
	out->n_stats = (unsigned)fn_iface_ethtool_stats(iface, NULL, NULL, 0);
	out->supports_test = out->supports_eeprom = out->supports_regdump =
	    out->supports_priv_flags = iface->kind == FN_KIND_ETHERNET;
	return true;
}
