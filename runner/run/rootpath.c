/* Chroot-style resolution of paths inside an image tree, component by component: the resolved
 * prefix never holds a link, so every *at(root, prefix/...) call stays inside the tree, even
 * where the image links /sbin to the absolute /usr/sbin. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootpath.h"
#include "util.h"

#define MAX_LINKS 40 /* as the kernel's own limit */

/* Drops the last component of `done` ("" stays ""). */
static void pop_component(char *done)
{
	char *slash = strrchr(done, '/');

	if (slash)
		*slash = '\0';
	else
		done[0] = '\0';
}

static char *joined(const char *done, const char *comp)
{
	return done[0] ? xasprintf("%s/%s", done, comp) : xstrdup(comp);
}

/* Splits the first component off `*todo` (skipping slashes); returns it, or NULL at the end. */
static char *next_component(char **todo)
{
	char *p = *todo, *end;

	while (*p == '/')
		p++;
	if (!*p)
		return NULL;
	end = strchr(p, '/');
	*todo = end ? end : p + strlen(p);
	return xstrndup(p, (size_t)(*todo - p));
}

static bool is_last(const char *todo)
{
	while (*todo == '/')
		todo++;
	return *todo == '\0';
}

char *fn_root_resolve(int root, const char *rel)
{
	char *todo_buf = xstrdup(rel), *todo = todo_buf, *done = xstrdup(""), *comp;
	int links = 0;

	while ((comp = next_component(&todo))) {
		char *candidate, target[PATH_MAX];
		struct stat st;
		ssize_t n;

		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			if (comp[1] == '.')
				pop_component(done);
			free(comp);
			continue;
		}
		candidate = joined(done, comp);
		free(comp);
		if (is_last(todo) || fstatat(root, candidate, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISLNK(st.st_mode)) {
			free(done);
			done = candidate;
			continue;
		}
		n = readlinkat(root, candidate, target, sizeof(target) - 1);
		free(candidate);
		if (n < 0 || ++links > MAX_LINKS) {
			free(todo_buf);
			free(done);
			errno = n < 0 ? errno : ELOOP;
			return NULL;
		}
		target[n] = '\0';
		if (target[0] == '/')
			done[0] = '\0';
		comp = xasprintf("%s/%s", target, todo);
		free(todo_buf);
		todo = todo_buf = comp;
	}
	free(todo_buf);
	if (!done[0]) { /* the root itself, as the *at calls name it */
		free(done);
		return xstrdup(".");
	}
	return done;
}
