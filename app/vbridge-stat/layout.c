/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Width logic of the text views (layout.h): pure, so tests/unit/test_layout.c can try any
 * width; only vb_layout_width() asks the terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "layout.h"

unsigned int
vb_layout_width_from(unsigned int ws_col, const char *columns)
{
	unsigned long v;
	char *end;

	if (ws_col > 0)
		return ws_col;
	if (columns == NULL || *columns == '\0')
		return VB_LAYOUT_UNLIMITED;
	errno = 0;
	v = strtoul(columns, &end, 10);
	if (errno != 0 || *end != '\0' || v < 20 || v > 10000)
		return VB_LAYOUT_UNLIMITED;
	return (unsigned int)v;
}

unsigned int
vb_layout_width(int fd)
{
	struct winsize ws;
	unsigned int col = 0;

	/* Only a terminal says: a pipe or file fails the ioctl and falls back to COLUMNS. */
	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0)
		col = ws.ws_col;
	return vb_layout_width_from(col, getenv("COLUMNS"));
}

/* The name the bridge port index gives, in at most max characters. */
static void
index_name(unsigned int i, unsigned int max, char *out)
{
	char b[VB_LAYOUT_NAME_MAX];

	snprintf(b, sizeof(b), "port %u", i);
	if (strlen(b) > max)
		snprintf(b, sizeof(b), "#%u", i);
	snprintf(out, VB_LAYOUT_NAME_MAX, "%.*s", (int)max, b);
}

unsigned int
vb_layout_names(const char *const *names, unsigned int n, unsigned int max,
		char (*out)[VB_LAYOUT_NAME_MAX])
{
	unsigned int i, j, widest = 0;
	bool alike = false;

	if (max >= VB_LAYOUT_NAME_MAX)
		max = VB_LAYOUT_NAME_MAX - 1;
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		if (len <= max)
			snprintf(out[i], VB_LAYOUT_NAME_MAX, "%s", names[i]);
		else if (max >= VB_LAYOUT_NAME_MIN)
			snprintf(out[i], VB_LAYOUT_NAME_MAX, "~%s", names[i] + len - (max - 1));
		else
			alike = true;	/* too narrow for any tail to tell them apart */
	}
	/* Two ports must never look alike: the same name in, or the same tail out. */
	for (i = 0; i < n && !alike; i++)
		for (j = i + 1; j < n && !alike; j++)
			alike = strcmp(out[i], out[j]) == 0;
	for (i = 0; i < n; i++) {
		if (alike)
			index_name(i, max, out[i]);
		if (strlen(out[i]) > widest)
			widest = strlen(out[i]);
	}
	return widest;
}

uint32_t
vb_layout_pick(const struct vb_layout_col *cols, unsigned int n, unsigned int budget)
{
	uint32_t shown = 0;
	unsigned int used = 0, rank, i, max_rank = 0;

	if (n > 32)
		n = 32;
	if (budget == VB_LAYOUT_UNLIMITED)
		return n == 32 ? UINT32_MAX : (UINT32_C(1) << n) - 1;
	for (i = 0; i < n; i++)
		if (cols[i].rank > max_rank)
			max_rank = cols[i].rank;
	for (rank = 0; rank <= max_rank; rank++)
		for (i = 0; i < n; i++)
			if (cols[i].rank == rank && used + cols[i].width <= budget) {
				used += cols[i].width;
				shown |= UINT32_C(1) << i;
			}
	return shown;
}

size_t
vb_layout_break(const char *s, size_t width)
{
	size_t n = strlen(s), cut;

	if (width == VB_LAYOUT_UNLIMITED || n <= width)
		return n;
	for (cut = width; cut > 0 && s[cut] != ' '; cut--)
		;
	return cut == 0 ? width : cut;
}

unsigned int
vb_layout_fold(const unsigned int *widths, unsigned int n, unsigned int lead,
	       unsigned int width, unsigned int *first)
{
	unsigned int blocks = 0, used = 0, i;

	for (i = 0; i < n; i++) {
		/* A new block when this column does not fit after at least one other. */
		if (blocks == 0 || (width != VB_LAYOUT_UNLIMITED && used > lead &&
				    used + widths[i] > width)) {
			first[blocks++] = i;
			used = lead;
		}
		used += widths[i];
	}
	return blocks;
}
