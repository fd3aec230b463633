/* Real entries shown inside served directories: the files of /proc/PID/net that the identity does
 * not define (tcp, unix, snmp, ...), read from the reading process's own view, and the real devices
 * beside a fake PCI NIC. Each real name gets a stable inode the first time it is seen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

bool fn_pt_is_real_ino(const struct fn_fakefs *fs, unsigned long ino)
{
	return ino >= fs->pt_base && ino - fs->pt_base < fs->n_pt;
}

const struct fn_pt_entry *fn_pt_get(const struct fn_fakefs *fs, unsigned long ino)
{
	return fn_pt_is_real_ino(fs, ino) ? &fs->pt[ino - fs->pt_base] : NULL;
}

unsigned long fn_pt_intern(struct fn_fakefs *fs, unsigned long parent, const char *name,
			   mode_t type)
{
	for (size_t i = 0; i < fs->n_pt; i++) {
		struct fn_pt_entry *e = &fs->pt[i];

		if (e->parent == parent && strcmp(e->name, name) == 0) {
			/* The same name may be a file for one reader and gone for another; the
			 * type seen last is the one served. */
			e->type = type;
			return fs->pt_base + i;
		}
	}
	fs->pt = xreallocarray(fs->pt, fs->n_pt + 1, sizeof(*fs->pt));
	fs->pt[fs->n_pt] =
	    (struct fn_pt_entry){.parent = parent, .name = xstrdup(name), .type = type};
	return fs->pt_base + fs->n_pt++;
}

int fn_pt_real_path(const struct fn_fakefs *fs, unsigned long ino, pid_t pid, char *buf,
		    size_t size)
{
	const struct fn_pt_entry *e = fn_pt_get(fs, ino);
	size_t len;
	int err;

	if (!e) {
		const struct fn_node *n = ino < fs->n_ino ? fs->by_ino[ino] : NULL;

		if (!n || !n->passthrough)
			return -ENOENT;
		return fn_vfs_passthrough_path(n, pid, buf, size);
	}
	err = fn_pt_real_path(fs, e->parent, pid, buf, size);
	if (err)
		return err;
	len = strlen(buf);
	if (len + 1 + strlen(e->name) + 1 > size)
		return -ENAMETOOLONG;
	buf[len] = '/';
	strcpy(buf + len + 1, e->name);
	return 0;
}

bool fn_pt_dir_has_real(const struct fn_fakefs *fs, unsigned long ino)
{
	const struct fn_pt_entry *e = fn_pt_get(fs, ino);

	if (e)
		return S_ISDIR(e->type);
	return ino < fs->n_ino && fs->by_ino[ino] && fs->by_ino[ino]->passthrough;
}

void fn_pt_free(struct fn_fakefs *fs)
{
	for (size_t i = 0; i < fs->n_pt; i++)
		free(fs->pt[i].name);
	free(fs->pt);
	fs->pt = NULL;
	fs->n_pt = 0;
}

bool fn_pt_hidden_real(const char *real_dir, const char *name)
{
	return strncmp(real_dir, "/sys/devices/", strlen("/sys/devices/")) == 0 &&
	       (strcmp(name, "net") == 0 || strcmp(name, "ieee80211") == 0);
}
