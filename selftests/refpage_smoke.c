// SPDX-License-Identifier: GPL-2.0
/*
 * The smoke suite: proves the pipeline end to end. The anonymous-memory
 * baseline always runs; the refpage tests SKIP until the syscall exists.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "refpage_syscall.h"

static const char pattern[16] = "refpage-pattern!";

static int page_holds_pattern(const char *page, long size)
{
	for (long i = 0; i < size; i++)
		if (page[i] != pattern[i % sizeof(pattern)])
			return 0;
	return 1;
}

TEST(anon_baseline)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, p[page]);
	memset(p + page, 0x5a, page);
	ASSERT_EQ(0x5a, p[page + 17]);
	ASSERT_EQ(0, madvise(p, 4 * page, MADV_DONTNEED));
	ASSERT_EQ(0, p[page + 17]);
	munmap(p, 4 * page);
}

FIXTURE(refpage) {
	int fd;
	long page;
	char *map;
};

FIXTURE_SETUP(refpage)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->map = MAP_FAILED;
	self->fd = refpage_create(pattern, sizeof(pattern), 0);
	if (self->fd < 0 && errno == ENOSYS)
		SKIP(return, REFPAGE_MISSING);
	ASSERT_LE(0, self->fd);
	self->map = mmap(NULL, 16 * self->page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->map);
}

FIXTURE_TEARDOWN(refpage)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, 16 * self->page);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(refpage, reads_pattern)
{
	for (int i = 0; i < 16; i++)
		ASSERT_TRUE(page_holds_pattern(self->map + i * self->page, self->page));
}

TEST_F(refpage, write_copies_then_dontneed_restores)
{
	char *p = self->map + 3 * self->page;

	p[5] = 'X';
	ASSERT_EQ('X', p[5]);
	ASSERT_EQ(pattern[6], p[6]);
	ASSERT_TRUE(page_holds_pattern(self->map + 4 * self->page, self->page));
	ASSERT_EQ(0, madvise(p, self->page, MADV_DONTNEED));
	ASSERT_TRUE(page_holds_pattern(p, self->page));
}

TEST_F(refpage, map_shared_refused)
{
	void *p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, self->fd, 0);

	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

TEST(bad_arguments)
{
	if (refpage_create(pattern, 16, 0) < 0 && errno == ENOSYS)
		SKIP(return, REFPAGE_MISSING);
	ASSERT_EQ(-1, refpage_create(pattern, 16, 1));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, refpage_create(pattern, 3, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, refpage_create(NULL, 16, 0));
	ASSERT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
