/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: arbitrary command lines for vb_config_parse_args().
 * Input: NUL-separated strings. The first is the text of a configuration file; the rest are
 * the arguments after "--" (argv[0] is supplied). Every --config value is replaced by the
 * path of that file, so the fuzzer exercises the file-then-options order without opening
 * arbitrary paths of this machine (a FIFO or /dev/zero would only measure the OS).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_check.h"
#include "fuzz_common.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1], *copy, *p, *end, *ini_end;
	char path[64], config_eq[80], err[512];
	struct vb_config cfg;
	int argc = 0, fd, ret, i;

	if (size > 16384)
		return -1;
	/* One heap block per string, of its exact size: ASan sees a read past any of them. */
	copy = malloc(size + 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;

	ini_end = memchr(copy, '\0', size + 1);
	fd = fuzz_memfd(path, sizeof(path));
	fuzz_memfd_write(fd, (const uint8_t *)copy, ini_end - copy);
	snprintf(config_eq, sizeof(config_eq), "--config=%s", path);

	argv[argc++] = strdup("vbridge");
	for (p = ini_end + 1; p <= end && argc < MAX_ARGS; p += strlen(p) + 1) {
		if (argc > 1 && strcmp(argv[argc - 1], "--config") == 0)
			argv[argc++] = strdup(path);
		else if (strncmp(p, "--config=", 9) == 0)
			argv[argc++] = strdup(config_eq);
		else
			argv[argc++] = strdup(p);
		if (argv[argc - 1] == NULL)
			abort();
	}
	argv[argc] = NULL;

	vb_config_defaults(&cfg);
	err[0] = '\0';
	ret = vb_config_parse_args(&cfg, argc, argv, err, sizeof(err));
	if (ret != VB_CONFIG_HELP && ret != VB_CONFIG_VERSION)
		fuzz_check_result(&cfg, ret, err);

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(copy);
	return 0;
}
