// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "metrics": the profile and the module's counters in
 * Prometheus's text exposition format (version 0.0.4), for a scrape or
 * node_exporter's textfile collector.
 *
 * The profile is a row per allocation site, allocator and cgroup (the
 * allocator when the profile names one, heap format 3 and later; the
 * cgroup when it has the cgroup label, heap format 4 with labels=
 * cgroup): the top N by estimated bytes in use, and one row more,
 * site="other", with the rest, so that the number of series is bounded
 * by N whatever the profile holds and a sum over a metric is the
 * profile's total. In-use values are gauges; allocations are counters
 * since the profile began (a reset or a new rate starts them again from
 * 0, which Prometheus's rate() and increase() take as a counter reset).
 * Every value is an estimate (unbias.c), the same top shows. The
 * module's counters come from its stats file: the names it does not know
 * are skipped, as the file's readers must.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

/* A row: a site of an allocator and a cgroup, or the rest. */
struct metrics_row {
	const char *site, *allocator, *cgroup;	/* NULL: no such label */
	uint64_t order;		/* its first bucket, for a stable order */
	bool used;
	struct heap_estimate e;
};

/* A label value as the format wants it: \\, \" and \n escaped. */
static void put_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

/* {site="...",allocator="...",cgroup="..."}: the labels the profile has. */
static void put_labels(FILE *out, const struct metrics_row *r,
		       bool allocator, bool cgroup)
{
	fputs("{site=\"", out);
	put_value(out, r->site);
	if (allocator) {
		fputs("\",allocator=\"", out);
		put_value(out, r->allocator ? r->allocator : "");
	}
	if (cgroup) {
		fputs("\",cgroup=\"", out);
		put_value(out, r->cgroup ? r->cgroup : "");
	}
	fputs("\"}", out);
}

static void put_family(FILE *out, const char *name, const char *type,
		       const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int row_cmp(const void *a, const void *b)
{
	const struct metrics_row *x = a, *y = b;

	if (x->e.inuse_bytes != y->e.inuse_bytes)
		return x->e.inuse_bytes > y->e.inuse_bytes ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * The rows of @p, sorted by bytes in use: *@n of them, their labels in
 * @p, in @names and in @cgroups.
 */
static struct metrics_row *build_rows(const struct heap_profile *p,
				      struct cgroup_names *cgroups,
				      struct strtab *names, size_t *n)
{
	bool by_cgroup = p->labels & (1U << KMPROF_LABEL_CGROUP);
	struct metrics_row *rows = xcalloc(1, sizeof(*rows));
	size_t cap = 1, used = 0;
	char *key = NULL;

	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];
		const char *site = p->funcs[b->func[heap_site(p, b)]].name;
		const char *allocator = p->sources.name[b->allocator];
		const char *cgroup = NULL;
		char buf[HEAP_LABEL_VALUE_MAX];
		struct metrics_row *r;
		uint32_t id;

		if (by_cgroup)
			cgroup = label_value(b, KMPROF_LABEL_CGROUP, cgroups,
					     buf, sizeof(buf));
		free(key);
		if (asprintf(&key, "%s\n%s\n%c%s", site, allocator,
			     cgroup ? '=' : '-', cgroup ? cgroup : "") < 0) {
			fprintf(stderr, "kmprof: out of memory\n");
			exit(EXIT_FAIL);
		}
		id = strtab_intern(names, key);
		rows = xgrow(rows, &cap, (size_t)id + 1, sizeof(*rows));
		r = &rows[id];
		if (!r->used) {
			r->used = true;
			r->order = i;
			r->site = site;
			r->allocator = allocator;
			/* kept in @names: buf does not last (ids never move) */
			if (cgroup)
				r->cgroup = names->str[strtab_intern(names, cgroup)];
		}
		heap_estimate_add(&r->e, &p->est[i]);
	}
	free(key);
	for (size_t id = 0; id < names->nr && id < cap; id++)
		if (rows[id].used)
			rows[used++] = rows[id];
	qsort(rows, used, sizeof(*rows), row_cmp);
	*n = used;
	return rows;
}

/* The profile's four families, the top rows and the rest. */
static void put_profile(FILE *out, const struct heap_profile *p,
			const struct metrics_options *opt)
{
	static const struct {
		const char *name, *type, *help;
		size_t field;
	} families[] = {
		{ "kmprof_inuse_bytes", "gauge",
		  "Estimated bytes in use, by allocation site (the top sites, the rest as site=\"other\").",
		  offsetof(struct heap_estimate, inuse_bytes) },
		{ "kmprof_inuse_objects", "gauge",
		  "Estimated objects in use, by allocation site.",
		  offsetof(struct heap_estimate, inuse_objs) },
		{ "kmprof_alloc_bytes_total", "counter",
		  "Estimated bytes allocated since the profile began, by allocation site.",
		  offsetof(struct heap_estimate, alloc_bytes) },
		{ "kmprof_alloc_objects_total", "counter",
		  "Estimated objects allocated since the profile began, by allocation site.",
		  offsetof(struct heap_estimate, alloc_objs) },
	};
	bool allocator = p->version >= 3;
	bool cgroup = p->labels & (1U << KMPROF_LABEL_CGROUP);
	struct metrics_row other = { .site = "other" };
	struct metrics_row *rows;
	struct strtab names;
	size_t n, top;

	strtab_init(&names);
	rows = build_rows(p, opt->cgroups, &names, &n);
	top = n < opt->top ? n : opt->top;
	for (size_t r = top; r < n; r++)
		heap_estimate_add(&other.e, &rows[r].e);
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		put_family(out, families[f].name, families[f].type,
			   families[f].help);
		for (size_t r = 0; r <= top; r++) {
			const struct metrics_row *row = r < top ? &rows[r] : &other;

			fputs(families[f].name, out);
			put_labels(out, row, allocator, cgroup);
			fprintf(out, " %" PRIu64 "\n",
				*(const uint64_t *)((const char *)&row->e + families[f].field));
		}
	}
	put_family(out, "kmprof_sampling_rate_bytes", "gauge",
		   "Mean bytes allocated between two samples of the profile.");
	fprintf(out, "kmprof_sampling_rate_bytes %" PRIu64 "\n", p->rate);
	if (p->has_time) {
		put_family(out, "kmprof_profile_time_seconds", "gauge",
			   "When the module took the snapshot these values are of, in seconds since the epoch.");
		fprintf(out, "kmprof_profile_time_seconds %" PRIu64 ".%09" PRIu64 "\n",
			p->time_ns / 1000000000, p->time_ns % 1000000000);
	}
	free(rows);
	strtab_free(&names);
}

/*
 * A line of the stats file and the metric it is: @label names the series
 * of a family of several, @ns values in nanoseconds are shown in seconds.
 * Entries of one family stand together.
 */
static const struct stat_metric {
	const char *stat, *metric, *label, *type, *help;
	bool ns;
} stat_metrics[] = {
	{ "events", "kmprof_events_total", NULL, "counter",
	  "Allocator calls the backend saw since the profile began (module loaded with hits=1).", false },
	{ "samples", "kmprof_samples_total", NULL, "counter",
	  "Sampled allocations recorded since the profile began.", false },
	{ "sampled_frees", "kmprof_sampled_frees_total", NULL, "counter",
	  "Frees of sampled objects recorded since the profile began.", false },
	{ "drops_bucket_pool", "kmprof_drops_total", "reason=\"bucket_pool\"", "counter",
	  "Samples not recorded since the profile began, by reason: the bucket pool was full (max_buckets), the object map was full (max_objects), no stack was saved.", false },
	{ "drops_object_pool", "kmprof_drops_total", "reason=\"object_pool\"", "counter", NULL, false },
	{ "drops_no_stack", "kmprof_drops_total", "reason=\"no_stack\"", "counter", NULL, false },
	{ "lost_frees", "kmprof_lost_frees_total", NULL, "counter",
	  "Sampled objects whose free was missed, retired when their address was allocated again.", false },
	{ "flushes", "kmprof_flushes_total", NULL, "counter",
	  "Cycles published since the profile began.", false },
	{ "skipped_advances", "kmprof_skipped_advances_total", NULL, "counter",
	  "Advances of the cycle refused because a slot was not yet flushed.", false },
	{ "buckets_in_use", "kmprof_buckets", NULL, "gauge",
	  "Buckets the profile created.", false },
	{ "objects_in_use", "kmprof_tracked_objects", NULL, "gauge",
	  "Sampled objects in the object map, tracked until their free.", false },
	{ "cycle", "kmprof_cycle", NULL, "gauge",
	  "The profile's cycle counter.", false },
	{ "reserved_bytes", "kmprof_reserved_bytes", NULL, "gauge",
	  "Memory reserved by the profile, in bytes.", false },
	{ "advance_last_ns", "kmprof_advance_last_seconds", NULL, "gauge",
	  "How long the last advance of the cycle held the profile's lock, interrupts off.", true },
	{ "advance_max_ns", "kmprof_advance_max_seconds", NULL, "gauge",
	  "The longest such hold by an advance since the profile was created.", true },
	{ "flush_last_ns", "kmprof_flush_last_seconds", NULL, "gauge",
	  "How long the last flush that published a cycle took, from its start to its end.", true },
	{ "flush_last_batch_ns", "kmprof_flush_last_batch_seconds", NULL, "gauge",
	  "The longest hold of the profile's lock, interrupts off, by one batch of the last flush.", true },
	{ "flush_batch_max_ns", "kmprof_flush_batch_max_seconds", NULL, "gauge",
	  "The longest such hold by one batch since the profile was created.", true },
	{ "alloc_probe_nmissed", "kmprof_probe_missed_total", "probe=\"alloc\"", "counter",
	  "Allocator calls the probes missed (kprobes' nmissed), by role.", false },
	{ "free_probe_nmissed", "kmprof_probe_missed_total", "probe=\"free\"", "counter", NULL, false },
	{ "disabled_by_warn", "kmprof_disabled_by_warn", NULL, "gauge",
	  "1 while the fail-safe keeps the backend disarmed after a broken invariant.", false },
};

/* The value of @name in the stats text, NULL if it has none. */
static const char *stat_find(const char *stats, const char *name,
			     size_t *len)
{
	size_t n = strlen(name);

	for (const char *l = stats; *l; l++) {
		if (!strncmp(l, name, n) && l[n] == ' ') {
			*len = strcspn(l + n + 1, "\n");
			return l + n + 1;
		}
		l += strcspn(l, "\n");
		if (!*l)
			break;
	}
	return NULL;
}

/* The module's counters of @stats, the stats file's text. */
static void put_stats(FILE *out, const char *stats)
{
	const char *last = NULL, *backend;
	size_t len;

	for (size_t i = 0; i < sizeof(stat_metrics) / sizeof(stat_metrics[0]); i++) {
		const struct stat_metric *m = &stat_metrics[i];
		const char *v = stat_find(stats, m->stat, &len), *s = v;
		uint64_t value;

		if (!v || scan_u64(&s, v + len, 10, &value) != 1 || s != v + len)
			continue;
		if (!last || strcmp(last, m->metric)) {
			/* the help is the first entry's of the family */
			for (size_t h = 0; !m->help && h < i; h++)
				if (!strcmp(stat_metrics[h].metric, m->metric))
					m = &stat_metrics[h];
			put_family(out, m->metric, m->type, m->help);
			m = &stat_metrics[i];
			last = m->metric;
		}
		fprintf(out, "%s%s%s%s", m->metric, m->label ? "{" : "",
			m->label ? m->label : "", m->label ? "}" : "");
		if (m->ns)
			fprintf(out, " %" PRIu64 ".%09" PRIu64 "\n",
				value / 1000000000, value % 1000000000);
		else
			fprintf(out, " %" PRIu64 "\n", value);
	}
	backend = stat_find(stats, "backend", &len);
	if (backend) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)len, backend);
		put_family(out, "kmprof_backend_info", "gauge",
			   "What feeds the profile: kprobe or tracepoint.");
		fputs("kmprof_backend_info{backend=\"", out);
		put_value(out, name);
		fputs("\"} 1\n", out);
	}
}

void metrics_print(FILE *out, const struct heap_profile *p,
		   const struct metrics_options *opt)
{
	put_profile(out, p, opt);
	if (opt->stats)
		put_stats(out, opt->stats);
}
