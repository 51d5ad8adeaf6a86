/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - the debugfs interface (debugfs.c): its life, and the parsing of
 * a write that the test build's files share.
 */
#ifndef KMPROF_DEBUGFS_H
#define KMPROF_DEBUGFS_H

#include <linux/types.h>

/* Longest token any control file accepts, with its NUL: a u64 in decimal. */
#define KMPROF_WRITE_MAX	24

int kmprof_write_token(const char __user *ubuf, size_t count, char *buf,
		       char **token);
int kmprof_debugfs_init(void);
void kmprof_debugfs_exit(void);

#endif /* KMPROF_DEBUGFS_H */
