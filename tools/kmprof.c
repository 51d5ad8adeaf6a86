// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - reader and control tool for the kmprof heap profiler.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kmprof.h>

static const char *debugfs_dir = KMPROF_DEBUGFS_DIR;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kmprof [-d DIR] COMMAND\n"
		"\n"
		"  -d DIR   kmprof's debugfs directory (default %s)\n"
		"\n"
		"commands:\n"
		"  stats    print the profiler's counters\n",
		KMPROF_DEBUGFS_DIR);
}

/* Explain why DIR/NAME cannot be opened in words a person can act on. */
static void explain_open_error(const char *path, int err)
{
	fprintf(stderr, "kmprof: cannot open %s: %s\n", path, strerror(err));
	if (err == EACCES || err == EPERM)
		fprintf(stderr, "kmprof: debugfs is readable by root only\n");
	else if (err == ENOENT && access("/sys/kernel/debug", F_OK) == 0 &&
		 access(debugfs_dir, F_OK) != 0)
		fprintf(stderr,
			"kmprof: is the module loaded? (insmod kmprof.ko)\n");
	else if (err == ENOENT)
		fprintf(stderr,
			"kmprof: is debugfs mounted? (mount -t debugfs none /sys/kernel/debug)\n");
}

static int cat_file(const char *name)
{
	char path[4096], buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", debugfs_dir, name);
	f = fopen(path, "r");
	if (!f) {
		explain_open_error(path, errno);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	if (ferror(f)) {
		fprintf(stderr, "kmprof: reading %s: %s\n", path,
			strerror(errno));
		fclose(f);
		return 1;
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "+d:h")) != -1) {
		switch (opt) {
		case 'd':
			debugfs_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[optind], "stats"))
		return cat_file("stats");

	fprintf(stderr, "kmprof: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
