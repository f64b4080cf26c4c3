/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the libFuzzer harnesses. The config parser opens files by name, so the
 * harnesses hand it a memfd through /proc/self/fd/N: no temporary files, nothing left behind
 * when the fuzzer is killed, and every byte (NULs included) reaches the parser as written.
 */
#ifndef VB_FUZZ_COMMON_H
#define VB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* One memfd per process, rewritten for each input; its path goes in *path. */
static inline int
fuzz_memfd(char *path, size_t pathlen)
{
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("vb_fuzz_ini", 0);
		/* A memfd is born 0777; vbridge refuses a config others may write (lib/trust.c). */
		if (fd < 0 || fchmod(fd, 0600) != 0) {
			perror("memfd_create");
			abort();
		}
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

static inline void
fuzz_memfd_write(int fd, const uint8_t *data, size_t len)
{
	if (ftruncate(fd, 0) != 0 || (len > 0 && pwrite(fd, data, len, 0) != (ssize_t)len)) {
		perror("memfd write");
		abort();
	}
}

#endif /* VB_FUZZ_COMMON_H */
