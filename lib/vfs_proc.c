/* /proc/net in the virtual tree: the files the identity defines; every other entry comes from the
 * reader's own /proc/PID/net through the directory's passthrough. */
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "render.h"
#include "util.h"
#include "vfs.h"
#include "vfs_build.h"

typedef void (*proc_renderer)(const struct fn_identity *id, struct fn_buf *out);

static const struct {
	const char *name;
	proc_renderer render;
} proc_net_files[] = {
    {"route", render_proc_net_route},
    {"arp", render_proc_net_arp},
    {"dev", render_proc_net_dev},
    {"if_inet6", render_proc_net_if_inet6},
    {"ipv6_route", render_proc_net_ipv6_route},
    {"fib_trie", render_proc_net_fib_trie},
    {"dev_mcast", render_proc_net_dev_mcast},
    {"wireless", render_proc_net_wireless},
};

/* The kernel's UTS name: run sets it in its UTS namespace, and the preload library, which has
 * none, answers with this file. */
static void add_hostname(struct fn_vfs *vfs, const struct fn_identity *id)
{
	struct fn_node *sys, *kernel;
	char *text;

	if (!id->hostname[0])
		return;
	sys = fn_vfs_add_dir(vfs, fn_vfs_lookup(vfs, "/proc"), "sys", 0555);
	kernel = fn_vfs_add_dir(vfs, sys, "kernel", 0555);
	text = xasprintf("%s\n", id->hostname);
	fn_vfs_add_file(vfs, kernel, "hostname", 0644, FN_FILE_PROCFS, text, strlen(text));
}

void fn_vfs_build_proc(struct fn_vfs *vfs, const struct fn_identity *id)
{
	struct fn_node *proc = fn_vfs_mkdir_p(vfs, "/proc");
	struct fn_node *net;

	/* procfs directories are r-x for everyone. */
	proc->mode = 0555;
	net = fn_vfs_add_dir(vfs, proc, "net", 0555);
	free(net->passthrough);
	net->passthrough = xstrdup("/proc/%d/net");
	for (size_t i = 0; i < N_ELEMENTS(proc_net_files); i++) {
		struct fn_buf b;
		size_t len;
		char *text;

		/* Without a wireless link the kernel's own file (if its config has one) shows. */
		if (proc_net_files[i].render == render_proc_net_wireless &&
		    !fn_identity_has_wireless(id))
			continue;

		fn_buf_init(&b);
		proc_net_files[i].render(id, &b);
		text = fn_buf_steal(&b, &len);
		fn_vfs_add_file(vfs, net, proc_net_files[i].name, 0444, FN_FILE_PROCFS, text, len);
	}
	add_hostname(vfs, id);
}

void fn_vfs_proc_follow_kernel(struct fn_vfs *vfs)
{
	struct fn_node *net = fn_vfs_lookup(vfs, "/proc/net");

	for (size_t i = 0; net && i < net->n_children; i++) {
		struct fn_node *n = net->children[i];
		char *tmpl;

		/* A veth has no wireless extensions: that file stays the identity's. */
		if (strcmp(n->name, "wireless") == 0)
			continue;
		tmpl = xasprintf("/proc/%%d/net/%s", n->name);
		fn_vfs_read_real(n, tmpl);
		free(tmpl);
	}
}
