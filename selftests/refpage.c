// SPDX-License-Identifier: GPL-2.0
/*
 * refpage_create(2): every rule of the interface, one test each.
 *
 * A refpage descriptor's private mappings read as a pattern, repeated to fill
 * a page, and copy it on the first write; the pattern is never written.  The
 * tests that depend on how the page is filled run for each kind of pattern:
 * one byte, 16 distinct bytes, a whole distinct page, and a repeated byte
 * (the memset path).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kernel-page-flags.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "refpage_util.h"

#define NR_PAGES 16

TEST(anonymous_memory_baseline)
{
	char *p = mmap(NULL, 4 * psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, p[psize]);
	memset(p + psize, 0x5a, psize);
	ASSERT_EQ(0x5a, p[psize + 17]);
	ASSERT_EQ(0, madvise(p, 4 * psize, MADV_DONTNEED));
	ASSERT_EQ(0, p[psize + 17]);
	munmap(p, 4 * psize);
}

FIXTURE(refpage) {
	unsigned char *pat;
	unsigned int size;
	int fd;
	char *map;
	size_t len;
};

FIXTURE_VARIANT(refpage) {
	unsigned int size;	/* 0: PAGE_SIZE */
	enum pattern_kind kind;
};

FIXTURE_VARIANT_ADD(refpage, byte) {
	.size = 1,
	.kind = PATTERN_DISTINCT,
};

FIXTURE_VARIANT_ADD(refpage, short) {
	.size = 16,
	.kind = PATTERN_DISTINCT,
};

FIXTURE_VARIANT_ADD(refpage, page) {
	.size = 0,
	.kind = PATTERN_DISTINCT,
};

FIXTURE_VARIANT_ADD(refpage, uniform) {
	.size = 64,
	.kind = PATTERN_UNIFORM,
};

FIXTURE_SETUP(refpage)
{
	self->fd = -1;
	self->map = MAP_FAILED;
	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	self->size = variant->size ?: psize;
	self->pat = malloc(psize);
	ASSERT_NE(NULL, self->pat);
	pattern_fill(self->pat, self->size, variant->kind, 0);
	self->fd = refpage_create(self->pat, self->size, 0);
	ASSERT_LE(0, self->fd) TH_LOG("refpage_create: %s", strerror(errno));
	self->len = NR_PAGES * psize;
	self->map = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->map);
}

FIXTURE_TEARDOWN(refpage)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, self->len);
	if (self->fd >= 0)
		close(self->fd);
	free(self->pat);
}

/* The PFN of the reference page, found through a read fault at @p */
static __u64 refpage_pfn(const char *p)
{
	read_fault(p);
	return pagemap_pfn(p);
}

TEST_F(refpage, reads_pattern)
{
	char *at;

	ASSERT_PATTERN(self->map, self->len, self->pat, self->size);

	at = mmap(NULL, 4 * psize, PROT_READ, MAP_PRIVATE, self->fd,
		  7 * psize);
	ASSERT_NE(MAP_FAILED, at);
	ASSERT_PATTERN(at, 4 * psize, self->pat, self->size);
	munmap(at, 4 * psize);
}

TEST_F(refpage, reads_never_allocate)
{
	size_t n = 1024, len = n * psize, i;
	__u64 pfn;
	char *big;

	big = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_NORESERVE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, big);
	ASSERT_PATTERN(big, 4 * psize, self->pat, self->size);
	ASSERT_EQ(-1, pattern_mismatch_sampled(big, len, self->pat, self->size));
	for (i = 0; i < n; i++)
		read_fault(big + i * psize + i % psize);

	pfn = pagemap_pfn(big);
	ASSERT_TRUE(pfn) TH_LOG("no PFN for a read-faulted page (not root?)");
	for (i = 0; i < n; i += 61)
		ASSERT_EQ(pfn, pagemap_pfn(big + i * psize))
			TH_LOG("page %zu is not the reference page", i);
	ASSERT_EQ(0, smaps_kb(big, "Rss"))
		TH_LOG("reading %zu pages allocated memory", n);
	munmap(big, len);
}

TEST_F(refpage, first_write_copies)
{
	char *p = self->map;
	__u64 ref = refpage_pfn(p);

	p[3 * psize + 5] = 0x11;
	ASSERT_EQ(0x11, p[3 * psize + 5]);
	ASSERT_PATTERN(p + 3 * psize, 5, self->pat, self->size);
	ASSERT_PATTERN_AT(p + 3 * psize, 6, psize, self->pat, self->size);
	p[3 * psize + 5] = self->pat[5 % self->size];
	ASSERT_PATTERN(p + 3 * psize, psize, self->pat, self->size);
	ASSERT_NE(ref, pagemap_pfn(p + 3 * psize));
	ASSERT_EQ(ref, pagemap_pfn(p));

	memset(p + 5 * psize, 0x3c, psize);
	ASSERT_EQ(0x3c, p[6 * psize - 1]);
	ASSERT_PATTERN(p, 3 * psize, self->pat, self->size);
	ASSERT_PATTERN(p + 4 * psize, psize, self->pat, self->size);
	ASSERT_PATTERN(p + 6 * psize, 10 * psize, self->pat, self->size);
	ASSERT_EQ(2 * psize / 1024, smaps_kb(p, "Rss"));
}

TEST_F(refpage, dontneed_restores_pattern)
{
	char *p = self->map;

	memset(p, 0x77, 4 * psize);
	read_fault(p + 8 * psize);
	ASSERT_EQ(0, madvise(p, self->len, MADV_DONTNEED));
	ASSERT_EQ(0, smaps_kb(p, "Rss"));
	ASSERT_PATTERN(p, self->len, self->pat, self->size);
}

TEST_F(refpage, free_restores_pattern)
{
	char *p = self->map;

	stay_on_this_cpu();
	memset(p, 0x77, 4 * psize);
	ASSERT_EQ(0, madvise(p, 4 * psize, MADV_FREE));
	/* Reclaim the lazily freed pages now rather than under pressure */
	ASSERT_EQ(0, pageout(p, 4 * psize, pagemap_absent, p));
	ASSERT_FALSE(pagemap_pfn(p))
		TH_LOG("MADV_PAGEOUT left the lazily freed page in place");
	ASSERT_PATTERN(p, self->len, self->pat, self->size);
}

TEST_F(refpage, fork_both_sides_independent)
{
	char *p = self->map;
	int go[2];
	pid_t pid;

	p[0] = 0x42;
	read_fault(p + psize);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ASSERT_EQ(0x42, p[0]);
		ASSERT_PATTERN(p + psize, 15 * psize, self->pat, self->size);
		p[0] = 0x43;
		p[psize + 1] = 0x44;
		p[2 * psize + 2] = 0x45;
		ASSERT_EQ(0x43, p[0]);
		ASSERT_EQ(0x44, p[psize + 1]);
		ASSERT_EQ(0x45, p[2 * psize + 2]);
		_exit(0);
	}
	ASSERT_CHILD_OK(pid);
	ASSERT_EQ(0x42, p[0]);
	ASSERT_PATTERN(p + psize, 15 * psize, self->pat, self->size);

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char c;

		ASSERT_EQ(1, read(go[0], &c, 1));
		ASSERT_EQ(0x42, p[0]);
		ASSERT_PATTERN(p + psize, 15 * psize, self->pat, self->size);
		_exit(0);
	}
	p[0] = 0x46;
	p[psize + 3] = 0x47;
	p[3 * psize + 4] = 0x48;
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_CHILD_OK(pid);
	close(go[0]);
	close(go[1]);
}

TEST_F(refpage, mremap_move)
{
	char *p = self->map, *to, *q;

	p[0] = 0x21;
	read_fault(p + psize);
	to = mmap(NULL, 4 * self->len, PROT_NONE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, to);
	q = mremap(p, self->len, self->len, MREMAP_MAYMOVE | MREMAP_FIXED,
		   to + self->len);
	ASSERT_EQ(to + self->len, q);
	self->map = q;
	munmap(to, self->len);
	munmap(to + 2 * self->len, 2 * self->len);
	ASSERT_EQ(0x21, q[0]);
	ASSERT_PATTERN_AT(q, 1, self->len, self->pat, self->size);
	q[5 * psize] = 0x22;
	ASSERT_PATTERN(q + 6 * psize, 10 * psize, self->pat, self->size);

	/* Part of the mapping: splits it */
	to = mremap(q + 8 * psize, 4 * psize, 4 * psize, MREMAP_MAYMOVE |
		    MREMAP_FIXED, q + 16 * psize + 4 * psize);
	ASSERT_NE(MAP_FAILED, to);
	ASSERT_PATTERN(to, 4 * psize, self->pat, self->size);
	to[0] = 0x23;
	ASSERT_PATTERN(to + psize, 3 * psize, self->pat, self->size);
	munmap(to, 4 * psize);
}

TEST_F(refpage, mremap_grow)
{
	char *p = self->map, *q;

	p[0] = 0x31;
	read_fault(p + psize);
	q = mremap(p, self->len, 4 * self->len, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	self->map = q;
	self->len *= 4;
	ASSERT_EQ(0x31, q[0]);
	ASSERT_PATTERN(q + psize, self->len - psize, self->pat, self->size);
	q[self->len - 1] = 0x32;
	ASSERT_PATTERN(q + psize, self->len - 2 * psize, self->pat, self->size);

	q = mremap(q, self->len, 2 * psize, 0);
	ASSERT_EQ(self->map, q);
	self->len = 2 * psize;
	ASSERT_EQ(0x31, q[0]);
	ASSERT_PATTERN(q + psize, psize, self->pat, self->size);
}

TEST_F(refpage, mprotect_keeps_contents)
{
	char *p = self->map;

	p[0] = 0x51;
	read_fault(p + psize);
	ASSERT_EQ(0, mprotect(p, self->len, PROT_READ));
	ASSERT_EQ(0x51, p[0]);
	ASSERT_PATTERN(p + psize, 15 * psize, self->pat, self->size);
	ASSERT_EQ(0, mprotect(p, self->len, PROT_NONE));
	ASSERT_EQ(0, mprotect(p, self->len, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0x51, p[0]);
	p[psize + 7] = 0x52;
	ASSERT_EQ(0x52, p[psize + 7]);
	ASSERT_PATTERN(p + psize, 7, self->pat, self->size);
	ASSERT_PATTERN(p + 2 * psize, 14 * psize, self->pat, self->size);
	ASSERT_EQ(2 * psize / 1024, smaps_kb(p, "Rss"));

	/* Half of it: splits the VMA */
	ASSERT_EQ(0, mprotect(p + 8 * psize, 8 * psize, PROT_READ));
	ASSERT_PATTERN(p + 8 * psize, 8 * psize, self->pat, self->size);
	p[4 * psize] = 0x53;
	ASSERT_PATTERN_AT(p + 4 * psize, 1, psize, self->pat, self->size);
}

TEST_F(refpage, partial_munmap)
{
	char *p = self->map;

	p[0] = 0x61;
	p[12 * psize] = 0x62;
	read_fault(p + 5 * psize);
	ASSERT_EQ(0, munmap(p + 4 * psize, 4 * psize));
	ASSERT_EQ(0x61, p[0]);
	ASSERT_EQ(0x62, p[12 * psize]);
	ASSERT_PATTERN(p + psize, 3 * psize, self->pat, self->size);
	ASSERT_PATTERN(p + 8 * psize, 4 * psize, self->pat, self->size);
	p[9 * psize] = 0x63;
	ASSERT_PATTERN(p + 13 * psize, 3 * psize, self->pat, self->size);
	ASSERT_EQ(0, munmap(p + psize, psize));
	ASSERT_EQ(0x61, p[0]);
	ASSERT_PATTERN(p + 2 * psize, 2 * psize, self->pat, self->size);
}

TEST_F(refpage, mlock)
{
	__u64 ref = refpage_pfn(self->map);
	char *ro;

	ro = mmap(NULL, 8 * psize, PROT_READ, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, mlock(ro, 8 * psize));
	ASSERT_EQ(ref, pagemap_pfn(ro + 7 * psize));
	ASSERT_EQ(0, smaps_kb(ro, "Rss"));
	ASSERT_PATTERN(ro, 8 * psize, self->pat, self->size);
	ASSERT_EQ(0, munlock(ro, 8 * psize));
	munmap(ro, 8 * psize);

	/* Locking a writable private mapping breaks COW up front */
	ASSERT_EQ(0, mlock(self->map, 8 * psize));
	ASSERT_EQ(8 * psize / 1024, smaps_kb(self->map, "Rss"));
	ASSERT_PATTERN(self->map, self->len, self->pat, self->size);
	self->map[3] = 0x71;
	ASSERT_EQ(0, munlock(self->map, 8 * psize));
	ASSERT_EQ(0x71, self->map[3]);
}

TEST_F(refpage, map_populate)
{
	__u64 ref = refpage_pfn(self->map);
	char *m;

	m = mmap(NULL, 8 * psize, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(ref, pagemap_pfn(m + 7 * psize));
	ASSERT_EQ(0, smaps_kb(m, "Rss"));
	ASSERT_PATTERN(m, 8 * psize, self->pat, self->size);
	munmap(m, 8 * psize);

	m = mmap(NULL, 8 * psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_POPULATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(8 * psize / 1024, smaps_kb(m, "Rss"));
	ASSERT_PATTERN(m, 8 * psize, self->pat, self->size);
	munmap(m, 8 * psize);
}

TEST_F(refpage, madv_populate)
{
	__u64 ref = refpage_pfn(self->map + 15 * psize);
	char *p = self->map;

	ASSERT_EQ(0, madvise(p, 8 * psize, MADV_POPULATE_READ));
	ASSERT_EQ(ref, pagemap_pfn(p + 7 * psize));
	ASSERT_EQ(0, smaps_kb(p, "Rss"));
	ASSERT_EQ(0, madvise(p, 8 * psize, MADV_POPULATE_WRITE));
	ASSERT_EQ(8 * psize / 1024, smaps_kb(p, "Rss"));
	ASSERT_NE(ref, pagemap_pfn(p + 7 * psize));
	ASSERT_PATTERN(p, self->len, self->pat, self->size);
}

/* A zram disk of its own, /dev/zramN, hot-added for a test (it lives in memory) */
struct zram {
	int id;
	char dev[32];
};

static int zram_add(struct zram *z)
{
	unsigned long id;
	char path[64];

	z->id = -1;
	if (read_ulong("/sys/class/zram-control/hot_add", &id))
		return -1;
	z->id = id;
	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", z->id);
	snprintf(z->dev, sizeof(z->dev), "/dev/zram%d", z->id);
	return write_str(path, "4M");
}

static void zram_remove(struct zram *z)
{
	write_ulong("/sys/class/zram-control/hot_remove", z->id);
}

TEST_F(refpage, gup_reads_see_pattern)
{
	char *p = self->map, *buf;
	struct iovec local, remote;
	struct zram zram;
	int pfd[2], fd;

	buf = malloc(2 * psize);
	ASSERT_NE(NULL, buf);

	/* write(2) from the mapping */
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(psize, write(pfd[1], p + psize, psize));
	ASSERT_EQ(psize, read(pfd[0], buf, psize));
	ASSERT_PATTERN(buf, psize, self->pat, self->size);

	/* vmsplice(2) pins the pages */
	local.iov_base = p + 2 * psize;
	local.iov_len = psize;
	ASSERT_EQ(psize, vmsplice(pfd[1], &local, 1, 0));
	ASSERT_EQ(psize, read(pfd[0], buf, psize));
	ASSERT_PATTERN(buf, psize, self->pat, self->size);
	close(pfd[0]);
	close(pfd[1]);

	/* process_vm_readv(2) */
	memset(buf, 0, 2 * psize);
	local.iov_base = buf;
	local.iov_len = 2 * psize;
	remote.iov_base = p + 3 * psize;
	remote.iov_len = 2 * psize;
	ASSERT_EQ(2 * psize, process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	ASSERT_PATTERN(buf, 2 * psize, self->pat, self->size);

	/* /proc/self/mem */
	fd = open("/proc/self/mem", O_RDONLY);
	ASSERT_LE(0, fd);
	memset(buf, 0, psize);
	ASSERT_EQ(psize, pread(fd, buf, psize, (uintptr_t)(p + 6 * psize)));
	ASSERT_PATTERN(buf, psize, self->pat, self->size);
	close(fd);

	/* O_DIRECT write to a block device: the block layer pins the pages */
	ASSERT_EQ(0, zram_add(&zram)) TH_LOG("no zram disk: CONFIG_ZRAM");
	fd = open(zram.dev, O_RDWR | O_DIRECT);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", zram.dev, strerror(errno));
	ASSERT_EQ(2 * psize, pwrite(fd, p + 8 * psize, 2 * psize, 0));
	close(fd);
	fd = open(zram.dev, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2 * psize, pread(fd, buf, 2 * psize, 0));
	ASSERT_PATTERN(buf, 2 * psize, self->pat, self->size)
		TH_LOG("O_DIRECT from the mapping wrote something else");
	close(fd);
	zram_remove(&zram);

	ASSERT_EQ(0, smaps_kb(p, "Rss")) TH_LOG("a GUP read allocated memory");
	ASSERT_PATTERN(p, self->len, self->pat, self->size);
	free(buf);
}

TEST_F(refpage, gup_writes_copy)
{
	char *ro, *fresh, v = 0x5e;
	struct iovec local = { &v, 1 }, remote;
	int fd, status;
	pid_t pid;
	long word;

	ro = mmap(NULL, 4 * psize, PROT_READ, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, ro);
	read_fault(ro + psize);

	/* FOLL_FORCE through /proc/self/mem: untouched and read-faulted */
	fd = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, pwrite(fd, &v, 1, (uintptr_t)ro));
	ASSERT_EQ(1, pwrite(fd, &v, 1, (uintptr_t)(ro + psize + 1)));
	close(fd);
	ASSERT_EQ(v, ro[0]);
	ASSERT_EQ(v, ro[psize + 1]);
	ASSERT_PATTERN_AT(ro, 1, psize, self->pat, self->size);
	ASSERT_PATTERN_AT(ro, psize + 2, 2 * psize, self->pat, self->size);

	/* process_vm_writev(2) into the writable mapping */
	remote.iov_base = self->map + 2 * psize;
	remote.iov_len = 1;
	read_fault(self->map + 3 * psize);
	ASSERT_EQ(1, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	remote.iov_base = self->map + 3 * psize;
	ASSERT_EQ(1, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	ASSERT_EQ(v, self->map[2 * psize]);
	ASSERT_EQ(v, self->map[3 * psize]);

	/* PTRACE_POKEDATA (FOLL_FORCE) into a stopped child's mapping */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		ASSERT_EQ(v, ro[2 * psize]);
		ASSERT_PATTERN_AT(ro + 2 * psize, 1, psize, self->pat,
				  self->size);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status));
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, ro + 2 * psize, 0);
	ASSERT_EQ(0, errno);
	memcpy(&word, &v, 1);
	ASSERT_EQ(0, ptrace(PTRACE_POKEDATA, pid, ro + 2 * psize, word));
	ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
	ASSERT_CHILD_OK(pid);

	/* None of it reached the reference page */
	fresh = mmap(NULL, 4 * psize, PROT_READ, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, fresh);
	ASSERT_PATTERN(fresh, 4 * psize, self->pat, self->size);
	ASSERT_PATTERN(ro + 2 * psize, 2 * psize, self->pat, self->size)
		TH_LOG("the child's write reached the parent");
	munmap(fresh, 4 * psize);
	munmap(ro, 4 * psize);
}

TEST_F(refpage, mapping_outlives_fd)
{
	char *p = self->map;

	p[0] = 0x61;
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(0x61, p[0]);
	ASSERT_PATTERN(p + psize, 15 * psize, self->pat, self->size);
	p[4 * psize] = 0x62;
	ASSERT_PATTERN(p + 5 * psize, 11 * psize, self->pat, self->size);
	p = mremap(p, self->len, 2 * self->len, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, p);
	self->map = p;
	self->len *= 2;
	ASSERT_PATTERN(p + 16 * psize, 16 * psize, self->pat, self->size);
	ASSERT_EQ(0, madvise(p, self->len, MADV_DONTNEED));
	ASSERT_PATTERN(p, self->len, self->pat, self->size);
}

TEST(fd_is_cloexec)
{
	unsigned char c = 1;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_create(&c, 1, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

TEST(flags_nonzero_einval)
{
	unsigned long flags[] = { 1, 2, 0x80, 1UL << 31, ~0UL };
	unsigned char pat[16] = { 1 };
	unsigned int i;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	for (i = 0; i < ARRAY_SIZE(flags); i++)
		ASSERT_FAILS_WITH(EINVAL, refpage_create(pat, 16, flags[i]));
}

TEST(size_zero_einval)
{
	unsigned char pat[16] = { 1 };

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_FAILS_WITH(EINVAL, refpage_create(pat, 0, 0));
	ASSERT_FAILS_WITH(EINVAL, refpage_create(NULL, 0, 0));
}

/* Every size in sizes[] is refused with EINVAL, whatever the content */
static void sizes_einval(struct __test_metadata *_metadata,
			 const unsigned int *sizes, unsigned int count)
{
	unsigned char *pat = calloc(4, psize);
	unsigned int i;

	ASSERT_NE(NULL, pat);
	for (i = 0; i < count; i++)
		ASSERT_FAILS_WITH(EINVAL, refpage_create(pat, sizes[i], 0))
			TH_LOG("size %u", sizes[i]);
	free(pat);
}

TEST(size_not_power_of_two_einval)
{
	unsigned int sizes[] = { 3, 5, 6, 7, 12, 24, 100, 1000,
				 psize - 1, psize + 1, psize / 2 * 3 };

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	sizes_einval(_metadata, sizes, ARRAY_SIZE(sizes));
}

TEST(size_above_page_einval)
{
	unsigned int sizes[] = { 2 * psize, 4 * psize, 1U << 20, 1U << 31,
				 UINT_MAX };

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	sizes_einval(_metadata, sizes, ARRAY_SIZE(sizes));
}

TEST(content_unreadable_efault)
{
	char *two, *none;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	two = mmap(NULL, 2 * psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, two);
	memset(two, 0x3c, psize);
	ASSERT_EQ(0, munmap(two + psize, psize));
	none = mmap(NULL, psize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);

	ASSERT_FAILS_WITH(EFAULT, refpage_create(NULL, 8, 0));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(two + psize, 8, 0));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(two + psize - 8, 16, 0));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(two + psize - 1, psize, 0));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(none, 16, 0));
	ASSERT_FAILS_WITH(EFAULT, refpage_create((void *)-4096L, 16, 0));
	ASSERT_FAILS_WITH(EFAULT, refpage_create((void *)(1UL << 47), 16, 0));
	munmap(two, psize);
	munmap(none, psize);
}

TEST(map_shared_einval)
{
	int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
			PROT_WRITE };
	unsigned char pat[16] = { 1 };
	unsigned int i;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_create(pat, 16, 0);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(prots); i++) {
		ASSERT_FAILS_WITH(EINVAL, mmap(NULL, psize, prots[i],
					       MAP_SHARED, fd, 0));
		ASSERT_FAILS_WITH(EINVAL, mmap(NULL, psize, prots[i],
					       MAP_SHARED_VALIDATE, fd, 0));
	}
	close(fd);
}

/*
 * As for any file whose ->mmap refuses: MAP_FIXED has already unmapped what
 * was there, and the range is left a hole (the man page's NOTES say so).
 */
TEST(map_shared_fixed_einval_leaves_a_hole)
{
	unsigned char pat[16] = { 1 }, vec;
	char *p;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_create(pat, 16, 0);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 3 * psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x11, 3 * psize);
	ASSERT_FAILS_WITH(EINVAL, mmap(p + psize, psize, PROT_READ,
				       MAP_SHARED | MAP_FIXED, fd, 0));
	ASSERT_FAILS_WITH(ENOMEM, mincore(p + psize, psize, &vec));
	ASSERT_EQ(0x11, p[0]);
	ASSERT_EQ(0x11, p[2 * psize]);
	ASSERT_EQ(0, munmap(p, 3 * psize));
	close(fd);
}

TEST(emfile)
{
	unsigned char pat[16] = { 1 };
	struct rlimit old, low;
	int i, spare;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	spare = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, spare);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	low = old;
	low.rlim_cur = spare + 1;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	for (i = 0; i < 100; i++)
		ASSERT_FAILS_WITH(EMFILE, refpage_create(pat, 16, 0));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	close(spare);
}

/* Drops CAP_SYS_ADMIN, which lifts fs.file-max */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(__NR_capget, &hdr, data))
		return -1;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	return syscall(__NR_capset, &hdr, data);
}

/*
 * With no file to be had, creation fails with ENFILE and frees what it took:
 * thousands of failures leave free memory and the cgroup's usage where they
 * were.  file-max is written through a descriptor opened before, since no
 * open() succeeds below it without CAP_SYS_ADMIN.
 */
TEST(enfile)
{
	const char *max = "/proc/sys/fs/file-max";
	unsigned char pat[16] = { 1 };
	unsigned long old;
	struct memcg cg;
	int code, i, n = 4096;
	pid_t pid;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_EQ(0, read_ulong(max, &old));
	ASSERT_EQ(0, memcg_make(&cg, "refpage-enfile"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long start, free_before, lost, grew;
		char buf[32];
		int fd = open(max, O_WRONLY);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, memcg_enter(&cg));
		ASSERT_EQ(0, drop_sys_admin());
		start = memcg_current(&cg);
		free_before = mem_free();
		ASSERT_LT(0, start);
		/* 0: the approximate count never passes for below it */
		ASSERT_EQ(2, pwrite(fd, "0\n", 2, 0));
		for (i = 0; i < n; i++)
			if (refpage_create(pat, 16, 0) != -1 || errno != ENFILE)
				break;
		snprintf(buf, sizeof(buf), "%lu\n", old);
		ASSERT_LT(0, pwrite(fd, buf, strlen(buf), 0));
		ASSERT_EQ(n, i) TH_LOG("call %d did not fail with ENFILE: %s", i, strerror(errno));
		lost = free_before - mem_free();
		grew = memcg_current(&cg) - start;
		TH_LOG("%d failures: %ld bytes less free memory, %ld more charged", n, lost, grew);
		ASSERT_GT(n / 2 * psize, lost)
			TH_LOG("%d calls failing with ENFILE leaked free memory", n);
		ASSERT_GT(n / 8 * psize, grew)
			TH_LOG("%d calls failing with ENFILE left memory charged", n);
		_exit(0);
	}
	pid = wait_exit(pid, &code);
	ASSERT_EQ(0, write_ulong(max, old));
	memcg_remove(&cg);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, code);
}

/*
 * In a memory cgroup with no room left, creation fails with ENOMEM, and soon:
 * each create charges its page.  A file, a dentry and a struct refpage are
 * charged too, but only a few hundred bytes, so ENOMEM long after 16 pages'
 * worth of creates (and the up to 64 pages the per-CPU charge stock may hold
 * already) means the page was not charged.
 */
#define ENOMEM_BOUND (16 + 64 + 8)
TEST(enomem_in_memcg)
{
	unsigned char pat[16] = { 1 };
	struct memcg cg;
	int code, i, fd = 0;
	long cur;
	pid_t pid;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_EQ(0, memcg_make(&cg, "refpage-enomem"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ASSERT_EQ(0, memcg_enter(&cg));
		/* No victim for the memcg OOM killer: the charge must fail */
		ASSERT_EQ(0, write_str("/proc/self/oom_score_adj", "-1000"));
		/*
		 * Resident for good: a page of ours reclaimed by other memory pressure (seen under
		 * `boot --parallel`) would fault back in against the full memcg, find no victim and
		 * retry that fault forever, instead of the create failing with ENOMEM.
		 */
		ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
		cur = memcg_current(&cg);
		ASSERT_LT(0, cur);
		ASSERT_EQ(0, memcg_set_max(&cg, cur + 16 * psize));
		for (i = 0; i < 1024 && fd >= 0; i++)
			fd = refpage_create(pat, 16, 0);
		ASSERT_EQ(-1, fd) TH_LOG("%d refpages within 16 pages", i);
		ASSERT_EQ(ENOMEM, errno);
		ASSERT_GE(ENOMEM_BOUND, i)
			TH_LOG("ENOMEM only after %d creates within 16 pages: %s",
			       i, "their pages are not charged");
		_exit(0);
	}
	ASSERT_EQ(pid, wait_exit(pid, &code));
	memcg_remove(&cg);
	ASSERT_EQ(0, code);
}

TEST(pattern_sizes)
{
	unsigned char *pat = malloc(psize);
	unsigned int size;
	char *m;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	for (size = 1; size <= psize; size *= 2) {
		pattern_fill(pat, size, PATTERN_DISTINCT, size);
		fd = refpage_map(pat, size, 2 * psize, PROT_READ | PROT_WRITE,
				 (void **)&m);
		ASSERT_LE(0, fd) TH_LOG("size %u: %s", size, strerror(errno));
		ASSERT_NE(MAP_FAILED, m);
		ASSERT_PATTERN(m, 2 * psize, pat, size) TH_LOG("size %u", size);
		m[psize + 1] = ~m[psize + 1];
		ASSERT_PATTERN_AT(m + psize, 2, psize, pat, size)
			TH_LOG("size %u, after a write", size);
		munmap(m, 2 * psize);
		close(fd);
	}
	free(pat);
}

TEST(unaligned_content)
{
	unsigned int offsets[] = { 1, 3, 7, 9, 4093 % psize, psize - 5 };
	unsigned int sizes[] = { 2, 4, 16, 8, 8, 16 };
	char *buf, *m;
	unsigned int i;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	buf = mmap(NULL, 2 * psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	pattern_fill((unsigned char *)buf, 2 * psize, PATTERN_DISTINCT, 3);
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		fd = refpage_map(buf + offsets[i], sizes[i], psize, PROT_READ,
				 (void **)&m);
		ASSERT_LE(0, fd) TH_LOG("content at +%u", offsets[i]);
		ASSERT_PATTERN(m, psize, buf + offsets[i], sizes[i]);
		munmap(m, psize);
		close(fd);
	}
	munmap(buf, 2 * psize);
}

/* The content may itself be an untouched refpage mapping */
TEST(content_from_refpage_mapping)
{
	unsigned char pat[8] = "refpage";
	char *first, *second;
	int fd1, fd2;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd1 = refpage_map(pat, 8, psize, PROT_READ, (void **)&first);
	ASSERT_NE(MAP_FAILED, first);
	fd2 = refpage_map(first + 3, 4, psize, PROT_READ, (void **)&second);
	ASSERT_LE(0, fd2);
	ASSERT_PATTERN(second, psize, pat + 3, 4);
	munmap(first, psize);
	munmap(second, psize);
	close(fd1);
	close(fd2);
}

TEST(mmap_offsets)
{
	unsigned char pat[4] = { 9, 8, 7, 6 };
	char *m;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_create(pat, 4, 0);
	ASSERT_LE(0, fd);
	m = mmap(NULL, psize, PROT_READ, MAP_PRIVATE, fd, 1UL << 40);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_PATTERN(m, psize, pat, 4);
	munmap(m, psize);
	ASSERT_FAILS_WITH(EINVAL, mmap(NULL, psize, PROT_READ, MAP_PRIVATE,
				       fd, 7));
	close(fd);
}

/* Two descriptors with different patterns, mapped next to each other */
TEST(neighbours_keep_their_patterns)
{
	unsigned char a[2] = { 0xaa, 0xab }, b[2] = { 0xbb, 0xbc };
	int fda, fdb;
	char *m;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fda = refpage_create(a, 2, 0);
	fdb = refpage_create(b, 2, 0);
	ASSERT_LE(0, fda);
	ASSERT_LE(0, fdb);
	m = mmap(NULL, 8 * psize, PROT_READ, MAP_PRIVATE, fda, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(m + 4 * psize, mmap(m + 4 * psize, 4 * psize, PROT_READ,
				      MAP_PRIVATE | MAP_FIXED, fdb, 4 * psize));
	ASSERT_EQ(0, mprotect(m, 8 * psize, PROT_READ | PROT_WRITE));
	ASSERT_PATTERN(m, 4 * psize, a, 2);
	ASSERT_PATTERN(m + 4 * psize, 4 * psize, b, 2);
	ASSERT_EQ(4 * psize / 1024, smaps_kb(m, "Size"));
	munmap(m, 8 * psize);
	close(fda);
	close(fdb);
}

/*
 * Written pages of a refpage mapping are anonymous pages: they go out to swap
 * and come back with their stores, while the untouched pages between them
 * still read the pattern and never leave (the reference page is not on an LRU).
 */
TEST(written_pages_swap_out_and_back)
{
	unsigned char pat[64];
	size_t len = 8 * psize;
	char *m;
	int fd, i;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	if (!swap_enabled())
		SKIP(return, "no swap (the guest's init turns on swap on zram0: CONFIG_ZRAM)");
	pattern_fill(pat, sizeof(pat), PATTERN_DISTINCT, 7);
	fd = refpage_map(pat, sizeof(pat), len, PROT_READ | PROT_WRITE, (void **)&m);
	ASSERT_LE(0, fd);
	ASSERT_NE(MAP_FAILED, m);
	stay_on_this_cpu();
	for (i = 0; i < 8; i += 2)
		m[i * psize + i] = 0x5a;
	read_fault(m + psize);
	ASSERT_EQ(0, pageout(m, len, pagemap_swapped, m + 6 * psize));
	for (i = 0; i < 8; i += 2)
		ASSERT_TRUE(pagemap_swapped(m + i * psize))
			TH_LOG("MADV_PAGEOUT did not swap out written page %d", i);
	ASSERT_FALSE(pagemap_swapped(m + psize));
	for (i = 0; i < 8; i += 2) {
		ASSERT_EQ(0x5a, m[i * psize + i])
			TH_LOG("page %d came back from swap without its store", i);
		ASSERT_PATTERN(m + i * psize, i, pat, sizeof(pat));
		ASSERT_PATTERN_AT(m + i * psize, i + 1, psize, pat, sizeof(pat))
			TH_LOG("page %d came back from swap without the pattern", i);
	}
	for (i = 1; i < 8; i += 2)
		ASSERT_PATTERN(m + i * psize, psize, pat, sizeof(pat));
	munmap(m, len);
	close(fd);
}

/*
 * /proc/kpageflags: the reference page is no page of anyone's: not on an LRU,
 * not anonymous; a written page is an ordinary anonymous page.
 */
TEST(kpageflags)
{
	unsigned char pat[16];
	__u64 ref, flags;
	char *m;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	pattern_fill(pat, sizeof(pat), PATTERN_DISTINCT, 3);
	fd = refpage_map(pat, sizeof(pat), 2 * psize, PROT_READ | PROT_WRITE, (void **)&m);
	ASSERT_LE(0, fd);
	ASSERT_NE(MAP_FAILED, m);
	ref = refpage_pfn(m);
	ASSERT_TRUE(ref) TH_LOG("no PFN in /proc/self/pagemap (not root?)");
	flags = kpage_flags(ref);
	ASSERT_NE(~0ULL, flags) TH_LOG("no /proc/kpageflags");
	ASSERT_FALSE(flags & (1ULL << KPF_LRU)) TH_LOG("the reference page is on an LRU");
	ASSERT_FALSE(flags & (1ULL << KPF_ANON)) TH_LOG("the reference page is an anonymous page");
	m[psize + 1] = 0x42;
	flags = kpage_flags(pagemap_pfn(m + psize));
	ASSERT_TRUE(flags & (1ULL << KPF_ANON))
		TH_LOG("a written page is not anonymous (flags %#llx)",
		       (unsigned long long)flags);
	ASSERT_FALSE(flags & (1ULL << KPF_ZERO_PAGE));
	ASSERT_EQ(ref, pagemap_pfn(m));
	munmap(m, 2 * psize);
	close(fd);
}

TEST(coredump_shows_pattern)
{
	const char *cp = "/proc/sys/kernel/core_pattern";
	unsigned char pat[16] = "RefPageCoreDump";
	char dir[] = "/tmp/refpage-core.XXXXXX", path[64], old[256] = "";
	unsigned char blk[16];
	long blocks = 0;
	int code, fd;
	FILE *f;
	pid_t pid;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_NE(NULL, mkdtemp(dir));
	fd = open(cp, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, old, sizeof(old) - 1));
	close(fd);
	ASSERT_EQ(0, write_str(cp, "core"));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
		char *m;

		refpage_map(pat, 16, 8 * psize, PROT_READ | PROT_WRITE,
			    (void **)&m);
		if (m == MAP_FAILED || chdir(dir) || setrlimit(RLIMIT_CORE, &rl))
			_exit(1);
		m[0] = 1;
		read_fault(m + 3 * psize);
		abort();
	}
	pid = wait_exit(pid, &code);
	write_str(cp, old);
	ASSERT_LT(0, pid);
	ASSERT_EQ(128 + SIGABRT, code);
	snprintf(path, sizeof(path), "%s/core", dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f) TH_LOG("no core dump in %s", dir);
	while (fread(blk, sizeof(blk), 1, f) == 1)
		blocks += !memcmp(blk, pat, sizeof(blk));
	fclose(f);
	unlink(path);
	rmdir(dir);
	ASSERT_LE(7 * psize / 16, blocks)
		TH_LOG("the dump holds %ld pattern blocks", blocks);
}

static int uffd_register(int ufd, void *addr, size_t len, __u64 mode)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = mode,
	};

	return ioctl(ufd, UFFDIO_REGISTER, &reg);
}

static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int ufd = syscall(__NR_userfaultfd,
			  O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);

	if (ufd < 0 || ioctl(ufd, UFFDIO_API, &api))
		return -1;
	return ufd;
}

TEST(userfaultfd_refused)
{
	unsigned char pat[4] = { 1, 2, 3, 4 };
	char *m, *anon;
	int ufd, fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ufd = uffd_open();
	ASSERT_LE(0, ufd) TH_LOG("userfaultfd: %s", strerror(errno));
	anon = mmap(NULL, 4 * psize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	ASSERT_EQ(0, uffd_register(ufd, anon, 4 * psize,
				   UFFDIO_REGISTER_MODE_MISSING));
	fd = refpage_map(pat, 4, 4 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_FAILS_WITH(EINVAL, uffd_register(ufd, m, 4 * psize,
						UFFDIO_REGISTER_MODE_MISSING));
	ASSERT_FAILS_WITH(EINVAL, uffd_register(ufd, m, 4 * psize,
						UFFDIO_REGISTER_MODE_MISSING |
						UFFDIO_REGISTER_MODE_WP));
	ASSERT_PATTERN(m, 4 * psize, pat, 4);
	/* Write-protection alone replaces no contents: as for anonymous memory */
	if (!uffd_register(ufd, anon, 4 * psize, UFFDIO_REGISTER_MODE_WP))
		ASSERT_EQ(0, uffd_register(ufd, m, 4 * psize,
					   UFFDIO_REGISTER_MODE_WP));
	ASSERT_PATTERN(m, 4 * psize, pat, 4);
	munmap(m, 4 * psize);
	munmap(anon, 4 * psize);
	close(fd);
	close(ufd);
}

static unsigned long pmd_size(void)
{
	unsigned long size = 0;

	read_ulong("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &size);
	return size;
}

/* A @len-aligned range of @len bytes of @fd (or anonymous) */
static char *map_aligned(int fd, size_t len)
{
	int flags = MAP_PRIVATE | MAP_NORESERVE | (fd < 0 ? MAP_ANONYMOUS : 0);
	char *m = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE, flags, fd, 0);
	char *a;

	if (m == MAP_FAILED)
		return m;
	a = (char *)(((uintptr_t)m + len - 1) & ~(len - 1));
	if (a > m)
		munmap(m, a - m);
	munmap(a + len, m + len - a);
	return a;
}

TEST(no_transparent_huge_pages)
{
	unsigned long pmd = pmd_size();
	unsigned char pat[16];
	char *m, *anon;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_TRUE(pmd) TH_LOG("no THP in this kernel");
	pattern_fill(pat, 16, PATTERN_DISTINCT, 7);
	fd = refpage_create(pat, 16, 0);
	ASSERT_LE(0, fd);
	m = map_aligned(fd, pmd);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, madvise(m, pmd, MADV_HUGEPAGE));
	ASSERT_EQ(0, smaps_kb(m, "THPeligible"));
	read_fault(m + pmd / 2);
	m[0] = 1;
	ASSERT_EQ(psize / 1024, smaps_kb(m, "Rss"));
	ASSERT_EQ(0, smaps_kb(m, "AnonHugePages"));
	ASSERT_FAILS_WITH(EINVAL, madvise(m, pmd, MADV_COLLAPSE));
	ASSERT_EQ(-1, pattern_mismatch_sampled(m + psize, pmd - psize, pat, 16));
	munmap(m, pmd);
	close(fd);

	/* The same on anonymous memory does give a huge page */
	if (pmd > (32UL << 20)) {
		TH_LOG("%lu MB huge pages: no room for the anonymous control",
		       pmd >> 20);
		return;
	}
	anon = map_aligned(-1, pmd);
	ASSERT_NE(MAP_FAILED, anon);
	ASSERT_EQ(0, madvise(anon, pmd, MADV_HUGEPAGE));
	anon[0] = 1;
	ASSERT_EQ(0, madvise(anon, pmd, MADV_COLLAPSE));
	ASSERT_EQ((long)pmd / 1024, smaps_kb(anon, "AnonHugePages"));
	munmap(anon, pmd);
}

#define KSM "/sys/kernel/mm/ksm/"

static unsigned long ksm_value(const char *name)
{
	char path[96];
	unsigned long val = 0;

	snprintf(path, sizeof(path), KSM "%s", name);
	read_ulong(path, &val);
	return val;
}

/* Runs ksmd until it has scanned everything twice and merged something */
static bool ksm_scan(void)
{
	unsigned long scans = ksm_value("full_scans");
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int i;

	write_ulong(KSM "pages_to_scan", 4096);
	write_ulong(KSM "sleep_millisecs", 0);
	write_ulong(KSM "run", 1);
	for (i = 0; i < 500; i++) {
		if (ksm_value("full_scans") >= scans + 2 &&
		    ksm_value("pages_sharing"))
			return true;
		nanosleep(&nap, NULL);
	}
	return false;
}

FIXTURE(ksm) {
	unsigned long sleep_ms, to_scan;
};

FIXTURE_SETUP(ksm)
{
	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_EQ(0, access(KSM "run", W_OK)) TH_LOG("no KSM in this kernel");
	self->sleep_ms = ksm_value("sleep_millisecs");
	self->to_scan = ksm_value("pages_to_scan");
}

/* Stops ksmd, which keeps what it merged, and puts its settings back */
static void ksm_stop(unsigned long sleep_ms, unsigned long to_scan)
{
	write_ulong(KSM "run", 0);
	write_ulong(KSM "sleep_millisecs", sleep_ms);
	write_ulong(KSM "pages_to_scan", to_scan);
}

FIXTURE_TEARDOWN(ksm)
{
	ksm_stop(self->sleep_ms, self->to_scan);
}

TEST_F(ksm, leaves_pattern)
{
	unsigned char pat[16];
	bool merged;
	char *m, *fresh;
	int fd, i;

	pattern_fill(pat, 16, PATTERN_DISTINCT, 11);
	fd = refpage_map(pat, 16, 32 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	for (i = 0; i < 8; i++)
		memset(m + i * psize, 0x5a, psize);
	for (i = 8; i < 16; i++)
		read_fault(m + i * psize);
	ASSERT_EQ(0, madvise(m, 32 * psize, MADV_MERGEABLE));
	merged = ksm_scan();
	/* Now: after a failed assertion the teardown does not run */
	ksm_stop(self->sleep_ms, self->to_scan);
	ASSERT_TRUE(merged) TH_LOG("ksmd merged nothing");

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0x5a, m[i * psize + 9]);
	ASSERT_PATTERN(m + 8 * psize, 24 * psize, pat, 16);
	m[3 * psize] = 1;
	ASSERT_EQ(0x5a, m[2 * psize]);
	ASSERT_EQ(1, m[3 * psize]);
	fresh = mmap(NULL, 4 * psize, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, fresh);
	ASSERT_PATTERN(fresh, 4 * psize, pat, 16);
	munmap(fresh, 4 * psize);
	munmap(m, 32 * psize);
	close(fd);
}

TEST_HARNESS_MAIN
