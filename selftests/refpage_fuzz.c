// SPDX-License-Identifier: GPL-2.0
/*
 * Random arguments to refpage_create(), mmap(), mprotect(), madvise(),
 * mremap() and munmap() of refpage mappings, for a few seconds: every result
 * must follow the interface's rules, every readable byte must be the pattern
 * or what was written, and the kernel must log no splat.
 *
 * The seed is printed; REFPAGE_FUZZ_SEED repeats a run and
 * REFPAGE_FUZZ_SECONDS (default 2, at most 500) changes its length.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "refpage_util.h"

#define ARENA_PAGES 512
#define MAX_MAPS 8
#define MARK 0xee

#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

struct fuzz {
	__u64 state;
	char *arena;		/* PROT_NONE: MAP_FIXED lands only here */
	unsigned char *buf;	/* readable content */
	struct {
		char *addr;
		size_t len;
		unsigned char pat[64];
		unsigned int size;
		int fd;			/* kept while mapped, then mapped afresh */
		char ops[8][64];	/* the last operations, for a failure */
		unsigned int nops;
	} maps[MAX_MAPS];
	unsigned long calls, created, mapped, errnos[160];
	const char *broken;
	char why[256];
};

static __u64 next(struct fuzz *f)
{
	f->state ^= f->state << 13;
	f->state ^= f->state >> 7;
	f->state ^= f->state << 17;
	return f->state;
}

static unsigned long pick(struct fuzz *f, unsigned long n)
{
	return n ? next(f) % n : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void count(struct fuzz *f, long ret)
{
	f->calls++;
	if (ret == -1 && errno > 0 && errno < 160)
		f->errnos[errno]++;
}

static __printf(2, 3) void broken(struct fuzz *f, const char *fmt, ...)
{
	va_list ap;

	if (f->broken)
		return;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	f->broken = f->why;
}

/* Remembers an operation on map @m */
static __printf(3, 4) void note(struct fuzz *f, int m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->maps[m].ops[f->maps[m].nops++ % 8], 64, fmt, ap);
	va_end(ap);
}

enum content { GOOD, NULLPTR, NONE, KERNEL, WILD };

/* The line of /proc/self/maps holding @addr, for a diagnostic */
static const char *maps_line(const void *addr)
{
	static char line[256];
	unsigned long start, end;
	FILE *f = fopen("/proc/self/maps", "r");

	strcpy(line, "not mapped");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    (uintptr_t)addr >= start && (uintptr_t)addr < end)
			break;
		strcpy(line, "not mapped");
	}
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static unsigned int fuzz_size(struct fuzz *f)
{
	switch (pick(f, 6)) {
	case 0:
		return next(f);
	case 1:
		return 1U << pick(f, 32);
	case 2:
		return psize + pick(f, 3) - 1;
	case 3:
		return pick(f, 130);
	default:
		return 1U << pick(f, 7);
	}
}

/* refpage_create() with random arguments; the fd, or -1 */
static int fuzz_create(struct fuzz *f, unsigned char *pat, unsigned int *psz)
{
	enum content kind = pick(f, 8) < 4 ? GOOD : pick(f, 5);
	unsigned long flags = pick(f, 4) ? 0 : next(f) >> pick(f, 64);
	unsigned int size = fuzz_size(f);
	const void *content;
	bool einval = flags || !size || (size & (size - 1)) || size > psize;
	int fd;

	switch (kind) {
	case GOOD:
		content = f->buf + pick(f, psize + 1 - (size <= psize ? size : 0));
		break;
	case NULLPTR:
		content = NULL;
		break;
	case NONE:
		content = f->arena + pick(f, ARENA_PAGES * psize);
		break;
	case KERNEL:
		content = (void *)(-1UL - pick(f, 1UL << 40));
		break;
	default:
		content = (void *)(uintptr_t)next(f);
		break;
	}
	fd = refpage_create(content, size, flags);
	count(f, fd);
	if (einval && (fd >= 0 || errno != EINVAL))
		broken(f, "refpage_create(%p, %u, %#lx): %d (%s), not EINVAL",
		       content, size, flags, fd, strerror(errno));
	else if (!einval && kind == GOOD && fd < 0)
		broken(f, "refpage_create(%p, %u, 0): %s", content, size,
		       strerror(errno));
	else if (!einval && kind != GOOD && kind != WILD &&
		 (fd >= 0 || errno != EFAULT))
		broken(f, "refpage_create(%p, %u, 0) of unreadable content: %d (%s); %s",
		       content, size, fd, strerror(errno), maps_line(content));
	if (fd >= 0) {
		f->created++;
		/* Wild content we may not read ourselves: no value checks */
		*psz = kind == GOOD ? size : 0;
		if (kind == GOOD)
			memcpy(pat, content, size < 64 ? size : 64);
	}
	return fd;
}

static int fuzz_prot(struct fuzz *f)
{
	int prot = pick(f, 8);

#ifdef __aarch64__
	if (!pick(f, 4) && mte_available())
		prot |= PROT_MTE;
#endif
	if (!pick(f, 16))
		prot |= next(f) & 0x0f000000;
	return prot;
}

static void broken_map(struct fuzz *f, int m, const unsigned char *p,
		       unsigned char v)
{
	unsigned int i, n = f->maps[m].nops;
	size_t off = p - (unsigned char *)f->maps[m].addr;

	fprintf(stderr, "# %p: %s\n", p, maps_line(p));
	fprintf(stderr, "# pfn %#llx; its map's last operations:\n",
		(unsigned long long)pagemap_pfn(p));
	for (i = n > 8 ? n - 8 : 0; i < n; i++)
		fprintf(stderr, "#   %s\n", f->maps[m].ops[i % 8]);
	broken(f, "byte %zu of a mapping is %#x, pattern %#x", off, v,
	       f->maps[m].pat[off % f->maps[m].size]);
}

/* Every readable byte of map @m is the pattern or MARK */
static void check_map(struct fuzz *f, int m)
{
	unsigned char *p = (unsigned char *)f->maps[m].addr, v;
	unsigned int size = f->maps[m].size;
	size_t off;
	int probes;

	for (probes = 0; probes < 8; probes++) {
		off = pick(f, f->maps[m].len);
		if (try_load(p + off, &v))
			continue;
		if (size && size <= 64 && v != f->maps[m].pat[off % size] &&
		    v != MARK)
			broken_map(f, m, p + off, v);
	}
}

static void fuzz_touch(struct fuzz *f, int m)
{
	char *p = f->maps[m].addr + pick(f, f->maps[m].len);
	struct iovec local, remote;
	unsigned char buf[256];

	switch (pick(f, 3)) {
	case 0:
		note(f, m, "store at +%#lx", (long)(p - f->maps[m].addr));
		try_store(p, MARK);
		break;
	case 1:
		local.iov_base = buf;
		local.iov_len = sizeof(buf);
		remote.iov_base = p;
		remote.iov_len = sizeof(buf);
		count(f, process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
		break;
	default:
		check_map(f, m);
	}
}

static void fuzz_map(struct fuzz *f, int m, int fd, const unsigned char *pat,
		     unsigned int size)
{
	static const int kinds[] = { MAP_PRIVATE, MAP_PRIVATE, MAP_PRIVATE,
				     MAP_SHARED, MAP_SHARED_VALIDATE, 0 };
	static const int extra[] = { MAP_POPULATE, MAP_NORESERVE, MAP_LOCKED,
				     MAP_GROWSDOWN, MAP_STACK, MAP_HUGETLB,
				     MAP_FIXED_NOREPLACE, MAP_FIXED,
				     MAP_UNINITIALIZED, MAP_SYNC };
	size_t pages = pick(f, 4) ? 1 + pick(f, 64) :
				    pick(f, (256UL << 20) / psize);
	int flags = kinds[pick(f, 6)], prot = fuzz_prot(f);
	off_t off = pick(f, 4) ? pick(f, 1 << 20) * psize : (off_t)next(f);
	char *addr = NULL, *got;

	if (!pick(f, 3))
		flags |= extra[pick(f, 10)];
	if (!pick(f, 32))
		flags |= next(f) & ~(MAP_FIXED | MAP_FIXED_NOREPLACE |
				     MAP_ANONYMOUS);
	if ((flags & (MAP_POPULATE | MAP_LOCKED)) && pages > 64)
		pages = 64;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		flags &= ~(MAP_FIXED | MAP_FIXED_NOREPLACE);
		flags |= MAP_FIXED;
		pages = 1 + pick(f, ARENA_PAGES / 2);
		addr = f->arena + pick(f, ARENA_PAGES / 2) * psize;
	}
	got = mmap(addr, pages * psize, prot, flags, fd, off);
	count(f, (long)got);
	if (got == MAP_FAILED) {
		/*
		 * A MAP_FIXED mmap() that ->mmap() refuses (MAP_SHARED) has
		 * already unmapped what was there: fill the hole again.
		 */
		if (addr)
			mmap(addr, pages * psize, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		return;
	}
	f->mapped++;
	if (flags & MAP_SHARED)
		broken(f, "mmap(flags %#x) of a refpage succeeded", flags);
	f->maps[m].addr = got;
	f->maps[m].len = pages * psize;
	f->maps[m].size = size;
	f->maps[m].nops = 0;
	note(f, m, "mmap %p+%#zx prot %#x flags %#x off %#llx", got,
	     pages * psize, prot, flags, (unsigned long long)off);
	memcpy(f->maps[m].pat, pat, size < 64 ? size : 64);
	if (addr) {
		/* The arena never has holes: back to PROT_NONE at once */
		fuzz_touch(f, m);
		fuzz_touch(f, m);
		mmap(addr, pages * psize, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		f->maps[m].addr = NULL;
	}
}

static void fuzz_op(struct fuzz *f, int m)
{
	static const int advice[] = { MADV_NORMAL, MADV_RANDOM, MADV_WILLNEED,
				      MADV_DONTNEED, MADV_FREE, MADV_REMOVE,
				      MADV_DONTFORK, MADV_DOFORK,
				      MADV_MERGEABLE, MADV_UNMERGEABLE,
				      MADV_HUGEPAGE, MADV_NOHUGEPAGE,
				      MADV_DONTDUMP, MADV_WIPEONFORK,
				      MADV_COLD, MADV_PAGEOUT,
				      MADV_POPULATE_READ, MADV_POPULATE_WRITE,
				      MADV_DONTNEED_LOCKED, MADV_COLLAPSE };
	size_t len = f->maps[m].len, from = pick(f, len / psize) * psize;
	size_t span = (1 + pick(f, (len - from) / psize)) * psize;
	char *p = f->maps[m].addr, *q;
	size_t nlen;

	switch (pick(f, 5)) {
	case 0:
		if (span > 64 * psize)
			span = 64 * psize;
		nlen = pick(f, 8) ? advice[pick(f, 20)] : pick(f, 30);
		note(f, m, "madvise +%#zx %#zx %zu", from, span, nlen);
		count(f, madvise(p + from, span, nlen));
		break;
	case 1:
		nlen = fuzz_prot(f);
		note(f, m, "mprotect +%#zx %#zx %#zx", from, span, nlen);
		count(f, mprotect(p + from, span, nlen));
		break;
	case 2:
		nlen = (1 + pick(f, 256)) * psize;
		q = mremap(p, len, nlen, pick(f, 2) ? MREMAP_MAYMOVE : 0);
		note(f, m, "mremap %#zx -> %p+%#zx", len, q, nlen);
		count(f, (long)q);
		if (q != MAP_FAILED) {
			f->maps[m].addr = q;
			f->maps[m].len = nlen;
		}
		break;
	case 3:
		if (span > 64 * psize)
			span = 64 * psize;
		nlen = pick(f, 2);
		note(f, m, "%s +%#zx %#zx", nlen ? "mlock" : "munlock", from,
		     span);
		count(f, nlen ? mlock(p + from, span) : munlock(p + from, span));
		break;
	default:
		/* The tail, so that the range never has holes */
		note(f, m, "munmap +%#zx", from);
		count(f, munmap(p + from, len - from));
		f->maps[m].len = from;
		if (!from)
			f->maps[m].addr = NULL;
	}
}

/* Map slot @m's refpage afresh: whatever was done to its mappings, it reads the pattern */
static void fuzz_fresh_map(struct fuzz *f, int m)
{
	unsigned int size = f->maps[m].size, n = size < 64 ? size : 64;
	int fd = f->maps[m].fd;
	ssize_t bad = -1;
	size_t off;
	char *p;

	if (fd < 0)
		return;
	f->maps[m].fd = -1;
	p = mmap(NULL, psize, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		broken(f, "a fresh mapping of a refpage failed: %s", strerror(errno));
		return;
	}
	/* Only a pattern's first 64 bytes are kept */
	for (off = 0; off < psize && bad < 0; off += size)
		bad = pattern_mismatch(p + off, n, f->maps[m].pat, n);
	if (bad >= 0)
		broken(f, "byte %zd of a fresh mapping is %#x, pattern %#x: %s",
		       off - size + bad, (unsigned char)p[off - size + bad], f->maps[m].pat[bad],
		       "the reference page was written");
	munmap(p, psize);
}

static void fuzz_step(struct fuzz *f)
{
	unsigned char pat[64];
	unsigned int size = 0;
	int m = pick(f, MAX_MAPS), fd, i;
	unsigned long mapped = f->mapped;

	if (!f->maps[m].addr) {
		fuzz_fresh_map(f, m);
		fd = fuzz_create(f, pat, &size);
		if (fd < 0)
			return;
		fuzz_map(f, m, fd, pat, size);
		if (f->mapped == mapped) {
			close(fd);
			return;
		}
		f->maps[m].fd = fd;
		if (!f->maps[m].addr)
			fuzz_fresh_map(f, m);
		return;
	}
	for (i = pick(f, 4); i >= 0 && f->maps[m].addr; i--) {
		if (pick(f, 2))
			fuzz_touch(f, m);
		else
			fuzz_op(f, m);
	}
}

FIXTURE(fuzz) {
	int kmsg;
};

FIXTURE_SETUP(fuzz)
{
	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	self->kmsg = kmsg_mark();
	ASSERT_LE(0, self->kmsg) TH_LOG("/dev/kmsg: %s", strerror(errno));
}

FIXTURE_TEARDOWN(fuzz)
{
}

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *val = getenv(name);

	return val ? strtoul(val, NULL, 0) : dflt;
}

TEST_F_TIMEOUT(fuzz, random_arguments, 600)
{
	static struct fuzz f;
	unsigned long seed = env_ulong("REFPAGE_FUZZ_SEED", random_seed());
	unsigned long seconds = env_ulong("REFPAGE_FUZZ_SECONDS", 2);
	const char *splat;
	double until;
	char line[512];
	int m, e;

	if (seconds > 500)
		seconds = 500;
	TH_LOG("seed %lu (REFPAGE_FUZZ_SEED=%lu repeats it), %lu s", seed,
	       seed, seconds);
	f.state = seed ?: 1;
	f.arena = mmap(NULL, ARENA_PAGES * psize, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.arena);
	f.buf = mmap(NULL, 2 * psize, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.buf);
	pattern_fill(f.buf, 2 * psize, PATTERN_DISTINCT, seed);
	for (m = 0; m < MAX_MAPS; m++)
		f.maps[m].fd = -1;

	until = now() + seconds;
	while (!f.broken && now() < until)
		fuzz_step(&f);
	for (m = 0; m < MAX_MAPS; m++) {
		if (f.maps[m].addr)
			munmap(f.maps[m].addr, f.maps[m].len);
		fuzz_fresh_map(&f, m);
	}

	TH_LOG("%lu calls: %lu refpages, %lu mappings", f.calls, f.created,
	       f.mapped);
	for (e = 1; e < 160; e++)
		if (f.errnos[e])
			TH_LOG("  %lu x %s", f.errnos[e], strerror(e));
	splat = kmsg_splat(self->kmsg, line, sizeof(line));
	ASSERT_EQ(NULL, splat) TH_LOG("the kernel reported: %s", splat);
	ASSERT_EQ(NULL, f.broken) TH_LOG("seed %lu: %s", seed, f.broken);
}

TEST_HARNESS_MAIN
