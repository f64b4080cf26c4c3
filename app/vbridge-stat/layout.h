/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fitting vbridge-stat's text views to the terminal: how wide it is, which columns fit, and
 * port names shortened so that two ports never look alike. Pure functions except
 * vb_layout_width(), which asks the terminal; nothing here prints.
 */
#ifndef VB_STAT_LAYOUT_H
#define VB_STAT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest shortened name, NUL included (ethdev names are shorter than this). */
#define VB_LAYOUT_NAME_MAX	64
/* The narrowest a shortened name is made: "~" and three characters of its tail. */
#define VB_LAYOUT_NAME_MIN	4
/* Width 0: no limit, today's full-width layout (output redirected, no COLUMNS). */
#define VB_LAYOUT_UNLIMITED	0u

/*
 * The width to lay out for, from what the terminal said (ws_col, 0 when stdout is not a
 * terminal or did not say) and the COLUMNS variable (NULL when unset). The terminal wins;
 * a COLUMNS that is not a number from 20 to 10000 is ignored. VB_LAYOUT_UNLIMITED when
 * neither gives a width.
 */
unsigned int vb_layout_width_from(unsigned int ws_col, const char *columns);

/* vb_layout_width_from() with TIOCGWINSZ on fd and getenv("COLUMNS"). Call it per redraw. */
unsigned int vb_layout_width(int fd);

/*
 * Names for n ports, each at most max characters (max >= VB_LAYOUT_NAME_MIN), in out[i].
 * A longer name keeps its tail, which is where ethdev names and PCI addresses differ
 * ("net_af_packet0" -> "~packet0", "0000:0b:00.0" -> "~0b:00.0"). When that would make two
 * ports look alike (or max is too small for it), every port is named by its bridge port
 * index instead ("port 0", "#0" when even that is too wide). Returns the widest name given.
 */
unsigned int vb_layout_names(const char *const *names, unsigned int n, unsigned int max,
			     char (*out)[VB_LAYOUT_NAME_MAX]);

/* A column of a table: its width (the separating space included) and its rank (0 first). */
struct vb_layout_col {
	unsigned int width;
	unsigned int rank;
};

/*
 * Which of n columns (n <= 32) to show within budget characters: columns are taken by rank,
 * lowest first, while they fit, so that the more important ones stay when the terminal is
 * narrow; a column that does not fit does not stop a narrower later one. Bit i of the result
 * is set when column i is shown. budget VB_LAYOUT_UNLIMITED shows all of them.
 */
uint32_t vb_layout_pick(const struct vb_layout_col *cols, unsigned int n, unsigned int budget);

/*
 * Where to break s so its first line is at most width characters: at the last space that
 * fits, or at width when a word is longer. The length of that first line (strlen(s) when it
 * all fits or width is VB_LAYOUT_UNLIMITED).
 */
size_t vb_layout_break(const char *s, size_t width);

/*
 * A table too wide for the terminal folded into blocks, each a heading and the rows again:
 * every block starts with the row's label (lead characters) and takes the next columns, in
 * order, while they fit in width (widths[i]: column i with its separating space(s)). A column
 * wider than what a block leaves gets a block of its own. Fills first[] (room for n) with
 * each block's first column; returns the number of blocks: 1 when everything fits or width
 * is VB_LAYOUT_UNLIMITED, 0 when n is 0. Nothing is left out, so no counter is lost at any
 * width.
 */
unsigned int vb_layout_fold(const unsigned int *widths, unsigned int n, unsigned int lead,
			    unsigned int width, unsigned int *first);

#endif /* VB_STAT_LAYOUT_H */
