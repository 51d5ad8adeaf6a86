// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the debugfs interface, /sys/kernel/debug/kmprof/: the files,
 * and the parsing of what is written to them; what they show comes from
 * the output layer (report.c). The files and their formats are listed in
 * include/kmprof.h.
 *
 * Every file is root only (0400 or 0600): the profile holds raw kernel
 * addresses. A write is one token: it is copied (bounded), stripped of
 * white space and matched exactly or parsed with kstrto*(); anything else
 * is -EINVAL with a rate-limited warning, and changes nothing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <kmprof.h>
#include <kmprof_heap.h>

#include "control.h"
#include "debugfs.h"
#include "oom.h"
#include "report.h"
#include "testing.h"

static struct dentry *kmprof_debugfs_dir;

/**
 * kmprof_write_token() - the one token of a write to a control file.
 * @ubuf: what user space wrote.
 * @count: its length.
 * @buf: KMPROF_WRITE_MAX bytes to copy it into.
 * @token: set to the token, stripped of white space, inside @buf.
 *
 * Context: process context (a file's write operation).
 * Return: 0, -EINVAL if it cannot be a token (empty or too long), -EFAULT.
 */
int kmprof_write_token(const char __user *ubuf, size_t count, char *buf,
		       char **token)
{
	if (!count || count >= KMPROF_WRITE_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	*token = strstrip(buf);
	return 0;
}

static int kmprof_write_ulong(struct file *file, const char __user *ubuf,
			      size_t count, unsigned long *val)
{
	char buf[KMPROF_WRITE_MAX], *token;
	int ret;

	ret = kmprof_write_token(ubuf, count, buf, &token);
	if (!ret && kstrtoul(token, 10, val))
		ret = -EINVAL;
	if (ret == -EINVAL)
		pr_warn_ratelimited("%pD: expected a decimal number\n", file);
	return ret;
}

/* Files that take only "1", a command. */
static int kmprof_write_one(struct file *file, const char __user *ubuf,
			    size_t count)
{
	char buf[KMPROF_WRITE_MAX], *token;
	int ret;

	ret = kmprof_write_token(ubuf, count, buf, &token);
	if (!ret && strcmp(token, "1"))
		ret = -EINVAL;
	if (ret == -EINVAL)
		pr_warn_ratelimited("%pD: write 1 to act\n", file);
	return ret;
}

/* === stats and probes: read only === */

DEFINE_SHOW_ATTRIBUTE(kmprof_report_stats);
DEFINE_SHOW_ATTRIBUTE(kmprof_report_probes);
DEFINE_SHOW_ATTRIBUTE(kmprof_oom);

/* === heap === */

static const struct file_operations kmprof_heap_fops = {
	.owner = THIS_MODULE,
	.open = kmprof_report_heap_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = kmprof_report_heap_release,
};

/* === cycle === */

static int kmprof_cycle_open(struct inode *inode, struct file *file)
{
	return single_open(file, kmprof_report_cycle, NULL);
}

static ssize_t kmprof_cycle_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	int ret = kmprof_write_one(file, ubuf, count);

	if (ret)
		return ret;
	ret = kmprof_control_advance();
	return ret ? ret : count;
}

static const struct file_operations kmprof_cycle_fops = {
	.owner = THIS_MODULE,
	.open = kmprof_cycle_open,
	.read = seq_read,
	.write = kmprof_cycle_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* === rate === */

static int kmprof_rate_open(struct inode *inode, struct file *file)
{
	return single_open(file, kmprof_report_rate, NULL);
}

static ssize_t kmprof_rate_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned long rate;
	int ret;

	ret = kmprof_write_ulong(file, ubuf, count, &rate);
	if (ret)
		return ret;
	if (kmprof_control_set_rate(rate)) {
		pr_warn_ratelimited("rate: %lu is above %lu\n", rate,
				    KMPROF_RATE_MAX);
		return -EINVAL;
	}
	return count;
}

static const struct file_operations kmprof_rate_fops = {
	.owner = THIS_MODULE,
	.open = kmprof_rate_open,
	.read = seq_read,
	.write = kmprof_rate_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* === enable === */

static int kmprof_enable_open(struct inode *inode, struct file *file)
{
	return single_open(file, kmprof_report_enable, NULL);
}

static ssize_t kmprof_enable_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char buf[KMPROF_WRITE_MAX], *token;
	int ret;

	ret = kmprof_write_token(ubuf, count, buf, &token);
	if (ret)
		return ret;
	if (!strcmp(token, "1")) {
		ret = kmprof_control_set_enabled(true);
	} else if (!strcmp(token, "0")) {
		ret = kmprof_control_set_enabled(false);
	} else {
		pr_warn_ratelimited("enable: write 0 or 1\n");
		return -EINVAL;
	}
	return ret ? ret : count;
}

static const struct file_operations kmprof_enable_fops = {
	.owner = THIS_MODULE,
	.open = kmprof_enable_open,
	.read = seq_read,
	.write = kmprof_enable_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* === reset === */

static ssize_t kmprof_reset_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	int ret = kmprof_write_one(file, ubuf, count);

	if (ret)
		return ret;
	ret = kmprof_control_reset();
	return ret ? ret : count;
}

static const struct file_operations kmprof_reset_fops = {
	.owner = THIS_MODULE,
	.write = kmprof_reset_write,
	.llseek = noop_llseek,
};

/**
 * kmprof_debugfs_init() - create /sys/kernel/debug/kmprof and its files.
 *
 * Context: process context, module init, after the live profile exists.
 * Return: 0, or -ENODEV when debugfs is unavailable.
 */
int kmprof_debugfs_init(void)
{
	struct dentry *dir;

	dir = debugfs_create_dir(KMPROF_NAME, NULL);
	if (IS_ERR(dir)) {
		pr_err("cannot create the debugfs directory: %ld\n",
		       PTR_ERR(dir));
		return -ENODEV;
	}
	debugfs_create_file("stats", 0400, dir, NULL, &kmprof_report_stats_fops);
	debugfs_create_file("probes", 0400, dir, NULL,
			    &kmprof_report_probes_fops);
	debugfs_create_file(KMPROF_HEAP_FILE, 0400, dir, NULL,
			    &kmprof_heap_fops);
	debugfs_create_file("cycle", 0600, dir, NULL, &kmprof_cycle_fops);
	debugfs_create_file("rate", 0600, dir, NULL, &kmprof_rate_fops);
	debugfs_create_file("enable", 0600, dir, NULL, &kmprof_enable_fops);
	debugfs_create_file("reset", 0200, dir, NULL, &kmprof_reset_fops);
	debugfs_create_file("oom", 0400, dir, NULL, &kmprof_oom_fops);
	kmprof_testing_debugfs_init(dir);
	kmprof_debugfs_dir = dir;
	return 0;
}

/**
 * kmprof_debugfs_exit() - remove the debugfs files.
 *
 * Context: process context. On return no file operation is running and
 * none can start.
 */
void kmprof_debugfs_exit(void)
{
	debugfs_remove_recursive(kmprof_debugfs_dir);
	kmprof_debugfs_dir = NULL;
}
