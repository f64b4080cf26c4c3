/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Regenerates the classifier and table seed corpora from the classifier unit test's own
 * frames (tests/unit/test_classify.c, included here so the frames are byte for byte the
 * same). Not part of any build: scripts/fuzz.sh --regen-seeds compiles and runs it.
 * Usage: gen_seeds CORPUS_DIR   (writes CORPUS_DIR/fuzz_classify, CORPUS_DIR/fuzz_tables)
 */
#define main vb_test_classify_main
#include "../unit/test_classify.c"
#undef main

static void
write_file(const char *dir, const char *name, const uint8_t *b, size_t len)
{
	char path[512], clean[64];
	unsigned int i, j = 0;
	FILE *fp;

	for (i = 0; name[i] != '\0' && j < sizeof(clean) - 1; i++)
		clean[j++] = isalnum((unsigned char)name[i]) ? tolower(name[i]) : '_';
	clean[j] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, clean);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(b, 1, len, fp) != len) {
		perror(path);
		exit(1);
	}
	fclose(fp);
}

/* A table record: op, dt (2), len (2), frame. */
static size_t
record(uint8_t *out, uint8_t op, uint16_t dt, const struct fb *f)
{
	out[0] = op;
	out[1] = dt & 0xff;
	out[2] = dt >> 8;
	out[3] = f->len & 0xff;
	out[4] = f->len >> 8;
	memcpy(out + 5, f->b, f->len);
	return 5 + f->len;
}

/* A replay record: op (with bit 5), dt 0, len 0, no frame bytes. */
static size_t
replay(uint8_t *out, uint8_t op)
{
	memset(out, 0, 5);
	out[0] = op | 0x20;
	return 5;
}

int
main(int argc, char **argv)
{
	static uint8_t seq[65536];
	char dir[512];
	unsigned int i;
	size_t n;
	struct fb f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/fuzz_classify", argv[1]);
	for (i = 0; i < RTE_DIM(cases); i++) {
		build(&cases[i], &f);
		write_file(dir, cases[i].name, f.b, f.len);
	}

	/* Tables: each frame from one port, replayed from the same port and from the peer
	 * (duplicate, reflection, loop, MAC move), readers run; then all frames in one run. */
	snprintf(dir, sizeof(dir), "%s/fuzz_tables", argv[1]);
	for (i = 0; i < RTE_DIM(cases); i++) {
		static const uint8_t hdr[8] = { 0x95, 128, 0xff, 0x0f, 20, 0xff, 0x0f, 127 };

		build(&cases[i], &f);
		memcpy(seq, hdr, sizeof(hdr));
		n = sizeof(hdr);
		n += record(seq + n, 0x00, 100, &f);		/* port 0 */
		n += replay(seq + n, 0x31);			/* from port 1: reflected */
		n += replay(seq + n, 0x30);			/* port 0 again: looped */
		n += replay(seq + n, 0x20);			/* port 0 again: duplicate */
		write_file(dir, cases[i].name, seq, n);
	}
	memcpy(seq, (const uint8_t [8]){ 0x80, 0, 0x10, 0, 24, 0x20, 0, 255 }, 8);
	n = 8;
	for (i = 0; i < RTE_DIM(cases); i++) {
		build(&cases[i], &f);
		n += record(seq + n, (uint8_t)(i & 3) | 0x10, 1000, &f);
	}
	write_file(dir, "all frames", seq, n);
	return 0;
}
