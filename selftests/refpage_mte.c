// SPDX-License-Identifier: GPL-2.0
/*
 * Reference pages and arm64 MTE: a PROT_MTE mapping of a refpage is
 * pre-tagged with the tags of the content, before and after the first write,
 * in synchronous and asynchronous tag check modes.  Elsewhere these tests
 * SKIP.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "refpage_util.h"

static bool mte_arch(void)
{
#ifdef __aarch64__
	return true;
#else
	return false;
#endif
}

#define NO_MTE "no MTE: QEMU needs -machine virt,mte=on -cpu max"

/* MTE itself, without reference pages: the guest is set up right */
TEST(anonymous_tag_checks)
{
	unsigned char v;
	char *m;

	if (!mte_arch())
		SKIP(return, MTE_ONLY_ARM64);
	ASSERT_TRUE(mte_available()) TH_LOG(NO_MTE);
	ASSERT_EQ(0, mte_set_mode(PR_MTE_TCF_SYNC));
	m = mmap(NULL, psize, PROT_READ | PROT_WRITE | PROT_MTE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	mte_set_tag(mte_tag_ptr(m, 3));
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(m, 3), 42));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(m, 3), &v));
	ASSERT_EQ(42, v);
	ASSERT_EQ(SEGV_MTESERR, mte_try_load(mte_tag_ptr(m, 5), &v));
	munmap(m, psize);
}

/* In synchronous mode the kernel checks the content's tag too */
TEST(content_read_with_wrong_tag_efault)
{
	char *c;

	if (!mte_arch())
		SKIP(return, MTE_ONLY_ARM64);
	ASSERT_TRUE(mte_available()) TH_LOG(NO_MTE);
	ASSERT_EQ(0, mte_set_mode(PR_MTE_TCF_SYNC));
	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	c = mmap(NULL, psize, PROT_READ | PROT_WRITE | PROT_MTE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c);
	mte_set_tag(mte_tag_ptr(c, 6));
	mte_set_tag(mte_tag_ptr(c + 16, 9));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(mte_tag_ptr(c, 6), 32, 0));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(mte_tag_ptr(c, 5), 16, 0));
	munmap(c, psize);
}

FIXTURE(mte) {
	char *content;
	int fd;
	char *map;
	size_t len;
};

FIXTURE_VARIANT(mte) {
	unsigned long mode;
	int fault;	/* the si_code of a tag check fault */
};

FIXTURE_VARIANT_ADD(mte, sync) {
	.mode = PR_MTE_TCF_SYNC,
	.fault = SEGV_MTESERR,
};

FIXTURE_VARIANT_ADD(mte, async) {
	.mode = PR_MTE_TCF_ASYNC,
	.fault = SEGV_MTEAERR,
};

FIXTURE_SETUP(mte)
{
	self->fd = -1;
	self->map = MAP_FAILED;
	self->content = MAP_FAILED;
	if (!mte_arch())
		SKIP(return, MTE_ONLY_ARM64);
	ASSERT_TRUE(mte_available()) TH_LOG(NO_MTE);
	ASSERT_EQ(0, mte_set_mode(variant->mode));
	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	self->content = mmap(NULL, psize, PROT_READ | PROT_WRITE | PROT_MTE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->content);
	self->len = 4 * psize;
}

FIXTURE_TEARDOWN(mte)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, self->len);
	if (self->content != MAP_FAILED)
		munmap(self->content, psize);
	if (self->fd >= 0)
		close(self->fd);
}

/* A tag none of @tags is */
static unsigned int other_tag(const unsigned int *tags, unsigned int ntags)
{
	unsigned int t, i;

	for (t = 15; t; t--) {
		for (i = 0; i < ntags && tags[i] != t; i++)
			;
		if (i == ntags)
			return t;
	}
	return 0;
}

/*
 * A refpage of @size bytes of @byte, whose granules are tagged @tags in
 * turn, and a mapping of it with @prot.  The content is read with tag checks
 * off, since one pointer has one tag.  The rest of the content's page gets
 * another tag, so that a copy of the content page's tags granule for granule
 * (instead of the content's, repeated) shows: under QEMU 7.2 only for content
 * of one granule or less, as its odd granules keep the other tag there.
 */
static int map_tagged(char *content, unsigned long mode, unsigned char byte,
		      unsigned int size, const unsigned int *tags,
		      unsigned int ntags, int prot, int *fd, char **map,
		      size_t len)
{
	unsigned int i, other = other_tag(tags, ntags);

	for (i = 0; i * MTE_GRANULE < psize; i++)
		mte_set_tag(mte_tag_ptr(content + i * MTE_GRANULE, other));
	/* Last: QEMU 7.2's TCG keeps one tag per granule parity per page */
	for (i = 0; i * MTE_GRANULE < size; i++)
		mte_set_tag(mte_tag_ptr(content + i * MTE_GRANULE, tags[i % ntags]));
	for (i = 0; i < size; i++)
		*(char *)mte_tag_ptr(content + i,
				     tags[i / MTE_GRANULE % ntags]) = byte;
	if (mte_set_mode(0))
		return -1;
	*fd = refpage_create(mte_tag_ptr(content, tags[0]), size, 0);
	if (mte_set_mode(mode) || *fd < 0)
		return -1;
	*map = mmap(NULL, len, prot, MAP_PRIVATE, *fd, 0);
	return *map == MAP_FAILED ? -1 : 0;
}

#define MAP_TAGGED(byte, size, tags, ntags, prot)			\
	map_tagged(self->content, variant->mode, byte, size, tags, ntags,	\
		   prot, &self->fd, &self->map, self->len)

#define RW_MTE (PROT_READ | PROT_WRITE | PROT_MTE)

TEST_F(mte, untouched_pages_carry_content_tags)
{
	unsigned int tag = 3;
	unsigned char v;
	char *p;

	ASSERT_EQ(0, MAP_TAGGED(0, psize, &tag, 1, RW_MTE));
	for (p = self->map; p < self->map + self->len; p += psize + 48) {
		ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p, 3), &v))
			TH_LOG("a load with the content's tag faulted");
		ASSERT_EQ(0, v);
		ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(p, 4), &v))
			TH_LOG("a load with another tag did not fault");
		ASSERT_EQ(3, mte_get_tag(p));
	}
}

/* Zeros uniformly tagged: the copy is made with DC GZVA */
TEST_F(mte, first_write_keeps_uniform_tag)
{
	unsigned int tag = 3;
	unsigned char v;
	char *p;

	ASSERT_EQ(0, MAP_TAGGED(0, psize, &tag, 1, RW_MTE));
	p = self->map + psize;
	ASSERT_EQ(variant->fault, mte_try_store(mte_tag_ptr(p, 4), 1))
		TH_LOG("a first write with another tag did not fault");
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(p + 100, 3), 7));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 100, 3), &v));
	ASSERT_EQ(7, v);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + psize - 1, 3), &v))
		TH_LOG("the copy lost the tag");
	ASSERT_EQ(0, v);
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(p + 200, 2), &v));
	ASSERT_EQ(3, mte_get_tag(p + psize - MTE_GRANULE));
	ASSERT_EQ(3, mte_get_tag(self->map));
}

TEST_F(mte, granule_tags_repeat_with_pattern)
{
	unsigned int tags[2] = { 6, 9 };
	unsigned char v;
	char *p = self->map;
	size_t g;

	ASSERT_EQ(0, MAP_TAGGED(0xab, 32, tags, 2, RW_MTE));
	p = self->map;
	for (g = 0; g < psize / MTE_GRANULE; g += 7)
		ASSERT_EQ(tags[g % 2], mte_get_tag(p + g * MTE_GRANULE))
			TH_LOG("granule %zu", g);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 64 + 3, 6), &v));
	ASSERT_EQ(0xab, v);
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(p + 80 + 3, 6), &v));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 80 + 3, 9), &v));
}

/* A pattern of two differently tagged granules: copied with its tags */
TEST_F(mte, first_write_keeps_granule_tags)
{
	unsigned int tags[2] = { 6, 9 };
	unsigned char v;
	char *p;

	ASSERT_EQ(0, MAP_TAGGED(0xab, 32, tags, 2, RW_MTE));
	p = self->map + 2 * psize;
	(void)mte_try_load(mte_tag_ptr(p, 6), &v);
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(p + 16, 9), 1))
		TH_LOG("the first write, with the right tag, faulted");
	ASSERT_EQ(9, mte_get_tag(p + 48));
	ASSERT_EQ(6, mte_get_tag(p + 32));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 33, 6), &v));
	ASSERT_EQ(0xab, v);
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(p + 33, 9), &v));
	ASSERT_EQ(1, *(char *)mte_tag_ptr(p + 16, 9));
}

TEST_F(mte, untagged_content_is_tag_0)
{
	unsigned char plain[16], v;
	char *m;

	memset(plain, 0x5a, sizeof(plain));
	self->fd = refpage_map(plain, 16, self->len, RW_MTE, (void **)&m);
	self->map = m;
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, mte_try_load(m + 10, &v));
	ASSERT_EQ(0x5a, v);
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(m + 10, 1), &v));
	ASSERT_EQ(0, mte_try_store(m + 20, 1));
	ASSERT_EQ(0x5a, m[21]);
	ASSERT_EQ(0, mte_get_tag(m + 32));
}

TEST_F(mte, mapping_without_prot_mte_is_unchecked)
{
	unsigned int tags[2] = { 6, 9 };
	unsigned char v;

	ASSERT_EQ(0, MAP_TAGGED(0xab, 32, tags, 2,
				PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map + 16, 2), &v));
	ASSERT_EQ(0xab, v);
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(self->map + psize, 2), 1));
}

/* Tags come with the reference page even when PROT_MTE comes later */
TEST_F(mte, mprotect_adds_prot_mte)
{
	unsigned int tags[2] = { 6, 9 };
	unsigned char v;
	char *p;

	ASSERT_EQ(0, MAP_TAGGED(0xab, 32, tags, 2,
				PROT_READ | PROT_WRITE));
	p = self->map;
	read_fault(p);
	ASSERT_EQ(0, mprotect(p, self->len, RW_MTE));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 16, 9), &v));
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(p + 16, 6), &v));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + psize + 16, 9), &v));
}

TEST_F(mte, fork_keeps_tags)
{
	unsigned int tag = 5;
	unsigned char v;
	pid_t pid;

	ASSERT_EQ(0, MAP_TAGGED(0x11, 64, &tag, 1, RW_MTE));
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(self->map, 5), 2));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map, 5), &v));
		ASSERT_EQ(2, v);
		ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map + psize, 5), &v));
		ASSERT_EQ(0x11, v);
		ASSERT_EQ(variant->fault,
			  mte_try_load(mte_tag_ptr(self->map + psize, 6), &v));
		ASSERT_EQ(0, mte_try_store(mte_tag_ptr(self->map + psize, 5), 3));
		_exit(0);
	}
	ASSERT_CHILD_OK(pid);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map + psize, 5), &v));
	ASSERT_EQ(0x11, v);
}

TEST_F(mte, dontneed_keeps_tags)
{
	unsigned int tag = 12;
	unsigned char v;

	ASSERT_EQ(0, MAP_TAGGED(0, psize, &tag, 1, RW_MTE));
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(self->map, 12), 9));
	ASSERT_EQ(0, madvise(self->map, self->len, MADV_DONTNEED));
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map, 12), &v));
	ASSERT_EQ(0, v);
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(self->map, 11), &v));
}

/* A written page goes to swap and comes back with the content's tags (mteswap.c) */
TEST_F(mte, swap_keeps_tags)
{
	unsigned int tags[] = { 6, 10 };
	unsigned char v;

	if (!swap_enabled())
		SKIP(return, "no swap (the guest's init turns on swap on zram0: CONFIG_ZRAM)");
	stay_on_this_cpu();
	ASSERT_EQ(0, MAP_TAGGED(0x3c, 2 * MTE_GRANULE, tags, 2, RW_MTE));
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(self->map + psize + 32, 6), 0x11));
	ASSERT_EQ(0, pageout(self->map, self->len, pagemap_swapped, self->map + psize));
	ASSERT_TRUE(pagemap_swapped(self->map + psize))
		TH_LOG("MADV_PAGEOUT did not swap out the written page");
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map + psize + 32, 6), &v))
		TH_LOG("back from swap: a load with the content's tag faulted");
	ASSERT_EQ(0x11, v);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map + psize + 16, 10), &v))
		TH_LOG("back from swap: the second granule lost its tag");
	ASSERT_EQ(0x3c, v);
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(self->map + psize + 48, 6), &v))
		TH_LOG("back from swap: a load with the wrong tag did not fault");
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(self->map + 16, 10), &v));
	ASSERT_EQ(0x3c, v);
}

/* Zeros with two tags are no uniformly tagged zero page: the copy keeps both (not DC GZVA) */
TEST_F(mte, zeros_with_granule_tags_keep_them)
{
	unsigned int tags[2] = { 3, 8 };
	unsigned char v;
	char *p;

	ASSERT_EQ(0, MAP_TAGGED(0, 2 * MTE_GRANULE, tags, 2, RW_MTE));
	p = self->map + psize;
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(p + 16, 8), 1))
		TH_LOG("zeros tagged 3, 8: a first write tagged 8 faulted: the copy took one tag");
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 48, 8), &v))
		TH_LOG("zeros tagged 3, 8: the copy lost the second granule's tag");
	ASSERT_EQ(0, v);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 32, 3), &v));
	ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(p + 48, 3), &v));
	ASSERT_EQ(8, mte_get_tag(self->map + 2 * psize + 16));
}

/* Content shorter than a granule: the whole page takes its granule's tag */
TEST_F(mte, short_content_tags_every_granule)
{
	unsigned int tag = 5, size;
	unsigned char v;
	char *p;

	for (size = 1; size <= 8; size *= 2) {
		ASSERT_EQ(0, MAP_TAGGED(0x40 + size, size, &tag, 1, RW_MTE))
			TH_LOG("size %u", size);
		p = self->map + psize;
		ASSERT_EQ(5, mte_get_tag(p + psize - MTE_GRANULE))
			TH_LOG("size %u: the last granule", size);
		ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 37, 5), &v)) TH_LOG("size %u", size);
		ASSERT_EQ(0x40 + size, v);
		ASSERT_EQ(variant->fault, mte_try_load(mte_tag_ptr(p + 37, 6), &v));
		ASSERT_EQ(0, mte_try_store(mte_tag_ptr(p + 5, 5), 1))
			TH_LOG("size %u: the first write faulted", size);
		ASSERT_EQ(5, mte_get_tag(p + psize - MTE_GRANULE))
			TH_LOG("size %u: the copy lost the tag", size);
		munmap(self->map, self->len);
		close(self->fd);
		self->map = MAP_FAILED;
		self->fd = -1;
	}
}

/*
 * Content that starts inside a granule, or runs across two pages: granule g
 * of the reference page takes the tag of the granule holding
 * content[(g * 16) % size].
 */
TEST_F(mte, unaligned_and_straddling_content)
{
	static const struct { size_t at; unsigned int size, tags[2]; } cases[] = {
		{ 8, 16, { 4, 4 } },			/* content[0] in granule 0 */
		{ 8, 32, { 4, 7 } },			/* content[16] in granule 1 */
		{ 4096 - 16, 32, { 2, 11 } },	/* the last granule, the next page's first */
	};
	unsigned int c, i, second, tag[2] = { 0 };
	unsigned char v;
	char *buf, *p;
	int fd;

	buf = mmap(NULL, 2 * psize, RW_MTE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		size_t at = cases[c].at;
		char *content;

		if (at == 4096 - 16)	/* the last granule of the page */
			at = psize - 16;
		content = buf + at;

		for (i = 0; i < 2 * psize / MTE_GRANULE; i++)
			mte_set_tag(mte_tag_ptr(buf + i * MTE_GRANULE, 13));
		tag[0] = cases[c].tags[0];
		tag[1] = cases[c].tags[1];
		mte_set_tag(mte_tag_ptr(buf + at / MTE_GRANULE * MTE_GRANULE, tag[0]));
		mte_set_tag(mte_tag_ptr(buf + (at + 16) / MTE_GRANULE * MTE_GRANULE, tag[1]));
		ASSERT_EQ(0, mte_set_mode(0));
		for (i = 0; i < cases[c].size; i++)
			content[i] = i + 1;
		fd = refpage_create(content, cases[c].size, 0);
		ASSERT_EQ(0, mte_set_mode(variant->mode));
		ASSERT_LE(0, fd) TH_LOG("case %u: %s", c, strerror(errno));
		p = mmap(NULL, psize, RW_MTE, MAP_PRIVATE, fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		for (i = 0; i < 8; i++)
			ASSERT_EQ(tag[i * 16 % cases[c].size / 16],
				  mte_get_tag(p + i * MTE_GRANULE))
				TH_LOG("case %u (content at +%zu, %u bytes): granule %u",
				       c, at, cases[c].size, i);
		second = tag[1 % (cases[c].size / 16)];
		ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 16 + 3, second), &v));
		ASSERT_EQ(16 % cases[c].size + 3 + 1, v);
		munmap(p, psize);
		close(fd);
	}
	munmap(buf, 2 * psize);
}

#ifndef PTRACE_POKEMTETAGS
#define PTRACE_POKEMTETAGS 34
#endif

/*
 * A tracer's PTRACE_POKEMTETAGS into an untouched page copies it: the tracee's
 * page takes the new tag, its other pages, the tracer's, and fresh mappings
 * keep the content's.
 */
TEST_F(mte, ptrace_pokemtetags_copies_the_page)
{
	unsigned int tag = 3;
	unsigned char tags[1] = { 9 }, v;
	struct iovec iov = { tags, sizeof(tags) };
	char *p;
	pid_t pid;
	int st;

	ASSERT_EQ(0, MAP_TAGGED(0x22, MTE_GRANULE, &tag, 1, RW_MTE));
	p = self->map + psize;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *fresh;

		ASSERT_EQ(0, ptrace(PTRACE_TRACEME, 0, 0, 0));
		raise(SIGSTOP);
		ASSERT_EQ(9, mte_get_tag(p)) TH_LOG("PTRACE_POKEMTETAGS did not tag the page");
		ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p, 9), &v));
		ASSERT_EQ(0x22, v) TH_LOG("the page PTRACE_POKEMTETAGS copied lost the pattern");
		ASSERT_EQ(3, mte_get_tag(p + MTE_GRANULE));
		ASSERT_EQ(3, mte_get_tag(self->map)) TH_LOG("another untouched page took the tag");
		fresh = mmap(NULL, psize, RW_MTE, MAP_PRIVATE, self->fd, 0);
		ASSERT_NE(MAP_FAILED, fresh);
		ASSERT_EQ(3, mte_get_tag(fresh))
			TH_LOG("PTRACE_POKEMTETAGS tagged the reference page");
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_EQ(0, ptrace(PTRACE_POKEMTETAGS, pid, p, &iov)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(1, iov.iov_len);
	ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
	ASSERT_CHILD_OK(pid);
	ASSERT_EQ(3, mte_get_tag(p)) TH_LOG("the tracer's own page took the tag");
}

TEST_HARNESS_MAIN
