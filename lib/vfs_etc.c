/* /etc in the virtual tree: hosts, resolv.conf and hostname, plain files as a runtime writes them;
 * and the machine id, with D-Bus's copy of it in /var/lib/dbus. */
#include "render.h"
#include "vfs.h"
#include "vfs_build.h"
#include "util.h"

typedef void (*etc_renderer)(const struct fn_identity *id, struct fn_buf *out);

static const struct {
	const char *dir, *name;
	mode_t mode; /* as systemd and Debian's packages leave them */
	etc_renderer render;
} etc_files[] = {
    {"/etc", "hosts", 0644, render_etc_hosts},
    {"/etc", "resolv.conf", 0644, render_etc_resolv_conf},
    {"/etc", "hostname", 0644, render_etc_hostname},
    {"/etc", "machine-id", 0444, render_etc_machine_id},
    {"/var/lib/dbus", "machine-id", 0644, render_etc_machine_id},
};

void fn_vfs_build_etc(struct fn_vfs *vfs, const struct fn_identity *id)
{
	for (size_t i = 0; i < N_ELEMENTS(etc_files); i++) {
		struct fn_node *dir = fn_vfs_mkdir_p(vfs, etc_files[i].dir);
		struct fn_buf b;
		size_t len;
		char *text;

		fn_buf_init(&b);
		etc_files[i].render(id, &b);
		text = fn_buf_steal(&b, &len);
		fn_vfs_add_file(vfs, dir, etc_files[i].name, etc_files[i].mode, FN_FILE_STATIC,
				text, len);
	}
}
