// SPDX-License-Identifier: GPL-2.0
/*
 * Reproducers of the refpage review-thread findings, one test per finding,
 * named after its id (RT-shared-write is rt_shared_write, ...).  Each fails
 * with a message of its own while its bug is in the kernel and passes on the
 * fixed series; run one with `refpage_rt -t rt_<id>`.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "refpage_util.h"

static unsigned char pat16[16] = "RT-refpage-pat!";

/*
 * RT-shared-write: a writable MAP_SHARED mapping must not be able to write
 * the reference page; mmap(MAP_SHARED) fails with EINVAL.
 */
TEST(rt_shared_write)
{
	char *shared, *fresh;
	int fd, err;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_create(pat16, 16, 0);
	ASSERT_LE(0, fd);
	shared = mmap(NULL, 2 * psize, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0);
	err = errno;
	if (shared != MAP_FAILED) {
		unsigned char c;

		try_load(shared, &c);
		try_store(shared + 3, 'X');
		try_store(shared + psize + 5, 'Y');
	}
	fresh = mmap(NULL, 2 * psize, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, fresh);
	ASSERT_PATTERN(fresh, 2 * psize, pat16, 16)
		TH_LOG("a store through MAP_SHARED changed the reference page");
	ASSERT_EQ(MAP_FAILED, shared)
		TH_LOG("mmap(MAP_SHARED, PROT_WRITE) of a refpage succeeded");
	ASSERT_EQ(EINVAL, err);
	munmap(fresh, 2 * psize);
	close(fd);
}

/* Enough pages that a leak of one per refpage beats memcg's charge batching */
#define NR_LEAK 512

/*
 * RT-refcount: read faults map the reference page without taking a page
 * reference or a map count per PTE; its /proc/kpagecount does not grow, and
 * the page is freed with its last user.
 */
TEST(rt_refcount)
{
	size_t n = 4096, i;
	__u64 pfn, before, after;
	struct memcg cg;
	char *m;
	int fd, code;
	pid_t pid;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_map(pat16, 16, n * psize, PROT_READ, (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	read_fault(m);
	pfn = pagemap_pfn(m);
	ASSERT_TRUE(pfn) TH_LOG("no PFN in /proc/self/pagemap (not root?)");
	before = kpage_mapcount(pfn);
	ASSERT_NE(~0ULL, before) TH_LOG("no /proc/kpagecount");
	for (i = 0; i < n; i++)
		read_fault(m + i * psize);
	after = kpage_mapcount(pfn);
	ASSERT_EQ(before, after)
		TH_LOG("%zu read faults took the reference page's count from %llu to %llu",
		       n, (unsigned long long)before, (unsigned long long)after);
	for (i = 0; i < n; i += 97)
		ASSERT_EQ(pfn, pagemap_pfn(m + i * psize))
			TH_LOG("page %zu is not the reference page", i);
	ASSERT_EQ(0, smaps_kb(m, "Rss"))
		TH_LOG("read-faulted reference pages count in RSS");

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i < n; i += 3)
			read_fault(m + i * psize);
		ASSERT_EQ(before, kpage_mapcount(pfn))
			TH_LOG("fork and faults in the child counted the reference page");
		_exit(0);
	}
	ASSERT_CHILD_OK(pid);
	munmap(m, n * psize);
	close(fd);

	/* A reference taken per fault would never be dropped: a leak */
	ASSERT_EQ(0, memcg_make(&cg, "rt_refcount"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long start, leaked;
		int k;

		ASSERT_EQ(0, memcg_enter(&cg));
		start = memcg_current(&cg);
		for (k = 0; k < NR_LEAK; k++) {
			fd = refpage_map(pat16, 16, 16 * psize, PROT_READ,
					 (void **)&m);
			ASSERT_NE(MAP_FAILED, m);
			for (i = 0; i < 16; i++)
				read_fault(m + i * psize);
			munmap(m, 16 * psize);
			close(fd);
		}
		/* A VMA, and its hold on the refpage, is freed after an RCU grace period */
		for (k = 0; k < 200; k++) {
			leaked = memcg_current(&cg) - start;
			if (leaked < NR_LEAK / 2 * psize)
				break;
			usleep(10000);
		}
		ASSERT_GT(NR_LEAK / 2 * psize, leaked)
			TH_LOG("%d mapped and closed refpages left %ld bytes charged",
			       NR_LEAK, leaked);
		_exit(0);
	}
	ASSERT_EQ(pid, wait_exit(pid, &code));
	memcg_remove(&cg);
	ASSERT_EQ(0, code);
}

/*
 * RT-vma-merge: a refpage VMA never merges with a neighbouring anonymous VMA,
 * whichever side it is on, and each keeps its contents.  The refpage is
 * mapped at the file offset equal to its address, the page offset an
 * anonymous VMA there would have, so that only the file tells them apart.
 */
TEST(rt_vma_merge)
{
	char *area, *ref, *anon;
	int fd, side;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_create(pat16, 16, 0);
	ASSERT_LE(0, fd);
	for (side = 0; side < 2; side++) {
		/* Between two PROT_NONE guard pages, so nothing else merges */
		area = mmap(NULL, 6 * psize, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, area);
		area += psize;
		anon = area + (side ? 2 * psize : 0);
		ref = area + (side ? 0 : 2 * psize);
		ASSERT_EQ(anon, mmap(anon, 2 * psize, PROT_READ,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				     -1, 0));
		ASSERT_EQ(ref, mmap(ref, 2 * psize, PROT_READ,
				    MAP_PRIVATE | MAP_FIXED, fd, (off_t)ref));
		ASSERT_EQ(0, mprotect(area, 4 * psize, PROT_READ | PROT_WRITE));
		ASSERT_EQ(0, mprotect(area, 4 * psize, PROT_READ));
		ASSERT_EQ(0, mprotect(area, 4 * psize, PROT_READ | PROT_WRITE));

		ASSERT_EQ(2 * psize / 1024, smaps_kb(anon, "Size"))
			TH_LOG("the anonymous VMA merged with the refpage VMA %s it",
			       side ? "before" : "after");
		ASSERT_EQ(2 * psize / 1024, smaps_kb(ref, "Size"));
		anon[0] = 1;
		ref[1] = 2;
		ASSERT_EQ(0, anon[psize + 9])
			TH_LOG("anonymous memory reads the pattern");
		ASSERT_PATTERN_AT(ref, 2, 2 * psize, pat16, 16)
			TH_LOG("the refpage side lost its pattern");
		ASSERT_EQ(0, madvise(area, 4 * psize, MADV_DONTNEED));
		ASSERT_EQ(0, anon[0]);
		ASSERT_PATTERN(ref, 2 * psize, pat16, 16)
			TH_LOG("the refpage side lost its pattern");
		munmap(area - psize, 6 * psize);
	}
	close(fd);
}

#define NR_ACCOUNTED 1024

/*
 * RT-gfp-account: the reference page is charged to the caller's memory
 * cgroup, and a full cgroup makes refpage_create() fail with ENOMEM.
 */
TEST(rt_gfp_account)
{
	static int fds[NR_ACCOUNTED + 256];
	struct rlimit rl = { 8 * NR_ACCOUNTED, 8 * NR_ACCOUNTED };
	struct memcg cg;
	int code, i;
	pid_t pid;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_EQ(0, memcg_make(&cg, "rt_gfp_account"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long start, grew;

		memset(fds, 0xff, sizeof(fds));
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
		/* Grow the descriptor table now, not under the limit */
		ASSERT_LE(0, dup2(0, 6 * NR_ACCOUNTED));
		close(6 * NR_ACCOUNTED);
		/* No victim for the memcg OOM killer: the charge must fail */
		ASSERT_EQ(0, write_str("/proc/self/oom_score_adj", "-1000"));
		ASSERT_EQ(0, memcg_enter(&cg));

		start = memcg_current(&cg);
		for (i = 0; i < NR_ACCOUNTED; i++) {
			fds[i] = refpage_create(pat16, 16, 0);
			ASSERT_LE(0, fds[i]) TH_LOG("refpage %d: %s", i, strerror(errno));
		}
		grew = memcg_current(&cg) - start;
		ASSERT_LE(NR_ACCOUNTED * psize * 3 / 4, grew)
			TH_LOG("%d refpages charged %ld bytes: not their pages",
			       NR_ACCOUNTED, grew);

		ASSERT_EQ(0, memcg_set_max(&cg, memcg_current(&cg) + 32 * psize));
		for (; i < NR_ACCOUNTED + 256; i++) {
			fds[i] = refpage_create(pat16, 16, 0);
			if (fds[i] < 0)
				break;
		}
		ASSERT_GT(NR_ACCOUNTED + 256, i)
			TH_LOG("%d refpages created with 32 pages left below memory.max",
			       i - NR_ACCOUNTED);
		ASSERT_EQ(ENOMEM, errno);
		for (i = 0; i < NR_ACCOUNTED + 256 && fds[i] >= 0; i++)
			close(fds[i]);
		_exit(0);
	}
	ASSERT_EQ(pid, wait_exit(pid, &code));
	memcg_remove(&cg);
	ASSERT_EQ(0, code);
}

/*
 * RT-content-copy: the content is copied with copy_from_user(): any
 * alignment works, unreadable bytes give EFAULT, and on arm64 the content's
 * MTE tags go along.
 */
TEST(rt_content_copy)
{
	char *buf, *m;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	buf = mmap(NULL, 3 * psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	pattern_fill((unsigned char *)buf, 2 * psize, PATTERN_DISTINCT, 5);

	fd = refpage_map(buf + 3, 4, psize, PROT_READ, (void **)&m);
	ASSERT_LE(0, fd) TH_LOG("content at an odd address: %s", strerror(errno));
	ASSERT_PATTERN(m, psize, buf + 3, 4);
	munmap(m, psize);
	close(fd);

	fd = refpage_map(buf + psize - 8, 16, psize, PROT_READ, (void **)&m);
	ASSERT_LE(0, fd) TH_LOG("content across two pages: %s", strerror(errno));
	ASSERT_PATTERN(m, psize, buf + psize - 8, 16);
	munmap(m, psize);
	close(fd);

	/* Never written: the zero page, read-only */
	ASSERT_EQ(0, mprotect(buf + 2 * psize, psize, PROT_READ));
	fd = refpage_map(buf + 2 * psize + 32, 32, psize, PROT_READ, (void **)&m);
	ASSERT_LE(0, fd) TH_LOG("content in a read-only page: %s", strerror(errno));
	ASSERT_EQ(0, m[psize - 1]);
	munmap(m, psize);
	close(fd);

	ASSERT_EQ(0, munmap(buf + psize, psize));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(buf + psize - 8, 16, 0))
		TH_LOG("content running into an unmapped page");
	ASSERT_EQ(0, mprotect(buf, psize, PROT_NONE));
	ASSERT_FAILS_WITH(EFAULT, refpage_create(buf + 64, 16, 0))
		TH_LOG("PROT_NONE content");
	munmap(buf, psize);
	munmap(buf + 2 * psize, psize);

	if (!mte_available())
		return;
	ASSERT_EQ(0, mte_set_mode(PR_MTE_TCF_SYNC));
	buf = mmap(NULL, psize, PROT_READ | PROT_WRITE | PROT_MTE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	mte_set_tag(mte_tag_ptr(buf + 16, 7));
	fd = refpage_map(mte_tag_ptr(buf + 16, 7), 16, psize,
			 PROT_READ | PROT_MTE, (void **)&m);
	ASSERT_LE(0, fd);
	ASSERT_EQ(7, mte_get_tag(m + psize - 16))
		TH_LOG("the content's MTE tag was not copied");
	munmap(m, psize);
	munmap(buf, psize);
	close(fd);
}

/*
 * RT-page-size: the interface is not tied to 4K pages: every power-of-two
 * pattern up to the running kernel's PAGE_SIZE works, and no larger one.
 */
TEST(rt_page_size)
{
	unsigned char *pat = malloc(2 * psize);
	unsigned int size;
	char *m;
	int fd;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_NE(NULL, pat);
	TH_LOG("PAGE_SIZE is %ld", psize);
	for (size = 1; size <= psize; size *= 2) {
		pattern_fill(pat, size, PATTERN_DISTINCT, size);
		fd = refpage_map(pat, size, 2 * psize, PROT_READ | PROT_WRITE,
				 (void **)&m);
		ASSERT_LE(0, fd)
			TH_LOG("size %u refused with %ld-byte pages: %s", size,
			       psize, strerror(errno));
		ASSERT_PATTERN(m, 2 * psize, pat, size)
			TH_LOG("size %u, %ld-byte pages", size, psize);
		m[psize + psize / 2] ^= 0xff;
		ASSERT_PATTERN(m + psize, psize / 2, pat, size)
			TH_LOG("size %u: the copy on write", size);
		munmap(m, 2 * psize);
		close(fd);
	}
	ASSERT_FAILS_WITH(EINVAL, refpage_create(pat, 2 * psize, 0));
	free(pat);
}

/* Map, fault, fork, move, unmap refpage mappings: no page is mishandled */
static void churn(int rounds)
{
	size_t len = 32 * psize;
	char *m, *q;
	int fd, r, i, code;
	pid_t pid;

	for (r = 0; r < rounds; r++) {
		fd = refpage_map(pat16, 16, len, PROT_READ | PROT_WRITE,
				 (void **)&m);
		if (m == MAP_FAILED)
			_exit(10);
		for (i = 0; i < 32; i++)
			read_fault(m + i * psize);
		m[5 * psize] = 1;
		pid = fork();
		if (!pid) {
			if (m[5 * psize] != 1)
				_exit(11);
			m[6 * psize] = 2;
			munmap(m + 8 * psize, 8 * psize);
			madvise(m, 8 * psize, MADV_DONTNEED);
			_exit(0);
		}
		if (pid < 0 || wait_exit(pid, &code) != pid || code)
			_exit(12);
		q = mremap(m, len, 2 * len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			_exit(13);
		for (i = 32; i < 64; i += 3)
			read_fault(q + i * psize);
		if (q[5 * psize] != 1 ||
		    pattern_mismatch(q + 6 * psize, psize, pat16, 16) >= 0)
			_exit(14);
		madvise(q, len, MADV_DONTNEED);
		madvise(q, 2 * len, MADV_COLD);
		madvise(q, 2 * len, MADV_PAGEOUT);
		mprotect(q, len, PROT_READ);
		smaps_kb(q, "Rss");
		if (pattern_mismatch(q, 2 * len, pat16, 16) >= 0)
			_exit(15);
		munmap(q + 4 * psize, 4 * psize);
		close(fd);
		munmap(q, 2 * len);
	}
	_exit(0);
}

/*
 * RT-zeropage-refcount: the reference page is a special page like the zero
 * page; mm walks must never treat it as a normal one ("Bad page map", "Bad
 * rss-counter state", VM_WARN).  The harness checks the console as well.
 */
TEST(rt_zeropage_refcount)
{
	char line[512];
	const char *splat;
	int kmsg, code;
	pid_t pid;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	kmsg = kmsg_mark();
	ASSERT_LE(0, kmsg) TH_LOG("/dev/kmsg: %s", strerror(errno));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		churn(50);
	ASSERT_EQ(pid, wait_exit(pid, &code));
	splat = kmsg_splat(kmsg, line, sizeof(line));
	ASSERT_EQ(NULL, splat) TH_LOG("the kernel reported: %s", splat);
	ASSERT_EQ(0, code);
}

/*
 * RT-error-path: refpage_create() failing with EMFILE frees what it
 * allocated: thousands of failures leave free memory, and the memory cgroup's
 * usage, where they were.
 */
TEST(rt_error_path)
{
	int n = 4096, code;
	struct memcg cg;
	pid_t pid;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_EQ(0, memcg_make(&cg, "rt_error_path"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long start, grew, free_before, lost;
		struct rlimit old, low;
		int i, spare;

		ASSERT_EQ(0, memcg_enter(&cg));
		spare = open("/dev/null", O_RDONLY);
		ASSERT_LE(0, spare);
		ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
		low = old;
		low.rlim_cur = spare + 1;

		/* Measured with descriptors to spare: the files must open */
		start = memcg_current(&cg);
		free_before = mem_free();
		ASSERT_LT(0, start);
		ASSERT_LT(0, free_before);
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
		for (i = 0; i < n; i++)
			ASSERT_FAILS_WITH(EMFILE, refpage_create(pat16, 16, 0));
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
		lost = free_before - mem_free();
		grew = memcg_current(&cg) - start;
		TH_LOG("%d failures: %ld bytes less free memory, %ld more charged",
		       n, lost, grew);
		ASSERT_GT(n / 2 * psize, lost)
			TH_LOG("%d calls failing with EMFILE leaked free memory", n);
		ASSERT_GT(n / 8 * psize, grew)
			TH_LOG("%d calls failing with EMFILE left memory charged", n);
		_exit(0);
	}
	ASSERT_EQ(pid, wait_exit(pid, &code));
	memcg_remove(&cg);
	ASSERT_EQ(0, code);
}

/*
 * RT-thp: no huge page (nor the huge zero page) in a refpage VMA, whatever
 * MADV_HUGEPAGE and MADV_COLLAPSE ask: it would read as zeros.
 */
TEST(rt_thp)
{
	unsigned long pmd = 0;
	char *raw, *m;
	int fd, err;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	read_ulong("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &pmd);
	ASSERT_TRUE(pmd) TH_LOG("no THP in this kernel");
	fd = refpage_create(pat16, 16, 0);
	ASSERT_LE(0, fd);
	raw = mmap(NULL, 3 * pmd, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_NORESERVE, fd, 0);
	ASSERT_NE(MAP_FAILED, raw);
	m = (char *)(((uintptr_t)raw + pmd - 1) & ~(pmd - 1));
	ASSERT_EQ(0, madvise(m, 2 * pmd, MADV_HUGEPAGE));

	ASSERT_PATTERN(m, 4 * psize, pat16, 16)
		TH_LOG("a read fault mapped a huge (zero) page");
	m[pmd + 100] = 1;
	ASSERT_PATTERN(m + pmd, 100, pat16, 16)
		TH_LOG("a write fault allocated a huge page");
	ASSERT_PATTERN_AT(m + pmd, 101, 4 * psize, pat16, 16)
		TH_LOG("a write fault allocated a huge page");
	err = madvise(m, 2 * pmd, MADV_COLLAPSE) ? errno : 0;
	ASSERT_EQ(-1, pattern_mismatch_sampled(m, pmd, pat16, 16))
		TH_LOG("MADV_COLLAPSE zero-filled the untouched pages");
	ASSERT_PATTERN_AT(m + pmd, 101, 4 * psize, pat16, 16);
	ASSERT_EQ(0, smaps_kb(m, "AnonHugePages"));
	ASSERT_EQ(EINVAL, err) TH_LOG("MADV_COLLAPSE: %s", strerror(err));
	munmap(raw, 3 * pmd);
	close(fd);
}

/*
 * RT-mte-tags: on arm64 with MTE the reference page carries the content's
 * tags, and so does the copy made on the first write.
 */
TEST(rt_mte_tags)
{
	char *c, *m, *p;
	unsigned char v;
	int fd;

#ifndef __aarch64__
	SKIP(return, MTE_ONLY_ARM64);
#endif
	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ASSERT_TRUE(mte_available())
		TH_LOG("no MTE: QEMU needs -machine virt,mte=on -cpu max");
	ASSERT_EQ(0, mte_set_mode(PR_MTE_TCF_SYNC));
	c = mmap(NULL, psize, PROT_READ | PROT_WRITE | PROT_MTE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c);

	/* 32 bytes of 0xab in two granules tagged 6 and 9: the copy path */
	memset(c, 0xab, 32);
	mte_set_tag(mte_tag_ptr(c, 6));
	mte_set_tag(mte_tag_ptr(c + 16, 9));
	ASSERT_EQ(0, mte_set_mode(0));
	fd = refpage_create(mte_tag_ptr(c, 6), 32, 0);
	ASSERT_EQ(0, mte_set_mode(PR_MTE_TCF_SYNC));
	ASSERT_LE(0, fd);
	m = mmap(NULL, 4 * psize, PROT_READ | PROT_WRITE | PROT_MTE,
		 MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, m);

	p = m + psize;
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 64, 6), &v))
		TH_LOG("untouched page: a load with the content's tag faulted");
	ASSERT_EQ(0xab, v);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 80, 9), &v));
	ASSERT_EQ(SEGV_MTESERR, mte_try_load(mte_tag_ptr(p + 64, 9), &v))
		TH_LOG("untouched page: a load with the wrong tag did not fault");

	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(p + 16, 9), 1))
		TH_LOG("the first write, with the content's tag, faulted: the copy lost the tags");
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + 96, 6), &v))
		TH_LOG("the copy lost the content's tags");
	ASSERT_EQ(0xab, v);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(p + psize - 16, 9), &v));
	ASSERT_EQ(SEGV_MTESERR, mte_try_load(mte_tag_ptr(p + 96, 9), &v))
		TH_LOG("after the first write: a load with the wrong tag did not fault");
	ASSERT_EQ(9, mte_get_tag(p + 48));
	munmap(m, 4 * psize);
	close(fd);

	/* Zeros tagged 3 throughout: the DC GZVA path (no memset: DC ZVA) */
	for (p = c; p < c + psize; p += MTE_GRANULE)
		mte_set_tag(mte_tag_ptr(p, 3));
	for (p = c; p < c + psize; p++)
		*(char *)mte_tag_ptr(p, 3) = 0;
	fd = refpage_create(mte_tag_ptr(c, 3), psize, 0);
	ASSERT_LE(0, fd);
	m = mmap(NULL, 2 * psize, PROT_READ | PROT_WRITE | PROT_MTE,
		 MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(m + 200, 3), &v));
	ASSERT_EQ(SEGV_MTESERR, mte_try_load(mte_tag_ptr(m + 200, 4), &v));
	ASSERT_EQ(0, mte_try_store(mte_tag_ptr(m + 8, 3), 1))
		TH_LOG("the first write of zeros tagged 3 faulted: the copy lost the tag");
	ASSERT_EQ(0, mte_try_load(mte_tag_ptr(m + psize - 1, 3), &v))
		TH_LOG("after the first write of zeros tagged 3: the tag is gone");
	ASSERT_EQ(0, v);
	ASSERT_EQ(SEGV_MTESERR, mte_try_load(mte_tag_ptr(m + 200, 4), &v));
	munmap(m, 2 * psize);
	munmap(c, psize);
	close(fd);
}

/*
 * RT-force-write: a FOLL_FORCE write (/proc/self/mem, ptrace) into a
 * read-only refpage mapping copies the page; the reference page is never
 * written.
 */
TEST(rt_force_write)
{
	char *ro, *fresh, v = 'F';
	int fd, mem, status;
	pid_t pid;
	long word;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	fd = refpage_map(pat16, 16, 4 * psize, PROT_READ, (void **)&ro);
	ASSERT_NE(MAP_FAILED, ro);
	read_fault(ro + psize);
	mem = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, mem);
	ASSERT_EQ(1, pwrite(mem, &v, 1, (uintptr_t)ro + 3));
	ASSERT_EQ(1, pwrite(mem, &v, 1, (uintptr_t)ro + psize + 3));
	close(mem);
	ASSERT_EQ(v, ro[3]);
	ASSERT_EQ(v, ro[psize + 3]);
	ASSERT_PATTERN_AT(ro, 2 * psize, 4 * psize, pat16, 16)
		TH_LOG("a write to /proc/self/mem reached the reference page");
	fresh = mmap(NULL, 4 * psize, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, fresh);
	ASSERT_PATTERN(fresh, 4 * psize, pat16, 16)
		TH_LOG("a write to /proc/self/mem reached the reference page");

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(ro[2 * psize] == v ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	word = ptrace(PTRACE_PEEKDATA, pid, ro + 2 * psize, 0);
	memcpy(&word, &v, 1);
	ASSERT_EQ(0, ptrace(PTRACE_POKEDATA, pid, ro + 2 * psize, word));
	ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
	ASSERT_CHILD_OK(pid);
	ASSERT_PATTERN_AT(ro, 2 * psize, 4 * psize, pat16, 16)
		TH_LOG("PTRACE_POKEDATA in the child reached the reference page");
	ASSERT_PATTERN(fresh, 4 * psize, pat16, 16)
		TH_LOG("PTRACE_POKEDATA in the child reached the reference page");
	munmap(fresh, 4 * psize);
	munmap(ro, 4 * psize);
	close(fd);
}

/*
 * RT-uffd: userfaultfd on a refpage VMA is refused with EINVAL; were it
 * accepted, resolving a fault with UFFDIO_ZEROPAGE would map zeros.
 */
TEST(rt_uffd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zero = { .mode = 0 };
	char *m;
	int ufd, fd, ret, err;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	ufd = syscall(__NR_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	ASSERT_LE(0, ufd) TH_LOG("userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(ufd, UFFDIO_API, &api));
	fd = refpage_map(pat16, 16, 4 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	reg.range.start = (uintptr_t)m;
	reg.range.len = 4 * psize;
	ret = ioctl(ufd, UFFDIO_REGISTER, &reg);
	err = errno;
	if (!ret) {
		/* Resolve the faults as a handler would, then look */
		zero.range.start = (uintptr_t)m;
		zero.range.len = 2 * psize;
		ioctl(ufd, UFFDIO_ZEROPAGE, &zero);
		/* A page still missing would block the read for good */
		ASSERT_TRUE(pagemap_pfn(m) && pagemap_pfn(m + psize))
			TH_LOG("UFFDIO_REGISTER accepted, UFFDIO_ZEROPAGE: %lld",
			       (long long)zero.zeropage);
		ASSERT_PATTERN(m, 2 * psize, pat16, 16)
			TH_LOG("UFFDIO_ZEROPAGE replaced the pattern with zeros");
	}
	ASSERT_EQ(-1, ret) TH_LOG("UFFDIO_REGISTER on a refpage VMA succeeded");
	ASSERT_EQ(EINVAL, err);
	munmap(m, 4 * psize);
	close(fd);
	close(ufd);
}

#ifndef __NR_mseal
#define __NR_mseal 462
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/* Copy the line of /proc/self/maps for the VMA that starts at @addr to @line */
static void maps_line_at(const void *addr, char *line, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char buf[512];

	snprintf(line, len, "(no VMA at %p)", addr);
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		if (strtoul(buf, NULL, 16) == (uintptr_t)addr) {
			buf[strcspn(buf, "\n")] = 0;
			snprintf(line, len, "%s", buf);
			break;
		}
	}
	fclose(f);
}

/*
 * R2-vm-file: a refpage mapping is anonymous memory, not a private file
 * mapping (review round 2).  Sealed with mseal(2) while read-only, its private
 * data cannot be discarded with MADV_DONTNEED or MADV_FREE (EPERM), exactly as
 * for MAP_PRIVATE | MAP_ANONYMOUS; and prctl(PR_SET_VMA_ANON_NAME) names it,
 * the name showing in /proc/self/maps.
 */
TEST(r2_vm_file)
{
	const char *name = "r2-refpage-heap";
	char *m, *anon, line[512];
	bool sealed = true;
	int fd, ret, err;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);

	/* Private data in a read-only, sealed region */
	anon = mmap(NULL, 4 * psize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	fd = refpage_map(pat16, 16, 4 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	m[0] = 1;
	m[2 * psize] = 2;
	read_fault(m + psize);
	ASSERT_EQ(0, mprotect(m, 4 * psize, PROT_READ));
	ret = syscall(__NR_mseal, anon, 4 * psize, 0);
	if (ret && errno == ENOSYS) {
		sealed = false;
	} else {
		ASSERT_EQ(0, ret) TH_LOG("mseal of anonymous memory: %s",
					 strerror(errno));
		ASSERT_EQ(0, syscall(__NR_mseal, m, 4 * psize, 0))
			TH_LOG("mseal of a refpage region: %s", strerror(errno));
		ASSERT_EQ(-1, madvise(anon, 4 * psize, MADV_DONTNEED));
		ASSERT_EQ(EPERM, errno);

		ret = madvise(m, 4 * psize, MADV_DONTNEED);
		err = errno;
		ASSERT_EQ(1, m[0])
			TH_LOG("MADV_DONTNEED discarded a sealed read-only refpage region");
		ASSERT_EQ(-1, ret)
			TH_LOG("MADV_DONTNEED discarded a sealed read-only refpage region");
		ASSERT_EQ(EPERM, err);
		ret = madvise(m, 4 * psize, MADV_FREE);
		err = errno;
		ASSERT_EQ(-1, ret)
			TH_LOG("MADV_FREE discarded a sealed read-only refpage region");
		ASSERT_EQ(EPERM, err);
		ASSERT_EQ(2, m[2 * psize]);
		ASSERT_PATTERN_AT(m, 1, 2 * psize, pat16, 16);
	}
	close(fd);

	/* Anonymous memory takes a name; so does a refpage region */
	if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, anon, 4 * psize, name) &&
	    errno == EINVAL)
		SKIP(return, "no CONFIG_ANON_VMA_NAME in this kernel");
	fd = refpage_map(pat16, 16, 4 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	m[psize] = 3;
	ret = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, m, 4 * psize, name);
	err = errno;
	ASSERT_EQ(0, ret)
		TH_LOG("PR_SET_VMA_ANON_NAME on a refpage region failed: %s",
		       strerror(err));
	maps_line_at(m, line, sizeof(line));
	ASSERT_NE(NULL, strstr(line, "[anon:r2-refpage-heap]"))
		TH_LOG("the name of a refpage region is not in /proc/self/maps: %s",
		       line);
	ASSERT_EQ(3, m[psize]);
	ASSERT_PATTERN_AT(m, psize + 1, 4 * psize, pat16, 16);
	munmap(m, 4 * psize);
	close(fd);
	if (!sealed)
		SKIP(return, "mseal: ENOSYS in this kernel");
}

/*
 * R2-exec: a read fault maps the reference page with a special PTE, and arm64
 * synchronises the I-cache only for normal pages (__sync_cache_and_tags()), so
 * an executable refpage mapping could fetch stale instructions on cores
 * without DIC/IDC.  Refpage memory is never executable, as on a noexec mount:
 * mmap(PROT_EXEC) fails with EPERM, mprotect(PROT_EXEC) with EACCES.
 */
TEST(r2_exec)
{
	unsigned char *m;
	void *x;
	int fd, ret, err;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);

	fd = refpage_create(pat16, 16, 0);
	ASSERT_LE(0, fd);
	x = mmap(NULL, 2 * psize, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	err = errno;
	ASSERT_EQ(MAP_FAILED, x)
		TH_LOG("mmap(PROT_EXEC) of a refpage succeeded");
	ASSERT_EQ(EPERM, err);

	m = mmap(NULL, 2 * psize, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	m[psize] = 1;
	read_fault(m);
	ret = mprotect(m, 2 * psize, PROT_READ | PROT_EXEC);
	err = errno;
	ASSERT_EQ(-1, ret)
		TH_LOG("mprotect(PROT_EXEC) of a refpage mapping succeeded");
	ASSERT_EQ(EACCES, err);
	ASSERT_EQ(0, mprotect(m, 2 * psize, PROT_READ));
	ASSERT_EQ(1, m[psize]);
	ASSERT_PATTERN_AT(m, 0, psize, pat16, 16);
	munmap(m, 2 * psize);
	close(fd);
}

/* The start of the first VMA named @name in /proc/self/maps, NULL if none */
static void *maps_find(const char *name)
{
	unsigned long start = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strlen(line) > strlen(name) &&
		    !strcmp(line + strlen(line) - strlen(name), name) &&
		    sscanf(line, "%lx-", &start) == 1)
			break;
	}
	fclose(f);
	return (void *)start;
}

/* Whether the kernel can read @len bytes at @p (copy_from_user, as refpage_create does) */
static bool user_readable(const void *p, size_t len)
{
	int pipefd[2];
	bool ok;

	if (pipe(pipefd))
		return false;
	ok = write(pipefd[1], p, len) == (ssize_t)len;
	close(pipefd[0]);
	close(pipefd[1]);
	return ok;
}

/*
 * R2-mte-lookup: with MTE the content's tags come from PROT_MTE mappings only,
 * and the kernel looks at the VMA before it takes the content's pages: content
 * that copy_from_user() reads but GUP refuses, in a VM_PFNMAP/VM_IO mapping
 * (arm64 6.12's [vvar]) or in secretmem, makes a refpage as on any machine.
 */
TEST(r2_mte_lookup)
{
	unsigned char *vvar, *secret, *m;
	int fd, sfd, err, cases = 0;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);

	vvar = maps_find(" [vvar]");
	if (vvar && user_readable(vvar, 16)) {
		fd = refpage_create(vvar, 16, 0);
		err = errno;
		ASSERT_LE(0, fd)
			TH_LOG("refpage_create with its content in [vvar] failed: %s",
			       strerror(err));
		close(fd);
		cases++;
	}

	sfd = syscall(__NR_memfd_secret, 0);
	if (sfd >= 0) {
		ASSERT_EQ(0, ftruncate(sfd, psize));
		secret = mmap(NULL, psize, PROT_READ | PROT_WRITE, MAP_SHARED,
			      sfd, 0);
		ASSERT_NE(MAP_FAILED, secret);
		memcpy(secret, pat16, 16);
		fd = refpage_map(secret, 16, 2 * psize, PROT_READ, (void **)&m);
		err = errno;
		ASSERT_LE(0, fd)
			TH_LOG("refpage_create with its content in secretmem failed: %s",
			       strerror(err));
		ASSERT_NE(MAP_FAILED, m);
		ASSERT_PATTERN_AT(m, 0, 2 * psize, pat16, 16);
		munmap(m, 2 * psize);
		munmap(secret, psize);
		close(fd);
		close(sfd);
		cases++;
	}
	if (!cases)
		SKIP(return, "no readable [vvar] and no memfd_secret here");
}

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif
#define KPF_HWPOISON 19

/* Whether a store to @p in a child process dies of SIGBUS */
static bool store_gets_sigbus(char *p)
{
	pid_t pid = fork();
	int code;

	if (!pid)
		_exit(try_store(p, 1) == SIGBUS ? 0 : 1);
	return wait_exit(pid, &code) == pid && code == 0;
}

/* Whether a load from @p in a child process dies of SIGBUS */
static bool load_gets_sigbus(const char *p)
{
	pid_t pid = fork();
	int code;

	if (!pid) {
		unsigned char v;

		_exit(try_load(p, &v) == SIGBUS ? 0 : 1);
	}
	return wait_exit(pid, &code) == pid && code == 0;
}

/*
 * R2-hwpoison: a reference page with a memory error is never copied or mapped
 * again: a first write, whether to a page mapping the reference page or to an
 * untouched one, and a new read fault get SIGBUS, as copy-on-write from a
 * poisoned page does (review round 2).  QEMU has no machine checks: the error
 * is MADV_HWPOISON's, which marks the page as memory_failure() does.
 */
TEST(r2_hwpoison)
{
	unsigned char pat[64];
	__u64 ref;
	char *m;
	int fd, i;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	for (i = 0; i < sizeof(pat); i++)
		pat[i] = 0x40 + i;
	fd = refpage_map(pat, sizeof(pat), 4 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	read_fault(m);
	ref = pagemap_pfn(m);
	ASSERT_NE(0, ref) TH_LOG("no PFN in /proc/self/pagemap (root?)");
	if (madvise(m, psize, MADV_HWPOISON) && errno == EINVAL)
		SKIP(return, "MADV_HWPOISON: EINVAL (a kernel without CONFIG_MEMORY_FAILURE)");
	ASSERT_NE(0, kpage_flags(ref) & (1ULL << KPF_HWPOISON))
		TH_LOG("MADV_HWPOISON did not poison the reference page: %s",
		       strerror(errno));

	ASSERT_TRUE(store_gets_sigbus(m))
		TH_LOG("a first write copied a poisoned reference page (mapped)");
	ASSERT_TRUE(store_gets_sigbus(m + 2 * psize))
		TH_LOG("a first write copied a poisoned reference page (untouched)");
	ASSERT_TRUE(load_gets_sigbus(m + 3 * psize))
		TH_LOG("a read fault mapped a poisoned reference page");
	munmap(m, 4 * psize);
	close(fd);
}

struct wp_handler {
	int ufd;
	int faults;
};

/* Non-blocking: poll() on a blocking userfaultfd always says EPOLLERR */
static int uffd_nonblock(void)
{
	return syscall(__NR_userfaultfd,
		       O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
}

/* Resolve write-protect faults until none comes for a second */
static void *wp_resolve(void *arg)
{
	struct wp_handler *h = arg;
	struct pollfd pfd = { .fd = h->ufd, .events = POLLIN };
	struct uffd_msg msg;

	while (poll(&pfd, 1, 1000) == 1 &&
	       read(h->ufd, &msg, sizeof(msg)) == sizeof(msg)) {
		struct uffdio_writeprotect wp = {
			.range.start = msg.arg.pagefault.address & ~(psize - 1),
			.range.len = psize,
		};

		if (msg.event != UFFD_EVENT_PAGEFAULT ||
		    !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP))
			continue;
		if (!ioctl(h->ufd, UFFDIO_WRITEPROTECT, &wp))
			h->faults++;
	}
	return NULL;
}

/*
 * R2-uffd-wp: write-protect-only userfaultfd registration of a refpage VMA is
 * accepted; a write to a read-faulted or to an untouched write-protected page
 * is delivered as a WP fault and, resolved, copies the pattern; UFFDIO_ZEROPAGE,
 * which would put zeroes in place of the pattern, fails with EINVAL (review
 * round 2).
 */
TEST(r2_uffd_wp)
{
	struct uffdio_api api = {
		.api = UFFD_API, .features = UFFD_FEATURE_WP_UNPOPULATED,
	};
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct uffdio_writeprotect wp = { .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	struct uffdio_zeropage zero = { .mode = 0 };
	struct wp_handler h = { .faults = 0 };
	int fd, ret, err, expected = 2;
	pthread_t thread;
	char *m, *anon;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	h.ufd = uffd_nonblock();
	ASSERT_LE(0, h.ufd) TH_LOG("userfaultfd: %s", strerror(errno));
	if (ioctl(h.ufd, UFFDIO_API, &api)) {
		/* No PTE markers: untouched pages are not write-protected */
		close(h.ufd);
		h.ufd = uffd_nonblock();
		api = (struct uffdio_api){ .api = UFFD_API };
		ASSERT_EQ(0, ioctl(h.ufd, UFFDIO_API, &api))
			TH_LOG("UFFDIO_API: %s", strerror(errno));
		expected = 1;
	}
	anon = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	reg.range.start = (uintptr_t)anon;
	reg.range.len = psize;
	if (ioctl(h.ufd, UFFDIO_REGISTER, &reg))
		SKIP(return, "no userfaultfd write-protection: anonymous memory refuses it too");
	munmap(anon, psize);

	fd = refpage_map(pat16, 16, 4 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	read_fault(m);
	reg.range.start = (uintptr_t)m;
	reg.range.len = 4 * psize;
	ret = ioctl(h.ufd, UFFDIO_REGISTER, &reg);
	err = errno;
	ASSERT_EQ(0, ret)
		TH_LOG("UFFDIO_REGISTER_MODE_WP on a refpage VMA failed: %s",
		       strerror(err));
	wp.range = reg.range;
	ASSERT_EQ(0, ioctl(h.ufd, UFFDIO_WRITEPROTECT, &wp));
	ASSERT_EQ(0, pthread_create(&thread, NULL, wp_resolve, &h));
	m[1] = 1;
	m[2 * psize + 1] = 2;
	pthread_join(thread, NULL);
	ASSERT_EQ(expected, h.faults)
		TH_LOG("%d of %d writes to write-protected refpage pages faulted",
		       h.faults, expected);
	ASSERT_EQ(1, m[1]);
	ASSERT_EQ(2, m[2 * psize + 1]);
	ASSERT_PATTERN_AT(m, 2, 2 * psize + 1, pat16, 16)
		TH_LOG("a write-protected first write lost the pattern");
	ASSERT_PATTERN_AT(m, 2 * psize + 2, 3 * psize, pat16, 16)
		TH_LOG("a write-protected first write lost the pattern");

	zero.range.start = (uintptr_t)m + 3 * psize;
	zero.range.len = psize;
	ret = ioctl(h.ufd, UFFDIO_ZEROPAGE, &zero);
	err = errno;
	ASSERT_PATTERN_AT(m, 3 * psize, 4 * psize, pat16, 16)
		TH_LOG("UFFDIO_ZEROPAGE replaced the pattern with zeros");
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(EINVAL, err);
	close(h.ufd);
	munmap(m, 4 * psize);
	close(fd);
}

/*
 * R2-move-pages: move_pages(2) reports -EFAULT for a page mapping the
 * reference page, as for the zero page, not -ENOENT (review round 2).
 */
TEST(r2_move_pages)
{
	int node = 0, status = 0, fd;
	char *m, *anon;
	void *page;

	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	anon = mmap(NULL, psize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	read_fault(anon);
	page = anon;
	if (access("/proc/self/numa_maps", F_OK))
		SKIP(return, "no move_pages(2): a kernel without CONFIG_NUMA");
	ASSERT_EQ(0, syscall(__NR_move_pages, 0, 1, &page, NULL, &status, 0))
		TH_LOG("move_pages of the zero page: %s (7.x: CONFIG_NUMA_MIGRATION)",
		       strerror(errno));
	ASSERT_EQ(-EFAULT, status) TH_LOG("the zero page's move_pages status");
	munmap(anon, psize);

	fd = refpage_map(pat16, 16, 2 * psize, PROT_READ | PROT_WRITE,
			 (void **)&m);
	ASSERT_NE(MAP_FAILED, m);
	read_fault(m);
	page = m;
	ASSERT_EQ(0, syscall(__NR_move_pages, 0, 1, &page, NULL, &status, 0));
	ASSERT_EQ(-EFAULT, status)
		TH_LOG("move_pages reported %d for a mapped reference page, the zero page -EFAULT",
		       status);
	ASSERT_EQ(0, syscall(__NR_move_pages, 0, 1, &page, &node, &status, 0));
	ASSERT_EQ(-EFAULT, status)
		TH_LOG("move_pages to node 0 reported %d for a mapped reference page, %s",
		       status, "the zero page -EFAULT");
	ASSERT_PATTERN(m, 2 * psize, pat16, 16);
	munmap(m, 2 * psize);
	close(fd);
}

TEST_HARNESS_MAIN
