/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trusted files: the configuration and the policy's rules decide what vbridge forwards, so a
 * file that someone other than its owner may write, or that belongs to someone other than
 * root or the user running vbridge, is refused, as sshd's StrictModes refuses such key files.
 * `--no-strict-files` lifts the check for labs.
 */
#ifndef VB_TRUST_H
#define VB_TRUST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check the open file fd (named path in messages): 0 if only its owner may write it and the
 * owner is root or our effective user, and, for a regular file, the same holds for every
 * directory above it up to / (realpath of path; sticky ones such as /tmp may be writable by
 * others), or if checks are off (vb_trust_files(false));
 * else -EPERM with err naming the file and saying "writable by group/others" or who owns
 * it, and how to fix it. -errno if fstat fails.
 */
int vb_file_trusted(int fd, const char *path, char *err, size_t errlen);

/*
 * On (the default) or off (--no-strict-files) for every file read after it: the rules
 * files that the configuration names. The configuration file itself follows the
 * configuration's own lax_files (lib/config.c), set before it is read.
 */
void vb_trust_files(bool strict);

#endif /* VB_TRUST_H */
