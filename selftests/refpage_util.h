/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the refpage selftests: patterns, page table and memory
 * cgroup probes, the kernel log, and arm64 MTE tags.
 */
#ifndef REFPAGE_UTIL_H
#define REFPAGE_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>

#include "refpage_syscall.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef PROT_MTE
#define PROT_MTE 0x20
#endif
#ifndef SEGV_MTEAERR
#define SEGV_MTEAERR 8
#endif
#ifndef SEGV_MTESERR
#define SEGV_MTESERR 9
#endif

#define MTE_GRANULE 16
#define MTE_ONLY_ARM64 "MTE is arm64 only"

extern long psize;

/* The kinds of pattern the tests use, see pattern_fill() */
enum pattern_kind {
	PATTERN_DISTINCT,	/* every byte differs from its neighbours */
	PATTERN_UNIFORM,	/* one byte repeated: the kernel's memset path */
};

void pattern_fill(unsigned char *buf, size_t size, enum pattern_kind kind,
		  unsigned int seed);
ssize_t pattern_mismatch(const void *p, size_t len, const void *pat,
			 size_t size);
ssize_t pattern_report(const char *what, const void *p, size_t from,
		       size_t to, const void *pat, size_t size);
ssize_t pattern_mismatch_sampled(const void *p, size_t len, const void *pat,
				 size_t size);
bool refpage_available(void);
int refpage_map(const void *pat, unsigned int size, size_t len, int prot,
		void **map);

__u64 pagemap_pfn(const void *addr);
bool pagemap_swapped(const void *addr);
bool swap_enabled(void);
bool pagemap_absent(const void *addr);
void stay_on_this_cpu(void);
int pageout(void *addr, size_t len, bool (*done)(const void *), const void *probe);
long mem_free(void);
__u64 kpage_mapcount(__u64 pfn);
__u64 kpage_flags(__u64 pfn);
long smaps_kb(const void *addr, const char *field);
void read_fault(const void *p);

int read_ulong(const char *path, unsigned long *val);
int write_str(const char *path, const char *val);
int write_ulong(const char *path, unsigned long val);

struct memcg {
	char path[128];
	bool made;
};

int memcg_make(struct memcg *cg, const char *name);
int memcg_enter(struct memcg *cg);
long memcg_current(struct memcg *cg);
int memcg_set_max(struct memcg *cg, unsigned long bytes);
void memcg_remove(struct memcg *cg);

int kmsg_mark(void);
const char *kmsg_splat(int fd, char *line, size_t len);

bool mte_available(void);
int mte_set_mode(unsigned long mode);
void *mte_tag_ptr(const void *p, unsigned int tag);
void mte_set_tag(void *tagged);
unsigned int mte_get_tag(const void *p);
int try_load(const void *p, unsigned char *val);
int try_store(void *p, unsigned char val);
int mte_try_load(const void *p, unsigned char *val);
int mte_try_store(void *p, unsigned char val);

pid_t wait_exit(pid_t pid, int *code);
unsigned int random_seed(void);

/* errno if @ret is -1, 0 if the call succeeded */
static inline int errno_if_failed(long ret)
{
	return ret == -1 ? errno : 0;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * Bytes [from, to) of @p, a page-aligned address, are the pattern @pat of
 * @size bytes.  Like every ASSERT_*(), a TH_LOG() may follow.
 */
#define ASSERT_PATTERN_AT(p, from, to, pat, size)			\
	ASSERT_EQ(-1, pattern_report(#p, p, from, to, pat, size))

#define ASSERT_PATTERN(p, len, pat, size)				\
	ASSERT_PATTERN_AT(p, 0, len, pat, size)

/* @call returns -1 with errno @err */
#define ASSERT_FAILS_WITH(err, call)					\
	ASSERT_EQ(err, (errno = 0, errno_if_failed((long)(call))))

/* A child of the test exited with status 0 */
#define ASSERT_CHILD_OK(pid) do {					\
	pid_t __pid = (pid);						\
	int __code;							\
	ASSERT_EQ(__pid, wait_exit(__pid, &__code));			\
	ASSERT_EQ(0, __code)						\
		TH_LOG("the child failed (status %d, 128+N: signal N)", __code); \
} while (0)

#endif

#endif
