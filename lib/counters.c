/* SPDX-License-Identifier: BSD-3-Clause */
/* The descriptor tables of counters.h, made from its lists. */
#include "counters.h"

/* An empty Prometheus name in a list means "not exported". */
#define PROM_(prom)	(sizeof(#prom) > 1 ? #prom : NULL)

#define DIR_DESC_(name, side, unit, prom, label, help) \
	{ #name, help, PROM_(prom), label, offsetof(struct vb_dir_ctrs, name), \
	  VB_CTR_COUNTER, VB_UNIT_##unit, VB_SIDE_##side },
const struct vb_ctr_desc vb_dir_ctr_desc[VB_DIR_CTRS] = {
	VB_DIR_CTR_LIST(DIR_DESC_)
};

#define DROP_FRAMES_DESC_(id, name, help) \
	{ #name, help, "vbridge_dropped_frames_total", "reason=\"" #name "\"", \
	  offsetof(struct vb_dir_ctrs, drop_frames[VB_DROP_##id]), VB_CTR_COUNTER, \
	  VB_UNIT_FRAMES, VB_SIDE_RX },
#define DROP_BYTES_DESC_(id, name, help) \
	{ #name, help, "vbridge_dropped_bytes_total", "reason=\"" #name "\"", \
	  offsetof(struct vb_dir_ctrs, drop_bytes[VB_DROP_##id]), VB_CTR_COUNTER, \
	  VB_UNIT_BYTES, VB_SIDE_RX },
const struct vb_ctr_desc vb_drop_frames_desc[VB_DROP_REASONS] = {
	VB_DROP_REASON_LIST(DROP_FRAMES_DESC_)
};
const struct vb_ctr_desc vb_drop_bytes_desc[VB_DROP_REASONS] = {
	VB_DROP_REASON_LIST(DROP_BYTES_DESC_)
};
const struct vb_ctr_desc vb_dir_all_desc[VB_DIR_ALL_CTRS] = {
	VB_DIR_CTR_LIST(DIR_DESC_)
	VB_DROP_REASON_LIST(DROP_FRAMES_DESC_)
	VB_DROP_REASON_LIST(DROP_BYTES_DESC_)
};

#define CAP_DESC_(name, unit, prom, help) \
	{ #name, help, PROM_(prom), NULL, offsetof(struct vb_cap_ctrs, name), VB_CTR_COUNTER, \
	  VB_UNIT_##unit, VB_SIDE_RX },
const struct vb_ctr_desc vb_cap_ctr_desc[VB_CAP_CTRS] = {
	VB_CAP_CTR_LIST(CAP_DESC_)
};

#define MIRROR_DESC_(name, unit, prom, help) \
	{ #name, help, PROM_(prom), NULL, offsetof(struct vb_mirror_ctrs, name), \
	  VB_CTR_COUNTER, VB_UNIT_##unit, VB_SIDE_NONE },
const struct vb_ctr_desc vb_mirror_ctr_desc[VB_MIRROR_CTRS] = {
	VB_MIRROR_CTR_LIST(MIRROR_DESC_)
};

#define CLS_DESC_(name, unit, prom, help) \
	{ #name, help, PROM_(prom), NULL, offsetof(struct vb_cls_ctrs, name), VB_CTR_COUNTER, \
	  VB_UNIT_##unit, VB_SIDE_RX },
const struct vb_ctr_desc vb_cls_ctr_desc[VB_CLS_CTR_COUNT] = {
	VB_CLS_CTR_LIST(CLS_DESC_)
};

#define TABLE_DESC_(name, type, unit, prom, label, help) \
	{ #name, help, PROM_(prom), label, offsetof(struct vb_table_ctrs, name), \
	  VB_CTR_##type, VB_UNIT_##unit, VB_SIDE_NONE },
#define SAMPLE_DESC_(name, type, unit, prom, help) \
	{ #name, help, PROM_(prom), NULL, offsetof(struct vb_table_ctrs, name), \
	  VB_CTR_##type, VB_UNIT_##unit, VB_SIDE_NONE },
const struct vb_ctr_desc vb_table_ctr_desc[VB_TABLE_ALL_CTRS] = {
	VB_TABLE_CTR_LIST(TABLE_DESC_)
	VB_SAMPLE_CTR_LIST(SAMPLE_DESC_)
};

#define WORKER_DESC_(name, unit, prom, help) \
	{ #name, help, PROM_(prom), NULL, offsetof(struct vb_worker_ctrs, name), \
	  VB_CTR_COUNTER, VB_UNIT_##unit, VB_SIDE_NONE },
const struct vb_ctr_desc vb_worker_ctr_desc[VB_WORKER_CTRS] = {
	VB_WORKER_CTR_LIST(WORKER_DESC_)
};

#define ETH_DESC_(name, side, unit, prom, label, help) \
	{ #name, help, PROM_(prom), label, offsetof(struct vb_eth_ctrs, name), VB_CTR_COUNTER, \
	  VB_UNIT_##unit, VB_SIDE_##side },
const struct vb_ctr_desc vb_eth_ctr_desc[VB_ETH_CTRS] = {
	VB_ETH_CTR_LIST(ETH_DESC_)
};

/* Every struct is its list's counters and nothing else: sums and deltas cover all of it. */
_Static_assert(sizeof(struct vb_dir_ctrs) == VB_DIR_ALL_CTRS * sizeof(uint64_t), "dir");
_Static_assert(sizeof(struct vb_cap_ctrs) == VB_CAP_CTRS * sizeof(uint64_t), "cap");
_Static_assert(sizeof(struct vb_mirror_ctrs) == VB_MIRROR_CTRS * sizeof(uint64_t), "mirror");
_Static_assert(sizeof(struct vb_table_ctrs) == VB_TABLE_ALL_CTRS * sizeof(uint64_t), "tables");
_Static_assert(sizeof(struct vb_worker_ctrs) == VB_WORKER_CTRS * sizeof(uint64_t), "worker");
_Static_assert(sizeof(struct vb_eth_ctrs) == VB_ETH_CTRS * sizeof(uint64_t), "eth");
_Static_assert(sizeof(struct vb_cls_ctrs) == VB_CLS_CTR_COUNT * sizeof(uint64_t), "cls");

const char *
vb_ctr_unit_name(unsigned int unit)
{
	static const char *const names[VB_UNIT_UNITS] = {
		[VB_UNIT_FRAMES] = "frames",
		[VB_UNIT_BYTES] = "bytes",
		[VB_UNIT_EVENTS] = "events",
		[VB_UNIT_SAMPLES] = "samples",
		[VB_UNIT_POLLS] = "polls",
		[VB_UNIT_ENTRIES] = "entries",
		[VB_UNIT_MS] = "milliseconds",
		[VB_UNIT_SECONDS] = "seconds",
		[VB_UNIT_PER_SECOND] = "per second",
	};

	return unit < VB_UNIT_UNITS ? names[unit] : "?";
}

const char *
vb_drop_reason_name(unsigned int reason)
{
	return reason < VB_DROP_REASONS ? vb_drop_frames_desc[reason].name : "unknown";
}
