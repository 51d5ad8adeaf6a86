// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - reader and control tool for the kmprof heap profiler: the
 * command line. Each command has one table of the options it takes (as
 * perf's parse-options has): getopt's tables, the usage line, --help and
 * the COMMANDS and OPTIONS sections of kmprof.8 (`kmprof help --man`) are
 * all made from it, so they cannot say different things. The work is done
 * by the file that owns it (top.c, folded.c, pprof.c, debugfs.c).
 */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kmprof.h>
#include <kmprof_heap.h>

#include "kmprof_tool.h"

#ifndef KMPROF_TOOL_VERSION
#define KMPROF_TOOL_VERSION "unknown"
#endif

/* === Options === */

enum opt_id {
	OPT_NONE,
	OPT_DIR,
	OPT_FILE,
	OPT_NO_ADVANCE,
	OPT_KALLSYMS,
	OPT_NO_KALLSYMS,
	OPT_HELP,
	OPT_VERSION,
	OPT_ROWS,
	OPT_SORT,
	OPT_DIFF_SORT,
	OPT_CUMULATIVE,
	OPT_RAW,
	OPT_ALLOCATOR,
	OPT_BY,
	OPT_CGROUP,
	OPT_COMM,
	OPT_PID,
	OPT_MIN_AGE,
	OPT_LIFETIMES,
	OPT_LEAKS_INTERVAL,
	OPT_CYCLES,
	OPT_CGROUP_ROOT,
	OPT_INTERVAL,
	OPT_ITERATIONS,
	OPT_OUTPUT,
	OPT_ALLOC,
	OPT_ALL_FRAMES,
	OPT_MAN,
	OPT_PERIOD,
	OPT_RECORD_DIR,
	OPT_KEEP,
	OPT_METRICS_TOP,
	OPT_TEXTFILE,
	OPT_COUNT
};

/* One option of a command: its names, its argument and what it does. */
struct opt {
	enum opt_id id;
	char shortname;		/* 0: none */
	const char *longname;	/* NULL: none */
	const char *arg;	/* the argument's name, NULL for a flag */
	const char *help;	/* lines separated by '\n' */
	bool required;
};

#define OPT_END { OPT_NONE, 0, NULL, NULL, NULL, false }

/* What parsing the options returns when it is not an exit status. */
enum {
	OPTS_GO_ON = -2,	/* run the command */
	OPTS_HELP = -3,		/* -h or --help: print the help and exit */
};

/* Options of several commands, written once. */
#define O_DIR { OPT_DIR, 'd', NULL, "DIR", \
	"the debugfs directory (default " KMPROF_DEBUGFS_DIR ")", false }
#define O_FILE { OPT_FILE, 'f', NULL, "FILE", \
	"read a saved heap file instead (- for standard input)", false }
#define O_NO_ADVANCE { OPT_NO_ADVANCE, 0, "no-advance", NULL, \
	"read the live profile as last published; by default a\n" \
	"live read first closes the current cycle", false }
#define O_KALLSYMS { OPT_KALLSYMS, 0, "kallsyms", "FILE", \
	"name the frames the profile leaves unnamed from FILE,\n" \
	"/proc/kallsyms of the machine and boot it was taken on\n" \
	"(default: /proc/kallsyms for the live profile, none\n" \
	"for -f FILE)", false }
#define O_NO_KALLSYMS { OPT_NO_KALLSYMS, 0, "no-kallsyms", NULL, \
	"leave the frames the profile leaves unnamed as addresses", false }
#define O_HELP { OPT_HELP, 'h', "help", NULL, \
	"describe kmprof, or the command it follows", false }
#define O_VERSION { OPT_VERSION, 0, "version", NULL, \
	"print kmprof's version and the heap format versions it reads", false }
#define O_READ O_DIR, O_FILE, O_NO_ADVANCE, O_KALLSYMS, O_NO_KALLSYMS
#define O_ROWS \
	{ OPT_ROWS, 'n', NULL, "N", "show N rows (default 20, 0: all)", false }
#define O_RAW \
	{ OPT_RAW, 0, "raw", NULL, "exact byte counts instead of KiB, MiB, ...", false }
#define O_TOP \
	O_ROWS, \
	{ OPT_SORT, 0, "sort", "KEY", "inuse (default), alloc, frees or objects", false }, \
	{ OPT_CUMULATIVE, 0, "cumulative", NULL, \
	  "a row per function anywhere in the stacks, not per\nallocation site", false }, \
	O_RAW, O_TOP_FILTERS, O_MIN_AGE, \
	{ OPT_LIFETIMES, 0, "lifetimes", NULL, \
	  "the objects freed and how long they lived (heap format\n" \
	  "6): their mean lifetime and the class of their median", false }
/* top's and watch's, not diff's: ages are of one profile. */
#define O_MIN_AGE \
	{ OPT_MIN_AGE, 0, "min-age", "DURATION", \
	  "only the objects in use for at least DURATION (30s,\n" \
	  "10m, 2h, 1d, or seconds), rounded up to an age class\n" \
	  "of the profile (heap format 5): in-use columns only", false }
/* What top's rows are and which records they count: top's and diff's. */
#define O_TOP_FILTERS \
	{ OPT_ALLOCATOR, 0, "allocator", "NAME[,NAME...]", \
	  "only the records of these allocators, in the rows\n" \
	  "and the totals: slab, page, user, vmalloc, percpu", false }, \
	{ OPT_BY, 0, "by", "KEY", \
	  "a row per site (default), or per value of a label of\n" \
	  "the profile (heap format 4): comm, pid, cgroup or\n" \
	  "context; an interrupt's records are a row per context", false }, \
	{ OPT_CGROUP, 0, "cgroup", "PATH", \
	  "only the records of the cgroup at PATH and below it\n" \
	  "(as the rows show it: /system.slice, the root /)", false }, \
	{ OPT_COMM, 0, "comm", "NAME", \
	  "only the records of tasks named NAME", false }, \
	{ OPT_PID, 0, "pid", "PID", "only the records of process PID", false }
#define O_OUTPUT(help, required) \
	{ OPT_OUTPUT, 'o', "output", "FILE", help, required }
#define O_CGROUP_ROOT { OPT_CGROUP_ROOT, 0, "cgroup-root", "DIR", \
	"the cgroup2 mount that names the cgroup ids\n" \
	"(default " CGROUP_ROOT ")", false }
#define O_ALL_FRAMES { OPT_ALL_FRAMES, 0, "all-frames", NULL, \
	"keep the allocators' own frames above the allocation\nsites", false }

/* What kmprof takes before its command: the same for every command. */
static const struct opt global_opts[] = {
	O_READ, O_CGROUP_ROOT, O_HELP, O_VERSION, OPT_END,
};

/* The command line, as parsed. */
static struct {
	uint64_t given;			/* 1 << enum opt_id */
	const char *heap_file;		/* -f */
	const char *kallsyms_path;	/* --kallsyms */
	bool no_kallsyms, no_advance;
	struct top_options top;
	enum diff_sort diff_sort;	/* diff --sort */
	struct allocator_list allocators;	/* --allocator */
	const char *cgroup_root;	/* --cgroup-root */
	struct cgroup_names cgroups;	/* of the profile read */
	double interval;		/* watch -i */
	uint64_t iterations;		/* watch --iterations */
	uint64_t leaks_interval;	/* leaks -i, seconds */
	uint64_t cycles;		/* leaks --cycles */
	const char *output;		/* -o, "-" for standard output */
	bool alloc, all_frames, man;
	uint64_t period;		/* record --interval, seconds */
	const char *record_dir;		/* record --dir */
	uint64_t keep;			/* record --keep, 0: all */
	uint64_t metrics_top;		/* metrics --top */
	const char *textfile;		/* metrics --textfile */
} cli = {
	.top = { .limit = 20, .by = -1 },
	.metrics_top = 50,
	.cgroup_root = CGROUP_ROOT,
	.interval = 2,
	.cycles = 3,
};

struct command {
	const char *name;
	const char *args;	/* what follows the options, "" if nothing */
	unsigned int max_args;
	const char *summary;
	const char *help;	/* a paragraph, lines separated by '\n' */
	const struct opt *opts;
	int (*run)(const struct command *cmd, int argc, char **argv);
};

static const struct opt *find_opt(const struct opt *opts, enum opt_id id)
{
	for (; opts->id; opts++)
		if (opts->id == id)
			return opts;
	return NULL;
}

/* "-o, --output FILE", "--sort KEY", "-n N" */
static const char *opt_name(char *buf, size_t len, const struct opt *o,
			    bool with_arg)
{
	int n = 0;

	if (o->shortname)
		n = snprintf(buf, len, "-%c%s", o->shortname,
			     o->longname ? ", " : "");
	if (o->longname)
		n += snprintf(buf + n, len - (size_t)n, "--%s", o->longname);
	if (with_arg && o->arg)
		snprintf(buf + n, len - (size_t)n, " %s", o->arg);
	return buf;
}

/* The usage line: only what the command takes. */
static void print_usage(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: kmprof %s", cmd->name);
	for (const struct opt *o = cmd->opts; o->id; o++) {
		if (o->shortname)
			fprintf(out, " %s-%c%s%s%s", o->required ? "" : "[",
				o->shortname, o->arg ? " " : "",
				o->arg ? o->arg : "", o->required ? "" : "]");
		else
			fprintf(out, " %s--%s%s%s%s", o->required ? "" : "[",
				o->longname, o->arg ? " " : "",
				o->arg ? o->arg : "", o->required ? "" : "]");
	}
	fprintf(out, "%s%s\n", *cmd->args ? " " : "", cmd->args);
}

/* Options, one per paragraph: "  NAME  HELP", continued below HELP. */
static void print_opts(FILE *out, const struct opt *opts)
{
	char name[64];

	for (const struct opt *o = opts; o->id; o++) {
		const char *h = o->help;

		fprintf(out, "  %-16s ", opt_name(name, sizeof(name), o, true));
		for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(out, "%.*s\n%19s", (int)(nl - h), h, "");
		fprintf(out, "%s\n", h);
	}
}

static void print_help(FILE *out, const struct command *cmd)
{
	static const struct opt help_opt[] = { O_HELP, OPT_END };

	print_usage(out, cmd);
	fprintf(out, "\n%s\n\n", cmd->help);
	print_opts(out, cmd->opts);
	print_opts(out, help_opt);
}

static int bad_usage(const struct command *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "kmprof %s: ", cmd->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	print_usage(stderr, cmd);
	return EXIT_USAGE;
}

/*
 * "30s", "10m", "2h", "1d" or plain seconds into *@seconds: 0, or -1 if
 * malformed or too large.
 */
static int parse_duration(const char *arg, uint64_t *seconds)
{
	static const struct { char suffix; uint64_t mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	size_t len = strlen(arg);
	uint64_t mult = 1, v;
	char digits[32];

	if (!len || len >= sizeof(digits))
		return -1;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (arg[len - 1] == units[u].suffix) {
			mult = units[u].mult;
			len--;
			break;
		}
	snprintf(digits, sizeof(digits), "%.*s", (int)len, arg);
	if (!len || parse_u64(digits, UINT64_MAX / mult, &v))
		return -1;
	*seconds = v * mult;
	return 0;
}

/* The most intervals leaks takes snapshots over. */
#define LEAKS_CYCLES_MAX	1000
#define LEAKS_CYCLES_MAX_TEXT	"1000"

/* One option's value into cli: OPTS_GO_ON, or an exit status. */
static int apply(const struct command *cmd, enum opt_id id, const char *arg)
{
	char *end;

	switch (id) {
	case OPT_DIR:
		debugfs_dir = arg;
		break;
	case OPT_FILE:
		cli.heap_file = arg;
		break;
	case OPT_NO_ADVANCE:
		cli.no_advance = true;
		break;
	case OPT_KALLSYMS:
		cli.kallsyms_path = arg;
		break;
	case OPT_NO_KALLSYMS:
		cli.no_kallsyms = true;
		break;
	case OPT_ROWS: {
		uint64_t v;

		if (parse_u64(arg, UINT32_MAX, &v))
			return bad_usage(cmd, "-n: expected a row count, not '%s'", arg);
		cli.top.limit = (unsigned int)v;
		break;
	}
	case OPT_SORT:
		if (!strcmp(arg, "inuse"))
			cli.top.sort = SORT_INUSE;
		else if (!strcmp(arg, "alloc"))
			cli.top.sort = SORT_ALLOC;
		else if (!strcmp(arg, "frees"))
			cli.top.sort = SORT_FREES;
		else if (!strcmp(arg, "objects"))
			cli.top.sort = SORT_OBJECTS;
		else
			return bad_usage(cmd, "--sort: expected inuse, alloc, frees or objects, not '%s'", arg);
		break;
	case OPT_DIFF_SORT:
		if (!strcmp(arg, "growth"))
			cli.diff_sort = DIFF_SORT_GROWTH;
		else if (!strcmp(arg, "shrink"))
			cli.diff_sort = DIFF_SORT_SHRINK;
		else if (!strcmp(arg, "new"))
			cli.diff_sort = DIFF_SORT_NEW;
		else
			return bad_usage(cmd, "--sort: expected growth, shrink or new, not '%s'", arg);
		break;
	case OPT_CUMULATIVE:
		cli.top.cumulative = true;
		break;
	case OPT_RAW:
		cli.top.raw = true;
		break;
	case OPT_ALLOCATOR: {
		char why[160];

		if (allocator_list_parse(&cli.allocators, arg, strlen(arg), why,
					 sizeof(why)))
			return bad_usage(cmd, "--allocator: %s", why);
		cli.top.only = &cli.allocators;
		break;
	}
	case OPT_BY:
		if (!strcmp(arg, "site")) {
			cli.top.by = -1;
		} else {
			cli.top.by = label_find(arg, strlen(arg));
			if (cli.top.by < 0)
				return bad_usage(cmd, "--by: expected site, comm, pid, cgroup or context, not '%s'", arg);
		}
		break;
	case OPT_CGROUP:
		if (arg[0] != '/')
			return bad_usage(cmd, "--cgroup: expected a path from the root /, not '%s'", arg);
		cli.top.cgroup = arg;
		break;
	case OPT_COMM:
		if (strlen(arg) > HEAP_COMM_MAX)
			return bad_usage(cmd, "--comm: '%s' is longer than a task's name (15 bytes)", arg);
		cli.top.comm = arg;
		break;
	case OPT_PID:
		if (parse_u64(arg, UINT64_MAX, &cli.top.pid))
			return bad_usage(cmd, "--pid: expected a process id, not '%s'", arg);
		cli.top.has_pid = true;
		break;
	case OPT_MIN_AGE:
		if (parse_duration(arg, &cli.top.min_age))
			return bad_usage(cmd, "--min-age: expected a duration (30s, 10m, 2h, 1d or seconds), not '%s'", arg);
		cli.top.has_min_age = true;
		cli.top.min_age_class = top_min_age_class(cli.top.min_age);
		break;
	case OPT_LIFETIMES:
		cli.top.lifetimes = true;
		cli.top.classes = true;
		break;
	case OPT_CGROUP_ROOT:
		cli.cgroup_root = arg;
		break;
	case OPT_INTERVAL:
		errno = 0;
		cli.interval = strtod(arg, &end);
		if (errno || *end || !(cli.interval >= 0.1 && cli.interval <= 86400))
			return bad_usage(cmd, "-i: expected seconds from 0.1 to 86400, not '%s'", arg);
		break;
	case OPT_LEAKS_INTERVAL:
		if (parse_duration(arg, &cli.leaks_interval) ||
		    !cli.leaks_interval || cli.leaks_interval > 86400)
			return bad_usage(cmd, "-i: expected a duration from 1s to 1d (30s, 10m, 2h, 1d or seconds), not '%s'", arg);
		break;
	case OPT_CYCLES:
		if (parse_u64(arg, LEAKS_CYCLES_MAX, &cli.cycles) || !cli.cycles)
			return bad_usage(cmd, "--cycles: expected 1 to " LEAKS_CYCLES_MAX_TEXT " intervals, not '%s'", arg);
		break;
	case OPT_ITERATIONS:
		if (parse_u64(arg, UINT32_MAX, &cli.iterations))
			return bad_usage(cmd, "--iterations: expected a count, not '%s'", arg);
		break;
	case OPT_OUTPUT:
		cli.output = arg;
		break;
	case OPT_ALLOC:
		cli.alloc = true;
		break;
	case OPT_ALL_FRAMES:
		cli.all_frames = true;
		break;
	case OPT_MAN:
		cli.man = true;
		break;
	case OPT_PERIOD:
		if (parse_duration(arg, &cli.period) || !cli.period ||
		    cli.period > 7 * 86400)
			return bad_usage(cmd, "--interval: expected a duration from 1s to 7d (30s, 10m, 2h, 1d or seconds), not '%s'", arg);
		break;
	case OPT_RECORD_DIR:
		cli.record_dir = arg;
		break;
	case OPT_KEEP:
		if (parse_u64(arg, UINT32_MAX, &cli.keep))
			return bad_usage(cmd, "--keep: expected a count of files, not '%s'", arg);
		break;
	case OPT_METRICS_TOP:
		if (parse_u64(arg, 100000, &cli.metrics_top))
			return bad_usage(cmd, "--top: expected a count of sites up to 100000, not '%s'", arg);
		break;
	case OPT_TEXTFILE:
		cli.textfile = arg;
		break;
	default:
		break;
	}
	return OPTS_GO_ON;
}

/*
 * A command refuses what it would ignore: arguments past those it takes,
 * an option given before it that it does not take, and options that say
 * opposite things.
 */
static int check_command(const struct command *cmd, int argc, char **argv)
{
	char name[64];

	if ((unsigned int)argc > cmd->max_args)
		return bad_usage(cmd, "unexpected argument '%s'", argv[cmd->max_args]);
	for (const struct opt *o = global_opts; o->id; o++)
		if ((cli.given & (1ULL << o->id)) && o->id != OPT_HELP &&
		    !find_opt(cmd->opts, o->id))
			return bad_usage(cmd, "%s: not an option of this command",
					 opt_name(name, sizeof(name), o, false));
	if (cli.heap_file && cli.no_advance)
		return bad_usage(cmd, "%s", "--no-advance: only for the live profile, not -f");
	if (cli.kallsyms_path && cli.no_kallsyms)
		return bad_usage(cmd, "%s", "--kallsyms and --no-kallsyms contradict each other");
	return OPTS_GO_ON;
}

/*
 * Parse @opts out of @argv (argv[0] is the command, or "kmprof"); @argv
 * then starts at the first argument that is not an option. getopt's own
 * messages name "kmprof COMMAND". After a command's options, what is left
 * is checked by check_command(). OPTS_GO_ON, OPTS_HELP, or an exit status
 * once the reason is printed.
 */
static int parse_opts(const struct command *cmd, const struct opt *opts,
		      int *argc, char ***argv)
{
	struct option longopts[OPT_COUNT + 1];
	char shortopts[2 * OPT_COUNT + 2] = "+", prog[64], *argv0 = (*argv)[0];
	size_t ns = 1, nl = 0;
	int c, r = OPTS_GO_ON;

	for (const struct opt *o = opts; o->id; o++) {
		if (o->shortname) {
			shortopts[ns++] = o->shortname;
			if (o->arg)
				shortopts[ns++] = ':';
		}
		if (o->longname)
			longopts[nl++] = (struct option){ o->longname,
				o->arg ? required_argument : no_argument, NULL,
				256 + (int)o->id };
	}
	if (!find_opt(opts, OPT_HELP)) {
		shortopts[ns++] = 'h';
		longopts[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	}
	shortopts[ns] = '\0';
	longopts[nl] = (struct option){ NULL, 0, NULL, 0 };

	snprintf(prog, sizeof(prog), "kmprof%s%s", cmd ? " " : "",
		 cmd ? cmd->name : "");
	(*argv)[0] = prog;
	optind = 0;
	while (r == OPTS_GO_ON &&
	       (c = getopt_long(*argc, *argv, shortopts, longopts, NULL)) != -1) {
		const struct opt *o = NULL;

		if (c == 'h' || c == 256 + OPT_HELP) {
			r = OPTS_HELP;
			break;
		}
		if (c >= 256)
			o = find_opt(opts, (enum opt_id)(c - 256));
		for (const struct opt *s = opts; !o && s->id; s++)
			if (s->shortname && s->shortname == c)
				o = s;
		if (!o) {
			if (cmd)
				print_usage(stderr, cmd);
			fprintf(stderr, "'kmprof %s%s--help' describes it\n",
				cmd ? cmd->name : "", cmd ? " " : "");
			r = EXIT_USAGE;
		} else {
			cli.given |= 1ULL << o->id;
			r = apply(cmd, o->id, optarg);
		}
	}
	(*argv)[0] = argv0;
	*argc -= optind;
	*argv += optind;
	if (r == OPTS_GO_ON && cmd)
		r = check_command(cmd, *argc, *argv);
	return r;
}

/* === Loading a profile === */

/* Heap text from the live directory (advancing first). */
static int read_heap(char **buf, size_t *len, const char **name)
{
	static char path[4096];
	int ret;

	*name = debugfs_path(path, sizeof(path), KMPROF_HEAP_FILE);
	if (!cli.no_advance) {
		ret = debugfs_write("cycle", "1");
		if (ret)
			return ret;
	}
	return debugfs_read(KMPROF_HEAP_FILE, buf, len);
}

/*
 * Read and parse a kallsyms file into @ks: 0, or an exit status once the
 * reason is printed.
 */
static int load_kallsyms(struct kallsyms *ks, const char *path)
{
	struct heap_error err;
	size_t len;
	char *buf;
	int r;

	r = read_path(path, false, &buf, &len);
	if (r)
		return r;
	r = kallsyms_parse(ks, buf, len, &err);
	free(buf);
	if (r) {
		heap_error_print(path, &err);
		return EXIT_BADDATA;
	}
	return EXIT_OK;
}

/*
 * Name the frames: by the file's symbols, then by --kallsyms FILE if
 * given, or for the @live profile by this machine's /proc/kallsyms (a
 * saved file may come from another machine or boot, where this one's
 * names would be wrong).
 */
static int symbolize(struct heap_profile *p, bool live)
{
	bool need = false;
	struct kallsyms ks;
	int r;

	for (size_t i = 0; i < p->nr && !need; i++)
		for (unsigned int k = 0; k < p->buckets[i].depth; k++)
			if (!p->buckets[i].pS[k])
				need = true;
	if (cli.kallsyms_path) {
		r = load_kallsyms(&ks, cli.kallsyms_path);
		if (r)
			return r;
	} else if (need && !cli.no_kallsyms && live) {
		if (load_kallsyms(&ks, "/proc/kallsyms")) {
			fprintf(stderr, "kmprof: warning: frames the profile leaves unnamed stay addresses\n");
			need = false;
		}
	} else {
		need = false;
	}
	heap_symbolize(p, cli.kallsyms_path || need ? &ks : NULL);
	if (cli.kallsyms_path || need)
		kallsyms_free(&ks);
	return EXIT_OK;
}

/* Heap text read from @name (@live: the debugfs file), ready to show. */
static int parse_heap(const char *buf, size_t len, const char *name,
		      bool live, struct heap_profile *p)
{
	struct heap_error err;
	int r;

	if (heap_parse(buf, len, p, &err)) {
		heap_error_print(name, &err);
		return EXIT_BADDATA;
	}
	r = symbolize(p, live);
	if (r) {
		heap_free(p);
		return r;
	}
	heap_estimate(p);
	return EXIT_OK;
}

/* A saved heap file, "-" standard input: as -f FILE reads it. */
static int load_file(const char *path, struct heap_profile *p)
{
	size_t len;
	char *buf;
	int ret;

	ret = read_path(path, true, &buf, &len);
	if (ret)
		return ret;
	ret = parse_heap(buf, len, path, false, p);
	free(buf);
	return ret;
}

/* The profile of -f FILE, or the live one. */
static int load_profile(struct heap_profile *p)
{
	const char *name;
	size_t len;
	char *buf;
	int ret;

	if (cli.heap_file)
		return load_file(cli.heap_file, p);
	ret = read_heap(&buf, &len, &name);
	if (ret)
		return ret;
	ret = parse_heap(buf, len, name, true, p);
	free(buf);
	return ret;
}

static FILE *open_output(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "kmprof: cannot create %s: %s\n", path,
			strerror(errno));
	return f;
}

static int close_output(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (f == stdout)
		bad |= fflush(f);
	else
		bad |= fclose(f);
	if (bad) {
		fprintf(stderr, "kmprof: writing %s: %s\n",
			path && strcmp(path, "-") ? path : "standard output",
			strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* @len bytes of @buf to @path (standard output if NULL or "-"). */
static int write_output(const char *path, const void *buf, size_t len)
{
	FILE *out = open_output(path);

	if (!out)
		return EXIT_FAIL;
	fwrite(buf, 1, len, out);
	return close_output(out, path);
}

/* === top and watch === */

/*
 * The profile has @label, which @option asks for: 0, or an exit status.
 * @who is the profile in the message: "the profile", a file's name.
 */
static int need_label(const struct command *cmd, const struct heap_profile *p,
		      const char *who, const char *option,
		      enum kmprof_label label)
{
	char names[64], why[160 + 4096];

	if (p->labels & (1U << label))
		return EXIT_OK;
	if (p->labels)
		snprintf(why, sizeof(why), "%s has no %s label (labels=%s)",
			 who, label_name(label),
			 label_names(names, sizeof(names), p->labels));
	else
		snprintf(why, sizeof(why), "%s has no %s label (heap format %u has no labels)",
			 who, label_name(label), p->version);
	fprintf(stderr, "kmprof %s: %s: %s\n", cmd->name, option, why);
	return EXIT_USAGE;
}

/* The labels top is asked to show or keep are the profile's. */
static int check_top_labels(const struct command *cmd,
			    const struct heap_profile *p, const char *who)
{
	const struct top_options *t = &cli.top;
	int ret = EXIT_OK;

	if (t->by >= 0)
		ret = need_label(cmd, p, who, "--by", (enum kmprof_label)t->by);
	if (!ret && t->comm)
		ret = need_label(cmd, p, who, "--comm", KMPROF_LABEL_COMM);
	if (!ret && t->has_pid)
		ret = need_label(cmd, p, who, "--pid", KMPROF_LABEL_PID);
	if (!ret && t->cgroup)
		ret = need_label(cmd, p, who, "--cgroup", KMPROF_LABEL_CGROUP);
	if (!ret && t->has_min_age && p->version < 5) {
		fprintf(stderr, "kmprof %s: --min-age: %s has no ages (heap format 5)\n",
			cmd->name, who);
		ret = EXIT_USAGE;
	}
	if (!ret && t->lifetimes && p->version < 6) {
		fprintf(stderr, "kmprof %s: --lifetimes: %s has no lifetimes (heap format 6)\n",
			cmd->name, who);
		ret = EXIT_USAGE;
	}
	return ret;
}

/*
 * The @n profiles @p (named @who in messages) suit top's options: each has
 * the labels they ask for, and --allocator names one of kmprof_heap.h's
 * allocators or one a profile lists (a later module's). 0, or an exit
 * status once the reason is printed.
 */
static int check_top_profiles(const struct command *cmd,
			      struct heap_profile *const *p,
			      const char *const *who, unsigned int n)
{
	const struct allocator_list *only = cli.top.only;
	char why[160];
	int ret = EXIT_OK;

	for (unsigned int f = 0; !ret && f < n; f++)
		ret = check_top_labels(cmd, p[f], who[f]);
	for (unsigned int i = 0; !ret && only && i < only->nr; i++) {
		const char *name = only->name[i];
		bool listed = allocator_rank(name) >= 0;

		for (unsigned int f = 0; f < n; f++)
			listed |= allocator_list_find(&p[f]->sources, name) >= 0;
		if (listed)
			continue;
		snprintf(why, sizeof(why), "unknown allocator '%s': expected %s",
			 name, allocator_known_names());
		ret = bad_usage(cmd, "--allocator: %s", why);
	}
	return ret;
}

/* The profile for top: 0, or an exit status once the reason is printed. */
static int load_top_profile(const struct command *cmd, struct heap_profile *p)
{
	const char *who = "the profile";
	int ret;

	if (cli.top.by >= 0 && cli.top.cumulative)
		return bad_usage(cmd, "%s", "--cumulative: rows are functions, not --by a label");
	if (cli.top.has_min_age &&
	    (cli.top.sort == SORT_ALLOC || cli.top.sort == SORT_FREES))
		return bad_usage(cmd, "%s", "--sort: allocations have no age: inuse or objects with --min-age");
	if (cli.top.has_min_age && cli.top.lifetimes)
		return bad_usage(cmd, "%s", "--lifetimes: frees have no age: not with --min-age");
	ret = load_profile(p);
	if (ret)
		return ret;
	ret = check_top_profiles(cmd, &p, &who, 1);
	if (ret)
		heap_free(p);
	return ret;
}

/* top of @p, its cgroups looked up afresh; @p is freed. */
static void print_top(struct heap_profile *p)
{
	cgroup_names_init(&cli.cgroups, cli.cgroup_root);
	cli.top.cgroups = &cli.cgroups;
	top_print(stdout, p, &cli.top);
	cgroup_names_free(&cli.cgroups);
	heap_free(p);
}

static int cmd_top(const struct command *cmd, int argc, char **argv)
{
	struct heap_profile p;
	int ret;

	(void)argc, (void)argv;
	ret = load_top_profile(cmd, &p);
	if (ret)
		return ret;
	print_top(&p);
	return close_output(stdout, NULL);
}

static int cmd_watch(const struct command *cmd, int argc, char **argv)
{
	bool tty = isatty(STDOUT_FILENO);
	double interval = cli.interval;
	int ret;

	(void)argc, (void)argv;
	for (uint64_t i = 0; !cli.iterations || i < cli.iterations; i++) {
		struct timespec ts = {
			.tv_sec = (time_t)interval,
			.tv_nsec = (long)((interval - (double)(time_t)interval) * 1e9),
		};
		struct heap_profile p;
		char when[64];
		time_t now = time(NULL);

		if (i)
			nanosleep(&ts, NULL);
		ret = load_top_profile(cmd, &p);
		if (ret)
			return ret;
		strftime(when, sizeof(when), "%F %T", localtime(&now));
		/* Home and clear, like top(1); plain separators into a pipe. */
		printf("%s", tty ? "\033[H\033[2J" : i ? "\n" : "");
		printf("kmprof watch: every %.1f s, %s\n", interval, when);
		print_top(&p);
		if (fflush(stdout))
			return close_output(stdout, NULL);
	}
	return EXIT_OK;
}

/* === diff === */

static int cmd_diff(const struct command *cmd, int argc, char **argv)
{
	struct diff_options dopt = { .sort = cli.diff_sort, .top = &cli.top };
	struct heap_profile old, new, *p[2] = { &old, &new };
	const char *who[2];
	int ret;

	if (argc < 2)
		return bad_usage(cmd, "%s", argc ? "missing NEW: expected two heap files, OLD and NEW" :
				 "missing OLD and NEW: expected two heap files");
	for (int f = 0; f < 2; f++)
		who[f] = strcmp(argv[f], "-") ? argv[f] : "standard input";
	if (!strcmp(argv[0], "-") && !strcmp(argv[1], "-"))
		return bad_usage(cmd, "%s", "OLD and NEW cannot both be standard input (-)");
	ret = load_file(argv[0], &old);
	if (ret)
		return ret;
	ret = load_file(argv[1], &new);
	if (ret) {
		heap_free(&old);
		return ret;
	}
	ret = check_top_profiles(cmd, p, who, 2);
	if (!ret) {
		dopt.old_name = argv[0];
		dopt.new_name = argv[1];
		cgroup_names_init(&cli.cgroups, cli.cgroup_root);
		cli.top.cgroups = &cli.cgroups;
		diff_print(stdout, &old, &new, &dopt);
		cgroup_names_free(&cli.cgroups);
		ret = close_output(stdout, NULL);
	}
	heap_free(&old);
	heap_free(&new);
	return ret;
}

/* === leaks === */

/*
 * Snapshot @f of leaks into @p, named in @name: the file @argv[f], or
 * the live profile, read after sleeping an interval but for the first.
 */
static int leaks_load(unsigned int f, unsigned int n, char **argv,
		      struct heap_profile *p, char *name, size_t len)
{
	struct timespec ts = { .tv_sec = (time_t)cli.leaks_interval };
	int ret;

	if (!cli.leaks_interval) {
		snprintf(name, len, "%s", strcmp(argv[f], "-") ? argv[f] : "standard input");
		return load_file(argv[f], p);
	}
	if (f)
		nanosleep(&ts, NULL);
	ret = load_profile(p);
	if (ret)
		return ret;
	snprintf(name, len, "the live profile at cycle %" PRIu64, p->cycle);
	fprintf(stderr, "kmprof: snapshot %u of %u: cycle %" PRIu64 "\n",
		f + 1, n, p->cycle);
	return EXIT_OK;
}

/* The command line of leaks makes sense: 0, or an exit status. */
static int leaks_args(const struct command *cmd, int argc, char **argv)
{
	bool live = cli.given & (1ULL << OPT_LEAKS_INTERVAL);
	int stdin_files = 0;

	if ((cli.given & (1ULL << OPT_CYCLES)) && !live)
		return bad_usage(cmd, "%s", "--cycles: only with -i, which takes the snapshots");
	if ((cli.given & (1ULL << OPT_DIR)) && !live)
		return bad_usage(cmd, "%s", "-d: only with -i, which reads the live profile");
	if (live && argc)
		return bad_usage(cmd, "unexpected argument '%s': -i takes its own snapshots", argv[0]);
	if (!live && argc < 2)
		return bad_usage(cmd, "%s", "expected two heap files or more, oldest first, or -i DURATION");
	for (int f = 0; f < argc; f++)
		stdin_files += !strcmp(argv[f], "-");
	if (stdin_files > 1)
		return bad_usage(cmd, "%s", "only one FILE can be standard input (-)");
	return EXIT_OK;
}

static int cmd_leaks(const struct command *cmd, int argc, char **argv)
{
	struct leaks_options lopt = { .top = &cli.top };
	unsigned int n, loaded = 0;
	struct heap_profile *p, **pp;
	char (*name)[4096], why[8192 + 256];
	const char **who;
	int ret;

	ret = leaks_args(cmd, argc, argv);
	if (ret)
		return ret;
	n = cli.leaks_interval ? (unsigned int)cli.cycles + 1 : (unsigned int)argc;
	p = xcalloc(n, sizeof(*p));
	pp = xcalloc(n, sizeof(*pp));
	name = xcalloc(n, sizeof(*name));
	who = xcalloc(n, sizeof(*who));
	for (; loaded < n && !ret; loaded++) {
		pp[loaded] = &p[loaded];
		who[loaded] = name[loaded];
		ret = leaks_load(loaded, n, argv, &p[loaded], name[loaded],
				 sizeof(name[0]));
	}
	if (ret)
		loaded--;	/* the one that failed holds nothing */
	if (!ret)
		ret = check_top_profiles(cmd, pp, who, n);
	if (!ret && leaks_refuse((const struct heap_profile *const *)pp, who,
				 n, why, sizeof(why))) {
		fprintf(stderr, "kmprof %s: %s\n", cmd->name, why);
		ret = EXIT_USAGE;
	}
	if (!ret) {
		lopt.names = who;
		cgroup_names_init(&cli.cgroups, cli.cgroup_root);
		cli.top.cgroups = &cli.cgroups;
		leaks_print(stdout, (const struct heap_profile *const *)pp, n, &lopt);
		cgroup_names_free(&cli.cgroups);
		ret = close_output(stdout, NULL);
	}
	for (unsigned int f = 0; f < loaded; f++)
		heap_free(&p[f]);
	free(p);
	free(pp);
	free(name);
	free(who);
	return ret;
}

/* === snapshot === */

/* The cycle file: "cycle <C> pending <P>\n"; true and *@cycle = C if so. */
static bool parse_cycle(const char *buf, size_t len, uint64_t *cycle)
{
	const char *s = buf, *end = buf + len;
	uint64_t pending;

	if (len < 6 || memcmp(s, "cycle ", 6))
		return false;
	s += 6;
	if (scan_u64(&s, end, 10, cycle) != 1 || end - s < 9 ||
	    memcmp(s, " pending ", 9))
		return false;
	s += 9;
	return scan_u64(&s, end, 10, &pending) == 1 &&
	       (s == end || (*s == '\n' && s + 1 == end));
}

static int cmd_snapshot(const struct command *cmd, int argc, char **argv)
{
	const char *name, *path = cli.output;
	uint64_t before = 0, inuse = 0;
	char *buf, *cyc, size[32];
	struct heap_profile p;
	bool have_before;
	size_t len;
	int r;

	(void)cmd, (void)argc, (void)argv;
	/* Advance, then read: the read publishes what the advance closed. */
	r = debugfs_read("cycle", &cyc, &len);
	if (r)
		return r;
	have_before = parse_cycle(cyc, len, &before);
	free(cyc);
	if (!have_before)
		fprintf(stderr, "kmprof: %s/cycle: not \"cycle <C> pending <P>\"\n",
			debugfs_dir);
	r = read_heap(&buf, &len, &name);
	if (r)
		return r;
	r = parse_heap(buf, len, name, true, &p);
	if (r) {
		free(buf);
		return r;
	}
	if (have_before && p.cycle == before)
		fprintf(stderr, "kmprof: warning: the cycle did not advance (still %" PRIu64 ")\n",
			p.cycle);
	if (p.pending)
		fprintf(stderr, "kmprof: warning: %" PRIu64 " %s not yet published\n",
			p.pending, plural(p.pending, "cycle was", "cycles were"));

	r = write_output(path, buf, len);
	if (!r && path && strcmp(path, "-")) {
		for (size_t i = 0; i < p.nr; i++)
			inuse += p.est[i].inuse_bytes;
		fprintf(stderr, "kmprof: cycle %" PRIu64 ", %zu %s, %s in use (estimated): saved to %s\n",
			p.cycle, p.nr, plural(p.nr, "bucket", "buckets"),
			fmt_bytes(size, sizeof(size), inuse, false), path);
	}
	heap_free(&p);
	free(buf);
	return r;
}

/* === pprof and folded === */

static int cmd_pprof(const struct command *cmd, int argc, char **argv)
{
	struct heap_profile p;
	unsigned char *gz;
	size_t len;
	int r;

	(void)argc, (void)argv;
	if (!cli.output)
		return bad_usage(cmd, "%s", "-o FILE is required (- for standard output)");
	if (!strcmp(cli.output, "-") && isatty(STDOUT_FILENO))
		return bad_usage(cmd, "%s", "will not write gzip data to a terminal");
	r = load_profile(&p);
	if (r)
		return r;
	cgroup_names_init(&cli.cgroups, cli.cgroup_root);
	r = pprof_encode(&p, cli.all_frames, &cli.cgroups, &gz, &len);
	cgroup_names_free(&cli.cgroups);
	heap_free(&p);
	if (r) {
		fprintf(stderr, "kmprof: cannot compress the profile\n");
		return EXIT_FAIL;
	}
	r = write_output(cli.output, gz, len);
	free(gz);
	return r;
}

static int cmd_folded(const struct command *cmd, int argc, char **argv)
{
	struct folded_options fopt = {
		.alloc = cli.alloc,
		.all_frames = cli.all_frames,
	};
	struct heap_profile p;
	FILE *out;
	int r;

	(void)cmd, (void)argc, (void)argv;
	r = load_profile(&p);
	if (r)
		return r;
	out = open_output(cli.output);
	if (out) {
		folded_print(out, &p, &fopt);
		r = close_output(out, cli.output);
	} else {
		r = EXIT_FAIL;
	}
	heap_free(&p);
	return r;
}

/* === record === */

/* The files record writes, named by when their interval ended. */
#define RECORD_PREFIX	"kmprof-"
#define RECORD_SUFFIX	".pb.gz"

/* Wait until @deadline (CLOCK_MONOTONIC): false, or true if @sigs came. */
static bool wait_until(const struct timespec *deadline, const sigset_t *sigs)
{
	for (;;) {
		struct timespec now, left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline->tv_sec - now.tv_sec;
		left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		if (left.tv_sec < 0)
			return false;
		/* a signal already pending ends it at once */
		if (sigtimedwait(sigs, NULL, &left) > 0)
			return true;
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static int is_record_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name), s = strlen(RECORD_SUFFIX);

	return !strncmp(d->d_name, RECORD_PREFIX, strlen(RECORD_PREFIX)) &&
	       n > s && !strcmp(d->d_name + n - s, RECORD_SUFFIX);
}

/* Remove all but the newest @keep files of record in @dir. */
static void prune(const char *dir, uint64_t keep)
{
	struct dirent **names;
	char path[4096];
	int n;

	n = scandir(dir, &names, is_record_file, alphasort);
	if (n < 0) {
		fprintf(stderr, "kmprof record: cannot list %s: %s\n", dir,
			strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if ((uint64_t)(n - i) > keep && unlink(path) && errno != ENOENT)
			fprintf(stderr, "kmprof record: cannot remove %s: %s\n",
				path, strerror(errno));
		free(names[i]);
	}
	free(names);
}

/*
 * The file of one interval: @cur as it is in use, its allocations those
 * since @prev (@elapsed_ns after it by this machine's clock), named by
 * @end. @cur's counts are as read again when it returns.
 */
static int write_interval(struct heap_profile *cur,
			  const struct heap_profile *prev,
			  uint64_t elapsed_ns, const struct timespec *end)
{
	struct { uint64_t objs, bytes, req; } *was;
	uint64_t total_objs = cur->alloc_objs, total_bytes = cur->alloc_bytes;
	char name[64], stamp[32];
	const char *other;
	unsigned char *gz;
	struct tm tm;
	size_t len;
	int r;

	was = xcalloc(cur->nr + 1, sizeof(*was));
	for (size_t i = 0; i < cur->nr; i++) {
		was[i].objs = cur->buckets[i].alloc_objs;
		was[i].bytes = cur->buckets[i].alloc_bytes;
		was[i].req = cur->buckets[i].alloc_req;
	}
	other = heap_alloc_delta(cur, prev);
	if (other)
		fprintf(stderr, "kmprof record: a new profile began in this interval (%s): its allocations are counted from its start\n",
			other);
	cur->duration_ns = cur->has_time && prev->has_time &&
			   cur->time_ns > prev->time_ns ?
			   cur->time_ns - prev->time_ns : elapsed_ns;
	heap_estimate(cur);
	cgroup_names_init(&cli.cgroups, cli.cgroup_root);
	r = pprof_encode(cur, cli.all_frames, &cli.cgroups, &gz, &len);
	cgroup_names_free(&cli.cgroups);
	/* back to the cumulative counts, which the next interval subtracts */
	for (size_t i = 0; i < cur->nr; i++) {
		cur->buckets[i].alloc_objs = was[i].objs;
		cur->buckets[i].alloc_bytes = was[i].bytes;
		cur->buckets[i].alloc_req = was[i].req;
	}
	cur->alloc_objs = total_objs;
	cur->alloc_bytes = total_bytes;
	cur->duration_ns = 0;
	free(was);
	if (r) {
		fprintf(stderr, "kmprof record: cannot compress the profile\n");
		return EXIT_FAIL;
	}
	gmtime_r(&end->tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	snprintf(name, sizeof(name), RECORD_PREFIX "%s.%03ldZ" RECORD_SUFFIX,
		 stamp, end->tv_nsec / 1000000);
	r = write_atomic(cli.record_dir, name, gz, len);
	free(gz);
	return r;
}

static int cmd_record(const struct command *cmd, int argc, char **argv)
{
	struct heap_profile prev, cur;
	struct timespec next, end;
	uint64_t files = 0, prev_mono;
	sigset_t sigs;
	int r;

	(void)argc, (void)argv;
	if (!cli.period)
		return bad_usage(cmd, "%s", "--interval DURATION is required");
	if (!cli.record_dir)
		return bad_usage(cmd, "%s", "--dir DIR is required");
	if (mkdir(cli.record_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "kmprof record: cannot create %s: %s\n",
			cli.record_dir, strerror(errno));
		return EXIT_FAIL;
	}
	/* SIGTERM and SIGINT wait, pending, for the next wait_until() */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	r = load_profile(&prev);
	if (r)
		return r;
	prev_mono = mono_ns();
	clock_gettime(CLOCK_MONOTONIC, &next);
	fprintf(stderr, "kmprof record: a profile every %" PRIu64 " s into %s",
		cli.period, cli.record_dir);
	if (cli.keep)
		fprintf(stderr, ", the newest %" PRIu64 " kept", cli.keep);
	fprintf(stderr, "\n");
	for (;;) {
		struct timespec now;

		next.tv_sec += (time_t)cli.period;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (next.tv_sec < now.tv_sec)
			next = now;	/* late: no burst of files to catch up */
		if (wait_until(&next, &sigs))
			break;
		r = load_profile(&cur);
		clock_gettime(CLOCK_REALTIME, &end);
		if (r) {
			fprintf(stderr, "kmprof record: no profile for this interval; the next file covers it too\n");
			continue;
		}
		r = write_interval(&cur, &prev, mono_ns() - prev_mono, &end);
		if (r) {
			/* the next file covers this interval too */
			heap_free(&cur);
			continue;
		}
		prev_mono = mono_ns();
		heap_free(&prev);
		prev = cur;
		files++;
		if (cli.keep)
			prune(cli.record_dir, cli.keep);
	}
	heap_free(&prev);
	fprintf(stderr, "kmprof record: stopped, %" PRIu64 " %s written\n",
		files, plural(files, "file", "files"));
	return EXIT_OK;
}

/* === metrics === */

/* The stats file's text in *@stats, or NULL if it is of another version. */
static int read_stats(char **stats)
{
	char header[32];
	size_t len;
	int r;

	*stats = NULL;
	r = debugfs_read("stats", stats, &len);
	if (r)
		return r;
	snprintf(header, sizeof(header), "kmprof stats v%d\n",
		 KMPROF_STATS_VERSION);
	if (strncmp(*stats, header, strlen(header))) {
		fprintf(stderr, "kmprof: %s/stats: not \"kmprof stats v%d\": the module's counters are left out\n",
			debugfs_dir, KMPROF_STATS_VERSION);
		free(*stats);
		*stats = NULL;
	}
	return EXIT_OK;
}

static int cmd_metrics(const struct command *cmd, int argc, char **argv)
{
	struct metrics_options mopt = { .top = (size_t)cli.metrics_top };
	struct heap_profile p;
	char *stats = NULL, *text = NULL;
	size_t len = 0;
	FILE *out;
	int r;

	(void)cmd, (void)argc, (void)argv;
	r = load_profile(&p);
	if (r)
		return r;
	/* the counters of the live profile's module; with -f, of -d DIR's */
	if (!cli.heap_file || (cli.given & (1ULL << OPT_DIR))) {
		r = read_stats(&stats);
		if (r) {
			heap_free(&p);
			return r;
		}
	}
	cgroup_names_init(&cli.cgroups, cli.cgroup_root);
	mopt.cgroups = &cli.cgroups;
	mopt.stats = stats;
	out = open_memstream(&text, &len);
	if (!out) {
		fprintf(stderr, "kmprof: out of memory\n");
		exit(EXIT_FAIL);
	}
	metrics_print(out, &p, &mopt);
	fclose(out);
	cgroup_names_free(&cli.cgroups);
	heap_free(&p);
	free(stats);
	if (cli.textfile)
		r = write_atomic(cli.textfile, "kmprof.prom", text, len);
	else
		r = write_output(NULL, text, len);
	free(text);
	return r;
}

/* === Control files === */

static int print_file(const char *name)
{
	size_t len;
	char *buf;
	int r;

	r = debugfs_read(name, &buf, &len);
	if (r)
		return r;
	r = write_output(NULL, buf, len);
	free(buf);
	return r;
}

static int cmd_cat(const struct command *cmd, int argc, char **argv)
{
	(void)argc, (void)argv;
	return print_file(cmd->name);
}

static int cmd_rate(const struct command *cmd, int argc, char **argv)
{
	char token[32];
	uint64_t rate;

	if (argc == 0)
		return print_file("rate");
	if (parse_size(argv[0], &rate) || rate > KMPROF_RATE_MAX)
		return bad_usage(cmd, "expected bytes from 0 to 1G (K, M, G suffixes), not '%s'",
				 argv[0]);
	snprintf(token, sizeof(token), "%" PRIu64, rate);
	return debugfs_write("rate", token);
}

static int cmd_write(const struct command *cmd, int argc, char **argv)
{
	(void)argc, (void)argv;
	if (!strcmp(cmd->name, "enable"))
		return debugfs_write("enable", "1");
	if (!strcmp(cmd->name, "disable"))
		return debugfs_write("enable", "0");
	return debugfs_write("reset", "1");
}

static int cmd_help(const struct command *cmd, int argc, char **argv);

/* === Commands === */

static const struct opt top_opts[] = { O_TOP, O_READ, O_CGROUP_ROOT, OPT_END };
static const struct opt watch_opts[] = {
	{ OPT_INTERVAL, 'i', "interval", "SEC", "refresh every SEC seconds (default 2)", false },
	{ OPT_ITERATIONS, 0, "iterations", "N", "stop after N refreshes", false },
	O_TOP, O_READ, O_CGROUP_ROOT, OPT_END,
};
static const struct opt diff_opts[] = {
	O_ROWS,
	{ OPT_DIFF_SORT, 0, "sort", "KEY",
	  "growth (default): the largest growth of the bytes in\n"
	  "use first; shrink: the largest fall first; new: the\n"
	  "most bytes in use in NEW first", false },
	O_RAW, O_TOP_FILTERS, O_KALLSYMS, O_CGROUP_ROOT, OPT_END,
};
static const struct opt leaks_opts[] = {
	{ OPT_LEAKS_INTERVAL, 'i', "interval", "DURATION",
	  "take the snapshots from the live profile, DURATION\n"
	  "apart (2s, 1m, or seconds), instead of FILEs", false },
	{ OPT_CYCLES, 0, "cycles", "N",
	  "with -i: over N intervals, N + 1 snapshots (default 3)", false },
	O_ROWS, O_RAW, O_TOP_FILTERS, O_DIR, O_KALLSYMS, O_NO_KALLSYMS,
	O_CGROUP_ROOT, OPT_END,
};
static const struct opt snapshot_opts[] = {
	O_DIR,
	O_OUTPUT("save the profile to FILE (default standard output)", false),
	OPT_END,
};
static const struct opt pprof_opts[] = {
	O_OUTPUT("the output file (- for standard output)", true),
	O_ALL_FRAMES, O_READ, O_CGROUP_ROOT, OPT_END,
};
static const struct opt folded_opts[] = {
	{ OPT_ALLOC, 0, "alloc", NULL,
	  "allocated bytes instead of in-use bytes (both\nestimated)", false },
	O_ALL_FRAMES,
	O_OUTPUT("the output file (default standard output)", false),
	O_READ, OPT_END,
};
static const struct opt record_opts[] = {
	{ OPT_PERIOD, 0, "interval", "DURATION",
	  "write a file every DURATION (30s, 10m, 2h, 1d, or\n"
	  "seconds; at least 1s)", true },
	{ OPT_RECORD_DIR, 0, "dir", "DIR",
	  "write the files into DIR (created if missing)", true },
	{ OPT_KEEP, 0, "keep", "N",
	  "keep the newest N files of DIR, remove the older\n"
	  "(default 0: keep them all)", false },
	O_ALL_FRAMES, O_DIR, O_KALLSYMS, O_NO_KALLSYMS, O_CGROUP_ROOT, OPT_END,
};
static const struct opt metrics_opts[] = {
	{ OPT_METRICS_TOP, 0, "top", "N",
	  "a series per site for the N sites with the most bytes\n"
	  "in use (default 50), the rest as site=\"other\"", false },
	{ OPT_TEXTFILE, 0, "textfile", "DIR",
	  "write DIR/kmprof.prom at once (a temporary file\n"
	  "renamed) for node_exporter's textfile collector,\n"
	  "instead of standard output", false },
	O_READ, O_CGROUP_ROOT, OPT_END,
};
static const struct opt control_opts[] = { O_DIR, OPT_END };
static const struct opt help_opts[] = {
	{ OPT_MAN, 0, "man", NULL,
	  "the COMMANDS and OPTIONS sections of kmprof(8), in roff,\nmade from these tables", false },
	OPT_END,
};

static const struct command commands[] = {
	{ "top", "", 0, "estimated bytes in use per allocation site",
	  "Where kernel memory goes: estimated bytes in use per allocation site\n"
	  "(the first frame outside the allocator) and allocator, largest first;\n"
	  "with their share, the bytes the callers requested and the share the\n"
	  "size classes waste (FRAG%), objects in use, bytes and objects\n"
	  "allocated, objects freed. Above the rows, the totals, and the totals\n"
	  "of each allocator the profile recorded (heap format 3; older files\n"
	  "are all slab). With --by, a row per value of one of the profile's\n"
	  "labels of who allocated (heap format 4) instead of per site.",
	  top_opts, cmd_top },
	{ "watch", "", 0, "top, refreshed like top(1)",
	  "top, refreshed every SEC seconds until interrupted or N refreshes\n"
	  "are shown.",
	  watch_opts, cmd_watch },
	{ "snapshot", "", 0, "close a cycle, then save or print the profile",
	  "Close the current cycle, read the profile the read publishes, and\n"
	  "print it or save it to FILE, for reading later with -f. Warns if\n"
	  "the cycle did not advance or cycles are still pending.",
	  snapshot_opts, cmd_snapshot },
	{ "diff", "OLD NEW", 2, "estimated growth between two saved profiles",
	  "The growth between two saved heap files, OLD and NEW (kmprof snapshot\n"
	  "-o FILE, or copies of the heap file; - is standard input, for one of\n"
	  "them): a row per allocation site and allocator as in top, or per value\n"
	  "of a label with --by; the estimated bytes in use in OLD and in NEW,\n"
	  "the growth (NEW - OLD), the growth of the objects in use, and the\n"
	  "bytes allocated between the two (ALLOC: \"-\" unless NEW is a later\n"
	  "snapshot of OLD's profile, at the same rate with no fewer\n"
	  "allocations). Each file is unbiased with its own rate and named by\n"
	  "its own symbols (then --kallsyms FILE, for both); rows match by the\n"
	  "names they show, so a site matches across boots. Every row of either\n"
	  "file is listed, +0 if it did not change.",
	  diff_opts, cmd_diff },
	{ "leaks", "[FILE FILE...]", UINT_MAX, "sites whose bytes in use grew beyond sampling error",
	  "The allocation sites (or label values, with --by) whose estimated bytes\n"
	  "in use grew from the first to the last of several snapshots of one\n"
	  "profile, more than sampling explains: saved heap files given oldest\n"
	  "first, or with -i snapshots it takes itself, closing a cycle each time.\n"
	  "Per row, the growth (last - first) and half its 95% interval (1.96\n"
	  "sigma of the sampling error), the bytes in use at the first and the\n"
	  "last, and in how many intervals it grew. Suspects, whose interval is\n"
	  "above 0, come first, by the interval's lower bound, each with why:\n"
	  "how often it grew, the share of its objects in use older than the\n"
	  "window (heap format 5), and how long the objects it freed lived\n"
	  "(heap format 6). The others follow as not significant, by growth.\n"
	  "The snapshots must share one rate.",
	  leaks_opts, cmd_leaks },
	{ "pprof", "", 0, "write the profile for go tool pprof",
	  "Write the profile in pprof's format (gzipped profile.proto) for go\n"
	  "tool pprof, shaped like Go's heap profiles: sample types\n"
	  "alloc_objects, alloc_space, inuse_objects, inuse_space (the default),\n"
	  "period = rate, a numeric bytes label with the size class, a string\n"
	  "allocator label (slab, page, user, vmalloc, percpu; go tool pprof\n"
	  "-tagfocus=allocator=page), the record's labels of heap format 4\n"
	  "(string labels context, comm, cgroup, a numeric pid; -tagfocus=\n"
	  "cgroup=/system.slice), with the ages of heap format 5 a string age\n"
	  "label on a sample per age class with its in-use values (<1s, 1s-2s,\n"
	  "2s-4s, ...; -tagfocus=age=^1s-2s$), locations at the call (return\n"
	  "address - 1), the time the snapshot was taken (heap format 2 and\n"
	  "later). Stacks start at the allocation site.",
	  pprof_opts, cmd_pprof },
	{ "folded", "", 0, "write folded stacks for flame graphs",
	  "One \"[allocator];root;...;site bytes\" line per stack, for\n"
	  "flamegraph.pl, inferno or speedscope: estimated in-use bytes. The\n"
	  "allocator ([slab], [page], [user], [vmalloc], [percpu]; [slab] before\n"
	  "heap format 3) is the root frame: the graph splits by allocator.",
	  folded_opts, cmd_folded },
	{ "record", "", 0, "write a pprof file every interval, unattended",
	  "Run until SIGTERM or SIGINT, and write a pprof file (as pprof writes\n"
	  "it) into DIR every DURATION: the bytes and objects in use as at the\n"
	  "interval's end, the allocations as those made during the interval\n"
	  "(the profile's cumulative counts minus the last interval's, record by\n"
	  "record), time_nanos its end and duration_nanos its length. Files are\n"
	  "named kmprof-YYYYMMDDTHHMMSS.mmmZ.pb.gz by the interval's end (UTC),\n"
	  "written under a temporary name and renamed, so that a reader never\n"
	  "sees a part of one. A signal ends it once the current file is\n"
	  "written. If a new profile begins during an interval (reset, a new\n"
	  "rate, a reload of the module), that interval's file counts the\n"
	  "allocations since it began; if the profile cannot be read at the\n"
	  "end of an interval, the next file covers that interval too.",
	  record_opts, cmd_record },
	{ "metrics", "", 0, "print the profile for Prometheus",
	  "The profile in Prometheus's text exposition format:\n"
	  "kmprof_inuse_bytes, kmprof_inuse_objects, kmprof_alloc_bytes_total and\n"
	  "kmprof_alloc_objects_total of the N allocation sites with the most\n"
	  "bytes in use and one row of the rest (site=\"other\"), labeled by\n"
	  "site, allocator (heap format 3 and later) and cgroup (when the\n"
	  "profile has the label), estimated as top estimates them; the\n"
	  "sampling rate; and the module's counters from its stats file\n"
	  "(samples, drops, lost frees, skipped advances, flush times), for a\n"
	  "saved profile (-f) only those of -d DIR if given.",
	  metrics_opts, cmd_metrics },
	{ "stats", "", 0, "print the profiler's counters",
	  "Print the module's counters.",
	  control_opts, cmd_cat },
	{ "probes", "", 0, "print the probed allocator entry points",
	  "Print the probed allocator entry points and their state.",
	  control_opts, cmd_cat },
	{ "rate", "[BYTES]", 1, "print or set the sampling rate",
	  "Print the sampling rate, or set it: the mean bytes allocated between\n"
	  "two samples (suffixes K, M, G; 1 samples every allocation, 0 none;\n"
	  "at most 1G). Setting a rate starts a new profile, as reset does:\n"
	  "everything recorded so far is dropped, so that no profile mixes\n"
	  "counts sampled at two rates.",
	  control_opts, cmd_rate },
	{ "enable", "", 0, "start profiling",
	  "Start profiling: the module registers its probes.",
	  control_opts, cmd_write },
	{ "disable", "", 0, "stop profiling",
	  "Stop profiling: the module unregisters its probes, so that the\n"
	  "allocator pays nothing; the profile is kept.",
	  control_opts, cmd_write },
	{ "reset", "", 0, "forget the profile",
	  "Forget every bucket and sampled object: a new profile starts.",
	  control_opts, cmd_write },
	{ "help", "[COMMAND]", 1, "describe kmprof or a command",
	  "Describe kmprof, or COMMAND as 'kmprof COMMAND --help' does.",
	  help_opts, cmd_help },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kmprof [-d DIR | -f FILE] COMMAND [OPTIONS]\n"
		"       kmprof --version\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nThe options of a command may also stand before it:\n\n");
	print_opts(out, global_opts);
	fprintf(out, "\n'kmprof help COMMAND' describes a command; see kmprof(8).\n");
}

/* === kmprof.8 === */

/* Text for roff: '-' and '\' escaped, line breaks as spaces. */
static void roff_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '-' || *s == '\\')
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
}

static void roff_opts(FILE *out, const struct opt *opts, bool common)
{
	char name[64];

	for (const struct opt *o = opts; o->id; o++) {
		if (!common && find_opt(global_opts, o->id))
			continue;
		fprintf(out, ".TP\n\\fB");
		roff_text(out, opt_name(name, sizeof(name), o, false));
		fprintf(out, "\\fR");
		if (o->arg) {
			fprintf(out, " \\fI");
			roff_text(out, o->arg);
			fprintf(out, "\\fR");
		}
		fprintf(out, "\n");
		roff_text(out, o->help);
		fprintf(out, "\n");
	}
}

/* The COMMANDS and OPTIONS sections of kmprof.8. */
static void print_man(FILE *out)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *cmd = &commands[i];
		char *line;
		size_t len;
		FILE *f = open_memstream(&line, &len);

		print_usage(f, cmd);
		fclose(f);
		line[len - 1] = '\0';
		fprintf(out, ".TP\n\\fB");
		roff_text(out, cmd->name);
		fprintf(out, "\\fR");
		roff_text(out, line + strlen("usage: kmprof ") + strlen(cmd->name));
		free(line);
		fprintf(out, "\n");
		roff_text(out, cmd->help);
		fprintf(out, "\n");
		if (cmd->opts->id && (cmd->opts != control_opts)) {
			fprintf(out, ".RS\n");
			roff_opts(out, cmd->opts, false);
			fprintf(out, ".RE\n");
		}
	}
	fprintf(out, ".SH OPTIONS\n"
		"These may stand before the command or among its options; a command\n"
		"refuses those it does not take.\n");
	roff_opts(out, global_opts, true);
}

/* The help asked for: of @cmd, or of kmprof without one. */
static int show_help(const struct command *cmd)
{
	if (cmd)
		print_help(stdout, cmd);
	else
		usage(stdout);
	return close_output(stdout, NULL);
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "kmprof: unknown command '%s'\n", name);
	usage(stderr);
	return EXIT_USAGE;
}

static int cmd_help(const struct command *cmd, int argc, char **argv)
{
	const struct command *c;

	(void)cmd;
	if (cli.man) {
		print_man(stdout);
		return close_output(stdout, NULL);
	}
	if (argc == 0)
		return show_help(NULL);
	c = find_command(argv[0]);
	if (!c)
		return unknown_command(argv[0]);
	return show_help(c);
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int r;

	r = parse_opts(NULL, global_opts, &argc, &argv);
	if (r != OPTS_GO_ON && r != OPTS_HELP)
		return r;
	if (cli.given & (1ULL << OPT_VERSION)) {
		printf("kmprof %s\nreads heap format versions %d to %d\n",
		       KMPROF_TOOL_VERSION, KMPROF_HEAP_VERSION_FIRST,
		       KMPROF_HEAP_VERSION);
		return close_output(stdout, NULL);
	}
	if (r == OPTS_HELP)
		return show_help(NULL);
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[0]);
	if (!cmd)
		return unknown_command(argv[0]);
	r = parse_opts(cmd, cmd->opts, &argc, &argv);
	if (r == OPTS_HELP)
		return show_help(cmd);
	if (r != OPTS_GO_ON)
		return r;
	return cmd->run(cmd, argc, argv);
}
