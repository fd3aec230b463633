/* The view's plan (plan.h): overlays of the tree over the real paths, and the shim over the real
 * tools. Only computed here; the init (run) or the hook's mounter (oci) applies it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fakefs/fakefs.h"
#include "plan.h"
#include "util.h"

/* The tools the shim answers to by default; sudo only when asked for by name. */
static const char *const default_tools[] = {"route",   "arp",	   "ifconfig", "netstat",
					    "ip",      "hostname", "nm-tool",  "nmcli",
					    "ethtool", "curl",	   "wget"};

static bool known_tool(const char *name)
{
	if (strcmp(name, "sudo") == 0)
		return true;
	for (size_t i = 0; i < sizeof(default_tools) / sizeof(default_tools[0]); i++)
		if (strcmp(name, default_tools[i]) == 0)
			return true;
	return false;
}

static bool real_tool_exists(const char *name)
{
	char *path = xstrdup(FN_DEFAULT_PATH), *save = NULL;
	bool found = false;

	for (char *dir = strtok_r(path, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *candidate = xasprintf("%s/%s", dir, name);

		found = access(candidate, X_OK) == 0;
		free(candidate);
	}
	free(path);
	return found;
}

int fn_plan_select_tools(struct fn_tool_plan *tp, char *spec)
{
	char *save = NULL;

	if (strcmp(spec, "none") == 0)
		return 0;
	if (strcmp(spec, "all") == 0) {
		for (size_t i = 0; i < sizeof(default_tools) / sizeof(default_tools[0]); i++)
			tp->tools[tp->n_tools++] = default_tools[i];
		/* A real sudo keeps its own policy; where there is none, the shim lets scripts
		 * that say `sudo nm-tool` work. */
		if (!real_tool_exists("sudo"))
			tp->tools[tp->n_tools++] = "sudo";
		return 0;
	}
	for (char *t = strtok_r(spec, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!known_tool(t)) {
			fn_warn("run: --shims: no shim for '%s'", t);
			return -1;
		}
		if (tp->n_tools < FN_MAX_SHIM_TOOLS)
			tp->tools[tp->n_tools++] = t;
	}
	return 0;
}

static void add_overlay(struct fn_child_plan *plan, const char *tree_path, const char *target,
			bool nofollow, bool read_only, bool optional)
{
	if (plan->n_overlays == FN_MAX_OVERLAYS)
		return;
	plan->overlays[plan->n_overlays++] = (struct fn_overlay){
	    .tree_path = tree_path,
	    .target = target,
	    .nofollow = nofollow,
	    .read_only = read_only,
	    .optional = optional,
	};
}

static bool tree_has(const struct fn_vfs *vfs, const char *path)
{
	return fn_vfs_lookup(vfs, path) != NULL;
}

/* Which real paths get which part of the tree. A fake PCI NIC lives under
 * /sys/devices/pci0000:00/SLOT, with links in /sys/bus/pci/devices and /sys/bus/pci/drivers/DRV;
 * binding just those entries needs real ones of that name, so the three directories are overlaid
 * whole instead, passing the real devices and drivers through so nothing real disappears. */
void fn_plan_overlays(struct fn_child_plan *plan, struct fn_vfs *vfs, bool isolated,
		      bool fast_proc_net)
{
	static const char *const pci_targets[] = {"/sys/devices/pci0000:00", "/sys/bus/pci/devices",
						  "/sys/bus/pci/drivers"};
	static const char *const etc[][2] = {{"etc/hosts", "/etc/hosts"},
					     {"etc/hostname", "/etc/hostname"},
					     {"etc/resolv.conf", "/etc/resolv.conf"}};

	/* Isolated, the kernel shows the links itself (netns.c); fakefs keeps /sys/class/net, whose
	 * links lead there, and what the kernel cannot show (a PCI NIC's device). */
	if (tree_has(vfs, "/sys/devices/virtual/net") && !isolated)
		add_overlay(plan, "sys/devices/virtual/net", "/sys/devices/virtual/net", false,
			    false, true);
	if (fn_vfs_pass_real_pci(vfs))
		for (size_t i = 0; fn_vfs_pci_dirs[i]; i++)
			add_overlay(plan, fn_vfs_pci_dirs[i], pci_targets[i], false, false, true);
	if (tree_has(vfs, "/sys/class/net"))
		add_overlay(plan, "sys/class/net", "/sys/class/net", false, false, true);
	if (tree_has(vfs, "/proc/net") && !isolated) {
		add_overlay(plan, FN_FAKEFS_PROC_NET_LINK, "/proc/net", true, false, false);
		if (fast_proc_net) {
			plan->proc_net = fn_vfs_lookup(vfs, "/proc/net");
			plan->proc_net_dir = FN_FAKEFS_HIDDEN_DIR "/" FN_FAKEFS_PROC_NET_ALIAS;
		}
	}
	for (size_t i = 0; i < sizeof(etc) / sizeof(etc[0]); i++) {
		char path[32];

		snprintf(path, sizeof(path), "/%s", etc[i][0]);
		if (tree_has(vfs, path))
			add_overlay(plan, etc[i][0], etc[i][1], false, true, true);
	}
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the real file `st` is already covered, or is the shim itself (an install that put
 * links to the shim on PATH). */
static bool already_covered(const struct fn_tool_plan *tp, const struct stat *st,
			    const struct stat *shim)
{
	if (same_inode(st, shim))
		return true;
	for (size_t i = 0; i < tp->n_binds; i++)
		if (tp->binds[i].dev == st->st_dev && tp->binds[i].ino == st->st_ino)
			return true;
	return false;
}

/* Every executable of the tool on the standard PATH, each inode once on its resolved path (on a
 * merged-/usr system /sbin/route and /usr/sbin/route are one file). The first one found, the one
 * a search of the standard PATH would run, is the one kept reachable for pass-through. */
static void plan_tool(struct fn_tool_plan *tp, const char *tool, const struct stat *shim)
{
	char *dirs = xstrdup(FN_DEFAULT_PATH), *save = NULL;
	bool exposed = false;

	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *path = xasprintf("%s/%s", dir, tool), *real = NULL;
		struct stat st;

		/* Most directories lack most tools: one stat says so before any resolving. */
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			real = realpath(path, NULL);
		free(path);
		if (!real || access(real, X_OK) || already_covered(tp, &st, shim)) {
			free(real);
			continue;
		}
		tp->binds = xreallocarray(tp->binds, tp->n_binds + 1, sizeof(*tp->binds));
		tp->binds[tp->n_binds].target = real;
		tp->binds[tp->n_binds].real_node = NULL;
		tp->binds[tp->n_binds].dev = st.st_dev;
		tp->binds[tp->n_binds].ino = st.st_ino;
		if (!exposed) {
			tp->binds[tp->n_binds].real_node =
			    xasprintf("%s/%s/%s", FN_FAKEFS_HIDDEN_DIR, FN_FAKEFS_REAL, tool);
			tp->real_tools =
			    xreallocarray(tp->real_tools, tp->n_real_tools + 1, sizeof(char *));
			tp->real_tools[tp->n_real_tools++] = tool;
			exposed = true;
		}
		tp->n_binds++;
	}
	free(dirs);
}

void fn_plan_tool_binds(struct fn_tool_plan *tp, struct fn_child_plan *plan,
			const struct fn_vfs *vfs, const struct stat *shim)
{
	for (size_t i = 0; i < tp->n_tools; i++)
		plan_tool(tp, tp->tools[i], shim);
	plan->tool_binds = tp->binds;
	plan->n_tool_binds = (int)tp->n_binds;
	if (tp->n_real_tools && tree_has(vfs, FN_FAKEFS_HIDDEN_DIR))
		plan->real_dir_env = FN_FAKEFS_HIDDEN_DIR "/" FN_FAKEFS_REAL;
}

void fn_tool_plan_free(struct fn_tool_plan *tp)
{
	for (size_t i = 0; i < tp->n_binds; i++) {
		free((char *)tp->binds[i].target);
		free((char *)tp->binds[i].real_node);
	}
	free(tp->binds);
	free(tp->real_tools);
	memset(tp, 0, sizeof(*tp));
}
