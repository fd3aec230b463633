/* getsockname(): the UDP "connect, then ask for the local address" idiom (and any connected
 * socket) gives the source address the identity's routes pick for the peer, as the identity's
 * kernel would, instead of the host's. Unconnected, loopback and unroutable sockets keep the
 * kernel's answer. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "derive.h"
#include "netaddr.h"
#include "preload.h"

static bool to_ip(const struct sockaddr_storage *sa, struct fn_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (sa->ss_family == AF_INET) {
		ip->family = AF_INET;
		memcpy(ip->bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->ss_family == AF_INET6) {
		ip->family = AF_INET6;
		memcpy(ip->bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

static bool is_loopback(const struct fn_ip *ip)
{
	static const unsigned char v6_lo[16] = {[15] = 1};

	return ip->family == AF_INET ? ip->bytes[0] == 127 : memcmp(ip->bytes, v6_lo, 16) == 0;
}

/* The identity's source address towards the socket's peer, or false to keep the kernel's. */
static bool identity_source(int fd, const struct sockaddr_storage *local, struct fn_ip *src)
{
	const struct fn_preload *st;
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	struct fn_ip here, there;
	struct fn_rt rt;

	if (!to_ip(local, &here) || fn_ip_is_zero(&here) || is_loopback(&here))
		return false;
	if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0 ||
	    peer.ss_family != local->ss_family || !to_ip(&peer, &there) || is_loopback(&there))
		return false;
	st = fn_preload_state();
	return st && fn_route_lookup(st->id, &there, &rt, src) && src->family == here.family;
}

FN_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_storage local;
	socklen_t n = sizeof(local);
	struct fn_ip src;
	int err;

	if (!addr || !len)
		return FN_REAL(getsockname)(fd, addr, len);
	if (FN_REAL(getsockname)(fd, (struct sockaddr *)&local, &n) < 0)
		return -1;
	err = errno;
	if (identity_source(fd, &local, &src)) {
		if (src.family == AF_INET)
			memcpy(&((struct sockaddr_in *)&local)->sin_addr, src.bytes, 4);
		else
			memcpy(&((struct sockaddr_in6 *)&local)->sin6_addr, src.bytes, 16);
	}
	errno = err;
	memcpy(addr, &local, n < *len ? n : *len);
	*len = n;
	return 0;
}
