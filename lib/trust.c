/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "trust.h"

static bool vb_strict_files = true;

void
vb_trust_files(bool strict)
{
	vb_strict_files = strict;
}

int
vb_file_trusted(int fd, const char *path, char *err, size_t errlen)
{
	const struct passwd *pw;
	struct stat st;

	if (!vb_strict_files)
		return 0;
	if (fstat(fd, &st) != 0) {
		int e = errno;

		vb_errf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		vb_errf(err, errlen, "%s is writable by group/others (mode %04o): it decides what "
			"is forwarded, so only its owner may write it (chmod go-w %s), or start "
			"vbridge with --no-strict-files", path, (unsigned int)(st.st_mode & 07777),
			path);
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		pw = getpwuid(st.st_uid);
		vb_errf(err, errlen, "%s is owned by %s (uid %u), not by root or the user running "
			"vbridge (uid %u): it decides what is forwarded (chown root %s), or start "
			"vbridge with --no-strict-files", path, pw != NULL ? pw->pw_name : "nobody known",
			(unsigned int)st.st_uid, (unsigned int)geteuid(), path);
		return -EPERM;
	}
	return 0;
}
