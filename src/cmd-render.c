/*
 * cmd-render: `isokiosk render` prints a content file laid out as plain text,
 * exactly the lines the kiosk would draw at that width: the basis of the
 * golden layout tests and of a translator's review by diff.
 *
 *   isokiosk render [--width N] [--lang L] [--ambiguous-width 1|2]
 *                   [--ruby paren|over|off] FILE|SCREEN_ID
 *
 * A SCREEN_ID (no '/' and no ".md") names content/<L>/<id>.md in the bundled
 * content. Clinic values ({{key}}) come from the clinic.conf two levels above
 * the file when there is one. Diagnostics go to stderr sorted, after the
 * text.
 *
 * The file is parsed, laid out and printed a top-level node at a time
 * (content_parse_each; the nodes laid out on worker threads, see below), so
 * that a long document is never held whole: what a render holds is the
 * decoded text and a few nodes. So on an error the
 * nodes before it may already be printed: printing stops at the first
 * error reported (none at all for a file that cannot be read or decoded,
 * or a bad clinic.conf), the rest of the file is still parsed for every
 * diagnostic, and the exit status is 1: output with status 1 may be cut
 * short and is no render to compare with.
 */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clinic.h"
#include "cmd.h"
#include "content.h"
#include "decode.h"
#include "diag.h"
#include "layout.h"
#include "strbuf.h"
#include "xmalloc.h"

/* stdout's buffer: it is used until exit, so not on the stack */
static char cmd_render_outbuf[1 << 14];

static void
cmd_render_help(void)
{
	fputs("Usage: isokiosk render [OPTION]... FILE|SCREEN_ID\n"
	      "Print a content file laid out as the kiosk shows it, as plain text.\n"
	      "\n"
	      "  -w, --width N              columns (default 80)\n"
	      "  -l, --lang L               language of a SCREEN_ID (default ja)\n"
	      "  -a, --ambiguous-width 1|2  columns of East Asian Ambiguous\n"
	      "                             characters (default 1)\n"
	      "  -r, --ruby paren|over|off  readings in parentheses, above the\n"
	      "                             line, or not shown (default paren)\n"
	      "  -h, --help                 show this help and exit\n"
	      "\n"
	      "The file is printed a block at a time; with errors in it, the\n"
	      "blocks before the first error may be printed, nothing after.\n"
	      "Diagnostics go to standard error, after the text.\n"
	      "\n"
	      "Exit status: 0 ok (warnings allowed), 1 errors in the file,\n"
	      "2 usage error.\n", stdout);
}

/* "--opt VALUE", "--opt=VALUE" or "-o VALUE"; advances *i past it. */
static const char *
cmd_render_optarg(int argc, char **argv, int *i, const char *lng,
		  const char *shrt)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);

	if (strncmp(a, lng, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (strcmp(a, lng) == 0 || strcmp(a, shrt) == 0) {
		if (*i + 1 >= argc)
			return "";
		return argv[++*i];
	}
	return NULL;
}

static bool
cmd_render_is_file(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') != NULL || (n > 3 && strcmp(arg + n - 3, ".md") == 0) ||
	       access(arg, R_OK) == 0;
}

/* clinic.conf two directories above path (content/ja/x.md → content/). */
static char *
cmd_render_clinic_path(const char *path)
{
	char *dir = xstrdup(path), *slash, *res;

	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		return xstrdup("../clinic.conf");
	}
	*slash = '\0';
	res = xasprintf("%s/../clinic.conf", dir);
	free(dir);
	return res;
}

/* The language of a file in a language folder (content/ja/x.md: "ja", the
 * folder holding a manifest), or NULL. */
static char *
cmd_render_lang_of(const char *path)
{
	char *dir = xstrdup(path), *slash, *base, *manifest, *res = NULL;

	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		manifest = xasprintf("%s/manifest", dir);
		base = strrchr(dir, '/');
		base = base ? base + 1 : dir;
		if (access(manifest, R_OK) == 0 && *base != '\0')
			res = xstrdup(base);
		free(manifest);
	}
	free(dir);
	return res;
}

/*
 * Laying out is most of a render's time, and each top-level node is laid out
 * on its own; so render lays nodes out on worker threads (one fewer than
 * processors, at most CMD_RENDER_WORKERS) while this thread parses. The
 * parser gathers nodes into jobs of up to CMD_RENDER_BATCH (one node is too
 * little work to hand to another thread) and hands each job over into a ring
 * of CMD_RENDER_RING; while the ring is full it lays the oldest job not taken
 * out itself, so that a render holds a few jobs at most. Whoever lays a job
 * out then prints, holding the lock, every job done from the oldest not
 * printed on: the output is in the file's order. Whether a node is printed
 * at all is decided when the parser takes it: not once an error has been
 * reported. The workers start with the first full job; with one processor,
 * no worker started or a document of one job, the parser's thread lays out
 * and prints each job itself.
 */
#define CMD_RENDER_RING 4
#define CMD_RENDER_BATCH 16
#define CMD_RENDER_WORKERS 2

/* Up to CMD_RENDER_BATCH nodes (after the title, in the first job): a node
 * alone is too little work to be worth handing to another thread. */
struct cmd_render_job {
	struct content_doc *head; /* the title, or NULL */
	struct content_node node[CMD_RENDER_BATCH];
	size_t n;
	struct strbuf text;       /* laid out */
	bool done;
};

struct cmd_render_out {
	const struct layout_opts *o;
	/* the parser's side */
	const struct diag_list *dl;
	size_t seen;  /* diagnostics looked at for errors */
	bool stopped; /* an error: print nothing more */
	/* shared, under lock */
	pthread_mutex_t lock;
	pthread_cond_t more; /* a job handed over, or the end */
	pthread_cond_t room; /* a job printed */
	struct cmd_render_job ring[CMD_RENDER_RING];
	size_t added, taken, printed; /* jobs so far */
	bool ended;                   /* the parser is done */
	size_t want;                  /* workers to start */
	bool started;                 /* (at the first full job) */
	size_t nworkers;              /* workers running */
	pthread_t tid[CMD_RENDER_WORKERS];
	/* the parser's: the job being filled; without workers, whether
	   something was printed (a blank line before the next node) */
	struct cmd_render_job fill;
	bool any;
	/* the decoded text, and how much of it was let go */
	const char *text, *gone;
	size_t len;
};

/*
 * Lay the job out into its text: the title (if any) first, a node after what
 * came before (any: something is printed before this job) after a blank
 * line. What the job holds is freed later by the parser's thread, which
 * allocated it (cmd_render_clear): memory freed on another thread would
 * wait in that thread's cache while the parser took more from the system.
 */
static void
cmd_render_lay(struct cmd_render_out *r, struct cmd_render_job *j, bool any)
{
	struct layout *l;

	strbuf_init(&j->text);
	if (j->head != NULL) {
		l = layout_doc(j->head, r->o);
		any = l->n > 0;
		layout_text_into(l, &j->text);
		layout_free(l);
	}
	for (size_t i = 0; i < j->n; i++) {
		l = layout_nodes(&j->node[i], 1, r->o);
		if (any)
			strbuf_addch(&j->text, '\n');
		layout_text_into(l, &j->text);
		layout_free(l);
		any = true;
	}
}

/* Free what a job holds (the parser's thread, see cmd_render_lay). */
static void
cmd_render_clear(struct cmd_render_job *j)
{
	content_doc_free(j->head);
	j->head = NULL;
	for (size_t i = 0; i < j->n; i++)
		content_node_done(&j->node[i]);
	j->n = 0;
	strbuf_done(&j->text);
}

/* Print a laid-out job (in order; under the lock with workers). */
static void
cmd_render_print(struct cmd_render_job *j)
{
	fwrite(j->text.s, 1, j->text.len, stdout);
}

/*
 * Take the oldest job not taken (the lock held, and there is one), lay it out
 * without the lock, then print every job done from the oldest not printed.
 */
static void
cmd_render_work(struct cmd_render_out *r)
{
	/* every job but the first follows something printed (the first holds
	   the title and nodes, or is the title alone and the last) */
	bool any = r->taken > 0;
	struct cmd_render_job *j = &r->ring[r->taken++ % CMD_RENDER_RING];

	pthread_mutex_unlock(&r->lock);
	cmd_render_lay(r, j, any);
	pthread_mutex_lock(&r->lock);
	j->done = true;
	while (r->printed < r->added &&
	       r->ring[r->printed % CMD_RENDER_RING].done) {
		j = &r->ring[r->printed % CMD_RENDER_RING];
		cmd_render_print(j);
		j->done = false;
		r->printed++;
		pthread_cond_signal(&r->room);
	}
}

static void *
cmd_render_worker(void *arg)
{
	struct cmd_render_out *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (r->taken == r->added && !r->ended)
			pthread_cond_wait(&r->more, &r->lock);
		if (r->taken == r->added)
			break;
		cmd_render_work(r);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void cmd_render_spawn(struct cmd_render_out *r);

/*
 * Hand the job being filled over (the parser's thread), or lay it out and
 * print it here. The workers start with the first full job: a document of
 * one job (most content files) is rendered by this thread alone.
 */
static void
cmd_render_flush(struct cmd_render_out *r, bool last)
{
	struct cmd_render_job *j;

	if (r->fill.head == NULL && r->fill.n == 0)
		return;
	if (!r->started && !last && r->want > 0)
		cmd_render_spawn(r);
	if (r->nworkers == 0) {
		cmd_render_lay(r, &r->fill, r->any);
		cmd_render_print(&r->fill);
		cmd_render_clear(&r->fill);
		r->any = true;
		return;
	}
	pthread_mutex_lock(&r->lock);
	while (r->added - r->printed == CMD_RENDER_RING) {
		/* the ring is full: lay a job out here rather than wait */
		if (r->taken < r->added)
			cmd_render_work(r);
		else
			pthread_cond_wait(&r->room, &r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	/* the slot's last job is printed: no worker looks at it */
	j = &r->ring[r->added % CMD_RENDER_RING];
	cmd_render_clear(j);
	*j = r->fill;
	pthread_mutex_lock(&r->lock);
	r->added++;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->lock);
	r->fill.head = NULL;
	r->fill.n = 0;
}

static bool
cmd_render_ok(struct cmd_render_out *r)
{
	if (!r->stopped && r->dl->n != r->seen) {
		r->seen = r->dl->n;
		r->stopped = diag_count(r->dl, DIAG_ERROR) > 0;
	}
	return !r->stopped;
}

/*
 * The parser is done with the text before upto: in a long file, give the
 * whole pages of it back (MADV_DONTNEED: the memory is the process's own,
 * and nothing reads it again), so that a render holds about the part of
 * the text not parsed yet rather than all of it.
 */
#define CMD_RENDER_LONG (256 * 1024)
#define CMD_RENDER_STEP (64 * 1024)

static void
cmd_render_consumed(void *ctx, const char *upto)
{
	struct cmd_render_out *r = ctx;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a, e;

	if (r->len < CMD_RENDER_LONG)
		return;
	if (r->gone == NULL)
		r->gone = (const char *)(((uintptr_t)r->text + page - 1) &
					 ~(page - 1));
	e = (uintptr_t)upto & ~(page - 1);
	a = (uintptr_t)r->gone;
	if (e <= a || e - a < CMD_RENDER_STEP)
		return;
	if (madvise((void *)a, e - a, MADV_DONTNEED) == 0)
		r->gone = (const char *)e;
}

/* The receivers of content_parse_each: the title first, then each node. */
static void
cmd_render_head(void *ctx, struct content_doc *head)
{
	struct cmd_render_out *r = ctx;

	if (cmd_render_ok(r))
		r->fill.head = head;
	else
		content_doc_free(head);
}

static void
cmd_render_node(void *ctx, struct content_node *node)
{
	struct cmd_render_out *r = ctx;

	if (!cmd_render_ok(r)) {
		content_node_done(node);
		return;
	}
	r->fill.node[r->fill.n++] = *node;
	if (r->fill.n == CMD_RENDER_BATCH)
		cmd_render_flush(r, false);
}

/* How many workers to start (one fewer than processors, or
 * ISOKIOSK_RENDER_WORKERS), and the lock. */
static void
cmd_render_init(struct cmd_render_out *r)
{
	/* the parser's thread lays out too while the ring is full */
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *env = getenv("ISOKIOSK_RENDER_WORKERS");

	r->want = ncpu <= 1 ? 0 : ncpu - 1 > CMD_RENDER_WORKERS
					 ? CMD_RENDER_WORKERS
					 : (size_t)ncpu - 1;
	/* a set number (0: none, the parser's thread alone), for tests and
	   for machines shared with other work */
	if (env != NULL && env[0] >= '0' && env[0] <= '9' && env[1] == '\0')
		r->want = (size_t)(env[0] - '0') > CMD_RENDER_WORKERS
				  ? CMD_RENDER_WORKERS
				  : (size_t)(env[0] - '0');
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->more, NULL);
	pthread_cond_init(&r->room, NULL);
}

static void
cmd_render_spawn(struct cmd_render_out *r)
{
	r->started = true;
	while (r->nworkers < r->want &&
	       pthread_create(&r->tid[r->nworkers], NULL, cmd_render_worker,
			      r) == 0)
		r->nworkers++;
}

/* The parser is done: hand over what is left, let the workers finish,
 * print and stop. */
static void
cmd_render_stop(struct cmd_render_out *r)
{
	cmd_render_flush(r, true);
	pthread_mutex_lock(&r->lock);
	r->ended = true;
	pthread_cond_broadcast(&r->more);
	pthread_mutex_unlock(&r->lock);
	for (size_t k = 0; k < r->nworkers; k++)
		pthread_join(r->tid[k], NULL);
	for (size_t k = 0; k < CMD_RENDER_RING; k++)
		cmd_render_clear(&r->ring[k]);
	pthread_cond_destroy(&r->room);
	pthread_cond_destroy(&r->more);
	pthread_mutex_destroy(&r->lock);
}

int
cmd_render(int argc, char **argv)
{
	struct layout_opts o = { 80, 1, LAYOUT_RUBY_PAREN };
	const char *lang = NULL, *arg = NULL;
	char *path, *clinic, *flang;
	struct content_values *values = NULL;
	struct decode_text dt;
	struct diag_list dl;
	struct cmd_render_out out = { .o = &o, .dl = &dl };
	struct content_each each = {
		.head = cmd_render_head, .node = cmd_render_node, .ctx = &out,
		.consumed = cmd_render_consumed,
	};
	int status = 1;

	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_render_help();
			return 0;
		} else if ((v = cmd_render_optarg(argc, argv, &i, "--width", "-w"))) {
			long w = strtol(v, &end, 10);

			if (*v == '\0' || *end != '\0' || w < 1 || w > 10000)
				return cli_usage_error("render",
						       "--width wants a number from 1 to 10000, not '%s'",
						       v);
			o.width = (int)w;
		} else if ((v = cmd_render_optarg(argc, argv, &i,
						  "--ambiguous-width", "-a"))) {
			if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0)
				return cli_usage_error("render",
						       "--ambiguous-width wants 1 or 2, not '%s'",
						       v);
			o.ambiguous = v[0] - '0';
		} else if ((v = cmd_render_optarg(argc, argv, &i, "--ruby", "-r"))) {
			if (strcmp(v, "paren") == 0)
				o.ruby = LAYOUT_RUBY_PAREN;
			else if (strcmp(v, "over") == 0)
				o.ruby = LAYOUT_RUBY_OVER;
			else if (strcmp(v, "off") == 0)
				o.ruby = LAYOUT_RUBY_OFF;
			else
				return cli_usage_error("render",
						       "--ruby wants paren, over or off, not '%s'",
						       v);
		} else if ((v = cmd_render_optarg(argc, argv, &i, "--lang", "-l"))) {
			if (*v == '\0' || strchr(v, '/') != NULL)
				return cli_usage_error("render",
						       "--lang wants a language code");
			lang = v;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("render", "unknown option '%s'",
					       argv[i]);
		} else if (arg == NULL) {
			arg = argv[i];
		} else {
			return cli_usage_error("render", "one FILE or SCREEN_ID only");
		}
	}
	if (arg == NULL)
		return cli_usage_error("render", "missing FILE or SCREEN_ID");
	/* a long render into a file or pipe: 16 KiB writes, not 4 KiB (glibc
	   takes the size only with a buffer given) */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, cmd_render_outbuf, _IOFBF,
			sizeof cmd_render_outbuf);

	if (cmd_render_is_file(arg))
		path = xstrdup(arg);
	else
		path = xasprintf("%s/%s/%s.md", cli_default_content_dir(),
				 lang ? lang : "ja", arg);
	flang = lang ? xstrdup(lang) : cmd_render_lang_of(path);

	diag_list_init(&dl);
	clinic = cmd_render_clinic_path(path);
	if (access(clinic, R_OK) == 0)
		values = clinic_load(clinic, &dl);
	free(clinic);
	if (decode_file(path, &dt, &dl) == 0) {
		cmd_render_init(&out);
		out.text = dt.text;
		out.len = dt.len;
		if (content_parse_each(path, dt.text, dt.len, values,
				       flang ? flang : "ja", &dl, &each) == 0 &&
		    diag_count(&dl, DIAG_ERROR) == 0)
			status = 0;
		cmd_render_stop(&out);
		decode_text_done(&dt);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		status = 1;
	diag_sort(&dl);
	diag_print(&dl, stderr);
	if (values != NULL)
		clinic_free(values);
	diag_list_done(&dl);
	free(flang);
	free(path);
	return status;
}
