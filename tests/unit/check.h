/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The unit tests' one assertion: on failure it counts, says where, and prints what it saw
 * and what it expected (the message's job), then the test goes on to its next case.
 */
#ifndef VB_TEST_CHECK_H
#define VB_TEST_CHECK_H

#include <stdio.h>

static int failures;
static unsigned int checks;

#define CHECK(cond, ...) do { \
	checks++; \
	if (!(cond)) { \
		failures++; \
		printf("FAIL %s:%d: ", __FILE__, __LINE__); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} \
} while (0)

#endif /* VB_TEST_CHECK_H */
