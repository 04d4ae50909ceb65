/*
 * bench-phases: where the time of a render goes. Decodes, parses and lays
 * out FILE at WIDTH columns, each phase timed on its own (best of RUNS), and
 * the bare u8_width_linebreaks over the decoded paragraphs for scale; then
 * "stream", parse and layout together a node at a time as `isokiosk render`
 * does them (content_parse_each, each node laid out and freed). Prints
 * "phase milliseconds" lines.
 *
 * Usage: bench-phases FILE [WIDTH [RUNS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unilbrk.h>

#include "content.h"
#include "decode.h"
#include "diag.h"
#include "layout.h"

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* content_parse_each's receiver: lay out each node and free it. */
struct bench_stream {
	const struct layout_opts *o;
	size_t lines;
};

static void
bench_head(void *ctx, struct content_doc *head)
{
	(void)ctx;
	content_doc_free(head);
}

static void
bench_node(void *ctx, struct content_node *node)
{
	struct bench_stream *bs = ctx;
	struct content_node n = *node;
	struct layout *l = layout_nodes(&n, 1, bs->o);

	bs->lines += l->n;
	layout_free(l);
	content_node_done(&n);
}

static void
bench_min(double *best, double t0)
{
	double t = bench_now() - t0;

	if (*best < 0 || t < *best)
		*best = t;
}

int
main(int argc, char **argv)
{
	int width = argc > 2 ? atoi(argv[2]) : 80;
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	double tdec = -1, tparse = -1, tlay = -1, tbare = -1, tstream = -1;
	struct layout_opts o = { width, 1, LAYOUT_RUBY_PAREN };
	size_t lines = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-phases FILE [WIDTH [RUNS]]\n");
		return 2;
	}
	for (int r = 0; r < runs; r++) {
		struct diag_list dl;
		struct decode_text dt;
		struct content_doc *doc;
		char *p;
		double t0;

		diag_list_init(&dl);
		t0 = bench_now();
		if (decode_file(argv[1], &dt, &dl) != 0) {
			diag_print(&dl, stderr);
			return 1;
		}
		bench_min(&tdec, t0);

		t0 = bench_now();
		doc = content_parse(argv[1], dt.text, dt.len, NULL, "ja", &dl);
		bench_min(&tparse, t0);

		t0 = bench_now();
		lines = 0;
		for (size_t i = 0; doc != NULL && i < doc->n; i++) {
			struct layout *l = layout_nodes(&doc->nodes[i], 1, &o);

			lines += l->n;
			layout_free(l);
		}
		bench_min(&tlay, t0);

		p = malloc(dt.len + 1);
		t0 = bench_now();
		for (size_t a = 0; a < dt.len;) {
			char *end = strstr(dt.text + a, "\n\n");
			size_t e = end ? (size_t)(end - dt.text) : dt.len;

			if (e > a)
				u8_width_linebreaks((const uint8_t *)dt.text + a,
						    e - a, width, 0, 0, NULL,
						    "UTF-8", p);
			a = e + 2;
		}
		bench_min(&tbare, t0);
		free(p);
		content_doc_free(doc);

		{
			struct bench_stream bs = { &o, 0 };
			struct content_each each = { .head = bench_head,
						     .node = bench_node,
						     .ctx = &bs };

			t0 = bench_now();
			content_parse_each(argv[1], dt.text, dt.len, NULL, "ja",
					   &dl, &each);
			bench_min(&tstream, t0);
			if (bs.lines != lines) {
				fprintf(stderr, "stream: %zu lines, not %zu\n",
					bs.lines, lines);
				return 1;
			}
		}
		decode_text_done(&dt);
		diag_list_done(&dl);
	}
	printf("decode %.1f\nparse %.1f\nlayout %.1f\nbare %.1f\nstream %.1f\n"
	       "lines %zu\n", tdec, tparse, tlay, tbare, tstream, lines);
	return 0;
}
