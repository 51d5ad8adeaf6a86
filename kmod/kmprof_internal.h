/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - declarations shared between the module's files.
 */
#ifndef KMPROF_INTERNAL_H
#define KMPROF_INTERNAL_H

#include <kmprof.h>

#include "profile.h"

int kmprof_debugfs_init(struct kmprof_profile *prof);
void kmprof_debugfs_exit(void);

#endif /* KMPROF_INTERNAL_H */
