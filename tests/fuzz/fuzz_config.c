/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: arbitrary bytes as an INI file for vb_config_load().
 * Checks beyond "no crash, no sanitizer report": an error always comes with a message, and
 * a success always leaves every value inside the range its key allows (never a silent
 * out-of-range value).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_common.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_config cfg;
	char path[64], err[512];
	int fd, ret;

	/* Lines are capped at 1 KiB by the parser; 64 KiB is plenty of lines. */
	if (size > 65536)
		return -1;
	fd = fuzz_memfd(path, sizeof(path));
	fuzz_memfd_write(fd, data, size);

	vb_config_defaults(&cfg);
	err[0] = '\0';
	ret = vb_config_load(&cfg, path, err, sizeof(err));
	fuzz_check_result(&cfg, ret, err);
	return 0;
}
