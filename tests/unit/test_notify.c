/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The watchdog's decision (vb_wd_check): fed only while every worker's poll counter moves,
 * never before its time, hungry while one worker is stuck, fed again once it moves.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "notify.h"

static void
test_all_moving(void)
{
	uint64_t polls[3] = { 10, 20, 30 };
	struct vb_wd wd;
	uint64_t t;
	unsigned int fed = 0, i;

	vb_wd_init(&wd, 100, polls, 3, 0);
	CHECK(vb_wd_check(&wd, polls, 3, 99, NULL) == VB_WD_WAIT, "decided before the period");
	/* Time advances 10 per pass, every worker polls each pass. */
	for (t = 10; t <= 1000; t += 10) {
		for (i = 0; i < 3; i++)
			polls[i] += 7;
		switch (vb_wd_check(&wd, polls, 3, t, NULL)) {
		case VB_WD_FEED:
			fed++;
			break;
		case VB_WD_STALLED:
			CHECK(0, "stalled at t=%u with every worker moving", (unsigned int)t);
			break;
		case VB_WD_WAIT:
			break;
		}
	}
	CHECK(fed == 10, "fed %u times in 10 periods, expected 10", fed);
}

static void
test_one_stuck(void)
{
	uint64_t polls[4] = { 1, 1, 1, 1 };
	struct vb_wd wd;
	unsigned int stalled = 99, i;
	enum vb_wd_verdict v;

	vb_wd_init(&wd, 100, polls, 4, 1000);
	for (i = 0; i < 4; i++)
		polls[i] += 1000;
	CHECK(vb_wd_check(&wd, polls, 4, 1100, NULL) == VB_WD_FEED, "all moved: not fed");

	/* Worker 2 stops; the others go on. */
	polls[0] += 5;
	polls[1] += 5;
	polls[3] += 5;
	v = vb_wd_check(&wd, polls, 4, 1200, &stalled);
	CHECK(v == VB_WD_STALLED, "worker 2 stuck: verdict %d, expected STALLED", v);
	CHECK(stalled == 2, "stalled worker %u, expected 2", stalled);

	/* Still stuck a period later: still hungry. */
	polls[0] += 5;
	polls[1] += 5;
	polls[3] += 5;
	CHECK(vb_wd_check(&wd, polls, 4, 1300, NULL) == VB_WD_STALLED, "still stuck, but fed");

	/* Everything stuck (the whole process frozen and thawed): hungry. */
	CHECK(vb_wd_check(&wd, polls, 4, 1400, NULL) == VB_WD_STALLED, "nothing moved, but fed");

	/* Worker 2 moves again: fed at the next decision. */
	for (i = 0; i < 4; i++)
		polls[i] += 1;
	CHECK(vb_wd_check(&wd, polls, 4, 1500, NULL) == VB_WD_FEED, "all moved again: not fed");

	/* A decision late by several periods still looks only at movement since the last. */
	for (i = 0; i < 4; i++)
		polls[i] += 1;
	CHECK(vb_wd_check(&wd, polls, 4, 5000, NULL) == VB_WD_FEED, "late decision: not fed");
	CHECK(vb_wd_check(&wd, polls, 4, 5050, NULL) == VB_WD_WAIT, "next decision not a period on");
}

static void
test_edges(void)
{
	uint64_t polls[VB_MAX_WORKERS + 1];
	struct vb_wd wd;
	unsigned int i, stalled = 0;

	memset(polls, 0, sizeof(polls));
	/* Period 0: the watchdog is off, no decision ever. */
	vb_wd_init(&wd, 0, polls, 1, 0);
	CHECK(vb_wd_check(&wd, polls, 1, UINT64_MAX, NULL) == VB_WD_WAIT, "period 0 decided");

	/* No workers: nothing forwards, never fed. */
	vb_wd_init(&wd, 10, polls, 0, 0);
	CHECK(vb_wd_check(&wd, polls, 0, 10, NULL) == VB_WD_STALLED, "no workers, but fed");

	/* More workers than the shared memory holds: capped, the last one in range decides. */
	vb_wd_init(&wd, 10, polls, VB_MAX_WORKERS + 1, 0);
	for (i = 0; i < VB_MAX_WORKERS - 1; i++)
		polls[i]++;
	CHECK(vb_wd_check(&wd, polls, VB_MAX_WORKERS + 1, 10, &stalled) == VB_WD_STALLED &&
	      stalled == VB_MAX_WORKERS - 1, "worker %u of %d stuck: stalled=%u",
	      VB_MAX_WORKERS - 1, VB_MAX_WORKERS, stalled);
}

int
main(void)
{
	test_all_moving();
	test_one_stuck();
	test_edges();
	printf("notify: %u checks, %d failed\n", checks, failures);
	return failures != 0;
}
