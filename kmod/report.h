/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - the output layer (report.c): every text the module shows in
 * debugfs, in the formats of include/kmprof.h and include/kmprof_heap.h.
 */
#ifndef KMPROF_REPORT_H
#define KMPROF_REPORT_H

struct file;
struct inode;
struct seq_file;

int kmprof_report_stats_show(struct seq_file *m, void *unused);
int kmprof_report_probes_show(struct seq_file *m, void *unused);
int kmprof_report_cycle(struct seq_file *m, void *unused);
int kmprof_report_rate(struct seq_file *m, void *unused);
int kmprof_report_enable(struct seq_file *m, void *unused);
int kmprof_report_heap_open(struct inode *inode, struct file *file);
int kmprof_report_heap_release(struct inode *inode, struct file *file);

#endif /* KMPROF_REPORT_H */
