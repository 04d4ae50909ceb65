/*
 * receipt-font: the fonts a patient's copy embeds, cut down to the glyphs
 * the copy shows, and its lines drawn with them. Part of the receipt
 * module (receipt.c lays the copy out and calls this to draw); the only
 * file that uses harfbuzz's subsetter and FreeType.
 *
 * Why: cairo 1.16 embeds a font by reading the font's whole CFF table, once
 * for each face it meets and once more to cut the glyphs out of it. Noto
 * Sans CJK's table holds every glyph of Japanese, Chinese and Korean:
 * 15 MB. A copy of a full session paid three of those reads (half of its
 * time, 30 MB of its memory) and embedded a 1 MB font for 700 glyphs.
 * Here harfbuzz's subsetter cuts those glyphs out of the font first and
 * cairo embeds the small font: the same outlines, metrics and names.
 *
 * How to call: each laid-out line the copy will draw is kept as a
 * receipt_line (receipt_line_new), and its layout let go; then
 * receipt_font_new, receipt_font_add for every line (all of them, before
 * any is drawn), receipt_font_cut, then receipt_font_show_line for each
 * line, at cairo's current point, as pango_cairo_show_layout_line would;
 * receipt_font_free at the end. A run whose font could not be cut is drawn
 * with the whole font, and one with a glyph no font has (a box with its
 * code) by pango: slower and larger, never wrong.
 */
#ifndef ISOKIOSK_RECEIPT_FONT_H
#define ISOKIOSK_RECEIPT_FONT_H

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pango.h>

struct receipt_font;

/*
 * A laid-out line as the copy keeps it to draw: pango's runs reduced to
 * their fonts, glyphs, positions, clusters (which bytes of the text each
 * glyph shows) and colours, with the line's text: one block of a few
 * hundred bytes. A full copy places some 860 layouts; kept whole until the
 * drawing (pango's items, attributes, glyph strings), they took 2.6 MB more
 * at the peak and some 700 more pages touched for the first time, each a
 * page fault (11 us on the machine the benchmark ran on). Now a layout is
 * let go as soon as its lines are placed, and its memory serves the next.
 * Made on the thread that laid the line out; read-only after that.
 */
struct receipt_line;

/* A copy of what drawing line takes; never NULL (out of memory is fatal).
 * The line's layout may be let go afterwards. */
struct receipt_line *receipt_line_new(PangoLayoutLine *line);

void receipt_line_free(struct receipt_line *line);

/* The copy's font map's default substitute (pango_fc_font_map_set_default_
 * substitute): bold asked for is the regular face emboldened, so that one
 * face is cut and embedded (see receipt.c, "fonts"). */
void receipt_font_embolden(FcPattern *p, gpointer data);

/* An empty set of fonts; never NULL (out of memory is fatal). */
struct receipt_font *receipt_font_new(void);

/* Note the glyphs of line, and the fonts they are in. */
void receipt_font_add(struct receipt_font *rf, const struct receipt_line *line);

/* Cut each font down to the glyphs noted; returns how many fonts were cut
 * (a font that cannot be cut is drawn whole). Call once, after every
 * receipt_font_add. */
int receipt_font_cut(struct receipt_font *rf);

/* Draw line at cr's current point (the start of its baseline) in cr's
 * source colour, or a run's own foreground colour. */
void receipt_font_show_line(struct receipt_font *rf, cairo_t *cr,
			    const struct receipt_line *line);

/* Total size (bytes) of the cut fonts: for tests and the benchmark. */
size_t receipt_font_cut_bytes(const struct receipt_font *rf);

void receipt_font_free(struct receipt_font *rf);

#endif
