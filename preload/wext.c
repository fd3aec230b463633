/* Wireless extensions, the way net/wireless/wext-compat.c serves a managed (station) interface of
 * a mac80211 driver: associated with the identity's access point while up, nothing while down. A
 * link the identity has but not wireless has no wireless extensions (EOPNOTSUPP), one it does not
 * have no device (ENODEV). Fields the kernel leaves alone are left as the caller set them. */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/capability.h>
#include <linux/wireless.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "derive.h"
#include "wext.h"
#include "util.h"

/* mac80211's defaults: no RTS or fragmentation threshold, short and long retry limits 7 and 4. */
#define RETRY_SHORT 7
#define RETRY_LONG  4

/* The channels an iwlwifi card lists in its range, 2.4 GHz first, as many as wext has room for. */
static const unsigned range_channels[] = {1,   2,   3,	 4,   5,   6,	7,   8,	  9,   10, 11,
					  12,  13,  36,	 40,  44,  48,	52,  56,  60,  64, 100,
					  104, 108, 112, 116, 120, 124, 128, 132, 136, 140};

bool fn_preload_is_wext(unsigned long req)
{
	switch (req) {
	case SIOCGIWNAME:
	case SIOCGIWNWID:
	case SIOCGIWFREQ:
	case SIOCGIWMODE:
	case SIOCGIWSENS:
	case SIOCGIWRANGE:
	case SIOCGIWSTATS:
	case SIOCGIWAP:
	case SIOCGIWESSID:
	case SIOCGIWNICKN:
	case SIOCGIWRATE:
	case SIOCGIWRTS:
	case SIOCGIWFRAG:
	case SIOCGIWTXPOW:
	case SIOCGIWRETRY:
	case SIOCGIWENCODE:
	case SIOCGIWPOWER:
	case SIOCGIWAUTH:
	case SIOCGIWGENIE:
	case SIOCGIWENCODEEXT:
		return true;
	}
	return false;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* The key requests are for CAP_NET_ADMIN alone (IW_DESCR_FLAG_RESTRICT). */
static bool net_admin(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};

	if (syscall(SYS_capget, &h, d) != 0)
		return false;
	return d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32));
}

/* A pointer request's data: too small a buffer is E2BIG, as wext-core answers. */
static int put_point(struct iw_point *p, const void *data, size_t len)
{
	if (len && !p->pointer)
		return fail(EFAULT);
	if (p->length < len)
		return fail(E2BIG);
	if (len)
		memcpy(p->pointer, data, len);
	p->length = (__u16)len;
	return 0;
}

static void range_of(struct iw_range *r)
{
	size_t n = N_ELEMENTS(range_channels);

	memset(r, 0, sizeof(*r));
	r->we_version_compiled = WIRELESS_EXT;
	r->we_version_source = 21;
	r->retry_capa = IW_RETRY_LIMIT;
	r->retry_flags = IW_RETRY_LIMIT;
	r->max_retry = 255;
	r->max_rts = 2347;
	r->min_frag = 256;
	r->max_frag = 2346;
	r->max_encoding_tokens = 4;
	/* mac80211 reports signal in mBm. */
	r->max_qual.level = (__u8)-110;
	r->max_qual.qual = 70;
	r->avg_qual.qual = 35;
	r->max_qual.updated =
	    IW_QUAL_NOISE_INVALID | IW_QUAL_DBM | IW_QUAL_QUAL_UPDATED | IW_QUAL_LEVEL_UPDATED;
	r->avg_qual.level = r->max_qual.level / 2;
	r->avg_qual.updated = r->max_qual.updated;
	/* iwlwifi's ciphers: WEP40, WEP104, TKIP and CCMP among them. */
	r->enc_capa =
	    IW_ENC_CAPA_CIPHER_TKIP | IW_ENC_CAPA_WPA | IW_ENC_CAPA_CIPHER_CCMP | IW_ENC_CAPA_WPA2;
	r->encoding_size[r->num_encoding_sizes++] = 5;
	r->encoding_size[r->num_encoding_sizes++] = 13;
	for (size_t i = 0; i < n && i < IW_MAX_FREQUENCIES; i++) {
		unsigned ch = range_channels[i];

		r->freq[i].i = (__u8)ch;
		r->freq[i].m = (__s32)(ch <= 14 ? 2407 + 5 * ch : 5000 + 5 * ch);
		r->freq[i].e = 6;
	}
	r->num_channels = r->num_frequency =
	    (__u8)(n < IW_MAX_FREQUENCIES ? n : IW_MAX_FREQUENCIES);
	IW_EVENT_CAPA_SET_KERNEL(r->event_capa);
	IW_EVENT_CAPA_SET(r->event_capa, SIOCGIWAP);
	IW_EVENT_CAPA_SET(r->event_capa, SIOCGIWSCAN);
	r->scan_capa = IW_SCAN_CAPA_ESSID;
}

/* cfg80211_wireless_stats: the signal as level and quality; noise invalid. */
static int stats_of(const struct fn_iface *iface, struct iw_point *p)
{
	struct iw_statistics st = {0};
	int dbm, q;

	if (!fn_iface_wireless_signal(iface, &dbm))
		return fail(EOPNOTSUPP);
	q = dbm < -110 ? -110 : dbm > -40 ? -40 : dbm;
	st.qual.level = (__u8)dbm;
	st.qual.qual = (__u8)(q + 110);
	st.qual.updated =
	    IW_QUAL_LEVEL_UPDATED | IW_QUAL_QUAL_UPDATED | IW_QUAL_DBM | IW_QUAL_NOISE_INVALID;
	return put_point(p, &st, sizeof(st));
}

static int answer(const struct fn_iface *iface, unsigned long req, struct iwreq *w)
{
	const struct fn_wireless *wl = &iface->wireless;
	bool assoc = iface->up;
	struct iw_range range;

	switch (req) {
	case SIOCGIWNAME:
		snprintf(w->u.name, sizeof(w->u.name), "IEEE 802.11");
		return 0;
	case SIOCGIWFREQ:
		if (!assoc)
			return fail(EINVAL);
		w->u.freq.m = (__s32)wl->freq_mhz;
		w->u.freq.e = 6;
		return 0;
	case SIOCGIWMODE:
		w->u.mode = IW_MODE_INFRA;
		return 0;
	case SIOCGIWRANGE:
		range_of(&range);
		return put_point(&w->u.data, &range, sizeof(range));
	case SIOCGIWSTATS:
		return stats_of(iface, &w->u.data);
	case SIOCGIWAP:
		w->u.ap_addr.sa_family = ARPHRD_ETHER;
		memset(w->u.ap_addr.sa_data, 0, 6);
		if (assoc)
			memcpy(w->u.ap_addr.sa_data, wl->bssid.b, 6);
		return 0;
	case SIOCGIWESSID:
		w->u.essid.flags = assoc ? 1 : 0;
		return put_point(&w->u.essid, wl->ssid, assoc ? strlen(wl->ssid) : 0);
	case SIOCGIWRATE:
		if (!assoc)
			return fail(EOPNOTSUPP);
		w->u.bitrate.value = (__s32)(wl->bitrate * 100000);
		return 0;
	case SIOCGIWRTS:
	case SIOCGIWFRAG:
		w->u.param.value = -1;
		w->u.param.disabled = 1;
		w->u.param.fixed = 1;
		return 0;
	case SIOCGIWTXPOW:
		if ((w->u.txpower.flags & IW_TXPOW_TYPE) != IW_TXPOW_DBM ||
		    (w->u.txpower.flags & IW_TXPOW_RANGE) || !assoc)
			return fail(EINVAL);
		w->u.txpower.fixed = 1;
		w->u.txpower.disabled = 0;
		w->u.txpower.value = wl->tx_power_dbm;
		w->u.txpower.flags = IW_TXPOW_DBM;
		return 0;
	case SIOCGIWRETRY:
		w->u.retry.disabled = 0;
		if (w->u.retry.flags == 0 || (w->u.retry.flags & IW_RETRY_SHORT)) {
			w->u.retry.flags |= IW_RETRY_LIMIT | IW_RETRY_SHORT;
			w->u.retry.value = RETRY_SHORT;
		} else if (w->u.retry.flags & IW_RETRY_LONG) {
			w->u.retry.flags = IW_RETRY_LIMIT | IW_RETRY_LONG;
			w->u.retry.value = RETRY_LONG;
		}
		return 0;
	case SIOCGIWENCODE:
		/* The supplicant holds the WPA keys; wext knows of no WEP key. */
		if (!net_admin())
			return fail(EPERM);
		w->u.encoding.flags = 1 | IW_ENCODE_DISABLED;
		return put_point(&w->u.encoding, NULL, 0);
	case SIOCGIWPOWER:
		/* Power saving is on by default (CONFIG_CFG80211_DEFAULT_PS). */
		w->u.power.disabled = 0;
		return 0;
	}
	/* NWID, sensitivity, nickname, auth, IEs: cfg80211 has no handler. */
	return fail(EOPNOTSUPP);
}

int fn_preload_wext(const struct fn_identity *id, unsigned long req, void *arg)
{
	struct iwreq *w = arg;
	const struct fn_iface *iface;
	char name[IFNAMSIZ];

	memcpy(name, w->ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	iface = fn_identity_iface_by_name(id, name);
	if (!iface)
		return fail(ENODEV);
	if (iface->kind != FN_KIND_WIRELESS)
		return fail(EOPNOTSUPP);
	return answer(iface, req, w);
}
