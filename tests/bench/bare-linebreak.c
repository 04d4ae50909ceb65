/*
 * bare-linebreak: the floor for the render benchmark. Reads a file, and for
 * every paragraph (text between blank lines) asks libunistring's
 * u8_width_linebreaks for the line breaks at WIDTH columns ("UTF-8"), and
 * nothing else: no decoding checks, no parsing, no kinsoku additions, no
 * output. Prints the number of lines it would make.
 *
 * Usage: bare-linebreak FILE [WIDTH]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unilbrk.h>

int
main(int argc, char **argv)
{
	FILE *fp;
	char *buf, *p;
	size_t len = 0, cap = 1 << 20, lines = 0, got;
	int width = argc > 2 ? atoi(argv[2]) : 80;

	if (argc < 2 || (fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: bare-linebreak FILE [WIDTH]\n");
		return 2;
	}
	buf = malloc(cap);
	while (buf && (got = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += got;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(fp);
	if (buf == NULL)
		return 1;
	buf[len] = '\0'; /* a text file: no NUL inside */
	p = malloc(len ? len : 1);
	for (size_t a = 0; a < len;) {
		char *end = strstr(buf + a, "\n\n");
		size_t e = end ? (size_t)(end - buf) : len;

		if (e > a) {
			u8_width_linebreaks((const uint8_t *)buf + a, e - a, width,
					    0, 0, NULL, "UTF-8", p);
			lines++;
			for (size_t i = a; i < e; i++)
				lines += p[i - a] == UC_BREAK_POSSIBLE ||
					 p[i - a] == UC_BREAK_MANDATORY;
		}
		a = e + 2;
	}
	printf("%zu\n", lines);
	free(p);
	free(buf);
	return 0;
}
