/* fakenet show [PATH...]: print the views as a target would read them, straight from the tree. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"
#include "vfs.h"
#include "vfs_build.h"
#include "view.h"
#include "view_walk.h"

static void usage(FILE *out)
{
	fputs("usage: fakenet show [--identity FILE] [--mounts] [PATH...]\n"
	      "Without PATH, lists every file the target would see. With PATH, prints a file's\n"
	      "content exactly, or a directory's entries one per line. --mounts lists the real\n"
	      "paths the view covers for the identity, with their kind (dir, file or link)\n"
	      "and preload-only where only the preload backend can serve them.\n",
	      out);
}

static void list_files(const struct fn_node *n)
{
	if (n->type != FN_NODE_DIR) {
		char *path = fn_vfs_path(n);

		puts(path);
		free(path);
		return;
	}
	for (size_t i = 0; i < n->n_children; i++)
		list_files(n->children[i]);
}

/* The table's mounts (lib/view.c) the identity's tree holds: "PATH KIND", and "preload-only"
 * where FUSE cannot serve it. */
static void list_mounts(const struct fn_vfs *vfs)
{
	static const char *const kinds[] = {[FN_MOUNT_DIR] = "dir",
					    [FN_MOUNT_FILE] = "file",
					    [FN_MOUNT_LINK] = "link",
					    [FN_MOUNT_KERNEL_LINK] = "link"};

	for (size_t i = 0; i < fn_n_view_mounts; i++)
		if (fn_view_mount_in_tree(vfs, &fn_view_mounts[i]))
			printf("%s %s%s\n", fn_view_mounts[i].path, kinds[fn_view_mounts[i].kind],
			       fn_view_mounts[i].preload_only ? " preload-only" : "");
}

static int show_path(const struct fn_vfs *vfs, const char *path)
{
	const struct fn_node *n = path[0] == '/' ? fn_view_resolve(vfs, path) : NULL;
	char *text;
	size_t len;
	int err;

	if (!n) {
		fn_warn("%s: %s", path, strerror(ENOENT));
		return 1;
	}
	if (n->type == FN_NODE_DIR) {
		for (size_t i = 0; i < n->n_children; i++)
			puts(n->children[i]->name);
		return 0;
	}
	if (n->read_errno) {
		fn_warn("%s: %s", path, strerror(n->read_errno));
		return 1;
	}
	/* A file that reads a real one (/proc/cpuinfo) shows it as it is now, for this reader. */
	err = fn_vfs_node_text(n, getpid(), &text, &len);
	if (err) {
		fn_warn("%s: %s", path, strerror(-err));
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

int fn_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {{"identity", required_argument, NULL, 'i'},
					     {"mounts", no_argument, NULL, 'm'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *identity = NULL;
	bool mounts = false;
	struct fn_identity *id;
	struct fn_vfs *vfs;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "+i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			identity = optarg;
			break;
		case 'm':
			mounts = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fn_warn("show: try 'fakenet show --help'");
			return FN_EXIT_USAGE;
		}
	}
	id = fn_identity_lookup(identity, NULL, NULL);
	if (!id)
		return FN_EXIT_USAGE;
	vfs = fn_vfs_build(id);
	if (mounts)
		list_mounts(vfs);
	else if (optind == argc)
		list_files(vfs->root);
	for (int i = optind; i < argc; i++)
		status |= show_path(vfs, argv[i]);
	if (fflush(stdout) != 0)
		status = 1;
	fn_vfs_free(vfs);
	fn_identity_free(id);
	return status;
}
