/*
 * bench-phases: where the time of a render goes. Decodes, parses and lays
 * out FILE at WIDTH columns, each phase timed on its own (best of RUNS), and
 * the bare u8_width_linebreaks over the decoded paragraphs for scale. Prints
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
	double tdec = -1, tparse = -1, tlay = -1, tbare = -1;
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
		decode_text_done(&dt);
		diag_list_done(&dl);
	}
	printf("decode %.1f\nparse %.1f\nlayout %.1f\nbare %.1f\nlines %zu\n",
	       tdec, tparse, tlay, tbare, lines);
	return 0;
}
