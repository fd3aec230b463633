/* /etc in the virtual tree: hosts, resolv.conf and hostname, plain files as a runtime writes them.
 */
#include "render.h"
#include "vfs.h"
#include "vfs_build.h"
#include "util.h"

typedef void (*etc_renderer)(const struct fn_identity *id, struct fn_buf *out);

static const struct {
	const char *name;
	etc_renderer render;
} etc_files[] = {
    {"hosts", render_etc_hosts},
    {"resolv.conf", render_etc_resolv_conf},
    {"hostname", render_etc_hostname},
};

void fn_vfs_build_etc(struct fn_vfs *vfs, const struct fn_identity *id)
{
	struct fn_node *etc = fn_vfs_mkdir_p(vfs, "/etc");

	for (size_t i = 0; i < N_ELEMENTS(etc_files); i++) {
		struct fn_buf b;
		size_t len;
		char *text;

		fn_buf_init(&b);
		etc_files[i].render(id, &b);
		text = fn_buf_steal(&b, &len);
		fn_vfs_add_file(vfs, etc, etc_files[i].name, 0644, FN_FILE_STATIC, text, len);
	}
}
