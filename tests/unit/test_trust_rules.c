/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy's rules file is a trusted file too (lib/trust.c): 0666 and 0664 refused with
 * -EPERM and "writable by group/others" naming the file, 0644 and 0600 read (whatever the
 * rules then say), and with vb_trust_files(false) (--no-strict-files) a 0666 file is read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "policy.h"
#include "trust.h"

static int
parse_with_mode(const char *dir, mode_t mode, char *err, size_t errlen)
{
	struct vb_rules rules;
	char path[256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/rules-%04o", dir, (unsigned int)mode);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fputs("# nothing but a comment\n", f);
	fclose(f);
	chmod(path, mode);
	ret = vb_rules_parse_file(path, NULL, 0, &rules, err, errlen);
	if (ret == 0)
		vb_rules_free(&rules);
	unlink(path);
	return ret;
}

int
main(void)
{
	char dir[] = "/tmp/vb_trust_rules_XXXXXX", err[512];
	static const mode_t refused[] = { 0666, 0664, 0646 }, accepted[] = { 0644, 0600, 0400 };
	unsigned int i;
	int ret;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err[0] = '\0';
		ret = parse_with_mode(dir, refused[i], err, sizeof(err));
		CHECK(ret == -EPERM && strstr(err, "writable by group/others") != NULL &&
		      strstr(err, dir) != NULL, "mode %04o: ret %d, '%s'", (unsigned int)refused[i],
		      ret, err);
	}
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		err[0] = '\0';
		ret = parse_with_mode(dir, accepted[i], err, sizeof(err));
		CHECK(ret != -EPERM && strstr(err, "writable") == NULL, "mode %04o refused: %s",
		      (unsigned int)accepted[i], err);
	}
	vb_trust_files(false);
	err[0] = '\0';
	ret = parse_with_mode(dir, 0666, err, sizeof(err));
	CHECK(ret != -EPERM, "with the check off, 0666 refused: %s", err);
	vb_trust_files(true);
	rmdir(dir);
	printf("trust_rules: %u checks, %d failed\n", checks, failures);
	return failures != 0;
}
