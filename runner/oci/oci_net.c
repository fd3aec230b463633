/* Under a kernel mode the container's own network namespace holds the identity, built by the
 * same code as `fakenet run --net isolated/nat` (netns.c). What the engine put there first (its
 * eth0 and addresses) is parked, for the container's life, in a namespace only the server holds,
 * out of the container's sight and clear of the identity's names and ifindexes; when the
 * container ends the identity's links go and the engine's come back, so the engine's own
 * teardown finds them where it left them. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "oci.h"
#include "rtnl.h"
#include "util.h"

/* The links of a namespace other than its loopback: ifindexes, and names for messages. */
struct link_list {
	int idx[64];
	char name[64][IFNAMSIZ];
	size_t n;
};

static void saw_link(const struct nlmsghdr *h, void *arg)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct link_list *l = arg;
	struct rtattr *tb[IFLA_MAX + 1];

	if ((ifi->ifi_flags & IFF_LOOPBACK) || l->n == N_ELEMENTS(l->idx))
		return;
	fn_nl_parse(h, sizeof(*ifi), tb, IFLA_MAX);
	snprintf(l->name[l->n], IFNAMSIZ, "%s",
		 tb[IFLA_IFNAME] ? (const char *)RTA_DATA(tb[IFLA_IFNAME]) : "?");
	l->idx[l->n++] = ifi->ifi_index;
}

static int list_links(struct fn_rtnl *nl, struct link_list *l)
{
	struct fn_nlmsg m;

	l->n = 0;
	fn_nl_start(&m, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	return fn_rtnl_dump(nl, &m, saw_link, l);
}

/* Moves every link but loopback of `from`'s namespace into `to_ns`, a list's worth at a time. */
static int move_links(struct fn_rtnl *from, int to_ns, struct fn_report *rep)
{
	struct link_list l;
	int err;

	do {
		if ((err = list_links(from, &l))) {
			return fn_fail(rep, err, "listing the container's links");
		}
		for (size_t i = 0; i < l.n; i++) {
			struct fn_nlmsg m;
			struct ifinfomsg *ifi = fn_nl_start(&m, RTM_NEWLINK, 0, sizeof(*ifi));

			ifi->ifi_index = l.idx[i];
			fn_nl_put_u32(&m, IFLA_NET_NS_FD, (uint32_t)to_ns);
			if ((err = fn_rtnl_talk(from, &m))) {
				return fn_fail(
				    rep, err,
				    "moving the engine's link %s out of the container's sight "
				    "(%s=host keeps the engine's network)",
				    l.name[i], FN_OCI_NET_ANNOTATION);
			}
		}
	} while (l.n == N_ELEMENTS(l.idx));
	return 0;
}

struct open_job {
	struct fn_oci_net *on;
	int err;
};

/* A netlink socket stays in the namespace it was opened in: one in the container's, one in a new
 * parking namespace, both opened on a passing thread so the server's own never changes. */
static void *open_on_thread(void *arg)
{
	struct open_job *j = arg;
	struct fn_oci_net *on = j->on;

	if (setns(on->container_fd, CLONE_NEWNET) < 0 || (j->err = fn_rtnl_open(&on->target_nl)) ||
	    unshare(CLONE_NEWNET) < 0 || (j->err = fn_rtnl_open(&on->park_nl)))
		j->err = j->err ? j->err : -errno;
	else if ((on->park_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		j->err = -errno;
	return NULL;
}

static int open_namespaces(struct fn_oci_net *on, pid_t pid, struct fn_report *rep)
{
	struct open_job j = {.on = on};
	char path[64];
	pthread_t t;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	on->container_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (on->container_fd < 0) {
		return fn_fail(rep, -errno, "opening %s", path);
	}
	if ((err = pthread_create(&t, NULL, open_on_thread, &j))) {
		return fn_fail(rep, -err, "starting a thread");
	}
	pthread_join(t, NULL);
	if (j.err)
		return fn_fail(rep, j.err, "opening the container's network namespace");
	return 0;
}

void fn_oci_net_init(struct fn_oci_net *on)
{
	memset(on, 0, sizeof(*on));
	on->container_fd = on->park_fd = -1;
	on->target_nl.fd = on->park_nl.fd = -1;
	fn_net_init(&on->net);
}

int fn_oci_net_up(struct fn_oci_net *on, pid_t pid, struct fn_report *rep)
{
	int err = open_namespaces(on, pid, rep);

	/* From here on down gives back whatever was moved, even if not all of it could be. */
	on->parked = !err;
	if (!err)
		err = move_links(&on->target_nl, on->park_fd, rep);
	if (!err) {
		on->built = true;
		on->net.adopt_fd = on->container_fd;
		err = fn_net_isolate(&on->net, on->id, rep);
	}
	if (!err)
		err = fn_net_serve(&on->net, on->id, rep);
	if (!err)
		err = fn_net_wait_egress(&on->net, NULL, 0, rep);
	return err;
}

/* The identity's links go first (a veth takes its peer with it), so the engine's come back under
 * their names and, where free, their ifindexes. Before the build the container's links are all
 * the engine's. */
static void restore_links(struct fn_oci_net *on)
{
	struct fn_report ignored; /* best effort: the server is on its way out */

	for (size_t i = 1; on->built && i < on->id->n_ifaces; i++) {
		struct fn_nlmsg m;
		struct ifinfomsg *ifi = fn_nl_start(&m, RTM_DELLINK, 0, sizeof(*ifi));

		ifi->ifi_index = on->id->ifaces[i].ifindex;
		fn_rtnl_talk(&on->target_nl, &m);
	}
	move_links(&on->park_nl, on->container_fd, &ignored);
}

void fn_oci_net_down(struct fn_oci_net *on)
{
	fn_net_release(&on->net);
	if (on->parked)
		restore_links(on);
	on->parked = on->built = false;
	fn_rtnl_close(&on->target_nl);
	fn_rtnl_close(&on->park_nl);
	if (on->park_fd >= 0)
		close(on->park_fd);
	if (on->container_fd >= 0)
		close(on->container_fd);
	on->park_fd = on->container_fd = -1;
}
