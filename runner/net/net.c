/* The state of a run under a namespace mode (net.h): set up empty, --publish parsed into it, the
 * descriptors only the runner holds, and closing it all. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "util.h"

void fn_net_init(struct fn_net *net)
{
	memset(net, 0, sizeof(*net));
	net->peer_fd = net->target_fd = net->log_fd = net->diag_fd = net->follow_diag_fd = -1;
	net->adopt_fd = net->neighd_fd = -1;
	net->connlog_sock[0] = net->connlog_sock[1] = -1;
}

bool fn_net_parse_publish(struct fn_net *net, const char *arg)
{
	struct fn_publish p = {.addr = "127.0.0.1"};
	const char *ports = arg, *colon = strrchr(arg, ':');
	unsigned long a, b = 0;
	char *end;

	if (net->n_publish == FN_NET_MAX_PUBLISH)
		return false;
	/* ADDR:PORT:TARGET, ADDR:PORT, PORT:TARGET or PORT: an address has a dot or brackets. */
	if (colon && (strchr(arg, '.') || arg[0] == '[')) {
		const char *first = strchr(arg, ':');
		size_t alen;

		if (arg[0] == '[') {
			const char *close = strchr(arg, ']');

			if (!close || close[1] != ':')
				return false;
			alen = (size_t)(close - arg - 1);
			ports = close + 2;
			if (alen >= sizeof(p.addr))
				return false;
			memcpy(p.addr, arg + 1, alen);
			p.addr[alen] = '\0';
		} else {
			alen = (size_t)(first - arg);
			if (alen >= sizeof(p.addr))
				return false;
			memcpy(p.addr, arg, alen);
			p.addr[alen] = '\0';
			ports = first + 1;
		}
	}
	a = strtoul(ports, &end, 10);
	if (*end == ':')
		b = strtoul(end + 1, &end, 10);
	else
		b = a;
	if (*end || a == 0 || a > 65535 || b == 0 || b > 65535)
		return false;
	p.port = (uint16_t)a;
	p.target_port = (uint16_t)b;
	net->publish[net->n_publish++] = p;
	return true;
}

void fn_net_hold(struct fn_net *net, int fd)
{
	if (fd >= 0 && net->n_held < FN_NET_MAX_HELD)
		net->held[net->n_held++] = fd;
}

int fn_net_start_thread(void *(*fn)(void *), void *arg, size_t stack)
{
	pthread_attr_t attr;
	pthread_t t;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (stack)
		pthread_attr_setstacksize(&attr, stack);
	err = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -err;
}

void fn_net_release(struct fn_net *net)
{
	int *fds[] = {&net->peer_fd, &net->target_fd, &net->connlog_sock[0], &net->connlog_sock[1],
		      &net->neighd_fd};

	if (net->filter)
		fn_filter_stop(net->filter);

	for (size_t i = 0; i < N_ELEMENTS(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}
