// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - cgroup ids to paths. The heap file names a record's cgroup by
 * its id in the cgroup v2 hierarchy, which on 64-bit kernels is the inode
 * number of its directory under the cgroup2 mount: walking the mount once
 * finds every live cgroup's path, "/" and below. An id it does not find
 * (a cgroup removed since, or a profile from another machine) is shown as
 * "(deleted) ID". The walk happens at the first lookup, so that profiles
 * without the cgroup label never pay for it.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmprof_tool.h"

void cgroup_names_init(struct cgroup_names *n, const char *root)
{
	memset(n, 0, sizeof(*n));
	n->root = root;
}

static void add(struct cgroup_names *n, uint64_t id, const char *path)
{
	n->entry = xgrow(n->entry, &n->cap, n->nr + 1, sizeof(*n->entry));
	n->entry[n->nr].id = id;
	n->entry[n->nr].path = arena_strndup(&n->arena, path, strlen(path));
	n->nr++;
}

/*
 * The directory @fd, at @path ("" for the root) under the mount, and
 * every directory below it. @fd is closed.
 */
static void walk(struct cgroup_names *n, int fd, const char *path)
{
	DIR *dir = fdopendir(fd);
	struct dirent *d;
	struct stat st;

	if (!dir) {
		close(fd);
		return;
	}
	if (!fstat(fd, &st))
		add(n, (uint64_t)st.st_ino, *path ? path : "/");
	while ((d = readdir(dir))) {
		char *sub;
		int subfd;

		if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		subfd = openat(fd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (subfd < 0)
			continue;
		if (asprintf(&sub, "%s/%s", path, d->d_name) < 0) {
			close(subfd);
			continue;
		}
		walk(n, subfd, sub);
		free(sub);
	}
	closedir(dir);
}

static int by_id(const void *a, const void *b)
{
	const struct cgroup_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Every cgroup under the mount, sorted by id. */
static void walk_root(struct cgroup_names *n)
{
	int fd = open(n->root, O_RDONLY | O_DIRECTORY);

	n->walked = true;
	if (fd < 0) {
		fprintf(stderr, "kmprof: warning: cannot read the cgroups in %s: %s; every cgroup shows as (deleted) ID\n",
			n->root, strerror(errno));
		return;
	}
	walk(n, fd, "");
	qsort(n->entry, n->nr, sizeof(*n->entry), by_id);
}

const char *cgroup_name(struct cgroup_names *n, uint64_t id, char *buf,
			size_t len)
{
	struct cgroup_entry key = { .id = id }, *e;

	if (!n->walked)
		walk_root(n);
	e = n->nr ? bsearch(&key, n->entry, n->nr, sizeof(*n->entry), by_id) :
		NULL;
	if (e)
		return e->path;
	snprintf(buf, len, "(deleted) %" PRIu64, id);
	return buf;
}

bool cgroup_within(const char *path, const char *top)
{
	size_t n = strlen(top);

	while (n > 1 && top[n - 1] == '/')
		n--;
	if (n == 1 && top[0] == '/')
		return path[0] == '/';
	return !strncmp(path, top, n) && (path[n] == '\0' || path[n] == '/');
}

void cgroup_names_free(struct cgroup_names *n)
{
	free(n->entry);
	arena_free(&n->arena);
	memset(n, 0, sizeof(*n));
}
