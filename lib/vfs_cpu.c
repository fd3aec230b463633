/* /proc/cpuinfo in the tree: a procfs file that reads the host's file at each open, rewritten with
 * the identity's processor in its identification lines (render_cpuinfo.c). */
#include <stdlib.h>
#include <string.h>

#include "render_cpuinfo.h"
#include "util.h"
#include "vfs.h"
#include "vfs_build.h"

static void rewrite_cpuinfo(const void *arg, const char *real, size_t len, struct fn_buf *out)
{
	render_cpuinfo(arg, real, len, out);
}

void fn_vfs_build_cpu(struct fn_vfs *vfs, const struct fn_identity *id)
{
	struct fn_node *n;
	struct fn_cpu *cpu;

	if (!id->system.cpu.given)
		return; /* the host's own /proc/cpuinfo */
	cpu = xmalloc(sizeof(*cpu));
	memcpy(cpu, &id->system.cpu, sizeof(*cpu));
	n = fn_vfs_add_file(vfs, fn_vfs_mkdir_p(vfs, "/proc"), "cpuinfo", 0444, FN_FILE_PROCFS,
			    NULL, 0);
	fn_vfs_read_real(n, "/proc/cpuinfo");
	n->live = rewrite_cpuinfo;
	n->live_arg = cpu;
}
