// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - reader and control tool for the kmprof heap profiler: the
 * command line. Each command parses its options here and hands the work to
 * the file that owns it (top.c, folded.c, pprof.c, control.c).
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kmprof.h>
#include <kmprof_heap.h>

#include "kmprof_tool.h"

/* Where the profile comes from, set by the options common to commands. */
static const char *heap_file;		/* -f: a saved heap file */
static const char *kallsyms_path;	/* --kallsyms */
static bool use_kallsyms = true;	/* live: /proc/kallsyms unless --no-kallsyms */
static bool advance = true;		/* live: close a cycle before reading */

enum {
	OPT_HELP = 'h',
	OPT_SORT = 256,
	OPT_CUMULATIVE,
	OPT_RAW,
	OPT_NO_ADVANCE,
	OPT_KALLSYMS,
	OPT_NO_KALLSYMS,
	OPT_ITERATIONS,
	OPT_ALLOC,
	OPT_ALL_FRAMES,
};

#define COMMON_LONGOPTS \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "kallsyms", required_argument, NULL, OPT_KALLSYMS }, \
	{ "no-kallsyms", no_argument, NULL, OPT_NO_KALLSYMS }, \
	{ "no-advance", no_argument, NULL, OPT_NO_ADVANCE }

struct command {
	const char *name;
	const char *summary;
	int (*run)(const struct command *cmd, int argc, char **argv);
	const char *args;
	const char *help;
};

static void command_usage(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: kmprof [-d DIR | -f FILE] %s%s%s\n\n%s", cmd->name,
		*cmd->args ? " " : "", cmd->args, cmd->help);
}

/*
 * Options every command takes: -d, -f, --kallsyms, --no-kallsyms,
 * --no-advance, --help. Returns -1 if @opt is not one of them, else the
 * exit status to leave with, or -2 to go on.
 */
static int common_option(const struct command *cmd, int opt)
{
	switch (opt) {
	case 'd':
		debugfs_dir = optarg;
		return -2;
	case 'f':
		heap_file = optarg;
		return -2;
	case OPT_KALLSYMS:
		kallsyms_path = optarg;
		return -2;
	case OPT_NO_KALLSYMS:
		use_kallsyms = false;
		return -2;
	case OPT_NO_ADVANCE:
		advance = false;
		return -2;
	case OPT_HELP:
		command_usage(stdout, cmd);
		return EXIT_OK;
	default:
		command_usage(stderr, cmd);
		return EXIT_USAGE;
	}
}

static int bad_usage(const struct command *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "kmprof %s: ", cmd->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	command_usage(stderr, cmd);
	return EXIT_USAGE;
}

/* === Loading a profile === */

/* Heap text from -f FILE or the live directory (advancing first). */
static int read_heap(char **buf, size_t *len, const char **name)
{
	static char path[4096];
	int ret;

	if (heap_file) {
		*name = heap_file;
		return read_path(heap_file, true, buf, len);
	}
	snprintf(path, sizeof(path), "%s/%s", debugfs_dir, KMPROF_HEAP_FILE);
	*name = path;
	if (advance) {
		ret = ctl_write("cycle", "1");
		if (ret)
			return ret;
	}
	return ctl_read(KMPROF_HEAP_FILE, buf, len);
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
 * given, or for the live profile by this machine's /proc/kallsyms (a
 * saved file may come from another machine or boot, where this one's
 * names would be wrong).
 */
static int symbolize(struct heap_profile *p)
{
	bool need = false;
	struct kallsyms ks;
	int r;

	for (size_t i = 0; i < p->nr && !need; i++)
		for (unsigned int k = 0; k < p->buckets[i].depth; k++)
			if (!p->buckets[i].pS[k])
				need = true;
	if (kallsyms_path) {
		r = load_kallsyms(&ks, kallsyms_path);
		if (r)
			return r;
	} else if (need && use_kallsyms && !heap_file) {
		if (load_kallsyms(&ks, "/proc/kallsyms")) {
			fprintf(stderr, "kmprof: warning: frames the profile leaves unnamed stay addresses\n");
			need = false;
		}
	} else {
		need = false;
	}
	heap_symbolize(p, kallsyms_path || need ? &ks : NULL);
	if (kallsyms_path || need)
		kallsyms_free(&ks);
	return EXIT_OK;
}

static int parse_heap(const char *buf, size_t len, const char *name,
		      struct heap_profile *p)
{
	struct heap_error err;
	int r;

	if (heap_parse(buf, len, p, &err)) {
		heap_error_print(name, &err);
		return EXIT_BADDATA;
	}
	r = symbolize(p);
	if (r) {
		heap_free(p);
		return r;
	}
	heap_estimate(p);
	return EXIT_OK;
}

static int load_profile(struct heap_profile *p)
{
	const char *name;
	size_t len;
	char *buf;
	int ret;

	ret = read_heap(&buf, &len, &name);
	if (ret)
		return ret;
	ret = parse_heap(buf, len, name, p);
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

/* === top and watch === */

static const struct option top_longopts[] = {
	COMMON_LONGOPTS,
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "cumulative", no_argument, NULL, OPT_CUMULATIVE },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "interval", required_argument, NULL, 'i' },
	{ "iterations", required_argument, NULL, OPT_ITERATIONS },
	{ NULL, 0, NULL, 0 },
};

/* top's options, and watch's -i and --iterations when @watch. */
static int top_options(const struct command *cmd, int argc, char **argv,
		       struct top_options *opt, double *interval,
		       uint64_t *iterations)
{
	uint64_t v;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, interval ? "+d:f:n:i:h" : "+d:f:n:h",
				top_longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64(optarg, UINT32_MAX, &v))
				return bad_usage(cmd, "-n: expected a row count, not '%s'", optarg);
			opt->limit = (unsigned int)v;
			break;
		case OPT_SORT:
			if (!strcmp(optarg, "inuse"))
				opt->sort = SORT_INUSE;
			else if (!strcmp(optarg, "alloc"))
				opt->sort = SORT_ALLOC;
			else if (!strcmp(optarg, "frees"))
				opt->sort = SORT_FREES;
			else if (!strcmp(optarg, "objects"))
				opt->sort = SORT_OBJECTS;
			else
				return bad_usage(cmd, "--sort: expected inuse, alloc, frees or objects, not '%s'", optarg);
			break;
		case OPT_CUMULATIVE:
			opt->cumulative = true;
			break;
		case OPT_RAW:
			opt->raw = true;
			break;
		case 'i': {
			char *end;

			if (!interval)
				return bad_usage(cmd, "%s", "-i: only for watch");
			errno = 0;
			*interval = strtod(optarg, &end);
			if (errno || *end || !(*interval >= 0.1 && *interval <= 86400))
				return bad_usage(cmd, "-i: expected seconds from 0.1 to 86400, not '%s'", optarg);
			break;
		}
		case OPT_ITERATIONS:
			if (!iterations || parse_u64(optarg, UINT32_MAX, iterations))
				return bad_usage(cmd, "--iterations: expected a count, not '%s'", optarg);
			break;
		default:
			r = common_option(cmd, c);
			if (r != -2)
				return r;
		}
	}
	if (optind != argc)
		return bad_usage(cmd, "unexpected argument '%s'", argv[optind]);
	return -2;
}

static int cmd_top(const struct command *cmd, int argc, char **argv)
{
	struct top_options opt = { .limit = 20 };
	struct heap_profile p;
	int ret;

	ret = top_options(cmd, argc, argv, &opt, NULL, NULL);
	if (ret != -2)
		return ret;
	ret = load_profile(&p);
	if (ret)
		return ret;
	top_print(stdout, &p, &opt);
	heap_free(&p);
	return close_output(stdout, NULL);
}

static int cmd_watch(const struct command *cmd, int argc, char **argv)
{
	struct top_options opt = { .limit = 20 };
	uint64_t iterations = 0;
	bool tty = isatty(STDOUT_FILENO);
	double interval = 2;
	int ret;

	ret = top_options(cmd, argc, argv, &opt, &interval, &iterations);
	if (ret != -2)
		return ret;
	for (uint64_t i = 0; !iterations || i < iterations; i++) {
		struct timespec ts = {
			.tv_sec = (time_t)interval,
			.tv_nsec = (long)((interval - (double)(time_t)interval) * 1e9),
		};
		struct heap_profile p;
		char when[64];
		time_t now = time(NULL);

		if (i)
			nanosleep(&ts, NULL);
		ret = load_profile(&p);
		if (ret)
			return ret;
		strftime(when, sizeof(when), "%F %T", localtime(&now));
		/* Home and clear, like top(1); plain separators into a pipe. */
		printf("%s", tty ? "\033[H\033[2J" : i ? "\n" : "");
		printf("kmprof watch: every %.1f s, %s\n", interval, when);
		top_print(stdout, &p, &opt);
		heap_free(&p);
		if (fflush(stdout))
			return close_output(stdout, NULL);
	}
	return EXIT_OK;
}

/* === Commands that write a file === */

/* What snapshot, pprof and folded accept besides the common options. */
struct output_options {
	const char *path;	/* -o FILE, "-" for standard output */
	bool all_frames;	/* --all-frames */
	bool alloc;		/* --alloc */
};

/*
 * Parse the options of a command that writes a file: @shortopts and
 * @longopts say which of struct output_options it takes. No argument may
 * follow them. Return: -2 to go on, or an exit status.
 */
static int output_options(const struct command *cmd, int argc, char **argv,
			  const char *shortopts, const struct option *longopts,
			  struct output_options *opt)
{
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt->path = optarg;
			break;
		case OPT_ALL_FRAMES:
			opt->all_frames = true;
			break;
		case OPT_ALLOC:
			opt->alloc = true;
			break;
		default:
			r = common_option(cmd, c);
			if (r != -2)
				return r;
		}
	}
	if (optind != argc)
		return bad_usage(cmd, "unexpected argument '%s'", argv[optind]);
	return -2;
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
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t before = 0;
	struct output_options opt = { 0 };
	const char *name;
	char *buf, *cyc, path[4096];
	bool have_before;
	struct heap_profile p;
	size_t len;
	FILE *out;
	int r;

	r = output_options(cmd, argc, argv, "+d:o:h", longopts, &opt);
	if (r != -2)
		return r;
	if (heap_file)
		return bad_usage(cmd, "%s", "needs the live debugfs directory, not -f");

	/* Advance, then read: the read publishes what the advance closed. */
	r = ctl_read("cycle", &cyc, &len);
	if (r)
		return r;
	have_before = parse_cycle(cyc, len, &before);
	free(cyc);
	if (!have_before)
		fprintf(stderr, "kmprof: %s/cycle: not \"cycle <C> pending <P>\"\n",
			debugfs_dir);
	advance = true;
	r = read_heap(&buf, &len, &name);
	if (r)
		return r;
	r = parse_heap(buf, len, name, &p);
	if (r) {
		free(buf);
		return r;
	}
	if (have_before && p.cycle == before)
		fprintf(stderr, "kmprof: warning: the cycle did not advance (still %" PRIu64 ")\n",
			p.cycle);
	if (p.pending)
		fprintf(stderr, "kmprof: warning: %" PRIu64 " cycles were not yet published\n",
			p.pending);

	out = open_output(opt.path);
	if (!out) {
		r = EXIT_FAIL;
	} else {
		fwrite(buf, 1, len, out);
		r = close_output(out, opt.path);
	}
	if (!r && opt.path && strcmp(opt.path, "-")) {
		uint64_t inuse = 0;

		for (size_t i = 0; i < p.nr; i++)
			inuse += p.est[i].inuse_bytes;
		fprintf(stderr, "kmprof: cycle %" PRIu64 ", %zu buckets, %s in use (estimated): saved to %s\n",
			p.cycle, p.nr, fmt_bytes(path, sizeof(path), inuse, false),
			opt.path);
	}
	heap_free(&p);
	free(buf);
	return r;
}

/* === pprof and folded === */

static int cmd_pprof(const struct command *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "output", required_argument, NULL, 'o' },
		{ "all-frames", no_argument, NULL, OPT_ALL_FRAMES },
		{ NULL, 0, NULL, 0 },
	};
	struct output_options opt = { 0 };
	struct heap_profile p;
	unsigned char *gz;
	size_t len;
	FILE *out;
	int r;

	r = output_options(cmd, argc, argv, "+d:f:o:h", longopts, &opt);
	if (r != -2)
		return r;
	if (!opt.path)
		return bad_usage(cmd, "%s", "-o FILE is required (- for standard output)");
	if (!strcmp(opt.path, "-") && isatty(STDOUT_FILENO))
		return bad_usage(cmd, "%s", "will not write gzip data to a terminal");
	r = load_profile(&p);
	if (r)
		return r;
	if (pprof_encode(&p, opt.all_frames, &gz, &len)) {
		fprintf(stderr, "kmprof: cannot compress the profile\n");
		heap_free(&p);
		return EXIT_FAIL;
	}
	heap_free(&p);
	out = open_output(opt.path);
	if (!out) {
		free(gz);
		return EXIT_FAIL;
	}
	fwrite(gz, 1, len, out);
	free(gz);
	return close_output(out, opt.path);
}

static int cmd_folded(const struct command *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "output", required_argument, NULL, 'o' },
		{ "alloc", no_argument, NULL, OPT_ALLOC },
		{ "all-frames", no_argument, NULL, OPT_ALL_FRAMES },
		{ NULL, 0, NULL, 0 },
	};
	struct output_options opt = { 0 };
	struct folded_options fopt;
	struct heap_profile p;
	FILE *out;
	int r;

	r = output_options(cmd, argc, argv, "+d:f:o:h", longopts, &opt);
	if (r != -2)
		return r;
	fopt.alloc = opt.alloc;
	fopt.all_frames = opt.all_frames;
	r = load_profile(&p);
	if (r)
		return r;
	out = open_output(opt.path);
	if (out) {
		folded_print(out, &p, &fopt);
		r = close_output(out, opt.path);
	} else {
		r = EXIT_FAIL;
	}
	heap_free(&p);
	return r;
}

/* === Control files === */

/* Options of commands that only take -d and --help; @max arguments. */
static int control_options(const struct command *cmd, int argc, char **argv,
			   int max)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+d:h", longopts, NULL)) != -1) {
		r = common_option(cmd, c);
		if (r != -2)
			return r;
	}
	if (argc - optind > max)
		return bad_usage(cmd, "unexpected argument '%s'", argv[optind + max]);
	if (heap_file)
		return bad_usage(cmd, "%s", "acts on the live debugfs directory, not -f");
	return -2;
}

static int print_file(const char *name)
{
	size_t len;
	char *buf;
	int r;

	r = ctl_read(name, &buf, &len);
	if (r)
		return r;
	fwrite(buf, 1, len, stdout);
	free(buf);
	return close_output(stdout, NULL);
}

static int cmd_cat(const struct command *cmd, int argc, char **argv)
{
	int r = control_options(cmd, argc, argv, 0);

	return r != -2 ? r : print_file(cmd->name);
}

static int cmd_rate(const struct command *cmd, int argc, char **argv)
{
	char token[32];
	uint64_t rate;
	int r;

	r = control_options(cmd, argc, argv, 1);
	if (r != -2)
		return r;
	if (optind == argc)
		return print_file("rate");
	if (parse_size(argv[optind], &rate) || rate > KMPROF_RATE_MAX)
		return bad_usage(cmd, "expected bytes from 0 to 1G (K, M, G suffixes), not '%s'",
				 argv[optind]);
	snprintf(token, sizeof(token), "%" PRIu64, rate);
	return ctl_write("rate", token);
}

static int cmd_write(const struct command *cmd, int argc, char **argv)
{
	int r = control_options(cmd, argc, argv, 0);

	if (r != -2)
		return r;
	if (!strcmp(cmd->name, "enable"))
		return ctl_write("enable", "1");
	if (!strcmp(cmd->name, "disable"))
		return ctl_write("enable", "0");
	return ctl_write("reset", "1");
}

/* === Commands === */

#define READ_OPTS \
	"  -d DIR           the debugfs directory (default " KMPROF_DEBUGFS_DIR ")\n" \
	"  -f FILE          read a saved heap file instead (- for standard input)\n" \
	"  --no-advance     read the published profile as it is; by default a\n" \
	"                   live read first closes the current cycle\n" \
	"  --kallsyms FILE  name the frames the profile leaves unnamed from FILE\n" \
	"                   (default: /proc/kallsyms for the live profile, none\n" \
	"                   for -f FILE)\n" \
	"  --no-kallsyms    leave them as addresses\n"

#define TOP_OPTS \
	"  -n N             show N rows (default 20, 0: all)\n" \
	"  --sort KEY       inuse (default), alloc, frees or objects\n" \
	"  --cumulative     a row per function anywhere in the stacks, not\n" \
	"                   per allocation site\n" \
	"  --raw            exact byte counts instead of KiB, MiB, ...\n"

static const struct command commands[] = {
	{ "top", "estimated bytes in use per allocation site", cmd_top, "[-n N] [--sort KEY] [--cumulative] [--raw]",
	  "Where kernel memory goes: estimated bytes in use per allocation site\n"
	  "(the first frame outside the slab allocator), largest first.\n\n"
	  TOP_OPTS READ_OPTS },
	{ "watch", "top, refreshed like top(1)", cmd_watch, "[-i SEC] [--iterations N] [top options]",
	  "top, refreshed every SEC seconds (default 2) until interrupted or\n"
	  "N iterations are shown.\n\n" TOP_OPTS READ_OPTS },
	{ "snapshot", "close a cycle, then save or print the profile", cmd_snapshot, "[-o FILE]",
	  "Close the current cycle, read the profile it publishes, and print it\n"
	  "or save it to FILE, for reading later with -f.\n\n"
	  "  -d DIR           the debugfs directory (default " KMPROF_DEBUGFS_DIR ")\n" },
	{ "pprof", "write the profile for go tool pprof", cmd_pprof,
	  "-o FILE.pb.gz [--all-frames]",
	  "Write the profile in pprof's format for go tool pprof: sample types\n"
	  "alloc_objects, alloc_space, inuse_objects, inuse_space (the default).\n\n"
	  "  -o FILE          the output file (- for standard output)\n"
	  "  --all-frames     keep the slab allocator's own frames above the\n"
	  "                   allocation sites\n" READ_OPTS },
	{ "folded", "write folded stacks for flame graphs", cmd_folded,
	  "[--alloc] [--all-frames] [-o FILE]",
	  "One \"root;...;site bytes\" line per stack, for flame graphs.\n\n"
	  "  --alloc          allocated bytes instead of in-use bytes (both\n"
	  "                   estimated)\n"
	  "  --all-frames     keep the slab allocator's own frames\n"
	  "  -o FILE          the output file (default standard output)\n"
	  READ_OPTS },
	{ "stats", "print the profiler's counters", cmd_cat, "", "Print the profiler's counters.\n\n"
	  "  -d DIR           the debugfs directory (default " KMPROF_DEBUGFS_DIR ")\n" },
	{ "probes", "print the probed allocator entry points", cmd_cat, "", "Print the probed allocator entry points and their state.\n\n"
	  "  -d DIR           the debugfs directory (default " KMPROF_DEBUGFS_DIR ")\n" },
	{ "rate", "print or set the sampling rate", cmd_rate, "[BYTES]",
	  "Print the sampling rate, or set it: the mean bytes allocated between\n"
	  "two samples (suffixes K, M, G; 1 samples everything, 0 nothing).\n\n"
	  "  -d DIR           the debugfs directory (default " KMPROF_DEBUGFS_DIR ")\n" },
	{ "enable", "start profiling", cmd_write, "", "Start profiling.\n" },
	{ "disable", "stop profiling", cmd_write, "", "Stop profiling; the profile is kept.\n" },
	{ "reset", "forget the profile", cmd_write, "", "Forget every bucket and sampled object.\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kmprof [-d DIR | -f FILE] COMMAND [OPTIONS]\n"
		"\n"
		"  -d DIR   kmprof's debugfs directory (default %s)\n"
		"  -f FILE  a saved heap file instead of the live profile\n"
		"\n"
		"commands:\n", KMPROF_DEBUGFS_DIR);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'kmprof COMMAND --help' describes a command; see kmprof(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "+d:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
		case 'f':
		case OPT_KALLSYMS:
		case OPT_NO_KALLSYMS:
		case OPT_NO_ADVANCE:
			common_option(NULL, opt);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].run(&commands[i], argc - optind,
					       argv + optind);
	fprintf(stderr, "kmprof: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
