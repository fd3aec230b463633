/* Name lookups of the names the identity's /etc/hosts holds. glibc's resolver reads /etc/hosts
 * through its own internal calls, which no interposed open() sees, so these answer from the model
 * and never reach DNS; every other name goes to libc. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "derive.h"
#include "preload.h"

struct host_answer {
	struct hostent h;
	char name[256];
	char *aliases[1];
	char *addrs[2];
	unsigned char addr[16];
};

static __thread struct host_answer answer;

static bool known_name(const struct fn_identity *id, const char *name)
{
	struct fn_ip ip;

	return fn_hosts_addr_for(id, name, AF_INET, &ip) ||
	       fn_hosts_addr_for(id, name, AF_INET6, &ip);
}

static struct hostent *fill(const char *name, const struct fn_ip *ip)
{
	size_t len = ip->family == AF_INET ? 4 : 16;

	memset(&answer, 0, sizeof(answer));
	snprintf(answer.name, sizeof(answer.name), "%s", name);
	memcpy(answer.addr, ip->bytes, len);
	answer.addrs[0] = (char *)answer.addr;
	answer.h.h_name = answer.name;
	answer.h.h_aliases = answer.aliases;
	answer.h.h_addrtype = ip->family;
	answer.h.h_length = (int)len;
	answer.h.h_addr_list = answer.addrs;
	return &answer.h;
}

/* Returns the answer, NULL with h_errno set, or NULL with *handled false for libc to answer. */
static struct hostent *by_name(const char *name, int family, bool *handled)
{
	const struct fn_preload *st = fn_preload_view_state();
	struct fn_ip ip;

	*handled = st && name && known_name(st->id, name);
	if (!*handled)
		return NULL;
	if (!fn_hosts_addr_for(st->id, name, family, &ip)) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	return fill(name, &ip);
}

FN_EXPORT struct hostent *gethostbyname2(const char *name, int family)
{
	bool handled;
	struct hostent *h = by_name(name, family, &handled);

	return handled ? h : FN_REAL(gethostbyname2)(name, family);
}

FN_EXPORT struct hostent *gethostbyname(const char *name)
{
	bool handled;
	struct hostent *h = by_name(name, AF_INET, &handled);

	return handled ? h : FN_REAL(gethostbyname)(name);
}

FN_EXPORT struct hostent *gethostbyaddr(const void *addr, socklen_t len, int family)
{
	const struct fn_preload *st = fn_preload_view_state();
	struct fn_ip ip = {.family = family};
	char name[256];

	if (!st || !addr || (family != AF_INET && family != AF_INET6) ||
	    len != (family == AF_INET ? 4u : 16u))
		return FN_REAL(gethostbyaddr)(addr, len, family);
	memcpy(ip.bytes, addr, len);
	if (!fn_hosts_name_for(st->id, &ip, name, sizeof(name)))
		return FN_REAL(gethostbyaddr)(addr, len, family);
	return fill(name, &ip);
}

/* One result, allocated as glibc does (the address inside the addrinfo's block), so libc's own
 * freeaddrinfo releases it. */
static struct addrinfo *one_result(const struct fn_ip *ip, const struct addrinfo *hints,
				   const char *service)
{
	size_t salen =
	    ip->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	struct addrinfo *ai = calloc(1, sizeof(*ai) + salen);
	unsigned short port = service ? htons((unsigned short)atoi(service)) : 0;

	if (!ai)
		return NULL;
	ai->ai_family = ip->family;
	ai->ai_socktype = hints && hints->ai_socktype ? hints->ai_socktype : SOCK_STREAM;
	ai->ai_protocol = hints ? hints->ai_protocol : 0;
	ai->ai_addrlen = (socklen_t)salen;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	if (ip->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;

		sin->sin_family = AF_INET;
		sin->sin_port = port;
		memcpy(&sin->sin_addr, ip->bytes, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ai->ai_addr;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		memcpy(&sin6->sin6_addr, ip->bytes, 16);
	}
	return ai;
}

FN_EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			  struct addrinfo **res)
{
	const struct fn_preload *st = fn_preload_view_state();
	int family = hints ? hints->ai_family : AF_UNSPEC;
	struct addrinfo *head = NULL, **tail = &head;
	static const int order[] = {AF_INET6, AF_INET};

	if (!st || !node || !known_name(st->id, node) ||
	    (service && strspn(service, "0123456789") != strlen(service)))
		return FN_REAL(getaddrinfo)(node, service, hints, res);
	for (size_t i = 0; i < 2; i++) {
		struct fn_ip ip;

		if ((family != AF_UNSPEC && family != order[i]) ||
		    !fn_hosts_addr_for(st->id, node, order[i], &ip))
			continue;
		*tail = one_result(&ip, hints, service);
		if (!*tail)
			break;
		tail = &(*tail)->ai_next;
	}
	if (!head)
		return EAI_NONAME;
	*res = head;
	return 0;
}
