// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the refpage selftests, see refpage_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "refpage_util.h"

long psize;

static void __attribute__((constructor)) refpage_util_init(void)
{
	psize = sysconf(_SC_PAGESIZE);
}

void pattern_fill(unsigned char *buf, size_t size, enum pattern_kind kind,
		  unsigned int seed)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (kind == PATTERN_UNIFORM)
			buf[i] = 0xa5 ^ seed;
		else
			buf[i] = (i * 13 + (i >> 8) * 7 + seed) | 1;
	}
}

/* The first offset in [from, to) where @p is off the pattern, or -1 */
static ssize_t mismatch_in(const unsigned char *p, size_t from, size_t to,
			   const unsigned char *pat, size_t size)
{
	size_t i;

	for (i = from; i < to; i++)
		if (p[i] != pat[i % size])
			return i;
	return -1;
}

/* The offset of the first byte of [p, p + len) off the pattern, or -1 */
ssize_t pattern_mismatch(const void *p, size_t len, const void *pat,
			 size_t size)
{
	return mismatch_in(p, 0, len, pat, size);
}

/*
 * pattern_mismatch() on bytes [from, to) of @p, page-aligned, printing the
 * first wrong byte as a TAP diagnostic
 */
ssize_t pattern_report(const char *what, const void *p, size_t from,
		       size_t to, const void *pat, size_t size)
{
	const unsigned char *b = p, *c = pat;
	ssize_t bad = mismatch_in(b, from, to, c, size);

	if (bad >= 0)
		fprintf(stderr,
			"# %s: byte %zd (page %zd, +%zd) is %#x, not the pattern's %#x\n",
			what, bad, bad / psize, bad % psize, b[bad],
			c[bad % size]);
	return bad;
}

/* The same, looking only at both ends of every page: for huge ranges */
ssize_t pattern_mismatch_sampled(const void *p, size_t len, const void *pat,
				 size_t size)
{
	size_t off, span = 64;
	ssize_t bad;

	for (off = 0; off < len; off += psize) {
		bad = mismatch_in(p, off, off + span, pat, size);
		if (bad < 0)
			bad = mismatch_in(p, off + psize - span, off + psize,
					  pat, size);
		if (bad >= 0)
			return bad;
	}
	return -1;
}

bool refpage_available(void)
{
	unsigned char c = 0;
	int fd = refpage_create(&c, 1, 0);

	if (fd < 0)
		return errno != REFPAGE_NOSYS;
	close(fd);
	return true;
}

/* A new refpage of @pat and a private mapping of @len bytes of it */
int refpage_map(const void *pat, unsigned int size, size_t len, int prot,
		void **map)
{
	int fd = refpage_create(pat, size, 0);

	*map = MAP_FAILED;
	if (fd < 0)
		return fd;
	*map = mmap(NULL, len, prot, MAP_PRIVATE, fd, 0);
	return fd;
}

static __u64 pread_u64(const char *path, __u64 index)
{
	__u64 val = ~0ULL;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return ~0ULL;
	if (pread(fd, &val, sizeof(val), index * sizeof(val)) != sizeof(val))
		val = ~0ULL;
	close(fd);
	return val;
}

/* The PFN mapped at @addr (as root), 0 if none */
__u64 pagemap_pfn(const void *addr)
{
	__u64 ent = pread_u64("/proc/self/pagemap",
				 (uintptr_t)addr / psize);

	if (ent == ~0ULL || !(ent & (1ULL << 63)))
		return 0;
	return ent & ((1ULL << 55) - 1);
}

/* Whether /proc/self/pagemap says @addr is swapped out */
bool pagemap_swapped(const void *addr)
{
	__u64 ent = pread_u64("/proc/self/pagemap", (uintptr_t)addr / psize);

	return ent != ~0ULL && (ent & (1ULL << 62));
}

/*
 * MADV_PAGEOUT is best effort: it passes over a folio still in another CPU's LRU batch, or one
 * that reclaim holds meanwhile (seen under `boot --parallel`). A test that needs its pages out
 * stays on one CPU from before its faults, so that the madvise's own lru_add_drain() flushes the
 * batch they filled, and asks again while `done(probe)` says not yet.
 */
void stay_on_this_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int pageout(void *addr, size_t len, bool (*done)(const void *), const void *probe)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (madvise(addr, len, MADV_PAGEOUT))
			return -1;
		if (done(probe))
			break;
		usleep(20000);
	}
	return 0;
}

bool pagemap_absent(const void *addr)
{
	return !pagemap_pfn(addr);
}

/* Whether any swap device is on */
bool swap_enabled(void)
{
	char line[256];
	FILE *f = fopen("/proc/swaps", "r");
	int lines = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

/* MemFree of /proc/meminfo, in bytes */
long mem_free(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

/* The KPF_* flags /proc/kpageflags shows for @pfn, ~0 on error */
__u64 kpage_flags(__u64 pfn)
{
	return pread_u64("/proc/kpageflags", pfn);
}

/* The map count /proc/kpagecount shows for @pfn, ~0 on error */
__u64 kpage_mapcount(__u64 pfn)
{
	return pread_u64("/proc/kpagecount", pfn);
}

/* A "Field:  N kB" line of the VMA holding @addr in smaps, -1 if none */
long smaps_kb(const void *addr, const char *field)
{
	unsigned long start, end;
	char line[512];
	long val = -1;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = (uintptr_t)addr >= start && (uintptr_t)addr < end;
			continue;
		}
		if (in && !strncmp(line, field, strlen(field)) &&
		    line[strlen(field)] == ':') {
			if (sscanf(line + strlen(field) + 1, "%ld", &val) != 1)
				val = -1;
			break;
		}
	}
	fclose(f);
	return val;
}

int read_ulong(const char *path, unsigned long *val)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	*val = strtoul(buf, NULL, 0);
	return 0;
}

int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

int write_ulong(const char *path, unsigned long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", val);
	return write_str(path, buf);
}

/* A cgroup v2 group under the root, with the memory controller */
int memcg_make(struct memcg *cg, const char *name)
{
	snprintf(cg->path, sizeof(cg->path), "/sys/fs/cgroup/%s.%d", name,
		 getpid());
	cg->made = !mkdir(cg->path, 0755);
	return cg->made ? 0 : -1;
}

int memcg_enter(struct memcg *cg)
{
	char file[160];

	snprintf(file, sizeof(file), "%s/cgroup.procs", cg->path);
	return write_ulong(file, getpid());
}

long memcg_current(struct memcg *cg)
{
	char file[160];
	unsigned long val;

	snprintf(file, sizeof(file), "%s/memory.current", cg->path);
	return read_ulong(file, &val) ? -1 : (long)val;
}

int memcg_set_max(struct memcg *cg, unsigned long bytes)
{
	char file[160];

	snprintf(file, sizeof(file), "%s/memory.max", cg->path);
	return write_ulong(file, bytes);
}

/* Removes the group; every process in it must have exited */
void memcg_remove(struct memcg *cg)
{
	if (cg->made)
		rmdir(cg->path);
	cg->made = false;
}

/* /dev/kmsg from now on: kmsg_splat() reads what the kernel logs after */
int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * The first kernel message since kmsg_mark() that reports a bug (copied to
 * @line), or NULL.  Closes @fd.
 */
const char *kmsg_splat(int fd, char *line, size_t len)
{
	static const char * const splats[] = {
		"Bad page map", "Bad page state", "Bad rss-counter",
		"BUG:", "kernel BUG", "WARNING:", "Oops", "cut here",
		"Unable to handle", "general protection fault",
	};
	char rec[1024];
	const char *found = NULL;
	unsigned int i;
	ssize_t n;

	if (fd < 0)
		return NULL;
	while (!found) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		for (i = 0; i < ARRAY_SIZE(splats); i++) {
			if (strstr(rec, splats[i])) {
				snprintf(line, len, "%s",
					 strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
				line[strcspn(line, "\n")] = '\0';
				found = line;
				break;
			}
		}
	}
	close(fd);
	return found;
}

#ifdef __aarch64__
bool mte_available(void)
{
	return getauxval(AT_HWCAP2) & HWCAP2_MTE;
}

/* PR_MTE_TCF_SYNC, PR_MTE_TCF_ASYNC or 0; every tag but 0 for IRG */
int mte_set_mode(unsigned long mode)
{
	return prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | mode |
		     (0xfffeUL << PR_MTE_TAG_SHIFT), 0, 0, 0);
}

void *mte_tag_ptr(const void *p, unsigned int tag)
{
	return (void *)(((uintptr_t)p & ~(0xfUL << 56)) |
			((uintptr_t)(tag & 0xf) << 56));
}

void mte_set_tag(void *tagged)
{
	asm volatile(".arch armv8.5-a+memtag\n\tstg %0, [%0]"
		     : : "r"(tagged) : "memory");
}

unsigned int mte_get_tag(const void *p)
{
	asm volatile(".arch armv8.5-a+memtag\n\tldg %0, [%0]" : "+r"(p));
	return ((uintptr_t)p >> 56) & 0xf;
}

#else

bool mte_available(void)
{
	return false;
}

int mte_set_mode(unsigned long mode)
{
	errno = EINVAL;
	return -1;
}

void *mte_tag_ptr(const void *p, unsigned int tag)
{
	return (void *)p;
}

void mte_set_tag(void *tagged)
{
}

unsigned int mte_get_tag(const void *p)
{
	return 0;
}

#endif

static sigjmp_buf fault_jmp;

static void on_fault(int sig, siginfo_t *info, void *uc)
{
	siglongjmp(fault_jmp, sig | info->si_code << 8);
}

/*
 * Access @p, catching SIGSEGV and SIGBUS; the system call after the access
 * collects an asynchronous MTE fault.  Returns the signal | si_code << 8, or 0.
 */
static int try_access(unsigned char *p, unsigned char *val, bool store)
{
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO };
	struct sigaction old_segv, old_bus;
	int fault;

	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	fault = sigsetjmp(fault_jmp, 1);
	if (!fault) {
		if (store)
			*p = *val;
		else
			*val = *p;
		syscall(__NR_getppid);
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return fault;
}

/* The signal a load raised, or 0 */
int try_load(const void *p, unsigned char *val)
{
	return try_access((unsigned char *)p, val, false) & 0xff;
}

int try_store(void *p, unsigned char val)
{
	return try_access(p, &val, true) & 0xff;
}

static int segv_code(int fault)
{
	return (fault & 0xff) == SIGSEGV ? fault >> 8 : 0;
}

/* The si_code of the SIGSEGV a load raised (SEGV_MTESERR, ...), or 0 */
int mte_try_load(const void *p, unsigned char *val)
{
	return segv_code(try_access((unsigned char *)p, val, false));
}

int mte_try_store(void *p, unsigned char val)
{
	return segv_code(try_access(p, &val, true));
}

/* Reads the byte at @p, so that its page is faulted in for reading */
void read_fault(const void *p)
{
	unsigned char c = *(const unsigned char *)p;

	asm volatile("" : : "r"(c));
}

/* A seed for random tests: the guest's clock starts at 0 on every boot */
unsigned int random_seed(void)
{
	unsigned int seed = time(NULL) ^ getpid();

	getrandom(&seed, sizeof(seed), 0);
	return seed;
}

/* Waits for @pid; @code is its exit status, or 128 + the killing signal */
pid_t wait_exit(pid_t pid, int *code)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	*code = WIFEXITED(status) ? WEXITSTATUS(status) :
		128 + WTERMSIG(status);
	return pid;
}
