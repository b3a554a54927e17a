// SPDX-License-Identifier: GPL-2.0
/*
 * Several processes, each with two threads, loop for a few seconds over
 * create / map / fault / write / fork / mremap / mprotect / munmap /
 * MADV_DONTNEED on refpage mappings and check every page they read; then the
 * kernel log must hold no splat.
 *
 * REFPAGE_STRESS_SECONDS (default 3, at most 500) and REFPAGE_STRESS_WORKERS
 * (default 4) change the load; REFPAGE_STRESS_SEED repeats a run.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "refpage_util.h"

#define NR_REGIONS 4
#define MAX_PAGES 64
#define FREED 0x100	/* MADV_FREE: the byte written, or the pattern */

struct region {
	int fd;
	int witness;	/* fd's dup, kept to the end to map it afresh */
	char *map;
	size_t pages;
	unsigned int size;
	unsigned char pat[64];
	int first[MAX_PAGES * 2];	/* byte 0 of each page, -1: pattern */
};

struct worker {
	unsigned int seed;
	struct region r[NR_REGIONS];
	unsigned long ops;
	char *shared;			/* raced over by the two threads */
	unsigned char shared_pat[16];
	bool stop;
	const char *failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int env_uint(const char *name, unsigned int dflt,
			     unsigned int max)
{
	const char *val = getenv(name);
	unsigned long n = val ? strtoul(val, NULL, 0) : dflt;

	return n > max ? max : n;
}

/* Byte 0 of page @i is what the model says, the rest is the pattern */
static bool page_ok(struct region *r, size_t i)
{
	const unsigned char *p = (unsigned char *)r->map + i * psize;
	int want = r->first[i];

	if (want == -1 && p[0] != r->pat[0])
		return false;
	if (want >= 0 && !(want & FREED) && p[0] != want)
		return false;
	if (want >= 0 && (want & FREED) && p[0] != (want & 0xff) &&
	    p[0] != r->pat[0])
		return false;
	return pattern_mismatch(p + 1, r->size - 1, r->pat + 1, r->size) < 0 &&
	       p[psize - 1] == r->pat[(psize - 1) % r->size];
}

static bool region_ok(struct region *r)
{
	size_t i;

	for (i = 0; i < r->pages; i++)
		if (!page_ok(r, i))
			return false;
	return true;
}

static void region_set(struct region *r, size_t from, size_t to, int first)
{
	size_t i;

	for (i = from; i < to; i++)
		r->first[i] = first;
}

static int region_new(struct region *r, unsigned int *seed)
{
	unsigned int shift = rand_r(seed) % 7, i;

	r->size = 1U << shift;
	for (i = 0; i < r->size; i++)
		r->pat[i] = rand_r(seed) % 0xe0;
	r->pages = 1 + rand_r(seed) % MAX_PAGES;
	r->witness = -1;
	r->fd = refpage_map(r->pat, r->size, r->pages * psize,
			    PROT_READ | PROT_WRITE, (void **)&r->map);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -1;
	}
	region_set(r, 0, r->pages, -1);
	r->witness = dup(r->fd);
	return r->witness < 0 ? -1 : 0;
}

/* Whether a new mapping of @fd reads @pat: no store ever reached its reference page */
static bool fresh_map_ok(int fd, const unsigned char *pat, unsigned int size)
{
	void *m = mmap(NULL, 2 * psize, PROT_READ, MAP_PRIVATE, fd, 0);
	bool ok;

	if (m == MAP_FAILED)
		return false;
	ok = pattern_mismatch(m, 2 * psize, pat, size) < 0;
	munmap(m, 2 * psize);
	return ok;
}

static const char *region_free(struct region *r)
{
	bool ok = r->witness < 0 || fresh_map_ok(r->witness, r->pat, r->size);

	if (r->map)
		munmap(r->map, r->pages * psize);
	if (r->fd >= 0)
		close(r->fd);
	if (r->witness >= 0)
		close(r->witness);
	r->map = NULL;
	r->fd = -1;
	r->witness = -1;
	return ok ? NULL : "a fresh mapping of its fd (the reference page was written)";
}

/* In a child: its copy of @r is the parent's, and its writes stay its own */
static int child_work(struct region *r, unsigned int seed)
{
	size_t i;

	if (!region_ok(r))
		return 1;
	for (i = 0; i < r->pages; i += 1 + rand_r(&seed) % 3) {
		r->map[i * psize] = 0xc0 | (i & 0xf);
		r->first[i] = 0xc0 | (i & 0xf);
	}
	madvise(r->map, r->pages / 2 * psize, MADV_DONTNEED);
	region_set(r, 0, r->pages / 2, -1);
	return region_ok(r) ? 0 : 2;
}

static const char *step(struct worker *w, struct region *r)
{
	unsigned int *seed = &w->seed;
	size_t i, n, grow;
	int code;
	char *q;
	pid_t pid;

	if (!r->map)
		return region_new(r, seed) ? "create and map" : NULL;

	switch (rand_r(seed) % 12) {
	case 0:
	case 1:
		i = rand_r(seed) % r->pages;
		return page_ok(r, i) ? NULL : "read";
	case 2:
	case 3:
		i = rand_r(seed) % r->pages;
		r->map[i * psize] = 0x80 | (i & 0x3f);
		r->first[i] = 0x80 | (i & 0x3f);
		return page_ok(r, i) ? NULL : "write";
	case 4:
		i = rand_r(seed) % r->pages;
		n = 1 + rand_r(seed) % (r->pages - i);
		madvise(r->map + i * psize, n * psize, MADV_DONTNEED);
		region_set(r, i, i + n, -1);
		return region_ok(r) ? NULL : "MADV_DONTNEED";
	case 5:
		pid = fork();
		if (!pid)
			_exit(child_work(r, rand_r(seed)));
		if (pid < 0 || wait_exit(pid, &code) != pid || code)
			return "fork (in the child)";
		return region_ok(r) ? NULL : "fork (in the parent)";
	case 6:
		grow = rand_r(seed) % (MAX_PAGES * 2 - r->pages + 1);
		q = mremap(r->map, r->pages * psize, (r->pages + grow) * psize,
			   MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			return "mremap";
		r->map = q;
		region_set(r, r->pages, r->pages + grow, -1);
		r->pages += grow;
		return region_ok(r) ? NULL : "mremap grow";
	case 7:
		if (r->pages < 2)
			return NULL;
		n = 1 + rand_r(seed) % (r->pages - 1);
		munmap(r->map + (r->pages - n) * psize, n * psize);
		r->pages -= n;
		return region_ok(r) ? NULL : "partial munmap";
	case 8:
		mprotect(r->map, r->pages * psize, PROT_READ);
		if (!region_ok(r))
			return "mprotect read-only";
		mprotect(r->map, r->pages * psize, PROT_READ | PROT_WRITE);
		return NULL;
	case 9:
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		return region_ok(r) ? NULL : "close";
	case 10:
		for (i = 0; i < r->pages; i++)
			if (r->first[i] >= 0)
				r->first[i] |= FREED;
		madvise(r->map, r->pages * psize, MADV_FREE);
		return region_ok(r) ? NULL : "MADV_FREE";
	default:
		return region_free(r);
	}
}

/* The second thread: read faults and zaps against the first's writes */
static void *racer(void *arg)
{
	struct worker *w = arg;
	unsigned int seed = w->seed ^ 0x5555;
	const unsigned char *p;
	size_t i;

	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&w->failed, __ATOMIC_RELAXED)) {
		i = rand_r(&seed) % MAX_PAGES;
		p = (unsigned char *)w->shared + i * psize;
		if ((p[0] != w->shared_pat[0] && p[0] != 0xee) ||
		    p[1] != w->shared_pat[1] || p[psize - 1] != w->shared_pat[15])
			__atomic_store_n(&w->failed, "racing read",
					 __ATOMIC_RELAXED);
		if (!(i % 7))
			madvise(w->shared + i * psize, psize, MADV_DONTNEED);
	}
	return NULL;
}

static int work(unsigned int seed, double until)
{
	struct worker w = { .seed = seed };
	const char *bad;
	pthread_t thread;
	size_t i;
	int fd, k;

	for (k = 0; k < NR_REGIONS; k++) {
		w.r[k].fd = -1;
		w.r[k].witness = -1;
	}
	pattern_fill(w.shared_pat, 16, PATTERN_DISTINCT, seed);
	fd = refpage_map(w.shared_pat, 16, MAX_PAGES * psize,
			 PROT_READ | PROT_WRITE, (void **)&w.shared);
	if (w.shared == MAP_FAILED || pthread_create(&thread, NULL, racer, &w))
		return 3;
	while (!__atomic_load_n(&w.failed, __ATOMIC_RELAXED) && now() < until) {
		k = rand_r(&w.seed) % NR_REGIONS;
		bad = step(&w, &w.r[k]);
		if (bad)
			__atomic_store_n(&w.failed, bad, __ATOMIC_RELAXED);
		i = rand_r(&w.seed) % MAX_PAGES;
		w.shared[i * psize] = 0xee;
		w.ops++;
	}
	__atomic_store_n(&w.stop, true, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	for (k = 0; k < NR_REGIONS; k++) {
		bad = region_free(&w.r[k]);
		if (bad && !w.failed)
			w.failed = bad;
	}
	if (!w.failed && !fresh_map_ok(fd, w.shared_pat, 16))
		w.failed = "a fresh mapping of the raced fd (the reference page was written)";
	munmap(w.shared, MAX_PAGES * psize);
	close(fd);
	if (w.failed) {
		fprintf(stderr, "# worker (seed %u): a page was wrong after: %s\n",
			seed, w.failed);
		return 1;
	}
	fprintf(stderr, "# worker (seed %u): %lu operations\n", seed, w.ops);
	return 0;
}

FIXTURE(stress) {
	int kmsg;
};

FIXTURE_SETUP(stress)
{
	if (!refpage_available())
		SKIP(return, REFPAGE_MISSING);
	self->kmsg = kmsg_mark();
	ASSERT_LE(0, self->kmsg) TH_LOG("/dev/kmsg: %s", strerror(errno));
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, processes_and_threads, 600)
{
	unsigned int seconds = env_uint("REFPAGE_STRESS_SECONDS", 3, 500);
	unsigned int workers = env_uint("REFPAGE_STRESS_WORKERS", 4, 64);
	unsigned int seed = env_uint("REFPAGE_STRESS_SEED", random_seed(), ~0U);
	double until = now() + seconds;
	pid_t pids[64];
	unsigned int i;
	int code, failed = 0;
	const char *splat;
	char line[512];

	TH_LOG("%u workers for %u s, seed %u (REFPAGE_STRESS_SEED=%u repeats it)",
	       workers, seconds, seed, seed);
	for (i = 0; i < workers; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			_exit(work(seed + i, until));
	}
	for (i = 0; i < workers; i++) {
		ASSERT_EQ(pids[i], wait_exit(pids[i], &code));
		failed += code != 0;
	}
	splat = kmsg_splat(self->kmsg, line, sizeof(line));
	ASSERT_EQ(NULL, splat) TH_LOG("the kernel reported: %s", splat);
	ASSERT_EQ(0, failed) TH_LOG("%d of %u workers failed", failed, workers);
}

TEST_HARNESS_MAIN
