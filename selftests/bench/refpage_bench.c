// SPDX-License-Identifier: GPL-2.0
/*
 * The v4 cover letter's microbenchmark with the current API, plus the rows
 * the review thread asked about.
 *
 *   refpage_bench [-i ITERATIONS] CASE:MMAP_SIZE:TOUCH_SIZE ...
 *
 * Each CASE:MMAP:TOUCH runs in a child process of its own: ITERATIONS times
 * map MMAP bytes, make them read as the pattern (by hand or with a reference
 * page), store to one byte of each page in the first TOUCH bytes, unmap.
 * One line per measurement on stdout:
 *
 *   bench case=memset mmap=4096000 touch=4096 iterations=1000 seconds=3.962194 maxrss_kib=6656
 *
 * or `skip=REASON` / `error=REASON` in place of the figures. The exit status
 * is 0, 1 when a measurement failed, 4 (KSFT_SKIP) without refpage_create.
 *
 * Cases:
 *   memset        anonymous memory, memset() with the pattern byte (v4's baseline)
 *   refpage       a reference page of a one-byte pattern (the kernel's memset path)
 *   refpage-page  a reference page of a full-page pattern (the kernel copies the page)
 *   mte-stg       PROT_MTE anonymous memory tagged by hand with STG, granule by granule
 *   mte-stz2g     PROT_MTE anonymous memory zeroed and tagged by hand with STZ2G
 *   mte-refpage   PROT_MTE mapping of a reference page made from a tagged zero granule
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "refpage_syscall.h"

#define PATTERN_BYTE 0xaa
#define MTE_TAG 5UL
#define KSFT_SKIP 4

#ifndef PROT_MTE
#define PROT_MTE 0x20
#endif

struct spec {
	const char *name;
	size_t mmap_size;
	size_t touch_size;
};

struct ctx {
	long page;
	int fd;			/* the reference page, or -1 */
	int prot;
	unsigned char *expect;	/* what a page must read as: one page */
};

typedef void *(*map_fn)(struct ctx *c, size_t size);

static int fail(const char *what)
{
	fprintf(stderr, "refpage_bench: %s: %s\n", what, strerror(errno));
	return 1;
}

static void *with_tag(void *p, unsigned long tag)
{
	return (void *)(((uintptr_t)p & ~(0xfUL << 56)) | (tag << 56));
}

static void *map_anon(struct ctx *c, size_t size)
{
	void *p = mmap(NULL, size, c->prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void *map_memset(struct ctx *c, size_t size)
{
	void *p = map_anon(c, size);

	if (p)
		memset(p, PATTERN_BYTE, size);
	return p;
}

static void *map_refpage(struct ctx *c, size_t size)
{
	void *p = mmap(NULL, size, c->prot, MAP_PRIVATE, c->fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	return c->prot & PROT_MTE ? with_tag(p, MTE_TAG) : p;
}

#if defined(__aarch64__)
#include <sys/auxv.h>
#include <linux/prctl.h>

#ifndef HWCAP2_MTE
#define HWCAP2_MTE (1 << 18)
#endif

static const char *mte_missing(void)
{
	if (!(getauxval(AT_HWCAP2) & HWCAP2_MTE))
		return "this CPU has no MTE (qemu needs -machine virt,mte=on -cpu max)";
	return NULL;
}

/* Synchronous tag checks in the measuring child: a wrong tag faults at once. */
static int mte_enable(void)
{
	return prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC |
		     (0xfffeUL << PR_MTE_TAG_SHIFT), 0, 0, 0);
}

static void *map_stg(struct ctx *c, size_t size)
{
	char *p = map_anon(c, size);
	char *q, *end;

	if (!p)
		return NULL;
	p = with_tag(p, MTE_TAG);
	for (q = p, end = p + size; q < end; q += 16)
		asm volatile("stg %0, [%0]" : : "r"(q) : "memory");
	return p;
}

static void *map_stz2g(struct ctx *c, size_t size)
{
	char *p = map_anon(c, size);
	char *q, *end;

	if (!p)
		return NULL;
	p = with_tag(p, MTE_TAG);
	for (q = p, end = p + size; q < end; q += 32)
		asm volatile("stz2g %0, [%0]" : : "r"(q) : "memory");
	return p;
}

/* One zero granule tagged MTE_TAG: the reference page gets that tag everywhere. */
static int tagged_zero_content(void **content)
{
	char *g = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_MTE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (g == MAP_FAILED)
		return -1;
	g = with_tag(g, MTE_TAG);
	asm volatile("stg %0, [%0]" : : "r"(g) : "memory");
	*content = g;
	return 0;
}
#else
static const char *mte_missing(void)
{
	return "MTE is arm64 only";
}

static int mte_enable(void)
{
	errno = EOPNOTSUPP;
	return -1;
}

static void *map_stg(struct ctx *c, size_t size)
{
	return NULL;
}

#define map_stz2g map_stg

static int tagged_zero_content(void **content)
{
	errno = EOPNOTSUPP;
	return -1;
}
#endif

static const struct kind {
	const char *name;
	map_fn map;
	int mte;
	unsigned int content;	/* refpage_create size: 0 none, 1 a byte, ~0u a page */
} kinds[] = {
	{ "memset", map_memset, 0, 0 },
	{ "refpage", map_refpage, 0, 1 },
	{ "refpage-page", map_refpage, 0, ~0u },
	{ "mte-stg", map_stg, 1, 0 },
	{ "mte-stz2g", map_stz2g, 1, 0 },
	{ "mte-refpage", map_refpage, 1, 16 },
};

static const struct kind *find_kind(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

static int setup(const struct kind *k, struct ctx *c)
{
	void *content;
	unsigned int size = k->content;
	long i;

	c->fd = -1;
	c->prot = PROT_READ | PROT_WRITE | (k->mte ? PROT_MTE : 0);
	if (k->mte && mte_enable())
		return fail("prctl(PR_SET_TAGGED_ADDR_CTRL)");
	c->expect = malloc(c->page);
	if (!c->expect)
		return fail("malloc");
	memset(c->expect, k->mte ? 0 : PATTERN_BYTE, c->page);
	if (size == ~0u) {
		size = c->page;
		for (i = 0; i < c->page; i++)
			c->expect[i] = PATTERN_BYTE ^ (i * 7 + i / 256);
	}
	if (!size)
		return 0;
	if (k->mte) {
		if (tagged_zero_content(&content))
			return fail("tagged content");
	} else {
		content = c->expect;
	}
	c->fd = refpage_create(content, size, 0);
	if (c->fd < 0)
		return fail("refpage_create");
	return 0;
}

/*
 * Byte by byte on purpose: glibc's memcmp() faults with SEGV_MTESERR on
 * correctly tagged PROT_MTE memory under QEMU TCG, where a plain loop does not.
 */
static int differs(const volatile unsigned char *p, const unsigned char *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != want[i])
			return 1;
	return 0;
}

/* The first iteration checks that the memory reads as it should, copied or not. */
static int check(struct ctx *c, const unsigned char *p, size_t mmap_size, size_t touch_size)
{
	size_t last = mmap_size - c->page;

	if (touch_size && differs(p + 1, c->expect + 1, c->page - 1))
		return -1;
	if (last >= touch_size && differs(p + last, c->expect, c->page))
		return -1;
	return 0;
}

static void on_fault(int sig, siginfo_t *info, void *uc)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "refpage_bench: signal %d, si_code %d, address %p\n",
			 sig, info->si_code, info->si_addr);

	write(2, msg, n);
	_exit(3);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int measure(const struct kind *k, const struct spec *s, unsigned int iterations,
		   double *seconds)
{
	struct ctx c = { .page = sysconf(_SC_PAGESIZE) };
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	double start;
	unsigned int i;
	size_t j;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (setup(k, &c))
		return 1;
	start = now();
	for (i = 0; i != iterations; ++i) {
		char *p = k->map(&c, s->mmap_size);

		if (!p)
			return fail("mmap");
		for (j = 0; j < s->touch_size; j += c.page)
			p[j] = 0;
		if (!i && check(&c, (unsigned char *)p, s->mmap_size, s->touch_size)) {
			fprintf(stderr, "refpage_bench: %s: the memory does not read as the pattern\n",
				k->name);
			return 1;
		}
		munmap(with_tag(p, 0), s->mmap_size);
	}
	*seconds = now() - start;
	return 0;
}

static void report(const struct spec *s, unsigned int iterations, const char *figures)
{
	printf("bench case=%s mmap=%zu touch=%zu iterations=%u %s\n",
	       s->name, s->mmap_size, s->touch_size, iterations, figures);
	fflush(stdout);
}

static int run(const struct spec *s, unsigned int iterations)
{
	const struct kind *k = find_kind(s->name);
	double *seconds;
	struct rusage ru;
	char figures[128];
	const char *missing;
	int status;
	pid_t pid;

	if (k->mte && (missing = mte_missing())) {
		snprintf(figures, sizeof(figures), "skip=%s", missing);
		report(s, iterations, figures);
		return 0;
	}
	seconds = mmap(NULL, sizeof(*seconds), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seconds == MAP_FAILED)
		return fail("mmap");
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (!pid)
		_exit(measure(k, s, iterations, seconds));
	if (wait4(pid, &status, 0, &ru) != pid)
		return fail("wait4");
	if (WIFSIGNALED(status))
		snprintf(figures, sizeof(figures), "error=killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status))
		snprintf(figures, sizeof(figures), "error=exit status %d (see above)",
			 WEXITSTATUS(status));
	else
		snprintf(figures, sizeof(figures), "seconds=%.6f maxrss_kib=%ld",
			 *seconds, ru.ru_maxrss);
	munmap(seconds, sizeof(*seconds));
	report(s, iterations, figures);
	return strncmp(figures, "error=", 6) != 0 ? 0 : 1;
}

static int parse_spec(const char *arg, struct spec *s)
{
	static char name[32];
	char *end;

	if (sscanf(arg, "%31[^:]:", name) != 1 || !find_kind(name))
		return -1;
	s->name = name;
	s->mmap_size = strtoul(arg + strlen(name) + 1, &end, 10);
	if (*end != ':' || !s->mmap_size)
		return -1;
	s->touch_size = strtoul(end + 1, &end, 10);
	return *end || s->touch_size > s->mmap_size ? -1 : 0;
}

static int refpage_missing(void)
{
	char byte = PATTERN_BYTE;
	int fd = refpage_create(&byte, 1, 0);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == ENOSYS;
}

int main(int argc, char **argv)
{
	unsigned int iterations = 1000;
	struct spec s;
	int opt, i, ret = 0;

	while ((opt = getopt(argc, argv, "i:")) != -1) {
		if (opt != 'i')
			return 2;
		iterations = strtoul(optarg, NULL, 10);
	}
	if (optind == argc || !iterations) {
		fprintf(stderr, "usage: %s [-i ITERATIONS] CASE:MMAP_SIZE:TOUCH_SIZE ...\n", argv[0]);
		return 2;
	}
	if (refpage_missing()) {
		printf("bench error=%s\n", REFPAGE_MISSING);
		return KSFT_SKIP;
	}
	for (i = optind; i < argc; i++) {
		if (parse_spec(argv[i], &s)) {
			fprintf(stderr, "refpage_bench: bad case %s: want CASE:MMAP:TOUCH, "
				"TOUCH <= MMAP, CASE one of memset, refpage, refpage-page, "
				"mte-stg, mte-stz2g, mte-refpage\n", argv[i]);
			return 2;
		}
		ret |= run(&s, iterations);
	}
	return ret;
}
