// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the module's debugfs directory: reading and writing its files,
 * and saying why that failed in words a person can act on; reading any
 * other file whole (a saved heap file, a kallsyms file); and replacing a
 * file whole, so that its readers never see a part of it.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <kmprof.h>
#include <kmprof_heap.h>

#include "kmprof_tool.h"

#define DEBUGFS_MAGIC	0x64626720	/* linux/magic.h */

const char *debugfs_dir = KMPROF_DEBUGFS_DIR;

const char *debugfs_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", debugfs_dir, name);
	return buf;
}

/*
 * Why @path could not be opened; if it is the file @name of the debugfs
 * directory (NULL if not), what to do about it. The exit status that fits.
 */
static int explain(const char *path, const char *name, int err)
{
	char parent[4096];
	struct statfs sfs;
	struct stat st;

	fprintf(stderr, "kmprof: cannot open %s: %s\n", path, strerror(err));
	if (!name)
		return EXIT_FAIL;
	if (err == EACCES || err == EPERM) {
		if (geteuid() != 0)
			fprintf(stderr, "kmprof: kmprof's debugfs files are root only: run kmprof as root\n");
		else
			fprintf(stderr, "kmprof: denied to root: is the kernel locked down (lockdown=confidentiality)?\n");
		return EXIT_PERM;
	}
	if (err != ENOENT && err != ENOTDIR)
		return EXIT_FAIL;
	if (stat(debugfs_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "kmprof: %s has no \"%s\": not a kmprof directory, or a module older than this tool\n",
			debugfs_dir, name);
		return EXIT_UNAVAILABLE;
	}
	snprintf(parent, sizeof(parent), "%s", debugfs_dir);
	dirname(parent);
	if (statfs(parent, &sfs) == 0 && sfs.f_type == DEBUGFS_MAGIC)
		fprintf(stderr, "kmprof: the kmprof module is not loaded: modprobe kmprof (or insmod kmprof.ko)\n");
	else if (!strcmp(debugfs_dir, KMPROF_DEBUGFS_DIR))
		fprintf(stderr, "kmprof: debugfs is not mounted: mount -t debugfs none /sys/kernel/debug\n");
	else
		fprintf(stderr, "kmprof: no directory %s (see -d)\n", debugfs_dir);
	return EXIT_UNAVAILABLE;
}

/* Why a heap input was refused unread, as the parser would say it. */
static int not_heap(const char *path, bool too_large)
{
	if (too_large)
		fprintf(stderr, "kmprof: %s:1: header: the file is larger than %llu GiB: not a heap profile kmprof reads\n",
			path, HEAP_MAX_BYTES >> 30);
	else
		fprintf(stderr, "kmprof: %s:1: header: not a heap profile: expected \"" KMPROF_HEAP_HEADER "\"\n",
			path);
	return EXIT_BADDATA;
}

/*
 * Read @fd whole into *@buf (NUL terminated). With @heap, the input must
 * start with the heap header, which is checked as soon as its bytes are
 * in, and may not exceed HEAP_MAX_BYTES: anything else is refused before
 * it is read whole (/dev/zero, a disk image given by mistake).
 */
static int read_fd(int fd, const char *path, bool heap, char **buf,
		   size_t *len)
{
	const size_t hlen = strlen(KMPROF_HEAP_HEADER);
	size_t cap = 65536, n = 0;
	struct stat st;
	char *b;

	if (heap && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > HEAP_MAX_BYTES)
		return not_heap(path, true);
	b = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {
			if (heap && cap > HEAP_MAX_BYTES) {
				free(b);
				return not_heap(path, true);
			}
			cap *= 2;
			b = xrealloc(b, cap, 1);
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "kmprof: reading %s: %s\n", path,
				strerror(errno));
			free(b);
			return EXIT_FAIL;
		}
		n += (size_t)r;
		if (heap && memcmp(b, KMPROF_HEAP_HEADER, n < hlen ? n : hlen) &&
		    n) {
			free(b);
			return not_heap(path, false);
		}
		if (r == 0)
			break;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return EXIT_OK;
}

/* Read @path whole: the file @name of the debugfs directory, or NULL. */
static int read_file(const char *path, const char *name, bool heap,
		     char **buf, size_t *len)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return explain(path, name, errno);
	ret = read_fd(fd, path, heap, buf, len);
	close(fd);
	return ret;
}

int read_path(const char *path, bool heap, char **buf, size_t *len)
{
	if (!strcmp(path, "-"))
		return read_fd(STDIN_FILENO, heap ? "-" : "standard input",
			       heap, buf, len);
	return read_file(path, NULL, heap, buf, len);
}

int debugfs_read(const char *name, char **buf, size_t *len)
{
	char path[4096];

	return read_file(debugfs_path(path, sizeof(path), name), name,
			 !strcmp(name, KMPROF_HEAP_FILE), buf, len);
}

int debugfs_write(const char *name, const char *token)
{
	char path[4096], line[64];
	ssize_t r;
	int fd;

	debugfs_path(path, sizeof(path), name);
	snprintf(line, sizeof(line), "%s\n", token);
	/* O_TRUNC as the shell's ">": a regular file then holds the token. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return explain(path, name, errno);
	r = write(fd, line, strlen(line));
	if (r < 0 || (size_t)r != strlen(line)) {
		int err = r < 0 ? errno : EIO;

		fprintf(stderr, "kmprof: writing \"%s\" to %s: %s\n", token,
			path, strerror(err));
		if (err == EINVAL)
			fprintf(stderr, "kmprof: the module refused the value; nothing changed\n");
		close(fd);
		return EXIT_FAIL;
	}
	if (close(fd)) {
		fprintf(stderr, "kmprof: writing %s: %s\n", path,
			strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int write_atomic(const char *dir, const char *name, const void *buf,
		 size_t len)
{
	char tmp[4096], path[4096];
	const char *b = buf;
	int fd, err;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", dir, name, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "kmprof: cannot create %s: %s\n", tmp,
			strerror(errno));
		return EXIT_FAIL;
	}
	while (len) {
		ssize_t r = write(fd, b, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		b += r;
		len -= (size_t)r;
	}
	/* a short write leaves errno set, and so does fsync() */
	ok = !len && !fsync(fd);
	err = errno;
	if (close(fd) && ok) {
		ok = false;
		err = errno;
	}
	if (ok && rename(tmp, path)) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		fprintf(stderr, "kmprof: writing %s: %s\n", path, strerror(err));
		unlink(tmp);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
