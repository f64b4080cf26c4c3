/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * The directories above path, up to /, as sshd's StrictModes walks them: each must belong
 * to root or to us, and no one else may write it (else they could rename the file away and
 * put another in its place), unless it is sticky (/tmp: others may add names there, but not
 * rename or remove ours). A file without a name in a directory (a memfd, a deleted file) has
 * no directory through which it could be replaced. Returns 0 or -EPERM with err set.
 */
static int
dirs_trusted(const char *path, char *err, size_t errlen)
{
	const struct passwd *pw;
	char *real, *slash;
	struct stat st;
	int ret = 0;

	real = realpath(path, NULL);
	if (real == NULL)
		return 0;
	while (ret == 0 && (slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';	/* "/" itself, the last one */
		else
			*slash = '\0';
		if (stat(real, &st) != 0)
			break;
		if (st.st_uid != 0 && st.st_uid != geteuid()) {
			pw = getpwuid(st.st_uid);
			ret = vb_errf(err, errlen, "%s: its directory %s is owned by %s (uid %u), not "
				      "by root or the user running vbridge (uid %u): that user can "
				      "replace the file; move it, or start vbridge with "
				      "--no-strict-files", path, real,
				      pw != NULL ? pw->pw_name : "nobody known",
				      (unsigned int)st.st_uid, (unsigned int)geteuid());
		} else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
			   (st.st_mode & S_ISVTX) == 0) {
			ret = vb_errf(err, errlen, "%s: its directory %s is writable by group/others "
				      "(mode %04o): anyone who may write there can replace the file "
				      "(chmod go-w %s), or start vbridge with --no-strict-files",
				      path, real, (unsigned int)(st.st_mode & 07777), real);
		}
		if (slash == real)
			break;
	}
	free(real);
	return ret == 0 ? 0 : -EPERM;
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
	return S_ISREG(st.st_mode) ? dirs_trusted(path, err, errlen) : 0;
}
