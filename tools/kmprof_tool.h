/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - what the files of the reader tool share: the parsed profile,
 * the symbols, the estimates and the exit statuses.
 *
 * The pipeline is: read the heap text (debugfs.c) -> heap_parse() ->
 * heap_symbolize() (symbols.c) -> heap_estimate() (unbias.c) -> one of
 * the outputs (top.c, folded.c, pprof.c, metrics.c).
 */
#ifndef KMPROF_TOOL_H
#define KMPROF_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kmprof.h>
#include <kmprof_heap.h>

/* Exit statuses, documented in kmprof.8. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* an I/O error, a write the module refused */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_PERM = 3,		/* not root */
	EXIT_UNAVAILABLE = 4,	/* debugfs not mounted, module not loaded */
	EXIT_BADDATA = 5,	/* malformed heap or kallsyms file, unknown version */
};

/* === util.c === */

/* An arena: many small allocations, freed together. */
struct arena {
	struct arena_chunk *head;
};

void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
void arena_free(struct arena *a);

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);
/*
 * @p, an array of *@cap elements of @size bytes, with room for @n: grown
 * by doubling if it has less (*@cap updated), the new elements zeroed.
 */
void *xgrow(void *p, size_t *cap, size_t n, size_t size);

/* @a + @b, or UINT64_MAX if that does not fit. */
uint64_t sat_add(uint64_t a, uint64_t b);

/* @one if @n is 1, else @many: "1 bucket", "2 buckets". */
const char *plural(uint64_t n, const char *one, const char *many);
/*
 * [@s, @s + @n) in double quotes for a message: cut to QUOTED_MAX
 * characters and "..." if longer, anything but printable ASCII or a space
 * shown as '?'. @len: QUOTED_MAX + 6 is always enough.
 */
#define QUOTED_MAX	32
const char *quoted(char *buf, size_t len, const char *s, size_t n);
/* "1.5 MiB", "512 B"; raw prints the exact number of bytes. */
const char *fmt_bytes(char *buf, size_t len, uint64_t bytes, bool raw);
/*
 * The one parser of numbers: the digits at *@s, before @end, in @base (10
 * or 16, no prefix, no sign) into *@v, and *@s past them. 1 on success,
 * 0 if there is no digit (*@s unchanged), -1 if the value exceeds 64 bits.
 */
int scan_u64(const char **s, const char *end, unsigned int base, uint64_t *v);
/* A whole string of decimal digits, at most @max; 0, or -1 if not. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);
/* "512", "4K", "1M", "2G" (binary units) -> bytes; -1 if malformed. */
int parse_size(const char *s, uint64_t *out);

/* === strtab.c: strings interned to dense ids, 0 is "" === */

struct strtab {
	char **str;		/* by id */
	size_t nr, cap;
	uint32_t *slots;	/* open addressing: id + 1, 0 empty */
	size_t nslots;
};

void strtab_init(struct strtab *t);
uint32_t strtab_intern(struct strtab *t, const char *s);
void strtab_free(struct strtab *t);

/* === allocator.c: the allocators of kmprof_heap.h, and lists of them === */

/* Allocator names, in the order given. */
struct allocator_list {
	char name[KMPROF_HEAP_SOURCES_MAX][KMPROF_HEAP_ALLOCATOR_MAX + 1];
	unsigned int nr;
};

/* @name's place in KMPROF_HEAP_ALLOCATORS, -1 if it is not there. */
int allocator_rank(const char *name);
/* "slab, page, ...": KMPROF_HEAP_ALLOCATORS, for messages. */
const char *allocator_known_names(void);
/* True if [@s, @s + @len) is 1 to KMPROF_HEAP_ALLOCATOR_MAX of [a-z0-9_]. */
bool allocator_name_ok(const char *s, size_t len);
/* Into @why: [@s, @s + @n) is not a name, quoted (cut if long). */
void allocator_name_error(char *why, size_t len, const char *s, size_t n);
/*
 * "name[,name...]" ([@s, @s + @len)) into @l: well-formed names, each
 * once, at most KMPROF_HEAP_SOURCES_MAX. 0, or -1 with the reason in @why.
 */
int allocator_list_parse(struct allocator_list *l, const char *s, size_t len,
			 char *why, size_t whylen);
/* @name's index in @l, -1 if it is not there. */
int allocator_list_find(const struct allocator_list *l, const char *name);
/*
 * The index of the first known name of @l that stands before a known name
 * it should follow (see allocator_rank()), -1 if there is none.
 */
int allocator_list_misordered(const struct allocator_list *l);
/* "slab,page": the names of @l in @mask (1 << index), in @l's order. */
const char *allocator_list_names(char *buf, size_t len,
				 const struct allocator_list *l, uint32_t mask);

/* === labels.c: the labels of kmprof_heap.h, and the comm's escapes === */

/* The longest comm, in bytes; escaped, every byte is four characters. */
#define HEAP_COMM_MAX		15
#define HEAP_COMM_ESCAPED_MAX	(4 * HEAP_COMM_MAX + 1)

/* enum kmprof_label's name (KMPROF_HEAP_LABELS). */
const char *label_name(enum kmprof_label label);
/* The label named [@s, @s + @len), -1 if none is. */
int label_find(const char *s, size_t len);
/* "context,cgroup": the labels of @mask (1 << enum kmprof_label). */
const char *label_names(char *buf, size_t len, unsigned int mask);
/*
 * "name[,name...]" ([@s, @s + @len)) into *@mask: known names, each once,
 * in their order, at least one. 0, or -1 with the reason in @why.
 */
int label_list_parse(unsigned int *mask, const char *s, size_t len,
		     char *why, size_t whylen);
/* enum kmprof_context's name (KMPROF_HEAP_CONTEXTS). */
const char *context_name(enum kmprof_context context);
/* The context named [@s, @s + @len), -1 if none is. */
int context_find(const char *s, size_t len);
/* Room for any label's value as label_value() shows it. */
#define HEAP_LABEL_VALUE_MAX	64
struct heap_bucket;
struct cgroup_names;
/*
 * The value of @label of record @b as the outputs show it: the context,
 * the comm escaped (comm_escape()), the pid, the cgroup's path
 * (cgroup_name() of @cgroups); NULL if the record has none. Made in @buf
 * (HEAP_LABEL_VALUE_MAX bytes) when it has to be.
 */
const char *label_value(const struct heap_bucket *b, enum kmprof_label label,
			struct cgroup_names *cgroups, char *buf, size_t len);
/* "task, softirq, ...": KMPROF_HEAP_CONTEXTS, for messages. */
const char *context_known_names(void);
/*
 * A comm= value ([@s, @s + @len)) into @comm (HEAP_COMM_MAX + 1 bytes,
 * NUL terminated): printable bytes but space and backslash as they are,
 * others as "\ooo". 0, or -1 with the reason in @why.
 */
int comm_unescape(char *comm, const char *s, size_t len, char *why,
		  size_t whylen);
/* @comm as the heap file writes it, into @buf (HEAP_COMM_ESCAPED_MAX). */
const char *comm_escape(char *buf, size_t len, const char *comm);

/* === cgroup.c: cgroup v2 ids to paths === */

struct cgroup_entry {
	uint64_t id;		/* the inode number of its directory */
	const char *path;	/* under the mount: "/", "/a/b" */
};

/* The cgroups under a cgroup2 mount, found at the first lookup. */
struct cgroup_names {
	const char *root;	/* the mount, e.g. /sys/fs/cgroup */
	bool walked;
	struct cgroup_entry *entry;	/* by id */
	size_t nr, cap;
	struct arena arena;
};

/* The default cgroup2 mount. */
#define CGROUP_ROOT	"/sys/fs/cgroup"

void cgroup_names_init(struct cgroup_names *n, const char *root);
/*
 * The path of cgroup @id, or "(deleted) ID" in @buf if no directory under
 * the mount has it. Walks the mount at the first call (a warning if it
 * cannot be read).
 */
const char *cgroup_name(struct cgroup_names *n, uint64_t id, char *buf,
			size_t len);
/* True if the cgroup at @path is @top (a path as cgroup_name() has it) or below. */
bool cgroup_within(const char *path, const char *top);
void cgroup_names_free(struct cgroup_names *n);

/* === heap_parse.c: the "heap" text of kmprof_heap.h === */

/* A function of the profile: what frames are named by. */
struct heap_func {
	const char *name;	/* "sym", "sym [mod]" or "0x<pc>" */
	const char *symbol;	/* "sym", or the address when unresolved */
	const char *module;	/* "mod", NULL for the kernel image */
	bool resolved;
};

struct heap_bucket {
	unsigned int line;	/* of its record, for messages */
	uint64_t inuse_objs, inuse_bytes, alloc_objs, alloc_bytes;
	uint64_t size, inuse_req, alloc_req;
	bool has_size;
	unsigned int allocator;	/* its index in the profile's sources */
	/* its labels (version 4), each if the record has it */
	bool has_context, has_comm, has_pid, has_cgroup;
	enum kmprof_context context;
	char comm[HEAP_COMM_MAX + 1];	/* unescaped, NUL terminated */
	uint64_t pid, cgroup;
	/*
	 * ages= (version 5), if has_ages: the sampled objects in use by age
	 * class, KMPROF_HEAP_AGE_CLASSES of them (in the profile's arena)
	 */
	bool has_ages;
	uint64_t *ages;
	/*
	 * lifetimes= and lifetime_sum= (version 6), if has_lifetimes: the
	 * sampled objects freed by lifetime class, KMPROF_HEAP_LIFETIME_CLASSES
	 * of them (in the profile's arena), and the sum of the lifetimes of
	 * all the record's frees, in seconds
	 */
	bool has_lifetimes;
	uint64_t *lifetimes;
	uint64_t lifetime_sum;
	unsigned int depth;
	uint64_t *pcs;		/* innermost first */
	const char **pS;	/* the file's "%pS" per frame, or NULL */
	uint32_t *func;		/* per frame, after heap_symbolize() */
};

/* Estimated (unbiased) counts of a bucket, see unbias.c. */
struct heap_estimate {
	uint64_t inuse_objs, inuse_bytes, inuse_req;
	uint64_t alloc_objs, alloc_bytes, alloc_req;
	double inuse_bytes_var;	/* the variance of inuse_bytes' estimate */
};

struct heap_profile {
	unsigned int version;
	uint64_t rate, cycle, pending, declared_buckets;
	uint64_t time_ns;	/* when the snapshot was taken, if has_time */
	bool has_time;		/* from version 2 on */
	/*
	 * the time the allocation counts cover, when they are those of an
	 * interval (heap_alloc_delta(), record); 0: since the profile began
	 */
	uint64_t duration_ns;
	/* sources=: the allocators recorded; "slab" before version 3 */
	struct allocator_list sources;
	/* labels=: 1 << enum kmprof_label of each, 0 before version 4 */
	unsigned int labels;
	/* the header line's totals */
	uint64_t inuse_objs, inuse_bytes, alloc_objs, alloc_bytes;
	struct heap_bucket *buckets;
	struct heap_estimate *est;	/* after heap_estimate() */
	size_t nr, cap;
	struct heap_func *funcs;	/* after heap_symbolize() */
	size_t nfuncs;
	struct arena arena;
};

enum heap_error_kind {
	HEAP_ERR_SYNTAX,	/* malformed */
	HEAP_ERR_VERSION,	/* a kmprof heap file of another version */
	HEAP_ERR_NOMEM,
};

struct heap_error {
	enum heap_error_kind kind;
	unsigned int line;
	char field[32];
	char msg[160];
};

/*
 * Parse @len bytes (not NUL terminated). On error, returns -1 with @err
 * filled in and @p emptied; on success 0, and heap_free() frees @p.
 */
int heap_parse(const char *buf, size_t len, struct heap_profile *p,
	       struct heap_error *err);
void heap_free(struct heap_profile *p);
/* "NAME:LINE: FIELD: MSG" to stderr. */
void heap_error_print(const char *name, const struct heap_error *err);

/* === symbols.c === */

/* A parsed "%pS": "sym+0xoff/0xsize[ [mod]]". */
struct pS_sym {
	const char *name;
	size_t name_len;
	const char *module;	/* NULL if none */
	size_t module_len;
	uint64_t offset, size;
};

/* 0 if @text (len bytes) is a symbol, 1 if it is a bare address, -1 else. */
int pS_parse(const char *text, size_t len, struct pS_sym *out);

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module;	/* NULL for the kernel image */
};

/* /proc/kallsyms, text symbols only, sorted by address. */
struct kallsyms {
	struct ksym *syms;
	size_t nr;
	struct arena arena;
};

/*
 * Parse @len bytes of /proc/kallsyms text: lines "<hex address> <type>
 * <name>[<tab>[<module>]]". 0, or -1 with @err filled in: a malformed
 * line, or no text symbol with an address (all addresses are 0 when read
 * without root).
 */
int kallsyms_parse(struct kallsyms *ks, const char *buf, size_t len,
		   struct heap_error *err);
/* The symbol containing @pc, or NULL; *off is pc - its address. */
const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t pc,
				   uint64_t *off);
void kallsyms_free(struct kallsyms *ks);

/*
 * Name every frame: the file's "%pS" first, else @ks (may be NULL), else
 * the raw address. Fills p->funcs and each bucket's func[].
 */
void heap_symbolize(struct heap_profile *p, const struct kallsyms *ks);
/* True if frames with this symbol are an allocator itself (not a site). */
bool sym_is_allocator(const char *symbol);
/*
 * The allocation site of a bucket: the index of its first frame outside
 * the allocator, 0 if none is (a record has at least one frame).
 */
unsigned int heap_site(const struct heap_profile *p,
		       const struct heap_bucket *b);
/* The first frame of the stack to show: the site, or 0 with @all_frames. */
unsigned int heap_first_frame(const struct heap_profile *p,
			      const struct heap_bucket *b, bool all_frames);

/* === unbias.c === */

/* pprof's scaleHeapSample(): a sampled count and bytes, estimated. */
void heap_scale(uint64_t count, uint64_t bytes, uint64_t rate,
		uint64_t *est_count, uint64_t *est_bytes, double *scale);
/* Fill p->est for every bucket. */
void heap_estimate(struct heap_profile *p);
/* @e added to @to, field by field, saturating (variances summed). */
void heap_estimate_add(struct heap_estimate *to, const struct heap_estimate *e);
/*
 * The estimate of bucket @i's objects in use of the age classes [@lo,
 * @hi) (ages=, heap format 5): their sampled count scaled by the
 * record's in-use scale, bytes the same count times the size class,
 * scaled; requested bytes the record's in proportion. So a class's
 * objects are estimated as the record's in use are, and all of them
 * together are its in-use estimate. Allocation fields 0; all 0 if the
 * record has no ages=.
 */
void heap_age_estimate(const struct heap_profile *p, size_t i,
		       unsigned int lo, unsigned int hi,
		       struct heap_estimate *e);
/* The lower bound of age class @k in seconds: 0, then 2^(k-1). */
uint64_t heap_age_class_lo(unsigned int k);
/* Age class @k's name: "<1s", "1s-2s", "2s-4s", ... (HEAP_AGE_NAME_MAX). */
#define HEAP_AGE_NAME_MAX	32
const char *heap_age_class_name(char *buf, size_t len, unsigned int k);
/*
 * The variance of the estimate of the bytes of @n sampled objects of
 * @size bytes, sampled at @rate (0 at rate <= 1: nothing is estimated).
 */
double heap_inuse_variance(uint64_t n, uint64_t size, uint64_t rate);

/* Objects by class, estimated: a record's or a row's (heap_classes_add()). */
struct heap_classes {
	double age[KMPROF_HEAP_AGE_CLASSES];	/* in use by age (ages=) */
	double life[KMPROF_HEAP_LIFETIME_CLASSES];	/* freed by lifetime */
	/* the frees of the records with lifetimes=, their lifetimes summed */
	double freed, life_seconds;
};

/*
 * Record @i's sampled counts by class added to @c, scaled as its in-use
 * and allocation counts are, so that a row of records of several sizes
 * weighs each as its estimate does.
 */
void heap_classes_add(struct heap_classes *c, const struct heap_profile *p,
		      size_t i);
/* True if @c counts freed objects with lifetimes. */
bool heap_classes_have_lifetimes(const struct heap_classes *c);
/* The mean lifetime of @c's freed objects, in seconds. */
double heap_classes_mean_lifetime(const struct heap_classes *c);
/*
 * The median lifetime class of @c's freed objects: the first class by
 * which half of those its classes count are counted.
 */
unsigned int heap_classes_median_lifetime(const struct heap_classes *c);
/* The highest lifetime class @c counts. */
unsigned int heap_classes_last_lifetime(const struct heap_classes *c);
/* @c's objects in use of the age classes from @lo on. */
double heap_classes_aged(const struct heap_classes *c, unsigned int lo);

/* The lower bound of lifetime class @k in seconds: 0, then 2^(k-1). */
uint64_t heap_lifetime_class_lo(unsigned int k);
/* Lifetime class @k's name: as an age class's, the last "16384s+". */
const char *heap_lifetime_class_name(char *buf, size_t len, unsigned int k);

/* === outputs === */

enum top_sort { SORT_INUSE, SORT_ALLOC, SORT_FREES, SORT_OBJECTS };

struct top_options {
	unsigned int limit;	/* 0: all rows */
	enum top_sort sort;
	bool cumulative;
	bool raw;		/* exact bytes instead of human units */
	/* the allocators shown, NULL: all (names not in the profile: none) */
	const struct allocator_list *only;
	int by;			/* the enum kmprof_label of the rows, -1: sites */
	/* only the records with these labels, when given */
	const char *cgroup;	/* a path: this cgroup and those below it */
	const char *comm;	/* unescaped */
	bool has_pid;
	uint64_t pid;
	struct cgroup_names *cgroups;	/* names the cgroup label */
	/*
	 * --min-age: only the objects in use of the age classes from
	 * min_age_class on (heap format 5's ages=), min_age seconds asked
	 * for; the allocation columns are not shown
	 */
	bool has_min_age;
	uint64_t min_age;
	unsigned int min_age_class;
	/* count each row's objects by class (top_row's classes) */
	bool classes;
	/* --lifetimes: the lifetimes of the freed objects (heap format 6) */
	bool lifetimes;
};

/* The first age class whose objects are all at least @seconds old. */
unsigned int top_min_age_class(uint64_t seconds);

void top_print(FILE *out, const struct heap_profile *p,
	       const struct top_options *opt);

/* A row of top: a site or function of one allocator, or a label's value. */
struct top_row {
	const char *name;	/* the site or function, or the label's value */
	uint32_t allocators;	/* 1 << index in the profile's sources */
	size_t stamp;		/* last bucket counted, + 1 */
	bool used;
	struct heap_estimate e;
	/* with the options' classes, its records' (top_rows_free() frees it) */
	struct heap_classes *classes;
};

/* The rows of a profile as top counts them, and their totals. */
struct top_rows {
	struct top_row *row;	/* nr rows, sorted by the options' key */
	size_t nr, cap;
	/* the estimates summed: over every record kept, and per allocator */
	struct heap_estimate all;
	struct heap_estimate source[KMPROF_HEAP_SOURCES_MAX];
	bool keep[KMPROF_HEAP_SOURCES_MAX];	/* the allocators kept */
	struct strtab values;	/* the names of rows by a label's value */
	bool classes;		/* rows count their classes */
};

/*
 * The rows of @p that top shows with @opt (its filters, --by, cumulative
 * and sort; not its limit), and their totals. Row names live in @p and
 * in @t; top_rows_free() frees @t.
 */
void top_rows_build(struct top_rows *t, const struct heap_profile *p,
		    const struct top_options *opt);
void top_rows_free(struct top_rows *t);
/* The title of top's last column: what a row is ("SITE", "COMM"). */
const char *top_row_title(const struct top_options *opt, char *buf,
			  size_t len);
/* "only:      comm bash, cgroup /a and below": the filters, if any. */
void top_print_only(FILE *out, const struct top_options *opt);

/* diff's row order: growth of in-use bytes, its opposite, NEW's in-use. */
enum diff_sort { DIFF_SORT_GROWTH, DIFF_SORT_SHRINK, DIFF_SORT_NEW };

struct diff_options {
	const char *old_name, *new_name;	/* for the header */
	enum diff_sort sort;
	/* the rows (by site or --by label), filters, limit and raw of top */
	const struct top_options *top;
};

/*
 * Rows of several profiles matched, as diff and leaks match them: by what
 * they show, never by address. rows_merge_sources() lists the allocators
 * of the @n profiles @p: the first's, then those only later ones have (at
 * most KMPROF_HEAP_SOURCES_MAX; past that, rows show fewer).
 * rows_merged_mask() is @mask, of @p's sources, as a mask of @all.
 * rows_match_id() is the id in @keys of row @r of @p's rows built with
 * @opt: a site's name and its allocator's name, or a label's value, so
 * that rows of any profile showing the same have the same id.
 */
void rows_merge_sources(struct allocator_list *all,
			const struct heap_profile *const *p, unsigned int n);
uint32_t rows_merged_mask(const struct allocator_list *all,
			  const struct heap_profile *p, uint32_t mask);
uint32_t rows_match_id(struct strtab *keys, const struct heap_profile *p,
		       const struct top_row *r, const struct top_options *opt);
/*
 * Why @new is no later snapshot of @old's profile (another rate, an
 * earlier cycle, a record with fewer allocations), NULL if it is.
 */
const char *heap_other_profile(const struct heap_profile *old,
			       const struct heap_profile *new);

/*
 * The growth from @old to @new, two profiles symbolized and estimated:
 * their rows matched by name and allocator (or label value), see diff.c.
 */
void diff_print(FILE *out, const struct heap_profile *old,
		const struct heap_profile *new, const struct diff_options *opt);

struct leaks_options {
	const char *const *names;	/* of the snapshots, oldest first */
	/* the rows (by site or --by label), filters, limit and raw of top */
	const struct top_options *top;
};

/*
 * Why the @n profiles @p (named @names) cannot be snapshots of one
 * profile given oldest first, into @why: their rates differ, or one was
 * taken before the one before it. 0 if they can, else -1.
 */
int leaks_refuse(const struct heap_profile *const *p, const char *const *names,
		 unsigned int n, char *why, size_t len);
/*
 * The rows whose bytes in use grew from the first of the @n (at least 2)
 * profiles @p to the last, beyond sampling error, and why; see leaks.c.
 */
void leaks_print(FILE *out, const struct heap_profile *const *p,
		 unsigned int n, const struct leaks_options *opt);

/*
 * @new's allocation counts made those since @old, an earlier snapshot of
 * the same profile, both symbolized: each record's (and the header's)
 * minus those of @old's record with the same frames (by address), size
 * class, allocator and labels; a record new since @old keeps its counts.
 * In-use counts are left as they are. heap_estimate() after it. NULL, or
 * why @new is not a later snapshot of @old's profile (a reset, a new
 * rate, a reload: the reasons diff gives), @new then unchanged.
 */
const char *heap_alloc_delta(struct heap_profile *new,
			     const struct heap_profile *old);

struct folded_options {
	bool alloc;		/* allocated bytes instead of in-use bytes */
	bool all_frames;	/* keep the allocator's frames, see heap_site() */
};

void folded_print(FILE *out, const struct heap_profile *p,
		  const struct folded_options *opt);

/*
 * The profile as a gzipped profile.proto in *@out (malloc'ed, *@len
 * bytes). time_nanos is when the snapshot was taken, unset if the file
 * does not say; duration_nanos p->duration_ns, unset if 0. Stacks start at the allocation site unless @all_frames.
 * @cgroups names the cgroup labels. 0, or -1 on failure.
 */
int pprof_encode(const struct heap_profile *p, bool all_frames,
		 struct cgroup_names *cgroups, unsigned char **out,
		 size_t *len);

struct metrics_options {
	size_t top;			/* rows besides site="other" */
	struct cgroup_names *cgroups;	/* names the cgroup labels */
	const char *stats;		/* the stats file's text, NULL: none */
};

/*
 * The profile, and the module's counters if @opt has them, in
 * Prometheus's text exposition format, see metrics.c.
 */
void metrics_print(FILE *out, const struct heap_profile *p,
		   const struct metrics_options *opt);

/* === debugfs.c: the debugfs directory, and files read whole === */

extern const char *debugfs_dir;

/* DIR/NAME into @buf. */
const char *debugfs_path(char *buf, size_t len, const char *name);

/*
 * The largest heap input read: the module's file at its default limits is
 * tens of MiB, at its largest (a million buckets of 64 frames) a few GiB.
 */
#define HEAP_MAX_BYTES	(8ULL << 30)

/*
 * Read DIR/NAME whole into *buf (NUL terminated). An exit status. The heap
 * file is checked as read_path() checks it with @heap.
 */
int debugfs_read(const char *name, char **buf, size_t *len);
/* Write @token to DIR/NAME. An exit status. */
int debugfs_write(const char *name, const char *token);
/*
 * Read a file whole (the path as given, "-" standard input). With @heap,
 * refused (EXIT_BADDATA) as soon as it does not start with the heap
 * header or is larger than HEAP_MAX_BYTES. An exit status.
 */
int read_path(const char *path, bool heap, char **buf, size_t *len);
/*
 * Replace DIR/NAME with @len bytes of @buf at once: written to a hidden
 * temporary name in DIR, synced, then renamed, so that a reader sees the
 * old file or the new one whole. An exit status.
 */
int write_atomic(const char *dir, const char *name, const void *buf,
		 size_t len);

#endif /* KMPROF_TOOL_H */
