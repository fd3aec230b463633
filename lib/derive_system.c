/* Facts derived from the identity's `system:`, each computed here once for every view that shows
 * it (sysfs, the check's facts). */
#include <stdio.h>

#include "derive.h"

const char *fn_uuid_text(const uint8_t u[16], char buf[FN_UUID_STRLEN])
{
	snprintf(buf, FN_UUID_STRLEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	return buf;
}

const char *fn_dmi_uuid_text(const struct fn_dmi *dmi, char buf[FN_UUID_STRLEN])
{
	return fn_uuid_text(dmi->uuid, buf);
}
